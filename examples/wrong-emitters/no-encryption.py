# Cannot write <encryption>, and says so (the protocol's "unsupported").
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _emitter import Writer, serve


class NoEncryption(Writer):
    def answer(self, intent, profile):
        fields = []
        for i, disk in enumerate(intent.get("disks") or []):
            for name in ("target", "scratch"):
                if (disk.get(name) or {}).get("encryption") is not None:
                    fields.append("disks[%d].%s.encryption" % (i, name))
        if fields:
            return {"unsupported": fields}
        return Writer.answer(self, intent, profile)


serve(NoEncryption(), "no-encryption")
