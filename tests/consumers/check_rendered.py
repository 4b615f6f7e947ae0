#!/usr/bin/env python3
"""Check envspec's output with the real consumers: helm and the Kubernetes schemas.

Usage: check_rendered.py OUT_DIR

For every OUT_DIR/<env>/helmsman.yaml (a Helmsman desired-state file), and for
every app under its `apps`, each file in the app's `valuesFiles` (paths are
relative to the helmsman.yaml's directory) is given to:

  helm lint --strict CHART -f VALUES --namespace NS
  helm template NAME CHART -f VALUES --namespace NS
  kubernetes-validate --strict      (the manifests helm template rendered)

CHART is the chart that `helm create` scaffolds, made once per run in a temp
dir, with one change: its Deployment's container gets `env:` from
`.Values.env`, so that the EnvVar objects envspec writes are rendered and
checked against the Kubernetes schema too. An app with several values files is
also checked with all of them at once, in order, as Helmsman passes them.

All failures are collected and printed with env, app and file; the exit status
is 1 if there was any, or if OUT_DIR holds no helmsman.yaml or no values file
at all. Run it with the Python of the venv that scripts/install-test-tools.sh
makes; helm and kubernetes-validate are looked up in $HELM and
$KUBERNETES_VALIDATE, then next to this Python, then on PATH, then in the
repository's target/test-tools.
"""

import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    import yaml
except ImportError:
    sys.exit(
        "check_rendered.py: PyYAML is not importable by %s; run this script with the "
        "Python of the venv that scripts/install-test-tools.sh makes" % sys.executable
    )

# Kubernetes version for `helm template/lint --kube-version` and
# `kubernetes-validate -k`: the client version helm v4.1 is built against, and
# one of the schema sets kubernetes-validate 1.37.0 bundles (1.x up to 1.37).
KUBE_VERSION = "1.35.0"
HELM_MAJOR = "v4."
CHART = "testchart"
TIMEOUT = 120  # seconds, for each tool run

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TOOLS = REPO_ROOT / "target" / "test-tools"


def find_tool(name, env_var, default):
    explicit = os.environ.get(env_var)
    if explicit:
        return explicit
    beside_python = Path(sys.executable).parent / name
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return str(beside_python)
    on_path = shutil.which(name)
    if on_path:
        return on_path
    if default.is_file() and os.access(default, os.X_OK):
        return str(default)
    sys.exit(
        "check_rendered.py: %s not found (set %s, put it on PATH, or run "
        "scripts/install-test-tools.sh)" % (name, env_var)
    )


def run(cmd, env, stdin=None, cwd=None):
    try:
        p = subprocess.run(
            cmd, input=stdin, capture_output=True, text=True, env=env, cwd=cwd,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return 124, "", "timed out after %d s" % TIMEOUT
    return p.returncode, p.stdout, p.stderr


def plural(n, noun):
    return "%d %s%s" % (n, noun, "" if n == 1 else "s")


def indent(text):
    text = text.strip("\n")
    return "\n".join("    " + line for line in text.splitlines()) if text else "    (no output)"


# ---- the chart ----------------------------------------------------------------

ANCHOR = re.compile(r"^(?P<indent>[ ]+)imagePullPolicy: \{\{ \.Values\.image\.pullPolicy \}\}[ ]*$")


def patch_env_into_deployment(path):
    """Give the scaffolded Deployment's container `env:` from .Values.env."""
    lines = path.read_text().splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if ANCHOR.match(line.rstrip("\n"))]
    if len(hits) != 1:
        sys.exit(
            "check_rendered.py: cannot patch %s: expected exactly one line like "
            "'imagePullPolicy: {{ .Values.image.pullPolicy }}' in the container spec "
            "that `helm create` scaffolds, found %d; has helm's scaffold changed?"
            % (path, len(hits))
        )
    i = hits[0]
    ind = ANCHOR.match(lines[i].rstrip("\n")).group("indent")
    block = [
        ind + "{{- with .Values.env }}\n",
        ind + "env:\n",
        ind + "  {{- toYaml . | nindent %d }}\n" % (len(ind) + 2),
        ind + "{{- end }}\n",
    ]
    if not lines[i].endswith("\n"):
        lines[i] += "\n"
    lines[i + 1:i + 1] = block
    path.write_text("".join(lines))


def make_chart(helm, workdir, env):
    rc, out, err = run([helm, "create", CHART], env, cwd=workdir)
    if rc != 0:
        sys.exit("check_rendered.py: helm create failed:\n" + indent(out + err))
    chart = Path(workdir) / CHART
    patch_env_into_deployment(chart / "templates" / "deployment.yaml")
    return chart


