//! Every spec under `examples/` compiles without diagnostics, and its output
//! is pinned, round-trips, validates against Helmsman's schema, and does not
//! depend on file order.

use std::path::{Path, PathBuf};

use envspec::emit::{OutputFile, yaml::Yaml};
use envspec::source::{SourceFile, Sources};
use saphyr::LoadableYamlNode;

fn example_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("examples")
        .expect("examples/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_dir() && has_env_files(p))
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no example specs found");
    dirs
}

fn has_env_files(dir: &Path) -> bool {
    !env_files(dir).is_empty()
}

fn env_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, out);
            } else if name.ends_with(".env") {
                out.push(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn load(dir: &Path, reverse: bool) -> Sources {
    let mut files = env_files(dir);
    if reverse {
        files.reverse();
    }
    let mut sources = Sources::new();
    for file in files {
        let text = std::fs::read_to_string(dir.join(&file)).unwrap();
        sources.add(SourceFile::new(file, text));
    }
    sources
}

fn build(dir: &Path, reverse: bool) -> Vec<OutputFile> {
    let sources = load(dir, reverse);
    let (model, diagnostics) = envspec::compile(&sources);
    assert!(
        diagnostics.is_empty(),
        "{} has diagnostics: {diagnostics:#?}",
        dir.display()
    );
    envspec::emit::emit(&model.expect("no errors, so a model"), &[])
}

#[test]
fn rendering_while_freeing_the_model_writes_the_same_files() {
    for dir in example_dirs() {
        let (model, _) = envspec::compile(&load(&dir, false));
        let model = model.expect("no errors, so a model");
        let first = [model.environments[0].name.clone()];
        for only in [&[][..], &first[..]] {
            assert_eq!(
                envspec::emit::into_text(model.clone(), only),
                envspec::emit::emit_text(&model, only),
                "{} {only:?}",
                dir.display()
            );
        }
    }
}

#[test]
fn example_output_is_pinned() {
    for dir in example_dirs() {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        for file in build(&dir, false) {
            let snapshot = format!("{name}__{}", file.path.replace(['/', '.'], "_"));
            insta::assert_snapshot!(snapshot, file.text);
        }
    }
}

#[test]
fn output_does_not_depend_on_file_order() {
    for dir in example_dirs() {
        assert_eq!(build(&dir, false), build(&dir, true), "{}", dir.display());
    }
}

#[test]
fn every_file_reads_back_as_the_model_wrote_it() {
    for dir in example_dirs() {
        for file in build(&dir, false) {
            let docs = saphyr::Yaml::load_from_str(&file.text)
                .unwrap_or_else(|e| panic!("{}: {e}", file.path));
            assert_eq!(docs.len(), 1, "{}", file.path);
            assert_eq!(to_json(&docs[0]), file.document.to_json(), "{}", file.path);
        }
    }
}

/// A YAML 1.2 reading of a document, as JSON.
fn to_json(yaml: &saphyr::Yaml) -> serde_json::Value {
    use saphyr::{Scalar, Yaml as Y};
    use serde_json::Value;
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

fn helmsman_schema() -> serde_json::Value {
    serde_json::from_str(include_str!("data/helmsman/helmsman-dsf.schema.json")).unwrap()
}

fn dsfs() -> Vec<OutputFile> {
    example_dirs()
        .iter()
        .flat_map(|d| build(d, false))
        .filter(|f| f.path.ends_with("helmsman.yaml"))
        .collect()
}

#[test]
fn desired_state_files_validate_against_helmsmans_schema() {
    let schema = helmsman_schema();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let files = dsfs();
    assert!(!files.is_empty());
    for file in files {
        let instance = file.document.to_json();
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", file.path);
    }
}

/// Helmsman drops unknown keys silently, so the schema's openness is no
/// protection: every key we write must be one of its declared properties.
#[test]
fn desired_state_files_use_only_keys_helmsman_defines() {
    let schema = helmsman_schema();
    let defs = &schema["$defs"];
    let props = |def: &str| -> Vec<String> {
        defs[def]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    for file in dsfs() {
        let Yaml::Map(top) = &file.document else {
            panic!("a map")
        };
        for (key, value) in top {
            assert!(
                props("State").contains(key),
                "{}: unknown top-level key {key}",
                file.path
            );
            let nested = match key.as_str() {
                "settings" => Some("Config"),
                _ => None,
            };
            if let (Some(def), Yaml::Map(entries)) = (nested, value) {
                for (k, _) in entries {
                    assert!(
                        props(def).contains(k),
                        "{}: unknown key {key}.{k}",
                        file.path
                    );
                }
            }
            let per_entry = match key.as_str() {
                "apps" => Some("Release"),
                "namespaces" => Some("Namespace"),
                _ => None,
            };
            if let (Some(def), Yaml::Map(entries)) = (per_entry, value) {
                for (name, entry) in entries {
                    let Yaml::Map(fields) = entry else {
                        panic!("{key}.{name} is a map")
                    };
                    for (k, _) in fields {
                        assert!(
                            props(def).contains(k),
                            "{}: unknown key {key}.{name}.{k}",
                            file.path
                        );
                    }
                }
            }
        }
    }
}

/// Rules Helmsman enforces beyond its schema (its `validate` functions).
#[test]
fn desired_state_files_obey_helmsmans_own_rules() {
    for file in dsfs() {
        let json = file.document.to_json();
        let namespaces = json["namespaces"].as_object().unwrap();
        let repos = json["helmRepos"].as_object().unwrap();
        for (key, app) in json["apps"].as_object().unwrap() {
            let ns = app["namespace"].as_str().unwrap();
            assert!(
                namespaces.contains_key(ns),
                "{}: {key} uses undeclared namespace {ns}",
                file.path
            );
            assert_eq!(
                app["enabled"], true,
                "{}: {key} must be enabled explicitly",
                file.path
            );
            let chart = app["chart"].as_str().unwrap();
            let repo = chart.split_once('/').expect("repo/chart").0;
            assert!(
                repos.contains_key(repo),
                "{}: {key} uses undeclared repo {repo}",
                file.path
            );
            assert!(
                app["priority"].as_i64().unwrap() <= 0,
                "{}: {key} priority must be <= 0",
                file.path
            );
            assert!(
                app["version"].is_string(),
                "{}: {key} version must be a string",
                file.path
            );
            assert!(
                app.get("valuesFile").is_none(),
                "{}: only valuesFiles is used",
                file.path
            );
            let name = app["name"].as_str().unwrap();
            assert!(name.len() <= 53, "{}: release name too long", file.path);
        }
        // Every text `$` is written `$$` (Helmsman substitutes `$VAR`); only
        // `${NAME}` from env_var() stays single.
        let unescaped = file.text.replace("$$", "").replace("${", "");
        assert!(!unescaped.contains('$'), "{}: unescaped `$`", file.path);
    }
}

#[test]
fn values_files_are_referenced_relative_to_their_desired_state() {
    for dir in example_dirs() {
        let files = build(&dir, false);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        for file in files.iter().filter(|f| f.path.ends_with("helmsman.yaml")) {
            let env = file.path.split('/').next().unwrap();
            let json = file.document.to_json();
            for (_, app) in json["apps"].as_object().unwrap() {
                for values in app["valuesFiles"].as_array().unwrap() {
                    let full = format!("{env}/{}", values.as_str().unwrap());
                    assert!(
                        paths.contains(&full.as_str()),
                        "{full} is referenced but not generated"
                    );
                }
            }
        }
    }
}
