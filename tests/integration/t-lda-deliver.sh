#!/bin/bash
# t-lda-deliver.sh - pogate-lda run as the user pogate against maps compiled by
# pogate-map: what lands on disk (byte-exact bodies, prepended headers, one
# file per delivery, empty tmp/), exit codes and status lines for every
# outcome, the mailbag envelope, the tracking log, and pogate-stat counting a
# downstream postoffice's quota as the delivery does.
. "$(dirname "$0")/../lib/tap.sh"
. "$SRCDIR/tests/lib/lda.sh"

[ -x "$LDA" ] || { echo "1..0 # skip pogate-lda not built"; exit 0; }
chmod 755 "$TESTTMP"
C=$TESTTMP/conf S=$TESTTMP/store
lda_conf "$C" "$S" || { not_ok "config"; done_testing; exit 1; }
C2=$TESTTMP/conf-bounce
lda_conf "$C2" "$S" "quota_action = bounce"

M=$TESTTMP/msg
printf 'From: Alice <alice@example.org>\nTo: john.smith@sales.example.com\nSubject: test\n\nline 1\n.\n\nFrom the body\nno newline at the end' >"$M"

# 1. One recipient: 0, one file, headers prepended, body byte-exact.
lda_run "$C" -q 4ABC123 -f alice@example.org -- john.smith@sales.example.com <"$M"
is "delivered: exit 0" "$LDA_RC" 0
is "delivered: status line" "$LDA_OUT" "2.0.0 delivered to 1 recipient"
F=$(lda_files "$S" sales/mailboxes/jsmith/new)
is "one file in new/" "$(echo "$F" | grep -c .)" 1
is "first lines: Return-Path, Delivered-To" "$(head -2 "$F")" "$(printf 'Return-Path: <alice@example.org>\nDelivered-To: john.smith@sales.example.com')"
check "body byte-exact after the two lines" cmp -s <(tail -c +"$(( $(head -2 "$F" | wc -c) + 1 ))" "$F") "$M"
is "tmp/ empty" "$(lda_files "$S" sales/mailboxes/jsmith/tmp)" ""
check "cur/ exists" test -d "$S/sales/mailboxes/jsmith/cur"
is "file owned by pogate, mode 600" "$(stat -c '%U %a' "$F")" "pogate 600"
like "name carries ,S=size" "$F" ",S=$(stat -c %s "$F")\$"
like "tracking log: queue id, from, to, po/mailbox, size, path, result" "$(cat "$C/lda.log")" \
    "4ABC123: to=<john.smith@sales.example.com>, from=<alice@example.org>, po=sales, mailbox=jsmith, size=$(stat -c %s "$M"), path=$S/sales/mailboxes/jsmith/new/.*status=delivered"

# 2. Aliases, catch-all, postmaster, case.
lda_run "$C" -f alice@example.org -- JS@Sales.Example.COM <"$M"
is "alias js@: 0" "$LDA_RC" 0
is "alias js@: second file for jsmith" "$(lda_files "$S" sales/mailboxes/jsmith/new | grep -c .)" 2
lda_run "$C" -f alice@example.org -- anyone@sales.example.org <"$M"
is "catch-all @sales.example.org: 0" "$LDA_RC" 0
is "catch-all: in inbox" "$(lda_files "$S" sales/mailboxes/inbox/new | grep -c .)" 1
lda_run "$C" -f '' -- postmaster@sales.example.com <"$M"
is "postmaster@, null sender: 0" "$LDA_RC" 0
is "null sender: Return-Path <>" "$(head -1 "$(lda_files "$S" sales/mailboxes/admin/new)")" "Return-Path: <>"

