//! `envspec diff ENV_A ENV_B`: what differs between two environments, per
//! app and per field, read off the checked model (not the YAML text).

use std::path::Path;

use serde_json::json;

use super::report::{Format, Reporter, stdout};
use crate::diag::{Code, Diagnostic};
use crate::model::{EnvSource, Environment, Extra, Release, Text};

/// One field of one release, as people read it.
type Fields = Vec<(String, String)>;

pub fn diff(
    dir: &Path,
    a: &str,
    b: &str,
    apps: &[String],
    reporter: &Reporter,
    format: Format,
) -> u8 {
    let reporter = &reporter.for_spec(dir);
    let sources = match super::load::load_spec(dir) {
        Ok(sources) => sources,
        Err(diagnostic) => return super::fail(reporter, diagnostic),
    };
    let (model, diagnostics) = crate::compile(&sources);
    reporter.report(&sources, &diagnostics);
    let Some(model) = model else {
        reporter.summary(&format!("errors in `{}`; nothing compared", dir.display()));
        return 1;
    };
    let names: Vec<&str> = model.environments.iter().map(|e| e.name.as_str()).collect();
    let find = |name: &str| {
        model.environment(name).ok_or_else(|| {
            let hint = crate::diag::suggest::help_for(name, names.iter().copied())
                .unwrap_or_else(|| format!("the environments are {}", names.join(", ")));
            Diagnostic::new(Code::E0605, format!("no environment `{name}`")).help(hint)
        })
    };
    let (left, right) = match (find(a), find(b)) {
        (Ok(l), Ok(r)) => (l, r),
        (Err(d), _) | (_, Err(d)) => return super::fail(reporter, d),
    };
    let rows = compare(left, right, apps);
    match format {
        Format::Json => {
            for row in &rows {
                stdout(&format!(
                    "{}\n",
                    json!({"app": row.app, "field": row.field, a: row.left, b: row.right})
                ));
            }
        }
        _ => stdout(&table(a, b, &rows)),
    }
    0
}

/// A difference: None where the field (or the whole app) is absent.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub app: String,
    pub field: String,
    pub left: Option<String>,
    pub right: Option<String>,
}

/// Every field that differs, app by app, in a fixed field order.
pub fn compare(left: &Environment, right: &Environment, only: &[String]) -> Vec<Row> {
    let mut apps: Vec<&str> = left
        .releases
        .iter()
        .chain(&right.releases)
        .map(|r| r.app.as_str())
        .collect();
    apps.sort_unstable();
    apps.dedup();
    let mut rows = Vec::new();
    for app in apps {
        if !only.is_empty() && !only.iter().any(|o| o == app) {
            continue;
        }
        let l = left.releases.iter().find(|r| r.app == app);
        let r = right.releases.iter().find(|r| r.app == app);
        if l.is_none() || r.is_none() {
            rows.push(Row {
                app: app.to_string(),
                field: "deployed".into(),
                left: l.map(|_| "yes".into()),
                right: r.map(|_| "yes".into()),
            });
            continue;
        }
        let (lf, rf) = (fields(l.expect("checked")), fields(r.expect("checked")));
        let mut names: Vec<&String> = lf.iter().map(|(k, _)| k).collect();
        for (k, _) in &rf {
            if !names.contains(&k) {
                names.push(k);
            }
        }
        for name in names {
            let value = |fields: &Fields| {
                fields
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            };
            let (lv, rv) = (value(&lf), value(&rf));
            if lv != rv {
                rows.push(Row {
                    app: app.to_string(),
                    field: name.clone(),
                    left: lv,
                    right: rv,
                });
            }
        }
    }
    rows
}

fn text(t: &Text) -> String {
    match t {
        Text::Literal(s) => s.clone(),
        Text::FromEnvironment(var) => format!("env_var(\"{var}\")"),
    }
}

/// A release's fields in reading order.
fn fields(r: &Release) -> Fields {
    let mut out: Fields = vec![
        ("image".into(), r.image.value.clone()),
        ("image tag".into(), text(&r.tag.value)),
        ("chart".into(), r.chart.value.to_string()),
        ("chart version".into(), r.chart_version.value.to_string()),
        ("namespace".into(), r.namespace.value.to_string()),
    ];
    let mut push = |name: &str, value: Option<String>| {
        if let Some(value) = value {
            out.push((name.to_string(), value));
        }
    };
    push("replicas", r.replicas.as_ref().map(|v| v.value.to_string()));
    let res = &r.resources;
    push(
        "memory",
        res.memory_request.as_ref().map(|q| q.value.text.clone()),
    );
    push(
        "memory limit",
        res.memory_limit.as_ref().map(|q| q.value.text.clone()),
    );
    push(
        "cpu",
        res.cpu_request.as_ref().map(|q| q.value.text.clone()),
    );
    push(
        "cpu limit",
        res.cpu_limit.as_ref().map(|q| q.value.text.clone()),
    );
    for port in &r.ports {
        push(
            &format!("port {}", port.value.name),
            Some(port.value.number.to_string()),
        );
    }
    if !r.hosts.is_empty() {
        push(
            "hosts",
            Some(
                r.hosts
                    .iter()
                    .map(|h| h.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        );
    }
    for var in &r.env {
        let value = match &var.value.source {
            EnvSource::Literal(s) => format!("{s:?}"),
            EnvSource::Secret { name, key } => format!("secret {name}/{key}"),
        };
        push(&format!("env {}", var.value.name), Some(value));
    }
    push(
        "timeout",
        r.timeout_seconds.as_ref().map(|t| format!("{}s", t.value)),
    );
    push("wait", r.wait.as_ref().map(|w| w.value.to_string()));
    push("freeze", r.freeze.as_ref().map(|w| w.value.to_string()));
    push("hotfix", r.hotfix.as_ref().map(|h| h.value.clone()));
    for (key, value) in &r.extra_values {
        flatten_extra(&format!("values.{key}"), &value.value, &mut out);
    }
    out
}

fn flatten_extra(prefix: &str, value: &Extra, out: &mut Fields) {
    match value {
        Extra::Map(entries) => {
            for (k, v) in entries {
                flatten_extra(&format!("{prefix}.{k}"), v, out);
            }
        }
        Extra::Str(t) => out.push((prefix.to_string(), format!("{:?}", text(t)))),
        Extra::Int(i) => out.push((prefix.to_string(), i.to_string())),
        Extra::Float(f) => out.push((prefix.to_string(), f.to_string())),
        Extra::Bool(b) => out.push((prefix.to_string(), b.to_string())),
        Extra::List(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten_extra(&format!("{prefix}[{i}]"), item, out);
            }
        }
    }
}

fn table(a: &str, b: &str, rows: &[Row]) -> String {
    if rows.is_empty() {
        return format!("`{a}` and `{b}` run the same releases with the same settings\n");
    }
    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let mut lines = vec![[
        "app".to_string(),
        "field".to_string(),
        a.to_string(),
        b.to_string(),
    ]];
    let mut previous_app = "";
    for row in rows {
        let app = if row.app == previous_app {
            String::new()
        } else {
            row.app.clone()
        };
        previous_app = &row.app;
        lines.push([app, row.field.clone(), show(&row.left), show(&row.right)]);
    }
    let widths: Vec<usize> = (0..4)
        .map(|c| {
            lines
                .iter()
                .map(|l| l[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for line in &lines {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell}{}", " ".repeat(w - cell.chars().count())))
            .collect();
        out.push_str(cells.join("   ").trim_end());
        out.push('\n');
    }
    out
}
