-- rcpt-rewrite.lua - end of message: recipients are replaced by the
-- mailbox's canonical address (MT_RCPTDELETE + MT_RCPTADD), only when it
-- differs, at most once per address; other domains are left alone.
dofile(lib)

local conn = session("192.0.2.10", "rewrite.example.net")
helo(conn, "rewrite.example.net")
mail(conn, "QREWRITE1", "<someone@good.example>")
expect(conn, SMFIR_CONTINUE, "mail")
rcpt(conn, "<js@sales.example.com>", SMFIR_CONTINUE)
rcpt(conn, "<anything@sales.example.org>", SMFIR_CONTINUE)
rcpt(conn, "<John.Smith@Sales.Example.com>", SMFIR_CONTINUE)
rcpt(conn, "<friend@elsewhere.example>", SMFIR_CONTINUE)
message(conn, "hello\r\n", SMFIR_CONTINUE)
check(mt.eom_check(conn, MT_RCPTDELETE, "<js@sales.example.com>"), "js@ deleted")
check(mt.eom_check(conn, MT_RCPTDELETE, "<anything@sales.example.org>"), "catch-all recipient deleted")
check(mt.eom_check(conn, MT_RCPTADD, "<inbox@sales.example.com>"), "catch-all mailbox added")
-- John.Smith@ is already there (addresses compare case-insensitively): not added twice.
check(not mt.eom_check(conn, MT_RCPTADD, "<john.smith@sales.example.com>"), "no duplicate john.smith@")
check(not mt.eom_check(conn, MT_RCPTDELETE, "<John.Smith@Sales.Example.com>"), "canonical recipient kept")
check(not mt.eom_check(conn, MT_RCPTDELETE, "<friend@elsewhere.example>"), "other domain untouched")
check(mt.eom_check(conn, MT_HDRINSERT, "Received-SPF"), "Received-SPF inserted")

-- Second message on the same connection: an alias alone is replaced.
mail(conn, "QREWRITE2", "<someone@good.example>")
expect(conn, SMFIR_CONTINUE, "mail 2")
rcpt(conn, "<js@sales.example.com>", SMFIR_CONTINUE)
message(conn, "hello again\r\n", SMFIR_CONTINUE)
check(mt.eom_check(conn, MT_RCPTDELETE, "<js@sales.example.com>"), "2: js@ deleted")
check(mt.eom_check(conn, MT_RCPTADD, "<john.smith@sales.example.com>"), "2: john.smith@ added")
mt.disconnect(conn)
