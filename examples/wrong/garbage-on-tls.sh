#!/bin/sh
# Wrong on purpose (protocol error): prints bytes that are not UTF-8 when a `tls` attribute
# is present, and exits 0 as if it had accepted.
. "$(dirname "$0")/_parse.sh"
doc=$(cat)
case $doc in
    *tls=*) printf '\377\376<domainbackup/>\n'; exit 0 ;;
esac
printf '%s\n' "$doc" | "$H" parse "$@"
