-- spf.lua - spf = reject with the test zone: fail -> 550 5.7.23, DNS
-- temperror -> 451 4.4.3, softfail and pass -> Received-SPF at end of message;
-- trusted clients are not checked.
dofile(lib)

local conn = session("192.0.2.20", "spf-fail.example.net")
helo(conn, "spf-fail.example.net")
mail(conn, "QSPFFAIL", "<someone@bad.example>")
expect(conn, SMFIR_REPLYCODE, "SPF fail")
mail(conn, "QSPFTEMP", "<someone@temp.example>")
expect(conn, SMFIR_REPLYCODE, "SPF temperror")
mail(conn, "QSPFSOFT", "<someone@soft.example>")
expect(conn, SMFIR_CONTINUE, "SPF softfail is not rejected")
rcpt(conn, "<john.smith@sales.example.com>", SMFIR_CONTINUE)
message(conn, "soft\r\n", SMFIR_CONTINUE)
local v = mt.getheader(conn, "Received-SPF", 0)
check(v ~= nil and string.find(v, "^softfail") ~= nil, "Received-SPF softfail, got " .. tostring(v))
check(mt.eom_check(conn, MT_HDRINSERT, "Received-SPF", v, 0), "Received-SPF inserted at the top")
mt.disconnect(conn)

-- No verified name: the MTA sends "[ADDR]" as the host name.
conn = session("192.0.2.10", "[192.0.2.10]")
helo(conn, "spf-pass.example.net")
mail(conn, "QSPFPASS", "<someone@good.example>")
expect(conn, SMFIR_CONTINUE, "SPF pass")
rcpt(conn, "<john.smith@sales.example.com>", SMFIR_CONTINUE)
message(conn, "pass\r\n", SMFIR_CONTINUE)
v = mt.getheader(conn, "Received-SPF", 0)
check(v ~= nil and string.find(v, "^pass") ~= nil, "Received-SPF pass, got " .. tostring(v))
mt.disconnect(conn)

conn = session("10.1.9.9", "trusted.example.net")
helo(conn, "trusted.example.net")
mail(conn, "QSPFTRUST", "<someone@bad.example>")
expect(conn, SMFIR_CONTINUE, "trusted client: no SPF check")
rcpt(conn, "<friend@elsewhere.example>", SMFIR_CONTINUE)
message(conn, "trusted\r\n", SMFIR_CONTINUE)
check(not mt.eom_check(conn, MT_HDRINSERT, "Received-SPF"), "no Received-SPF for a trusted client")
mt.disconnect(conn)
