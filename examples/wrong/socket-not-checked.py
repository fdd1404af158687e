#!/usr/bin/env python3
"""Wrong on purpose (false accept): the tool never checks that a unix socket
path is absolute, and resolves a relative one against its state directory.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _userparser import Refused, elements, main  # noqa: E402,F401

import os.path


def read(root, mode):
    changed = False
    for server in elements(root, "server"):
        socket = server.get("socket")
        if socket and not socket.startswith("/"):
            server.set("socket", os.path.join("/var/lib/backup", socket))
            changed = True
    return root if changed else None


if __name__ == "__main__":
    sys.exit(main("socket-not-checked", read=read))
