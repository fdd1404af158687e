"""What the wrong implementations written in Python share: the persistent protocol
(`check --protocol ndjson`), and everything their author got right.

Each `*.py` beside this file is one backup tool's XML code with one bug its author did not
see. What the tool gets right is libvirt's own behaviour, asked of the reference
(`domainbackup-harness serve`, started once); the bug is the file's `read` hook (how the
tool reads a document: it may change what it understood, or refuse) or `write` hook (how
it prints what it read), written as the tool's author wrote it.

    read(root, mode) -> None (read as libvirt reads it) | an Element (what the tool
                        understood instead) | raises Refused
    write(root, source, mode) -> None (printed as libvirt prints it) | an Element or text
                        (what the tool printed instead); source is the document read

`root` is the document as ElementTree reads it (None where it cannot, and then the tool
behaves as libvirt does). A hook that raises anything else crashes the tool, as a real one
would.

DOMAINBACKUP_HARNESS names the harness binary (default: domainbackup-harness on PATH).
"""
import base64
import copy
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET


class Refused(Exception):
    """The tool refuses the document, with this message."""


def _document(request):
    if "xml_base64" in request:
        return base64.b64decode(request["xml_base64"])
    return request["xml"].encode()


def _tree(data):
    try:
        return ET.fromstring(data)
    except (ET.ParseError, ValueError, LookupError):
        return None


def elements(root, name):
    """Every element called `name` in the tree, in document order."""
    return [] if root is None else list(root.iter(name))


def main(name, read=None, write=None):
    harness = os.environ.get("DOMAINBACKUP_HARNESS", "domainbackup-harness")
    reference = subprocess.Popen([harness, "serve"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True)

    def ask(request):
        reference.stdin.write(json.dumps(request) + "\n")
        reference.stdin.flush()
        return json.loads(reference.stdout.readline())

    for line in sys.stdin:
        request = json.loads(line)
        cmd = request.get("cmd")
        if cmd == "start":
            answer = ask(request)
            answer["name"] = name
            print(json.dumps(answer), flush=True)
            continue
        if cmd != "run":
            break
        data = _document(request)
        root = _tree(data)
        mode = request["mode"]
        forwarded = dict(request)
        try:
            understood = read(copy.deepcopy(root), mode) if read and root is not None else None
        except Refused as refusal:
            print(json.dumps({"seq": request["seq"], "accepted": False,
                              "message": str(refusal)}), flush=True)
            continue
        if understood is not None:
            forwarded.pop("xml_base64", None)
            forwarded["xml"] = ET.tostring(understood, encoding="unicode")
        answer = ask(forwarded)
        output = _tree(answer["xml"]) if write and root is not None and answer.get("accepted") \
            else None
        if output is not None:
            printed = write(output, root, mode)
            if printed is not None:
                answer["xml"] = printed if isinstance(printed, str) else \
                    ET.tostring(printed, encoding="unicode")
        print(json.dumps(answer), flush=True)
    reference.stdin.write(json.dumps({"cmd": "stop"}) + "\n")
    reference.stdin.close()
    reference.wait()
    return 0

