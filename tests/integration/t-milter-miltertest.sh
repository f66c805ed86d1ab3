#!/bin/bash
# t-milter-miltertest.sh - every inbound decision of pogate-milter, driven by
# miltertest (tests/milter/*.lua), with the reply codes checked in the
# milter's log; then reload by SIGUSR1, maps picked up without a signal while
# a session in flight keeps its snapshot, a missing map index tempfails,
# -n, stale socket removal, and a clean SIGTERM stop; then, with spf = off,
# the spoof check at end of headers (eoh.lua).
. "$SRCDIR/tests/lib/tap.sh"
. "$SRCDIR/tests/lib/milter.sh"

if [ ! -x "$MILTER" ]; then skip "pogate-milter not built"; done_testing; exit 0; fi
need miltertest python3 ps
conf=$TESTTMP/conf sock=$TESTTMP/milter.sock log=$TESTTMP/milter.log
trap 'milter_stop' EXIT
milter_conf "$conf" || { not_ok "pogate-map compiles the test maps"; done_testing; exit 1; }
check "pogate-milter -n accepts the test configuration" "$MILTER" -n -c "$conf"

# A stale socket from a crashed run must not stop the start.
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$sock"
check "milter starts (over a stale socket)" milter_start "$conf" "$sock" "$log"
like "stale socket removed" "$(cat "$log")" "removed stale socket"
is "socket owned by user pogate, mode 0660" "$(stat -c '%U %a' "$sock")" "pogate 660"
is "pid file written" "$(cat "$conf/run/milter.pid")" "$MILTER_PID"
is "runs as user pogate" "$(ps -o user= -p "$MILTER_PID" | tr -d ' ')" "pogate"

run_lua() {
    local name=$1 out
    if out=$(miltertest -D sock="unix:$sock" -D lib="$SRCDIR/tests/milter/lib.lua" \
             -s "$SRCDIR/tests/milter/$name.lua" 2>&1); then
        ok "miltertest $name.lua"
    else
        not_ok "miltertest $name.lua"; printf '%s\n' "$out" | sed 's/^/# /'
    fi
}
# has "what" PATTERN: the milter's log holds a line matching PATTERN.
has() { if grep -qE -- "$2" "$log"; then ok "$1"; else not_ok "$1"; diag "no line like: $2"; fi; }

for t in access trust spf rcpt size negotiate rcpt-rewrite; do run_lua "$t"; done

has "access REJECT v4 -> 550 5.7.1" 'reject: CONNECT from rejected4.example.net\[192.0.2.66\]: 550 5.7.1'
has "access REJECT v6 CIDR -> 550 5.7.1" 'reject: CONNECT from rejected6.example.net\[2001:db8:bad::25\]: 550 5.7.1'
has "untrusted PO sender -> 550 5.7.1" 'QSPOOF: reject: MAIL from .*: 550 5.7.1 <john.smith@sales.example.com>'
has "SPF fail -> 550 5.7.23" 'QSPFFAIL: reject: MAIL from .*: 550 5.7.23 <someone@bad.example>'
has "SPF temperror -> 451 4.4.3" 'QSPFTEMP: defer: MAIL from .*: 451 4.4.3 <someone@temp.example>'
has "SPF softfail accepted with the header" 'QSPFSOFT: client=.* spf=softfail .*verdict=accept'
has "trusted client: no SPF" 'QSPFTRUST: client=trusted.example.net\[10.1.9.9\] .*spf=- '
has "client without a verified name logged as unknown[ADDR]" 'QSPFPASS: client=unknown\[192.0.2.10\] .*spf=pass '
has "unknown mailbox -> 550 5.1.1" 'QRCPT: reject: RCPT from .*: 550 5.1.1 <nobody@sales.example.com>'
has "paused PO -> 451 4.2.1" 'QRCPT: defer: RCPT from .*: 451 4.2.1 <admin@paused.example.com>'
has "SIZE over every PO -> 552 5.3.4 at MAIL" 'QSIZEMAIL: reject: MAIL from .*: 552 5.3.4'
has "SIZE over the PO's maxsize -> 552 5.3.4 at RCPT" 'QSIZERCPT: reject: RCPT from .*: 552 5.3.4 <boss@hr.example.com>'
has "counted bytes over maxsize -> 552 5.3.4 at end of message" 'QSIZEEOM: reject: END-OF-MESSAGE from .*: 552 5.3.4'
has "refused action -> 451 4.3.5 at connect" 'defer: CONNECT from half-blind.example.net.*451 4.3.5'
has "tracking line: queue id, client, sender, recipients -> PO/MBX, size, verdict" \
    '^pogate-milter: QREWRITE1: client=rewrite.example.net\[192.0.2.10\] from=<someone@good.example> size=[0-9]+ spf=pass to=<js@sales.example.com>->sales/jsmith=<john.smith@sales.example.com> to=<anything@sales.example.org>->sales/inbox=<inbox@sales.example.com> to=<John.Smith@Sales.Example.com>->sales/jsmith to=<friend@elsewhere.example> verdict=accept$'

