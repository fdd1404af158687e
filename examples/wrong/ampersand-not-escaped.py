#!/usr/bin/env python3
"""Wrong on purpose (wrong output): the tool prints its XML with f-strings and
escapes < and > but not &, so a value holding & makes output that is not XML.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _userparser import Refused, elements, main  # noqa: E402,F401

from xml.etree.ElementTree import tostring


def write(printed, source, mode):
    text = tostring(printed, encoding="unicode")
    return text.replace("&amp;", "&") if "&amp;" in text else None


if __name__ == "__main__":
    sys.exit(main("ampersand-not-escaped", write=write))
