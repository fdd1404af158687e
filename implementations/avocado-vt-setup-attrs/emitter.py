#!/usr/bin/env python3
"""The domainbackup-harness emitter adapter for avocado-vt's backup XML class.

A test written with avocado-vt builds the backup document it hands to `virsh backup-begin`
as a `virttest.libvirt_xml.backup_xml.BackupXML`: it sets `mode`, `incremental` and the
`server` dictionary, and gives `disks` a list of dictionaries that `BackupXML.DiskXML`'s
`setup_attrs` turns into disks (a `target` or `scratch` with its `attrs` and `encryption`,
a `driver` dictionary). The text is `str(bx.xmltreefile)`. This adapter does exactly that
for each intent.

What the class has no property for (a `<seclabel>`, the encryption's `engine`, a second
`<secret>`, `<cipher>`, `<ivgen>`) is answered as unsupported, naming the intent's field;
everything else is set as given, and the text the class writes is the answer.

It speaks the harness's emitter protocol on standard input and output:

    -> {"cmd":"start","version":1,"role":"emitter"}
    <- {"ok":true,"role":"emitter","name":"avocado-vt-setup-attrs",...}
    -> {"cmd":"emit","seq":N,"profile":"11.3","intent":{"mode":"pull",...}}
    <- {"seq":N,"xml":"..."}  or  {"seq":N,"unsupported":["disks[0].target.seclabels"]}
    -> {"cmd":"stop"}

    domainbackup-harness check-emitter -- python3 implementations/avocado-vt-setup-attrs/emitter.py
"""
import contextlib
import json
import logging
import sys

# avocado-vt logs (and may print) on import that virsh is missing: that is harmless here,
# but standard output belongs to the protocol.
logging.disable(logging.CRITICAL)
with contextlib.redirect_stdout(sys.stderr):
    from importlib.metadata import PackageNotFoundError, version

    from virttest.libvirt_xml.backup_xml import BackupXML

try:
    VERSION = version("avocado-framework-plugin-vt")
except PackageNotFoundError:
    VERSION = "unknown"

DISK_ATTRIBUTES = ("name", "backup", "exportname", "exportbitmap", "type", "backupmode",
                   "incremental")


def store_attrs(path, store, unsupported):
    """A target or scratch as DiskTarget's properties: `attrs` and `encryption`."""
    attrs = {"attrs": {key: store[key] for key in ("file", "dev") if key in store}}
    if store.get("seclabels"):
        unsupported.append(path + ".seclabels")
    encryption = store.get("encryption")
    if encryption is not None:
        attrs["encryption"] = encryption_attrs(path + ".encryption", encryption, unsupported)
    return attrs


def encryption_attrs(path, encryption, unsupported):
    """Encryption's properties: `encryption` (the format attribute) and one `secret`."""
    attrs = {}
    if "format" in encryption:
        attrs["encryption"] = encryption["format"]
    for key in ("engine", "cipher", "ivgen"):
        if key in encryption:
            unsupported.append(path + "." + key)
    secrets = encryption.get("secrets") or []
    if secrets:
        attrs["secret"] = dict(secrets[0])
    if len(secrets) > 1:
        unsupported.append(path + ".secrets[1]")
    return attrs


def disk_attrs(path, disk, unsupported):
    """One disk as the dictionary `BackupXML.DiskXML.setup_attrs` takes."""
    attrs = {key: disk[key] for key in DISK_ATTRIBUTES if key in disk}
    if "driver" in disk:
        attrs["driver"] = {"type": disk["driver"]}
    for name in ("target", "scratch"):
        if name in disk:
            attrs[name] = store_attrs(path + "." + name, disk[name], unsupported)
    return attrs


def emit(intent: dict) -> dict:
    """What a test does to write the intent's backup document."""
    unsupported = []
    attrs = {key: intent[key] for key in ("mode", "incremental") if key in intent}
    if "server" in intent:
        attrs["server"] = dict(intent["server"])
    if "disks" in intent:
        attrs["disks"] = [disk_attrs("disks[%d]" % i, disk, unsupported)
                          for i, disk in enumerate(intent["disks"])]
    if unsupported:
        return {"unsupported": unsupported}
    backup = BackupXML()
    backup.setup_attrs(**attrs)
    return {"xml": str(backup.xmltreefile) + "\n"}


def send(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main() -> int:
    for line in sys.stdin:
        request = json.loads(line)
        cmd = request.get("cmd")
        if cmd == "start":
            send({"ok": True, "role": "emitter", "name": "avocado-vt-setup-attrs",
                  "version": VERSION, "profiles": ["9.0", "11.3"]})
        elif cmd == "emit":
            with contextlib.redirect_stdout(sys.stderr):
                answer = emit(request["intent"])
            send({"seq": request["seq"], **answer})
        elif cmd == "stop":
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
