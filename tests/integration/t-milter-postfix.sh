#!/bin/bash
# t-milter-postfix.sh - pogate-milter behind a real private Postfix (milter on
# a unix socket): an SMTP client sees 550 5.1.1 for an unknown PO mailbox,
# and the accepted message leaves Postfix addressed to the canonical
# recipients (PO domains go to discard(8) here, whose log line names them).
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/milter.sh"

if [ ! -x "$MILTER" ]; then skip "pogate-milter not built"; done_testing; exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v postfix >/dev/null; then skip "needs root and Postfix"; done_testing; exit 0; fi

conf=$TESTTMP/conf sock=$TESTTMP/milter.sock mlog=$TESTTMP/milter.log
pf=$TESTTMP/postfix port=$(free_port)
trap 'milter_stop; [ -n "${KEEP:-}" ] || postfix -c "$pf" stop >/dev/null 2>&1' EXIT
milter_conf "$conf" || { not_ok "pogate-map compiles the test maps"; done_testing; exit 1; }
check "milter starts" milter_start "$conf" "$sock" "$mlog"
# smtpd (user postfix) must reach the socket: group postfix, as pogate.conf socket_group would do.
chgrp postfix "$sock"

mkdir -p "$pf/queue" "$pf/data"
cat >"$pf/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $pf/queue
data_directory = $pf/data
mail_owner = postfix
setgid_group = postdrop
myhostname = relay.test.example
mydomain = test.example
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 192.0.2.0/24
maillog_file = $pf/maillog
maillog_file_prefixes = $pf
relay_domains = sales.example.com sales.example.org hr.example.com paused.example.com
relay_recipient_maps =
transport_maps = inline:{ sales.example.com=discard:, sales.example.org=discard:, hr.example.com=discard:, paused.example.com=discard: }
default_transport = error:nothing leaves this test
smtpd_recipient_restrictions = reject_unauth_destination
smtpd_milters = unix:$sock
milter_default_action = tempfail
milter_protocol = 6
biff = no
CF
sed -e "s/^smtp      inet  n       -       y       -       -       smtpd/127.0.0.1:$port inet n - n - - smtpd/" \
    /usr/share/postfix/master.cf.dist >"$pf/master.cf"
# Nothing chrooted (the queue is private), and a postlog service for maillog_file.
awk '/^[a-z0-9.:]+ +(inet|unix|fifo|pass|unix-dgram) /{ $5 = "n" } { print }' "$pf/master.cf" >"$pf/m" && mv "$pf/m" "$pf/master.cf"
grep -q '^postlog' "$pf/master.cf" || echo 'postlog unix-dgram n - n - 1 postlogd' >>"$pf/master.cf"
grep -q "^127.0.0.1:$port" "$pf/master.cf" || echo "127.0.0.1:$port inet n - n - - smtpd" >>"$pf/master.cf"
chown postfix "$pf/data"
postfix -c "$pf" check >/dev/null 2>&1
postfix -c "$pf" set-permissions >/dev/null 2>&1
check "private Postfix starts" postfix -c "$pf" start
wait_for 20 ss -Hltn "sport = :$port" | grep -q . || wait_for 20 bash -c "ss -Hltn 'sport = :$port' | grep -q ."

out=$(swaks --server 127.0.0.1 --port "$port" --from someone@elsewhere.example \
      --to nobody@sales.example.com --quit-after RCPT 2>&1)
like "SMTP client sees 550 5.1.1 for an unknown PO mailbox" "$out" '<\*\* 550 5\.1\.1 .*nobody@sales\.example\.com'

out=$(swaks --server 127.0.0.1 --port "$port" --from someone@elsewhere.example \
      --to js@sales.example.com,whoever@sales.example.org,postmaster@hr.example.com \
      --header "Subject: pogate postfix test" 2>&1)
like "message accepted" "$out" '<-  250 2\.0\.0 Ok: queued'
qid=$(printf '%s\n' "$out" | sed -n 's/.*250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p')
wait_for 20 grep -q "$qid: to=<boss@hr.example.com>.*status=sent" "$pf/maillog"
log=$(grep "$qid: to=" "$pf/maillog")
like "js@ delivered as john.smith@" "$log" "to=<john.smith@sales.example.com>.*status=sent"
like "catch-all delivered as inbox@" "$log" "to=<inbox@sales.example.com>.*status=sent"
like "postmaster@hr delivered as boss@" "$log" "to=<boss@hr.example.com>.*status=sent"
if printf '%s\n' "$log" | grep -qE "to=<(js@sales|whoever@sales|postmaster@hr)"; then
    not_ok "no original alias recipient left"; diag "$log"
else ok "no original alias recipient left"; fi
like "milter tracking line carries the Postfix queue id" "$(cat "$mlog")" "$qid: client=localhost\[127.0.0.1\] from=<someone@elsewhere.example>.* verdict=accept"

out=$(swaks --server 127.0.0.1 --port "$port" --from someone@elsewhere.example \
      --to admin@paused.example.com --quit-after RCPT 2>&1)
like "paused PO: 451 4.2.1" "$out" '<\*\* 451 4\.2\.1 '
done_testing
