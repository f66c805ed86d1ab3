# shellcheck shell=bash
# mta-checks.sh - TAP checks of what the driver API of mta.sh promises, the
# same for either MTA; t-postfix-native.sh and t-sendmail-native.sh run them
# on theirs. Sourced after tap.sh and mta.sh, the MTA chosen (mta_use).
#
#   mta_check_no_relay WHAT     a remote recipient is refused at RCPT (550 5.7.1)
#   mta_check_ipv6 TOKEN RCPT WHERE ACCEPTED RECEIVED
#                               a message for RCPT sent over [::1] gets a reply
#                               matching ACCEPTED, arrives in WHERE (a file or a
#                               directory) and has a Received header matching
#                               RECEIVED; three skips without IPv6 loopback
#   mta_check_stop PIDS         mta_stop leaves no process of PIDS (those seen
#                               while it ran) or of mta_pids now, the port is
#                               free, and a second mta_stop is harmless

mta_check_no_relay() {
    local out
    out=$(mta_send someone@example.org nobody@example.com --quit-after RCPT 2>&1)
    like "$1" "$out" '<\*\* 550 5\.7\.1 '
}

mta_check_ipv6() {
    local token=$1-v6 rcpt=$2 where=$3 accepted=$4 received=$5 out
    if [ "$MTA_IPV6" != 1 ]; then
        skip "no IPv6 loopback (::1) on this host"
        skip "no IPv6 loopback (::1) on this host"
        skip "no IPv6 loopback (::1) on this host"
        return 0
    fi
    out=$(MTA_HOST=::1 mta_send someone@example.org "$rcpt" \
        --header "Subject: $token" --body "body $token" 2>&1)
    like "the message is accepted over [::1]" "$out" "$accepted"
    check "the [::1] message is delivered" wait_for 30 grep -rqs "body $token" "$where"
    like "its Received header names IPv6 loopback" "$(grep -rh -A1 '^Received: ' "$where")" "$received"
}

mta_check_stop() {
    local pids p left=
    pids="$1 $(mta_pids)"
    check "mta_stop" mta_stop
    for p in $pids; do if kill -0 "$p" 2>/dev/null; then left="$left $p"; fi; done
    is "no process of the instance is left" "$left" ""
    check_fail "nothing listens on the port" bash -c "ss -Hltn 'sport = :$MTA_PORT' | grep -q ."
    check "mta_stop a second time is harmless" mta_stop
}
