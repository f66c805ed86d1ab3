#!/bin/bash
# t-lmtp-proto.sh - pogate-lmtp speaking LMTP: a whole pipelined conversation on
# stdin (-i, as sendmail's F=z mailer runs it) with the store checked byte for
# byte; bad input (NUL, over-long lines, SIZE) answered with a clear 5xx and
# nothing stored; then the daemon: unix socket mode/group, stale socket removed,
# a live one refused, inet socket, connection limit, idle timeout, reload on
# map change, SIGTERM.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/lmtp.sh"

if [ ! -x "$LMTP" ]; then skip "pogate-lmtp not built"; done_testing; fi
if [ "$(id -u)" != 0 ]; then skip "needs root (the server drops to user pogate)"; done_testing; fi
need ps

conf=$TESTTMP/conf store=$TESTTMP/store log=$TESTTMP/lmtp.log
trap 'lmtp_stop' EXIT
lmtp_conf "$conf" "$store" "lmtp_idle_timeout = 2s
lmtp_max_connections = 2" || { not_ok "pogate-map compiles the test maps"; done_testing; }

check_exit "-n accepts the configuration and maps" 0 "$LMTP" -n -c "$conf"

# One conversation, every command group pipelined as Postfix sends it.
printf '%s\r\n' "LHLO client.example" \
    "MAIL FROM:<sender@elsewhere.example> SIZE=200 BODY=8BITMIME" \
    "RCPT TO:<js@sales.example.com>" "RCPT TO:<nobody@sales.example.com>" \
    "RCPT TO:<admin@paused.example.com>" "RCPT TO:<someone@sales.example.org>" \
    "RCPT TO:<x@not-a-po.example>" "DATA" >"$TESTTMP/in"
printf 'Subject: proto test\r\nMessage-ID: <proto.1@test>\r\n\r\n..starts with a dot\r\nbare LF line\n..\r\nlast line\r\n.\r\n' >>"$TESTTMP/in"
printf '%s\r\n' "RSET" "NOOP" "QUIT" >>"$TESTTMP/in"
out=$("$LMTP" -i -c "$conf" <"$TESTTMP/in" 2>>"$log" | tr -d '\r' | sed "s/$(hostname)/HOST/" | cut -c1-9 | tr '\n' ' ')
is "pipelined conversation: replies in order, one per accepted recipient after DATA" "$out" \
   "220 HOST  250-HOST 250-PIPEL 250-ENHAN 250-8BITM 250-SMTPU 250 SIZE  250 2.1.0 250 2.1.5 550 5.1.1 451 4.2.1 250 2.1.5 451 4.3.5 354 End d 250 2.0.0 250 2.0.0 250 2.0.0 250 2.0.0 221 2.0.0 "

want=$(printf 'Subject: proto test\nMessage-ID: <proto.1@test>\n\n.starts with a dot\nbare LF line\n.\nlast line\n')
f=$(lmtp_files "$store" sales jsmith)
is "one file in SALES/JSMITH/new" "$(printf '%s\n' "$f" | grep -c .)" 1
is "stored message: dot-unstuffed, LF line ends, byte for byte" "$(sed -n '/^Subject: proto test$/,$p' "$f")" "$want"
like "Return-Path carries the envelope sender" "$(head -5 "$f")" '^Return-Path: <sender@elsewhere\.example>'
f=$(lmtp_files "$store" sales inbox)
is "catch-all alias delivered to SALES/INBOX" "$(sed -n '/^Subject: proto test$/,$p' "$f")" "$want"
is "nothing in the paused postoffice" "$(find "$store/paused" -type f 2>/dev/null | wc -l)" 0

