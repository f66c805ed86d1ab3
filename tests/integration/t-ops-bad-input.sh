#!/bin/bash
# t-ops-bad-input.sh - what the seeing tools do with bad input.
#
# pogate-track over a log of foreign and truncated lines, binary garbage, NUL
# bytes, malformed UTF-8 and lines longer than it keeps: it finds the one
# real message in it, says what it skipped and cut, and its JSON still
# parses; over a log six times longer its memory stays where it was
# (streamed). The metrics socket of a running pogate-milter against a client
# that speaks no HTTP, one whose request never ends, one whose headers never
# stop, silent connections past its limit, clients that vanish: each gets a
# clear answer or is closed, and afterwards the daemon serves /metrics and
# its milter socket as before. pogate-lmtp serves /metrics on a unix socket.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/common.sh"
. "$SRCDIR/tests/lib/milter.sh"
TRACK=$BUILDDIR/maps/pogate-track
LMTP=$BUILDDIR/lda/pogate-lmtp
for p in "$TRACK" "$MILTER" "$POGATE_MAP" "$LMTP"; do
    [ -x "$p" ] || { echo "1..0 # skip $(basename "$p") not built"; exit 0; }
done
for c in python3 curl /usr/bin/time; do
    command -v "$c" >/dev/null || { echo "1..0 # skip needs $c"; exit 0; }
done

# --- pogate-track over garbage --------------------------------------------------------
log=$TESTTMP/bad.log
{
    echo "Dec  2 19:03:51 relay kernel: [123.4] eth0: link up"
    echo "Dec  2 19:03:51 relay postfix/smtpd[1]: A497AA728EA: client=unknown[192.0.2.1]"
    echo "Dec  2 19:03:51 relay postfix/smtpd[1]: A497AA728EA: clie"
    echo "Dec  2 19:0"
    head -c 1048576 /dev/urandom
    echo
    printf 'Dec  2 19:03:51 relay postfix/cleanup[2]: A497AA728EA: message-id=<a\0b@x>\n'
    printf 'Dec  2 19:03:51 relay postfix/qmgr[3]: A497AA728EA: from=<s\xff\xfe@internet.example>, size=453, nrcpt=1 (queue active)\n'
    head -c 70000 /dev/zero | tr '\0' x
    echo
    echo "Dec  2 19:03:51 relay pogate-lda[4]: A497AA728EA: to=<john.smith@sales.example.com>, from=<s@internet.example>, po=sales, mailbox=jsmith, size=406, path=/var/spool/pogate/sales/mailboxes/jsmith/new/1.vm,S=489, status=delivered (2.0.0 delivered to sales/jsmith)"
    echo "Dec  2 19:03:51 relay postfix/pipe[5]: A497AA728EA: to=<john.smith@sales.example.com>, relay=pogate, dsn=2.0.0, status=sent (delivered"
    echo "Dec  2 19:03:51 relay postfix/qmgr[3]: A497AA728EA: removed"
    printf 'Dec  2 19:03:52 relay postfix/qmgr[3]: B1B2B3B4B5B: from=<x@y>, size='
} >"$log"
out=$("$TRACK" -c "$TESTTMP/none" -f "$log" john.smith@sales.example.com 2>"$TESTTMP/track.err")
is "garbage around a message: exit 0" "$?" 0
like "... the message found" "$out" "^A497AA728EA  [0-9-]+ [0-9:]+ [-+0-9]+  delivered"
like "... its fields, NUL shown as ?" "$out" "message-id  <a\?b@x>"
like "... malformed UTF-8 shown replaced" "$out" "from        <s.+@internet\.example>"
like "... a cut status text kept as far as it goes" "$out" "mta: sent 2\.0\.0 relay=pogate \(delivered\)"
like "... it says it skipped what is no log line" "$(cat "$TESTTMP/track.err")" "lines were not log lines of a known form \(skipped\)"
like "... and cut the long line" "$(cat "$TESTTMP/track.err")" "1 lines longer than 65536 bytes were cut"
json=$("$TRACK" -c "$TESTTMP/none" -f "$log" --json --lines po=sales 2>/dev/null)
check "... its JSON, lines and all, parses" python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <<<"$json"
head -c 3000000 /dev/urandom >"$TESTTMP/random"
"$TRACK" -c "$TESTTMP/none" -f "$TESTTMP/random" A497AA728EA >/dev/null 2>&1
is "3 MB of random bytes: nothing found, exit 1" "$?" 1
head -c 8000000 /dev/urandom | "$TRACK" -c "$TESTTMP/none" -f - po=sales >/dev/null 2>&1
is "8 MB of random bytes on standard input, parsed line by line: exit 1" "$?" 1

