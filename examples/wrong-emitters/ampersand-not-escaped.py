# Attribute values are pasted into the XML with only the quote escaped, so an '&' (or '<')
# in an export name or a checkpoint name makes the document ill-formed.
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _emitter import Writer, serve


class NoEscaping(Writer):
    escape = staticmethod(lambda value: value.replace("'", "&apos;"))
    escape_text = staticmethod(lambda value: value)


serve(NoEscaping(), "ampersand-not-escaped")
