# shellcheck shell=bash
# milter.sh - run pogate-milter for tests: a config directory from
# tests/milter/conf (maps, SPF test zone), the daemon in the foreground with
# its log in a file, and a clean stop. Sourced after tap.sh.
#
#   milter_conf DIR [EXTRA-CONF-LINES]   copy the test maps, write pogate.conf, run pogate-map
#   milter_start DIR SOCKET LOG [CMD-PREFIX...]   start; wait for the socket; sets MILTER_PID
#   milter_stop                          SIGTERM, wait for the exit (smfi_stop takes seconds)

MILTER=${MILTER:-$BUILDDIR/milter/pogate-milter}
POGATE_MAP=${POGATE_MAP:-$BUILDDIR/maps/pogate-map}

milter_conf() {
    local dir=$1 extra=${2:-}
    mkdir -p "$dir"
    cp "$SRCDIR"/tests/milter/conf/* "$dir"/
    cat >"$dir/pogate.conf" <<CONF
spf = reject
spf_zone_file = $dir/spf.zone
trusted_networks = 10.1.0.0/16, 2001:db8:1::/48
milter_pid_file = $dir/run/milter.pid
user = pogate
$extra
CONF
    chmod 755 "$dir"
    # The run directory belongs to the daemon's user, as /run/pogate does.
    mkdir -p "$dir/run" && chown pogate "$dir/run"
    "$POGATE_MAP" -c "$dir" >"$dir/pogate-map.log" 2>&1 || { cat "$dir/pogate-map.log"; return 1; }
}

milter_start() {
    local dir=$1 sock=$2 log=$3
    shift 3
    "$@" "$MILTER" -f -c "$dir" -p "unix:$sock" >"$log" 2>&1 &
    MILTER_PID=$!
    wait_for 30 test -S "$sock" && wait_for 30 grep -q 'ready:' "$log"
}

milter_stop() {
    [ -n "${MILTER_PID:-}" ] || return 0
    kill -TERM "$MILTER_PID" 2>/dev/null
    wait "$MILTER_PID"
    MILTER_STATUS=$?
    MILTER_PID=
    return 0
}
