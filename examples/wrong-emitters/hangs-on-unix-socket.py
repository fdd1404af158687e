# Waits for a UNIX socket to appear before writing a backup that exports on one: forever,
# as nothing ever creates it.
import os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _emitter import Writer, serve


class HangsOnSocket(Writer):
    def answer(self, intent, profile):
        socket = (intent.get("server") or {}).get("socket")
        while socket is not None and not os.path.exists(socket + ".ready"):
            time.sleep(0.05)
        return Writer.answer(self, intent, profile)


serve(HangsOnSocket(), "hangs-on-unix-socket")
