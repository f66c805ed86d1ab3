#!/bin/bash
# t-milter-valgrind.sh - 200 sessions through pogate-milter under valgrind
# memcheck: no definite or indirect leak, no memory error, on every path a
# session can take (accepted, rejected at connect, at MAIL, at RCPT, at end
# of message, aborted). VALGRIND_SESSIONS overrides the count.
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/milter.sh"

if [ ! -x "$MILTER" ]; then skip "pogate-milter not built"; done_testing; exit 0; fi
if grep -q 'fsanitize' "$BUILDDIR/config.log" 2>/dev/null; then skip "sanitizer build: valgrind cannot run it"; done_testing; exit 0; fi
need valgrind miltertest setpriv
n=${VALGRIND_SESSIONS:-200}
conf=$TESTTMP/conf run=$TESTTMP/run
milter_conf "$conf" || { not_ok "pogate-map compiles the test maps"; done_testing; exit 1; }
mkdir -p "$run" && chown pogate "$run"
vglog=$run/valgrind.log log=$TESTTMP/milter.log
# Started as the daemon user (setpriv execs, no process in between), so valgrind can write its log.
as_user=
[ "$(id -u)" = 0 ] && as_user="setpriv --reuid=pogate --regid=pogate --init-groups"
$as_user valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --show-leak-kinds=definite,indirect --error-exitcode=99 --log-file="$vglog" \
    "$MILTER" -f -c "$conf" -p "unix:$run/milter.sock" >"$log" 2>&1 &
pid=$!
check "milter starts under valgrind" wait_for 60 grep -q 'ready:' "$log"

lua() { miltertest -D sock="unix:$run/milter.sock" -D lib="$SRCDIR/tests/milter/lib.lua" -D n="$2" -s "$SRCDIR/tests/milter/$1.lua" >"$TESTTMP/$1.out" 2>&1; }
each=$(( n / 10 ))
check "$((each * 8)) accepted sessions" lua traffic $((each * 8))
ok_all=1
for i in $(seq 1 $((each / 2))); do
    for t in access trust spf rcpt size rcpt-rewrite negotiate; do lua "$t" 1 || ok_all=0; done
done
if [ "$ok_all" = 1 ]; then ok "rejecting and rewriting sessions"; else not_ok "rejecting and rewriting sessions"; fi
# An MTA that drops the connection mid-message.
cat >"$TESTTMP/drop.lua" <<'LUA'
dofile(lib)
for i = 1, tonumber(n) do
    local conn = session("192.0.2.10", "drop.example.net")
    helo(conn, "drop.example.net")
    mail(conn, "QDROP", "<someone@good.example>")
    rcpt(conn, "<js@sales.example.com>", SMFIR_CONTINUE)
    mt.abort(conn)
    mail(conn, "QDROP2", "<someone@good.example>")
    rcpt(conn, "<js@sales.example.com>", SMFIR_CONTINUE)
    mt.disconnect(conn, false)
end
LUA
check "aborted and dropped sessions" miltertest -D sock="unix:$run/milter.sock" -D lib="$SRCDIR/tests/milter/lib.lua" -D n="$each" -s "$TESTTMP/drop.lua"
sessions=$(grep -c 'verdict=' "$log")
diag "$sessions messages tracked"
kill -USR1 "$pid"
wait_for 20 grep -q 'reload:' "$log"
kill -TERM "$pid"
wait "$pid"
status=$?
is "valgrind: no leak and no memory error (exit status)" "$status" 0
like "valgrind: no definite leak" "$(cat "$vglog")" 'definitely lost: 0 bytes|no leaks are possible'
[ "$status" = 0 ] || sed -n '/definitely\|Invalid\|uninitialised/,+12p' "$vglog" | head -60 | sed 's/^/# /'
done_testing