# Bad input: each answered, the session goes on, nothing stored.
before=$(find "$store" -type f | wc -l)
{
    printf 'LHLO c\r\nNOOP \0x\r\n'
    printf 'NOOP %01500d\r\n' 0
    printf 'MAIL FROM:<s@x> SIZE=99999999999\r\nMAIL FROM:<s@x>\r\nRCPT TO:<js@sales.example.com>\r\nDATA\r\n'
    printf 'Subject: nul\r\n\r\na\0b\r\n.\r\n'
    printf 'MAIL FROM:<s@x>\r\nRCPT TO:<js@sales.example.com>\r\nDATA\r\n'
    printf 'Subject: long\r\n\r\n%070000d\r\n.\r\n' 0
    printf 'NOOP\r\nQUIT\r\n'
} >"$TESTTMP/bad"
out=$("$LMTP" -i -c "$conf" <"$TESTTMP/bad" 2>>"$log" | tr -d '\r' | grep -v '^250[- ][^2]' | tr '\n' '|')
like "NUL in a command: 500 5.5.2" "$out" '500 5\.5\.2 Error: NUL character in command'
like "over-long command line: 500 5.5.2" "$out" '500 5\.5\.2 Error: command line too long'
like "SIZE over the largest postoffice limit: 552 5.3.4" "$out" '552 5\.3\.4 '
like "NUL in the message: 554 5.6.0" "$out" '554 5\.6\.0 Error: message contains NUL'
like "over-long message line: 554 5.6.0" "$out" '554 5\.6\.0 Error: message line longer than 65536'
like "session still alive after bad input" "$out" '250 2\.0\.0 Ok\|221 2\.0\.0 Bye\|$'
is "refused messages left nothing in the store" "$(find "$store" -type f | wc -l)" "$before"

# Exactly once: the MTA retries a DATA whose replies it never got (pogate-lmtp
# killed after the links): the same message again, with its Received header
# naming the queue id, lands on the files the first attempt stored.
once() {  # once FILE [RECEIVED]: one transaction for js@ and the two mailbag recipients
    { printf '%s\r\n' "LHLO c" "MAIL FROM:<s@elsewhere.example>" "RCPT TO:<js@sales.example.com>" \
        "RCPT TO:<anna@bag.example.com>" "RCPT TO:<gate@bag.example.com>" "DATA"
      [ -z "${2:-}" ] || printf 'Received: from c (c [192.0.2.7])\r\n\tby relay.example (Postfix) with ESMTP id %s\r\n\tfor <js@sales.example.com>; Wed, 25 Nov 2026 10:57:09 +0000 (UTC)\r\n' "$2"
      printf 'Subject: once\r\n\r\nbody\r\n.\r\nQUIT\r\n'; } >"$1"
}
js_before=$(lmtp_files "$store" sales jsmith | wc -l) bag_before=$(find "$store/bag/mailbag/new" -type f 2>/dev/null | wc -l)
once "$TESTTMP/once" 4LMTPQ1
for try in first retry; do
    out=$("$LMTP" -i -c "$conf" <"$TESTTMP/once" 2>>"$log" | tr -d '\r' | grep -c '^250 2\.0\.0 delivered')
    is "exactly once, $try attempt: 250 2.0.0 for all three recipients" "$out" 3
done
is "exactly once: one new file in SALES/JSMITH/new" "$(( $(lmtp_files "$store" sales jsmith | wc -l) - js_before ))" 1
is "exactly once: named TIME.QQUEUEID_HASH.HOST, TIME from the Received header" \
    "$(lmtp_files "$store" sales jsmith | grep -cE '/1795604229\.Q4LMTPQ1_[0-9a-f]{16}\.[^/]+,S=[0-9]+$')" 1
is "exactly once: one new mailbag file" "$(( $(find "$store/bag/mailbag/new" -type f | wc -l) - bag_before ))" 1
like "exactly once: the retry logged the file as already there" "$(cat "$log")" \
    "4LMTPQ1: sales/jsmith: 1795604229\.Q4LMTPQ1_.* already in new/ \(an earlier attempt delivered it\)"
like "exactly once: and the mailbag file" "$(cat "$log")" "4LMTPQ1: bag/mailbag: .* already in new/"
once "$TESTTMP/noid"
js_before=$(lmtp_files "$store" sales jsmith | wc -l)
for try in 1 2; do "$LMTP" -i -c "$conf" <"$TESTTMP/noid" >/dev/null 2>>"$log"; done
is "no queue id: at-least-once, the retry stores a second copy" "$(( $(lmtp_files "$store" sales jsmith | wc -l) - js_before ))" 2
like "no queue id: logged" "$(cat "$log")" "unique file names: a retry after an interrupted delivery may store a second copy \(no queue id\)"

