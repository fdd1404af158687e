# A seclabel with no 'relabel' key raises KeyError: the writer reads every key it knows of.
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _emitter import Writer, serve


class CrashesOnSeclabel(Writer):
    def seclabel(self, seclabel):
        relabel = seclabel["relabel"]
        return Writer.seclabel(self, seclabel)


serve(CrashesOnSeclabel(), "crashes-on-seclabel")
