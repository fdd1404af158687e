# Prints a debugging line on stdout before each answer, which breaks the protocol.
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _emitter import Writer, serve


class Chatty(Writer):
    def answer(self, intent, profile):
        if intent.get("incremental") is not None:
            sys.stdout.write("writing backup from checkpoint %s\n" % intent["incremental"])
        return Writer.answer(self, intent, profile)


serve(Chatty(), "garbage-on-stdout")
