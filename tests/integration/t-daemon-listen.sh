#!/bin/bash
# t-daemon-listen.sh - the inet sockets of pogate-lmtp and pogate-milter on
# loopback. A host name with an IPv4 and an IPv6 address (dual.test, in a
# private /etc/hosts bind-mounted in a mount namespace the daemons run in):
# both daemons listen on both, like Postfix's inet_interfaces; libmilter
# opens one socket only (the IPv4 address for inet:), and pogate-milter
# relays the other addresses to it, which two4.test (127.0.0.1 and
# 127.0.0.2) checks with whole miltertest sessions. inet6:PORT@HOST, [ADDR] and
# [IPv6:ADDR] hosts, and inet:PORT@[::1], work in both. Without IPv6 on the
# host, pogate-lmtp listens on the IPv4 address alone. Ports 27310-27329.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/lmtp.sh"
. "$SRCDIR/tests/lib/milter.sh"

if [ ! -x "$LMTP" ] || [ ! -x "$MILTER" ]; then skip "pogate-lmtp or pogate-milter not built"; done_testing; exit 0; fi
if [ "$(id -u)" != 0 ]; then skip "needs root (a mount namespace, the daemons drop to user pogate)"; done_testing; exit 0; fi
need miltertest ip ss unshare mount
if ! ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/128'; then skip "no ::1 on lo"; done_testing; exit 0; fi

L=$TESTTMP/lmtpconf store=$TESTTMP/store
lmtp_conf "$L" "$store" || { not_ok "pogate-map compiles the pogate-lmtp test maps"; done_testing; exit 1; }
M=$TESTTMP/milterconf
milter_conf "$M" || { not_ok "pogate-map compiles the pogate-milter test maps"; done_testing; exit 1; }
printf '127.0.0.1 localhost\n::1 localhost\n127.0.0.1 dual.test\n::1 dual.test\n127.0.0.1 two4.test\n127.0.0.2 two4.test\n' >"$TESTTMP/hosts"

PID=
trap '[ -z "$PID" ] || { kill -KILL "$PID"; wait "$PID"; } 2>/dev/null' EXIT
# start LOG PROGRAM ARGS...: run a daemon in the foreground, in a mount
# namespace whose /etc/hosts names dual.test; sets PID (unshare and sh exec,
# so it is the daemon's).
start() {
    local log=$1
    shift
    unshare --mount --propagation private -- sh -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' \
        sh "$TESTTMP/hosts" "$@" >"$log" 2>&1 &
    PID=$!
}
# stop [SIGNAL]: SIGTERM (or SIGNAL), wait; sets RC.
stop() {
    kill -"${1:-TERM}" "$PID" 2>/dev/null
    wait "$PID" 2>/dev/null
    RC=$?
    PID=
}
# listening PORT: the local addresses listening on PORT, sorted, one line.
listening() {
    ss -Hltn "sport = :$1" | awk '{print $4}' | sort | tr '\n' ' '
}
# deliver SPEC: one message over LMTP to SPEC (inet:PORT@ADDR).
deliver() {
    "$LMTP_LOAD" -s "$1" -n 1 -t listen js@sales.example.com 2>&1 | grep -q '^sent 1 acked 1 failed 0 '
}

# ---- pogate-lmtp ----
p=27310
start "$TESTTMP/l1.log" "$LMTP" -f -c "$L" -p "inet:$p@dual.test"
check "pogate-lmtp on inet:PORT@dual.test starts" wait_for 30 grep -q "listening on inet:$p@dual.test" "$TESTTMP/l1.log"
is "... listens on 127.0.0.1 and on ::1" "$(listening $p)" "127.0.0.1:$p [::1]:$p "
check "... delivers over 127.0.0.1" deliver "inet:$p@127.0.0.1"
check "... delivers over ::1" deliver "inet:$p@::1"
like "... logs each address" "$(cat "$TESTTMP/l1.log")" "listening on 127\.0\.0\.1:$p"
like "... ..." "$(cat "$TESTTMP/l1.log")" "listening on \[::1\]:$p"
stop
is "... SIGTERM: exit 0" "$RC" 0
is "two messages stored" "$(lmtp_files "$store" sales jsmith | wc -l)" 2

n=1
for spec in "inet6:27311@dual.test" "inet:27312@[::1]" "inet6:27313@[IPv6:::1]" "inet:27314@[127.0.0.1]" "inet6:27315@::1"; do
    port=${spec#*:} port=${port%@*}
    want="[::1]:$port " addr=::1
    case $spec in *127.0.0.1*) want="127.0.0.1:$port " addr=127.0.0.1 ;; esac
    n=$((n + 1))
    start "$TESTTMP/l$n.log" "$LMTP" -f -c "$L" -p "$spec"
    if wait_for 30 grep -qF "listening on $spec" "$TESTTMP/l$n.log"; then
        is "pogate-lmtp on $spec listens on $addr only" "$(listening "$port")" "$want"
        check "... delivers" deliver "inet:$port@$addr"
    else
        not_ok "pogate-lmtp on $spec starts"
        sed 's/^/# /' "$TESTTMP/l$n.log"
    fi
    stop
