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
# Last, each daemon as the systemd units run it: as user pogate with no other
# group, socket_group = postfix, in a directory that is set-group-ID postfix
# (the units' ExecStartPre): the socket is pogate:postfix 0660 with no chown
# at all (strace), which the units' system call filter would refuse; and
# pogate-lmtp in a network namespace of its own (PrivateNetwork) delivers a
# message that comes over its unix socket from outside.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/lmtp.sh"
. "$SRCDIR/tests/lib/milter.sh"

if [ ! -x "$LMTP" ] || [ ! -x "$MILTER" ]; then skip "pogate-lmtp or pogate-milter not built"; done_testing; exit 0; fi
if [ "$(id -u)" != 0 ]; then skip "needs root (the daemons drop to user pogate)"; done_testing; exit 0; fi
need python3 unshare mount setpriv strace
if ! grep -q '^#define HAVE_LIBSYSTEMD 1' "$BUILDDIR/config.h"; then
    skip "built without libsystemd (configure --without-systemd): no sd_notify"; done_testing; exit 0
fi

L=$TESTTMP/lmtpconf
lmtp_conf "$L" "$TESTTMP/store" || { not_ok "pogate-map compiles the pogate-lmtp test maps"; done_testing; exit 1; }
M=$TESTTMP/milterconf
milter_conf "$M" || { not_ok "pogate-map compiles the pogate-milter test maps"; done_testing; exit 1; }

# The sockets in a directory of the user's, who removes them at exit.
mkdir -p "$TESTTMP/own" && chown pogate "$TESTTMP/own"
PID='' SINK='' DPID=''
trap '[ -z "$DPID" ] || kill -KILL "$DPID" 2>/dev/null; [ -z "$PID" ] || { kill -KILL "$PID"; wait "$PID"; } 2>/dev/null; [ -z "$SINK" ] || kill "$SINK" 2>/dev/null' EXIT
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
    # shellcheck disable=SC2016 # expanded by the inner shell
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

# As the units run them.
if ! getent group postfix >/dev/null; then
    skip "no group postfix: the units' set-group-ID socket directory is not tried"; done_testing; exit 0
fi
sg=$TESTTMP/sgid
mkdir -p "$sg" && chown pogate:postfix "$sg" && chmod 2755 "$sg"
for name in milter lmtp; do
    conf=$TESTTMP/$name-unit bin=$MILTER netns=
    [ "$name" = lmtp ] && bin=$LMTP netns="unshare -n"
    cp -a "$([ "$name" = lmtp ] && echo "$L" || echo "$M")" "$conf"
    printf 'socket_group = postfix\ncounters_file = %s/counters\n' "$conf/run" >>"$conf/pogate.conf"
    sock=$sg/$name.sock log=$TESTTMP/$name-unit.log
    # shellcheck disable=SC2086 # $netns: a command prefix or nothing
    # (LeakSanitizer cannot run under ptrace: an ASan build's leak check is off here.)
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -e trace=chown,fchown,lchown,fchownat -o "$TESTTMP/$name.strace" \
        $netns setpriv --reuid=pogate --regid="$(id -g pogate)" --clear-groups \
        "$bin" -f -c "$conf" -p "unix:$sock" >"$log" 2>&1 &
    PID=$!      # strace's; it blocks SIGTERM, the daemon is its child (unshare and setpriv exec)
    check "pogate-$name as user pogate alone, socket_group = postfix, a set-group-ID directory: starts" \
        wait_for 30 grep -q "listening on unix:$sock" "$log"
    DPID=$(awk '{ print $1 }' "/proc/$PID/task/$PID/children" 2>/dev/null)
    is "... its socket pogate:postfix 0660" "$(stat -c '%U:%G %a' "$sock" 2>&1)" "pogate:postfix 660"
    is "... with no chown" "$(grep -c 'chown' "$TESTTMP/$name.strace")" 0
    if [ "$name" = lmtp ]; then
        # shellcheck disable=SC2016 # a Python program
        reply=$(python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rwb")
def reply():
    while True:
        line = f.readline().decode()
        if line[3:4] != "-": return line.strip()
reply()
for cmd in ["LHLO unit.example", "MAIL FROM:<s@elsewhere.example>", "RCPT TO:<js@sales.example.com>", "DATA"]:
    f.write(cmd.encode() + b"\r\n"); f.flush(); reply()
f.write(b"Subject: under PrivateNetwork\r\n\r\nbody\r\n.\r\n"); f.flush()
print(reply())' "$sock" 2>&1)
        like "... in a network namespace of its own: a message over the socket is delivered" "$reply" '^250 2\.0\.0'
    fi
    [ -z "$DPID" ] || kill -TERM "$DPID"
    wait "$PID"; rc=$?; PID='' DPID=''
    is "... SIGTERM: exit 0" "$rc" 0
done
done_testing
