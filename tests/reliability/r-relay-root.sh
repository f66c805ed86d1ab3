#!/bin/bash
# r-relay-root.sh (R7) - what must never get through, against the shipped
# contrib/postfix/main.cf + pogate-milter + pogate-lda, from an untrusted
# client (loopback stands for the Internet: it is in neither mynetworks nor
# trusted_networks):
#   - no open relay: non-postoffice destinations, also disguised (%, !, source
#     route, quoted, address literal, double @), are refused at RCPT and
#     nothing is queued for them;
#   - no spoofing: postoffice senders (any case, aliases) are refused at MAIL;
#   - the programs refuse to run as root: pogate-lda (75, nothing stored),
#     pogate-milter and pogate-lmtp with user = root (exit, nothing listens);
#   - symbolic links planted in the store (mailbox, new/, tmp/) are never
#     followed: the mail waits in the queue and arrives once they are gone.
. "$(dirname "$0")/../lib/tap.sh"
. "$SRCDIR/tests/reliability/lib.sh"
rel_need
trap 'rel_cleanup' EXIT
C=$TESTTMP/conf W=$TESTTMP/work
mkdir -p "$W"
rel_conf "$C" "$TESTTMP/store" || { not_ok "pogate-map compiles the maps"; done_testing; }
check "pogate-milter starts" rel_milter
check "Postfix starts with the milter" rel_postfix 26207
# Postfix's own default for local users (the test instance accepts any): an
# address literal of this host is a local destination, not a relay one.
pf_postconf -X local_recipient_maps && pf_reload
start=$SECONDS
P=$PF_PORT
session() { rel_py session --port "$P" "$@"; }
printf 'From: <%s>\r\nSubject: relay test\r\n\r\nbody\r\n' "sender@ext.example" >"$W/msg"
refused=0 tried=0

# Open relay.
for r in 'x@other.example' 'x@OTHER.EXAMPLE' 'x%other.example@rel.example' 'other.example!x@rel.example' \
    '@rel.example:x@other.example' '"x@other.example"@rel.example' 'x@other.example@rel.example' \
    'x@[127.0.0.1]' 'x@[192.0.2.1]' 'x@rel.example.other.example' 'x@other.example.' \
    'postmaster@other.example' 'x@relay.test'; do
    out=$(session --from sender@ext.example --rcpt "$r" --data "$W/msg")
    like "relay to $r: refused at RCPT" "$out" 'rcpt=5[0-9][0-9] data=-'
    tried=$((tried + 1))
    case $out in *rcpt=5*) refused=$((refused + 1)) ;; esac
done
out=$(session --from sender@ext.example --rcpt a@rel.example x@other.example --data "$W/msg")
like "a PO recipient does not carry a foreign one along" "$out" 'rcpt=250,5[0-9][0-9] data=250'
tried=$((tried + 1))
case $out in *rcpt=250,5*) refused=$((refused + 1)) ;; esac

# Spoofed postoffice senders.
for s in 'a@rel.example' 'A@REL.EXAMPLE' 'alias.a@rel.example' 'admin@rel.example' 'postmaster@rel.example'; do
    out=$(session --from "$s" --rcpt b@rel.example --data "$W/msg")
    like "sender $s from an untrusted client: 550 5.7.1 at MAIL" "$out" 'mail=550 rcpt=5[0-9][0-9]'
    tried=$((tried + 1))
    case $out in *mail=550*) refused=$((refused + 1)) ;; esac
done
check "the accepted message is delivered" pf_wait_queue_empty 60
is "only the PO recipient's copy stored" "$(find "$REL_STORE" -path '*/new/*' -type f | sed "s|$REL_STORE/||;s|/new/.*||")" "rel/mailboxes/a"
check "no delivery attempt to any other domain" \
    sh -c "! grep -E 'to=<[^>]*>, (orig_to=<[^>]*>, )?relay=' '$PF_LOG' | grep -v 'to=<a@rel.example>.*relay=pogate'"

