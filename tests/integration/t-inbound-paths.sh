#!/bin/bash
# t-inbound-paths.sh - the two inbound paths on Postfix behave alike.
#
# "milter": contrib/postfix/main.cf alone, pogate-milter sees every client.
# "native": main.cf and native.cf, Postfix checks inbound mail with the
# tables pogate-map writes (recipients, virtual, access.cidr, trusted.cidr,
# senders, milter.cidr) and pogate-milter sees only the trusted clients.
# The same postoffice directory (contrib/demo/conf, spf = off, without its
# per-postoffice maxsize, spoof=off) drives both. On each path, from the Internet
# (127.0.0.2, untrusted): a mailbox and an alias delivered to the mailbox
# under its public address, a catch-all, an unknown mailbox refused 550
# 5.1.1 at RCPT, a postoffice sender refused 550 5.7.1, a client the access
# map rejects (127.0.0.3) refused; from a postoffice client
# (127.0.0.1, TRUST): the outbound sender and From: rewritten. Then the
# difference: on the native path pogate-milter logged nothing for the
# Internet's mail, on the milter path a line for each (the message to a
# public address accepted at DATA, size=-). And pogate-map's
# switch: spf on, a maxsize or a spoof= other than off (the default tag)
# give every client to the milter.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/mta.sh"
. "$SRCDIR/tests/lib/milter.sh"
. "$SRCDIR/tests/lib/e2e.sh"
mta_use postfix
LDA=${LDA:-$BUILDDIR/lda/pogate-lda}
[ "$(id -u)" = 0 ] || { skip "needs root (Postfix, pogate-lda as user pogate)"; done_testing; exit 0; }
need postfix postconf postmap postqueue smtp-sink swaks ss "$MILTER" "$LDA" "$POGATE_MAP"

sink=$TESTTMP/sink sink_port=$(free_port)
check "smtp-sink listens" e2e_sink_start "$sink" "$sink_port" || diag "$(cat "$sink.log")"
cleanup() { mta_stop; milter_stop; e2e_sink_stop; }
at_exit cleanup

# send PORT FROM TO HELO-ADDR [SWAKS-ARGS]: one message; the transcript on stdout.
send() {
    local port=$1 from=$2 to=$3 src=$4
    shift 4
    swaks --server 127.0.0.1 --port "$port" --local-interface "$src" --from "$from" --to "$to" \
        --header "Subject: $from -> $to" --body "hello $to" "$@" 2>&1
}
# stored STORE PATH: the files delivered under STORE/PATH/new.
stored() { find "$1/$2/new" -type f 2>/dev/null | wc -l; }

