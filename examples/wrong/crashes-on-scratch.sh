#!/bin/sh
# Wrong on purpose (crash): dies of SIGSEGV on any document with a <scratch> element.
. "$(dirname "$0")/_parse.sh"
doc=$(cat)
case $doc in
    *'<scratch'*) kill -SEGV $$ ;;
esac
printf '%s\n' "$doc" | "$H" parse "$@"
