#!/bin/sh
# Wrong on purpose (false reject): refuses every document with a `port` attribute.
. "$(dirname "$0")/_parse.sh"
doc=$(cat)
case $doc in
    *" port="*) echo "error: ports are not supported" >&2; exit 1 ;;
esac
printf '%s\n' "$doc" | "$H" parse "$@"
