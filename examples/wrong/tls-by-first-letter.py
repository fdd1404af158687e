#!/usr/bin/env python3
"""Wrong on purpose (false accept): tls is decided by its first letter
(value.startswith('y')), so 'yesx', 'y' or 'yes ' count as yes and 'nope' as no.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _userparser import Refused, elements, main  # noqa: E402,F401

def read(root, mode):
    changed = False
    for server in elements(root, "server"):
        tls = server.get("tls")
        if tls and tls not in ("yes", "no") and tls[0] in "yn":
            server.set("tls", "yes" if tls[0] == "y" else "no")
            changed = True
    return root if changed else None


if __name__ == "__main__":
    sys.exit(main("tls-by-first-letter", read=read))
