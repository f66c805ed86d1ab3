# shellcheck shell=bash
# lmtp.sh - run pogate-lmtp for tests: a config directory from tests/lmtp/conf,
# a store owned by the server's user, the daemon in the foreground with its log
# in a file, and a clean stop. Sourced after tap.sh.
#
#   lmtp_conf DIR STORE [EXTRA-CONF-LINES]  copy the test maps, write pogate.conf, run pogate-map
#   lmtp_start DIR SOCKET LOG [OPTIONS...]  start on SOCKET (unix:PATH or inet:PORT@HOST),
#                                           wait until it listens; sets LMTP_PID
#   lmtp_stop [SIGNAL]                      SIGTERM (or SIGNAL), wait for the exit
#   lmtp_files STORE PO MBX                 list the messages in a mailbox's new/
#   LMTP_LOAD                               the load client (tests/bench/lmtp_load.c)

LMTP=${LMTP:-$BUILDDIR/lda/pogate-lmtp}
LMTP_LOAD=${LMTP_LOAD:-$BUILDDIR/tests/bench/lmtp_load}
POGATE_MAP=${POGATE_MAP:-$BUILDDIR/maps/pogate-map}

lmtp_conf() {
    local dir=$1 store=$2 extra=${3:-}
    mkdir -p "$dir" "$store" "$dir/run"
    cp "$SRCDIR"/tests/lmtp/conf/* "$dir"/
    cat >"$dir/pogate.conf" <<CONF
store = $store
user = pogate
lmtp_pid_file = $dir/run/lmtp.pid
socket_mode = 0660
log_level = info
$extra
CONF
    chmod 755 "$dir"
    chown pogate "$dir/run" "$store"
    "$POGATE_MAP" -c "$dir" >"$dir/pogate-map.log" 2>&1 || { cat "$dir/pogate-map.log"; return 1; }
}

lmtp_start() {
    local dir=$1 sock=$2 log=$3
    shift 3
    # LOG may hold an earlier run's "listening" line: only newer lines count.
    local seen
    seen=$(cat "$log" 2>/dev/null | wc -l)
    "$LMTP" -f -c "$dir" -p "$sock" "$@" >>"$log" 2>&1 &
    LMTP_PID=$!
    wait_for 30 sh -c 'tail -n +$(($1 + 1)) "$2" | grep -q "listening on $3"' sh "$seen" "$log" "$sock"
}

lmtp_stop() {
    [ -n "${LMTP_PID:-}" ] || return 0
    kill -"${1:-TERM}" "$LMTP_PID" 2>/dev/null
    wait "$LMTP_PID" 2>/dev/null
    LMTP_PID=
}

lmtp_files() {
    local store=$1 po=$2 mbx=$3
    find "$store/$po/mailboxes/$mbx/new" -type f 2>/dev/null | sort
}
