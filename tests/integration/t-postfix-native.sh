#!/bin/bash
# t-postfix-native.sh - the private Postfix of tests/lib/postfix.sh works on
# its own: it starts on loopback, refuses to relay anywhere, takes one SMTP
# message for three recipients and delivers it with its own agents (virtual(8)
# into a Maildir, local(8) through an alias into a file, and a relay domain
# that a hash transport map sends to local(8)), takes a second message over
# [::1], and after pf_stop none of its processes is left.
. "${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/postfix.sh"

if [ "$(id -u)" != 0 ]; then skip "needs root"; done_testing; fi
need postfix postconf postmap postqueue swaks ss ip
if ! getent passwd pogate >/dev/null; then not_ok "no user pogate (tests/deps.sh makes it)"; done_testing; fi

# Stop Postfix on any exit, then run what tap.sh asked for at exit (if anything).
eval "set -- $(trap -p EXIT)"; tap_exit=${3:-}
trap 'pf_stop; eval "$tap_exit"' EXIT
trap 'exit 1' HUP INT TERM

token=pogate-pf-$$-$RANDOM
vmail=$TESTTMP/vmail local=$TESTTMP/local
mkdir -p "$vmail" "$local"
chown pogate "$vmail" "$local"

pf_init "$TESTTMP/postfix" || { not_ok "pf_init writes the instance"; done_testing; }
ok "pf_init writes the instance (port $PF_PORT)"
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

check "pf_start" pf_start
pids=$(pf_pids)
check "master and its daemons are running" test "$(echo "$pids" | wc -w)" -ge 3

out=$(pf_send someone@example.org nobody@example.com --quit-after RCPT 2>&1)
like "a remote recipient is refused: nothing leaves" "$out" '<\*\* 550 5\.7\.1 '

out=$(pf_send someone@example.org user@vmail.test,box@local.test,po@po.test \
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

if [ "$PF_IPV6" = 1 ]; then
    out=$(PF_HOST=::1 pf_send someone@example.org user@vmail.test \
        --header "Subject: $token-v6" --body "body $token-v6" 2>&1)
    like "the message is accepted over [::1]" "$out" '<-  250 2\.0\.0 Ok: queued as'
    check "the [::1] message is delivered" wait_for 30 grep -rqs "body $token-v6" "$vmail/user/new"
    like "its Received header names [IPv6:::1]" "$(grep -rh -A1 '^Received: ' "$vmail/user/new")" '\[IPv6:::1\]'
else
    skip "no IPv6 loopback (::1) on this host"
    skip "no IPv6 loopback (::1) on this host"
    skip "no IPv6 loopback (::1) on this host"
fi

check "the queue drains" pf_wait_queue_empty 30
like "the maillog records the deliveries" "$(cat "$PF_LOG")" 'to=<user@vmail\.test>, relay=virtual, .*status=sent'

pids="$pids $(pf_pids)"
check "pf_stop" pf_stop
left=
for p in $pids; do if kill -0 "$p" 2>/dev/null; then left="$left $p"; fi; done
is "no process of the instance is left" "$left" ""
check_fail "nothing listens on the port" bash -c "ss -Hltn 'sport = :$PF_PORT' | grep -q ."
check "pf_stop a second time is harmless" pf_stop
done_testing