# Root.
printf 'Subject: root\n\nbody\n' >"$W/small"
OUT=$("$LDA" -c "$C" -f x@ext.example -- b@rel.example <"$W/small" 2>&1)
is "pogate-lda as root: 75" "$?" 75
like "pogate-lda as root: says why" "$OUT" '^4\.3\.5 .*refusing to run as root'
CR=$TESTTMP/conf-root
mkdir -p "$CR/run"
cp "$C"/*.cdb "$CR"/
printf 'store = %s\nuser = root\nmilter_pid_file = %s/run/m.pid\nlmtp_pid_file = %s/run/l.pid\n' \
    "$REL_STORE" "$CR" "$CR" >"$CR/pogate.conf"
timeout 20 "$MILTER" -f -c "$CR" -p "unix:$CR/run/m.sock" >"$W/milter-root.log" 2>&1
st=$?
ok_st=$([ "$st" -ne 0 ] && [ "$st" -ne 124 ] && echo yes || echo "no (exit $st)")
is "pogate-milter with user = root: exits with an error" "$ok_st" yes
like "pogate-milter with user = root: says why" "$(cat "$W/milter-root.log")" 'refusing to run as root'
check "pogate-milter with user = root: nothing listens" sh -c "! ss -Hxl | grep -qF '$CR/run/m.sock'"
if [ -x "$BUILDDIR/lda/pogate-lmtp" ]; then
    timeout 20 "$BUILDDIR/lda/pogate-lmtp" -f -c "$CR" -p "unix:$CR/run/l.sock" >"$W/lmtp-root.log" 2>&1
    st=$?
    ok_st=$([ "$st" -ne 0 ] && [ "$st" -ne 124 ] && echo yes || echo "no (exit $st)")
    is "pogate-lmtp with user = root: exits with an error" "$ok_st" yes
    like "pogate-lmtp with user = root: says why" "$(cat "$W/lmtp-root.log")" 'refusing to run as root'
else
    skip "pogate-lmtp not built"; skip "pogate-lmtp not built"
fi
check "pogate-lda as root: nothing stored for b" test -z "$(find "$REL_STORE" -path '*/b/*' -type f)"

# Planted symbolic links: a mailbox, a new/, a tmp/ pointing out of the store.
M=$REL_STORE/rel/mailboxes
for t in c d-new b-tmp; do mkdir -p "$W/out-$t/new" "$W/out-$t/tmp" "$W/out-$t/cur"; done
chown -R pogate "$W"/out-*
ln -s "$W/out-c" "$M/c"
mkdir -p "$M/d/tmp" "$M/d/cur" && ln -s "$W/out-d-new/new" "$M/d/new"
mkdir -p "$M/b/new" "$M/b/cur" && ln -s "$W/out-b-tmp/tmp" "$M/b/tmp"
chown -R -h pogate "$M"
for r in c d b; do
    out=$(session --from sender@ext.example --rcpt "$r@rel.example" --data "$W/msg")
    like "symlink in $r's mailbox: message accepted by Postfix" "$out" 'rcpt=250 data=250'
done
deferred3() { [ "$(grep -cE 'to=<[bcd]@rel.example>.*dsn=4\.3\.0, status=deferred' "$PF_LOG")" -ge 3 ]; }
check "symlinks: all three deferred with 4.3.0" wait_for 60 deferred3
check "symlinks: queue held, no delivery running" rel_hold
is "symlinks: nothing written through them" "$(find "$W"/out-* -type f)" ""
is "symlinks: the three messages still queued" "$(find "$PF_DIR/queue/hold" -type f | wc -l)" 3
rm "$M/c" "$M/d/new" "$M/b/tmp"
rel_release
check "symlinks removed: the queue empties" pf_wait_queue_empty 60
for r in c d b; do
    is "symlinks removed: $r has its message once" "$(find "$M/$r/new" -type f | wc -l)" 1
done
is "symlinks: still nothing outside" "$(find "$W"/out-* -type f)" ""
secs=$((SECONDS - start))
stored=$(find "$REL_STORE" -path '*/new/*' -type f | wc -l)
result R7 "no open relay, no spoofing, no root, no symlinks" 4 "$stored" $((stored < 4 ? 4 - stored : 0)) \
    $((stored > 4 ? stored - 4 : 0)) "$secs" \
    "$refused of $tried relay/spoofing attempts refused at MAIL/RCPT; 3 messages held while symlinks were planted"
done_testing
