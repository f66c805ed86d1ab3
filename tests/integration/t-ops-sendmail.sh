#!/bin/bash
# t-ops-sendmail.sh - seeing what the gateway does, against a real sendmail
# configured by contrib/sendmail/pogate.mc and pogate.m4 (pogate-milter with
# its metrics socket, pogate-lda as the pogate mailer, the demo
# postoffices), its log captured as syslog lines (sm_syslog_start).
#
# A known mix (inbound to a mailbox, an alias, a mailbag PO, an unknown
# mailbox; outbound accepted and refused): GET /metrics counts each by
# postoffice and verdict, deliveries as the files that landed; pogate-track
# finds each by sendmail's queue id, by address before and after rewriting
# and by postoffice, joining sendmail's lines with pogate's; pogate-stat's
# queue view, from sendmail's mailq, shows what a store error holds back,
# with its reason, and its backlog is the mailbag's files.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/mta.sh"
. "$SRCDIR/tests/lib/milter.sh"
. "$SRCDIR/tests/lib/e2e.sh"
mta_use sendmail
LDA=$BUILDDIR/lda/pogate-lda
TRACK=$BUILDDIR/maps/pogate-track
STAT=$BUILDDIR/maps/pogate-stat

if [ "$(id -u)" != 0 ] || ! command -v swaks >/dev/null || ! command -v unshare >/dev/null ||
    ! command -v curl >/dev/null || [ ! -x /usr/sbin/smtp-sink ]; then
    skip "needs root, swaks, unshare, curl and smtp-sink"; done_testing
fi
if [ ! -x "$SM_BIN/sendmail" ]; then skip "no private sendmail (run tests/deps.sh)"; done_testing; fi
for p in "$MILTER" "$LDA" "$POGATE_MAP" "$TRACK" "$STAT"; do
    [ -x "$p" ] || { skip "$p not built"; done_testing; }
done

conf=$TESTTMP/conf store=$TESTTMP/store run=$TESTTMP/run sink=$TESTTMP/sink
log=$TESTTMP/pogate.log mlog=$TESTTMP/milter.log smlog=$TESTTMP/sendmail.log
sock=$run/milter.sock
mport=$(free_port) sink_port=$(free_port)
# shellcheck disable=SC2317 # stop_all runs from the EXIT trap
stop_all() {
    mta_stop
    sm_syslog_stop
    milter_stop
    e2e_sink_stop
}
at_exit stop_all

e2e_conf "$conf" "$store" "$run" "$log" "milter_metrics_listen = inet:$mport@127.0.0.1
counters_file = $run/counters"
check "pogate-map compiles the demo maps" "$POGATE_MAP" -c "$conf"
check "pogate-milter starts with a metrics socket" milter_start "$conf" "$sock" "$mlog"
check "the Internet sink listens" e2e_sink_start "$sink" "$sink_port"

paths() { sed -e "s|/etc/pogate|$conf|g" -e "s|/run/pogate|$run|g" -e "s|/usr/sbin/pogate-lda|$LDA|g"; }
mta_init "$TESTTMP/sendmail" || { not_ok "mta_init writes the instance"; done_testing; }
sm_mc "$(paths <"$SRCDIR/contrib/sendmail/pogate.mc")"
sm_mc_end "$(paths <"$SRCDIR/contrib/sendmail/pogate.m4")"
# shellcheck disable=SC2016 # sendmail's $ operators
sm_mc "define(\`ESMTP_MAILER_ARGS', \`TCP \$h $sink_port')dnl" 'LOCAL_RULE_0' \
    'R$* < @ internet.example . > $*	$#esmtp $@ [127.0.0.1] $: $1 < @ internet.example . > $2' \
    'R$* < @ internet.example > $*	$#esmtp $@ [127.0.0.1] $: $1 < @ internet.example > $2' \
    'divert(0)dnl'
check "sendmail.cf builds from contrib/sendmail" sm_build
check "sendmail's log captured" sm_syslog_start "$smlog"
check "sendmail starts" mta_start
like "sendmail logs through the captured /dev/log" "$(wait_for 10 grep -q 'starting daemon' "$smlog"; cat "$smlog")" \
    'relay\.test (sendmail|sm-mta)\[[0-9]+\]: starting daemon'

metrics() { curl -s --max-time 10 "http://127.0.0.1:$mport/metrics"; }
value() { metrics | awk -v s="$1" '$1 == s { print $2 }'; }
net() { mta_send "$1" "$2" --local-interface 127.0.0.2 "${@:3}" 2>&1; }
po() { mta_send "$@" 2>&1; }
qid() { printf '%s\n' "$1" | sed -n 's/.*250 2\.0\.0 \([0-9A-Za-z]*\) Message accepted.*/\1/p'; }
files() { find "$store/$1" -type f 2>/dev/null | wc -l; }

for i in 1 2 3; do net someone@internet.example john.smith@sales.example.com --header "Subject: sm-mbx-$i" >/dev/null; done
alias_qids=
for i in 1 2; do alias_qids="$alias_qids $(qid "$(net someone@internet.example js@sales.example.com --header "Subject: sm-alias-$i")")"; done
for i in 1 2 3; do net other@internet.example anna@legacy.example.net --header "Subject: sm-bag-$i" >/dev/null; done
out=$(net someone@internet.example nobody@sales.example.com --quit-after RCPT)
like "unknown mailbox refused at RCPT" "$out" '<\*\* 550 5\.1\.1 <nobody@sales\.example\.com>'
oq=$(qid "$(po jsmith@sales.po friend@internet.example --header "From: jsmith@sales.po" --header "Subject: sm-out")")
po temp@sales.po friend@internet.example --quit-after RCPT >/dev/null
set -- $alias_qids
aq=$1
check "a queue id for the aliased message ($aq) and the outbound one ($oq)" test -n "$aq" -a -n "$oq"
delivered() { [ "$(files sales/mailboxes/jsmith/new)" = 5 ] && [ "$(files legacy/mailbag/new)" = 3 ] &&
    grep -rqs sm-out "$sink"; }
