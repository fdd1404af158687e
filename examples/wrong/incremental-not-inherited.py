#!/usr/bin/env python3
"""Wrong on purpose (wrong output): a disk's incremental checkpoint is
printed only when the disk names one itself: the backup's <incremental> is not
inherited.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _userparser import Refused, elements, main  # noqa: E402,F401

def write(printed, source, mode):
    own = {d.get("name") for d in elements(source, "disk") if d.get("incremental") is not None}
    changed = False
    for disk in elements(printed, "disk"):
        if disk.get("name") not in own and disk.get("incremental") is not None:
            del disk.attrib["incremental"]
            changed = True
    return printed if changed else None


if __name__ == "__main__":
    sys.exit(main("incremental-not-inherited", write=write))
