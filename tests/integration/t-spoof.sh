#!/bin/bash
# t-spoof.sh - header spoofing of postoffice addresses through a real MTA:
# Postfix (contrib/postfix's main.cf and master.cf) or, with
# SPOOF_MTA=sendmail (t-spoof-sendmail.sh), sendmail (contrib/sendmail's
# pogate.mc and pogate.m4). Postoffices: contrib/demo/conf, SALES with the
# default spoof=tag, LEGACY with spoof=reject; spoof_subject_prefix = [SPOOF];
# spf = header over a zone file in which sales.example.com's record lists
# 192.0.2.4 and 2001:db8::4. The test runs in a network namespace of its own
# (unshare --net), whose loopback also carries 192.0.2.2, 192.0.2.4,
# 2001:db8::2 and 2001:db8::4: libspf2 passes every loopback client ("localhost
# is always allowed"), so SPF needs clients that are not. The Internet sends
# from those addresses (untrusted); 127.0.0.1 is access TRUST. Checked, each
# message to john.smith@sales:
# From: at SALES's public domain tagged (X-Pogate-Spoof: From <addr>, the
# subject prefixed, the tracking line's spoof= word, pogate-track's spoof
# row); Sender: at SALES's alias domain tagged; Reply-To: at LEGACY's
# internal domain refused 550 5.7.1 at end of message, nothing stored; an
# honest From: untouched; the same forged From: from the trusted client,
# and (Postfix: SASL through a private Dovecot) from an authenticated one,
# untouched; from 192.0.2.4 and 2001:db8::4, which SPF authorises for
# sales.example.com, untouched, and from 2001:db8::2, which it does not,
# tagged; /metrics counts the tagged and the refused per postoffice; then
# with spf = off (reloaded), where the header check is all such a message
# needs and is made at end of headers: an honest message accepted there
# (size=- on the tracking line, the debug line) and delivered intact, a
# forged From: still tagged at end of message, the Reply-To: forgery refused
# 550 5.7.1 at end of headers, the trusted client's accepted at DATA as
# before; then SALES set to spoof=off (pogate-map while everything runs) and
# the first forgery passes untouched.
if [ -z "${SPOOF_NETNS:-}" ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
    SPOOF_NETNS=1 exec unshare --net bash "$0" "$@"
fi
. "${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/mta.sh"
. "$SRCDIR/tests/lib/milter.sh"
. "$SRCDIR/tests/lib/e2e.sh"
kind=${SPOOF_MTA:-postfix}
mta_use "$kind"
LDA=$BUILDDIR/lda/pogate-lda TRACK=$BUILDDIR/maps/pogate-track
if [ "$(id -u)" != 0 ]; then skip "needs root"; done_testing; fi
need swaks smtp-sink postfix ss ip unshare curl
[ -n "${SPOOF_NETNS:-}" ] || { not_ok "not in a network namespace of its own"; done_testing; }
ip link set lo up
for a in 192.0.2.2/32 192.0.2.4/32 2001:db8::2/128 2001:db8::4/128; do
    ip addr add "$a" dev lo nodad 2>/dev/null || ip addr add "$a" dev lo
done
check "the namespace's loopback carries the Internet's addresses" \
    bash -c "ip addr show dev lo | grep -q 192.0.2.4 && ip addr show dev lo | grep -q 2001:db8::4"
for p in "$MILTER" "$LDA" "$POGATE_MAP" "$TRACK"; do
    [ -x "$p" ] || { skip "$p not built"; done_testing; }
done
if [ "$kind" = sendmail ] && [ ! -x "$SM_BIN/sendmail" ]; then
    not_ok "no private sendmail in $SM_ROOT (tests/deps.sh unpacks it)"; done_testing
fi

conf=$TESTTMP/conf store=$TESTTMP/store run=$TESTTMP/run sink=$TESTTMP/sink
log=$TESTTMP/pogate.log mlog=$TESTTMP/milter.log sock=$run/milter.sock
sink_port=$(free_port) mport=$(free_port)
stop_all() { mta_stop; milter_stop; e2e_sink_stop; e2e_sasl_stop; }
at_exit stop_all

mta_init "$TESTTMP/$kind" || { not_ok "mta_init"; done_testing; }
e2e_conf "$conf" "$store" "$run" "$log" "socket_group = postfix
milter_metrics_listen = inet:$mport@127.0.0.1
counters_file = $run/counters
spoof_subject_prefix = [SPOOF]
spf_zone_file = $conf/spf.zone"
sed -i 's/^spf = off$/spf = header/' "$conf/pogate.conf"
echo 'sales.example.com TXT "v=spf1 ip4:192.0.2.4 ip6:2001:db8::4 -all"' >"$conf/spf.zone"
sed -i 's/^LEGACY .*/& spoof=reject/' "$conf/postoffices"
check "pogate-map compiles the demo maps, LEGACY with spoof=reject" "$POGATE_MAP" -c "$conf"
check "pogate-milter starts" milter_start "$conf" "$sock" "$mlog"
check "the Internet sink listens" e2e_sink_start "$sink" "$sink_port"

if [ "$kind" = postfix ]; then
    e2e_pf_contrib "$conf" "$sock" "$LDA" "$sink_port"
    # SASL on the smtpd the Internet reaches, through a private Dovecot.
    if command -v dovecot >/dev/null && e2e_sasl_start "$TESTTMP/dovecot" partner@internet.example secret; then
        pf_conf "smtpd_sasl_auth_enable = yes" "smtpd_sasl_type = dovecot" "smtpd_sasl_path = $TESTTMP/dovecot/auth"
    fi
else
    paths() { sed -e "s|/etc/pogate|$conf|g" -e "s|/run/pogate|$run|g" -e "s|/usr/sbin/pogate-lda|$LDA|g"; }
    sm_mc "$(paths <"$SRCDIR/contrib/sendmail/pogate.mc")"
    sm_mc_end "$(paths <"$SRCDIR/contrib/sendmail/pogate.m4")"
fi
check "$kind starts" mta_start

token=spoof-$kind-$$
inbox=$store/sales/mailboxes/jsmith/new
# send SRC FROM TAG [SWAKS-ARGS]: to John Smith from client address SRC (to
# ::1 when SRC is IPv6), Subject: TOKEN-TAG; swaks's transcript.
send() {
    local src=$1 from=$2 tag=$3 host=127.0.0.1
    shift 3
    case $src in *:*) host=::1 ;; esac
    MTA_HOST=$host mta_send "$from" john.smith@sales.example.com --local-interface "$src" \
        --header "Subject: $token-$tag" --body "body $token-$tag" "$@" 2>&1
}
# stored TAG: the file that holds the message TOKEN-TAG (waits for it).
stored() {
    wait_for 20 bash -c "grep -rlq -- 'body $token-$1\$' '$inbox' 2>/dev/null" || return 1
    grep -rl -- "body $token-$1\$" "$inbox" | head -1
}
hdr() { sed -n '1,/^$/p' "$1"; }
# untouched TAG WHAT: delivered without X-Pogate-Spoof, its subject as sent.
untouched() {
    local f
    f=$(stored "$1") || { not_ok "$2: delivered"; not_ok "... untouched"; return; }
    ok "$2: delivered"
    check_fail "... untouched: no X-Pogate-Spoof, the subject as sent" \
        bash -c "grep -qi '^X-Pogate-Spoof:\|^Subject: \[SPOOF\]' <(sed -n '1,/^\$/p' '$f')"
}

