#!/bin/bash
# t-ops-postfix.sh - seeing what the gateway does, against a real Postfix:
# pogate-milter with its metrics socket, pogate-lda through the shipped
# pipe(8) service (contrib/postfix), the demo postoffices.
#
# Sends a known mix (inbound to a mailbox, to an alias, to a mailbag PO, to
# an unknown mailbox; outbound accepted and refused; 100 messages over 20
# SMTP sessions at once into the mailbag, so that Postfix runs pogate-lda 20
# at a time), then checks that GET /metrics counts each by postoffice and
# verdict exactly, and deliveries exactly as files landed; that pogate-track
# finds each message by queue id, by its address before and after
# rewriting, and by postoffice, from pogate's log_file and Postfix's
# maillog_file merged; that pogate-stat's backlog is the mailbag's files and
# its queue view shows the mail Postfix holds back (defer_transports), with
# the reason. Then 20 pogate-lda processes at once, 25 deliveries each, into
# a counters file of their own: 500 counted, none lost or doubled.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/mta.sh"
. "$SRCDIR/tests/lib/milter.sh"
. "$SRCDIR/tests/lib/e2e.sh"
mta_use postfix
LDA=${LDA:-$BUILDDIR/lda/pogate-lda}
TRACK=$BUILDDIR/maps/pogate-track
STAT=$BUILDDIR/maps/pogate-stat

for p in "$MILTER" "$LDA" "$POGATE_MAP" "$TRACK" "$STAT"; do
    [ -x "$p" ] || { echo "1..0 # skip $(basename "$p") not built"; exit 0; }
done
for c in postfix smtp-sink smtp-source swaks curl python3 runuser; do
    command -v "$c" >/dev/null || { echo "1..0 # skip needs $c"; exit 0; }
done
[ "$(id -u)" = 0 ] || { echo "1..0 # skip needs root"; exit 0; }

conf=$TESTTMP/conf store=$TESTTMP/store run=$TESTTMP/run sink=$TESTTMP/sink
sock=$run/milter.sock mlog=$TESTTMP/milter.log plog=$TESTTMP/pogate.log
mport=$(free_port)
cleanup() {
    [ -d "$TESTTMP/postfix" ] && mta_stop
    milter_stop
    e2e_sink_stop
}
at_exit cleanup

e2e_conf "$conf" "$store" "$run" "$plog" "socket_group = postfix
milter_metrics_listen = inet:$mport@127.0.0.1
counters_file = $run/counters"
check "pogate-map compiles the demo postoffices" "$POGATE_MAP" -c "$conf"
check "pogate-milter starts with a metrics socket" milter_start "$conf" "$sock" "$mlog"
like "it serves /metrics on its port" "$(cat "$mlog")" "metrics: serving GET /metrics on inet:$mport@127.0.0.1"
sink_port=$(free_port)
check "smtp-sink listens" e2e_sink_start "$sink" "$sink_port"

mta_init "$TESTTMP/postfix" || { not_ok "mta_init"; done_testing; }
contrib() {
    sed -e "s|/etc/pogate|$conf|g" -e "s|unix:/run/pogate/milter.sock|unix:$sock|g" \
        -e "s|/usr/sbin/pogate-lda|$LDA|g" "$SRCDIR/contrib/postfix/$1" |
        awk '/^submission/{skip=1} /^[a-z]/&&!/^submission/{skip=0} !skip'
}
contrib main.cf >>"$PF_DIR/etc/main.cf"
contrib master.cf >>"$PF_DIR/etc/master.cf"
pf_conf "mynetworks = 127.0.0.1/32" "default_transport = smtp:[127.0.0.1]:$sink_port" \
    "relay_transport = smtp:[127.0.0.1]:$sink_port" "smtpd_client_connection_count_limit = 0" \
    "default_process_limit = 60"
check "Postfix starts with contrib/postfix" mta_start

metrics() { curl -s --max-time 10 "http://127.0.0.1:$mport/metrics"; }
# value SERIES: its value in /metrics now ("" when absent).
value() { metrics | awk -v s="$1" '$1 == s { print $2 }'; }
net() { mta_send "$1" "$2" --local-interface 127.0.0.2 "${@:3}" 2>&1; }
po() { mta_send "$1" "$2" "${@:3}" 2>&1; }
qid() { printf '%s\n' "$1" | sed -n 's/.*250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p'; }

