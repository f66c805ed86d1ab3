#!/bin/bash
# t-check-dns.sh - pogate-check against a real DNS server: unbound on
# 127.0.0.1:53 inside a network namespace this test creates (its own
# loopback, /etc/netns/NAME/resolv.conf naming that server), serving a test
# zone; pogate-check runs inside it with `ip netns exec`, so no question
# reaches another DNS server, and the namespace, its resolv.conf and the
# server are removed at the end.
# The zone: good.test (MX the relay host, whose A/AAAA are relay_addresses,
# SPF permits both), its alias domain good-alias.test (the same), wrong.test
# (MX a foreign host, SPF that permits another network), missing.test (no
# such domain), nullmx.test (RFC 7505), implicit.test (no MX, an A that is a
# relay address), slow.test, delegated to a server that takes every
# question and answers none, and spfslow.test, whose SPF includes a name
# there.
# Checked: one line per domain and finding, OK/WARN/FAIL as the rules say;
# exit 1 on FAIL, 0 when only good.test is asked; the unanswered domain is a
# FAIL within check_domain_time, not a hang; relay_hosts unset is an error.
. "${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
CHECK=$BUILDDIR/maps/pogate-check POGATE_MAP=$BUILDDIR/maps/pogate-map
if [ "$(id -u)" != 0 ]; then skip "needs root (a network namespace)"; done_testing; fi
need unbound ip python3
for p in "$CHECK" "$POGATE_MAP"; do [ -x "$p" ] || { skip "$p not built"; done_testing; }; done

