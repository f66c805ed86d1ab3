#!/bin/bash
# t-sendmail-native.sh - the private sendmail of tests/lib/sendmail.sh works on
# its own: it starts on loopback under its own host name, refuses to relay
# anywhere, takes one SMTP message for three local recipients and delivers it
# itself (mail.local into the private /var/mail, a file and a program named
# in the alias file, a domain routed by a hash mailertable), takes a second
# message over [::1], and after mta_stop none of its processes is left.
# sendmail is configured with sm_*, driven with mta.sh's API;
# t-postfix-native.sh runs the same checks of that API (mta-checks.sh) on
# Postfix.
. "${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/mta.sh"
. "$SRCDIR/tests/lib/mta-checks.sh"
mta_use sendmail

if [ "$(id -u)" != 0 ]; then skip "needs root"; done_testing; fi
need swaks unshare mount m4 ss ip
if [ ! -x "$SM_BIN/sendmail" ]; then not_ok "no private sendmail in $SM_ROOT (tests/deps.sh unpacks it)"; done_testing; fi
if ! getent passwd "$SM_USER" >/dev/null; then not_ok "no user $SM_USER (tests/deps.sh makes it)"; done_testing; fi

at_exit mta_stop

token=pogate-sm-$$-$RANDOM
out_dir=$TESTTMP/out
mkdir -p "$out_dir"
# Files and programs of the (root-owned) alias file run as $SM_USER.
chown "$SM_USER" "$out_dir"

mta_init "$TESTTMP/sendmail" || { not_ok "mta_init writes the instance"; done_testing; }
ok "mta_init writes the instance (port $MTA_PORT)"
cat >>"$SM_DIR/aliases" <<AL
box: $out_dir/box.mbox
pipe: "|cat >$out_dir/pipe.out"
po: $out_dir/po.mbox
AL
# A routed domain: mailertable (a hash map: this sendmail has no cdb) sends
# po.test to the local mailer as the alias po.
printf 'po.test\tlocal:po\n' | sm_makemap hash "$SM_DIR/mailertable"
check "sm_makemap builds a hash map" test -s "$SM_DIR/mailertable.db"
sm_mc "FEATURE(\`mailertable', \`hash -o $SM_DIR/mailertable')dnl"
check "sm_build makes a .cf" sm_build
like "the .cf names the private queue" "$(grep '^O QueueDirectory' "$SM_DIR/sendmail.cf")" "=$SM_DIR/queue\$"

check "mta_start" mta_start
pids=$(mta_pids)
check "the daemon is running" test -n "$pids"
like "sendmail -bv: a local user goes to mail.local" "$(sm_run -bv pogate@relay.test 2>&1)" \
    'deliverable: mailer local, user pogate'
like "sendmail -bv: a remote recipient is an error" "$(sm_run -bv nobody@example.com 2>&1)" \
    'nothing leaves this test instance'

mta_check_no_relay "a remote recipient is refused at RCPT: nothing leaves"

out=$(mta_send someone@example.org pogate@relay.test,box@relay.test,pipe@relay.test,anyone@po.test \
    --header "Subject: $token" --body "body $token" 2>&1)
like "the message is accepted over 127.0.0.1" "$out" '<-  250 2\.0\.0 .* Message accepted for delivery'

check "the queue drains" mta_wait_queue_empty 30
check "mail.local delivers into the private /var/mail" wait_for 10 grep -qs "body $token" "$SM_DIR/mail/pogate"
check "the alias's file gets the message" wait_for 10 grep -qs "body $token" "$out_dir/box.mbox"
check "the alias's program gets the message" wait_for 10 grep -qs "body $token" "$out_dir/pipe.out"
check "the mailertable's domain is delivered" wait_for 10 grep -qs "body $token" "$out_dir/po.mbox"
msg=$(cat "$SM_DIR/mail/pogate" 2>/dev/null)
like "mailbox: mbox From_ line" "$msg" '^From someone@example\.org '
like "mailbox: Return-Path" "$msg" '^Return-Path: <someone@example\.org>'
like "mailbox: Received header from the 127.0.0.1 session" "$msg" \
    '^Received: from .*\[127\.0\.0\.1\]'
like "mailbox: Received ... by relay.test" "$msg" $'\tby relay\\.test '
like "mailbox: Subject carries the token" "$msg" "^Subject: $token"
is "mailbox belongs to its user" "$(stat -c %U "$SM_DIR/mail/pogate" 2>/dev/null)" pogate
like "alias file: Subject carries the token" "$(cat "$out_dir/box.mbox" 2>/dev/null)" "^Subject: $token"
is "alias file is written as $SM_USER" "$(stat -c %U "$out_dir/box.mbox" 2>/dev/null)" "$SM_USER"
like "alias program: Received header" "$(cat "$out_dir/pipe.out" 2>/dev/null)" '^Received: from '

mta_check_ipv6 "$token" pogate@relay.test "$SM_DIR/mail/pogate" \
    '<-  250 2\.0\.0 .* Message accepted for delivery' '\[IPv6:(::1|0:0:0:0:0:0:0:1)\]'
check "the queue is empty again" mta_wait_queue_empty 30
check "no dead.letter" test ! -e "$SM_DIR/dead.letter"

mta_check_stop "$pids"
done_testing
