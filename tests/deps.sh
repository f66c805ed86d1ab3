#!/bin/sh
# deps.sh - install everything pogate needs to build, test and demo on Debian 12.
#
# Run as root. Idempotent: packages already present are left alone, and the
# private sendmail is unpacked only once. Used by tests/run, contrib/demo/run
# and tests/bench/run; a fresh Debian 12 (bookworm) with nothing installed by
# hand is enough (.ci/run proves it on every run).
#
# - The packages are in the table below, each with the commands the suite,
#   the benchmarks and the demo call from it; after the install every one of
#   them must be there, or deps.sh fails naming the package. Tests check the
#   commands they call with `need` (tests/lib/tap.sh), which names the package
#   from this table.
# - Installing starts no system service: a policy-rc.d that refuses every
#   start stands for the install (a fresh machine with systemd would start a
#   system Postfix or Dovecot otherwise; in a chroot they would listen on the
#   host's network); on a systemd machine the services of the packages
#   installed here are also disabled, so that no reboot starts them either.
#   Tests run private instances of their own.
# - The private sendmail is unpacked from Debian's packages into tests/.sendmail,
#   never installed over the system MTA. What its binaries need at run time
#   comes from those packages' own Depends and Pre-Depends (installed here,
#   the sendmail packages themselves left out), and `ldd` on every unpacked
#   binary then must find each library, or deps.sh fails naming it.
#
# usage: tests/deps.sh [--list]   (--list: print the packages and exit)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)

# The packages, each with the commands the suite, the benchmarks and the demo
# call from it ("-" for none: a library, a plugin); an absolute path is checked
# as a file. tests/lib/tap.sh's `need` reads this table to name the package of
# a missing command.
PACKAGES='
build-essential          gcc make
autoconf                 autoreconf
automake                 automake
libtool                  libtoolize
pkg-config               pkg-config
libmilter-dev            -
libspf2-dev              -
libcdb-dev               -
libidn2-dev              -
tinycdb                  cdb
clang                    clang
libclang-rt-14-dev       -
postfix                  postfix postconf postmap postsuper postqueue postcat smtp-sink smtp-source
postfix-cdb              -
m4                       m4
miltertest               miltertest
swaks                    swaks
libio-socket-inet6-perl  -
dovecot-core             dovecot doveadm /usr/lib/dovecot/dovecot-lda
dovecot-lmtpd            -
openssl                  openssl
python3                  python3
python3-yaml             -
perl                     perl
man-db                   man
procps                   ps
iproute2                 ip ss
util-linux               unshare setpriv runuser flock
mount                    mount umount
valgrind                 valgrind callgrind_annotate
strace                   strace
hyperfine                hyperfine
time                     /usr/bin/time
curl                     curl
unbound                  unbound unbound-checkconf
dpkg-dev                 dpkg-buildpackage dpkg-deb
debhelper                dh dh_autoreconf dh_installsystemd
git                      git
lintian                  lintian
libsystemd-dev           -
systemd                  systemd-analyze
'
pkgs=$(printf '%s\n' "$PACKAGES" | awk 'NF { print $1 }')
if [ "${1:-}" = --list ]; then
    # shellcheck disable=SC2086
    echo $pkgs
    exit 0
fi

installed() { dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q '^install ok installed'; }

policy=/usr/sbin/policy-rc.d
policy_saved=
policy_made=0
# no_services: from here until restore_policy, invoke-rc.d and deb-systemd-invoke
# start nothing (exit 101: "action forbidden by policy").
no_services() {
    [ "$policy_made" = 0 ] || return 0
    if [ -e "$policy" ]; then policy_saved=$policy.pogate-saved; mv -f "$policy" "$policy_saved"; fi
    printf '#!/bin/sh\n# tests/deps.sh: no service starts while it installs packages\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    policy_made=1
}
restore_policy() {
    [ "$policy_made" = 1 ] || return 0
    rm -f "$policy"
    [ -z "$policy_saved" ] || mv -f "$policy_saved" "$policy"
    policy_made=0
}
trap 'restore_policy' EXIT
trap 'restore_policy; exit 1' INT TERM HUP

