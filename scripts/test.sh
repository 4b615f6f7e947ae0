#!/usr/bin/env bash
# Runs every test of envspec: installs the consumer tools the end-to-end
# tests need (helm, kubernetes-validate, PyYAML, ruamel.yaml; pinned, cached
# in target/test-tools), then the whole cargo test suite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/install-test-tools.sh >/dev/null
cargo test --locked "$@"
editors/test.sh  # editor support: VS Code, tree-sitter, Vim, Emacs (see editors/README.md)
