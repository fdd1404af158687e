# A pull backup's disks lose their exportbitmap: the writer's list of disk attributes was
# copied from a push-mode example and never had it.
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _emitter import Writer, serve


class DropsExportbitmap(Writer):
    def disk_attributes(self):
        return [a for a in Writer.disk_attributes(self) if a != "exportbitmap"]


serve(DropsExportbitmap(), "drops-exportbitmap")