# Streamed: six times the log, the same memory.
gen=$SRCDIR/tests/bench/lib/maillog-gen.py
read -r n1 q1 a1 < <(python3 "$gen" 8 "$TESTTMP/small.log")
read -r n2 q2 a2 < <(python3 "$gen" 48 "$TESTTMP/big.log")
rss() { /usr/bin/time -f %M "$TRACK" -c "$TESTTMP/none" -f "$@" 2>&1 >/dev/null | tail -1; }
s1=$(rss "$TESTTMP/small.log" "$a1") s2=$(rss "$TESTTMP/big.log" "$a2")
diag "peak RSS by address: $s1 KB over $n1 messages, $s2 KB over $n2"
check "by address: memory flat (48 MB log: $s2 KB, 8 MB: $s1 KB)" test "$s2" -le $((s1 + s1 / 4 + 1024))
s1=$(rss "$TESTTMP/small.log" po=po7) s2=$(rss "$TESTTMP/big.log" po=po7)
check "by postoffice (2 % of the messages out): memory flat ($s2 KB, $s1 KB)" test "$s2" -le $((s1 + s1 / 4 + 1024))
is "every message of po7 found in the big log" "$("$TRACK" -c "$TESTTMP/none" -f "$TESTTMP/big.log" po=po7 | grep -c '^[0-9A-F]\{11\}  ')" \
    "$(awk -v n="$n2" 'BEGIN { c = 0; for (i = 7; i < n; i += 50) c++; print c }')"
rm -f "$TESTTMP/small.log" "$TESTTMP/big.log"

# --- the metrics socket against bad clients ---------------------------------------------
mport=$(free_port)
milter_conf "$TESTTMP/mconf" "milter_metrics_listen = inet:$mport@127.0.0.1
counters_file = $TESTTMP/mconf/run/counters" || { not_ok "milter_conf"; done_testing; }
sock=$TESTTMP/mconf/run/milter.sock
check "pogate-milter starts with a metrics socket" milter_start "$TESTTMP/mconf" "$sock" "$TESTTMP/milter.log"
at_exit milter_stop
cat >"$TESTTMP/bad.py" <<'PY'
import socket, sys, time
port, case = int(sys.argv[1]), sys.argv[2]
def talk(data, wait=30):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(wait)
    t0 = time.time()
    if data:
        s.sendall(data)
    out = b""
    try:
        while True:
            b = s.recv(4096)
            if not b:
                break
            out += b
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    first = out.split(b"\r\n")[0].decode(errors="replace")
    print("%s after %.0f s" % (first or "(closed, nothing)", time.time() - t0))
if case == "tls":
    talk(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)))
elif case == "never-ends":
    talk(b"GET /metrics HTTP/1.0\r\nX-Slow: yes\r\n")
elif case == "endless-headers":
    talk(b"GET /metrics HTTP/1.0\r\n" + b"X-Long: " + b"a" * 20000 + b"\r\n")
elif case == "post":
    talk(b"POST /metrics HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello")
elif case == "silent-crowd":
    crowd = [socket.create_connection(("127.0.0.1", port)) for _ in range(40)]
    for c in crowd:
        c.close()
    print("40 silent connections opened and closed")
elif case == "vanish":
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /met")
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.close()
    print("reset in the middle of a request")
PY
bad() { python3 "$TESTTMP/bad.py" "$mport" "$1" 2>&1; }
like "bytes that are not HTTP (a TLS ClientHello): 400 at once" "$(bad tls)" '^HTTP/1\.0 400 Bad Request after [0-2] s$'
like "a request that never ends: 408 after the 10 s it gets" "$(bad never-ends)" '^HTTP/1\.0 408 Request Timeout after (9|1[0-2]) s$'
like "headers that never stop: 431" "$(bad endless-headers)" '^HTTP/1\.0 431 Request Header Fields Too Large after [0-2] s$'
like "another method: 405" "$(bad post)" '^HTTP/1\.0 405 Method Not Allowed'
like "40 silent connections, more than it serves at once" "$(bad silent-crowd)" '40 silent'
like "a client reset in the middle" "$(bad vanish)" 'reset'
ok_metrics() { curl -s --max-time 30 "http://127.0.0.1:$mport/metrics" | grep -q '^pogate_build_info{version="'; }
check "afterwards /metrics answers" wait_for 30 ok_metrics
check "the daemon is alive" kill -0 "$MILTER_PID"
check "its milter socket accepts connections" python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])' "$sock"
like "it logged each refusal, greppable" "$(cat "$TESTTMP/milter.log")" \
    'metrics: 400 Bad Request from 127\.0\.0\.1'
like "... and the timeout" "$(cat "$TESTTMP/milter.log")" 'metrics: 408 Request Timeout from 127\.0\.0\.1: no complete request in 10 s'
milter_stop
is "SIGTERM: it stops cleanly, the metrics thread with it" "$MILTER_STATUS" 0

# --- pogate-lmtp: /metrics on a unix socket -----------------------------------------------
lconf=$TESTTMP/mconf
msock=$lconf/run/metrics.sock
cat >>"$lconf/pogate.conf" <<CONF
lmtp_metrics_listen = unix:$msock
lmtp_pid_file = $lconf/run/lmtp.pid
store = $TESTTMP/store
CONF
mkdir -p "$TESTTMP/store" && chown pogate "$TESTTMP/store"
"$LMTP" -f -c "$lconf" -p "unix:$lconf/run/lmtp.sock" >"$TESTTMP/lmtp.log" 2>&1 &
lpid=$!
check "pogate-lmtp starts with a unix metrics socket" wait_for 30 test -S "$msock"
like "/metrics over the unix socket" "$(curl -s --max-time 10 --unix-socket "$msock" http://localhost/metrics)" \
    'pogate_deliveries_total\{postoffice="[a-z]+",status="delivered"\} 0'
kill "$lpid"
wait "$lpid"
is "pogate-lmtp stops cleanly" "$?" 0
check_fail "... and removes its metrics socket" test -e "$msock"
done_testing
