#!/usr/bin/env python3
"""Wrong on purpose (false accept): every enumerated attribute is read with
.strip(), so ' pull ' or 'yes ' is taken for 'pull' or 'yes' where libvirt refuses it.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _userparser import Refused, elements, main  # noqa: E402,F401

ENUMERATED = {"mode", "transport", "tls", "backup", "backupmode", "type", "format",
              "relabel", "labelskip", "state"}


def read(root, mode):
    changed = False
    for element in root.iter():
        for name, value in element.attrib.items():
            if name in ENUMERATED and value.strip() != value:
                element.set(name, value.strip())
                changed = True
    return root if changed else None


if __name__ == "__main__":
    sys.exit(main("enum-values-stripped", read=read))
