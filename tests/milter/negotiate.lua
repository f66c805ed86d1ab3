-- negotiate.lua - an MTA that refuses a needed action gets every connection
-- tempfailed, never served half-blind. miltertest ignores the action mask it
-- is given except for protocol version 2, where it offers the old action set
-- (0x0f: no SMFIF_CHGFROM), which is what this test needs.
dofile(lib)

local conn = mt.connect(sock, 40, 0.05)
if conn == nil then
    fail("cannot connect to " .. sock)
end
step(mt.negotiate(conn, 2, SMFIF_ADDHDRS + SMFIF_ADDRCPT + SMFIF_DELRCPT, 0), "negotiate")
step(mt.conninfo(conn, "half-blind.example.net", "192.0.2.30"), "conninfo")
expect(conn, SMFIR_REPLYCODE, "connect tempfailed")
mt.disconnect(conn)

conn = session("192.0.2.31", "full.example.net")
-- SMFIF_QUARANTINE: outbound mail of a postoffice whose outbound direction
-- is stopped is held in the MTA (pogate-po(8)).
for _, a in ipairs({ SMFIF_ADDHDRS, SMFIF_ADDRCPT, SMFIF_DELRCPT, SMFIF_CHGFROM, SMFIF_QUARANTINE }) do
    check(mt.test_action(conn, a), "action " .. a .. " requested")
end
check(not mt.test_action(conn, SMFIF_CHGBODY), "no body replacement requested")
check(mt.test_option(conn, SMFIP_NOUNKNOWN), "unknown commands switched off")
-- spf = reject here: every untrusted message gets Received-SPF, so none can
-- be decided at end of headers (eoh.lua has the step asked for).
check(mt.test_option(conn, SMFIP_NOEOH), "end-of-headers step declined")
mt.disconnect(conn)
