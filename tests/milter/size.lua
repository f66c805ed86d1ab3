-- size.lua - SIZE= over every PO limit -> 552 5.3.4 at MAIL; over the
-- recipient's PO maxsize -> 552 5.3.4 at RCPT; counted bytes over a PO's
-- maxsize -> 552 5.3.4 at end of message.
dofile(lib)

local conn = session("192.0.2.10", "size.example.net")
helo(conn, "size.example.net")
mail(conn, "QSIZEMAIL", "<someone@good.example>", "SIZE=20000000")
expect(conn, SMFIR_REPLYCODE, "SIZE over the largest PO limit")

mail(conn, "QSIZERCPT", "<someone@good.example>", "SIZE=5000")
expect(conn, SMFIR_CONTINUE, "SIZE=5000 under the largest limit")
rcpt(conn, "<boss@hr.example.com>", SMFIR_REPLYCODE)
rcpt(conn, "<john.smith@sales.example.com>", SMFIR_CONTINUE)
message(conn, "small\r\n", SMFIR_CONTINUE)

mail(conn, "QSIZEEOM", "<someone@good.example>")
expect(conn, SMFIR_CONTINUE, "mail without SIZE")
rcpt(conn, "<boss@hr.example.com>", SMFIR_CONTINUE)
message(conn, string.rep("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n", 20),
        SMFIR_REPLYCODE)
check(not mt.eom_check(conn, MT_RCPTDELETE, "<boss@hr.example.com>"), "no recipient change on a refused message")
mt.disconnect(conn)
