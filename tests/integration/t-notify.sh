#!/bin/bash
# t-notify.sh - pogate-notify through a real Postfix: the notices are
# submitted with Postfix's own sendmail(1) (sendmail_path, -C of a private
# instance), routed like any mail: the admin's copy to the Internet (an
# smtp-sink), the postmaster's copy through the pogate transport into the
# postoffice's store. Postoffices: contrib/demo/conf (SALES, Maildir;
# LEGACY, mailbag).
# Checked: one condition (LEGACY's mailbag not drained for 3 h) gives one
# notice to postmaster@ and notify_admin with RFC 3834's Auto-Submitted, a
# Message-ID, Date, the facts and the command; a second run sends nothing;
# a stopped postoffice (its first sighting in the state file 5 h ago), quota
# use over notify_quota_percent and maps that failed to compile
# (CONFDIR/build-failed, which pogate-map leaves and removes) each give one
# notice, once; a corrupt state file and one of another version are a
# warning and a fresh start (one notice per condition, no more); a
# condition gone leaves the state file; mail in the MTA queue and mail held
# (postsuper -h, with its record under hold_dir) give their notices, a
# record of mail no longer held none; -n prints and sends nothing; a state
# file that cannot be read sends nothing (exit 75); a bad parameter is
# refused with its file and line; a second run while one holds the lock
# does nothing.
. "${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/mta.sh"
. "$SRCDIR/tests/lib/e2e.sh"
mta_use postfix
LDA=$BUILDDIR/lda/pogate-lda NOTIFY=$BUILDDIR/maps/pogate-notify POGATE_MAP=$BUILDDIR/maps/pogate-map
POGATE_PO=$BUILDDIR/maps/pogate-po
if [ "$(id -u)" != 0 ] || [ ! -x /usr/sbin/smtp-sink ] || [ ! -x /usr/sbin/sendmail ]; then
    skip "needs root, Postfix's sendmail and smtp-sink"; done_testing
fi
need flock
for p in "$LDA" "$POGATE_MAP" "$POGATE_PO" "$NOTIFY"; do
    [ -x "$p" ] || { skip "$p not built"; done_testing; }
done

conf=$TESTTMP/conf store=$TESTTMP/store run=$TESTTMP/run sink=$TESTTMP/sink hold=$TESTTMP/hold
log=$TESTTMP/pogate.log state=$TESTTMP/notify.state
sink_port=$(free_port)
stop_all() { mta_stop; e2e_sink_stop; }
at_exit stop_all

mta_init "$TESTTMP/postfix" || { not_ok "mta_init"; done_testing; }
mkdir -p "$hold"
e2e_conf "$conf" "$store" "$run" "$log" "hold_dir = $hold
mta = postfix
mta_config = $PF_DIR/etc
sendmail_path = /usr/sbin/sendmail
notify_admin = hostmaster@internet.example
notify_from = pogate@relay.test
notify_state_file = $state
notify_queue_after = 1h"
check "pogate-map compiles the demo maps" "$POGATE_MAP" -c "$conf"
check "the Internet sink listens" e2e_sink_start "$sink" "$sink_port"
sed -e "s|/etc/pogate|$conf|g" -e '/^smtpd_milters/d' -e '/^non_smtpd_milters/d' "$SRCDIR/contrib/postfix/main.cf" >>"$PF_DIR/etc/main.cf"
sed -e "s|/usr/sbin/pogate-lda|$LDA|g" -e "s|/etc/pogate|$conf|g" -e '/^submission/,/^[^ ]/{/^submission/d;/^ /d}' \
    "$SRCDIR/contrib/postfix/master.cf" >>"$PF_DIR/etc/master.cf"
pf_conf "default_transport = smtp:[127.0.0.1]:$sink_port" "relay_transport = smtp:[127.0.0.1]:$sink_port"
check "postfix starts" mta_start

