#!/bin/bash
# t-pickup-sendmail.sh - t-pickup.sh behind a private sendmail: the outbag submitted
# through sendmail's mail submission program, relayed to the daemon and its milter.
PICKUP_MTA=sendmail exec bash "$(dirname "$0")/t-pickup.sh"
