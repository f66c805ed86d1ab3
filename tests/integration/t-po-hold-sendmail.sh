#!/bin/bash
# t-po-hold-sendmail.sh - t-po-hold.sh behind a private sendmail: outbound mail of a
# paused postoffice quarantined and released by pogate-po resume.
POHOLD_MTA=sendmail exec bash "$(dirname "$0")/t-po-hold.sh"
