#!/bin/sh
# deps.sh - install everything pogate needs to build, test and demo on Debian 12.
#
# Run as root. Idempotent: packages already present are left alone, and the
# private sendmail is unpacked only once. Used by tests/run and contrib/demo.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)

pkgs="build-essential autoconf automake libtool pkg-config m4
      libmilter-dev libspf2-dev libcdb-dev tinycdb
      postfix postfix-cdb miltertest swaks libio-socket-inet6-perl
      valgrind clang libclang-rt-14-dev procps iproute2 util-linux
      dovecot-core dovecot-lmtpd hyperfine time curl"

missing=
for p in $pkgs; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
        missing="$missing $p"
done

if [ -n "$missing" ]; then
    [ "$(id -u)" = 0 ] || { echo "deps.sh: need root to install:$missing" >&2; exit 1; }
    # Postfix asks questions at install time; the system instance stays unconfigured
    # (tests run private instances of their own).
    echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# The unprivileged user the MTAs run pogate-lda/pogate-lmtp as in tests and the demo.
if ! getent passwd pogate >/dev/null; then
    useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin pogate
fi

# A private sendmail, unpacked from Debian's packages, never installed over the
# system MTA. tests/lib/sendmail.sh runs it from here.
sm="$top/tests/.sendmail"
if [ ! -x "$sm/usr/sbin/sendmail-mta" ] && [ ! -x "$sm/usr/libexec/sendmail/sendmail" ]; then
    [ "$(id -u)" = 0 ] || { echo "deps.sh: need root to fetch sendmail packages" >&2; exit 1; }
    mkdir -p "$sm/debs"
    debs="sendmail-bin sendmail-cf sendmail-base libwrap0 liblockfile1"
    # shellcheck disable=SC2086
    if ! (cd "$sm/debs" && apt-get download $debs >/dev/null 2>&1); then
        apt-get update -qq
        (cd "$sm/debs" && apt-get download $debs >/dev/null)
    fi
    for d in "$sm"/debs/*.deb; do dpkg -x "$d" "$sm"; done
fi
exit 0
