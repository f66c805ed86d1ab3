-- eoh.lua - the spoof check at end of headers. With spf = off and postoffices
-- without a maxsize (OPEN tags, STRICT refuses), the check is all an untrusted
-- client's message to a public address needs: the end-of-headers step is
-- asked for and decides. Nothing forged: accepted there (SMFIR_ACCEPT, no
-- body, no end of message); a forgery at STRICT: 550 5.7.1 there; one at
-- OPEN: on to end of message, which adds X-Pogate-Spoof. A message to SALES,
-- which has a maxsize, goes on undecided and is counted at end of message.
dofile(lib)

-- A message from 192.0.2.40 to RCPT with From: FROM up to end of headers,
-- whose reply is checked against WANT.
local function upto_eoh(qid, rcpt_to, from, want, what)
    local conn = session("192.0.2.40", "eoh.example.net")
    check(not mt.test_option(conn, SMFIP_NOEOH), what .. ": end-of-headers step asked for")
    check(mt.test_option(conn, SMFIP_NR_HDR), what .. ": headers still sent without replies")
    helo(conn, "eoh.example.net")
    mail(conn, qid, "<someone@good.example>")
    expect(conn, SMFIR_CONTINUE, what .. ": mail")
    rcpt(conn, rcpt_to, SMFIR_CONTINUE)
    step(mt.data(conn), "data")
    expect(conn, SMFIR_CONTINUE, what .. ": DATA, on for the headers")
    step(mt.header(conn, "From", from), "header From")
    step(mt.header(conn, "Subject", "test"), "header Subject")
    step(mt.eoh(conn), "eoh")
    expect(conn, want, what .. ": end of headers")
    return conn
end

local conn = upto_eoh("QEOHOK", "<anna@open.example.com>", "Someone <someone@good.example>", SMFIR_ACCEPT,
                      "nothing forged")
mt.disconnect(conn)

conn = upto_eoh("QEOHOFF", "<anna@open.example.com>", "Lax <lax@lax.example.com>", SMFIR_ACCEPT,
                "forged at a spoof=off PO")
mt.disconnect(conn)

conn = upto_eoh("QEOHREJ", "<anna@open.example.com>", "Boss <boss@strict.example.com>", SMFIR_REPLYCODE,
                "forged at STRICT (spoof=reject)")
mt.disconnect(conn)

conn = upto_eoh("QEOHTAG", "<anna@open.example.com>", "CEO <ceo@open.example.com>", SMFIR_CONTINUE,
                "forged at OPEN (spoof=tag)")
step(mt.bodystring(conn, "tagged\r\n"), "body")
step(mt.eom(conn), "eom")
expect(conn, SMFIR_CONTINUE, "forged at OPEN: end of message")
check(mt.eom_check(conn, MT_HDRADD, "X-Pogate-Spoof", "From <ceo@open.example.com>"),
      "X-Pogate-Spoof: From <ceo@open.example.com> added at end of message")
mt.disconnect(conn)

conn = upto_eoh("QEOHSIZE", "<john.smith@sales.example.com>", "Someone <someone@good.example>", SMFIR_CONTINUE,
                "to a PO with a maxsize")
step(mt.bodystring(conn, "counted\r\n"), "body")
step(mt.eom(conn), "eom")
expect(conn, SMFIR_CONTINUE, "to a PO with a maxsize: end of message")
mt.disconnect(conn)
