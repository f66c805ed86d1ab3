#!/bin/bash
# t-milter-postfix.sh - pogate-milter behind a real private Postfix (milter on
# a unix socket): an SMTP client sees 550 5.1.1 for an unknown PO mailbox,
# and the accepted message leaves Postfix addressed to the canonical
# recipients (PO domains go to discard(8) here, whose log line names them);
# paths past RFC 5321's limits, which Postfix passes on, refused 501 by the milter.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/milter.sh"
. "$SRCDIR/tests/lib/postfix.sh"

if [ ! -x "$MILTER" ]; then skip "pogate-milter not built"; done_testing; exit 0; fi
if [ "$(id -u)" != 0 ]; then skip "needs root"; done_testing; exit 0; fi
need postfix postconf postmap swaks ss

conf=$TESTTMP/conf sock=$TESTTMP/milter.sock mlog=$TESTTMP/milter.log
trap 'milter_stop; pf_stop' EXIT
milter_conf "$conf" || { not_ok "pogate-map compiles the test maps"; done_testing; exit 1; }
check "milter starts" milter_start "$conf" "$sock" "$mlog"
# smtpd (user postfix) must reach the socket: group postfix, as pogate.conf socket_group would do.
chgrp postfix "$sock"

doms="sales.example.com sales.example.org hr.example.com paused.example.com"
pf_init "$TESTTMP/postfix"
# mynetworks: the test client is not trusted by Postfix; the client's name
# (localhost from /etc/hosts) is looked up, for the milter's tracking line.
pf_conf "mynetworks = 192.0.2.0/24" "smtpd_peername_lookup = yes" \
    "relay_domains = $doms" "relay_recipient_maps =" \
    "transport_maps = inline:{ $(for d in $doms; do printf '%s=discard:, ' "$d"; done) }" \
    "smtpd_recipient_restrictions = reject_unauth_destination" \
    "smtpd_milters = unix:$sock" "milter_default_action = tempfail" "milter_protocol = 6"
check "private Postfix starts" pf_start

out=$(pf_send someone@elsewhere.example nobody@sales.example.com --quit-after RCPT 2>&1)
like "SMTP client sees 550 5.1.1 for an unknown PO mailbox" "$out" '<\*\* 550 5\.1\.1 .*nobody@sales\.example\.com'

out=$(pf_send someone@elsewhere.example js@sales.example.com,whoever@sales.example.org,postmaster@hr.example.com \
      --header "Subject: pogate postfix test" 2>&1)
like "message accepted" "$out" '<-  250 2\.0\.0 Ok: queued'
qid=$(printf '%s\n' "$out" | sed -n 's/.*250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p')
wait_for 20 grep -q "$qid: to=<boss@hr.example.com>.*status=sent" "$PF_LOG"
log=$(grep "$qid: to=" "$PF_LOG")
like "js@ delivered as john.smith@" "$log" "to=<john.smith@sales.example.com>.*status=sent"
like "catch-all delivered as inbox@" "$log" "to=<inbox@sales.example.com>.*status=sent"
like "postmaster@hr delivered as boss@" "$log" "to=<boss@hr.example.com>.*status=sent"
if printf '%s\n' "$log" | grep -qE "to=<(js@sales|whoever@sales|postmaster@hr)"; then
    not_ok "no original alias recipient left"; diag "$log"
else ok "no original alias recipient left"; fi
like "milter tracking line carries the Postfix queue id" "$(cat "$mlog")" "$qid: client=localhost\[127.0.0.1\] from=<someone@elsewhere.example>.* verdict=accept"

out=$(pf_send someone@elsewhere.example admin@paused.example.com --quit-after RCPT 2>&1)
like "paused PO: 451 4.2.1" "$out" '<\*\* 451 4\.2\.1 '

# RFC 5321's limits: Postfix passes these on, pogate-milter refuses them naming the rule.
long=$(printf 'a%.0s' $(seq 1 65))
out=$(pf_send someone@elsewhere.example "$long@sales.example.com" --quit-after RCPT 2>&1)
like "a 65-octet local part: 501 5.1.3, the rule named" "$out" \
    '<\*\* 501 5\.1\.3 Bad recipient address syntax: local part longer than 64 octets \(RFC 5321 4\.5\.3\.1\.1\)'
out=$(pf_send someone@ex_ample.example js@sales.example.com --quit-after RCPT 2>&1)
like "an underscore in the sender's domain: 501 5.1.7" "$out" \
    '<\*\* 501 5\.1\.7 Bad sender address syntax: domain label not made of letters, digits and hyphens'
like "... logged with the stage and the client" "$(cat "$mlog")" \
    'reject: MAIL from localhost\[127\.0\.0\.1\]: 501 5\.1\.7 Bad sender address syntax'
done_testing
