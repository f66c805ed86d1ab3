# shellcheck shell=bash
# common.sh - the small utilities the shell libraries of tests/ share; it
# knows nothing about mail. Sourced with bash (mta.sh sources it, and so
# postfix.sh and sendmail.sh). Waiting is always for a condition, never a
# guessed sleep: a loaded test machine makes every guess wrong. tap.sh
# sources it, so every test has these.
#
#   wait_for SECS CMD ARGS...  run CMD every 0.1 s until it succeeds (its stderr
#                              dropped); 1 when SECS (whole seconds) pass first
#   free_port                  a TCP port from 20000 up that nobody listens on now
#   at_exit CMD                run CMD at exit, before what the EXIT trap ran
#                              until then (tap.sh's removal of its TESTTMP);
#                              HUP, INT and TERM exit through it
#   proc_tree PID              PID and its descendants alive now, one a line
#                              (nothing for an empty PID)
#   pids_alive PID...          0 while one of them runs; none_alive: none does
#   stop_tree WHAT PID         SIGTERM to PID, then wait until PID and every
#                              descendant it had are gone; after 30 s SIGKILL
#                              them and say so (WHAT names them). Nothing to do
#                              for an empty or gone PID; always 0
#   pid_file_pid FILE          the PID on FILE's first line (blanks around it
#                              dropped); nothing when there is none
#   have_ipv6_loopback         0 when lo has ::1
#   loopback_listens PORT [IPV6]  0 when something listens on 127.0.0.1:PORT
#                              and, with IPV6 = 1, on [::1]:PORT
[ -z "${_COMMON_SH:-}" ] || return 0
_COMMON_SH=1

wait_for() {
    local n=$(($1 * 10))
    shift
    while [ "$n" -gt 0 ]; do
        if "$@" 2>/dev/null; then return 0; fi
        sleep 0.1
        n=$((n - 1))
    done
    return 1
}

# Seeded from the clock: two calls in one script, before either port is
# taken, must not give the same port.
free_port() {
    local p=$((20000 + ($$ * 7 + 10#$(date +%N)) % 20000))
    while ss -Hltn "sport = :$p" 2>/dev/null | grep -q .; do p=$((p + 1)); done
    echo "$p"
}

at_exit() {
    local cmd=$1
    eval "set -- $(trap -p EXIT)"
    trap -- "$cmd
${3:-}" EXIT
    trap 'exit 1' HUP INT TERM
}

proc_tree() {
    [ -n "$1" ] || return 0
    ps -e -o pid=,ppid= | awk -v root="$1" '
        { parent[$1] = $2; pids[NR] = $1 }
        END {
            want[root] = 1; changed = 1
            while (changed) {
                changed = 0
                for (i = 1; i <= NR; i++) {
                    p = pids[i]
                    if (!(p in want) && (parent[p] in want)) { want[p] = 1; changed = 1 }
                }
            }
            for (p in want) if (p in parent) print p
        }'
}

pids_alive() {
    local p
    for p in "$@"; do kill -0 "$p" 2>/dev/null && return 0; done
    return 1
}

none_alive() { ! pids_alive "$@"; }

stop_tree() {
    local what=$1 pid=$2 pids p
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    pids=$(proc_tree "$pid")
    kill -TERM "$pid" 2>/dev/null
    # shellcheck disable=SC2086 # one PID a word
    if ! wait_for 30 none_alive $pids; then
        echo "# $what processes left after 30 s, killing:" $pids >&2
        for p in $pids; do kill -KILL "$p" 2>/dev/null; done
        wait_for 5 none_alive $pids
    fi
    return 0
}

pid_file_pid() {
    local pid=
    { read -r pid <"$1"; } 2>/dev/null
    case $pid in '' | *[!0-9]*) return 0 ;; esac
    echo "$pid"
}

have_ipv6_loopback() {
    ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/128'
}

loopback_listens() {
    ss -Hltn "src 127.0.0.1:$1" | grep -q . || return 1
    [ "${2:-0}" = 0 ] || ss -Hltn "src [::1]:$1" | grep -q .
}
