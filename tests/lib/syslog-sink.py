#!/usr/bin/env python3
"""syslog-sink.py SOCKET FILE HOST - a syslog receiver for tests: reads the
datagrams syslog(3) sends to SOCKET (a unix datagram socket, made here,
mode 0666) and appends each to FILE as a classic syslog line with HOST after
the stamp ("Dec  2 21:05:12 HOST sm-mta[42]: ..."), flushed at once. Runs
until SIGTERM. Used by tests/lib/sendmail.sh (sm_syslog_start)."""
import os
import signal
import socket
import sys

path, out, host = sys.argv[1:4]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
with open(out, "ab", buffering=0) as f:
    while True:
        d = s.recv(65536).rstrip(b"\n\0")
        if d.startswith(b"<") and b">" in d[:5]:
            d = d[d.index(b">") + 1:]
        # glibc writes "Mmm dd HH:MM:SS prog[pid]: text" to /dev/log: no host.
        if len(d) > 16 and d[15:16] == b" ":
            d = d[:16] + host.encode() + b" " + d[16:]
        f.write(d + b"\n")
