#!/usr/bin/env python3
"""rel.py - message generator, SMTP sender and store checker of tests/reliability.

Every test message carries its own id (Message-ID <ID@rel.test>, Subject ID)
and a body that is a pure function of the id and its line count, so a file in
the store can be checked byte for byte without keeping a copy:

  rel.py send --port P --to ADDR[,ADDR...][;ADDR...] --ids PREFIX --count N
              [--host H] [--sessions S] [--min BYTES] [--max BYTES]
              [--acks FILE] [--fresh] [--until FILE]
      send N messages PREFIX.1 .. PREFIX.N over S concurrent SMTP sessions to
      H:P (default 127.0.0.1); one line per message in FILE: "ID CODE" (250
      when accepted after DATA, else the SMTP code or "ERR"). Exit 0 when
      every message was answered (accepted or refused), 1 on connection
      errors. --fresh: a new SMTP session for every message; --until: stop
      once FILE exists; --id-list FILE: send the ids listed in FILE instead
      (--ids unused). Recipient sets separated by ";" take turns: the K-th
      message (from 0) goes to set K modulo their number, and its line in FILE
      gets a third field, the set ("ID CODE ADDR,ADDR").
  rel.py together --port P --to ADDR --ids PREFIX --count N [--acks FILE]
      N SMTP sessions at once: each connects, gets through EHLO, MAIL and
      RCPT, then waits until all N have got there, and only then sends its
      message (PREFIX.1 .. PREFIX.N). Prints "open=K accepted=A errors=E"
      (K: sessions that reached the barrier); exit 1 on any error. With
      --ready FILE --go FILE: once all are there, FILE (ready) is created and
      the sessions wait for the go FILE before DATA. A refused message is
      noted in the acks file with its code.
  rel.py check --store DIR [--ids FILE] [--killed-pids FILE] [--list FILE]
               [--expect FILE]
      look at every file in the store's new/ directories and print one line
      key=value ...:
        files     files in new/
        ours      files carrying a test id
        unique    distinct ids found
        lost      ids of FILE (one per line, first word) not found
        dups      files beyond the first for one id and mailbox
        dups_killed  of dups, written by a pogate-lda that was killed (its
                  pid, from a unique file name, is in --killed-pids;
                  deterministic names carry no pid)
        partial   files whose body is not exactly the generated one
        tmp       files left in tmp/ directories
        outside   ids found that were not in FILE
      A mailbox is a path under the store, PO/mailboxes/MBX; a mailbag file
      (its envelope block is checked and skipped) counts for each mailbox its
      envelope names, as PO/mailbag/MBX. --expect FILE, lines "ID MAILBOX...":
      where each message should be, adds
        pairs     (id, mailbox) pairs in FILE
        missing   of those, not found
        misplaced (id, mailbox) found for an id of FILE but not listed for it
      --list FILE gets "ID MAILBOX PID OK PATH" per file and mailbox.
  rel.py message ID LINES   print one message (for sendmail -bm, swaks --data)
  rel.py session --port P --from ADDR --rcpt ADDR... [--data FILE]
      one raw SMTP transaction: addresses may hold Python escapes (\\x00,
      \\r) and go out byte for byte; FILE is sent as the message as it is
      (it must not hold a line "."), then the final dot. Prints
      "mail=CODE rcpt=CODE,CODE... data=CODE" (data=- when no recipient was
      accepted or no FILE was given).
"""
import argparse
import hashlib
import os
import re
import smtplib
import socket
import sys
import threading
import time

FILL = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def body(mid, lines):
    """The body of message MID with LINES lines, LF line ends."""
    tag = mid.encode()
    out = []
    for k in range(lines):
        out.append(tag + b" %07d " % k + FILL + b"\n")
    out.append(tag + b" end\n")
    return b"".join(out)


