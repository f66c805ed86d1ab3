-- rcpt.lua - RCPT: unknown mailbox at a PO domain -> 550 5.1.1, paused PO
-- -> 451 4.2.1, other domains pass, postmaster@ and catch-alls resolve.
dofile(lib)

local conn = session("192.0.2.10", "rcpt.example.net")
helo(conn, "rcpt.example.net")
mail(conn, "QRCPT", "<someone@good.example>")
expect(conn, SMFIR_CONTINUE, "mail")
rcpt(conn, "<nobody@sales.example.com>", SMFIR_REPLYCODE)
rcpt(conn, "<admin@paused.example.com>", SMFIR_REPLYCODE)
rcpt(conn, "<friend@elsewhere.example>", SMFIR_CONTINUE)
rcpt(conn, "<postmaster@hr.example.com>", SMFIR_CONTINUE)
rcpt(conn, "<whoever@sales.example.org>", SMFIR_CONTINUE)
rcpt(conn, "<@relay.example:john.smith@sales.example.com>", SMFIR_CONTINUE)
message(conn, "hello\r\n", SMFIR_CONTINUE)
check(mt.eom_check(conn, MT_RCPTDELETE, "<postmaster@hr.example.com>"), "postmaster@ deleted")
check(mt.eom_check(conn, MT_RCPTADD, "<boss@hr.example.com>"), "postmaster@ -> the PO's postmaster mailbox")
check(not mt.eom_check(conn, MT_RCPTDELETE, "<nobody@sales.example.com>"), "a refused recipient is not touched")
check(not mt.eom_check(conn, MT_RCPTDELETE, "<@relay.example:john.smith@sales.example.com>"),
      "a source route alone is no reason to rewrite")
mt.disconnect(conn)
