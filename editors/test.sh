#!/usr/bin/env bash
# Runs every editor test: keyword consistency with grammar/envspec.pest, the
# highlighting fixture against envspec itself, VS Code (tokenizer snapshots,
# manifest, .vsix), tree-sitter (generated parser, corpus, highlight tests,
# parses of the fixture and examples), Vim (headless) and Emacs (byte-compile,
# checkdoc, behaviour). Installs what is missing first:
#
#   - npm packages of editors/vscode (`npm ci`, pinned by package-lock.json;
#     skipped while node_modules matches the lock file);
#   - tree-sitter-cli $TREE_SITTER_VERSION with `cargo install --locked`, into
#     $ENVSPEC_EDITOR_TOOLS (default ~/.cache/envspec/editor-tools, outside the
#     checkout so that a fresh clone on the same machine reuses it), unless a
#     `tree-sitter` of that version is on PATH or already installed there;
#   - vim and emacs-nox with apt-get, if the commands are missing.
#
# ENVSPEC names an envspec binary to use instead of building one with cargo.
# Set ENVSPEC_EDITOR_SKIP to a space-separated list of suites to skip (vscode,
# tree-sitter, vim, emacs), for machines without apt or a Rust toolchain;
# skipped suites are reported as such, never as passed.
#
# Prints TAP lines and ends with `N passed, M failed`; exits 1 if any check
# failed.
set -uo pipefail

TREE_SITTER_VERSION="0.27.1"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tools="${ENVSPEC_EDITOR_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/envspec/editor-tools}"
mkdir -p "$tools" && tools="$(cd "$tools" && pwd)"
skip=" ${ENVSPEC_EDITOR_SKIP:-} "
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
started=$SECONDS

passed=0
failed=0
skipped=()

say() { echo "# $*"; }

# run_tap NAME COMMAND...: runs a command that prints TAP lines; counts them.
# A command that fails without reporting a failed check counts as one failure.
run_tap() {
  local name="$1"
  shift
  local out status ok notok
  say "---- $name"
  out="$("$@" 2>&1)"
  status=$?
  printf '%s\n' "$out"
  ok=$(grep -c '^ok\b' <<<"$out")
  notok=$(grep -c '^not ok\b' <<<"$out")
  passed=$((passed + ok))
  failed=$((failed + notok))
  if [[ $status -ne 0 && $notok -eq 0 ]]; then
    echo "not ok - $name exited with status $status"
    failed=$((failed + 1))
  fi
}

# check NAME COMMAND...: one check that passes when the command succeeds.
check() {
  local name="$1"
  shift
  local out
  if out="$("$@" 2>&1)"; then
    echo "ok - $name"
    passed=$((passed + 1))
  else
    echo "not ok - $name"
    sed 's/^/  # /' <<<"$out" | tail -40
    failed=$((failed + 1))
  fi
}

wants() { [[ "$skip" != *" $1 "* ]]; }

# apt_install COMMAND PACKAGE: installs PACKAGE when COMMAND is missing.
apt_install() {
  local command="$1" package="$2" sudo=()
  command -v "$command" >/dev/null 2>&1 && return 0
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "$command is missing and apt-get needs root: install $package, or set ENVSPEC_EDITOR_SKIP" >&2
      return 1
    fi
  fi
  command -v apt-get >/dev/null 2>&1 || {
    echo "$command is missing and there is no apt-get: install $package, or set ENVSPEC_EDITOR_SKIP" >&2
    return 1
  }
  say "installing $package with apt-get"
  local t=$SECONDS
  if ! DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$package" >"$scratch/apt.log" 2>&1; then
    "${sudo[@]}" apt-get update -qq >>"$scratch/apt.log" 2>&1
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$package" >>"$scratch/apt.log" 2>&1 ||
      { cat "$scratch/apt.log" >&2; return 1; }
  fi
  say "installed $package ($((SECONDS - t)) s)"
}

