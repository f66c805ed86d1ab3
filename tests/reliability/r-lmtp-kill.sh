#!/bin/bash
# r-lmtp-kill.sh (R10) - kill -9 of pogate-lmtp at random points while a real
# Postfix delivers to it over its own lmtp client (the transport that
# pogate-map writes with mta_transport = lmtp:unix:SOCKET, and
# contrib/postfix/lmtp.cf's limits: 20 connections, 50 recipients a
# transaction). rel.py keeps sending two-recipient messages over 4 SMTP
# sessions while the server is killed after a random 20-419 ms of each run
# and started again at once; then the sending stops, the last server stays up
# and Postfix's retries (every second) empty the queue.
#
# Afterwards: every recipient Postfix logged as sent over LMTP has its
# message in its mailbox exactly once (a kill between the link into new/ and
# the reply makes Postfix send it again; the retry finds the file under its
# deterministic name, pogate-lmtp(8)); every accepted message is in both
# mailboxes, byte for byte (a file in new/ is never changed later, so a
# partial one that had been visible would still be there); nothing bounced.
# Where the kills hit is counted from Postfix's deferrals (refused
# connection, lost during the greeting or the commands, lost after the final
# dot, where the message may already be stored).
# R_SCALE=bounded: 20 kills (about 15 s); long: 1000, messages of at most
# 30 KB rather than 200 KB (some 50,000 of them are sent meanwhile).
. "$(dirname "$0")/../lib/tap.sh"
. "$SRCDIR/tests/reliability/lib.sh"
. "$SRCDIR/tests/lib/lmtp.sh"
rel_need
[ -x "$LMTP" ] || { echo "1..0 # skip pogate-lmtp not built"; exit 0; }
kills=$(scale 20 1000)
sock=$TESTTMP/run/lmtp.sock
trap 'lmtp_stop KILL; rel_cleanup' EXIT
mkdir -p "$TESTTMP/run" && chmod 755 "$TESTTMP/run" && chown pogate "$TESTTMP/run"
rel_conf "$TESTTMP/conf" "$TESTTMP/store" "lmtp_socket = unix:$sock
lmtp_pid_file = $TESTTMP/run/lmtp.pid
mta_transport = lmtp:unix:$sock" || { not_ok "pogate-map compiles the maps"; done_testing; }
lmtp_log=$TESTTMP/lmtp.log
check "pogate-lmtp starts" lmtp_start "$REL_CONF" "unix:$sock" "$lmtp_log"
rel_postfix_conf 26210 || not_ok "Postfix configured"
grep -E '^lmtp_destination_(concurrency|recipient)_limit' "$SRCDIR/contrib/postfix/lmtp.cf" |
    while IFS= read -r line; do pf_conf "$line"; done
check "Postfix starts, postoffice mail to lmtp:unix:$sock" mta_start
is "rel.example goes over LMTP" "$(postmap -c "$PF_DIR/etc" -q rel.example "cdb:$REL_CONF/transport")" \
    "lmtp:unix:$sock"

stop=$TESTTMP/stop
start=$SECONDS
rel_send --to a@rel.example,b@rel.example --ids r10 --count 1000000 --sessions 4 \
    --min 300 --max "$(scale 200000 30000)" --acks "$TESTTMP/acks" --until "$stop" >"$TESTTMP/send.log" 2>&1 &
sender=$!
k=0 restarts_ok=0
while [ "$k" -lt "$kills" ]; do
    sleep "$(printf '0.%03d' $((20 + RANDOM % 400)))"
    lmtp_stop KILL
    k=$((k + 1))
    lmtp_start "$REL_CONF" "unix:$sock" "$lmtp_log" && restarts_ok=$((restarts_ok + 1))
done
: >"$stop"
wait "$sender"
sent_status=$?
is "$kills kills, each followed by a restart that listens" "$restarts_ok" "$kills"
is "the sender got an answer to every message" "$sent_status" 0
n=$(acked "$TESTTMP/acks" | wc -l)
check "the queue empties (every message delivered in the end)" rel_wait_delivered "$(scale 120 600)"
secs=$((SECONDS - start))
is "Postfix refused none of the messages" "$(awk '$2 != 250' "$TESTTMP/acks" | wc -l)" 0
ok_n=$([ "$n" -ge "$kills" ] && echo yes || echo "no ($n)")
is "at least one message accepted per kill ($n messages, $kills kills)" "$ok_n" yes

