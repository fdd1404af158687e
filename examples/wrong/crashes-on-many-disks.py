#!/usr/bin/env python3
"""Wrong on purpose (crash): the tool keeps the disks in a fixed table of 8
(MAX_DISKS), and a backup of more disks runs off its end.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _userparser import Refused, elements, main  # noqa: E402,F401

MAX_DISKS = 8


def read(root, mode):
    table = [None] * MAX_DISKS
    for i, disk in enumerate(elements(root, "disk")):
        table[i] = disk.get("name")


if __name__ == "__main__":
    sys.exit(main("crashes-on-many-disks", read=read))
