#!/usr/bin/env python3
"""Wrong on purpose (wrong output): the tool decodes the document as Latin-1
whatever it declares, so every non-ASCII character comes back as two or three others.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _userparser import Refused, elements, main  # noqa: E402,F401

from xml.etree.ElementTree import tostring


def write(printed, source, mode):
    text = tostring(printed, encoding="unicode")
    return None if text.isascii() else text.encode("utf-8").decode("latin-1")


if __name__ == "__main__":
    sys.exit(main("non-ascii-as-latin1", write=write))
