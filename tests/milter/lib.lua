-- lib.lua - helpers shared by the miltertest scripts of pogate-milter.
--
-- miltertest prints nothing when a script raises an error, so every check
-- prints its own "fail: ..." line first. Scripts get the milter socket as the
-- global `sock` (miltertest -D sock=unix:PATH) and load this file with
-- dofile(lib).

function fail(what)
    mt.echo("fail: " .. what)
    error(what)
end

-- A new session from client IP (host name HOST), negotiated and connected.
function session(ip, host)
    local conn = mt.connect(sock, 40, 0.05)
    if conn == nil then
        fail("cannot connect to " .. sock)
    end
    local err = mt.conninfo(conn, host or "client.example.net", ip)
    if err ~= nil then
        fail("conninfo: " .. err)
    end
    return conn
end

function expect(conn, want, what)
    local got = mt.getreply(conn)
    if got ~= want then
        fail(what .. ": reply " .. tostring(got) .. ", want " .. tostring(want))
    end
end

function step(err, what)
    if err ~= nil then
        fail(what .. ": " .. err)
    end
end

function helo(conn, name)
    -- pogate-milter asks for no HELO when SPF is off; miltertest raises if it is sent.
    if mt.test_option(conn, SMFIP_NOHELO) then
        return
    end
    step(mt.helo(conn, name), "helo " .. name)
    expect(conn, SMFIR_CONTINUE, "helo " .. name)
end

-- MAIL FROM with queue id QID (sent as the {i} macro, as sendmail does).
function mail(conn, qid, from, ...)
    step(mt.macro(conn, SMFIC_MAIL, "i", qid), "macro i")
    step(mt.mailfrom(conn, from, ...), "mailfrom " .. from)
end

function rcpt(conn, to, want)
    step(mt.rcptto(conn, to), "rcptto " .. to)
    expect(conn, want, "rcptto " .. to)
end

-- Headers, body, end of message; returns after checking the EOM reply.
function message(conn, body, want)
    step(mt.header(conn, "From", "sender@example.net"), "header From")
    step(mt.header(conn, "Subject", "test"), "header Subject")
    -- pogate-milter has no end-of-header stage; miltertest raises if asked.
    if not mt.test_option(conn, SMFIP_NOEOH) then
        step(mt.eoh(conn), "eoh")
    end
    step(mt.bodystring(conn, body), "body")
    step(mt.eom(conn), "eom")
    expect(conn, want, "eom")
end

function check(cond, what)
    if not cond then
        fail(what)
    end
end
