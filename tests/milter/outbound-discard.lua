-- outbound-discard.lua - autoreply_action = discard: an auto-reply from an
-- autoreply=no postoffice to the Internet is accepted and dropped.
dofile(lib)

local conn = session("198.51.100.5", "po-gw.example.net")
helo(conn, "po-gw.example.net")
mail(conn, "QOBDISCARD", "<jsmith@sales.po>")
expect(conn, SMFIR_CONTINUE, "mail")
rcpt(conn, "<friend@elsewhere.example>", SMFIR_CONTINUE)
step(mt.header(conn, "From", "jsmith@sales.po"), "header From")
step(mt.header(conn, "Auto-Submitted", "auto-replied (vacation)"), "header Auto-Submitted")
if not mt.test_option(conn, SMFIP_NOEOH) then
    step(mt.eoh(conn), "eoh")
end
step(mt.bodystring(conn, "away\r\n"), "body")
step(mt.eom(conn), "eom")
expect(conn, SMFIR_DISCARD, "auto-reply discarded")
mt.disconnect(conn)