# The daemon on a unix socket: group and mode from pogate.conf.
sock=$TESTTMP/run/lmtp.sock
mkdir -p "$TESTTMP/run" && chown pogate "$TESTTMP/run"
sed -i 's/^socket_mode = .*/socket_mode = 0660\nsocket_group = postfix/' "$conf/pogate.conf"
check "daemon starts on a unix socket" lmtp_start "$conf" "unix:$sock" "$log"
is "socket mode 0660, group postfix" "$(stat -c '%a %G' "$sock")" "660 postfix"
is "pid file written" "$(cat "$conf/run/lmtp.pid" 2>/dev/null)" "$LMTP_PID"
is "server runs as user pogate" "$(ps -o user= -p "$LMTP_PID" | tr -d ' ')" pogate
out=$("$LMTP_LOAD" -s "unix:$sock" -c 2 -n 6 -t sock john.smith@sales.example.com 2>&1)
like "load client over the socket: 6 acknowledged" "$out" '^sent 6 acked 6 failed 0 '
check_fail "a second server on a live socket refuses to start" "$LMTP" -f -c "$conf" -p "unix:$sock"
lmtp_stop KILL
ok "killed with -9, socket left behind: $(test -S "$sock" && echo yes)"
check "restart removes the stale socket" lmtp_start "$conf" "unix:$sock" "$log"
like "stale socket logged" "$(cat "$log")" "removed stale socket $sock"

# Reload: a new mailbox, compiled while the server runs, is known at the next MAIL.
echo 'SALES/NEWBIE address=newbie@sales.example.com' >>"$conf/mailboxes"
"$POGATE_MAP" -c "$conf" >/dev/null 2>&1
kill -USR1 "$LMTP_PID"
out=$("$LMTP_LOAD" -s "unix:$sock" -n 1 -t reload newbie@sales.example.com 2>&1)
like "new mailbox delivered after pogate-map and SIGUSR1" "$out" '^sent 1 acked 1 '
lmtp_stop
ok "SIGTERM: exited"
check_fail "socket removed at exit" test -e "$sock"

# inet socket: connection limit 2, idle timeout 2s, SIGTERM with idle sessions.
port=$(free_port)
check "daemon starts on inet:$port@127.0.0.1" lmtp_start "$conf" "inet:$port@127.0.0.1" "$log"
exec 3<>"/dev/tcp/127.0.0.1/$port" 4<>"/dev/tcp/127.0.0.1/$port"
read -r -t 5 g3 <&3; read -r -t 5 g4 <&4
like "two connections greeted" "$g3 $g4" '^220 .*220 '
exec 5<>"/dev/tcp/127.0.0.1/$port"
read -r -t 5 g5 <&5
like "third connection over lmtp_max_connections: 421 4.3.2" "$g5" '^421 4\.3\.2 '
exec 5<&-
read -r -t 10 t3 <&3
like "idle connection: 421 4.4.2 after lmtp_idle_timeout" "$t3" '^421 4\.4\.2 '
exec 3<&- 4<&-
exec 3<>"/dev/tcp/127.0.0.1/$port"
read -r -t 5 g3 <&3
kill -TERM "$LMTP_PID"
read -r -t 5 t3 <&3
like "SIGTERM: waiting session told 421 4.3.2" "$t3" '^421 4\.3\.2 '
exec 3<&-
wait "$LMTP_PID"; LMTP_PID=
ok "server exited after SIGTERM"

# The pid file is written as root: a symlink planted in its place is not followed.
echo precious >"$TESTTMP/victim"
ln -sf "$TESTTMP/victim" "$conf/run/lmtp.pid"
out=$(timeout 10 "$LMTP" -f -c "$conf" -p "unix:$sock" 2>&1)
like "planted pid file symlink: refused with the file named" "$out" "pid file $conf/run/lmtp.pid: "
is "... the symlink's target untouched" "$(cat "$TESTTMP/victim")" precious
rm -f "$conf/run/lmtp.pid"
done_testing
