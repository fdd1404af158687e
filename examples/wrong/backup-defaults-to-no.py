#!/usr/bin/env python3
"""Wrong on purpose (wrong output): a disk without a backup attribute is
taken as backup='no' (the tool's default is opt-in), where libvirt backs it up.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _userparser import Refused, elements, main  # noqa: E402,F401

def read(root, mode):
    changed = False
    for disk in elements(root, "disk"):
        if disk.get("backup") is None:
            disk.set("backup", "no")
            changed = True
    return root if changed else None


if __name__ == "__main__":
    sys.exit(main("backup-defaults-to-no", read=read))