notify() { "$NOTIFY" -c "$conf" -v "$@" 2>"$TESTTMP/notify.err"; }
# The notices at the sink: all, or those of one condition (X-Pogate-Notice).
at_sink() { grep -lrx -- "X-Pogate-Notice: ${1:-.*}" "$sink" 2>/dev/null | wc -l; }
sink_has() { [ "$(at_sink "$1")" -ge "$2" ]; }
# Deliver what Postfix holds now, then wait until only what it must keep is left.
settle() { pf_flush; wait_for 20 bash -c "[ \$(find '$PF_DIR/queue/incoming' '$PF_DIR/queue/active' '$PF_DIR/queue/maildrop' -type f | wc -l) -eq 0 ]"; }
bag=$store/legacy/mailbag/new
mkdir -p "$bag"
printf 'X-Pogate-Envelope: 1\n\nSubject: waiting\n\nold\n' >"$bag/1796300000.Qold.relay,S=44"
touch -d '3 hours ago' "$bag/1796300000.Qold.relay,S=44"
chown -R pogate "$store"

# --- one condition: one notice, then none
out=$(notify); rc=$?
is "first run: exit 0" "$rc" 0
is "... one notice sent" "$out" "1 notice sent, 0 noticed within notify_interval"
is "... standard error: what was sent" "$(cat "$TESTTMP/notify.err")" \
    "pogate-notify: notice backlog:legacy sent to postmaster@legacy.example.net and hostmaster@internet.example"
check "... it reaches notify_admin (the Internet)" wait_for 20 sink_has "backlog:legacy" 1
f=$(grep -lrx -- "X-Pogate-Notice: backlog:legacy" "$sink" | head -n 1)
hdr=$(sed -n '1,/^$/p' "$f")
diag "the notice's headers, as the sink received them:"
while IFS= read -r l; do diag "  $l"; done <<<"$hdr"
like "... Auto-Submitted: auto-generated (RFC 3834)" "$hdr" '^Auto-Submitted: auto-generated$'
like "... a Message-ID" "$hdr" '^Message-ID: <[0-9]+\.[0-9]+\.[0-9]+\.notify@[^>]+>$'
like "... a Date" "$hdr" '^Date: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} 20[0-9]{2} [0-9:]{8} \+0000$'
like "... From: notify_from" "$hdr" '^From: pogate-notify <pogate@relay\.test>$'
like "... To: the postmaster and notify_admin" "$(grep -A1 '^To:' <<<"$hdr")" \
    'postmaster@legacy\.example\.net>,'
like "... Subject says what" "$hdr" '^Subject: pogate: mailbag of legacy not drained for 3h 0m$'
like "... the null envelope sender" "$hdr" '^X-Mail-Args: <>( |$)'
body=$(sed '1,/^$/d' "$f")
like "... the facts" "$body" "holds 1 message \\(44 bytes\\)"
like "... the command" "$body" "pogate-stat -c $conf"
check "... the postmaster's copy lands in the postoffice's mailbag" \
    wait_for 20 bash -c "grep -lqx 'X-Pogate-Notice: backlog:legacy' '$bag'/*"
like "... the state file holds the condition" "$(cat "$state")" '^backlog:legacy [0-9]+ [0-9]+$'
out=$(notify); rc=$?
is "second run: nothing new" "$rc:$out" "0:0 notices sent, 1 noticed within notify_interval"
settle
is "... nothing more at the sink" "$(at_sink)" 1

# --- more conditions: each once
"$POGATE_PO" -c "$conf" pause sales outbound >/dev/null
# A run saw it stopped 5 hours ago: the state file as pogate-notify writes it.
sed -i "\$a paused:sales $(($(date +%s) - 5 * 3600)) 0" "$state"
# 91.6 % of 1M: the notices that follow still fit.
sed -i 's/^SALES .*/& quota=1M/' "$conf/postoffices"
check "quota=1M for SALES compiles" "$POGATE_MAP" -c "$conf"
mkdir -p "$store/sales/mailboxes/admin/cur"
head -c 960000 /dev/zero >"$store/sales/mailboxes/admin/cur/1.big,S=960000"
chown -R pogate "$store"
index_before=$(stat -c '%i %Y' "$conf/index.cdb")
echo 'broken' >>"$conf/aliases"
check_fail "a broken alias: pogate-map fails" bash -c "'$POGATE_MAP' -c '$conf' 2>/dev/null"
is "... the compiled index stays the old one" "$(stat -c '%i %Y' "$conf/index.cdb")" "$index_before"
like "... and leaves build-failed with its error" "$(cat "$conf/build-failed" 2>/dev/null)" \
    "aliases:[0-9]+: expected \"key value\""
