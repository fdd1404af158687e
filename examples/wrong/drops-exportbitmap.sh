#!/bin/sh
# Wrong on purpose (wrong output): drops the `exportbitmap` attribute from what it prints.
. "$(dirname "$0")/_parse.sh"
out=$("$H" parse "$@") || exit $?
printf '%s\n' "$out" | sed "s/ exportbitmap='[^']*'//"