# ---- envspec itself ------------------------------------------------------------
envspec="${ENVSPEC:-}"
if [[ "$envspec" == */* ]]; then
  envspec="$(cd "$(dirname "$envspec")" && pwd)/$(basename "$envspec")"
fi
if [[ -n "$envspec" ]]; then
  say "using envspec at $envspec"
elif say "building envspec" && cargo build --locked --quiet 2>"$scratch/cargo.log"; then
  target_dir="$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
  envspec="$target_dir/debug/envspec"
fi

run_tap "keywords: every editor follows grammar/envspec.pest" python3 editors/check-keywords.py

say "---- the highlighting fixture"
if [[ -x "$envspec" ]]; then
  check "editors/fixtures/all-constructs.env is a valid spec (envspec build)" \
    "$envspec" --color never build --no-cache editors/fixtures -o "$scratch/fixture-out"
else
  echo "not ok - editors/fixtures/all-constructs.env is a valid spec (envspec does not build)"
  sed 's/^/  # /' "$scratch/cargo.log" | tail -20
  failed=$((failed + 1))
fi

# ---- VS Code ---------------------------------------------------------------------
if wants vscode; then
  say "---- vscode"
  lock_sum="$(sha256sum editors/vscode/package-lock.json | cut -d' ' -f1)"
  stamp="editors/vscode/node_modules/.envspec-lock-sha256"
  if [[ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]]; then
    say "npm ci in editors/vscode"
    t=$SECONDS
    if (cd editors/vscode && npm ci --prefer-offline --no-audit --no-fund --loglevel=error) >"$scratch/npm.log" 2>&1; then
      echo "$lock_sum" >"$stamp"
      say "npm ci done ($((SECONDS - t)) s)"
    else
      cat "$scratch/npm.log"
    fi
  fi
  run_tap "vscode: manifest, detection and tokenizer snapshots" node editors/vscode/test/run.js
  run_tap "vscode: .vsix package" node editors/vscode/test/package.js
else
  skipped+=(vscode)
fi

# ---- tree-sitter ----------------------------------------------------------------
if wants tree-sitter; then
  say "---- tree-sitter"
  tree_sitter=""
  if command -v tree-sitter >/dev/null 2>&1 &&
    [[ "$(tree-sitter --version 2>/dev/null)" == "tree-sitter $TREE_SITTER_VERSION"* ]]; then
    tree_sitter="$(command -v tree-sitter)"
  elif [[ "$("$tools/bin/tree-sitter" --version 2>/dev/null)" == "tree-sitter $TREE_SITTER_VERSION"* ]]; then
    tree_sitter="$tools/bin/tree-sitter"
  else
    say "installing tree-sitter-cli $TREE_SITTER_VERSION with cargo (a few minutes, once)"
    t=$SECONDS
    if cargo install --locked --quiet tree-sitter-cli --version "$TREE_SITTER_VERSION" --root "$tools" >"$scratch/ts.log" 2>&1; then
      tree_sitter="$tools/bin/tree-sitter"
      say "installed tree-sitter-cli ($((SECONDS - t)) s)"
    else
      tail -30 "$scratch/ts.log"
    fi
  fi
  if [[ -n "$tree_sitter" ]]; then
    # The CLI's configuration and compiled parsers stay under $tools.
    export TREE_SITTER_DIR="$tools/tree-sitter-config"
    export TREE_SITTER_LIBDIR="$tools/tree-sitter-lib"
    mkdir -p "$TREE_SITTER_DIR" "$TREE_SITTER_LIBDIR"
    printf '{"parser-directories": ["%s"]}\n' "$root/editors" >"$TREE_SITTER_DIR/config.json"
    run_tap "tree-sitter: generated parser, corpus, highlights, examples" \
      env TREE_SITTER="$tree_sitter" ENVSPEC="$envspec" python3 editors/tree-sitter/test/check.py
  else
    echo "not ok - tree-sitter-cli $TREE_SITTER_VERSION could not be installed"
    failed=$((failed + 1))
  fi
else
  skipped+=(tree-sitter)
fi

# ---- Vim -----------------------------------------------------------------------
if wants vim; then
  if apt_install vim vim; then
    run_tap "vim: detection, syntax groups, indentation, folding" editors/vim/test/run.sh
  else
    echo "not ok - vim is not installed"
    failed=$((failed + 1))
  fi
else
  skipped+=(vim)
fi

# ---- Emacs ---------------------------------------------------------------------
if wants emacs; then
  if apt_install emacs emacs-nox; then
    run_tap "emacs: byte-compile, checkdoc, faces, indentation, detection" editors/emacs/test/run.sh
  else
    echo "not ok - emacs is not installed"
    failed=$((failed + 1))
  fi
else
  skipped+=(emacs)
fi

say "editor tests took $((SECONDS - started)) s"
if [[ ${#skipped[@]} -gt 0 ]]; then
  say "skipped (ENVSPEC_EDITOR_SKIP): ${skipped[*]}"
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
