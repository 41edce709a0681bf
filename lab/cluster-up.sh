#!/usr/bin/env bash
# Alias of up.sh.
exec bash "$(dirname "${BASH_SOURCE[0]}")/up.sh" "$@"
