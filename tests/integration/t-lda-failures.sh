#!/bin/bash
# t-lda-failures.sh - pogate-lda when things go wrong: run as root, store not
# writable, disk full (a small tmpfs mounted here), path tricks in recipients
# and maps, symbolic links planted in the store, time limit, file size limit,
# broken configuration. Every failure must be 75 (or a definite 5.X.X), with a
# status line, and must leave nothing in new/ or tmp/.
. "$(dirname "$0")/../lib/tap.sh"
. "$SRCDIR/tests/lib/lda.sh"

[ -x "$LDA" ] || { echo "1..0 # skip pogate-lda not built"; exit 0; }
need mount umount
chmod 755 "$TESTTMP"
C=$TESTTMP/conf S=$TESTTMP/store
lda_conf "$C" "$S" || { not_ok "config"; done_testing; exit 1; }
M=$TESTTMP/msg
printf 'Subject: t\n\nbody\n' >"$M"
nothing_stored() { [ -z "$(find "$S" -type f 2>/dev/null)" ]; }

# Root: a root-run LDA is a misconfiguration.
OUT=$("$LDA" -c "$C" -f a@example.org -- john.smith@sales.example.com <"$M" 2>&1); RC=$?
is "as root: 75" "$RC" 75
like "as root: clear 4.X.X line" "$OUT" "^4\.3\.5 pogate-lda: refusing to run as root"
check "as root: nothing stored" nothing_stored

