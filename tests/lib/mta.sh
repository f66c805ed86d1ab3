# shellcheck shell=bash
# mta.sh - one driver API for the private MTAs of the tests, implemented for
# Postfix (postfix.sh) and for sendmail (sendmail.sh): a test that runs one
# scenario against both writes it once, and a test of one MTA drives it by
# the same names. Sourced with bash, after tap.sh when there is one;
# postfix.sh and sendmail.sh source it themselves. Needs root.
#
#   mta_use postfix|sendmail  choose the implementation (its file is sourced
#                             when it is not yet); sets MTA_KIND
#   mta_init DIR              write the instance under DIR, not started
#   mta_start                 start; wait until it listens on every address
#   mta_stop                  stop by PID; wait until every process it started
#                             is gone (safe twice, safe in a trap)
#   mta_pids                  PIDs of the master/daemon and its descendants
#   mta_daemon_pid            the master's/daemon's PID in its pid file now
#   mta_send FROM TO [SWAKS-ARGS...]  one message over SMTP with swaks to
#                             ${MTA_HOST:-127.0.0.1}:$MTA_PORT; swaks's
#                             transcript on stdout, its exit status
#   mta_queue_size            messages in the queue
#   mta_queue_empty           0 when nothing is queued (quiet, for wait_for)
#   mta_wait_queue_empty SECS wait until nothing is queued; on timeout list
#                             the queue (TAP comments on stderr) and return 1
#   mta_flush                 deliver what the queue holds, now (postqueue -f
#                             returns at once, sendmail -q after its run)
#   mta_mailq                 list the queue (postqueue -p, sendmail -bp)
#
# One name for each of the instance's variables, whichever MTA: bash namerefs
# to the implementation's own, which stay where the value lives (so switching
# PF_* to another Postfix instance switches MTA_* too):
#   MTA_DIR  PF_DIR / SM_DIR        MTA_PORT  PF_PORT / SM_PORT (set it before
#   MTA_IPV6 PF_IPV6 / SM_IPV6      mta_init to choose the port)
#   MTA_PID  PF_MASTER_PID / SM_PID MTA_HOST  PF_HOST / SM_HOST (MTA_HOST=::1
#                                   mta_send ... sends over IPv6)
# Configuration stays each MTA's own: pf_conf, pf_master, pf_postmap... and
# sm_mc, sm_mc_end, sm_build, sm_makemap, sm_run (see their files).
#
# An implementation defines _MTA_VARS_KIND (its variables for DIR PORT IPV6
# HOST PID, in that order) and _mta_KIND OP ARGS..., which does OP (init,
# start, stop, pids, daemon_pid, send, queue_size, wait_queue_empty, flush,
# mailq) the way that MTA does; its wait_queue_empty is _mta_wait_empty KIND.
[ -z "${_MTA_SH:-}" ] || return 0
_MTA_SH=1
_MTA_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$_MTA_LIB/common.sh"
MTA_KIND=${MTA_KIND:-}

mta_use() {
    local names=(DIR PORT IPV6 HOST PID) vars=() v i
    case $1 in
    postfix | sendmail) ;;
    *) echo "# mta_use: postfix or sendmail, not '$1'" >&2; return 2 ;;
    esac
    # shellcheck source=/dev/null
    declare -F "_mta_$1" >/dev/null || . "$_MTA_LIB/$1.sh" || return 1
    v=_MTA_VARS_$1
    read -ra vars <<<"${!v}"
    for i in "${!names[@]}"; do
        unset -n "MTA_${names[i]}"
        declare -gn "MTA_${names[i]}=${vars[i]}"
    done
    MTA_KIND=$1
}

_mta() {
    if [ -z "$MTA_KIND" ]; then
        echo "# mta_$1: no MTA chosen (mta_use postfix|sendmail)" >&2
        return 2
    fi
    "_mta_$MTA_KIND" "$@"
}

mta_init() { _mta init "$@"; }
mta_start() { _mta start; }
mta_stop() { _mta stop; }
mta_pids() { _mta pids; }
mta_daemon_pid() { _mta daemon_pid; }
mta_send() { _mta send "$@"; }
mta_queue_size() { _mta queue_size; }
mta_queue_empty() { [ "$(_mta queue_size)" -eq 0 ]; }
mta_wait_queue_empty() { _mta wait_queue_empty "$@"; }
mta_flush() { _mta flush; }
mta_mailq() { _mta mailq; }

# _mta_wait_empty KIND [SECS]: the wait_queue_empty of either implementation.
_mta_wait_empty() {
    local kind=$1 secs=${2:-30}
    wait_for "$secs" _mta_kind_empty "$kind" && return 0
    echo "# $kind: still queued after $secs s:" >&2
    "_mta_$kind" mailq 2>&1 | head -n 50 | sed 's/^/# /' >&2
    return 1
}

_mta_kind_empty() { [ "$("_mta_$1" queue_size)" -eq 0 ]; }
