#!/usr/bin/env python3
"""A correct implementation for `domainbackup-harness check`'s per-case protocol.

It delegates to `domainbackup-harness parse` (the reference), so it agrees with libvirt on
every case; copy it and replace `run()` with your own pipeline.

Protocol: the document on stdin; DOMAINBACKUP_MODE (parse | align | internal) and
DOMAINBACKUP_PROFILE (9.0 | 11.3) in the environment. Exit 0 with the serialization on
stdout when accepted; exit 1 with the message on stderr (with `code=N` for libvirt's error
number) when rejected.

    domainbackup-harness check -- python3 examples/domainbackup_impl.py

DOMAINBACKUP_HARNESS names the harness binary (default: domainbackup-harness on PATH).
"""
import os
import subprocess
import sys

MODE_FLAGS = {"parse": [], "align": ["--align"], "internal": ["--internal"]}


def run(document: bytes, mode: str, profile: str) -> subprocess.CompletedProcess:
    harness = os.environ.get("DOMAINBACKUP_HARNESS", "domainbackup-harness")
    command = [harness, "parse", "--profile", profile, *MODE_FLAGS[mode]]
    return subprocess.run(command, input=document, capture_output=True, check=False)


def main() -> int:
    mode = os.environ.get("DOMAINBACKUP_MODE", "parse")
    profile = os.environ.get("DOMAINBACKUP_PROFILE", "11.3")
    if mode not in MODE_FLAGS:
        print(f"unknown DOMAINBACKUP_MODE {mode!r}", file=sys.stderr)
        return 2
    result = run(sys.stdin.buffer.read(), mode, profile)
    sys.stdout.buffer.write(result.stdout)
    sys.stderr.buffer.write(result.stderr)  # `error: stage=.. code=N ...` on rejection
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
