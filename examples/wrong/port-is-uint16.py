#!/usr/bin/env python3
"""Wrong on purpose (false accept): the tool keeps the NBD port in a 16-bit field
(ctypes.c_uint16), so a port above 65535 wraps around instead of being refused.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _userparser import Refused, elements, main  # noqa: E402,F401

import ctypes


def read(root, mode):
    changed = False
    for server in elements(root, "server"):
        port = server.get("port")
        if port is not None and port.isdigit() and int(port) > 65535:
            server.set("port", str(ctypes.c_uint16(int(port)).value))
            changed = True
    return root if changed else None


if __name__ == "__main__":
    sys.exit(main("port-is-uint16", read=read))
