#!/usr/bin/env python3
"""Wrong on purpose (false accept): the port is read with Python's int(), which
takes blanks, a sign, underscores and leading zeros that libvirt's schema refuses.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _userparser import Refused, elements, main  # noqa: E402,F401

def read(root, mode):
    changed = False
    for server in elements(root, "server"):
        port = server.get("port")
        try:
            number = int(port) if port is not None else None
        except ValueError:
            continue
        if number is not None and number >= 0 and str(number) != port:
            server.set("port", str(number))
            changed = True
    return root if changed else None


if __name__ == "__main__":
    sys.exit(main("port-read-with-int", read=read))
