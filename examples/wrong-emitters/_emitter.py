"""A small backup-XML writer behind the emitter protocol, as a tool's author might write
one: the defect files beside it each change one thing of it (a field dropped, a value
spelt its own way, escaping left out, a crash, a hang) the way such bugs happen.

Run as `python3 FILE.py`; the harness speaks the emitter protocol on stdin and stdout.
"""

import json
import sys


def escape(value):
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("'", "&apos;").replace('"', "&quot;").replace("\t", "&#9;")
            .replace("\n", "&#10;").replace("\r", "&#13;"))


def escape_text(value):
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


class Writer:
    """Writes an intent. Subclasses override a method to carry their defect."""

    escape = staticmethod(escape)
    escape_text = staticmethod(escape_text)

    def attrs(self, element, obj, names):
        out = ""
        for name in names:
            key = name
            if obj.get(key) is not None:
                out += " %s='%s'" % (name, self.attr_value(element, name, obj[key]))
        return out

    def attr_value(self, element, name, value):
        return self.escape(value)

    def document(self, intent):
        out = "<domainbackup%s>\n" % self.attrs("domainbackup", intent, ["mode"])
        if intent.get("incremental") is not None:
            out += "  <incremental>%s</incremental>\n" % self.escape_text(intent["incremental"])
        if intent.get("server") is not None:
            out += "  <server%s/>\n" % self.attrs(
                "server", intent["server"], ["transport", "tls", "name", "port", "socket", "fdgroup"])
        if intent.get("disks") is not None:
            out += "  <disks>\n"
            for disk in intent["disks"]:
                out += self.disk(disk)
            out += "  </disks>\n"
        return out + "</domainbackup>\n"

    def disk_attributes(self):
        return ["name", "backup", "type", "backupmode", "incremental", "exportname", "exportbitmap"]

    def disk(self, disk):
        out = "    <disk%s>\n" % self.attrs("disk", disk, self.disk_attributes())
        if disk.get("driver") is not None:
            out += "      <driver type='%s'/>\n" % self.escape(disk["driver"])
        for name in ("target", "scratch"):
            if disk.get(name) is not None:
                out += self.store(name, disk[name])
        return out + "    </disk>\n"

    def store(self, name, store):
        out = "      <%s%s>\n" % (name, self.attrs(name, store, ["file", "dev"]))
        for seclabel in store.get("seclabels") or []:
            out += self.seclabel(seclabel)
        if store.get("encryption") is not None:
            out += self.encryption(store["encryption"])
        return out + "      </%s>\n" % name

    def seclabel(self, seclabel):
        out = "        <seclabel%s>\n" % self.attrs("seclabel", seclabel, ["model", "relabel", "labelskip"])
        for label in seclabel.get("labels") or []:
            out += "          <label>%s</label>\n" % self.escape_text(label)
        return out + "        </seclabel>\n"

    def encryption(self, encryption):
        out = "        <encryption%s>\n" % self.attrs("encryption", encryption, ["format", "engine"])
        for secret in encryption.get("secrets") or []:
            out += "          <secret%s/>\n" % self.attrs("secret", secret, ["type", "uuid", "usage"])
        if encryption.get("cipher") is not None:
            out += "          <cipher%s/>\n" % self.attrs("cipher", encryption["cipher"], ["name", "size", "mode", "hash"])
        if encryption.get("ivgen") is not None:
            out += "          <ivgen%s/>\n" % self.attrs("ivgen", encryption["ivgen"], ["name", "hash"])
        return out + "        </encryption>\n"

    def answer(self, intent, profile):
        """The protocol answer for one intent: {"xml": ...}, {"unsupported": [...]} or
        {"refused": ...}."""
        return {"xml": self.document(intent)}


def serve(writer, name):
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        cmd = request.get("cmd")
        if cmd == "start":
            answer = {"ok": True, "role": "emitter", "name": name, "version": "1",
                      "profiles": ["9.0", "11.3"]}
        elif cmd == "stop":
            return
        else:
            answer = dict(writer.answer(request["intent"], request["profile"]))
            answer["seq"] = request["seq"]
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
