-- access.lua - connect: access map REJECT (exact IPv4, IPv6 CIDR) -> 550 5.7.1;
-- a client not in the map goes on.
dofile(lib)

local conn = session("192.0.2.66", "rejected4.example.net")
expect(conn, SMFIR_REPLYCODE, "access REJECT 192.0.2.66")
mt.disconnect(conn)

conn = session("2001:db8:bad::25", "rejected6.example.net")
expect(conn, SMFIR_REPLYCODE, "access REJECT 2001:db8:bad::/48")
mt.disconnect(conn)

conn = session("192.0.2.67", "neighbour.example.net")
expect(conn, SMFIR_CONTINUE, "192.0.2.67 is not in the access map")
mt.disconnect(conn)
