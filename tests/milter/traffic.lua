-- traffic.lua - N inbound messages, one connection each, the way an MTA
-- hands Internet mail to a milter: connect, HELO, MAIL, two RCPT (one of
-- them an alias), six headers, a 2 KB body, end of message, QUIT. Used by
-- the leak check and the CPU-cost benchmark; works against any milter.
dofile(lib)

local body = string.rep("The quick brown fox jumps over the lazy dog, again and again.\r\n", 32)
for i = 1, tonumber(n) do
    local conn = session("192.0.2.10", "mx" .. i .. ".example.net")
    helo(conn, "mx.example.net")
    mail(conn, "QT" .. i, "<someone@good.example>", "SIZE=2600")
    expect(conn, SMFIR_CONTINUE, "mail " .. i)
    rcpt(conn, "<js@sales.example.com>", SMFIR_CONTINUE)
    rcpt(conn, "<friend@elsewhere.example>", SMFIR_CONTINUE)
    step(mt.header(conn, "From", "Someone <someone@good.example>"), "From")
    step(mt.header(conn, "To", "js@sales.example.com, friend@elsewhere.example"), "To")
    step(mt.header(conn, "Subject", "message " .. i), "Subject")
    step(mt.header(conn, "Date", "Tue, 25 Nov 2025 06:00:00 +0000"), "Date")
    step(mt.header(conn, "Message-ID", "<" .. i .. "@good.example>"), "Message-ID")
    step(mt.header(conn, "MIME-Version", "1.0"), "MIME-Version")
    if not mt.test_option(conn, SMFIP_NOEOH) then
        step(mt.eoh(conn), "eoh")
    end
    step(mt.bodystring(conn, body), "body")
    step(mt.eom(conn), "eom")
    expect(conn, SMFIR_CONTINUE, "eom " .. i)
    mt.disconnect(conn)
end
