#!/bin/bash
# t-lmtp-postfix.sh - pogate-lmtp behind a real private Postfix: the transport
# of the postoffice domains is lmtp:unix:SOCKET, Postfix's own lmtp client
# (user postfix) delivers. One SMTP transaction with several recipients (a
# mailbox through an alias, a catch-all, two recipients of a mailbag
# postoffice, another postoffice, an unknown mailbox, and a mailbox whose store
# is broken) ends as: each good recipient delivered once, the unknown one
# bounced 5.1.1 at RCPT, the broken one deferred 4.x.x while the others stay
# delivered; after the store is repaired a queue flush delivers it, and
# nobody gets a second copy.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/lmtp.sh"
. "$SRCDIR/tests/lib/postfix.sh"

if [ ! -x "$LMTP" ]; then skip "pogate-lmtp not built"; done_testing; fi
if [ "$(id -u)" != 0 ]; then skip "needs root"; done_testing; fi
need postfix postconf postmap swaks ss

conf=$TESTTMP/conf store=$TESTTMP/store log=$TESTTMP/lmtp.log
sock=$TESTTMP/run/lmtp.sock
mkdir -p "$TESTTMP/run" && chmod 755 "$TESTTMP/run"
trap 'lmtp_stop; pf_stop' EXIT
lmtp_conf "$conf" "$store" "socket_group = postfix" || { not_ok "pogate-map compiles the test maps"; done_testing; }
check "pogate-lmtp starts" lmtp_start "$conf" "unix:$sock" "$log"

# A store the server user cannot write: SALES/BROKEN fails at delivery time.
mkdir -p "$store/sales/mailboxes/broken/tmp" "$store/sales/mailboxes/broken/new" "$store/sales/mailboxes/broken/cur"
chown -R pogate "$store/sales" && chown root "$store/sales/mailboxes/broken/tmp" "$store/sales/mailboxes/broken/new"
chmod 500 "$store/sales/mailboxes/broken/tmp" "$store/sales/mailboxes/broken/new"

doms="sales.example.com sales.example.org hr.example.com bag.example.com paused.example.com"
pf_init "$TESTTMP/postfix"
pf_conf "relay_domains = $doms" "relay_recipient_maps =" \
    "transport_maps = inline:{ $(for d in $doms; do printf '%s=lmtp:unix:%s, ' "$d" "$sock"; done) }" \
    "smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination" \
    "lmtp_destination_recipient_limit = 50" "queue_run_delay = 1h" "minimal_backoff_time = 1h"
check "private Postfix starts" pf_start

good="js@sales.example.com whoever@sales.example.org gate@bag.example.com anna@bag.example.com boss@hr.example.com"
out=$(pf_send someone@elsewhere.example "$(echo $good nobody@sales.example.com broken@sales.example.com | tr ' ' ,)" \
      --header "Subject: pogate lmtp postfix test" --header "Message-ID: <pf.1@test>" \
      --body $'line one\n.line starting with a dot\nlast line' 2>&1)
like "Postfix accepted the message" "$out" '<-  250 2\.0\.0 Ok: queued'
qid=$(printf '%s\n' "$out" | sed -n 's/.*250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p')
wait_for 30 bash -c "[ \$(grep -c '$qid: to=.*relay=' '$PF_LOG') -ge 7 ]"
plog=$(grep "$qid: to=" "$PF_LOG")
like "alias js@ delivered over LMTP" "$plog" "to=<js@sales.example.com>.*relay=.*lmtp.sock.*status=sent \(250 2\."
like "catch-all delivered" "$plog" "to=<whoever@sales.example.org>.*status=sent"
like "mailbag recipients delivered" "$plog" "to=<anna@bag.example.com>.*status=sent"
like "second postoffice delivered" "$plog" "to=<boss@hr.example.com>.*status=sent"
like "unknown mailbox bounced 5.1.1" "$plog" "to=<nobody@sales.example.com>.*dsn=5\.1\.1.*status=bounced"
like "broken store deferred with 4.x.x, the others delivered" "$plog" "to=<broken@sales.example.com>.*dsn=4\.[0-9.]*.*status=deferred"
like "pogate-lmtp's log lines carry the Postfix queue id" "$(cat "$log")" "$qid: to=<js@sales\.example\.com>.*status=delivered"
is "exactly the five good recipients sent" \
   "$(grep "$qid: to=" "$PF_LOG" | grep -c 'status=sent')" 5

count() { grep -rl '^Message-ID: <pf.1@test>' "$1" 2>/dev/null | wc -l; }
is "SALES/JSMITH has it once" "$(count "$store/sales/mailboxes/jsmith/new")" 1
is "SALES/INBOX (catch-all) has it once" "$(count "$store/sales/mailboxes/inbox/new")" 1
is "HR/BOSS has it once" "$(count "$store/hr/mailboxes/boss/new")" 1
bag=$(grep -rl '^Message-ID: <pf.1@test>' "$store/bag/mailbag/new" 2>/dev/null)
is "BAG mailbag: one file for the two recipients of the postoffice" "$(printf '%s\n' "$bag" | grep -c .)" 1
like "mailbag envelope names both recipients" "$(cat $bag 2>/dev/null | tr '\n' ' ')" 'gate@bag\.example\.com.*anna@bag\.example\.com|anna@bag\.example\.com.*gate@bag\.example\.com'
f=$(grep -rl '^Message-ID: <pf.1@test>' "$store/sales/mailboxes/jsmith/new" | head -1)
is "body byte for byte (dot line unstuffed end to end)" "$(sed -n '/^$/,$p' "$f" | sed 1d)" $'line one\n.line starting with a dot\nlast line'

# Repair the store and flush the queue: the deferred recipient is delivered, nobody twice.
chown pogate "$store/sales/mailboxes/broken/tmp" "$store/sales/mailboxes/broken/new"
chmod 700 "$store/sales/mailboxes/broken/tmp" "$store/sales/mailboxes/broken/new"
pf_flush
wait_for 30 grep -q "$qid: to=<broken@sales.example.com>.*status=sent" "$PF_LOG"
like "after repair the deferred recipient is delivered" "$(grep "$qid: to=<broken" "$PF_LOG")" "status=sent"
is "BROKEN has it once" "$(count "$store/sales/mailboxes/broken/new")" 1
is "JSMITH still has it once" "$(count "$store/sales/mailboxes/jsmith/new")" 1
done_testing
