#!/bin/bash
# t-spf-mta.sh - SPF through real MTAs with IPv6 clients: pogate-milter with
# spf = reject over a zone file (no DNS), behind a private Postfix and a
# private sendmail, sessions over [::1].
#
# Postfix: the test client speaks over [::1] and names the client it stands
# for with XCLIENT (smtpd_authorized_xclient_hosts), so the milter judges a
# documentation IPv6 address, 2001:db8:5::25, as if it came from the
# Internet: a listed sender passes, an unlisted one gets 550 5.7.23, a sender
# whose record has a syntax error is accepted with permerror (never 451), the
# null sender is judged by its HELO name, an IPv4-mapped IPv6 client by its
# IPv4 address, DNS trouble gives 451 4.4.3. Each accepted message waits in
# Postfix's queue (defer_transports), where the Received-SPF the milter added
# is read back: result, comment, client-ip (quoted: an IPv6 address is no
# dot-atom), envelope-from, helo, receiver, identity, problem on an error.
# sendmail has no XCLIENT: its session over [::1] shows the IPv6 client
# reaching the milter and the header it gets (libspf2 passes loopback
# clients without looking at the record, pogate-milter(8) SPF).
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/milter.sh"
. "$SRCDIR/tests/lib/mta.sh"

if [ ! -x "$MILTER" ]; then skip "pogate-milter not built"; done_testing; exit 0; fi
if [ "$(id -u)" != 0 ]; then skip "needs root"; done_testing; exit 0; fi
need postfix postconf postmap postcat swaks ss
if ! have_ipv6_loopback; then skip "no IPv6 loopback (::1) on this host"; done_testing; exit 0; fi

conf=$TESTTMP/conf sock=$TESTTMP/milter.sock mlog=$TESTTMP/milter.log
trap 'milter_stop; mta_stop' EXIT
milter_conf "$conf" || { not_ok "pogate-map compiles the test maps"; done_testing; exit 1; }
cat >>"$conf/spf.zone" <<'ZONE'
v6.example TXT "v=spf1 ip6:2001:db8:5::/48 ip4:192.0.2.10 -all"
broken6.example TXT "v=spf1 ip6:2001:db8:5::zz -all"
helo6.example TXT "v=spf1 ip6:2001:db8:5::/48 -all"
down6.example ANY !TRY_AGAIN
ZONE
check "milter starts" milter_start "$conf" "$sock" "$mlog"
chgrp postfix "$sock"

mta_use postfix
mta_init "$TESTTMP/postfix"
pf_conf "mynetworks = 192.0.2.0/24" "smtpd_authorized_xclient_hosts = 127.0.0.1, [::1]" \
    "relay_domains = sales.example.com" "relay_recipient_maps =" \
    "transport_maps = inline:{ sales.example.com=discard: }" "defer_transports = discard" \
    "smtpd_recipient_restrictions = reject_unauth_destination" \
    "smtpd_milters = unix:$sock" "milter_default_action = tempfail" "milter_protocol = 6"
check "private Postfix starts" mta_start

# send6 ADDR HELO FROM [SWAKS-ARGS]: one message over [::1] for the client ADDR.
send6() {
    local addr=$1 helo=$2 from=$3
    shift 3
    MTA_HOST=::1 mta_send "$from" js@sales.example.com --helo "$helo" \
        --xclient-addr "$addr" --xclient-helo "$helo" --header "Subject: spf over IPv6" "$@" 2>&1
}
qid_of() { printf '%s\n' "$1" | sed -n 's/.*250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p'; }
# The Received-SPF value of queued message QID, unfolded.
spf_header() {
    postcat -c "$PF_DIR/etc" -hq "$1" 2>/dev/null |
        awk '/^Received-SPF:/ { on = 1; sub(/^Received-SPF: */, ""); v = $0; next }
             on && /^[ \t]/ { sub(/^[ \t]+/, " "); v = v $0; next } { on = 0 } END { print v }'
}
# RFC 7208 9.1 as a regular expression: result, comment, key=value pairs.
kv='[a-z-]+=([A-Za-z0-9._-]+|"([^"\\]|\\.)*")'
grammar="^(pass|fail|softfail|neutral|none|temperror|permerror) (\\(([^()\\\\]|\\\\.)*\\) )?$kv(; $kv)*;?\$"