done
# A host without IPv6 (a network namespace with IPv6 off on its lo): dual.test
# still resolves to ::1, which is left out with a warning.
if unshare --net true 2>/dev/null; then
    timeout 60 unshare --net --mount --propagation private -- sh -c '
        mount --bind "$1/hosts" /etc/hosts && ip link set lo up &&
            sysctl -q -w net.ipv6.conf.lo.disable_ipv6=1 || exit 1
        "$2" -f -c "$3" -p inet:27317@dual.test >"$1/noipv6.log" 2>&1 &
        pid=$!
        i=0
        while ! grep -q "listening on inet:27317@dual.test" "$1/noipv6.log" && [ $i -lt 300 ]; do
            sleep 0.1; i=$((i + 1))
        done
        ss -Hltn "sport = :27317" | awk "{print \$4}" >"$1/noipv6.ss"
        "$4" -s inet:27317@127.0.0.1 -n 1 -t noipv6 js@sales.example.com >"$1/noipv6.load" 2>&1
        kill -TERM $pid; wait $pid' sh "$TESTTMP" "$LMTP" "$L" "$LMTP_LOAD"
    is "no IPv6: pogate-lmtp on inet:PORT@dual.test listens on 127.0.0.1" "$(cat "$TESTTMP/noipv6.ss")" "127.0.0.1:27317"
    like "... warns that ::1 is left out" "$(cat "$TESTTMP/noipv6.log")" "lmtp socket inet:27317@dual.test: not listening on \[::1\]:27317: "
    like "... delivers" "$(cat "$TESTTMP/noipv6.load")" '^sent 1 acked 1 failed 0 '
else
    skip "no network namespaces"
fi
out=$(timeout 10 "$LMTP" -f -c "$L" -p "inet:27316@[dual.test]" 2>&1); rc=$?
like "a name in brackets is refused" "$rc:$out" "^1:.*lmtp socket inet:27316@\[dual\.test\]: "

# ---- pogate-milter ----
# mtest SPEC: one accepted message through the milter at SPEC (miltertest).
mtest() {
    miltertest -D sock="$1" -D lib="$SRCDIR/tests/milter/lib.lua" -D n=1 \
        -s "$SRCDIR/tests/milter/traffic.lua" >"$TESTTMP/mt.out" 2>&1
}
# negotiate ADDR PORT: the milter answers SMFIC_OPTNEG (version 6, every
# action and protocol bit) with SMFIC_OPTNEG (miltertest cannot connect over
# IPv6).
negotiate() {
    local got
    exec 7<>"/dev/tcp/$1/$2" || return 1
    printf '\0\0\0\rO\0\0\0\6\0\0\1\377\0\37\377\377' >&7
    got=$(timeout 20 head -c 5 <&7 | tail -c 1)
    exec 7<&-
    [ "$got" = O ]
}
p=27320
start "$TESTTMP/m1.log" "$MILTER" -f -c "$M" -p "inet:$p@dual.test"
check "pogate-milter on inet:PORT@dual.test starts" wait_for 30 grep -q 'ready:' "$TESTTMP/m1.log"
is "... listens on 127.0.0.1 and on ::1" "$(listening $p)" "127.0.0.1:$p [::1]:$p "
like "... libmilter on 127.0.0.1, ::1 relayed to it" "$(cat "$TESTTMP/m1.log")" \
     "milter socket inet:$p@dual.test: libmilter listens on \[127\.0\.0\.1\], the other addresses are relayed to it"
check "... a milter conversation over 127.0.0.1" mtest "inet:$p@127.0.0.1"
check "... the milter negotiation over ::1" negotiate ::1 $p
stop
is "... SIGTERM: exit 0" "$RC" 0
# A whole conversation through the relay: two IPv4 addresses, the second relayed.
p=27326
start "$TESTTMP/m0.log" "$MILTER" -f -c "$M" -p "inet:$p@two4.test"
check "pogate-milter on inet:PORT@two4.test starts" wait_for 30 grep -q 'ready:' "$TESTTMP/m0.log"
is "... listens on 127.0.0.1 and 127.0.0.2" "$(listening $p)" "127.0.0.1:$p 127.0.0.2:$p "
check "... three milter sessions through the relay (127.0.0.2)" \
    miltertest -D sock="inet:$p@127.0.0.2" -D lib="$SRCDIR/tests/milter/lib.lua" -D n=3 -s "$SRCDIR/tests/milter/traffic.lua"
is "... all three seen by the milter" "$(grep -c 'verdict=accept' "$TESTTMP/m0.log")" 3
stop
is "... SIGTERM: exit 0" "$RC" 0

n=1
for spec in "inet6:27321@dual.test" "inet:27322@[::1]" "inet6:27323@[IPv6:::1]" "inet:27324@[127.0.0.1]"; do
    port=${spec#*:} port=${port%@*}
    want="[::1]:$port " addr=::1
    case $spec in *127.0.0.1*) want="127.0.0.1:$port " addr=127.0.0.1 ;; esac
    n=$((n + 1))
    start "$TESTTMP/m$n.log" "$MILTER" -f -c "$M" -p "$spec"
    if wait_for 30 grep -q 'ready:' "$TESTTMP/m$n.log"; then
        is "pogate-milter on $spec listens on $addr" "$(listening "$port")" "$want"
        check "... answers the milter negotiation" negotiate "$addr" "$port"
    else
        not_ok "pogate-milter on $spec starts"
        sed 's/^/# /' "$TESTTMP/m$n.log"
    fi
    stop KILL        # libmilter takes seconds to stop: once above is enough
done
done_testing
