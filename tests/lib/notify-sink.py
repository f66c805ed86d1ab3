#!/usr/bin/env python3
"""notify-sink.py - stands for systemd's $NOTIFY_SOCKET in tests.

usage: notify-sink.py SOCKET OUT DAEMON-SOCKET

Receives sd_notify(3) datagrams on SOCKET and appends each state line to OUT.
At READY=1 it also writes whether DAEMON-SOCKET accepted a connection just
then ("listening=yes" or "listening=no"): readiness must come after the
listen. Stops at SIGTERM.
"""
import os
import signal
import socket
import sys


def listening(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        return "yes"
    except OSError:
        return "no"
    finally:
        s.close()


def main():
    path, out, daemon_sock = sys.argv[1:4]
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    os.chmod(path, 0o666)       # the daemon sends after it dropped root
    with open(out, "a", buffering=1) as f:
        while True:
            msg = s.recv(4096).decode("utf-8", "replace")
            for line in msg.split("\n"):
                if line:
                    f.write(line + "\n")
                if line == "READY=1":
                    f.write("listening=" + listening(daemon_sock) + "\n")


if __name__ == "__main__":
    main()
