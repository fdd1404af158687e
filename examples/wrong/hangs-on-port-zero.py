#!/usr/bin/env python3
"""Wrong on purpose (timeout): the tool waits for a port to be assigned while
the port is 0 (its 'not yet' value), so port='0' makes it wait for ever.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _userparser import Refused, elements, main  # noqa: E402,F401

import time


def read(root, mode):
    for server in elements(root, "server"):
        port = server.get("port", "")
        while port.isdigit() and int(port) == 0:
            time.sleep(1)


if __name__ == "__main__":
    sys.exit(main("hangs-on-port-zero", read=read))