# SIGUSR1 reloads pogate.conf: 172.16.0.0/12 becomes trusted.
cat >"$TESTTMP/reload.lua" <<'LUA'
dofile(lib)
local conn = session("172.16.5.5", "reload.example.net")
helo(conn, "reload.example.net")
mail(conn, "QRELOAD", "<john.smith@sales.example.com>")
expect(conn, tonumber(want), "PO sender from 172.16.5.5")
mt.disconnect(conn)
LUA
lua_want() { miltertest -D sock="unix:$sock" -D lib="$SRCDIR/tests/milter/lib.lua" -D want="$1" -s "$TESTTMP/reload.lua" >/dev/null 2>&1; }
check "before reload: 172.16.5.5 untrusted" lua_want 121
sed -i 's|^trusted_networks = .*|trusted_networks = 10.1.0.0/16, 2001:db8:1::/48, 172.16.0.0/12|' "$conf/pogate.conf"
kill -USR1 "$MILTER_PID"
check "SIGUSR1 logged as a reload" wait_for 10 grep -q 'reload: configuration and maps reloaded' "$log"
check "after reload: 172.16.5.5 trusted" lua_want 99

# A broken pogate.conf on reload keeps the running configuration.
echo "no_such_parameter = 1" >>"$conf/pogate.conf"
kill -USR1 "$MILTER_PID"
check "bad reload reported" wait_for 10 grep -q 'keeping the running configuration' "$log"
check "bad reload: old configuration still serves" lua_want 99
sed -i '/^no_such_parameter/d' "$conf/pogate.conf"

# Maps: a new mailbox is picked up without a signal; a session that started
# before keeps its snapshot (and so still refuses it).
cat >"$TESTTMP/snapshot.lua" <<'LUA'
dofile(lib)
local old = session("192.0.2.10", "old-session.example.net")
helo(old, "old-session.example.net")
mt.echo("session-open")
mt.sleep(tonumber(pause))
mail(old, "QSNAPOLD", "<someone@good.example>")
expect(old, SMFIR_CONTINUE, "mail (old)")
rcpt(old, "<newbie@sales.example.com>", SMFIR_REPLYCODE)
mt.disconnect(old)
local new = session("192.0.2.10", "new-session.example.net")
helo(new, "new-session.example.net")
mail(new, "QSNAPNEW", "<someone@good.example>")
expect(new, SMFIR_CONTINUE, "mail (new)")
rcpt(new, "<newbie@sales.example.com>", SMFIR_CONTINUE)
mt.disconnect(new)
LUA
stdbuf -oL miltertest -D sock="unix:$sock" -D lib="$SRCDIR/tests/milter/lib.lua" -D pause=4 \
    -s "$TESTTMP/snapshot.lua" >"$TESTTMP/snapshot.out" 2>&1 &
lua_pid=$!
check "old session open before the maps change" wait_for 10 grep -q session-open "$TESTTMP/snapshot.out"
echo 'SALES/NEWBIE address=newbie@sales.example.com name="New Bie"' >>"$conf/mailboxes"
"$POGATE_MAP" -c "$conf" >/dev/null 2>&1
if wait "$lua_pid"; then ok "maps reloaded by themselves; the session in flight kept its snapshot"
else not_ok "maps reloaded by themselves; the session in flight kept its snapshot"; sed 's/^/# /' "$TESTTMP/snapshot.out"; fi
has "old session: newbie@ unknown" 'reject: RCPT from old-session.example.net.*550 5.1.1 <newbie@sales.example.com>'

milter_stop
is "SIGTERM: clean exit" "$MILTER_STATUS" 0
check "SIGTERM: pid file removed" test ! -e "$conf/run/milter.pid"

