//! The Helmsman desired-state file of one environment.
//!
//! Only keys Helmsman defines are written (it ignores unknown keys silently),
//! every string is quoted where YAML could misread it, and a literal `$` is
//! written `$$` because Helmsman substitutes `$VAR` in the whole file.

use super::values_path_in_env;
use super::yaml::Yaml;
use crate::model::{Environment, Extra, Model, Release, Text};

pub(super) fn document(model: &Model, env: &Environment) -> Yaml {
    let platform = &model.platform;
    let mut metadata = Yaml::map()
        .with("platform", text(&platform.name))
        .with("environment", text(&env.name));
    for (key, value) in [
        ("org", &platform.org),
        ("maintainer", &platform.maintainer),
        ("description", &env.description),
    ] {
        if let Some(value) = value {
            metadata = metadata.with(key, text(value));
        }
    }
    let settings = Yaml::map()
        .with("kubeContext", text(&env.kube_context))
        // Helmsman's own schema marks `eyamlGkms` required (a typo in its
        // struct tag); false is Helmsman's default, so writing it changes
        // nothing and keeps the file valid against that schema.
        .with("eyamlGkms", Yaml::Bool(false));
    // envspec's `protected` means "only promotion changes it"; Helmsman's
    // namespace flag would freeze every release, so it stays false here.
    let namespaces = Yaml::Map(
        env.namespaces()
            .into_iter()
            .map(|ns| {
                (
                    ns.to_string(),
                    Yaml::map().with("protected", Yaml::Bool(false)),
                )
            })
            .collect(),
    );
    let repos = Yaml::Map(
        env.helm_repos
            .iter()
            .map(|r| (r.name.clone(), text(&r.url)))
            .collect(),
    );
    let apps = Yaml::Map(
        env.releases
            .iter()
            .map(|r| (r.app.clone(), app(r)))
            .collect(),
    );
    Yaml::map()
        .with("metadata", metadata)
        .with("context", text(&format!("{}-{}", platform.name, env.name)))
        .with("settings", settings)
        .with("namespaces", namespaces)
        .with("helmRepos", repos)
        .with("apps", apps)
}

fn app(release: &Release) -> Yaml {
    let mut app = Yaml::map()
        .with("name", text(&release.app))
        .with("namespace", text(&release.namespace.value))
        .with("enabled", Yaml::Bool(true));
    if let Some(description) = &release.description {
        app = app.with("description", text(&description.value));
    }
    if let Some(group) = &release.group {
        app = app.with("group", text(&group.value));
    }
    app = app
        .with("chart", text(&release.chart.value.to_string()))
        .with("version", text(&release.chart_version.value))
        .with(
            "valuesFiles",
            Yaml::Seq(vec![Yaml::str(values_path_in_env(&release.app))]),
        );
    let from_ci = values_from_ci(release);
    if !from_ci.is_empty() {
        app = app.with(
            "setString",
            Yaml::Map(
                from_ci
                    .into_iter()
                    .map(|(path, var)| (path, Yaml::str(format!("${{{var}}}"))))
                    .collect(),
            ),
        );
    }
    app = app.with("priority", Yaml::Int(release.priority));
    if let Some(wait) = &release.wait {
        app = app.with("wait", Yaml::Bool(wait.value));
    }
    if let Some(timeout) = &release.timeout_seconds {
        app = app.with("timeout", Yaml::Int(timeout.value as i64));
    }
    if let Some(freeze) = &release.freeze {
        app = app.with("protected", Yaml::Bool(freeze.value));
    }
    app
}

/// A literal string for the DSF: `$` doubled so Helmsman keeps it.
fn text(s: &str) -> Yaml {
    Yaml::str(s.replace('$', "$$"))
}

/// Values the CI supplies at apply time, as `--set-string` paths and the
/// environment variable that holds each, sorted by path.
fn values_from_ci(release: &Release) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Text::FromEnvironment(var) = &release.tag.value {
        out.push((release.layout.tag.clone(), var.clone()));
    }
    for (key, value) in &release.extra_values {
        collect_from_ci(&set_key(key), &value.value, &mut out);
    }
    out.sort();
    out
}

fn collect_from_ci(path: &str, value: &Extra, out: &mut Vec<(String, String)>) {
    match value {
        Extra::Str(Text::FromEnvironment(var)) => out.push((path.to_string(), var.clone())),
        Extra::Map(entries) => {
            for (key, inner) in entries {
                collect_from_ci(&format!("{path}.{}", set_key(key)), inner, out);
            }
        }
        _ => {}
    }
}

/// Escapes a key for Helm's `--set` path syntax, where `.` separates keys.
fn set_key(key: &str) -> String {
    key.replace('\\', "\\\\")
        .replace('.', "\\.")
        .replace(',', "\\,")
}