is "before any mail: connections 0" "$(value 'pogate_milter_connections_total{verdict="accept"}')" 0
is "before any mail: a zero series for each postoffice" \
    "$(value 'pogate_deliveries_total{postoffice="legacy",status="delivered"}')" 0

# --- the mix --------------------------------------------------------------------
for i in 1 2 3 4 5; do net someone@internet.example john.smith@sales.example.com --header "Subject: ops-mbx-$i" >/dev/null; done
alias_qids=
for i in 1 2 3; do
    out=$(net someone@internet.example js@sales.example.com --header "Subject: ops-alias-$i")
    alias_qids="$alias_qids $(qid "$out")"
done
for i in 1 2 3 4; do net other@internet.example anna@legacy.example.net --header "Subject: ops-bag-$i" >/dev/null; done
for i in 1 2; do net someone@internet.example nobody@sales.example.com --quit-after RCPT >/dev/null; done
out_qids=
for i in 1 2 3; do
    out=$(po jsmith@sales.po friend@internet.example --header "From: jsmith@sales.po" --header "Subject: ops-out-$i")
    out_qids="$out_qids $(qid "$out")"
done
for i in 1 2; do po temp@sales.po friend@internet.example --quit-after RCPT >/dev/null; done
set -- $alias_qids
aq=$1
is "three aliased messages queued" "$(echo $alias_qids | wc -w)" 3
# 100 messages in 20 sessions at once, to the mailbag: pogate-lda 20 at a time
# (pogate_destination_concurrency_limit = 20 in contrib/postfix/main.cf).
smtp-source -s 20 -m 100 -f burst@internet.example -t anna@legacy.example.net "127.0.0.1:$PF_PORT" \
    >"$TESTTMP/smtp-source.out" 2>&1
check "smtp-source sent 100 messages in 20 sessions" test $? -eq 0
check "the queue empties" mta_wait_queue_empty 60

bagfiles=$(find "$store/legacy/mailbag/new" -type f | wc -l)
mbxfiles=$(find "$store/sales/mailboxes/jsmith/new" -type f | wc -l)
is "mailbag: 4 + 100 files" "$bagfiles" 104
is "sales/jsmith: 5 + 3 files" "$mbxfiles" 8
# The smtp-source sessions: one connection each of 20, and each of the 19 swaks.
is "connections accepted: 19 swaks + 100 smtp-source sessions" \
    "$(value 'pogate_milter_connections_total{verdict="accept"}')" 119
is "recipients: sales accepted 8" "$(value 'pogate_milter_recipients_total{postoffice="sales",verdict="accept"}')" 8
is "recipients: sales unknown 2" "$(value 'pogate_milter_recipients_total{postoffice="sales",verdict="unknown"}')" 2
is "recipients: legacy accepted 104" "$(value 'pogate_milter_recipients_total{postoffice="legacy",verdict="accept"}')" 104
is "outbound: sales accepted 3" "$(value 'pogate_milter_outbound_messages_total{postoffice="sales",verdict="accept"}')" 3
is "outbound: sales refused 2" "$(value 'pogate_milter_outbound_messages_total{postoffice="sales",verdict="reject"}')" 2
is "deliveries: sales 8, as files in the Maildir" \
    "$(value 'pogate_deliveries_total{postoffice="sales",status="delivered"}')" "$mbxfiles"
is "deliveries: legacy 104, as files in the mailbag (20 pogate-lda at a time)" \
    "$(value 'pogate_deliveries_total{postoffice="legacy",status="delivered"}')" "$bagfiles"
is "no delivery deferred or bounced" \
    "$(metrics | grep -E '^pogate_deliveries_total\{.*status="(deferred|bounced)"\}' | awk '{ s += $2 } END { print s + 0 }')" 0
logged=$(grep -h 'pogate-lda.*po=legacy,.*status=delivered' "$plog" | sed 's/.* size=\([0-9]*\),.*/\1/' |
    awk '{ s += $1 } END { print s + 0 }')