out=$(send6 IPV6:2001:db8:5::25 mx.v6.example user@v6.example)
like "listed IPv6 client: accepted over [::1]" "$out" '<-  250 2\.0\.0 Ok: queued'
h=$(spf_header "$(qid_of "$out")")
diag "Received-SPF: $h"
like "... Received-SPF: pass" "$h" '^pass \('
like "... client-ip quoted (an IPv6 address is no dot-atom)" "$h" 'client-ip="2001:db8:5::25";'
like "... envelope-from, helo, receiver, identity" "$h" \
    'envelope-from="user@v6\.example"; helo=mx\.v6\.example; receiver=[^;]+; identity=mailfrom'
like "... RFC 7208 9.1 syntax" "$h" "$grammar"

out=$(send6 IPV6:2001:db8:6::25 mx.v6.example user@v6.example --quit-after MAIL)
like "unlisted IPv6 client: 550 5.7.23 at MAIL" "$out" '<\*\* 550 5\.7\.23 <user@v6\.example>: SPF validation failed'

out=$(send6 IPV6:2001:db8:5::25 mx.v6.example user@broken6.example)
like "record with a syntax error: accepted (permerror, not 451)" "$out" '<-  250 2\.0\.0 Ok: queued'
h=$(spf_header "$(qid_of "$out")")
diag "Received-SPF: $h"
like "... Received-SPF: permerror with the problem" "$h" '^permerror \(.*; problem="[^"]+"$'
like "... RFC 7208 9.1 syntax" "$h" "$grammar"

out=$(send6 IPV6:2001:db8:5::25 helo6.example '<>')
like "null sender, HELO listed: accepted" "$out" '<-  250 2\.0\.0 Ok: queued'
h=$(spf_header "$(qid_of "$out")")
like "... judged by the HELO: pass, identity=helo, envelope-from empty" "$h" \
    '^pass .*envelope-from=""; helo=helo6\.example; receiver=[^;]+; identity=helo$'
out=$(send6 IPV6:2001:db8:6::25 helo6.example '<>' --quit-after MAIL)
like "null sender, HELO not listed for the client: 550 5.7.23" "$out" '<\*\* 550 5\.7\.23 <>: SPF validation failed'

out=$(send6 IPV6:::ffff:192.0.2.10 mx.v6.example user@v6.example)
like "IPv4-mapped client: accepted as 192.0.2.10" "$out" '<-  250 2\.0\.0 Ok: queued'
like "... client-ip 192.0.2.10, pass" "$(spf_header "$(qid_of "$out")")" '^pass .*client-ip=192\.0\.2\.10;'

out=$(send6 IPV6:2001:db8:5::25 mx.v6.example user@down6.example --quit-after MAIL)
like "DNS trouble: 451 4.4.3" "$out" '<\*\* 451 4\.4\.3 '
like "the milter's tracking lines name the IPv6 client" "$(cat "$mlog")" '\[2001:db8:5::25\] from=<user@v6\.example> .*spf=pass'
mta_stop

mta_use sendmail
mta_init "$TESTTMP/sendmail" || { not_ok "mta_init writes the sendmail instance"; done_testing; }
sm_mc "INPUT_MAIL_FILTER(\`pogate', \`S=unix:$sock, F=T, T=C:10s;S:30s;R:1m;E:5m')dnl" \
    "define(\`confMILTER_MACROS_ENVFROM', \`\`i, {auth_type}, {auth_authen}'')dnl"
chgrp "$(stat -c %G "$SM_DIR" 2>/dev/null || echo root)" "$sock" 2>/dev/null
check "private sendmail starts" mta_start
out=$(MTA_HOST=::1 mta_send user@v6.example pogate@relay.test --helo mx.v6.example --body "body spf6" 2>&1)
like "sendmail: accepted over [::1]" "$out" '<-  250 2\.0\.0 .* Message accepted for delivery'
check "sendmail: delivered" wait_for 30 grep -qs "body spf6" "$SM_DIR/mail/pogate"
h=$(awk '/^Received-SPF:/ { sub(/^Received-SPF: */, ""); v = $0; on = 1; next }
         on && /^[ \t]/ { sub(/^[ \t]+/, " "); v = v $0; next } { on = 0 } END { print v }' "$SM_DIR/mail/pogate")
diag "Received-SPF: $h"
like "sendmail: Received-SPF for the IPv6 client ::1 (libspf2 passes loopback)" "$h" \
    '^pass \(.*\) client-ip="::1"; envelope-from="user@v6\.example"; helo=mx\.v6\.example; receiver=[^;]+; identity=mailfrom$'
like "... RFC 7208 9.1 syntax" "$h" "$grammar"
mta_stop
milter_stop
is "the milter stops cleanly (status 0: no sanitizer report)" "$MILTER_STATUS" 0
done_testing