# --- tag: SALES's public domain in From:
r=$(send 192.0.2.2 someone@internet.example from --header 'From: "The CEO" <ceo@sales.example.com>')
like "From: <ceo@sales.example.com> from the Internet: accepted" "$r" '<- +250 '
f=$(stored from) && ok "... delivered" || not_ok "... delivered"
like "... tagged: X-Pogate-Spoof: From <ceo@sales.example.com>" "$(hdr "${f:-/dev/null}")" \
    'X-Pogate-Spoof: From <ceo@sales\.example\.com>'
like "... the subject prefixed with spoof_subject_prefix" "$(hdr "${f:-/dev/null}")" "Subject: \[SPOOF\] $token-from"
like "... the tracking line: spoof=tag:From=<ceo@sales.example.com>" "$(cat "$log")" \
    "from=<someone@internet.example> .*spoof=tag:From=<ceo@sales\.example\.com> verdict=accept"
qid=$(grep 'from=<someone@internet.example> .*spoof=tag:From=<ceo@' "$log" | head -1 |
    sed -n 's/.*pogate-milter\[[0-9]*\]: \([0-9A-Za-z]*\): client=.*/\1/p')
like "... pogate-track shows it" "$("$TRACK" -c "$conf" -f "$log" "${qid:-none}" 2>&1)" \
    'spoof +tag:From=<ceo@sales\.example\.com>'

# --- tag: SALES's alias domain in Sender:
r=$(send 192.0.2.2 someone@internet.example sender --header 'Sender: list@sales.example.org')
f=$(stored sender) && ok "Sender: at an alias domain: delivered" || not_ok "Sender: at an alias domain: delivered"
like "... tagged: X-Pogate-Spoof: Sender <list@sales.example.org>" "$(hdr "${f:-/dev/null}")" \
    'X-Pogate-Spoof: Sender <list@sales\.example\.org>'

