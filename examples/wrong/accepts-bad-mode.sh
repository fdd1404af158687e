#!/bin/sh
# Wrong on purpose (false accept): reads any backup mode other than push/pull as push.
. "$(dirname "$0")/_parse.sh"
sed -E "s/(<domainbackup[^>]*[[:space:]]mode=)(['\"])[^'\"p][^'\"]*(['\"])/\1\2push\3/" | "$H" parse "$@"
