-- outbound.lua - the outbound direction of pogate-milter: From:, Sender:
-- and Reply-To: rewritten (MT_HDRCHANGE), autoreply=no, outbound=no, the
-- sender PO's size limit, spoofing by untrusted clients, and the trusted
-- null sender judged by its From: mailbox. miltertest cannot see chgfrom:
-- t-milter-outbound-postfix.sh checks the envelope through a real Postfix.
dofile(lib)

-- Headers (a list of {name, value}), a body, end of message; checks the reply.
function send(conn, headers, body, want, what)
    for _, h in ipairs(headers) do
        step(mt.header(conn, h[1], h[2]), "header " .. h[1])
    end
    if not mt.test_option(conn, SMFIP_NOEOH) then
        step(mt.eoh(conn), "eoh")
    end
    step(mt.bodystring(conn, body), "body")
    step(mt.eom(conn), "eom")
    expect(conn, want, what)
end

function trusted(qid, from)
    local conn = session("198.51.100.5", "po-gw.example.net")
    helo(conn, "po-gw.example.net")
    mail(conn, qid, from)
    expect(conn, SMFIR_CONTINUE, qid .. " mail " .. from)
    return conn
end

-- 1. Header rewrites: internal and public addresses become Name <public>
-- (hdraddr quotes a display name only when it must).
local conn = trusted("QOBHDR", "<jsmith@sales.po>")
rcpt(conn, "<friend@elsewhere.example>", SMFIR_CONTINUE)
send(conn, {
    { "From", "J. Smith <jsmith@sales.po>" },
    { "Sender", "<<not an address" },
    { "Reply-To", "friend@elsewhere.example" },
    { "Reply-To", "Friend <friend@elsewhere.example>, jsmith@sales.po" },
    { "Subject", "outbound" },
}, "hello\r\n", SMFIR_CONTINUE, "QOBHDR eom")
check(mt.eom_check(conn, MT_HDRCHANGE, "From", "John Smith <john.smith@sales.example.com>"),
      "From: rewritten to John Smith <john.smith@sales.example.com>")
check(mt.eom_check(conn, MT_HDRCHANGE, "Reply-To",
      "Friend <friend@elsewhere.example>, John Smith <john.smith@sales.example.com>"),
      "Reply-To: our mailbox rewritten, the other kept")
check(not mt.eom_check(conn, MT_HDRCHANGE, "Sender"), "unparseable Sender: left alone")
check(not mt.eom_check(conn, MT_HDRCHANGE, "Subject"), "Subject: left alone")
mt.disconnect(conn)

-- A header that already says what it should is not touched.
conn = trusted("QOBSAME", "<john.smith@sales.example.com>")
rcpt(conn, "<friend@elsewhere.example>", SMFIR_CONTINUE)
send(conn, { { "From", "John Smith <john.smith@sales.example.com>" } }, "x\r\n",
     SMFIR_CONTINUE, "QOBSAME eom")
check(not mt.eom_check(conn, MT_HDRCHANGE), "canonical From: not changed")
mt.disconnect(conn)

-- 2. autoreply=no (SALES): an auto-reply to the Internet is refused ...
conn = trusted("QOBAUTO", "<jsmith@sales.po>")
rcpt(conn, "<friend@elsewhere.example>", SMFIR_CONTINUE)
send(conn, { { "From", "jsmith@sales.po" }, { "Auto-Submitted", "auto-replied" } },
     "away\r\n", SMFIR_REPLYCODE, "QOBAUTO auto-reply to the Internet")
mt.disconnect(conn)

-- ... legacy markers too ...
conn = trusted("QOBLEGACY", "<jsmith@sales.po>")
rcpt(conn, "<friend@elsewhere.example>", SMFIR_CONTINUE)
send(conn, { { "From", "jsmith@sales.po" }, { "Precedence", "auto_reply" } },
     "away\r\n", SMFIR_REPLYCODE, "QOBLEGACY Precedence: auto_reply")
mt.disconnect(conn)

-- ... but mail between postoffices is not affected, nor Auto-Submitted: no.
conn = trusted("QOBAUTOPO", "<jsmith@sales.po>")
rcpt(conn, "<boss@hr.example.com>", SMFIR_CONTINUE)
send(conn, { { "From", "jsmith@sales.po" }, { "Auto-Submitted", "auto-replied" } },
     "away\r\n", SMFIR_CONTINUE, "QOBAUTOPO auto-reply to another PO")
mt.disconnect(conn)
conn = trusted("QOBNOTAUTO", "<jsmith@sales.po>")
rcpt(conn, "<friend@elsewhere.example>", SMFIR_CONTINUE)
send(conn, { { "From", "jsmith@sales.po" }, { "Auto-Submitted", "no" } },
     "hi\r\n", SMFIR_CONTINUE, "QOBNOTAUTO Auto-Submitted: no")
mt.disconnect(conn)