# --- reject: LEGACY's internal domain in Reply-To:
r=$(send 192.0.2.2 someone@internet.example replyto --header 'Reply-To: Anna <anna@legacy.po>')
like "Reply-To: at LEGACY (spoof=reject): 550 5.7.1 at end of message" "$r" \
    '<\*\* +550 5\.7\.1 .*Reply-To: <anna@legacy\.po> is an address of postoffice legacy'
like "... the tracking line: spoof=reject, verdict=reject-spoof" "$(cat "$log")" \
    "spoof=reject:Reply-To=<anna@legacy\.po> verdict=reject-spoof"

# --- exemptions, and an honest message
r=$(send 192.0.2.2 someone@internet.example honest --header 'From: Someone <someone@internet.example>')
untouched honest "an honest From: from the Internet"
r=$(send 127.0.0.1 someone@internet.example trusted --header 'From: "The CEO" <ceo@sales.example.com>')
untouched trusted "the forged From: from the trusted client (access TRUST)"
if [ "$kind" = postfix ]; then
    if [ -n "${E2E_DC_PID:-}" ]; then
        r=$(send 192.0.2.2 someone@internet.example sasl --auth PLAIN --auth-user partner@internet.example \
            --auth-password secret --header 'From: "The CEO" <ceo@sales.example.com>')
        like "a SASL login from 192.0.2.2" "$r" '<- +235 '
        untouched sasl "... the forged From: of the authenticated client"
    else
        not_ok "Dovecot's auth service did not start: $(cat "$TESTTMP/dovecot/dovecot.out" 2>/dev/null)"
    fi
fi
r=$(send 192.0.2.4 news@crm.example spf --header 'From: News <news@sales.example.com>')
untouched spf "the forged From: from 192.0.2.4, which SPF authorises for sales.example.com"
r=$(send 2001:db8::4 news@crm.example spf6 --header 'From: News <news@sales.example.com>')
untouched spf6 "... and from 2001:db8::4 over IPv6"
check_fail "... nothing judged spoofed for either" grep -q "from=<news@crm.example> .*spoof=" "$log"
r=$(send 2001:db8::2 news@crm.example nospf6 --header 'From: News <news@sales.example.com>')
f=$(stored nospf6) && ok "from 2001:db8::2, which SPF does not list: delivered" || not_ok "from 2001:db8::2: delivered"
like "... tagged" "$(hdr "${f:-/dev/null}")" 'X-Pogate-Spoof: From <news@sales\.example\.com>'
like "... the tracking line names the IPv6 client" "$(cat "$log")" \
    "client=[^ ]*\[2001:db8::2\] from=<news@crm\.example> .*spoof=tag:From=<news@sales\.example\.com>"
is "... the Reply-To: forgery stored nothing" "$(grep -rl -- "$token-replyto" "$inbox" 2>/dev/null | wc -l)" 0

# --- what pogate-milter counted, once per message and forged postoffice
value() { curl -s --max-time 10 "http://127.0.0.1:$mport/metrics" | awk -v s="$1" '$1 == s { print $2 }'; }
is "/metrics: sales tagged 3 (From:, Sender:, the IPv6 client SPF does not list)" \
    "$(value 'pogate_milter_spoofed_messages_total{postoffice="sales",action="tag"}')" 3
is "/metrics: legacy refused 1" "$(value 'pogate_milter_spoofed_messages_total{postoffice="legacy",action="reject"}')" 1

# --- spf = off: the header check is all an untrusted client's message to a
# public address needs, and it is made at end of headers (decide_eoh.h)
sed -i -e 's/^spf = header$/spf = off/' "$conf/pogate.conf"
echo "log_level = debug" >>"$conf/pogate.conf"
n=$(grep -c 'reload: configuration and maps reloaded' "$mlog")
kill -USR1 "$MILTER_PID"
check "spf = off and log_level = debug, reloaded" wait_for 10 bash -c \
    "[ \$(grep -c 'reload: configuration and maps reloaded' '$mlog') -gt $n ]"
# milter_line SENDER: pogate-milter's tracking line of the message from SENDER.
milter_line() { grep "pogate-milter\[[0-9]*\]: [0-9A-Za-z]*: client=.* from=<$1> " "$log" | tail -1; }
eoh_body=$TESTTMP/eoh-body
for i in $(seq 1 150); do printf 'line %03d of a body the milter never sees, with 40 more bytes\n' "$i"; done >"$eoh_body"
echo "body $token-eoh" >>"$eoh_body"
r=$(send 192.0.2.2 eoh-honest@internet.example eoh --header 'From: Someone <someone@internet.example>' \
    --body "$(cat "$eoh_body")")
