#!/bin/bash
# t-demo.sh - the README's first command, contrib/demo/run, on the suite's
# build: it must run without an error, deliver the inbound mail into the
# Maildir and the mailbag, reject the unknown mailbox and the restricted
# sender at RCPT, show the outbound message leaving under its public name, and
# show the metrics, pogate-track and pogate-stat at work.
. "$SRCDIR/tests/lib/tap.sh"

out=$TESTTMP/demo.out
DEMO_BUILDDIR=$BUILDDIR TESTTMP= bash "$SRCDIR/contrib/demo/run" >"$out" 2>&1
status=$?
is "contrib/demo/run exits 0" "$status" 0
like "it says the default spoof=tag gives pogate-milter every client on the native path" "$(cat "$out")" \
    'every client: spoof=tag \(the default\)'
[ "$status" = 0 ] || sed 's/^/# /' "$out"
log=$(cat "$out")
like "inbound to an alias queued" "$log" '250 2\.0\.0 Ok: queued as'
like "alias delivered into the Maildir of sales/jsmith" "$log" 'store/sales/mailboxes/jsmith/new/[^ ]+'
like "the mailbag PO got its message" "$log" 'store/legacy/mailbag/new/[^ ]+'
like "mailbag envelope names the recipient" "$log" 'X-Pogate-Recipient: <anna@legacy\.example\.net> mailbox=anna'
like "unknown mailbox refused at RCPT" "$log" '550 5\.1\.1 <nobody@sales\.example\.com>'
like "restricted mailbox may not send out" "$log" '550 5\.7\.1 <temp@sales\.po>'
like "outbound envelope sender rewritten" "$log" 'X-Mail-Args: <john\.smith@sales\.example\.com>'
like "outbound From: rewritten with display name" "$log" 'From: John Smith <john\.smith@sales\.example\.com>'
like "pogate-lda logged the delivery with the queue id" "$log" 'pogate-lda\[[0-9]+\]: [0-9A-F]+: to=<john\.smith@sales\.example\.com>.*status=delivered'
like "the demo shows pogate-milter's /metrics" "$log" 'pogate_deliveries_total\{postoffice="sales",status="delivered"\} 1'
like "... the outbound refusal counted for its postoffice" "$log" \
    'pogate_milter_outbound_messages_total\{postoffice="sales",verdict="reject"\} 1'
like "pogate-track finds the aliased message by queue id, delivered, with its file" "$log" \
    '\| [0-9A-F]+  [0-9-]+ [0-9:]+ [-+0-9]+  delivered'
like "... the stored file's path" "$log" '\|  +store/sales/mailboxes/jsmith/new/[^ ]+'
like "pogate-track by public address shows the outbound message as rewritten" "$log" \
    '\|   from        <jsmith@sales\.po> -> <john\.smith@sales\.example\.com>'
like "pogate-track po=legacy shows the mailbag delivery" "$log" '\|  +store/legacy/mailbag/new/[^ ]+'
like "pogate-stat shows each postoffice" "$log" '\| legacy +active +legacy\.example\.net +[0-9]+ mailbag'
like "... and Postfix's queue" "$log" 'MTA queue \(postqueue .*\): 0 messages'
check_fail "nothing left in the queue" grep -q 'some mail still queued' "$out"
dir=$(sed -n 's/.*Postoffices (text maps in \(.*\)\/conf).*/\1/p' "$out")
like "the demo names its directory" "$dir" '^/tmp/pogate-demo\.'
check_fail "the demo removed its directory" test -e "$dir"
done_testing
