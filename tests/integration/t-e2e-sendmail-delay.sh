#!/bin/bash
# t-e2e-sendmail-delay.sh - t-e2e-sendmail.sh behind a sendmail with
# FEATURE(delay_checks): contrib/sendmail/pogate.mc then runs the client and
# sender checks itself before it relays a postoffice domain, and a sender
# the site's access map rejects stays rejected.
E2E_SM_DELAY_CHECKS=1 exec bash "$(dirname "$0")/t-e2e-sendmail.sh"