like "an honest From: with spf = off: accepted" "$r" '<- +250 '
f=$(stored eoh) && ok "... delivered" || not_ok "... delivered"
# (swaks ends the body with an empty line or two of its own)
check "... intact: the body as sent, byte for byte" cmp -s "$eoh_body" \
    <(sed '1,/^$/d' "${f:-/dev/null}" | sed -e ':a' -e '/^\n*$/{$d;N;ba' -e '}')
check_fail "... no X-Pogate-Spoof, no Received-SPF, the subject as sent" \
    bash -c "grep -qi '^X-Pogate-Spoof:\|^Received-SPF:\|^Subject: \[SPOOF\]' <(sed -n '1,/^\$/p' '${f:-/dev/null}')"
line=$(milter_line eoh-honest@internet.example)
like "... accepted at end of headers: the tracking line has size=-, nothing counted" "$line" \
    ' size=- spf=- to=<john.smith@sales.example.com>->sales/jsmith verdict=accept$'
eqid=$(printf '%s\n' "$line" | sed -n 's/.*pogate-milter\[[0-9]*\]: \([0-9A-Za-z]*\): client=.*/\1/p')
like "... the debug log: END-OF-HEADERS, nothing forged" "$(cat "$log")" \
    "${eqid:-none}: debug: END-OF-HEADERS: spoof check: nothing forged"
r=$(send 192.0.2.2 eoh-tag@internet.example eohtag --header 'From: "The CEO" <ceo@sales.example.com>')
f=$(stored eohtag) && ok "a forged From: with spf = off: delivered" || not_ok "a forged From: with spf = off: delivered"
like "... still tagged, at end of message" "$(hdr "${f:-/dev/null}")" 'X-Pogate-Spoof: From <ceo@sales\.example\.com>'
like "... the subject prefixed" "$(hdr "${f:-/dev/null}")" "Subject: \[SPOOF\] $token-eohtag"
like "... decided at end of headers" "$(cat "$log")" 'debug: END-OF-HEADERS: spoof check: forged, to be tagged at end of message'
like "... the tracking line: the size counted, spoof=tag" "$(milter_line eoh-tag@internet.example)" \
    ' size=[0-9]+ spf=- .*spoof=tag:From=<ceo@sales\.example\.com> verdict=accept$'
r=$(send 192.0.2.2 eoh-reject@internet.example eohreject --header 'Reply-To: Anna <anna@legacy.po>')
like "a Reply-To: at LEGACY with spf = off: 550 5.7.1" "$r" \
    '<\*\* +550 5\.7\.1 .*Reply-To: <anna@legacy\.po> is an address of postoffice legacy'
like "... refused at end of headers" "$(cat "$log")" \
    'reject: END-OF-HEADERS from [^ ]*\[192\.0\.2\.2\]: 550 5\.7\.1 Reply-To: <anna@legacy\.po>'
like "... the tracking line: size=-, spoof=reject, verdict=reject-spoof" "$(milter_line eoh-reject@internet.example)" \
    ' size=- spf=- .*spoof=reject:Reply-To=<anna@legacy\.po> verdict=reject-spoof$'
is "... nothing stored" "$(grep -rl -- "$token-eohreject" "$inbox" 2>/dev/null | wc -l)" 0
r=$(send 127.0.0.1 eoh-trusted@internet.example eohtrusted --header 'From: "The CEO" <ceo@sales.example.com>')
untouched eohtrusted "the trusted client's forged From: with spf = off"
line=$(milter_line eoh-trusted@internet.example)
like "... accepted at DATA, as before (size=-)" "$line" ' size=- spf=- .*verdict=accept$'
tqid=$(printf '%s\n' "$line" | sed -n 's/.*pogate-milter\[[0-9]*\]: \([0-9A-Za-z]*\): client=.*/\1/p')
check_fail "... no end-of-headers decision for it" grep -q "${tqid:-none}: debug: END-OF-HEADERS" "$log"

# --- spoof=off, while everything runs
sed -i 's/^SALES .*/& spoof=off/' "$conf/postoffices"
check "pogate-map compiles SALES with spoof=off" "$POGATE_MAP" -c "$conf"
n=$(grep -c 'reload: configuration and maps reloaded' "$mlog")
kill -USR1 "$MILTER_PID"
check "... the milter has the new maps" wait_for 10 bash -c \
    "[ \$(grep -c 'reload: configuration and maps reloaded' '$mlog') -gt $n ]"
r=$(send 192.0.2.2 someone@internet.example off --header 'From: "The CEO" <ceo@sales.example.com>')
untouched off "SALES with spoof=off: the same forgery"
check "the queue empties" mta_wait_queue_empty 30
milter_stop
is "pogate-milter: SIGTERM, a clean exit (no sanitizer report under ASan)" "$MILTER_STATUS" 0
check_fail "... and nothing in its log from a sanitizer" grep -q 'Sanitizer\|runtime error' "$mlog"
done_testing
