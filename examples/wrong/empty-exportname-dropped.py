#!/usr/bin/env python3
"""Wrong on purpose (wrong output): the export name is printed under
'if disk.exportname:', so an empty one is lost where libvirt prints exportname=''.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _userparser import Refused, elements, main  # noqa: E402,F401

def write(printed, source, mode):
    changed = False
    for disk in elements(printed, "disk"):
        if disk.get("exportname") == "":
            del disk.attrib["exportname"]
            changed = True
    return printed if changed else None


if __name__ == "__main__":
    sys.exit(main("empty-exportname-dropped", write=write))
