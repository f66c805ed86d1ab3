#!/usr/bin/env python3
"""yaml2zone.py - the RFC 7208 test suite (rfc7208-tests.yml) as zone files
pogate-milter's spf_zone_file reads, and a list of cases for tests/unit/spf_suite.

usage: yaml2zone.py SUITE.yml OUTDIR

Writes OUTDIR/N.zone for the N-th scenario (from 1) and OUTDIR/cases, one
case a line, fields separated by tabs:
    N  NAME  CLIENT-IP  HELO  MAIL-FROM  RESULT[,RESULT...]  SPEC  EXPLANATION
(an empty MAIL FROM is written as "<>", no explanation as "-"; DEFAULT means
the checker's own). The zone lines are "NAME TYPE DATA"
with DATA quoted where it is text: backslash escapes \\" \\\\ and \\DDD (a byte in
decimal, as in RFC 1035 master files) for quotes, backslashes, control
characters and bytes outside ASCII, which the suite uses on purpose; NAME
takes \\DDD for its blanks.

The suite's own conventions, as its driver in pyspf (test/testspf.py) reads
them: an SPF record of a name without TXT records is also published as TXT;
TIMEOUT in a name's list makes every question for the name time out (ANY
!TRY_AGAIN), TIMEOUT as a record's data only questions of that type; a CNAME
is followed one level, as a resolver does, by publishing the target's records
under the alias; MX data is [PREFERENCE, HOST]; a record given as a list of
strings is one record of the strings joined (RFC 7208 3.3).
"""
import os
import sys

import yaml

TYPES = ("SPF", "TXT", "A", "AAAA", "MX", "PTR")


def escape(text, also=""):
    """TEXT (str) with \\DDD escapes for quotes, backslashes, bytes outside
    printable ASCII and the characters of ALSO."""
    out = []
    for byte in text.encode("utf-8"):
        c = chr(byte)
        if c in '"\\':
            out.append("\\" + c)
        elif 0x20 <= byte < 0x7F and c not in also:
            out.append(c)
        else:
            out.append("\\%03d" % byte)
    return "".join(out)


def quote(text):
    return '"' + escape(text) + '"'


def records(name, entries):
    """(TYPE, DATA) of one name's entries; DATA None for TIMEOUT of all types."""
    out = []
    has_txt = any(isinstance(e, dict) and "TXT" in e for e in entries)
    for e in entries:
        if e == "TIMEOUT":
            out.append(("ANY", None))
            continue
        for rtype, value in e.items():
            out.append((rtype, value))
            if rtype == "SPF" and not has_txt:
                out.append(("TXT", value))
    return out


def zone_line(name, rtype, value):
    name = escape(name, " \t")
    if value is None:
        return "%s ANY !TRY_AGAIN" % name
    if value == "TIMEOUT":
        return "%s %s !TRY_AGAIN" % (name, rtype)
    if rtype in ("SPF", "TXT"):
        if value == "NONE":
            return None
        text = "".join(value) if isinstance(value, list) else value
        return "%s %s %s" % (name, rtype, quote(text))
    if rtype == "MX":
        value = value[1]
    if rtype not in TYPES:
        raise ValueError("%s: record type %s not handled" % (name, rtype))
    return "%s %s %s" % (name, rtype, quote(value) if value == "" or " " in value else value)


def zone(data):
    """The zone file's lines of one scenario."""
    given = {d.lower(): records(d, r) for d, r in data["zonedata"].items()}
    names = {}
    for name, recs in given.items():
        names[name] = [r for r in recs if r[0] != "CNAME"]
        for rtype, value in recs:
            if rtype == "CNAME":
                target = given.get(value.lower().rstrip("."), [])
                names[name] += [r for r in target if r[0] != "CNAME"]
    lines = []
    for name, recs in names.items():
        for rtype, value in recs:
            line = zone_line(name, rtype, value)
            if line is not None:
                lines.append(line)
    return lines


def field(text):
    text = str(text)
    if any(c in text for c in "\t\r\n"):
        raise ValueError("a tab or line end in %r" % text)
    return text


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: yaml2zone.py SUITE.yml OUTDIR")
    suite, outdir = sys.argv[1:]
    os.makedirs(outdir, exist_ok=True)
    with open(suite, "rb") as fp, open(os.path.join(outdir, "cases"), "w") as cases:
        for n, data in enumerate(yaml.safe_load_all(fp), 1):
            with open(os.path.join(outdir, "%d.zone" % n), "w") as z:
                z.write("# %s\n" % data["description"])
                for line in zone(data):
                    z.write(line + "\n")
            for name, t in data["tests"].items():
                want = t["result"] if isinstance(t["result"], list) else [t["result"]]
                cases.write("\t".join(field(x) for x in (
                    n, name, t["host"], t["helo"], t["mailfrom"] or "<>", ",".join(want), t.get("spec", "-"),
                    t.get("explanation", "-"),
                )) + "\n")


if __name__ == "__main__":
    main()