# apt_install PKG...: install what is missing of PKG..., starting no service.
apt_install() {
    missing=
    for p in "$@"; do installed "$p" || missing="$missing $p"; done
    [ -n "$missing" ] || return 0
    [ "$(id -u)" = 0 ] || { echo "deps.sh: need root to install:$missing" >&2; exit 1; }
    echo "deps.sh: installing$missing"
    # Postfix asks questions at install time; the system instance stays unconfigured.
    echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
    no_services
    if [ "$updated" = 0 ]; then apt-get update -qq; updated=1; fi
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    restore_policy
    # On a systemd machine, what was just installed stays off after a reboot too.
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
        for p in $missing; do
            for u in $(dpkg -L "$p" 2>/dev/null | sed -n 's|^/lib/systemd/system/\([^/@]*\.\(service\|socket\)\)$|\1|p'); do
                systemctl disable --now --quiet "$u" 2>/dev/null || true
            done
        done
    fi
}
updated=0

# shellcheck disable=SC2086
apt_install $pkgs

# Every command of the table is there now.
bad=$(printf '%s\n' "$PACKAGES" | while read -r pkg cmds; do
    for c in $cmds; do
        case $c in
        -) ;;
        /*) [ -e "$c" ] || echo "deps.sh: $c missing after the install (Debian package $pkg)" ;;
        *) command -v "$c" >/dev/null || echo "deps.sh: $c missing after the install (Debian package $pkg)" ;;
        esac
    done
done)
[ -z "$bad" ] || { echo "$bad" >&2; exit 1; }

# The unprivileged user the MTAs run pogate-lda/pogate-lmtp as in tests and the demo.
if ! getent passwd pogate >/dev/null; then
    useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin pogate
fi

# A private sendmail, unpacked from Debian's packages, never installed over the
# system MTA. tests/lib/sendmail.sh runs it from here.
sm="$top/tests/.sendmail"
smdebs="sendmail-bin sendmail-cf sendmail-base"
if [ ! -x "$sm/usr/sbin/sendmail-mta" ] && [ ! -x "$sm/usr/libexec/sendmail/sendmail" ]; then
    [ "$(id -u)" = 0 ] || { echo "deps.sh: need root to fetch sendmail packages" >&2; exit 1; }
    rm -rf "$sm"
    mkdir -p "$sm/debs"
    # shellcheck disable=SC2086
    if ! (cd "$sm/debs" && apt-get download -o APT::Sandbox::User=root $smdebs >/dev/null 2>&1); then
        apt-get update -qq; updated=1
        # shellcheck disable=SC2086
        (cd "$sm/debs" && apt-get download -o APT::Sandbox::User=root $smdebs >/dev/null)
    fi
    for d in "$sm"/debs/*.deb; do dpkg -x "$d" "$sm"; done
fi

# What the unpacked binaries need at run time: the packages' own Depends and
# Pre-Depends, first alternative, without versions or :any, and without the
# sendmail packages themselves.
rt=$(for d in "$sm"/debs/*.deb; do
         dpkg-deb -f "$d" Pre-Depends; echo; dpkg-deb -f "$d" Depends; echo
     done | tr ',' '\n' | sed -e 's/|.*//' -e 's/(.*)//' -e 's/:any//' -e 's/[[:space:]]//g' |
     grep -v '^$' | grep -vxE "$(echo "$smdebs" | tr ' ' '|')" | sort -u)
[ -n "$rt" ] || { echo "deps.sh: no Depends found in $sm/debs" >&2; exit 1; }
# shellcheck disable=SC2086
apt_install $rt

# And every unpacked binary finds each of its libraries (the private ones in
# tests/.sendmail first, as tests/lib/sendmail.sh runs them).
libdirs=$(find "$sm" -name '*.so*' -type f -printf '%h\n' 2>/dev/null | sort -u | tr '\n' ':')
notfound=$(find "$sm/usr" -type f -perm -u+x 2>/dev/null | while read -r f; do
    head -c 4 "$f" | grep -q 'ELF' || continue
    LD_LIBRARY_PATH=$libdirs ldd "$f" 2>/dev/null | awk -v f="${f#"$sm"/}" '/not found/ { print f ": " $1 }'
done)
if [ -n "$notfound" ]; then
    echo "deps.sh: the private sendmail cannot run, libraries not found (its packages' Depends did not bring them):" >&2
    echo "$notfound" | sed 's/^/    /' >&2
    exit 1
fi
exit 0