def self_test(helm, kv, chart, env):
    """Fail early, and apart from envspec's output, if the tools or chart are broken."""
    problems = []
    rc, out, err = run([helm, "lint", "--strict", str(chart), "--kube-version", KUBE_VERSION], env)
    if rc != 0:
        problems.append("helm lint --strict of the bare scaffolded chart failed:\n" + indent(out + err))
    probe = [{"name": "PROBE", "value": "x"}]
    rc, out, err = run(
        [helm, "template", "probe", str(chart), "--kube-version", KUBE_VERSION,
         "--set-json", "env=" + json.dumps(probe)],
        env,
    )
    if rc != 0:
        problems.append("helm template of the patched chart failed:\n" + indent(out + err))
    else:
        envs = deployment_envs(list(yaml.safe_load_all(out)))
        if envs != [probe]:
            problems.append(
                "the env patch of templates/deployment.yaml did not take effect: "
                "rendered container env %r, expected [%r]" % (envs, probe)
            )
        problems += validate_manifests(kv, out, env)
    if problems:
        sys.exit("check_rendered.py: self-test failed (not a problem in OUT_DIR):\n"
                 + "\n".join(problems))


# ---- one check ------------------------------------------------------------------

def deployment_envs(docs):
    envs = []
    for doc in docs:
        if isinstance(doc, dict) and doc.get("kind") == "Deployment":
            for c in doc["spec"]["template"]["spec"]["containers"]:
                envs.append(c.get("env"))
    return envs


def validate_manifests(kv, manifests, env):
    rc, out, err = run([kv, "--strict", "--quiet", "-k", KUBE_VERSION, "-"], env, stdin=manifests)
    # --quiet leaves only WARN, ERROR and FATAL lines. A WARN is a kind with no
    # schema, which would go unchecked: that counts as a failure too.
    noisy = [l for l in (out + err).splitlines() if l.strip()]
    if rc != 0 or noisy:
        return ["kubernetes-validate --strict -k %s (exit %d):\n%s" % (KUBE_VERSION, rc, indent(out + err))]
    return []


def check(helm, kv, chart, env, release, namespace, values_files):
    """Run lint, template and validate for one set of values files; return failures."""
    failures = []
    expected_env = []
    for vf in values_files:
        if not vf.is_file():
            return ["values file does not exist: %s" % vf]
        try:
            data = yaml.safe_load(vf.read_text())
        except yaml.YAMLError as e:
            return ["values file is not valid YAML:\n" + indent(str(e))]
        if data is not None and not isinstance(data, dict):
            return ["values file is a %s, not a mapping" % type(data).__name__]
        if data and "env" in data:
            expected_env = data["env"]  # a later file replaces the list, as in helm

    fs = []
    for vf in values_files:
        fs += ["-f", str(vf)]
    common = fs + ["--namespace", namespace, "--kube-version", KUBE_VERSION]

    rc, out, err = run([helm, "lint", "--strict", str(chart)] + common, env)
    if rc != 0:
        failures.append("helm lint --strict (exit %d):\n%s" % (rc, indent(out + err)))

    rc, out, err = run([helm, "template", release, str(chart)] + common, env)
    if rc != 0:
        failures.append("helm template (exit %d):\n%s" % (rc, indent(out + err)))
        return failures

    try:
        docs = [d for d in yaml.safe_load_all(out) if d is not None]
    except yaml.YAMLError as e:
        failures.append("helm template printed YAML that PyYAML cannot read:\n" + indent(str(e)))
        return failures
    envs = deployment_envs(docs)
    if not envs:
        failures.append("helm template rendered no Deployment (kinds: %s)"
                        % ", ".join(str(d.get("kind")) for d in docs if isinstance(d, dict)))
    elif expected_env and envs != [expected_env]:
        failures.append("the rendered container env differs from the values file's env "
                        "(helm reads YAML 1.1: unquoted y/n/yes/no/on/off are bools):\n"
                        "    rendered: %r\n    values:   %r"
                        % (envs[0] if len(envs) == 1 else envs, expected_env))

    failures += validate_manifests(kv, out, env)
    return failures


# ---- the desired-state files ------------------------------------------------------

