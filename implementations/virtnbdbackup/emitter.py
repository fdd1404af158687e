#!/usr/bin/env python3
"""The domainbackup-harness emitter adapter for virtnbdbackup.

virtnbdbackup (Debian package `virtnbdbackup`) writes a pull-mode backup document from its
command-line options and the domain libvirt reports, in
`libvirtnbdbackup.virt.client.client._createBackupXml`, and hands it to
`virDomain.backupBegin`. This adapter runs that code as the tool does: it turns an intent
into the tool's options (parsed by argparse with the tool's own remote options), connects a
`client` to a stand-in for the `libvirt` module that answers with the domain the harness
sends, lets `getDomainDisks` choose the disks from it and `startBackup` start the backup,
and answers with what `backupBegin` received.

The tool writes only what its options say: mode `pull`, one `<server>` (a UNIX socket,
`--socketfile`, when libvirt is local; `tls`, a name and `--nbd-port` when it is remote),
`<incremental>` for an incremental backup, and each disk by name with a scratch file it
names itself (`SCRATCHDIR/backup.RANDOM.NAME`). An intent it cannot state is answered as
unsupported, naming the fields; the scratch files are answered as its own choice
(`"chosen"`), since the intent cannot name them; an option the tool's parser refuses (a port
that is not a number) is its refusal.

It speaks the harness's emitter protocol on standard input and output:

    -> {"cmd":"start","version":1,"role":"emitter"}
    <- {"ok":true,"role":"emitter","name":"virtnbdbackup",...}
    -> {"cmd":"emit","seq":N,"profile":"11.3","intent":{...},"domain":"<domain>..."}
    <- {"seq":N,"xml":"...","chosen":["disks[0].scratch.file"]}
       or {"seq":N,"unsupported":["disks[0].backup"]} or {"seq":N,"refused":"..."}
    -> {"cmd":"stop"}
"""
import argparse
import contextlib
import io
import json
import logging
import os
import random
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.environ.get(
    "VIRTNBDBACKUP_PATH", os.path.join(HERE, "target", "root", "usr", "lib", "python3", "dist-packages"))
sys.path.insert(0, PACKAGE)

# The tool logs to its own loggers; standard output belongs to the protocol.
logging.disable(logging.CRITICAL)

REMOTE_HOST = "backup-remote-host"


class StandInError(Exception):
    """libvirt.libvirtError"""


class StandInDomain:
    """A running domain: its XML is the harness's; backupBegin keeps what it is given."""

    def __init__(self, xml):
        self.xml = xml
        self.began = None

    def XMLDesc(self, flags=0):
        return self.xml

    def fsFreeze(self, mountpoints=None, flags=0):
        raise StandInError("Guest agent is not responding")

    def fsThaw(self, mountpoints=None, flags=0):
        return 0

    def backupBegin(self, backup_xml, checkpoint_xml=None, flags=0):
        self.began = backup_xml
        return 0


class StandInConnection:
    """libvirt.virConnect: local (this host's name) or remote, with one domain."""

    def __init__(self, uri):
        self.remote = uri.startswith("qemu+ssh://")
        self.domain = None

    def getHostname(self):
        import socket
        return REMOTE_HOST if self.remote else socket.gethostname()

    def getLibVersion(self):
        return 11003000

    def lookupByName(self, name):
        return self.domain


def stand_in_libvirt():
    """The parts of the libvirt module the tool's client uses."""
    module = types.ModuleType("libvirt")
    module.libvirtError = StandInError
    module.virConnect = StandInConnection
    module.virDomain = StandInDomain
    module.virDomainCheckpoint = object
    module.registerErrorHandler = lambda f, ctx: None
    module.connections = []

    def open_connection(uri=None):
        connection = StandInConnection(uri or "")
        module.connections.append(connection)
        return connection

    module.open = open_connection
    module.openAuth = lambda uri, auth, flags=0: open_connection(uri)
    for i, name in enumerate([
        "VIR_CRED_AUTHNAME", "VIR_CRED_PASSPHRASE", "VIR_DOMAIN_BLOCK_JOB_TYPE_BACKUP",
        "VIR_DOMAIN_CHECKPOINT_XML_SIZE", "VIR_ERR_NO_DOMAIN_CHECKPOINT",
        "VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE",
    ]):
        setattr(module, name, i + 1)
    return module


libvirt = stand_in_libvirt()
sys.modules["libvirt"] = libvirt
with contextlib.redirect_stdout(sys.stderr):
    from libvirtnbdbackup import argopt
    from libvirtnbdbackup import virt

try:
    from importlib.metadata import version
    VERSION = version("virtnbdbackup")
except Exception:  # the package is unpacked, not installed: its egg-info may not be found
    VERSION = "1.9.15"


