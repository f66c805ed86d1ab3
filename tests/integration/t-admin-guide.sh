#!/bin/bash
# t-admin-guide.sh - every command of the administrator's guide, doc/pogate.7,
# taken from the page itself: the example blocks (.EX/.EE) are read, each line
# starting with "# " is a command, the lines after it what it prints. Each
# command runs here, in order, with /etc/pogate and /var/spool/pogate moved
# under TESTTMP and this build's programs first in PATH, and must exit 0 and
# print exactly what the page shows. The commands that change the system
# (packages, make install, systemctl, the system's Postfix) are listed below
# by their exact text; a command that is neither run nor listed fails. The
# page's log example is checked against the lines pogate-lda writes.
. "$SRCDIR/tests/lib/tap.sh"

page=$SRCDIR/doc/pogate.7
for p in maps/pogate-map maps/pogate-po lda/pogate-lda lda/pogate-lmtp milter/pogate-milter; do
    if [ ! -x "$BUILDDIR/$p" ]; then skip "$p not built"; done_testing; fi
done
if [ "$(id -u)" != 0 ]; then skip "needs root"; done_testing; fi
need runuser postfix postqueue

# Not run here: they install or start things on the host (t-build.sh covers
# make install and the units; t-e2e-postfix.sh the contrib/postfix files).
system_only=(
    "apt-get install build-essential pkg-config libmilter-dev libcdb-dev libspf2-dev"
    "./configure --prefix=/usr && make && make install"
    "systemd-sysusers"
    "systemctl enable --now pogate-milter"
    "systemctl enable --now pogate-notify.timer"
    "postfix check && postfix reload"
    "postqueue -f"
)
# Run, but their output is the system's log: checked below.
log_cmd="grep 4ABC123 /var/log/mail.log"

conf=$TESTTMP/etc/pogate store=$TESTTMP/var/spool/pogate log=$TESTTMP/mail.log
mkdir -p "$conf" "$TESTTMP/bin" "$TESTTMP/var/spool"
chmod 755 "$TESTTMP/etc" "$conf" "$TESTTMP/bin" "$TESTTMP/var" "$TESTTMP/var/spool"
cp "$SRCDIR"/contrib/demo/conf/* "$conf"/
printf 'store = %s\nlog_file = %s\nhold_dir = %s\n' "$store" "$log" "$TESTTMP/hold" >"$conf/pogate.conf"
: >"$log" && chown pogate "$log"
for p in maps/pogate-map maps/pogate-po lda/pogate-lda lda/pogate-lmtp milter/pogate-milter; do
    ln -s "$BUILDDIR/$p" "$TESTTMP/bin/"
done
export PATH="$TESTTMP/bin:$PATH"
check "the demo maps compile" pogate-map -c "$conf"

# The example blocks of the page, troff escapes undone: "C<TAB>command" and
# "O<TAB>output" lines; "B" between blocks.
blocks=$(awk '
    /^\.EX/ { inex = 1; print "B"; next }
    /^\.EE/ { inex = 0; next }
    inex {
        gsub(/\\-/, "-"); gsub(/\\e/, "\\")
        if (substr($0, 1, 2) == "# ") print "C\t" substr($0, 3); else print "O\t" $0
    }' "$page")
ncmd=$(printf '%s\n' "$blocks" | grep -c '^C')
check "the page has commands" test "$ncmd" -ge 20

here() { local s=${1//\/etc\/pogate/$conf}; printf '%s' "${s//\/var\/spool\/pogate/$store}"; }

unknown= cmd= want= ran=0 page_log=
finish() {
    [ -n "$cmd" ] || return 0
    local c=$cmd w=$want got
    cmd= want=
    if [ "$c" = "$log_cmd" ]; then page_log=$w; return 0; fi
    for s in "${system_only[@]}"; do [ "$c" = "$s" ] && return 0; done
    case $c in
        pogate-* | echo\ * | sed\ * | printf\ * | install\ *) ;;
        *) unknown+="$c"$'\n'; return 0 ;;
    esac
    got=$(bash -c "$(here "$c")" 2>&1)
    is "page: $c" "$got" "$(here "$w")"
    ran=$((ran + 1))
    after_cmd "$c"
}

# What each step must have done besides its output.
after_cmd() {
    case $1 in
        install\ *)
            is "store root owned by pogate" "$(stat -c %U "$store")" pogate ;;
        "pogate-po -c /etc/pogate pause HR")
            like "HR marked paused in the text map" "$(grep '^HR ' "$conf/postoffices")" 'state=paused$' ;;
        *pogate-lda*)
            n=$(find "$store/hr/mailboxes/boss/new" -type f 2>/dev/null | wc -l)
            if grep -q 'state=paused' "$conf/postoffices"; then
                is "paused: nothing in HR/BOSS" "$n" 0
            else
                is "resumed: the message in HR/BOSS once" "$n" 1
                f=$(find "$store/hr/mailboxes/boss/new" -type f | head -1)
                like "Return-Path of the sender" "$(head -1 "$f")" '^Return-Path: <root@relay\.example\.com>$'
            fi ;;
    esac
}

while IFS= read -r line; do
    case $line in
        B) finish ;;
        C$'\t'*) finish; cmd=${line#C$'\t'} ;;
        O$'\t'*) [ -z "$cmd" ] || want+=${want:+$'\n'}${line#O$'\t'} ;;
    esac
done <<<"$blocks"
finish
is "every command of the page is run or listed as system-only" "$unknown" ""
check "most commands run here" test "$ran" -ge 14

# The log example: a delivery with the example's queue id, Postfix's Received
# header naming it (so the file gets its deterministic name), addresses (the
# recipient as the milter left it: the mailbox's own address), then the page's pogate-lda line against the one written (time, pid, size
# and file name aside).
{ printf 'Received: from mail.example.org (mail.example.org [198.51.100.7])\n'
  printf '\tby relay.example.com (Postfix) with ESMTP id 4ABC123\n'
  printf '\tfor <anna@hr.example.com>; Wed, 25 Nov 2026 08:58:46 +0000 (UTC)\n'
  printf 'Subject: log example\n\nhello\n'; } |
    runuser -u pogate -- pogate-lda -c "$conf" -q 4ABC123 -f someone@example.org -- anna.berg@hr.example.com >/dev/null
norm() { sed -E 's/^.*(pogate-[a-z]+)\[[0-9]+\]: /\1: /; s/size=[0-9]+/size=N/; s|/new/[^ ]*,S=[0-9]+|/new/FILE|'; }
got=$(grep 4ABC123 "$log" | norm)
want=$(printf '%s\n' "$page_log" | grep 'pogate-lda\[' | norm)
is "the page's pogate-lda log line is what pogate-lda writes" "$got" "$(here "$want")"
like "the page's milter line has the tracking-line form" "$(printf '%s\n' "$page_log" | grep 'pogate-milter\[')" \
    'pogate-milter\[[0-9]+\]: 4ABC123: client=[^ ]+\[[0-9.]+\] from=<[^>]*> size=[0-9]+ spf=[a-z]+ to=<[^>]+>->hr/anna=<anna\.berg@hr\.example\.com> verdict=accept$'
check "every log line of the example has the queue id" \
    test "$(printf '%s\n' "$page_log" | grep -vc ': 4ABC123: ')" -eq 0
done_testing
