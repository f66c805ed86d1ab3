-- trust.lua - who may use a postoffice sender address: access TRUST and
-- trusted_networks (v4 and v6) mark the client trusted; an untrusted client
-- using a PO domain as sender gets 550 5.7.1; access OK skips SPF.
dofile(lib)

local conn = session("203.0.113.50", "spoofer.example.net")
helo(conn, "spoofer.example.net")
mail(conn, "QSPOOF", "<john.smith@sales.example.com>")
expect(conn, SMFIR_REPLYCODE, "untrusted client, PO sender")
mt.disconnect(conn)

for _, ip in ipairs({ "198.51.100.5", "10.1.2.3", "2001:db8:1::5" }) do
    conn = session(ip, "trusted.example.net")
    helo(conn, "trusted.example.net")
    mail(conn, "QTRUST", "<john.smith@sales.example.com>")
    expect(conn, SMFIR_CONTINUE, "trusted client " .. ip .. ", PO sender")
    mt.disconnect(conn)
end

-- access OK: a known relay (say a backup MX) whose forwarded mail would fail SPF.
conn = session("203.0.113.7", "backup-mx.example.net")
helo(conn, "backup-mx.example.net")
mail(conn, "QOKRELAY", "<someone@bad.example>")
expect(conn, SMFIR_CONTINUE, "access OK client skips SPF")
rcpt(conn, "<john.smith@sales.example.com>", SMFIR_CONTINUE)
message(conn, "relayed\r\n", SMFIR_CONTINUE)
check(not mt.eom_check(conn, MT_HDRINSERT, "Received-SPF"), "no Received-SPF for access OK")
mt.disconnect(conn)