# path NAME: one complete run of the checks, on a Postfix of its own.
path() {
    local name=$1 conf=$TESTTMP/$1/conf store=$TESTTMP/$1/store run=$TESTTMP/$1/run
    local mlog=$TESTTMP/$1/milter.log plog=$TESTTMP/$1/pogate.log out f port
    e2e_conf "$conf" "$store" "$run" "$plog" "socket_group = postfix"
    sed -i -e 's/ maxsize=[^ ]*//' -e 's/^[A-Z][^ ]* .*/& spoof=off/' "$conf/postoffices"
    echo "127.0.0.3 REJECT" >>"$conf/access"
    check "$name: pogate-map compiles the demo postoffices" "$POGATE_MAP" -c "$conf"
    check "$name: pogate-milter starts" milter_start "$conf" "$run/milter.sock" "$mlog"
    PF_PORT=$(free_port)
    mta_init "$TESTTMP/$name/postfix" || { not_ok "$name: mta_init"; return; }
    for f in main.cf $([ "$name" = native ] && echo native.cf); do
        sed -e "s|/etc/pogate|$conf|g" -e "s|unix:/run/pogate/milter.sock|unix:$run/milter.sock|g" \
            "$SRCDIR/contrib/postfix/$f" >>"$PF_DIR/etc/main.cf"
    done
    sed -e "s|/etc/pogate|$conf|g" -e "s|/usr/sbin/pogate-lda|$LDA|g" "$SRCDIR/contrib/postfix/master.cf" |
        awk '/^submission/ { skip = 1 } /^[a-z]/ && !/^submission/ { skip = 0 } !skip' >>"$PF_DIR/etc/master.cf"
    pf_conf "mynetworks = 127.0.0.1/32" \
        "default_transport = smtp:[127.0.0.1]:$sink_port" "relay_transport = smtp:[127.0.0.1]:$sink_port"
    check "$name: Postfix starts" mta_start
    port=$PF_PORT

    out=$(send "$port" someone@internet.example john.smith@sales.example.com 127.0.0.2)
    like "$name: a mailbox: accepted" "$out" '<- +250 .*queued as'
    out=$(send "$port" someone@internet.example js@sales.example.com 127.0.0.2)
    like "$name: an alias: accepted" "$out" '<- +250 .*queued as'
    out=$(send "$port" someone@internet.example anything@sales.example.org 127.0.0.2)
    like "$name: a catch-all: accepted" "$out" '<- +250 .*queued as'
    out=$(send "$port" someone@internet.example nobody@sales.example.com 127.0.0.2)
    like "$name: an unknown mailbox: 550 5.1.1 at RCPT" "$out" 'RCPT TO:<nobody@sales.example.com>
<\*\* +550 5\.1\.1 '
    out=$(send "$port" john.smith@sales.example.com someone@other.example 127.0.0.2)
    like "$name: a postoffice sender from the Internet: 550 5.7.1" "$out" '<\*\* +550 5\.7\.1 .*postoffice senders must authenticate'
    # pogate-milter's REJECT at connect makes Postfix refuse the greeting
    # (554, its own text); Postfix's own check refuses at RCPT, 550 5.7.1.
    out=$(send "$port" someone@internet.example john.smith@sales.example.com 127.0.0.3)
    like "$name: a client the access map rejects: refused" "$out" \
        "$([ "$name" = native ] && echo '<\*\* +550 5\.7\.1 .*Access denied' || echo '<\*\* +554 .*not accepting connections')"
    check_fail "$name: ... nothing accepted from it" grep -q 'queued as' <<<"$out"
    out=$(send "$port" jsmith@sales.po friend@internet.example 127.0.0.1)
    like "$name: a postoffice user sends out: accepted" "$out" '<- +250 .*queued as'
    check "$name: the queue empties" mta_wait_queue_empty 60

    is "$name: sales/jsmith has the mailbox's and the alias's message" \
        "$(stored "$store" sales/mailboxes/jsmith)" 2
    is "$name: ... both for the public address" \
        "$(grep -l '^Delivered-To: john.smith@sales.example.com' "$store"/sales/mailboxes/jsmith/new/* 2>/dev/null | wc -l)" 2
    is "$name: sales/inbox has the catch-all's" "$(stored "$store" sales/mailboxes/inbox)" 1
    is "$name: nothing stored for the refused ones" "$(find "$store" -path '*/new/*' -type f | wc -l)" 3
    f=$(grep -l 'friend@internet.example' "$sink"/* 2>/dev/null | tail -1)
    like "$name: the Internet got the user's mail from the public address" \
        "$(grep -E '^(X-Mail-Args|From):' "${f:-/dev/null}")" \
        '<john\.smith@sales\.example\.com>.*
From: John Smith <john\.smith@sales\.example\.com>'
    rm -f "$sink"/*
    MILTER_SEEN=$(grep -c 'from=<someone@internet.example>' "$mlog")
    MILTER_AT_DATA=$(grep 'from=<someone@internet.example>' "$mlog" | grep -c ' size=- ')
    mta_stop
    milter_stop
}

path milter
is "milter path: pogate-milter judged each message it accepted from the Internet" "$MILTER_SEEN" 3
is "... the mailbox's at DATA (nothing to rewrite: no headers, body or end of message sent)" \
    "$MILTER_AT_DATA" 1
path native
is "native path: pogate-milter saw no message from the Internet" "$MILTER_SEEN" 0
c=$TESTTMP/native/conf
is "native path: postmap finds 127.0.0.2 disabled in milter.cidr" \
    "$(postmap -c "$TESTTMP/native/postfix/etc" -q 127.0.0.2 "cidr:$c/milter.cidr")" DISABLE
check_fail "... and not 127.0.0.1, a trusted client" postmap -c "$TESTTMP/native/postfix/etc" -q 127.0.0.1 "cidr:$c/milter.cidr"

# pogate-map's switch: SPF on, or a postoffice with a maxsize, need the milter for every client.
sed -i 's/^SALES .*/& maxsize=10M/' "$c/postoffices"
check "pogate-map compiles a postoffice with a maxsize" "$POGATE_MAP" -c "$c"
is "a postoffice with a maxsize: milter.cidr gives every client to pogate-milter" \
    "$(grep -vc '^#' "$c/milter.cidr"):$(grep -c 'pogate-milter sees every client' "$c/milter.cidr")" "0:1"
sed -i 's/ maxsize=[^ ]*//' "$c/postoffices"
sed -i 's/^spf = .*/spf = header/' "$c/pogate.conf"
"$POGATE_MAP" -c "$c"
is "spf = header: likewise" "$(grep -vc '^#' "$c/milter.cidr")" 0
sed -i 's/^spf = .*/spf = off/' "$c/pogate.conf"
"$POGATE_MAP" -c "$c"
is "spf = off, no maxsize: only trusted clients" "$(grep -c DISABLE "$c/milter.cidr")" 2
sed -i 's/^\(LEGACY .*\) spoof=off/\1 spoof=tag/' "$c/postoffices"
"$POGATE_MAP" -c "$c"
is "one postoffice with spoof=tag: every client to pogate-milter" \
    "$(grep -vc '^#' "$c/milter.cidr"):$(grep -c 'pogate-milter sees every client' "$c/milter.cidr")" "0:1"
sed -i 's/ spoof=[a-z]*//' "$c/postoffices"
"$POGATE_MAP" -c "$c"
is "spoof= left out (the default, tag): likewise" "$(grep -vc '^#' "$c/milter.cidr")" 0
done_testing
