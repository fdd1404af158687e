# Sourced by the wrong implementations: sets the `parse` flags for this case in "$@".
# shellcheck shell=sh
H=${DOMAINBACKUP_HARNESS:-domainbackup-harness}
set -- --profile "${DOMAINBACKUP_PROFILE:-11.3}"
case ${DOMAINBACKUP_MODE:-parse} in
    align) set -- "$@" --align ;;
    internal) set -- "$@" --internal ;;
esac