dry=$("$NOTIFY" -c "$conf" -n)
like "-n prints the notices" "$dry" "^X-Pogate-Notice: quota:sales$"
is "... and sends nothing" "$(at_sink)" 1
out=$(notify)
is "third run: three new notices" "$out" "3 notices sent, 1 noticed within notify_interval"
check "... they reach the sink" wait_for 20 sink_has ".*" 4
for k in paused:sales quota:sales maps; do is "... one $k" "$(at_sink "$k")" 1; done
f=$(grep -lrx -- "X-Pogate-Notice: paused:sales" "$sink" | head -n 1)
like "paused: the subject" "$(grep '^Subject:' "$f")" "postoffice sales inbound-only for 5h 0m"
like "... the command that fixes it" "$(cat "$f")" "pogate-po -c $conf resume sales"
f=$(grep -lrx -- "X-Pogate-Notice: quota:sales" "$sink" | head -n 1)
like "quota: the share" "$(grep '^Subject:' "$f")" "postoffice sales at 9[0-9]% of its quota"
f=$(grep -lrx -- "X-Pogate-Notice: maps" "$sink" | head -n 1)
like "maps: to notify_admin alone" "$(grep -A1 '^To:' "$f")" '^To: <hostmaster@internet\.example>$'
like "... with the error line" "$(cat "$f")" "aliases:[0-9]+: expected \"key value\", found no value \\(broken\\)"
check "... the postmaster's copies land in the store" \
    wait_for 20 bash -c "grep -lqx 'X-Pogate-Notice: quota:sales' '$store'/sales/mailboxes/admin/new/*"
out=$(notify)
is "fourth run: nothing new" "$out" "0 notices sent, 4 noticed within notify_interval"

# --- bad state files: a warning and a fresh start, never a flood
printf 'garbage\n\001\002' >"$state"
out=$(notify); rc=$?
is "corrupt state: exit 0" "$rc" 0
like "... a warning naming the file and line" "$(cat "$TESTTMP/notify.err")" \
    "warning: $state:1: not a pogate-notify state file \\(garbage\\): starting afresh"
is "... one notice per condition older than its limit" "$out" "3 notices sent, 0 noticed within notify_interval"
out=$(notify)
is "... then nothing" "$out" "0 notices sent, 3 noticed within notify_interval"
sed -i '1s/.*/pogate-notify state 2/' "$state"
out=$(notify)
like "state of another version: a warning" "$(cat "$TESTTMP/notify.err")" \
    "warning: $state:1: a state file of another version, this pogate-notify writes 1"
is "... a fresh start" "$out" "3 notices sent, 0 noticed within notify_interval"
settle
for k in backlog:legacy quota:sales maps; do is "... $k three times in all (first, corrupt, version)" "$(at_sink "$k")" 3; done

# --- a condition gone leaves the state
sed -i '$d' "$conf/aliases"
check "the alias fixed: pogate-map compiles" "$POGATE_MAP" -c "$conf"
check "... and removes build-failed" test ! -e "$conf/build-failed"
notify >/dev/null
check "... the next run drops maps from the state" bash -c "! grep -q '^maps ' '$state'"

# --- the MTA's queue, and held mail
pf_conf "defer_transports = pogate"
pf_reload
sed -i 's/^notify_queue_after = .*/notify_queue_after = 2s/' "$conf/pogate.conf"
printf 'Subject: waits\n\nin the queue\n' | /usr/sbin/sendmail -C "$PF_DIR/etc" -f someone@internet.example john.smith@sales.example.com
printf 'Subject: held\n\nheld by hand\n' | /usr/sbin/sendmail -C "$PF_DIR/etc" -f someone@internet.example gate@legacy.example.net
check "two messages queued" wait_for 20 bash -c "[ \$(postqueue -c '$PF_DIR/etc' -j | grep -c .) -ge 2 ]"
qid=$(postqueue -c "$PF_DIR/etc" -j | grep 'gate@legacy' | sed -n 's/.*"queue_id": "\([0-9A-Za-z]*\)".*/\1/p')
postsuper -c "$PF_DIR/etc" -h "$qid" >/dev/null 2>&1
mkdir -p "$hold/legacy" && touch -d '5 hours ago' "$hold/legacy/$qid" "$hold/legacy/GONE123"
sleep 2
out=$(notify)
like "queue and held: their notices" "$out" "^2 notices sent"
check "... at the sink" wait_for 20 sink_has "held:legacy" 1
check "... and queue:sales" wait_for 20 sink_has "queue:sales" 1
f=$(grep -lrx -- "X-Pogate-Notice: held:legacy" "$sink" | head -n 1)
like "held: one message (the record of mail no longer held is not counted)" "$(grep '^Subject:' "$f")" \
    "1 outbound message of legacy held for 5h 0m"