ns=pogate-dns-$$ dns=$TESTTMP/dns conf=$TESTTMP/conf
UNBOUND_PID='' HOLE_PID=''
# Stop PID (a process this test started) and wait until it is gone.
stop_pid() {
    [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 0
    kill "$1" 2>/dev/null
    wait_for 10 bash -c "! kill -0 $1 2>/dev/null" || kill -9 "$1" 2>/dev/null
}
cleanup() {
    stop_pid "$UNBOUND_PID"
    stop_pid "$HOLE_PID"
    ip netns delete "$ns" 2>/dev/null
    rm -rf "/etc/netns/$ns"
}
at_exit cleanup
check "a network namespace of our own" ip netns add "$ns"
in_ns() { ip netns exec "$ns" "$@"; }
check "... its loopback up" in_ns ip link set lo up
mkdir -p "/etc/netns/$ns" "$dns"
printf 'nameserver 127.0.0.1\n' >"/etc/netns/$ns/resolv.conf"

# The black hole: a UDP socket on 127.0.0.2:53 that takes questions and never
# answers (no ICMP either, as a closed port would give).
ip netns exec "$ns" python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.2", 53))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM); t.bind(("127.0.0.2", 53)); t.listen(64)
time.sleep(600)' >/dev/null 2>&1 &
HOLE_PID=$!
cat >"$dns/unbound.conf" <<CONF
server:
    interface: 127.0.0.1
    port: 53
    username: ""
    chroot: ""
    directory: "$dns"
    pidfile: "$dns/unbound.pid"
    use-syslog: no
    logfile: "$dns/unbound.log"
    verbosity: 1
    module-config: "iterator"
    do-not-query-localhost: no
    access-control: 127.0.0.0/8 allow
    local-zone: "test." static
    local-data: "mx1.relay.test. A 192.0.2.25"
    local-data: "mx1.relay.test. AAAA 2001:db8::25"
    local-data: "good.test. MX 10 mx1.relay.test."
    local-data: 'good.test. TXT "v=spf1 ip4:192.0.2.25 ip6:2001:db8::25 -all"'
    local-data: "good-alias.test. MX 10 mx1.relay.test."
    local-data: 'good-alias.test. TXT "v=spf1 include:good.test -all"'
    local-data: "wrong.test. MX 10 mail.elsewhere.test."
    local-data: "mail.elsewhere.test. A 198.51.100.7"
    local-data: 'wrong.test. TXT "v=spf1 ip4:198.51.100.0/24 -all"'
    local-data: "nullmx.test. MX 0 ."
    local-data: 'nullmx.test. TXT "v=spf1 -all"'
    local-data: "implicit.test. A 192.0.2.25"
    local-data: 'implicit.test. TXT "v=spf1 a -all"'
    local-data: "spfslow.test. MX 10 mx1.relay.test."
    local-data: 'spfslow.test. TXT "v=spf1 include:spf.slow.test -all"'
    local-zone: "slow.test." transparent
stub-zone:
    name: "slow.test."
    stub-addr: 127.0.0.2
remote-control:
    control-enable: no
CONF
check "unbound's configuration is valid" bash -c "unbound-checkconf '$dns/unbound.conf' >/dev/null"
ip netns exec "$ns" unbound -d -c "$dns/unbound.conf" >"$dns/unbound.out" 2>&1 &
UNBOUND_PID=$!
ready() { in_ns python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.5)
s.sendto(bytes.fromhex("1234010000010000000000000467 6f6f 6404 7465 7374 0000 0f00 01".replace(" ", "")), ("127.0.0.1", 53))
sys.exit(0 if s.recv(512)[:2] == b"\x124" else 1)' 2>/dev/null; }
check "unbound answers in the namespace" wait_for 20 ready
is "... it is the process started here (ip netns exec runs it in place)" "$(cat "$dns/unbound.pid" 2>/dev/null)" "$UNBOUND_PID"

# The postoffices: one per domain, good-alias.test an alias domain of GOOD.
mkdir -p "$conf"
cat >"$conf/postoffices" <<'MAP'
GOOD      domain=good.test alias_domains=good-alias.test postmaster=PM
WRONG     domain=wrong.test postmaster=PM
MISSING   domain=missing.test postmaster=PM
NULLMX    domain=nullmx.test postmaster=PM
IMPLICIT  domain=implicit.test postmaster=PM
SLOW      domain=slow.test postmaster=PM
SPFSLOW   domain=spfslow.test postmaster=PM
MAP
for po in good wrong missing nullmx implicit slow spfslow; do echo "$po/PM address=pm@$po.test"; done >"$conf/mailboxes"
cat >"$conf/pogate.conf" <<CONF
store = $TESTTMP/store
relay_hosts = mx1.relay.test
relay_addresses = 192.0.2.25, 2001:db8::25
check_dns_timeout = 1s
check_dns_attempts = 1
check_domain_time = 10s
CONF
check "the postoffices compile" "$POGATE_MAP" -c "$conf"

start=$(date +%s)
out=$(in_ns "$CHECK" -c "$conf" 2>&1); rc=$?
took=$(($(date +%s) - start))
diag "pogate-check on the test zone (exit $rc, ${took}s):"
while IFS= read -r l; do diag "  $l"; done <<<"$out"
is "exit 1: there are FAIL findings" "$rc" 1
grep_is() { is "$1" "$(grep -F -- "$2" <<<"$out")" "$3"; }
grep_is "good.test: the MX is the relay host with its addresses" "good.test: MX 10" \
    "OK   good.test: MX 10 mx1.relay.test: relay host, 192.0.2.25 2001:db8::25"
grep_is "... SPF permits the IPv4 relay address" "good.test: SPF permits 192.0.2.25" \
    "OK   good.test: SPF permits 192.0.2.25 (pass)"
grep_is "... and the IPv6 one" "good.test: SPF permits 2001" "OK   good.test: SPF permits 2001:db8::25 (pass)"
is "... nothing else about good.test" "$(grep -c ' good\.test: ' <<<"$out")" 3
is "the alias domain is checked too, all OK" "$(grep ' good-alias\.test: ' <<<"$out" | grep -vc '^OK ')" 0
like "... through SPF's include:" "$out" "^OK   good-alias\\.test: SPF permits 192\\.0\\.2\\.25 \\(pass\\)$"
grep_is "wrong.test: a foreign MX" "wrong.test: MX" "WARN wrong.test: MX 10 mail.elsewhere.test: not a relay host (198.51.100.7)"
grep_is "... no MX host is a relay host" "wrong.test: no MX" "FAIL wrong.test: no MX host is a relay host"
grep_is "... SPF does not permit the relay addresses" "wrong.test: SPF" \
    "FAIL wrong.test: SPF does not permit 192.0.2.25 (fail)
FAIL wrong.test: SPF does not permit 2001:db8::25 (fail)"
grep_is "missing.test: no such domain" "missing.test" "FAIL missing.test: the domain does not exist (NXDOMAIN)"
like "nullmx.test: the null MX flagged" "$out" "^FAIL nullmx\\.test: null MX \\(RFC 7505\\)"
like "implicit.test: no MX, its own A a relay address: WARN" "$out" \
    "^WARN implicit\\.test: no MX record: mail goes to its own address 192\\.0\\.2\\.25, a relay address"
like "... SPF's a mechanism permits it" "$out" "^OK   implicit\\.test: SPF permits 192\\.0\\.2\\.25 \\(pass\\)$"
grep_is "slow.test: the unanswered question is a finding" " slow.test:" \
    "FAIL slow.test: MX: no answer within 1s x 1 (DNS timeout)"
like "spfslow.test: SPF whose include: is never answered: temperror, a FAIL (libspf2 gets the bounds)" "$out" \
    "^FAIL spfslow\\.test: SPF does not permit 192\\.0\\.2\\.25 \\(temperror"
check "... within the bounds (all domains in under 10 s; took ${took}s)" test "$took" -lt 10
is "every line is LEVEL DOMAIN: finding" "$(grep -cvE '^(OK  |WARN|FAIL) [a-z0-9.-]+: .' <<<"$out")" 0

out=$(in_ns "$CHECK" -c "$conf" good.test 2>&1); rc=$?
is "only good.test asked: exit 0" "$rc" 0
is "... its three lines" "$(grep -c '^OK   good\.test: ' <<<"$out")" 3

# Without relay_addresses: the relay host's own A/AAAA.
sed -i '/^relay_addresses/d' "$conf/pogate.conf"
out=$(in_ns "$CHECK" -c "$conf" good.test 2>&1); rc=$?
is "relay addresses from the relay host's A/AAAA: the same verdict" "$rc:$(grep -c '^OK ' <<<"$out")" "0:3"
sed -i '/^relay_hosts/d' "$conf/pogate.conf"
out=$(in_ns "$CHECK" -c "$conf" 2>&1); rc=$?
is "relay_hosts unset: exit 1" "$rc" 1
like "... says so" "$out" "pogate.conf: relay_hosts is not set"
cleanup
check "the namespace is gone" bash -c "! ip netns list | grep -qw '$ns'"
check "... its resolv.conf too" test ! -e "/etc/netns/$ns"
check "... and the DNS server" bash -c "! kill -0 $UNBOUND_PID 2>/dev/null"
done_testing
