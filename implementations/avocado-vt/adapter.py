#!/usr/bin/env python3
"""The domainbackup-harness adapter for avocado-vt's backup XML class.

avocado-vt (the test framework libvirt's functional tests are written in) models a backup
document as `virttest.libvirt_xml.backup_xml.BackupXML`. A test reads one by assigning its
text (`bx.xml = text`), looks at its typed properties (`mode`, `incremental`, `server`,
`disks`, each disk's `target` or `scratch`, ...) with `fetch_attrs()`, and builds one from
those properties with `setup_attrs(**attrs)`. This adapter does exactly that for each case:
read, take the properties, build a new document from them and answer its text. What the
properties do not hold is lost, which is what a campaign shows.

It speaks the harness's NDJSON protocol on standard input and output:

    -> {"cmd":"start","version":1}
    <- {"ok":true,"name":"avocado-vt",...,"modes":["parse"],"validates":"none"}
    -> {"cmd":"run","seq":N,"mode":"parse","profile":"11.3","xml":"..."}
    <- {"seq":N,"accepted":true,"xml":"..."}  or  {"seq":N,"accepted":false,"message":"..."}
    -> {"cmd":"stop"}

The class does not validate, align or read status XML: the handshake declares the parse
mode only and no validation.

    domainbackup-harness check --protocol ndjson -- python3 implementations/avocado-vt/adapter.py
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


def round_trip(text: str) -> dict:
    """What a test does with a backup document: read it, then rebuild it from its properties."""
    try:
        read = BackupXML()
        read.xml = text
        attrs = read.fetch_attrs()
    except Exception as error:  # the class raises whatever its XML layer raises
        return {"accepted": False, "message": f"{type(error).__name__}: {error}"}
    try:
        written = BackupXML()
        written.setup_attrs(**attrs)
        return {"accepted": True, "xml": str(written.xmltreefile) + "\n"}
    except Exception as error:
        return {"accepted": False, "message": f"rebuilding: {type(error).__name__}: {error}"}


def send(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    # One answer a line, at once: the harness pipelines requests but waits for answers.
    sys.stdout.flush()


def main() -> int:
    for line in sys.stdin:
        request = json.loads(line)
        cmd = request.get("cmd")
        if cmd == "start":
            send({"ok": True, "name": "avocado-vt", "version": VERSION, "modes": ["parse"],
                  "profiles": ["9.0", "11.3"], "validates": "none"})
        elif cmd == "run":
            with contextlib.redirect_stdout(sys.stderr):
                answer = round_trip(request["xml"])
            send({"seq": request["seq"], **answer})
        elif cmd == "stop":
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
