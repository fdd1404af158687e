#!/usr/bin/env python3
"""Wrong on purpose (crash): the tool checks an export name with
exportname[0] == '/', which fails on an empty export name.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _userparser import Refused, elements, main  # noqa: E402,F401

def read(root, mode):
    for disk in elements(root, "disk"):
        name = disk.get("exportname")
        if name is not None and name[0] == "/":
            raise Refused("export names are relative")


if __name__ == "__main__":
    sys.exit(main("crashes-on-empty-exportname", read=read))
