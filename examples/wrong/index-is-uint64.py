#!/usr/bin/env python3
"""Wrong on purpose (false accept): the status XML's disk index is read into a
64-bit integer and kept modulo 2^32, so an index above 4294967295 is not refused.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _userparser import Refused, elements, main  # noqa: E402,F401

def read(root, mode):
    changed = False
    for disk in elements(root, "disk"):
        index = disk.get("index", "")
        if index.isdigit() and 2**32 <= int(index) < 2**64:
            disk.set("index", str(int(index) % 2**32))
            changed = True
    return root if changed else None


if __name__ == "__main__":
    sys.exit(main("index-is-uint64", read=read))
