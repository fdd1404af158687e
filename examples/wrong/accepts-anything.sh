#!/bin/sh
# Wrong on purpose (a binding that validates nothing): accepts every document and writes it
# back as it came.
exec cat
