# "Helpfully" turns a relative target or scratch path into an absolute one, so what the
# user got wrong is never reported and the backup lands somewhere they did not ask for.
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _emitter import Writer, serve


class MakesAbsolute(Writer):
    def attr_value(self, element, name, value):
        if name in ("file", "dev") and not value.startswith("/"):
            value = "/" + value
        return Writer.attr_value(self, element, name, value)


serve(MakesAbsolute(), "makes-paths-absolute")