-- A PO without autoreply=no (HR) lets auto-replies out.
conn = trusted("QOBHRAUTO", "<boss@hr.example.com>")
rcpt(conn, "<friend@elsewhere.example>", SMFIR_CONTINUE)
send(conn, { { "From", "boss@hr.example.com" }, { "Auto-Submitted", "auto-replied" } },
     "away\r\n", SMFIR_CONTINUE, "QOBHRAUTO HR auto-reply")
mt.disconnect(conn)

-- 3. outbound=no: refused at RCPT for the Internet, fine for a PO.
conn = trusted("QOBMUTE", "<mute@sales.po>")
rcpt(conn, "<friend@elsewhere.example>", SMFIR_REPLYCODE)
rcpt(conn, "<boss@hr.example.com>", SMFIR_CONTINUE)
mt.disconnect(conn)

-- 4. Spoofing: an untrusted client with an internal or public PO sender.
for _, from in ipairs({ "<jsmith@sales.po>", "<john.smith@sales.example.com>" }) do
    conn = session("203.0.113.50", "spoofer.example.net")
    helo(conn, "spoofer.example.net")
    mail(conn, "QOBSPOOF", from)
    expect(conn, SMFIR_REPLYCODE, "untrusted client, PO sender " .. from)
    mt.disconnect(conn)
end
-- A trusted client with a PO-domain sender that is no mailbox.
conn = session("198.51.100.5", "po-gw.example.net")
helo(conn, "po-gw.example.net")
mail(conn, "QOBNOMBX", "<ghost@sales.po>")
expect(conn, SMFIR_REPLYCODE, "trusted client, PO sender that is no mailbox")
mt.disconnect(conn)

-- 5. The sender PO's maxsize (HR: 1k): SIZE= at MAIL, counted bytes at the end.
conn = session("198.51.100.5", "po-gw.example.net")
helo(conn, "po-gw.example.net")
mail(conn, "QOBSIZEMAIL", "<boss@hr.example.com>", "SIZE=5000")
expect(conn, SMFIR_REPLYCODE, "SIZE=5000 over HR's 1k")
mt.disconnect(conn)
conn = trusted("QOBSIZEEOM", "<boss@hr.example.com>")
rcpt(conn, "<friend@elsewhere.example>", SMFIR_CONTINUE)
send(conn, { { "From", "boss@hr.example.com" } }, string.rep("x", 1500) .. "\r\n",
     SMFIR_REPLYCODE, "QOBSIZEEOM 1.5k body from HR")
mt.disconnect(conn)

-- 6. The null sender from a trusted client: judged by its From: mailbox.
conn = trusted("QOBNULLAUTO", "<>")
rcpt(conn, "<friend@elsewhere.example>", SMFIR_CONTINUE)
send(conn, { { "From", "John <jsmith@sales.po>" }, { "X-Autoreply", "yes" } },
     "away\r\n", SMFIR_REPLYCODE, "QOBNULLAUTO <> auto-reply from a SALES mailbox")
mt.disconnect(conn)
conn = trusted("QOBNULL", "<>")
rcpt(conn, "<friend@elsewhere.example>", SMFIR_CONTINUE)
send(conn, { { "From", "John <jsmith@sales.po>" } }, "notice\r\n", SMFIR_CONTINUE, "QOBNULL <> notice")
check(mt.eom_check(conn, MT_HDRCHANGE, "From", "John Smith <john.smith@sales.example.com>"),
      "<> from a PO mailbox: From: rewritten")
mt.disconnect(conn)
conn = trusted("QOBNULLMUTE", "<>")
rcpt(conn, "<friend@elsewhere.example>", SMFIR_CONTINUE)
send(conn, { { "From", "mute@sales.po" } }, "notice\r\n", SMFIR_REPLYCODE, "QOBNULLMUTE <> from outbound=no")
mt.disconnect(conn)
conn = trusted("QOBNULLOTHER", "<>")
rcpt(conn, "<friend@elsewhere.example>", SMFIR_CONTINUE)
send(conn, { { "From", "daemon@elsewhere.example" }, { "Auto-Submitted", "auto-replied" } },
     "bounce\r\n", SMFIR_CONTINUE, "QOBNULLOTHER <> not from a PO")
check(not mt.eom_check(conn, MT_HDRCHANGE), "<> not from a PO: untouched")
mt.disconnect(conn)
-- An untrusted client's null sender (a bounce from the Internet) is not outbound.
conn = session("203.0.113.50", "mx.elsewhere.example")
helo(conn, "mx.elsewhere.example")
mail(conn, "QOBNULLIN", "<>")
expect(conn, SMFIR_CONTINUE, "untrusted <>")
rcpt(conn, "<john.smith@sales.example.com>", SMFIR_CONTINUE)
send(conn, { { "From", "jsmith@sales.po" }, { "Auto-Submitted", "auto-replied" } },
     "bounce\r\n", SMFIR_CONTINUE, "QOBNULLIN inbound <>")
check(not mt.eom_check(conn, MT_HDRCHANGE), "inbound <>: headers untouched")
mt.disconnect(conn)