# 3. Unknown mailbox, foreign domain, paused PO.
lda_run "$C" -f alice@example.org -- nobody@sales.example.com <"$M"
is "unknown mailbox: 67" "$LDA_RC" 67
like "unknown mailbox: 5.1.1" "$LDA_OUT" "^5\.1\.1 <nobody@sales.example.com>: no such mailbox$"
lda_run "$C" -f alice@example.org -- someone@elsewhere.example <"$M"
is "not a PO domain: 75" "$LDA_RC" 75
like "not a PO domain: 4.3.5" "$LDA_OUT" "^4\.3\.5 "
lda_run "$C" -f alice@example.org -- admin@paused.example.com <"$M"
is "paused PO: 75" "$LDA_RC" 75
is "paused PO: 4.2.1 line" "$LDA_OUT" "4.2.1 postoffice paused paused"
is "paused PO: nothing stored" "$(lda_files "$S" paused)" ""

# 4. Several recipients in one PO: one write, hard links, no Delivered-To.
lda_run "$C" -f alice@example.org -- admin@sales.example.com inbox@sales.example.com <"$M"
is "two recipients: 0" "$LDA_RC" 0
A=$(lda_files "$S" sales/mailboxes/admin/new | tail -1) I=$(ls -t "$S"/sales/mailboxes/inbox/new/* | head -1)
is "two recipients: one inode, two links" "$(stat -c '%i %h' "$A")" "$(stat -c '%i' "$I") 2"
check "two recipients: no Delivered-To" bash -c "! grep -q '^Delivered-To:' '$A'"

# 5. Mixed results with several recipients: nothing delivered, 75.
before=$(lda_files "$S" sales | grep -c .)
lda_run "$C" -f alice@example.org -- admin@sales.example.com nobody@sales.example.com <"$M"
is "good + unknown: 75" "$LDA_RC" 75
like "good + unknown: 4.3.5 naming the cause" "$LDA_OUT" "^4\.3\.5 5\.1\.1 <nobody@sales.example.com>"
is "good + unknown: nothing delivered" "$(lda_files "$S" sales | grep -c .)" "$before"

# 6. Mailbag and via=HUB.
lda_run "$C" -q QB1 -f alice@example.org -- anna@bag.example.com gate@bag.example.com <"$M"
is "mailbag: 0" "$LDA_RC" 0
B=$(lda_files "$S" bag/mailbag/new)
is "mailbag: one file for two recipients" "$(echo "$B" | grep -c .)" 1
is "mailbag: envelope block, then an empty line" "$(head -7 "$B"; echo .)" "X-Pogate-Envelope: 1
X-Pogate-Sender: <alice@example.org>
X-Pogate-Postoffice: bag
X-Pogate-Recipient: <anna@bag.example.com> mailbox=anna
X-Pogate-Recipient: <gate@bag.example.com> mailbox=gate
X-Pogate-Queue-Id: QB1

."
check "mailbag: message byte-exact after envelope and Return-Path" cmp -s <(tail -c +"$(( $(head -8 "$B" | wc -c) + 1 ))" "$B") "$M"
lda_run "$C" -f alice@example.org -- clerk@down.example.com <"$M"
is "via=BAG: 0" "$LDA_RC" 0
D=$(grep -l "X-Pogate-Postoffice: down" "$S"/bag/mailbag/new/*)
is "via=BAG: a second file in the hub's mailbag" "$(lda_files "$S" bag/mailbag/new | grep -c .)" 2
like "via=BAG: envelope names the downstream PO and recipient" "$(cat "$D")" "X-Pogate-Recipient: <clerk@down.example.com> mailbox=clerk"
is "via=BAG: nothing under the downstream PO" "$(lda_files "$S" down)" ""

# 7. Loop, size, quota.
{ printf 'Delivered-To: John.Smith@sales.example.com\n'; cat "$M"; } >"$TESTTMP/loop"
lda_run "$C" -f alice@example.org -- js@sales.example.com <"$TESTTMP/loop"
is "loop: 69" "$LDA_RC" 69
like "loop: 5.4.6" "$LDA_OUT" "^5\.4\.6 "
head -c 1200000 /dev/zero | tr '\0' 'x' | fold -w 100 >"$TESTTMP/big"
lda_run "$C" -f alice@example.org -- john.smith@sales.example.com <"$TESTTMP/big"
is "over maxsize=1M: 69" "$LDA_RC" 69
like "over maxsize: 5.3.4" "$LDA_OUT" "^5\.3\.4 "
head -c 700 /dev/zero | tr '\0' 'y' >"$TESTTMP/700"
lda_run "$C" -f alice@example.org -- tiny@sales.example.com <"$TESTTMP/700"
is "mailbox quota 1k, first 700 bytes: 0" "$LDA_RC" 0
lda_run "$C" -f alice@example.org -- tiny@sales.example.com <"$TESTTMP/700"
is "mailbox quota exceeded, quota_action=defer: 75" "$LDA_RC" 75
like "mailbox quota: 4.2.2" "$LDA_OUT" "^4\.2\.2 "
lda_run "$C2" -f alice@example.org -- tiny@sales.example.com <"$TESTTMP/700"
is "mailbox quota exceeded, quota_action=bounce: 69" "$LDA_RC" 69
like "bounce: 5.2.2" "$LDA_OUT" "^5\.2\.2 "
is "quota: one file in tiny" "$(lda_files "$S" sales/mailboxes/tiny/new | grep -c .)" 1
for i in 1 2; do lda_run "$C" -f alice@example.org -- admin@small.example.com <"$TESTTMP/700"; done
lda_run "$C" -f alice@example.org -- bob@small.example.com <"$TESTTMP/700"
like "PO quota 2k counts every mailbox: third message deferred" "$LDA_RC $LDA_OUT" "^75 4\.2\.2 .*postoffice small full"
# A downstream postoffice's quota is its own: the hub's bag holds more than
# DOWNQ's 2k (the hub's and DOWN's files), yet DOWNQ takes its first two
# messages; its third would pass 2k of its own files.
head -c 3000 /dev/zero | tr '\0' 'h' >"$TESTTMP/3000"
lda_run "$C" -f alice@example.org -- anna@bag.example.com <"$TESTTMP/3000"
bagbytes=$(cat "$S"/bag/mailbag/new/* | wc -c)
check "the hub's bag holds more than 2k ($bagbytes bytes)" test "$bagbytes" -gt 2048
for i in 1 2; do
    lda_run "$C" -f alice@example.org -- clerk@downq.example.com <"$TESTTMP/700"
    is "via=BAG quota=2k, message $i of 700 bytes: delivered (the hub's files are not its own)" "$LDA_RC" 0
done
lda_run "$C" -f alice@example.org -- clerk@downq.example.com <"$TESTTMP/700"
like "... the third: deferred, its own files full" "$LDA_RC $LDA_OUT" "^75 4\.2\.2 .*postoffice downq full"
is "... two files name downq in the hub's bag" "$(grep -l '^X-Pogate-Postoffice: downq$' "$S"/bag/mailbag/new/* | wc -l)" 2
# pogate-stat counts the same: DOWNQ's own files (by the ,S= of their names,
# each its file's size), the hub's every file.
if [ -x "$BUILDDIR/maps/pogate-stat" ]; then
    json=$("$BUILDDIR/maps/pogate-stat" -c "$C" -q true --json 2>/dev/null)
    used() { python3 -c 'import json,sys; print([p for p in json.loads(sys.argv[1])["postoffices"] if p["name"]==sys.argv[2]][0]["used_bytes"])' "$json" "$1"; }
    is "pogate-stat: downq's used bytes are its two files in the hub's bag" "$(used downq)" \
        "$(cat $(grep -l '^X-Pogate-Postoffice: downq$' "$S"/bag/mailbag/new/*) | wc -c)"
    is "pogate-stat: the hub's, every file of its bag" "$(used bag)" "$(cat "$S"/bag/mailbag/new/* | wc -c)"
fi
lda_run "$C" -f alice@example.org -- anna@bag.example.com <"$TESTTMP/700"
is "the hub (no quota) still takes mail" "$LDA_RC" 0

# 8. Bad sender and recipient syntax.
lda_run "$C" -f "$(printf 'a\nb@x')" -- john.smith@sales.example.com <"$M"
is "sender with a line break: 69 5.1.7" "$LDA_RC ${LDA_OUT%% *}" "69 5.1.7"
lda_run "$C" -f alice@example.org -- "$(printf 'x\r@sales.example.com')" <"$M"
is "recipient with CR: 69 5.1.3" "$LDA_RC ${LDA_OUT%% *}" "69 5.1.3"
is "nothing in any tmp/" "$(find "$S" -path "$S/*/tmp/*" -type f)" ""

# 9. Exactly once across MTA retries: pogate-lda killed after its link, before
# its exit, and run again by the MTA with the same queue id and message. The
# name comes from the queue id and the date of the MTA's Received header.
O=$TESTTMP/once
{ printf 'Received: from c (c [192.0.2.7])\n\tby relay.example (Postfix) with ESMTP id 4ONCE1\n'
  printf '\tfor <john.smith@sales.example.com>; Wed, 25 Nov 2026 10:57:09 +0000 (UTC)\n'; cat "$M"; } >"$O"
count() { lda_files "$S" "$1" | grep -c .; }
js=$(count sales/mailboxes/jsmith/new) bag=$(count bag/mailbag/new)
for try in first retry; do
    lda_run "$C" -q 4ONCE1 -f alice@example.org -- john.smith@sales.example.com <"$O"
    is "exactly once, $try attempt: 0, delivered" "$LDA_RC $LDA_OUT" "0 2.0.0 delivered to 1 recipient"
done
is "exactly once: one file in new/" "$(( $(count sales/mailboxes/jsmith/new) - js ))" 1
is "exactly once: named TIME.QQUEUEID_HASH.HOST,S=SIZE, TIME from the Received date" \
    "$(lda_files "$S" sales/mailboxes/jsmith/new | grep -cE '/1795604229\.Q4ONCE1_[0-9a-f]{16}\.[^/]+,S=[0-9]+$')" 1
like "exactly once: the retry logged the file as already there" "$(cat "$C/lda.log")" \
    "4ONCE1: sales/jsmith: 1795604229\.Q4ONCE1_.* already in new/ \(an earlier attempt delivered it\)"
like "exactly once: tracking line of the retry" "$(cat "$C/lda.log")" \
    "4ONCE1: to=<john.smith@sales.example.com>.*status=delivered \(2\.0\.0 delivered to sales/jsmith \(already there"
for try in first retry; do
    lda_run "$C" -q 4ONCE1 -f alice@example.org -- anna@bag.example.com gate@bag.example.com <"$O"
    is "exactly once, mailbag, $try attempt: 0" "$LDA_RC" 0
done
is "exactly once: one mailbag file" "$(( $(count bag/mailbag/new) - bag ))" 1
like "exactly once: the mailbag retry logged" "$(cat "$C/lda.log")" "4ONCE1: bag/mailbag: .* already in new/"
js=$(count sales/mailboxes/jsmith/new)
for try in first retry; do lda_run "$C" -f alice@example.org -- john.smith@sales.example.com <"$O"; done
is "no queue id: at-least-once, the retry stores a second copy" "$(( $(count sales/mailboxes/jsmith/new) - js ))" 2
like "no queue id: logged" "$(cat "$C/lda.log")" "second copy \(no queue id\)"
lda_run "$C" -q 4OTHER -f alice@example.org -- john.smith@sales.example.com <"$O"
like "no Received header naming the queue id: logged" "$(cat "$C/lda.log")" \
    "4OTHER: unique file names: .* \(no Received header names id 4OTHER\)"

done_testing
