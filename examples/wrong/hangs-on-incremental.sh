#!/bin/sh
# Wrong on purpose (timeout): never answers a document with an <incremental> element
# (its `sleep` is killed with it: the runner kills the whole process group).
. "$(dirname "$0")/_parse.sh"
doc=$(cat)
case $doc in
    *'<incremental'*) sleep 60 ;;
esac
printf '%s\n' "$doc" | "$H" parse "$@"
