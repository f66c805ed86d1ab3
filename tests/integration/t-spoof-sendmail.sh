#!/bin/bash
# t-spoof-sendmail.sh - t-spoof.sh behind a private sendmail: postoffice
# addresses forged in From:, Sender: and Reply-To: tagged, refused, or exempt.
SPOOF_MTA=sendmail exec bash "$(dirname "$0")/t-spoof.sh"
