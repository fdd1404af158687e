#!/usr/bin/env python3
"""Wrong on purpose (wrong output): the disks are kept in a dict by name, so
when a name is listed twice only the last disk is kept.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _userparser import Refused, elements, main  # noqa: E402,F401

def read(root, mode):
    changed = False
    for disks in elements(root, "disks"):
        last = {d.get("name"): d for d in disks.findall("disk")}
        for disk in disks.findall("disk"):
            if last[disk.get("name")] is not disk:
                disks.remove(disk)
                changed = True
    return root if changed else None


if __name__ == "__main__":
    sys.exit(main("disks-keyed-by-name", read=read))
