# yes/no values are written from Python booleans with str(): backup='True', tls='False'.
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _emitter import Writer, serve


class PythonBooleans(Writer):
    def attr_value(self, element, name, value):
        if name in ("backup", "tls") and value in ("yes", "no"):
            return str(value == "yes")
        return Writer.attr_value(self, element, name, value)


serve(PythonBooleans(), "boolean-as-python-true")