# No map index: every connection is tempfailed, never passed blindly.
empty=$TESTTMP/empty
mkdir -p "$empty"; chmod 755 "$empty"
printf 'milter_pid_file = %s/milter.pid\nspf = off\n' "$empty" >"$empty/pogate.conf"
check_fail "pogate-milter -n refuses a directory without maps" "$MILTER" -n -c "$empty"
log=$TESTTMP/empty.log
milter_start "$empty" "$TESTTMP/empty.sock" "$log"
sock=$TESTTMP/empty.sock
cat >"$TESTTMP/nomaps.lua" <<'LUA'
dofile(lib)
local conn = session("192.0.2.10", "nomaps.example.net")
expect(conn, SMFIR_REPLYCODE, "connect without maps")
mt.disconnect(conn)
LUA
check "no maps: connect tempfailed" miltertest -D sock="unix:$sock" -D lib="$SRCDIR/tests/milter/lib.lua" -s "$TESTTMP/nomaps.lua"
has "no maps -> 451 4.3.0" 'defer: CONNECT from nomaps.example.net.*451 4.3.0'
milter_stop

# The spoof check at end of headers (tests/milter/eoh.lua): spf = off, and
# postoffices without a maxsize, one tagging forgeries (the default), one
# refusing them, one letting them be.
conf=$TESTTMP/eoh sock=$TESTTMP/eoh.sock log=$TESTTMP/eoh.log
if milter_conf "$conf" "log_level = debug" && sed -i 's/^spf = reject$/spf = off/' "$conf/pogate.conf" \
    && printf '%s\n' "OPEN domain=open.example.com postmaster=ANNA" \
        "STRICT domain=strict.example.com postmaster=BOSS spoof=reject" \
        "LAX domain=lax.example.com postmaster=ADMIN spoof=off" >>"$conf/postoffices" \
    && printf '%s\n' "OPEN/ANNA address=anna@open.example.com" "STRICT/BOSS address=boss@strict.example.com" \
        "LAX/ADMIN address=admin@lax.example.com" >>"$conf/mailboxes" \
    && "$POGATE_MAP" -c "$conf" >"$conf/pogate-map.log" 2>&1; then
    ok "pogate-map compiles the maps with OPEN, STRICT and LAX"
else
    not_ok "pogate-map compiles the maps with OPEN, STRICT and LAX"; sed 's/^/# /' "$conf/pogate-map.log"
fi
check "milter starts with spf = off" milter_start "$conf" "$sock" "$log"
run_lua eoh
has "nothing forged: accepted at end of headers, size=- (nothing counted)" \
    'QEOHOK: debug: END-OF-HEADERS: spoof check: nothing forged'
has "... one tracking line, size=-" \
    '^pogate-milter: QEOHOK: client=eoh.example.net\[192.0.2.40\] from=<someone@good.example> size=- spf=- to=<anna@open.example.com>->open/anna verdict=accept$'
has "a forgery at a spoof=off PO: accepted there too" 'QEOHOFF: client=.* size=- spf=- .*verdict=accept$'
has "a forgery at STRICT: 550 5.7.1 at end of headers" \
    'QEOHREJ: reject: END-OF-HEADERS from eoh.example.net\[192.0.2.40\]: 550 5.7.1 From: <boss@strict.example.com>'
has "... its tracking line: size=-, spoof=reject, verdict=reject-spoof" \
    'QEOHREJ: client=.* size=- spf=- .*spoof=reject:From=<boss@strict.example.com> verdict=reject-spoof$'
has "a forgery at OPEN: decided at end of headers, tagged at end of message, counted" \
    'QEOHTAG: client=.* size=[0-9]+ spf=- .*spoof=tag:From=<ceo@open.example.com> verdict=accept$'
has "to SALES (a maxsize): undecided at end of headers" \
    'QEOHSIZE: debug: END-OF-HEADERS: on to end of message: a recipient postoffice has a maxsize'
has "... counted at end of message" 'QEOHSIZE: client=.* size=[0-9]+ spf=- .*verdict=accept$'
is "one tracking line per message" "$(grep -cE 'QEOH[A-Z]+: client=' "$log")" 5
milter_stop
is "SIGTERM: clean exit" "$MILTER_STATUS" 0
done_testing
