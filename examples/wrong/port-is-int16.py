#!/usr/bin/env python3
"""Wrong on purpose (false reject): the port is checked against a signed 16-bit range,
so every port from 32768 to 65535 is refused.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _userparser import Refused, elements, main  # noqa: E402,F401

def read(root, mode):
    for server in elements(root, "server"):
        port = server.get("port")
        if port is not None and port.strip().isdigit() and int(port) > 32767:
            raise Refused(f"port {port} must be between 0 and 32767")


if __name__ == "__main__":
    sys.exit(main("port-is-int16", read=read))
