#!/usr/bin/env python3
"""Wrong on purpose (wrong output): a target's or scratch's <seclabel> is read
with find(), so only the first of several is kept.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _userparser import Refused, elements, main  # noqa: E402,F401

def write(printed, source, mode):
    changed = False
    for store in elements(printed, "target") + elements(printed, "scratch"):
        for extra in store.findall("seclabel")[1:]:
            store.remove(extra)
            changed = True
    return printed if changed else None


if __name__ == "__main__":
    sys.exit(main("keeps-one-seclabel", write=write))
