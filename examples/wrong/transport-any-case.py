#!/usr/bin/env python3
"""Wrong on purpose (false accept): the transport is compared after .lower(),
so 'TCP' or 'Unix' is accepted where libvirt refuses it.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _userparser import Refused, elements, main  # noqa: E402,F401

def read(root, mode):
    changed = False
    for server in elements(root, "server"):
        transport = server.get("transport")
        if transport is not None and transport.lower() != transport:
            server.set("transport", transport.lower())
            changed = True
    return root if changed else None


if __name__ == "__main__":
    sys.exit(main("transport-any-case", read=read))
