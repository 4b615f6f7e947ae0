//! `envspec import`: Helmsman desired-state files into a spec, checked by
//! compiling the spec, emitting it again and comparing with the input.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use envspec::emit::OutputFile;
use saphyr::LoadableYamlNode;
use serde_json::Value;

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/import")
        .join(rel)
}

/// A YAML 1.2 reading of a file, as JSON.
fn load(text: &str) -> Value {
    let docs = saphyr::Yaml::load_from_str(text).expect("YAML parses");
    docs.first()
        .map(to_json)
        .unwrap_or(Value::Object(Default::default()))
}

fn to_json(yaml: &saphyr::Yaml) -> Value {
    use saphyr::{Scalar, Yaml as Y};
    match yaml {
        Y::Value(Scalar::Null) => Value::Null,
        Y::Value(Scalar::Boolean(b)) => Value::Bool(*b),
        Y::Value(Scalar::Integer(i)) => Value::from(*i),
        Y::Value(Scalar::FloatingPoint(f)) => Value::from(f.into_inner()),
        Y::Value(Scalar::String(s)) => Value::String(s.to_string()),
        Y::Sequence(items) => Value::Array(items.iter().map(to_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.as_str().expect("string keys").to_string(), to_json(v)))
                .collect(),
        ),
        other => panic!("unexpected YAML node {other:?}"),
    }
}

/// Helm's merge of values files.
fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(base), Value::Object(over)) => {
            for (k, v) in over {
                match base.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        base.insert(k, v);
                    }
                }
            }
        }
        (base, over) => *base = over,
    }
}

/// `--set`/`--set-string` entries (plain dotted paths) applied to values.
fn apply_sets(values: &mut Value, app: &Value) {
    let bare_var = regex::Regex::new(r"^\$([A-Za-z_][A-Za-z0-9_]*)$").unwrap();
    for key in ["set", "setString"] {
        if let Some(Value::Object(sets)) = app.get(key) {
            for (path, v) in sets {
                let mut node = &mut *values;
                let parts: Vec<&str> = path.split('.').collect();
                for part in &parts[..parts.len() - 1] {
                    node = node
                        .as_object_mut()
                        .unwrap()
                        .entry(part.to_string())
                        .or_insert(Value::Object(Default::default()));
                }
                let text = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                // Helmsman substitutes `$VAR` and `${VAR}` alike.
                let text = bare_var.replace(&text, "$${$1}").into_owned();
                node.as_object_mut()
                    .unwrap()
                    .insert(parts[parts.len() - 1].to_string(), Value::String(text));
            }
        }
    }
}

/// Each app's resolved values and DSF fields, by app name.
struct Release {
    fields: Value,
    priority: i64,
    values: Value,
}

fn releases(dsf: &Value, read: impl Fn(&str) -> String) -> BTreeMap<String, Release> {
    let mut out = BTreeMap::new();
    for (key, app) in dsf["apps"].as_object().unwrap() {
        if app.get("enabled") != Some(&Value::Bool(true)) {
            continue;
        }
        let name = app.get("name").and_then(Value::as_str).unwrap_or(key);
        let mut files: Vec<String> = Vec::new();
        if let Some(f) = app.get("valuesFile").and_then(Value::as_str) {
            files.push(f.into());
        }
        if let Some(list) = app.get("valuesFiles").and_then(Value::as_array) {
            files.extend(list.iter().map(|f| f.as_str().unwrap().to_string()));
        }
        let mut values = Value::Object(Default::default());
        for f in files {
            merge(&mut values, load(&read(&f)));
        }
        apply_sets(&mut values, app);
        let fields = serde_json::json!({
            "name": name,
            "namespace": app["namespace"],
            "chart": app["chart"],
            "version": app["version"],
            "enabled": app["enabled"],
        });
        let priority = app.get("priority").and_then(Value::as_i64).unwrap_or(0);
        out.insert(
            name.to_string(),
            Release {
                fields,
                priority,
                values,
            },
        );
    }
    out
}

