# Written for push backups only: refuses every pull-mode intent, valid ones included.
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _emitter import Writer, serve


class RefusesPull(Writer):
    def answer(self, intent, profile):
        if intent.get("mode") == "pull":
            return {"refused": "pull mode is not supported"}
        return Writer.answer(self, intent, profile)


serve(RefusesPull(), "refuses-pull")
