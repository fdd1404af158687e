#!/usr/bin/env python3
"""Wrong on purpose (wrong output): export names and bitmap names are copied
into a 256-byte buffer, so a longer name is cut to 255 characters.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _userparser import Refused, elements, main  # noqa: E402,F401

def write(printed, source, mode):
    changed = False
    for disk in elements(printed, "disk"):
        for name in ("exportname", "exportbitmap"):
            value = disk.get(name)
            if value is not None and len(value) > 255:
                disk.set(name, value[:255])
                changed = True
    return printed if changed else None


if __name__ == "__main__":
    sys.exit(main("names-truncated-at-255", write=write))