is "delivered bytes: the sizes the deliveries logged" "$(value 'pogate_delivered_bytes_total{postoffice="legacy"}')" "$logged"
is "the histogram counts every delivery" "$(value 'pogate_delivery_duration_seconds_count')" 112
check_fail "no address in any label" sh -c "curl -s http://127.0.0.1:$mport/metrics | grep -v '^#' | grep -q @"
like "the snapshot time is index.cdb's" "$(value pogate_map_snapshot_timestamp_seconds)" "^$(stat -c %Y "$conf/index.cdb")$"
check "a HEAD request" sh -c "curl -sI http://127.0.0.1:$mport/metrics | grep -q 'text/plain; version=0.0.4'"

# --- pogate-track ---------------------------------------------------------------
track() { "$TRACK" -c "$conf" -f "$plog" -f "$PF_LOG" "$@"; }
blocks() { grep -c '^[0-9A-Za-z]\{6,\}  [0-9]'; }
out=$(track "$aq")
is "track by queue id: exit 0" "$?" 0
like "... the block names it" "$out" "^$aq  "
like "... the address as sent, its mailbox and the rewritten address" "$out" \
    "to +<js@sales\.example\.com> -> sales/jsmith <john\.smith@sales\.example\.com>"
like "... delivered, with the agent's status" "$out" "delivered: 2\.0\.0 delivered to sales/jsmith"
like "... and Postfix's" "$out" "mta: sent 2\.0\.0 relay=pogate"
path=$(printf '%s\n' "$out" | sed -n 's|^ *\(/.*/new/[^ ]*\)$|\1|p')
check "... the stored file's path is the file ($path)" test -f "$path"
like "... the client" "$out" "client +unknown\[127\.0\.0\.2\]"
like "... removed from the queue" "$out" "queue +removed"
is "track by the address before rewriting: the 3 aliased messages" "$(track js@sales.example.com | blocks)" 3
is "track by the address after rewriting: 5 + 3 inbound and 3 outbound (its sender, rewritten)" \
    "$(track john.smith@sales.example.com | blocks)" 11
is "track by the internal address: the 3 outbound" "$(track jsmith@sales.po | blocks)" 3
out=$(track po=legacy)
is "track by postoffice: legacy's 104" "$(printf '%s\n' "$out" | blocks)" 104
is "track po=sales: 8 inbound, 3 outbound, and the 4 refusals (NOQUEUE)" \
    "$(track po=sales | grep -c '^[0-9A-Za-z]\{6,\}  [0-9]\|^NOQUEUE  ')" 15
like "a refusal before a queue id joins pogate-milter's line and Postfix's" "$(track nobody@sales.example.com)" \
    "refused +RCPT: 550 5\.1\.1 <nobody@sales\.example\.com>: Recipient address rejected: no such mailbox"
set -- $out_qids
out=$(track "$1")
like "outbound by queue id: sender rewritten" "$out" "from +<jsmith@sales\.po> -> <john\.smith@sales\.example\.com>"
like "... sent to the Internet" "$out" "mta: sent 2\.0\.0 relay=127\.0\.0\.1"
json=$(track --json "$aq")
check "--json: one object that parses" python3 -c 'import json,sys; o=json.loads(sys.argv[1]); assert o["queue_id"]==sys.argv[2] and o["recipients"][0]["path"] and o["recipients"][0]["postoffice"]=="sales"' "$json" "$aq"
json=$(track --json po=legacy)
is "--json: one line per message" "$(printf '%s\n' "$json" | python3 -c 'import json,sys; print(sum(1 for l in sys.stdin if json.loads(l)))')" 104
out=$(track mailbox=sales/jsmith --lines "$aq")
like "--lines: the lines themselves" "$out" "  \| .*postfix/qmgr\[[0-9]+\]: $aq: removed"
track 0123456789AB >/dev/null
is "nothing matched: exit 1" "$?" 1
out=$("$TRACK" -c "$conf" -f - "$aq" <"$PF_LOG")
like "-f - reads standard input" "$out" "^$aq  "
gzip -c "$PF_LOG" >"$TESTTMP/maillog.gz"
like "a gzip file is read through gzip -dc" "$("$TRACK" -c "$conf" -f "$TESTTMP/maillog.gz" "$aq")" "^$aq  "
check_fail "an unreadable file: exit 2" "$TRACK" -c "$conf" -f "$TESTTMP/nonexistent" "$aq"

