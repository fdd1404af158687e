#!/usr/bin/env python3
"""A correct implementation for `domainbackup-harness check --protocol ndjson`.

One process answers every case of a job, one JSON object per line each way:

    -> {"cmd":"start","version":1}
    <- {"ok":true,"name":..,"version":..,"modes":[..],"profiles":[..]}
    -> {"cmd":"run","seq":N,"mode":"parse","profile":"11.3","xml":"<domainbackup/>"}
       (a document that is not UTF-8 comes as "xml_base64": the handshake says "bytes")
    <- {"seq":N,"accepted":true,"xml":".."}  or  {"seq":N,"accepted":false,"message":..,"code":27}
       or {"seq":N,"skipped":"reason"}
    -> {"cmd":"stop"}

It delegates each case to `domainbackup-harness parse` (the reference); replace `judge()`
with your own pipeline.

    domainbackup-harness check --protocol ndjson -- python3 examples/domainbackup_ndjson.py

DOMAINBACKUP_HARNESS names the harness binary (default: domainbackup-harness on PATH).
"""
import base64
import json
import os
import re
import subprocess
import sys

MODE_FLAGS = {"parse": [], "align": ["--align"], "internal": ["--internal"]}
CODE = re.compile(r"(?<![A-Za-z0-9_])code=(-?\d+)")
STAGE = re.compile(r"(?<![A-Za-z0-9_])stage=([a-z-]+)")


def judge(document: bytes, mode: str, profile: str) -> dict:
    harness = os.environ.get("DOMAINBACKUP_HARNESS", "domainbackup-harness")
    command = [harness, "parse", "--profile", profile, *MODE_FLAGS[mode]]
    result = subprocess.run(command, input=document, capture_output=True, check=False)
    if result.returncode == 0:
        return {"accepted": True, "xml": result.stdout.decode()}
    if result.returncode == 1:
        message = result.stderr.decode(errors="replace")
        answer = {"accepted": False, "message": message.strip()}
        if (code := CODE.search(message)) is not None:
            answer["code"] = int(code.group(1))
        if (stage := STAGE.search(message)) is not None:
            answer["stage"] = stage.group(1)
        return answer
    return {"skipped": f"the harness exited with {result.returncode}"}


def send(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main() -> int:
    for line in sys.stdin:
        request = json.loads(line)
        cmd = request.get("cmd")
        if cmd == "start":
            send({"ok": True, "name": "domainbackup_ndjson.py", "version": "1",
                  "modes": list(MODE_FLAGS), "profiles": ["9.0", "11.3"], "bytes": True})
        elif cmd == "run":
            if "xml_base64" in request:
                document = base64.b64decode(request["xml_base64"])
            else:
                document = request["xml"].encode()
            send({"seq": request["seq"], **judge(document, request["mode"], request["profile"])})
        elif cmd == "stop":
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
