#!/bin/sh
# Wrong on purpose (wrong error): reports VIR_ERR_CONFIG_UNSUPPORTED (67) as
# VIR_ERR_INTERNAL_ERROR (1). Only the codes tell it apart:
# check with: --compare codes
. "$(dirname "$0")/_parse.sh"
{ err=$("$H" parse "$@" 2>&1 1>&3 3>&-); rc=$?; } 3>&1
[ -n "$err" ] && printf '%s\n' "$err" | sed 's/code=67 /code=1 /' >&2
exit $rc