like "... the command that releases it" "$(cat "$f")" "pogate-po -c $conf resume legacy outbound"
f=$(grep -lrx -- "X-Pogate-Notice: queue:sales" "$sink" | head -n 1)
like "queue: the oldest's queue id" "$(cat "$f")" "\\(queue id [0-9A-Za-z]+\\)"

# --- one run at a time; quiet without -v
flock "$state.lock" bash -c "'$NOTIFY' -c '$conf' -v >'$TESTTMP/locked.out' 2>&1"; rc=$?
is "a second run while one holds the lock: exit 0" "$rc" 0
like "... does nothing, and says so" "$(cat "$TESTTMP/locked.out")" "another pogate-notify is running: this one does nothing"
is "without -v: nothing on standard output (cron mails only what matters)" "$("$NOTIFY" -c "$conf" 2>/dev/null)" ""

# --- a state file that cannot be read, a bad parameter
mv "$state" "$state.saved" && mkdir "$state"
settle
n=$(at_sink)
out=$(notify); rc=$?
is "state file unreadable (a directory): exit 75" "$rc" 75
like "... says why" "$(cat "$TESTTMP/notify.err")" "notify\\.state: cannot read: Is a directory$"
like "... and that nothing is sent" "$(cat "$TESTTMP/notify.err")" "notify\\.state: nothing sent: without it every run would send again$"
settle
is "... and sends nothing (it would not know what it sent)" "$(at_sink)" "$n"
rmdir "$state" && mv "$state.saved" "$state"

# --- a file-only postoffice's outbag: what pogate-pickup set aside in bad/
sed -i 's/^LEGACY .*/& pickup=yes/' "$conf/postoffices"
check "pickup=yes for LEGACY compiles" "$POGATE_MAP" -c "$conf"
mkdir -p "$store/legacy/outbag/bad"
printf 'X-Pogate-Sender: <anna@legacy.example.net>\n\nSubject: out\n\nhi\n' >"$store/legacy/outbag/bad/1796300100.out1"
printf 'sendmail exited 67 (EX_NOUSER): 550 5.1.1 <nobody@internet.example>: unknown\n' \
    >"$store/legacy/outbag/bad/1796300100.out1.reason"
touch -d '20 minutes ago' "$store/legacy/outbag/bad/1796300100.out1"
chown -R pogate "$store"
settle
n=$(at_sink)
out=$(notify)
like "a file set aside in an outbag's bad/: noticed at once" "$out" "^1 notice sent"
check "... at the sink" wait_for 20 sink_has "pickup:legacy" 1
f=$(grep -lrx -- "X-Pogate-Notice: pickup:legacy" "$sink" | head -n 1)
like "... the subject" "$(grep '^Subject:' "$f")" "1 outgoing file of legacy set aside, not sent"
like "... the file's reason" "$(cat "$f")" "1796300100\.out1: sendmail exited 67 \(EX_NOUSER\): 550 5\.1\.1"
like "... the command that puts it back" "$(cat "$f")" "mv $store/legacy/outbag/bad/NAME $store/legacy/outbag/new/"
notify >/dev/null
settle
is "... once per notify_interval" "$(at_sink "pickup:legacy")" 1
echo "notify_interval = soon" >>"$conf/pogate.conf"
out=$(notify); rc=$?
is "a bad notify_interval: exit 1" "$rc" 1
like "... FILE:LINE: what (value)" "$(cat "$TESTTMP/notify.err")" "pogate\\.conf:[0-9]+: bad time.*\\(notify_interval = soon\\)"
done_testing
