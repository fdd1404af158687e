#!/usr/bin/env python3
"""Wrong on purpose (protocol error and restart): a correct NDJSON implementation, except
that it answers a line that is not JSON for a `transport='unix'` server, and then an answer
with the wrong `seq` for every later case (the runner must restart it).

If BROKEN_NDJSON_STARTS names a file, a line is appended to it at every start.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from domainbackup_ndjson import judge, send  # noqa: E402

broken = False
log = os.environ.get("BROKEN_NDJSON_STARTS")
for line in sys.stdin:
    request = json.loads(line)
    if request.get("cmd") == "start":
        if log:
            with open(log, "a") as f:
                f.write("start\n")
        send({"ok": True, "name": "ndjson-breaks-on-unix", "version": "1",
              "modes": ["parse", "align", "internal"], "profiles": ["9.0", "11.3"]})
    elif request.get("cmd") == "run":
        if broken:
            send({"seq": request["seq"] + 1, "skipped": "out of step"})
        elif "transport='unix'" in request["xml"] or 'transport="unix"' in request["xml"]:
            sys.stdout.write("this is not json\n")
            sys.stdout.flush()
            broken = True
        else:
            send({"seq": request["seq"], **judge(request["xml"].encode(), request["mode"], request["profile"])})
    else:
        break