def apps_of(dsf_path):
    """Yield (app name, namespace or None, [values paths], problem or None)."""
    try:
        dsf = yaml.safe_load(dsf_path.read_text())
    except yaml.YAMLError as e:
        yield None, None, [], "helmsman.yaml is not valid YAML:\n" + indent(str(e))
        return
    if not isinstance(dsf, dict):
        yield None, None, [], "helmsman.yaml is not a mapping"
        return
    apps = dsf.get("apps") or {}
    if isinstance(apps, dict):
        items = list(apps.items())
    elif isinstance(apps, list):
        items = [(a.get("name") if isinstance(a, dict) else None, a) for a in apps]
    else:
        yield None, None, [], "`apps` is a %s, not a mapping" % type(apps).__name__
        return
    for name, app in items:
        if not isinstance(app, dict):
            yield str(name), None, [], "app is a %s, not a mapping" % type(app).__name__
            continue
        files = []
        if app.get("valuesFile"):
            files.append(app["valuesFile"])
        vfs = app.get("valuesFiles") or []
        if not isinstance(vfs, list):
            yield str(name), None, [], "valuesFiles is a %s, not a list" % type(vfs).__name__
            continue
        files += vfs
        problem = None
        if not name:
            problem = "app has no name"
        elif not app.get("namespace"):
            problem = "app has no namespace"
        elif not all(isinstance(f, str) and f for f in files):
            problem = "valuesFiles holds a non-string or empty entry: %r" % (files,)
        yield (str(name) if name else None), app.get("namespace"), files, problem


def main(argv):
    if len(argv) != 2:
        print("usage: check_rendered.py OUT_DIR", file=sys.stderr)
        return 2
    out_dir = Path(argv[1])
    if not out_dir.is_dir():
        print("check_rendered.py: %s is not a directory" % out_dir, file=sys.stderr)
        return 1
    dsfs = sorted(out_dir.glob("*/helmsman.yaml"))
    if not dsfs:
        print("check_rendered.py: FAIL: no <env>/helmsman.yaml under %s: nothing to check" % out_dir,
              file=sys.stderr)
        return 1

    helm = find_tool("helm", "HELM", DEFAULT_TOOLS / "bin" / "helm")
    kv = find_tool("kubernetes-validate", "KUBERNETES_VALIDATE",
                   DEFAULT_TOOLS / "venv" / "bin" / "kubernetes-validate")

    with tempfile.TemporaryDirectory(prefix="envspec-consumers-") as work:
        env = dict(os.environ)
        for var, sub in (("HELM_CACHE_HOME", "cache"), ("HELM_CONFIG_HOME", "config"),
                         ("HELM_DATA_HOME", "data")):
            env[var] = os.path.join(work, "helm-home", sub)
        env["NO_COLOR"] = "1"

        rc, version, err = run([helm, "version", "--template", "{{.Version}}"], env)
        if rc != 0 or not version.startswith(HELM_MAJOR):
            sys.exit("check_rendered.py: %s is not helm %sx (it says %r)"
                     % (helm, HELM_MAJOR, (version + err).strip()))

        chart = make_chart(helm, work, env)
        self_test(helm, kv, chart, env)

        failures = []  # (label, [messages])
        jobs = []  # (label, release, namespace, [paths])
        n_files = 0
        envs_seen = []
        for dsf in dsfs:
            env_name = dsf.parent.name
            envs_seen.append(env_name)
            n_apps = 0
            for name, namespace, files, problem in apps_of(dsf):
                label = "env=%s app=%s file=%s" % (env_name, name or "?", dsf)
                if problem:
                    failures.append((label, [problem]))
                    continue
                n_apps += 1
                paths = [dsf.parent / f for f in files]
                for p in paths:
                    n_files += 1
                    jobs.append(("env=%s app=%s file=%s" % (env_name, name, p), name, namespace, [p]))
                if len(paths) > 1:
                    jobs.append(("env=%s app=%s files=%s (together)"
                                 % (env_name, name, ",".join(str(p) for p in paths)),
                                 name, namespace, paths))
            if n_apps == 0:
                print("note: %s has no apps" % dsf)

        workers = max(1, min(4, os.cpu_count() or 1))
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(
                lambda j: check(helm, kv, chart, env, j[1], j[2], j[3]), jobs))
        for (label, _, _, _), msgs in zip(jobs, results):
            if msgs:
                failures.append((label, msgs))

    n_sets = sum(1 for j in jobs if len(j[3]) > 1)
    what = "%s%s in %s" % (
        plural(n_files, "values file"),
        " (and %s)" % plural(n_sets, "combined set") if n_sets else "",
        plural(len(envs_seen), "environment"))
    if failures:
        for label, msgs in failures:
            print("FAIL %s" % label)
            for m in msgs:
                print(indent(m))
        print("check_rendered.py: %s; checked %s" % (plural(len(failures), "failing check"), what))
        return 1
    if n_files == 0:
        print("check_rendered.py: FAIL: the helmsman.yaml files under %s name no values files: "
              "nothing was checked" % out_dir)
        return 1
    print("checked %s: helm lint, helm template and kubernetes-validate passed" % what)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