def parser():
    """The tool's options that decide the backup document (the rest change nothing in it)."""
    p = argparse.ArgumentParser(prog="virtnbdbackup", exit_on_error=False)
    p.add_argument("-d", "--domain", required=True)
    p.add_argument("-l", "--level", default="copy", choices=["copy", "full", "inc", "diff", "auto"])
    p.add_argument("-r", "--raw", default=False, action="store_true")
    p.add_argument("-S", "--scratchdir", default="/var/tmp")
    p.add_argument("-i", "--include", default=None)
    p.add_argument("-x", "--exclude", default=None)
    p.add_argument("-f", "--socketfile", default=f"/var/tmp/virtnbdbackup.{os.getpid()}")
    p.add_argument("-F", "--freeze-mountpoint", default=None)
    argopt.addRemoteArgs(p)
    return p


class Inexpressible(Exception):
    pass


def options(intent, domain_disks):
    """The command line for the intent, and the fields it cannot state."""
    unsupported = []
    argv = ["--domain", "backup-test"]
    if intent.get("mode") != "pull":
        unsupported.append("mode")  # it writes mode='pull' always
    server = intent.get("server")
    if server is None:
        unsupported.append("server")  # it writes one always
        server = {}
    transport = server.get("transport", "tcp")
    if transport == "unix":
        if "socket" in server:
            argv += ["--socketfile", server["socket"]]
        else:
            unsupported.append("server.socket")
        unsupported += ["server." + k for k in ("tls", "name", "port", "fdgroup") if k in server]
    elif transport == "tcp":
        argv += ["--uri", f"qemu+ssh://{REMOTE_HOST}/system"]
        if server.get("name"):
            argv += ["--nbd-ip", server["name"]]
        else:
            unsupported.append("server.name")
        if "port" in server:
            argv += ["--nbd-port", server["port"]]
        tls = server.get("tls")
        if tls == "yes":
            argv.append("--tls")
        elif tls not in (None, "no"):
            unsupported.append("server.tls")
        unsupported += ["server." + k for k in ("socket", "fdgroup") if k in server]
    else:
        unsupported.append("server.transport")
    incremental = intent.get("incremental")
    if incremental == "":
        unsupported.append("incremental")  # an empty parent is no parent to it
    argv += ["--level", "inc" if incremental else "full"]
    disks = intent.get("disks")
    if disks is not None:
        names = []
        for i, disk in enumerate(disks):
            for key in disk:
                if key not in ("name", "scratch"):
                    unsupported.append(f"disks[{i}].{key}")
            if "scratch" in disk:
                # It names every scratch file itself.
                unsupported.append(f"disks[{i}].scratch" + (".file" if "file" in disk["scratch"] else ""))
            names.append(disk.get("name"))
        # The domain's other disks are left out with --exclude.
        excluded = [d for d in domain_disks if d not in names]
        if excluded:
            argv += ["--exclude", ",".join(excluded)]
    return argv, unsupported


def emit(intent, domain_xml):
    from lxml import etree
    domain_disks = [t.get("dev") for t in etree.fromstring(domain_xml.encode()).iterfind("devices/disk/target")]
    argv, unsupported = options(intent, domain_disks)
    if unsupported:
        return {"unsupported": unsupported}
    errors = io.StringIO()
    try:
        with contextlib.redirect_stderr(errors):
            args = parser().parse_args(argv)
    except (argparse.ArgumentError, SystemExit) as error:
        return {"refused": str(error) if isinstance(error, argparse.ArgumentError) else errors.getvalue().strip()}
    connection_count = len(libvirt.connections)
    client = virt.client(args)
    domain = StandInDomain(domain_xml)
    libvirt.connections[connection_count].domain = domain
    domain_object = client.getDomain(args.domain)
    disks = client.getDomainDisks(args, client.getDomainConfig(domain_object))
    if not disks:
        return {"refused": "Unable to detect disks suitable for backup."}
    args.cpt = argparse.Namespace(
        name="virtnbdbackup.1" if incremental_of(intent) else "virtnbdbackup.0",
        parent=incremental_of(intent), file="")
    client.startBackup(args, domain_object, disks)
    return {"xml": domain.began, "chosen": [f"disks[{i}].scratch.file" for i in range(len(disks))]}


def incremental_of(intent):
    return intent.get("incremental") or ""


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    for line in sys.stdin:
        request = json.loads(line)
        cmd = request.get("cmd")
        if cmd == "start":
            send({"ok": True, "role": "emitter", "name": "virtnbdbackup", "version": VERSION,
                  "profiles": ["9.0", "11.3"]})
        elif cmd == "emit":
            # The tool names scratch files with random.choices: seeded for each intent, a
            # campaign writes the same names each time it runs.
            random.seed(0)
            with contextlib.redirect_stdout(sys.stderr):
                answer = emit(request["intent"], request["domain"])
            send({"seq": request["seq"], **answer})
        elif cmd == "stop":
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