check "everything delivered" wait_for 60 delivered
check "sendmail's queue empties" mta_wait_queue_empty 60

is "recipients: sales accepted 5" "$(value 'pogate_milter_recipients_total{postoffice="sales",verdict="accept"}')" 5
is "recipients: sales unknown 1" "$(value 'pogate_milter_recipients_total{postoffice="sales",verdict="unknown"}')" 1
is "recipients: legacy accepted 3" "$(value 'pogate_milter_recipients_total{postoffice="legacy",verdict="accept"}')" 3
is "outbound: sales accepted 1" "$(value 'pogate_milter_outbound_messages_total{postoffice="sales",verdict="accept"}')" 1
is "outbound: sales refused 1" "$(value 'pogate_milter_outbound_messages_total{postoffice="sales",verdict="reject"}')" 1
is "deliveries: sales 5, the Maildir's files" "$(value 'pogate_deliveries_total{postoffice="sales",status="delivered"}')" \
    "$(files sales/mailboxes/jsmith/new)"
is "deliveries: legacy 3, the mailbag's files" "$(value 'pogate_deliveries_total{postoffice="legacy",status="delivered"}')" \
    "$(files legacy/mailbag/new)"
is "connections: 11 accepted" "$(value 'pogate_milter_connections_total{verdict="accept"}')" 11

track() { "$TRACK" -c "$conf" -f "$log" -f "$smlog" "$@"; }
blocks() { grep -c '^[0-9A-Za-z]\{6,\}  [0-9]'; }
out=$(track "$aq")
like "track by sendmail's queue id" "$out" "^$aq  [0-9-]+ [0-9:]+ [-+0-9]+  delivered"
like "... sendmail's from= line: the client and the message-id" "$out" "client +.*127\.0\.0\.2"
like "... the address as sent, its mailbox, the rewrite" "$out" \
    "to +<js@sales\.example\.com> -> sales/jsmith <john\.smith@sales\.example\.com>"
like "... the agent's status and sendmail's" "$out" "mta: sent 2\.0\.0 relay="
path=$(printf '%s\n' "$out" | sed -n 's|^ *\(/.*/new/[^ ]*\)$|\1|p')
check "... the stored file ($path)" test -f "$path"
is "track by the address before rewriting: 2" "$(track js@sales.example.com | blocks)" 2
is "track by the address after rewriting: 5 inbound and the outbound one" "$(track john.smith@sales.example.com | blocks)" 6
is "track po=legacy: 3" "$(track po=legacy | blocks)" 3
like "track the unknown mailbox: sendmail's queue id, refused at RCPT" "$(track nobody@sales.example.com)" \
    "refused +RCPT: 550 5\.1\.1 <nobody@sales\.example\.com>"
like "track the outbound message: sender rewritten, sent to the Internet" "$(track "$oq")" \
    "from +<jsmith@sales\.po> -> <john\.smith@sales\.example\.com>"

# A store error holds legacy's mail in sendmail's queue.
cat >"$TESTTMP/mailq" <<SH
#!/bin/bash
SM_DIR=$SM_DIR SM_HOSTNAME=$SM_HOSTNAME
. "$SRCDIR/tests/lib/sendmail.sh"
sm_run -bp
SH
chmod 755 "$TESTTMP/mailq"
mode=$(stat -c %a "$store/legacy/mailbag")
chmod 000 "$store/legacy/mailbag"
for i in 1 2; do net other@internet.example anna@legacy.example.net --header "Subject: sm-held-$i" >/dev/null; done
held() { [ "$(mta_queue_size)" -ge 2 ] && "$TESTTMP/mailq" | grep -c 'Deferred' | grep -q 2; }
check "two messages held in sendmail's queue" wait_for 60 held
out=$("$STAT" -c "$conf" -q "$TESTTMP/mailq")
like "stat: sendmail's queue view: legacy inbound, 2 messages, 2 recipients" "$out" "legacy +inbound +2 +2 "
like "stat: ... the deferral reason, counted" "$out" " +2  Deferred: "
chmod "$mode" "$store/legacy/mailbag"
mta_flush >/dev/null 2>&1
check "released: the queue empties" mta_wait_queue_empty 60
is "stat: legacy's backlog is the mailbag's files" "$("$STAT" -c "$conf" -q true | awk '$1 == "legacy" { print $7 }')" \
    "$(files legacy/mailbag/new)"
is "deliveries: legacy 5 delivered, 2 deferred before" \
    "$(value 'pogate_deliveries_total{postoffice="legacy",status="delivered"}') $(value 'pogate_deliveries_total{postoffice="legacy",status="deferred"}' | awk '{ print ($1 >= 2) }')" "5 1"
out=$(track po=legacy)
is "track po=legacy: 5" "$(printf '%s\n' "$out" | blocks)" 5
like "... a held one shows its deferral, then its delivery" "$out" "mta: sent 2\.0\.0 .*\(2 attempts\)"
done_testing
