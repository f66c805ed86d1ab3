#!/bin/bash
# t-daemon-socket.sh - the unix sockets of pogate-lmtp and pogate-milter at
# exit. Started as root, each daemon gives its socket to its user and, once
# running as that user, removes it at SIGTERM: in a directory of the user's
# own and in a sticky world-writable one. In a root-owned directory it cannot:
# the socket stays, the log says so, and the next start removes it as stale.
# user = root is refused before any socket or pid file is made, and a fatal
# error after the socket was made (the pid file's directory cannot be made:
# its parent is missing too) removes it on the way out. A runtime directory
# that is missing, as /run/pogate is after a boot outside systemd, is made,
# the user's, and the daemon starts with only -c DIR and a socket in DIR.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/lmtp.sh"
. "$SRCDIR/tests/lib/milter.sh"

if [ ! -x "$LMTP" ] || [ ! -x "$MILTER" ]; then skip "pogate-lmtp or pogate-milter not built"; done_testing; exit 0; fi
if [ "$(id -u)" != 0 ]; then skip "needs root (the daemons drop to user pogate)"; done_testing; exit 0; fi
need ss

L=$TESTTMP/lmtpconf
lmtp_conf "$L" "$TESTTMP/store" || { not_ok "pogate-map compiles the pogate-lmtp test maps"; done_testing; exit 1; }
M=$TESTTMP/milterconf
milter_conf "$M" || { not_ok "pogate-map compiles the pogate-milter test maps"; done_testing; exit 1; }
mkdir -p "$TESTTMP/own" "$TESTTMP/sticky" "$TESTTMP/rootdir"
chown pogate "$TESTTMP/own"
chmod 1777 "$TESTTMP/sticky"
chmod 755 "$TESTTMP/rootdir"

PID=
trap '[ -z "$PID" ] || { kill -KILL "$PID"; wait "$PID"; } 2>/dev/null' EXIT
# start NAME LOG SOCKET [CONF]: start pogate-NAME (lmtp, milter) in the
# foreground on unix:SOCKET and wait until it serves; sets PID.
start() {
    local name=$1 log=$2 sock=$3 ready
    case $name in
    lmtp) "$LMTP" -f -c "${4:-$L}" -p "unix:$sock" >"$log" 2>&1 & ready="listening on unix:$sock" ;;
    milter) "$MILTER" -f -c "${4:-$M}" -p "unix:$sock" >"$log" 2>&1 & ready="ready: listening on unix:$sock" ;;
    esac
    PID=$!
    wait_for 30 grep -qF "$ready" "$log"
}
# stop [SIGNAL]: SIGTERM (or SIGNAL), wait; sets RC.
stop() {
    kill -"${1:-TERM}" "$PID" 2>/dev/null
    wait "$PID" 2>/dev/null
    RC=$?
    PID=
}

for name in lmtp milter; do
    for dir in own sticky; do
        sock=$TESTTMP/$dir/$name.sock log=$TESTTMP/$name-$dir.log
        check "pogate-$name starts on a socket in the $dir directory" start "$name" "$log" "$sock"
        is "... the socket belongs to user pogate" "$(stat -c %U "$sock" 2>&1)" pogate
        stop
        is "... SIGTERM: exit 0" "$RC" 0
        check_fail "... socket removed at exit" test -e "$sock"
    done

    sock=$TESTTMP/rootdir/$name.sock log=$TESTTMP/$name-rootdir.log
    check "pogate-$name starts on a socket in a root-owned directory" start "$name" "$log" "$sock"
    stop
    is "... SIGTERM: exit 0" "$RC" 0
    check "... the socket stays (user pogate may not remove it)" test -S "$sock"
    like "... and the log says the next start removes it" "$(cat "$log")" \
         "cannot remove socket $sock \(Permission denied\): the next start removes it"
    check "... which it does" start "$name" "$log.2" "$sock"
    like "... logged" "$(cat "$log.2")" "removed stale socket $sock"
    stop KILL
    rm -f "$sock"

    # user = root: refused before the socket and the pid file exist.
    conf=$TESTTMP/$name-root
    cp -a "$(if [ "$name" = lmtp ]; then echo "$L"; else echo "$M"; fi)" "$conf"
    sed -i 's/^user = .*/user = root/' "$conf/pogate.conf"
    pidf=$(sed -n 's/^[a-z]*_pid_file = //p' "$conf/pogate.conf")
    rm -f "$pidf"
    sock=$TESTTMP/own/$name-root.sock
    out=$(timeout 30 "$(if [ "$name" = lmtp ]; then echo "$LMTP"; else echo "$MILTER"; fi)" -f -c "$conf" -p "unix:$sock" 2>&1)
    rc=$?
    like "pogate-$name with user = root: refused" "$rc:$out" "^[1-9][0-9]*:.*user root: refusing to run as root"
    check_fail "... no socket made" test -e "$sock"
    check_fail "... no pid file made" test -e "$pidf"

    # A fatal error after the socket: the pid file's directory cannot be made.
    sed -i "s|^user = .*|user = pogate|; s|^\([a-z]*_pid_file\) = .*|\1 = $TESTTMP/missing/deeper/$name.pid|" "$conf/pogate.conf"
    out=$(timeout 30 "$(if [ "$name" = lmtp ]; then echo "$LMTP"; else echo "$MILTER"; fi)" -f -c "$conf" -p "unix:$sock" 2>&1)
    rc=$?
    like "pogate-$name, pid file in a missing directory: fatal" "$rc:$out" "^[1-9][0-9]*:.*pid file $TESTTMP/missing/deeper/$name.pid: "
    check_fail "... the socket it had made is removed" test -e "$sock"

    # The runtime directory missing (one level): made, the user's, and removed of its files at exit.
    sed -i "s|^\([a-z]*_pid_file\) = .*|\1 = $TESTTMP/run-$name/$name.pid|" "$conf/pogate.conf"
    sock=$TESTTMP/run-$name/$name.sock log=$TESTTMP/$name-rundir.log
    check "pogate-$name starts with its runtime directory missing" start "$name" "$log" "$sock" "$conf"
    is "... the directory was made, user pogate's, mode 0755" "$(stat -c '%U %a' "$TESTTMP/run-$name" 2>&1)" "pogate 755"
    like "... and logged" "$(cat "$log")" "created runtime directory $TESTTMP/run-$name"
    check "... the pid file is there" test -s "$TESTTMP/run-$name/$name.pid"
    stop
    is "... SIGTERM: exit 0, socket and pid file removed" "$RC:$(ls -A "$TESTTMP/run-$name")" "0:"
done
done_testing