def lines_for(mid, lo, hi):
    """A line count that gives a message between LO and HI bytes, fixed per id."""
    per = len(mid) + 9 + len(FILL) + 1
    h = int(hashlib.sha1(mid.encode()).hexdigest()[:8], 16)
    size = lo + (h % max(1, hi - lo + 1))
    return max(0, size // per)


def message(mid, lines, to="rel@rel.example", crlf=False):
    head = ("From: Sender <sender@ext.example>\n"
            "To: <%s>\n"
            "Subject: %s\n"
            "Message-ID: <%s@rel.test>\n"
            "X-Rel-Lines: %d\n"
            "Date: Thu, 01 Jan 2026 00:00:00 +0000\n"
            "\n" % (to, mid, mid, lines)).encode()
    out = head + body(mid, lines)
    return out.replace(b"\n", b"\r\n") if crlf else out


def send(a):
    sets = [x.split(",") for x in a.to.split(";")]
    if a.id_list:
        with open(a.id_list) as f:
            ids = [l.split()[0] for l in f if l.strip()]
    else:
        ids = ["%s.%d" % (a.ids, i) for i in range(1, a.count + 1)]
    lock = threading.Lock()
    acks = open(a.acks, "a") if a.acks else None
    errors = [0]

    def note(mid, code):
        with lock:
            if acks:
                if len(sets) > 1:
                    acks.write("%s %s %s\n" % (mid, code, ",".join(to[mid])))
                else:
                    acks.write("%s %s\n" % (mid, code))
                acks.flush()

    to = {mid: sets[k % len(sets)] for k, mid in enumerate(ids)}

    def worker(mine):
        s = None
        for mid in mine:
            if a.until and os.path.exists(a.until):
                break
            rcpts = to[mid]
            msg = message(mid, lines_for(mid, a.min, a.max), rcpts[0])
            for attempt in range(3):
                try:
                    if s is None:
                        s = smtplib.SMTP(a.host, a.port, "client.rel.test", timeout=300)
                    refused = s.sendmail("sender@ext.example", rcpts, msg.replace(b"\n", b"\r\n"))
                    note(mid, "250-some-refused" if refused else 250)
                    if a.fresh:
                        s = close(s)
                    break
                except smtplib.SMTPRecipientsRefused as e:
                    code = list(e.recipients.values())[0][0]
                    note(mid, code)
                    s = reset(s)
                    break
                except smtplib.SMTPResponseException as e:
                    note(mid, e.smtp_code)
                    s = reset(s)
                    break
                except (OSError, smtplib.SMTPException) as e:
                    s = None
                    if attempt == 2:
                        note(mid, "ERR")
                        with lock:
                            errors[0] += 1
                            print("send %s: %s" % (mid, e), file=sys.stderr)
        if s is not None:
            try:
                s.quit()
            except (OSError, smtplib.SMTPException):
                pass

    def close(s):
        try:
            s.quit()
        except (OSError, smtplib.SMTPException):
            pass
        return None

    def reset(s):
        try:
            s.rset()
            return s
        except (OSError, smtplib.SMTPException):
            return None

    n = max(1, min(a.sessions, len(ids)))
    threads = [threading.Thread(target=worker, args=(ids[i::n],)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if acks:
        acks.close()
    return 1 if errors[0] else 0


def session(a):
    import codecs
    sk = socket.create_connection(("127.0.0.1", a.port), timeout=600)
    f = sk.makefile("rb")

    def reply():
        while True:
            line = f.readline()
            if not line:
                return "EOF"
            if line[3:4] != b"-":
                return line[:3].decode()

    def cmd(b):
        sk.sendall(b + b"\r\n")
        return reply()

    def raw(x):
        return codecs.escape_decode(x.encode())[0]

    reply()
    cmd(b"EHLO client.rel.test")
    mail = cmd(b"MAIL FROM:<" + raw(a.mail_from) + b">")
    rc = [cmd(b"RCPT TO:<" + raw(r) + b">") for r in a.rcpt]
    data = "-"
    if a.data and any(c.startswith("2") for c in rc):
        data = cmd(b"DATA")
        if data == "354":
            with open(a.data, "rb") as fh:
                last = b"\n"
                while True:
                    chunk = fh.read(1 << 20)
                    if not chunk:
                        break
                    sk.sendall(chunk)
                    last = chunk[-1:]
            sk.sendall((b"" if last == b"\n" else b"\r\n") + b".\r\n")
            data = reply()
    try:
        cmd(b"QUIT")
    except OSError:
        pass
    print("mail=%s rcpt=%s data=%s" % (mail, ",".join(rc), data))
    return 0


def together(a):
    n = a.count
    # No time limit: on a loaded machine the MTA may take many minutes to
    # start a process for each of a thousand sessions.
    barrier = threading.Barrier(n)
    lock = threading.Lock()
    st = {"open": 0, "accepted": 0, "errors": 0}
    acks = open(a.acks, "a") if a.acks else None

    def bump(k, why=None):
        with lock:
            st[k] += 1
            if why:
                print(why, file=sys.stderr)

    def worker(i):
        mid = "%s.%d" % (a.ids, i)
        s = None
        try:
            # A client tries again when its connection times out (a listen
            # queue full while the MTA starts more processes).
            for attempt in range(5):
                try:
                    s = smtplib.SMTP("127.0.0.1", a.port, "client.rel.test", timeout=600)
                    break
                except OSError:
                    if attempt == 4:
                        raise
                    time.sleep(1)
            s.ehlo()
            code, text = s.mail("sender@ext.example")
            if code != 250:
                raise smtplib.SMTPResponseException(code, text)
            code, text = s.rcpt(a.to)
            if code != 250:
                raise smtplib.SMTPResponseException(code, text)
            bump("open")
        except (OSError, smtplib.SMTPException) as e:
            bump("errors", "%s: before the barrier: %s" % (mid, e))
            barrier.abort()
            return
        try:
            if barrier.wait() == 0 and a.ready:
                open(a.ready, "w").close()
            while a.go and not os.path.exists(a.go):
                time.sleep(0.05)
            code, text = s.data(message(mid, lines_for(mid, a.min, a.max), a.to).replace(b"\n", b"\r\n"))
            if code != 250:
                raise smtplib.SMTPResponseException(code, text)
            bump("accepted")
            with lock:
                if acks:
                    acks.write("%s 250\n" % mid)
            s.quit()
        except smtplib.SMTPResponseException as e:
            bump("errors", "%s: %s" % (mid, e))
            with lock:
                if acks:
                    acks.write("%s %s\n" % (mid, e.smtp_code))
        except (OSError, smtplib.SMTPException, threading.BrokenBarrierError) as e:
            bump("errors", "%s: %s" % (mid, e))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(1, n + 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if acks:
        acks.close()
    print("open=%d accepted=%d errors=%d" % (st["open"], st["accepted"], st["errors"]))
    return 1 if st["errors"] else 0


# The writer's pid from a unique file name (TIME.MmicrosPpid...); a
# deterministic one (TIME.QQUEUEID_HASH.HOST, the same on every attempt of a
# delivery) carries none: "-".
NAME_PID = re.compile(r"^\d+\.(?:M\d+P(\d+)|Q[A-Za-z0-9]+_[0-9a-f]{16}\.)")


ENVELOPE = b"X-Pogate-Envelope: 1\n"
BAG_RCPT = re.compile(rb"^X-Pogate-Recipient: <[^>]*> mailbox=(\S+)$", re.M)


def check(a):
    want = set()
    if a.ids:
        with open(a.ids) as f:
            for line in f:
                if line.strip():
                    want.add(line.split()[0])
    expect = None
    if a.expect:
        expect = {}
        with open(a.expect) as f:
            for line in f:
                w = line.split()
                if w:
                    expect.setdefault(w[0], set()).update(w[1:])
    killed = set()
    if a.killed_pids:
        with open(a.killed_pids) as f:
            killed = {l.split()[0] for l in f if l.strip()}
    files = ours = partial = tmp = dups = dups_killed = 0
    seen = {}
    listing = open(a.list, "w") if a.list else None
    for root, dirs, names in os.walk(a.store):
        dirs.sort()
        leaf = os.path.basename(root)
        if leaf == "tmp":
            tmp += len(names)
            continue
        if leaf != "new":
            continue
        mbox = os.path.relpath(os.path.dirname(root), a.store)
        for name in sorted(names):
            path = os.path.join(root, name)
            files += 1
            with open(path, "rb") as f:
                data = f.read()
            boxes = [mbox]
            envelope_ok = True
            if data.startswith(ENVELOPE):
                # A mailbag file: the envelope block, an empty line, then
                # what a Maildir file holds.
                end = data.find(b"\n\n")
                block = data[:end + 1] if end >= 0 else b""
                got = BAG_RCPT.findall(block)
                boxes = ["%s/%s" % (mbox, m.decode(errors="replace")) for m in got] or [mbox]
                envelope_ok = end >= 0 and bool(got)
                data = data[end + 2:] if end >= 0 else data
            m = re.search(rb"^Message-ID: <([^@>]+)@rel\.test>$", data, re.M | re.I)
            if not m:
                if listing:
                    listing.write("- %s - - %s\n" % (mbox, path))
                continue
            mid = m.group(1).decode()
            ours += 1
            sep = data.find(b"\n\n")
            ln = re.search(rb"^X-Rel-Lines: (\d+)$", data, re.M)
            good = envelope_ok and sep >= 0 and ln is not None and \
                data[sep + 2:] == body(mid, int(ln.group(1)))
            if not good:
                partial += 1
            pm = NAME_PID.match(name)
            pid = pm.group(1) if pm and pm.group(1) else "-"
            for box in boxes:
                key = (mid, box)
                if key in seen:
                    dups += 1
                    if pid in killed or seen[key] in killed:
                        dups_killed += 1
                else:
                    seen[key] = pid
                if listing:
                    listing.write("%s %s %s %d %s\n" % (mid, box, pid, good, path))
    if listing:
        listing.close()
    found = {k[0] for k in seen}
    lost = len(want - found) if a.ids else 0
    outside = len(found - want) if a.ids else 0
    out = ("files=%d ours=%d unique=%d lost=%d dups=%d dups_killed=%d partial=%d tmp=%d outside=%d"
           % (files, ours, len(found), lost, dups, dups_killed, partial, tmp, outside))
    if expect is not None:
        pairs = {(mid, box) for mid, boxes in expect.items() for box in boxes}
        missing = pairs - set(seen)
        misplaced = {k for k in seen if k[0] in expect and k not in pairs}
        out += " pairs=%d missing=%d misplaced=%d" % (len(pairs), len(missing), len(misplaced))
        if missing:
            print("missing: " + " ".join("%s:%s" % k for k in sorted(missing)[:10]), file=sys.stderr)
        if misplaced:
            print("misplaced: " + " ".join("%s:%s" % k for k in sorted(misplaced)[:10]),
                  file=sys.stderr)
    print(out)
    if a.ids and lost:
        print("lost: " + " ".join(sorted(want - found)[:10]), file=sys.stderr)
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--to", required=True)
    s.add_argument("--ids", default="r")
    s.add_argument("--count", type=int, default=1)
    s.add_argument("--sessions", type=int, default=1)
    s.add_argument("--min", type=int, default=1000)
    s.add_argument("--max", type=int, default=1000)
    s.add_argument("--acks")
    s.add_argument("--fresh", action="store_true")
    s.add_argument("--until")
    s.add_argument("--id-list")
    g = sub.add_parser("together")
    g.add_argument("--port", type=int, required=True)
    g.add_argument("--to", required=True)
    g.add_argument("--ids", required=True)
    g.add_argument("--count", type=int, required=True)
    g.add_argument("--min", type=int, default=2000)
    g.add_argument("--max", type=int, default=6000)
    g.add_argument("--acks")
    g.add_argument("--ready")
    g.add_argument("--go")
    c = sub.add_parser("check")
    c.add_argument("--store", required=True)
    c.add_argument("--ids")
    c.add_argument("--killed-pids")
    c.add_argument("--list")
    c.add_argument("--expect")
    x = sub.add_parser("session")
    x.add_argument("--port", type=int, required=True)
    x.add_argument("--from", dest="mail_from", required=True)
    x.add_argument("--rcpt", nargs="+", required=True)
    x.add_argument("--data")
    m = sub.add_parser("message")
    m.add_argument("id")
    m.add_argument("lines", type=int)
    m.add_argument("--crlf", action="store_true")
    a = p.parse_args()
    socket.setdefaulttimeout(300)
    if a.cmd == "send":
        return send(a)
    if a.cmd == "check":
        return check(a)
    if a.cmd == "together":
        return together(a)
    if a.cmd == "session":
        return session(a)
    sys.stdout.buffer.write(message(a.id, a.lines, crlf=a.crlf))
    return 0


if __name__ == "__main__":
    sys.exit(main())
