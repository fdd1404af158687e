#!/usr/bin/env python3
"""Wrong on purpose (wrong output): the <incremental> checkpoint name is read
with .strip(), so blanks around it are lost where libvirt keeps them.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _userparser import Refused, elements, main  # noqa: E402,F401

def write(printed, source, mode):
    changed = False
    for element in elements(printed, "incremental"):
        if element.text and element.text.strip() != element.text:
            element.text = element.text.strip()
            changed = True
    return printed if changed else None


if __name__ == "__main__":
    sys.exit(main("incremental-stripped", write=write))
