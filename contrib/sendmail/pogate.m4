dnl contrib/sendmail/pogate.m4 - the sendmail mailer that delivers postoffice
dnl mail through pogate-lda, one run per recipient. pogate.mc routes the
dnl postoffice domains to it ("domain<TAB>pogate:domain" in the mailertable
dnl pogate-map writes).
dnl
dnl Use it in the .mc after the MAILER() lines, MAILER(`smtp') among them
dnl (the S= and R= rulesets are the smtp mailer's):
dnl     include(`/usr/share/doc/pogate/contrib/sendmail/pogate.m4')dnl
dnl or copy it to sendmail's cf/mailer/pogate.m4 and write MAILER(`pogate').
dnl pogate-lmtp.m4 defines a mailer of the same name that speaks LMTP to
dnl pogate-lmtp -i instead: use one of the two.
dnl
dnl A= gives pogate-lda the queue id ($i, on every log line and in mailbag
dnl envelopes), the envelope sender ($g; the null sender stays null) and the
dnl recipient ($u, the full address: R=EnvToSMTP keeps the domain, which
dnl pogate-lda needs to find the postoffice; the local mailer's EnvToL would
dnl strip it).
dnl Flags:
dnl   l  local delivery: the mail ends here
dnl   s  strip quotes from addresses
dnl   n  no Unix "From " line (pogate-lda writes Return-Path and Delivered-To)
dnl   8  the message as received: no 8-bit to 7-bit MIME conversion
dnl   D, F, M  add Date:, From:, Message-Id: if the message has none
dnl   no m: one recipient per run, so that each gets its own exit status
dnl   no P (Return-Path is pogate-lda's), no S: the mailer runs as U=, never
dnl   as root (pogate-lda refuses root).
dnl Exit status (pogate-lda(8)): 0 delivered and fsynced; 67 no such mailbox
dnl (sendmail bounces that recipient); 75 anything temporary (map trouble,
dnl paused postoffice, store errors): sendmail keeps the message queued and
dnl retries at the next queue run. The queue file (and mailq) note only the
dnl exit status, "Deferred: pogate mailer (...) exited with EX_TEMPFAIL", or
dnl "putbody: write error: Broken pipe" when pogate-lda gave up before it
dnl read the message; the reason, an RFC 3463 status and text, is on
dnl pogate-lda's log line.
dnl (Through pogate-lmtp.m4 the LMTP reply itself, e.g. "451 4.3.0 store:
dnl Permission denied", is what the queue file notes.)
MAILER_DEFINITIONS
Mpogate,	P=/usr/sbin/pogate-lda, F=lsn8DFM, S=EnvFromSMTP/HdrFromSMTP, R=EnvToSMTP/HdrToSMTP,
		T=DNS/RFC822/X-Unix, U=pogate:pogate,
		A=pogate-lda -c /etc/pogate -q $i -f $g -- $u
