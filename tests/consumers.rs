//! End-to-end against the real consumers of envspec's output: the example and
//! the quoting fixture are built with the envspec binary, then
//! `tests/consumers/check_yaml11.py` reads every file with a YAML 1.1 and a
//! YAML 1.2 reader, and `tests/consumers/check_rendered.py` renders every
//! values file with `helm lint --strict` / `helm template` against the chart
//! `helm create` scaffolds and validates the manifests with
//! `kubernetes-validate --strict`.
//!
//! The tools come from `scripts/install-test-tools.sh` (run by `scripts/test.sh`);
//! without them these tests fail, they are never skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tools() -> PathBuf {
    std::env::var_os("ENVSPEC_TEST_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/test-tools"))
}

fn python() -> PathBuf {
    let python = tools().join("venv/bin/python");
    assert!(
        python.exists() && tools().join("bin/helm").exists(),
        "the consumer tools are missing in {}: run scripts/install-test-tools.sh (scripts/test.sh does)",
        tools().display()
    );
    python
}

fn build(spec: &str) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_envspec"))
        .args(["build", "--no-cache", spec, "-o"])
        .arg(out.path())
        .current_dir(repo())
        .status()
        .unwrap();
    assert!(status.success(), "envspec build {spec} failed");
    out
}

fn run_check(script: &str, out: &Path) {
    let output = Command::new(python())
        .arg(repo().join("tests/consumers").join(script))
        .arg(out)
        .env("HELM", tools().join("bin/helm"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{script} failed:\n{stdout}\n{stderr}"
    );
    eprintln!("{script}: {}", stdout.trim());
}

#[test]
fn example_is_read_alike_by_yaml_1_1_and_1_2_readers() {
    run_check("check_yaml11.py", build("examples/ehealth").path());
}

#[test]
fn quoting_fixture_is_read_alike_by_yaml_1_1_and_1_2_readers() {
    run_check("check_yaml11.py", build("tests/data/quoting").path());
}

#[test]
fn example_renders_with_helm_and_validates_as_kubernetes_objects() {
    run_check("check_rendered.py", build("examples/ehealth").path());
}

#[test]
fn quoting_fixture_renders_with_helm_and_validates_as_kubernetes_objects() {
    run_check("check_rendered.py", build("tests/data/quoting").path());
}
