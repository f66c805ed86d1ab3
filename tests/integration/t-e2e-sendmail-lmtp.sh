#!/bin/bash
# t-e2e-sendmail-lmtp.sh - t-e2e-sendmail.sh with contrib/sendmail/pogate-lmtp.m4:
# the same gateway behind sendmail, delivering through pogate-lmtp -i (one
# LMTP conversation per mailer run, F=z) instead of pogate-lda.
E2E_SM_MAILER=lmtp exec bash "$(dirname "$0")/t-e2e-sendmail.sh"