# Store root not writable by pogate.
chown root "$S"; chmod 755 "$S"
lda_run "$C" -f a@example.org -- john.smith@sales.example.com <"$M"
is "store unwritable: 75" "$LDA_RC" 75
is "store unwritable: status" "$LDA_OUT" "4.3.0 store: Permission denied"
chown pogate "$S"
# A mailbox's tmp/ not writable (e.g. wrong owner after a restore).
lda_run "$C" -f a@example.org -- john.smith@sales.example.com <"$M"
rm -f "$S"/sales/mailboxes/jsmith/new/*
chown root "$S/sales/mailboxes/jsmith/tmp"
lda_run "$C" -f a@example.org -- john.smith@sales.example.com <"$M"
is "tmp/ unwritable: 75 4.3.0" "$LDA_RC ${LDA_OUT%% *}" "75 4.3.0"
chown pogate "$S/sales/mailboxes/jsmith/tmp"
check "tmp/ unwritable: nothing stored" nothing_stored

# Store missing entirely: never created by the LDA.
C3=$TESTTMP/conf-nostore
lda_conf "$C3" "$TESTTMP/store3" "store = $TESTTMP/no-such-store"
lda_run "$C3" -f a@example.org -- john.smith@sales.example.com <"$M"
is "missing store root: 75 4.3.0" "$LDA_RC ${LDA_OUT%% *}" "75 4.3.0"
check "missing store root: not created" test ! -e "$TESTTMP/no-such-store"

# Disk full: a 1 MB tmpfs as the store.
F=$TESTTMP/full
mkdir -p "$F"
if mount -t tmpfs -o size=1m,mode=0755 tmpfs "$F" 2>/dev/null; then
    trap 'umount "$F" 2>/dev/null; rm -rf "$TESTTMP"' EXIT
    chown pogate "$F"
    CF=$TESTTMP/conf-full
    lda_conf "$CF" "$F" "store = $F"
    head -c 900000 /dev/urandom | base64 >"$TESTTMP/big"
    lda_run "$CF" -f a@example.org -- john.smith@sales.example.com <"$TESTTMP/big"
    is "disk full: 75" "$LDA_RC" 75
    is "disk full: status" "$LDA_OUT" "4.3.1 store: No space left on device"
    is "disk full: nothing in new/ or tmp/" "$(find "$F" -type f)" ""
    lda_run "$CF" -f a@example.org -- john.smith@sales.example.com <"$M"
    is "disk full: a small message still fits afterwards" "$LDA_RC" 0
    umount "$F"
else
    skip "disk full (cannot mount tmpfs)"
fi

# Path tricks in recipients: the local part never becomes a path.
for r in '../x@sales.example.com' '../../etc/passwd@sales.example.com' 'a/b@sales.example.com' \
    '.@sales.example.com' 'jsmith/../admin@sales.example.com'; do
    lda_run "$C" -f a@example.org -- "$r" <"$M"
    is "recipient $r: 67 5.1.1" "$LDA_RC ${LDA_OUT%% *}" "67 5.1.1"
done
lda_run "$C" -f a@example.org -- 'x@../sales.example.com' <"$M"
like "domain ../sales.example.com: refused, not delivered" "$LDA_RC ${LDA_OUT%% *}" "^(69 5\.1\.3|75 4\.3\.5)$"
check "path tricks: nothing stored" nothing_stored
check "path tricks: no stray directories" test "$(find "$S" -mindepth 1 -maxdepth 1 | sed "s|$S/||" | sort | tr '\n' ' ')" = "sales "

# Names with '/' or '..' in the maps: pogate-map refuses them.
C4=$TESTTMP/conf-badname
mkdir -p "$C4"; cp "$SRCDIR"/tests/lda/conf/* "$C4"/
echo 'SALES/A/B address=ab@sales.example.com' >>"$C4/mailboxes"
check_fail "pogate-map refuses mailbox name A/B" "$POGATE_MAP" -c "$C4"
sed -i '$d' "$C4/mailboxes"; echo 'SALES/.. address=dd@sales.example.com' >>"$C4/mailboxes"
check_fail "pogate-map refuses mailbox name .." "$POGATE_MAP" -c "$C4"

# Symbolic links planted in the store are never followed.
rm -rf "${S:?}"/*
T=$TESTTMP/target
mkdir -p "$T/new" "$T/tmp" "$T/cur"; chown -R pogate "$T"
mkdir -p "$S/sales/mailboxes"; chown -R pogate "$S/sales"
ln -s "$T" "$S/sales/mailboxes/jsmith"
lda_run "$C" -f a@example.org -- john.smith@sales.example.com <"$M"
is "symlinked mailbox: 75 4.3.0" "$LDA_RC ${LDA_OUT%% *}" "75 4.3.0"
is "symlinked mailbox: nothing written through it" "$(find "$T" -type f)" ""
rm "$S/sales/mailboxes/jsmith"
mkdir -p "$S/sales/mailboxes/admin"; ln -s "$T/new" "$S/sales/mailboxes/admin/new"; chown -R pogate "$S/sales"
lda_run "$C" -f a@example.org -- admin@sales.example.com <"$M"
is "symlinked new/: 75 4.3.0" "$LDA_RC ${LDA_OUT%% *}" "75 4.3.0"
is "symlinked new/: nothing written through it" "$(find "$T" -type f)" ""
mv "$S/sales" "$TESTTMP/sales-real"; ln -s "$TESTTMP/sales-real" "$S/sales"
lda_run "$C" -f a@example.org -- inbox@sales.example.com <"$M"
is "symlinked PO directory: 75 4.3.0" "$LDA_RC ${LDA_OUT%% *}" "75 4.3.0"
is "symlinked PO directory: nothing written" "$(find "$TESTTMP/sales-real" -type f)" ""
rm "$S/sales"
check "symlinks: nothing in the store" nothing_stored

# Time limit below the MTA's: a sender that never finishes.
CT=$TESTTMP/conf-time
lda_conf "$CT" "$S" "lda_time_limit = 1s"
RES=$( (printf 'Subject: slow\n\n'; sleep 4) | (
    s=$SECONDS
    "${AS_POGATE[@]}" "$LDA" -c "$CT" -f a@example.org -- john.smith@sales.example.com 2>&1
    echo "rc=$? t=$((SECONDS - s))"))
like "time limit: 75 with a status line" "$RES" "^4\.3\.0 pogate-lda: time limit exceeded.*
rc=75 "
like "time limit: gave up after about 1 s, before the input ended" "$RES" "t=[12]\$"
find "$S" -path "$S/*/tmp/*" -type f -delete
check "time limit: nothing in new/" test -z "$(find "$S" -path "$S/*/new/*" -type f)"

# File size limit (RLIMIT_FSIZE): EFBIG, not death by SIGXFSZ.
head -c 200000 /dev/zero | tr '\0' 'z' >"$TESTTMP/200k"
OUT=$(prlimit --fsize=65536 "${AS_POGATE[@]}" "$LDA" -c "$C" -f a@example.org -- john.smith@sales.example.com <"$TESTTMP/200k" 2>&1); RC=$?
is "RLIMIT_FSIZE: 75 4.3.4" "$RC ${OUT%% *}" "75 4.3.4"
check "RLIMIT_FSIZE: nothing stored" nothing_stored

# Broken configuration or maps: 75, never a bounce.
CB=$TESTTMP/conf-broken
lda_conf "$CB" "$S" "no_such_parameter = 1"
lda_run "$CB" -f a@example.org -- john.smith@sales.example.com <"$M"
is "unknown pogate.conf parameter: 75 4.3.5" "$LDA_RC ${LDA_OUT%% *}" "75 4.3.5"
CN=$TESTTMP/conf-nomaps
mkdir -p "$CN"; printf 'store = %s\n' "$S" >"$CN/pogate.conf"
lda_run "$CN" -f a@example.org -- john.smith@sales.example.com <"$M"
is "no index.cdb: 75 4.3.0" "$LDA_RC ${LDA_OUT%% *}" "75 4.3.0"
lda_run "$C" -f a@example.org <"$M"
is "no recipient: 75" "$LDA_RC" 75
check "failures: nothing stored" nothing_stored

# The all-or-nothing undo never removes a file an earlier attempt stored. The
# retry of a delivery to jsmith and admin finds jsmith's file there (EEXIST)
# while admin's new/ refuses the link (root's, mode 755: pogate may not write
# there, a failure after the first links as deterministic as a directory fsync
# error): everything this run linked is undone, jsmith's file must stay.
{ printf 'Received: by relay.example (Postfix) with ESMTP id 4UNDO1;\n'
  printf '\tWed, 25 Nov 2026 10:57:09 +0000 (UTC)\nSubject: undo\n\nbody\n'; } >"$TESTTMP/undo"
two=(-q 4UNDO1 -f a@example.org -- john.smith@sales.example.com admin@sales.example.com)
lda_run "$C" "${two[@]}" <"$TESTTMP/undo"
is "undo: first attempt delivered to both" "$LDA_RC" 0
J=$(find "$S/sales/mailboxes/jsmith/new" -type f)
rm -f "$S"/sales/mailboxes/admin/new/*
chown root "$S/sales/mailboxes/admin/new"; chmod 755 "$S/sales/mailboxes/admin/new"
lda_run "$C" "${two[@]}" <"$TESTTMP/undo"
is "undo: the retry fails as a whole, 75 4.3.0" "$LDA_RC ${LDA_OUT%% *}" "75 4.3.0"
is "undo: jsmith's file from the first attempt is still there" "$(find "$S/sales/mailboxes/jsmith/new" -type f)" "$J"
like "undo: the retry had found it" "$(cat "$C/lda.log")" "4UNDO1: sales/jsmith: .* already in new/"
is "undo: nothing in admin" "$(find "$S/sales/mailboxes/admin/new" -type f)" ""
chown pogate "$S/sales/mailboxes/admin/new"
lda_run "$C" "${two[@]}" <"$TESTTMP/undo"
is "undo: the next retry delivers" "$LDA_RC" 0
is "undo: still jsmith's one file, admin has its copy" \
    "$(find "$S/sales/mailboxes/jsmith/new" -type f; find "$S/sales/mailboxes/admin/new" -type f | wc -l)" "$J
1"
is "undo: nothing in any tmp/" "$(find "$S" -path "$S/*/tmp/*" -type f)" ""

done_testing
