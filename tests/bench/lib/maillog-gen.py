#!/usr/bin/env python3
"""maillog-gen.py MEGABYTES FILE - a mail log of about MEGABYTES MB in the form
a Postfix relay host with pogate writes it when pogate-milter and pogate-lda log
through syslog: per message smtpd's connect, client= and disconnect,
pogate-milter's tracking line, cleanup's message-id, qmgr's from= and removed,
pogate-lda's delivery and pipe's status=sent, about ten messages in flight at
once (their lines interleaved), one second of log every 20 messages, 50
postoffices. Message N has queue id %011X of 0x1000000000 + N*7919 and its
recipient is user<N>@po<N % 50>.example.com. Prints the number of messages
and, for the benchmark, the queue id and recipient of the middle one."""
import sys

mb, path = int(sys.argv[1]), sys.argv[2]
base = 1796000000        # 2026-11-29
months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def stamp(t):
    import time
    tm = time.gmtime(t)
    return "%s %2d %02d:%02d:%02d" % (months[tm.tm_mon - 1], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec)


stamps = {}


def st(t):
    s = stamps.get(t)
    if s is None:
        stamps.clear()
        s = stamps[t] = stamp(t)
    return s


def first(n, t):
    q = "%011X" % (0x1000000000 + n * 7919)
    po = n % 50
    s = st(t)
    pid = 10000 + n % 30000
    return (f"{s} relay postfix/smtpd[{pid}]: connect from mx{n % 251}.internet.example[192.0.2.{n % 251}]\n"
            f"{s} relay postfix/smtpd[{pid}]: {q}: client=mx{n % 251}.internet.example[192.0.2.{n % 251}]\n"
            f"{s} relay pogate-milter[900]: {q}: client=mx{n % 251}.internet.example[192.0.2.{n % 251}] "
            f"from=<sender{n}@internet.example> size={2000 + n % 5000} spf=pass "
            f"to=<user{n}@po{po}.example.com>->po{po}/user{n} verdict=accept\n"
            f"{s} relay postfix/cleanup[{pid + 1}]: {q}: message-id=<{n}.{t}@internet.example>\n"
            f"{s} relay postfix/qmgr[800]: {q}: from=<sender{n}@internet.example>, size={2400 + n % 5000}, "
            f"nrcpt=1 (queue active)\n"
            f"{s} relay postfix/smtpd[{pid}]: disconnect from mx{n % 251}.internet.example[192.0.2.{n % 251}] "
            f"ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5\n")


def second(n, t):
    q = "%011X" % (0x1000000000 + n * 7919)
    po = n % 50
    s = st(t)
    return (f"{s} relay pogate-lda[{20000 + n % 30000}]: {q}: to=<user{n}@po{po}.example.com>, "
            f"from=<sender{n}@internet.example>, po=po{po}, mailbox=user{n}, size={2400 + n % 5000}, "
            f"path=/var/spool/pogate/po{po}/mailboxes/user{n}/new/{t}.Q{q}_{n:016x}.relay,S={2500 + n % 5000}, "
            f"status=delivered (2.0.0 delivered to po{po}/user{n})\n"
            f"{s} relay postfix/pipe[{30000 + n % 30000}]: {q}: to=<user{n}@po{po}.example.com>, relay=pogate, "
            f"delay=0.05, delays=0.01/0.01/0/0.03, dsn=2.0.0, status=sent (delivered via pogate service "
            f"(2.0.0 delivered to 1 recipient))\n"
            f"{s} relay postfix/qmgr[800]: {q}: removed\n")


limit = mb * 1024 * 1024
size = n = 0
chunk = []
with open(path, "w") as f:
    while size < limit:
        t = base + n // 20
        a = first(n, t)
        b = second(n - 10, t) if n >= 10 else ""
        size += len(a) + len(b)
        chunk.append(a)
        chunk.append(b)
        n += 1
        if len(chunk) > 4000:
            f.write("".join(chunk))
            chunk = []
    for k in range(max(0, n - 10), n):
        chunk.append(second(k, base + n // 20))
    f.write("".join(chunk))
mid = n // 2
print(n, "%011X" % (0x1000000000 + mid * 7919), f"user{mid}@po{mid % 50}.example.com")