# --- pogate-stat ------------------------------------------------------------------
stat_q="postqueue -c $PF_DIR/etc -j"
out=$("$STAT" -c "$conf" -q "$stat_q")
is "pogate-stat: exit 0" "$?" 0
row=$(printf '%s\n' "$out" | awk '$1 == "legacy"')
is "stat: legacy's backlog is the mailbag's files" "$(echo "$row" | awk '{ print $7 }')" "$bagfiles"
is "stat: legacy delivered, from the counters" "$(echo "$row" | awk '{ print $10 }')" "$bagfiles"
is "stat: sales refused 2 unknown + 2 outbound" "$(printf '%s\n' "$out" | awk '$1 == "sales" { print $13 }')" 4
like "stat: counted since" "$out" "counted since 20[0-9-]+ "
like "stat: the queue is empty" "$out" "MTA queue \(postqueue .*\): 0 messages"
# Postfix holds the pogate transport back: the mail waits in its queue.
pf_conf "defer_transports = pogate"
pf_reload
for i in 1 2 3; do net other@internet.example anna@legacy.example.net --header "Subject: ops-held-$i" >/dev/null; done
held() { [ "$(mta_queue_size)" -ge 3 ] && postqueue -c "$PF_DIR/etc" -j | grep -c 'deferred transport' | grep -q 3; }
check "three messages held by defer_transports" wait_for 30 held
out=$("$STAT" -c "$conf" -q "$stat_q")
like "stat: the queue view counts them for legacy, inbound" "$out" \
    "legacy +inbound +3 +3 "
like "stat: ... with the reason grouped" "$out" " +3  deferred transport"
json=$("$STAT" -c "$conf" -q "$stat_q" --json)
check "stat --json parses, with the group" python3 -c 'import json,sys; o=json.loads(sys.argv[1]); g=[g for g in o["queue"]["groups"] if g["postoffice"]=="legacy"][0]; assert g["messages"]==3 and g["reasons"][0]["recipients"]==3, g' "$json"
pf_conf "defer_transports ="
pf_reload
mta_flush
check "released: the queue empties" mta_wait_queue_empty 60
is "stat: the backlog follows the mailbag" "$("$STAT" -c "$conf" -q "$stat_q" | awk '$1 == "legacy" { print $7 }')" \
    "$(find "$store/legacy/mailbag/new" -type f | wc -l)"

# --- 20 pogate-lda at once, by hand -----------------------------------------------------
cp -r "$conf" "$TESTTMP/conf2"
sed -i -e "s|^counters_file = .*|counters_file = $run/counters2|" -e "s|^log_file = .*|log_file = $run/lda2.log|" \
    "$TESTTMP/conf2/pogate.conf"
printf 'Subject: burst\n\nbody\n' >"$TESTTMP/msg"
chmod 644 "$TESTTMP/msg"
workers=
for w in $(seq 1 20); do
    (for i in $(seq 1 25); do
        runuser -u pogate -- "$LDA" -c "$TESTTMP/conf2" -f sender@internet.example -- anna@legacy.example.net <"$TESTTMP/msg" >/dev/null || echo fail
    done) >"$TESTTMP/lda.$w" 2>&1 &
    workers="$workers $!"
done
# shellcheck disable=SC2086 # the PIDs, one word each
wait $workers
is "20 x 25 pogate-lda runs at once, none failed" "$(cat "$TESTTMP"/lda.* | grep -c fail)" 0
conf2_value() {
    "$STAT" -c "$TESTTMP/conf2" -q true --json | python3 -c 'import json,sys; o=json.loads(sys.stdin.read()); print([p for p in o["postoffices"] if p["name"]=="legacy"][0]["delivered"])'
}
is "counters: exactly 500 delivered, none lost or doubled" "$(conf2_value)" 500
done_testing
