#!/bin/bash
# t-postfix-native.sh - the private Postfix of tests/lib/postfix.sh works on
# its own: it starts on loopback, refuses to relay anywhere, takes one SMTP
# message for three recipients and delivers it with its own agents (virtual(8)
# into a Maildir, local(8) through an alias into a file, and a relay domain
# that a hash transport map sends to local(8)), takes a second message over
# [::1], and after mta_stop none of its processes is left. Postfix is
# configured with pf_*, driven with mta.sh's API; t-sendmail-native.sh runs
# the same checks of that API (mta-checks.sh) on sendmail.
. "${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/mta.sh"
. "$SRCDIR/tests/lib/mta-checks.sh"
mta_use postfix

if [ "$(id -u)" != 0 ]; then skip "needs root"; done_testing; fi
need postfix postconf postmap postqueue swaks ss ip
if ! getent passwd pogate >/dev/null; then not_ok "no user pogate (tests/deps.sh makes it)"; done_testing; fi

at_exit mta_stop

token=pogate-pf-$$-$RANDOM
vmail=$TESTTMP/vmail local=$TESTTMP/local
mkdir -p "$vmail" "$local"
chown pogate "$vmail" "$local"

mta_init "$TESTTMP/postfix" || { not_ok "mta_init writes the instance"; done_testing; }
ok "mta_init writes the instance (port $MTA_PORT)"
pf_conf "virtual_mailbox_domains = vmail.test" \
    "virtual_mailbox_base = $vmail" \
    "virtual_mailbox_maps = inline:{ user@vmail.test=user/ }" \
    "virtual_uid_maps = static:$(id -u pogate)" \
    "virtual_gid_maps = static:$(id -g pogate)" \
    "virtual_minimum_uid = 1" \
    "mydestination = local.test" \
    "alias_maps = hash:$local/aliases" \
    "alias_database = hash:$local/aliases" \
    "local_recipient_maps = \$alias_maps" \
    "relay_domains = po.test" \
    "transport_maps = hash:$PF_DIR/etc/transport"
printf 'po.test\tlocal:\n' >"$PF_DIR/etc/transport"
check "postmap builds the transport map" pf_postmap "$PF_DIR/etc/transport"
# local(8) writes to the files of an alias map as the owner of the map, and
# postalias runs as the owner of the source file: both are pogate's.
printf 'box: %s\npo: %s\n' "$local/box.mbox" "$local/po.mbox" >"$local/aliases"
chown pogate "$local/aliases"
check "postalias builds the alias map" pf_postalias "$local/aliases"
is "postconf reads the private main.cf" "$(pf_postconf -h myhostname)" "relay.test"

check "mta_start" mta_start
pids=$(mta_pids)
check "master and its daemons are running" test "$(echo "$pids" | wc -w)" -ge 3

mta_check_no_relay "a remote recipient is refused: nothing leaves"

out=$(mta_send someone@example.org user@vmail.test,box@local.test,po@po.test \
    --header "Subject: $token" --body "body $token" 2>&1)
like "the message is accepted over 127.0.0.1" "$out" '<-  250 2\.0\.0 Ok: queued as'

check "virtual(8) delivers into the Maildir" wait_for 30 grep -rqs "body $token" "$vmail/user/new"
check "local(8) delivers into the alias's file" wait_for 30 grep -qs "body $token" "$local/box.mbox"
check "the transport map's domain is delivered" wait_for 30 grep -qs "body $token" "$local/po.mbox"
msg=$(cat "$vmail"/user/new/* 2>/dev/null)
like "Maildir copy: Subject carries the token" "$msg" "^Subject: $token"
like "Maildir copy: Received header from the 127.0.0.1 session" "$msg" '^Received: from .*\[127\.0\.0\.1\]'
like "Maildir copy: Delivered-To" "$msg" '^Delivered-To: user@vmail\.test'
like "Maildir copy: Return-Path" "$msg" '^Return-Path: <someone@example\.org>'
box=$(cat "$local/box.mbox" 2>/dev/null)
like "file copy: mbox From_ line" "$box" '^From someone@example\.org '
like "file copy: Subject carries the token" "$box" "^Subject: $token"
like "file copy: Delivered-To" "$box" '^Delivered-To: box@local\.test'
is "file copy is owned by the alias file's owner" "$(stat -c %U "$local/box.mbox" 2>/dev/null)" pogate

mta_check_ipv6 "$token" user@vmail.test "$vmail/user/new" '<-  250 2\.0\.0 Ok: queued as' '\[IPv6:::1\]'

check "the queue drains" mta_wait_queue_empty 30
like "the maillog records the deliveries" "$(cat "$PF_LOG")" 'to=<user@vmail\.test>, relay=virtual, .*status=sent'

mta_check_stop "$pids"
done_testing
