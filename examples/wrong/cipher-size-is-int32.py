#!/usr/bin/env python3
"""Wrong on purpose (false reject): the cipher key size is parsed into a
signed 32-bit integer, so a size of 2^31 or more is refused as out of range.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _userparser import Refused, elements, main  # noqa: E402,F401

def read(root, mode):
    for cipher in elements(root, "cipher"):
        size = cipher.get("size", "")
        if size.strip().isdigit() and int(size) > 2**31 - 1:
            raise Refused(f"cipher size {size} is out of range")


if __name__ == "__main__":
    sys.exit(main("cipher-size-is-int32", read=read))