/// Imports the DSFs, compiles the result, emits it and compares every app
/// with the input. Returns the spec files.
fn round_trip(dsfs: &[(&str, &str)]) -> Vec<(String, String)> {
    let paths: Vec<PathBuf> = dsfs.iter().map(|(d, _)| data(d)).collect();
    let imported = envspec::import::import(&paths).expect("imports");
    assert!(
        imported.losses.is_empty(),
        "nothing is lost: {:#?}",
        imported.losses
    );
    let (model, diagnostics) = envspec::compile(&imported.sources);
    let model = model.unwrap_or_else(|| panic!("compiles: {diagnostics:#?}"));
    let files = envspec::emit::emit(&model, &[]);
    let by_path: BTreeMap<&str, &OutputFile> = files.iter().map(|f| (f.path.as_str(), f)).collect();
    assert_eq!(model.environments.len(), dsfs.len());
    for (path, (_, env)) in paths.iter().zip(dsfs) {
        let env = model
            .environment(env)
            .expect("the environment is named as expected");
        let original = load(&std::fs::read_to_string(path).unwrap());
        let dir = path.parent().unwrap();
        let before = releases(&original, |f| std::fs::read_to_string(dir.join(f)).unwrap());
        let emitted = load(&by_path[envspec::emit::dsf_path(&env.name).as_str()].text);
        let after = releases(&emitted, |f| {
            by_path[format!("{}/{f}", env.name).as_str()].text.clone()
        });
        assert_eq!(
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>(),
            "{}: the same apps",
            path.display()
        );
        for (name, b) in &before {
            let a = &after[name];
            assert_eq!(b.fields, a.fields, "{}: {name}: DSF fields", path.display());
            assert_eq!(b.values, a.values, "{}: {name}: values", path.display());
            for (other, o) in &before {
                assert_eq!(
                    b.priority.cmp(&o.priority),
                    a.priority.cmp(&after[other].priority),
                    "{}: order of {name} and {other}",
                    path.display()
                );
            }
        }
    }
    for (name, text) in &imported.files {
        assert_eq!(
            envspec::fmt::format(envspec::source::FileId(0), text).as_ref(),
            Ok(text),
            "{name} is formatted"
        );
    }
    imported.files
}

#[test]
fn the_bundled_examples_output_round_trips() {
    // Build the example afresh: its output is not committed.
    let out = tempfile::tempdir().expect("a temporary directory");
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/ehealth");
    let built = std::process::Command::new(env!("CARGO_BIN_EXE_envspec"))
        .args(["build", "--no-cache"])
        .arg(&example)
        .arg("-o")
        .arg(out.path())
        .output()
        .expect("run envspec build");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let dsfs: Vec<(String, &str)> = ["inttest", "exttest", "preprod", "prod"]
        .iter()
        .map(|env| {
            let dsf = out.path().join(env).join("helmsman.yaml");
            (dsf.to_string_lossy().into_owned(), *env)
        })
        .collect();
    let dsfs: Vec<(&str, &str)> = dsfs.iter().map(|(p, e)| (p.as_str(), *e)).collect();
    let files = round_trip(&dsfs);
    // Settings every environment shares are the app's.
    let apps = text(&files, "apps.env");
    assert!(
        apps.contains("\"registry.ehealth.example/medsoft/patient-api\""),
        "{apps}"
    );
}

fn text<'a>(files: &'a [(String, String)], name: &str) -> &'a str {
    &files.iter().find(|(n, _)| n == name).unwrap().1
}

