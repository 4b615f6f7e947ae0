#!/usr/bin/env bash
# Runs the Vim tests headless and prints their TAP lines; exits 1 on a failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
tap="$(mktemp)"
trap 'rm -f "$tap"' EXIT
ENVSPEC_ROOT="$root" ENVSPEC_TAP="$tap" timeout 120 vim -Es -N -u NONE -i NONE -n \
  --cmd "set rtp^=$root/editors/vim" \
  -c 'filetype plugin indent on' -c 'syntax on' \
  -S "$here/run.vim" </dev/null || true
if [[ ! -s "$tap" ]]; then
  echo "not ok 1 - the Vim tests ran (vim wrote no results)"
  exit 1
fi
cat "$tap"
! grep -q '^not ok' "$tap"
