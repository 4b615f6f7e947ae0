#!/usr/bin/env bash
# Runs the Emacs checks and prints TAP lines; exits 1 on a failure:
#   1. envspec-mode.el byte-compiles with warnings as errors (in a scratch
#      directory, so no .elc is left behind);
#   2. checkdoc finds nothing in it;
#   3. the behaviour tests in envspec-mode-test.el.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
status=0

cp "$root/editors/emacs/envspec-mode.el" "$scratch/"
if out="$(cd "$scratch" && emacs -Q --batch --eval '(setq byte-compile-error-on-warn t)' \
  -f batch-byte-compile envspec-mode.el 2>&1)" && [[ -f "$scratch/envspec-mode.elc" ]]; then
  echo "ok - envspec-mode.el byte-compiles without warnings"
else
  echo "not ok - envspec-mode.el byte-compiles without warnings"
  sed 's/^/  # /' <<<"$out"
  status=1
fi

out="$(cd "$scratch" && emacs -Q --batch --eval '(progn (require (quote checkdoc)) (checkdoc-file "envspec-mode.el"))' 2>&1)"
if [[ -z "$out" ]]; then
  echo "ok - checkdoc finds nothing in envspec-mode.el"
else
  echo "not ok - checkdoc finds nothing in envspec-mode.el"
  sed 's/^/  # /' <<<"$out"
  status=1
fi

ENVSPEC_ROOT="$root" timeout 300 emacs -Q --batch -L "$scratch" \
  -l "$here/envspec-mode-test.el" -f envspec-test-run 2>&1 || status=1
exit $status