acked "$TESTTMP/acks" >"$TESTTMP/ids"
out=$(rel_check --ids "$TESTTMP/ids" --list "$TESTTMP/list")
diag "$out"
is "no message lost" "$(field lost "$out")" 0
is "no partial file in new/" "$(field partial "$out")" 0
pairs=$(awk '$1 != "-" { print $1, $2 }' "$TESTTMP/list" | sort -u | wc -l)
is "every message in both mailboxes" "$pairs" $((2 * n))
dups=$(field dups "$out")
is "exactly once: no second copy, not even after a kill between the link and the reply" "$dups" 0

# What Postfix counts as delivered: every (queue id, recipient) with
# status=sent over the socket, its message id from cleanup's line; each in
# its mailbox exactly once.
awk '/\/cleanup\[[0-9]+\]: [0-9A-F]+: message-id=</ {
         q = $6; sub(/:$/, "", q); m = $7; sub(/^message-id=</, "", m); sub(/@rel\.test>$/, "", m); id[q] = m }
     /\/lmtp\[[0-9]+\]: / && /status=sent/ {
         q = $6; sub(/:$/, "", q); r = $7; sub(/^to=</, "", r); sub(/@.*/, "", r)
         print (q in id ? id[q] : "?" q), "rel/mailboxes/" r }' "$PF_LOG" | sort >"$TESTTMP/sent"
awk '$1 != "-" { print $1, $2 }' "$TESTTMP/list" | sort >"$TESTTMP/stored"
sent=$(wc -l <"$TESTTMP/sent")
is "Postfix logged each recipient sent once ($sent)" "$(sort -u "$TESTTMP/sent" | wc -l)" "$sent"
is "... and that is every recipient of every accepted message" "$sent" $((2 * n))
missing=$(comm -23 <(sort -u "$TESTTMP/sent") <(sort -u "$TESTTMP/stored") | wc -l)
is "every recipient Postfix counts as delivered has the message in its mailbox" "$missing" 0
twice=$(uniq -d "$TESTTMP/stored" | wc -l)
is "... exactly once" "$twice" 0
check "Postfix bounced nothing" sh -c "! grep -q 'status=bounced' '$PF_LOG'"

# Where the kills hit, from Postfix's deferrals over the socket.
deferred() { grep '/lmtp\[.*status=deferred (' "$PF_LOG" | grep -v 'temporarily suspended' | grep -c "$1"; }
refused=$(deferred 'connect to .*: \(Connection refused\|No such file\|Permission denied\)')
greeting=$(deferred 'while receiving the initial server greeting')
commands=$(deferred 'while \(performing the LHLO handshake\|sending MAIL FROM\|sending RCPT TO\|sending DATA command\|sending message body\)')
afterdot=$(deferred 'after end of data\|while sending end of data')
found=$(grep -c 'already in new/ (an earlier attempt delivered it)' "$REL_CONF/pogate.log" "$lmtp_log" 2>/dev/null |
    awk -F: '{ s += $NF } END { print s + 0 }')
diag "deferrals: $refused refused connections, $greeting during the greeting, $commands during the commands, $afterdot after the final dot; $found retries found the file of an earlier attempt"
ok_mid=$([ $((commands + afterdot)) -gt 0 ] && echo yes || echo no)
is "some kills hit a transaction in flight" "$ok_mid" yes
tmp=$(field tmp "$out")
# A file being written has no name until it is linked (storefs_tmpfile).
is "nothing left in tmp/ by the killed runs" "$tmp" 0

result R10 "kill -9 of pogate-lmtp behind Postfix's lmtp client ($kills kills)" \
    $((2 * n)) "$pairs" "$(field lost "$out")" "$dups" "$secs" \
    "partial $(field partial "$out"); deferrals: refused $refused, greeting $greeting, commands $commands, after the dot $afterdot; retries that found the file $found; tmp leftovers $tmp"
done_testing
