dnl contrib/sendmail/pogate-lmtp.m4 - a sendmail mailer that delivers postoffice
dnl mail through pogate-lmtp -i: one LMTP conversation per mailer run over the
dnl pipe (F=z), several recipients per message, one status per recipient.
dnl
dnl Put it in the .mc after the MAILER() lines (or in cf/mailer/ and use
dnl MAILER(`pogate_lmtp')), rebuild sendmail.cf, and route the postoffice
dnl domains to it with pogate.mc, which reads the mailertable pogate-map
dnl writes (entries such as "sales.example.com<TAB>pogate:sales.example.com")
dnl and relays those domains (t-e2e-sendmail-lmtp.sh runs the two together).
dnl
dnl Flags:
dnl   z  speak LMTP to the program on its stdin/stdout (pogate-lmtp -i)
dnl   l  local delivery: the mail ends here
dnl   s  strip quotes;  m  several recipients per run (one LMTP transaction)
dnl   n  no Unix From line;  9  8-bit MIME as is (8BITMIME is announced)
dnl   F, D, M and P are not needed: pogate-lmtp writes Return-Path and
dnl   Delivered-To itself.
dnl U= runs it as the unprivileged pogate user (sendmail's default user would
dnl otherwise apply); T= gives DSN-style addresses in status notices.
dnl pogate-lmtp answers 451 4.x.x (map trouble, paused postoffice, store
dnl errors) so the message stays in sendmail's queue; 550 5.1.1 for unknown
dnl mailboxes bounces only that recipient.
MAILER_DEFINITIONS
Mpogate,	P=/usr/sbin/pogate-lmtp, F=zlsmn9, S=EnvFromSMTP/HdrFromSMTP, R=EnvToSMTP/HdrToSMTP,
		T=DNS/RFC822/SMTP, U=pogate:pogate,
		A=pogate-lmtp -i -c /etc/pogate