#[test]
fn plain_environments_round_trip_and_share_settings() {
    let files = round_trip(&[
        ("plain/staging/helmsman.yaml", "staging"),
        ("plain/production/helmsman.yaml", "production"),
    ]);
    let apps = text(&files, "apps.env");
    let envs = text(&files, "environments.env");
    // Equal everywhere: on the app; different: in each deploy.
    assert!(apps.contains("= \"team/cart\""), "{apps}");
    assert!(!envs.contains("team/cart"), "{envs}");
    assert!(envs.contains("@ \"4.9.2\""), "{envs}");
    assert!(envs.contains("freeze"), "{envs}");
    assert!(
        apps.contains("secret(\"catalog-db\", \"password\")"),
        "{apps}"
    );
    assert!(text(&files, "platform.env").contains("secret catalog-db"));
}

#[test]
fn environment_variables_become_env_var_calls() {
    let paths = [data("envvars/ci.yaml")];
    let imported = envspec::import::import(&paths).unwrap();
    let envs = text(&imported.files, "environments.env");
    assert!(envs.contains("@ env_var(\"API_TAG\")"), "{envs}");
    assert!(envs.contains("@ env_var(\"WORKER_TAG\")"), "{envs}");
    assert!(
        envs.contains("\"Built by the pipeline; costs $5 a day\""),
        "{envs}"
    );
    assert_eq!(imported.warnings.len(), 1, "{:?}", imported.warnings);
    assert!(imported.warnings[0].path.ends_with("apps.api.description"));
    round_trip(&[("envvars/ci.yaml", "ci")]);
}

#[test]
fn several_namespaces_keep_their_apps() {
    let files = round_trip(&[("namespaces/cluster.yaml", "cluster")]);
    let envs = text(&files, "environments.env");
    assert!(envs.contains("namespace = \"media\""), "{envs}");
    // One environment: every setting is the app's.
    let envs = text(&files, "apps.env");
    assert!(envs.contains("= \"monitoring\""), "{envs}");
    assert!(envs.contains("= \"media-jobs\""), "{envs}");
}

#[test]
fn unsupported_keys_are_reported_not_dropped() {
    let imported = envspec::import::import(&[data("unsupported/dsf.yaml")]).unwrap();
    let paths: Vec<&str> = imported.losses.iter().map(|l| l.path.as_str()).collect();
    for expected in [
        "metadata.owner",
        "settings.slackWebhook",
        "namespaces.legacy.protected",
        "apps.api.secretsFile",
        "apps.api.hooks",
        "apps.api.maxHistory",
        "apps.api.set.replicaCount",
        "affinity",
        "apps.local.chart",
        "apps.disabled.enabled",
    ] {
        assert!(paths.contains(&expected), "{expected} reported: {paths:?}");
    }
    assert!(imported.compiles(), "{:#?}", imported.diagnostics);
}

fn envspec(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_envspec"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_command_writes_the_spec_and_exits_1_on_losses() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("spec");
    let dsf = data("unsupported/dsf.yaml");
    let run = envspec(&["import", dsf.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("W0105\n\n  ⚠ ")
            && stderr.contains("apps.api.hooks: Helmsman lifecycle hooks"),
        "{stderr}"
    );
    assert!(out.join("apps.env").exists());
    // It compiles as written.
    let build = envspec(&["build", out.to_str().unwrap()]);
    assert_eq!(build.status.code(), Some(0), "{build:?}");
    // It never overwrites a spec.
    let again = envspec(&["import", dsf.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn the_command_reports_each_note_with_its_code() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("spec");
    let dsf = data("envvars/ci.yaml");
    let run = envspec(&[
        "--format",
        "json",
        "import",
        dsf.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let notes: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    assert_eq!(notes.len(), 1, "{stdout}");
    assert_eq!(notes[0]["code"], "W0106");
    assert_eq!(notes[0]["severity"], "warning");
    assert!(
        notes[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("apps.api.description: `API for $TEAM`")),
        "{stdout}"
    );
}

#[test]
fn the_command_exits_0_when_everything_is_carried_over() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("spec");
    let dsf = data("namespaces/cluster.yaml");
    let run = envspec(&["import", dsf.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let check = envspec(&["fmt", "--check", out.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0), "{check:?}");
}
