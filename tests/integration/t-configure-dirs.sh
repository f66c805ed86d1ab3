#!/bin/bash
# t-configure-dirs.sh - configure's directories reach every program.
#
# A tree configured with --with-confdir=DIR and --runstatedir=RUN is built,
# and each program is run without -c: pogate-map compiles DIR, pogate-milter
# -n and pogate-lmtp -n check DIR, pogate-lda delivers with DIR's maps into
# DIR's store, and both daemons, started without -p, listen on their default
# sockets under RUN/pogate (made at start) and write their pid files there.
# A program still reading /etc/pogate or /run/pogate fails here. The tree is
# also configured --without-systemd: the daemons then link no libsystemd and
# run all the same (t-daemon-notify.sh checks the sd_notify of a normal build).
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/lda.sh"

if [ "$(id -u)" != 0 ]; then skip "needs root (pogate-lda runs as user pogate)"; done_testing; exit 0; fi
need make setpriv

confdir=$TESTTMP/pg run=$TESTTMP/run tree=$TESTTMP/build
mkdir -p "$tree" "$run"
flags=$(sed -n 's/^CFLAGS = //p' "$BUILDDIR/Makefile")
if ! (cd "$tree" && "$SRCDIR/configure" --with-confdir="$confdir" --runstatedir="$run" --without-systemd CFLAGS="$flags" &&
      make -j"$(nproc)") >"$TESTTMP/build.log" 2>&1; then
    not_ok "a tree configured with --with-confdir and --runstatedir builds"
    diag "$(tail -20 "$TESTTMP/build.log")"
    done_testing
    exit 1
fi
ok "a tree configured with --with-confdir and --runstatedir builds"
is "config.h names both" "$(sed -n 's/^#define POGATE_\(CONF\|RUN\)DIR //p' "$tree/config.h" | tr '\n' ' ')" "\"$confdir\" \"$run/pogate\" "
check_fail "--without-systemd: no HAVE_LIBSYSTEMD" grep -q '^#define HAVE_LIBSYSTEMD' "$tree/config.h"
is "... neither daemon links libsystemd" "$(ldd "$tree/milter/pogate-milter" "$tree/lda/pogate-lmtp" | grep -c libsystemd)" 0

# The maps and a pogate.conf in DIR; the store beside it.
lda_conf "$confdir" "$TESTTMP/store" "user = pogate" >/dev/null
rm -f "$confdir"/*.cdb
check "pogate-map without -c compiles DIR" "$tree/maps/pogate-map"
check "... index.cdb is in DIR" test -s "$confdir/index.cdb"

out=$("$tree/milter/pogate-milter" -n 2>&1)
like "pogate-milter -n without -c checks DIR" "$?:$out" "^0:.*$confdir: configuration and maps are valid"
check "pogate-lmtp -n without -c checks DIR" "$tree/lda/pogate-lmtp" -n

LDA=$tree/lda/pogate-lda
printf 'Subject: t\n\nhello\n' >"$TESTTMP/msg"
out=$("${AS_POGATE[@]}" "$LDA" -f a@b.example -- john.smith@sales.example.com <"$TESTTMP/msg" 2>&1)
like "pogate-lda without -c delivers with DIR's maps" "$?:$out" "^0:2\.0\.0"
is "... into DIR's store" "$(lda_files "$TESTTMP/store" sales/mailboxes/jsmith/new | wc -l)" 1

# The daemons' defaults: sockets and pid files under RUN/pogate, which they make.
for d in milter lmtp; do
    prog=$tree/milter/pogate-milter
    [ $d = lmtp ] && prog=$tree/lda/pogate-lmtp
    "$prog" -f >"$TESTTMP/$d.log" 2>&1 &
    pid=$!
    if wait_for 30 grep -q "ready: listening on unix:$run/pogate/$d.sock" "$TESTTMP/$d.log"; then
        ok "pogate-$d without -c or -p listens on unix:RUN/pogate/$d.sock"
    else
        not_ok "pogate-$d without -c or -p listens on unix:RUN/pogate/$d.sock"
        diag "$(cat "$TESTTMP/$d.log")"
    fi
    check "... the socket is there" test -S "$run/pogate/$d.sock"
    is "... its pid file says its pid" "$(cat "$run/pogate/$d.pid" 2>&1)" "$pid"
    kill -TERM "$pid"
    wait "$pid"
    is "... SIGTERM: exit 0, pid file and socket gone (the counters stay)" "$?:$(ls -A "$run/pogate")" "0:counters"
done
is "RUN/pogate was made for user pogate" "$(stat -c %U "$run/pogate")" pogate
done_testing
