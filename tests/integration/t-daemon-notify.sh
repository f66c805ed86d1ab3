#!/bin/bash
# t-daemon-notify.sh - the daemons' life as a service manager sees it, and a
# start by hand on a host that has no /run/pogate.
#
# With $NOTIFY_SOCKET set (systemd's Type=notify), pogate-milter and
# pogate-lmtp send READY=1 once their socket accepts connections, with a
# STATUS naming it; SIGUSR1 brings RELOADING=1 with MONOTONIC_USEC and then
# READY=1 again; SIGTERM STOPPING=1. tests/lib/notify-sink.py stands for
# systemd and tries the socket at READY=1. Then each daemon is started in the
# foreground with only -c DIR and a socket in DIR, its pid file and counters
# file left at their defaults under /run/pogate, in a mount namespace whose
# /run is a new empty tmpfs (as after a boot, outside systemd): it makes
# /run/pogate, the user's, serves, and at exit removes its pid file (the
# counters file stays: it holds the host's counts, shared by every program).
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/lmtp.sh"
. "$SRCDIR/tests/lib/milter.sh"

if [ ! -x "$LMTP" ] || [ ! -x "$MILTER" ]; then skip "pogate-lmtp or pogate-milter not built"; done_testing; exit 0; fi
if [ "$(id -u)" != 0 ]; then skip "needs root (the daemons drop to user pogate)"; done_testing; exit 0; fi
need python3 unshare mount
if ! grep -q '^#define HAVE_LIBSYSTEMD 1' "$BUILDDIR/config.h"; then
    skip "built without libsystemd (configure --without-systemd): no sd_notify"; done_testing; exit 0
fi

L=$TESTTMP/lmtpconf
lmtp_conf "$L" "$TESTTMP/store" || { not_ok "pogate-map compiles the pogate-lmtp test maps"; done_testing; exit 1; }
M=$TESTTMP/milterconf
milter_conf "$M" || { not_ok "pogate-map compiles the pogate-milter test maps"; done_testing; exit 1; }

# The sockets in a directory of the user's, who removes them at exit.
mkdir -p "$TESTTMP/own" && chown pogate "$TESTTMP/own"
PID= SINK=
trap '[ -z "$PID" ] || { kill -KILL "$PID"; wait "$PID"; } 2>/dev/null; [ -z "$SINK" ] || kill "$SINK" 2>/dev/null' EXIT
# states FILE: the state lines received so far, one line, space-separated.
states() { grep -v '^MONOTONIC_USEC=\|^STATUS=' "$1" 2>/dev/null | paste -sd' '; }

for name in milter lmtp; do
    conf=$M bin=$MILTER
    [ "$name" = lmtp ] && conf=$L bin=$LMTP
    sock=$TESTTMP/own/$name.sock out=$TESTTMP/$name.notify log=$TESTTMP/$name.log
    python3 "$SRCDIR/tests/lib/notify-sink.py" "$TESTTMP/notify-$name" "$out" "$sock" &
    SINK=$!
    wait_for 10 test -S "$TESTTMP/notify-$name"
    NOTIFY_SOCKET=$TESTTMP/notify-$name "$bin" -f -c "$conf" -p "unix:$sock" >"$log" 2>&1 &
    PID=$!
    check "pogate-$name under a service manager: READY=1" wait_for 30 grep -qx 'READY=1' "$out"
    is "... sent when the socket already accepted connections" "$(states "$out")" "READY=1 listening=yes"
    like "... STATUS names the socket" "$(cat "$out")" "STATUS=listening on unix:$sock"
    kill -USR1 "$PID"
    wait_for 30 sh -c '[ "$(grep -c "^READY=1" "$1")" -ge 2 ]' sh "$out"
    is "... SIGUSR1: RELOADING=1, then READY=1" "$(states "$out")" "READY=1 listening=yes RELOADING=1 READY=1 listening=yes"
    like "... RELOADING=1 carries MONOTONIC_USEC" "$(grep -A1 -x 'RELOADING=1' "$out" | paste -sd' ')" "^RELOADING=1 MONOTONIC_USEC=[1-9][0-9]*$"
    kill -TERM "$PID"; wait "$PID"; rc=$?; PID=
    like "... SIGTERM: STOPPING=1, exit 0" "$rc:$(states "$out")" "^0:.* STOPPING=1"
    kill "$SINK"; wait "$SINK" 2>/dev/null; SINK=
done

# A start by hand with no /run/pogate: -c DIR and a socket in DIR, nothing else.
for name in milter lmtp; do
    conf=$TESTTMP/$name-defaults bin=$MILTER
    [ "$name" = lmtp ] && bin=$LMTP
    cp -a "$([ "$name" = lmtp ] && echo "$L" || echo "$M")" "$conf"
    sed -i '/_pid_file = /d; /^counters_file = /d' "$conf/pogate.conf"
    sock=$conf/$name.sock log=$TESTTMP/$name-defaults.log
    # shellcheck disable=SC2016 # expanded by the inner shell
    unshare -m --propagation private sh -c '
        mount -t tmpfs -o mode=0755 tmpfs /run || exit 1
        "$1" -f -c "$2" -p "unix:$3" >"$4" 2>&1 &
        pid=$!
        i=0
        while ! grep -q "ready: listening on unix:$3" "$4" 2>/dev/null; do
            i=$((i + 1)); [ $i -lt 300 ] && kill -0 $pid 2>/dev/null || { echo "not started"; kill -KILL $pid; exit 1; }
            sleep 0.1
        done
        stat -c "run=%U:%a" /run/pogate; ls /run/pogate | sed "s/^/made=/"
        kill -TERM $pid; wait $pid; echo "exit=$?"
        ls -A /run/pogate | sed "s/^/left=/"
    ' sh "$bin" "$conf" "$sock" "$log" >"$TESTTMP/$name-defaults.out" 2>&1
    res=$(paste -sd' ' "$TESTTMP/$name-defaults.out")
    is "pogate-$name -f -c DIR -p unix:DIR/SOCK with no /run/pogate: starts, makes it (user pogate), stops" \
        "$res" "run=pogate:755 made=counters made=$name.pid exit=0 left=counters"
    like "... and says so" "$(cat "$log")" "created runtime directory /run/pogate"
done
done_testing
