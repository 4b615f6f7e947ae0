//! Hover: a field's type and documentation; a deployed app's resolved
//! values in that environment and where each was set; any other declared
//! name's kind and declaration.

use std::fmt::Write as _;

use super::analysis::Analysis;
use super::index::{Kind, Role};
use super::navigation::occurrence_at;
use crate::check::schema::{self, FieldSpec};
use crate::model::{EnvSource, Extra, Provenance, Release, Sourced, Text};
use crate::resolve::{self, Merged, Settings};
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, DeclKind, Declaration};

/// The hover text (Markdown) and the span it is about.
pub fn hover(analysis: &Analysis, file: FileId, offset: usize) -> Option<(String, Span)> {
    if let Some(occurrence) = occurrence_at(analysis, file, offset) {
        let text = match &occurrence.role {
            Role::Deploy { environment } => deployed(analysis, environment, &occurrence.name),
            _ => declared(analysis, occurrence.kind, &occurrence.name),
        };
        return Some((text, occurrence.span));
    }
    let (spec, span) = field_at(&analysis.files[file.0 as usize], offset)?;
    Some((field_doc(spec), span))
}

/// The schema entry of the field key under the cursor: a top-level key of a
/// declaration, of a `deploy`'s overrides or of a promotion step's settings.
fn field_at(file: &ast::File, offset: usize) -> Option<(&'static FieldSpec, Span)> {
    let on = |key: &ast::Name| key.span.start as usize <= offset && offset <= key.span.end as usize;
    for declaration in &file.declarations {
        match declaration {
            Declaration::Block(decl) => {
                if let Some(field) = decl.body.fields.iter().find(|f| on(&f.key)) {
                    return schema::find(decl.kind, &field.key.text).map(|s| (s, field.key.span));
                }
                let mut overrides = decl
                    .body
                    .deploys
                    .iter()
                    .filter_map(|d| d.overrides.as_ref());
                if let Some(field) = overrides.find_map(|o| o.fields.iter().find(|f| on(&f.key))) {
                    return schema::find(DeclKind::App, &field.key.text)
                        .map(|s| (s, field.key.span));
                }
            }
            Declaration::Promotion(promotion) => {
                for step in &promotion.steps {
                    let Some(settings) = &step.settings else {
                        continue;
                    };
                    let Some((_, fields)) = schema::PROMOTION_MECHANISMS
                        .iter()
                        .find(|(name, _)| *name == step.via.text)
                    else {
                        continue;
                    };
                    if let Some(field) = settings.fields.iter().find(|f| on(&f.key)) {
                        return fields
                            .iter()
                            .find(|s| s.name == field.key.text)
                            .map(|s| (s, field.key.span));
                    }
                }
            }
            Declaration::HelmRepo(_) | Declaration::Rule(_) => {}
        }
    }
    None
}

fn field_doc(spec: &FieldSpec) -> String {
    format!("**{}**: {}\n\n{}", spec.name, spec.ty.describe(), spec.doc)
}

/// A declared name: its kind and where it is declared, with a detail or two.
fn declared(analysis: &Analysis, kind: Kind, name: &str) -> String {
    let mut out = format!("{} `{name}`", kind.describe());
    let declarations: Vec<_> = analysis.index.declarations(kind, name).collect();
    if declarations.is_empty() {
        let _ = write!(out, "\n\nnot declared");
        return out;
    }
    for declaration in &declarations {
        let _ = write!(out, "\n\ndeclared at {}", analysis.place(declaration.span));
    }
    let Some(decl) = find_declaration(analysis, kind, name) else {
        return out;
    };
    match decl {
        Declaration::HelmRepo(repo) => {
            if let ast::ValueKind::Str(url) = &repo.url.kind {
                let _ = write!(out, "\n\n{url}");
            }
        }
        Declaration::Block(decl) => {
            if let Some(parent) = &decl.parent {
                let _ = write!(out, "\n\ninherits from template `{}`", parent.text);
            }
            if kind == Kind::App {
                let mut environments: Vec<String> = analysis
                    .index
                    .occurrences(Kind::App, name)
                    .filter_map(|o| match &o.role {
                        Role::Deploy { environment } => Some(format!("`{environment}`")),
                        _ => None,
                    })
                    .collect();
                environments.sort();
                if environments.is_empty() {
                    let _ = write!(out, "\n\ndeployed in no environment");
                } else {
                    let _ = write!(out, "\n\ndeployed in {}", environments.join(", "));
                }
            }
            for key in ["context", "namespace", "protected", "keys", "description"] {
                if let Some(field) = decl.body.fields.iter().find(|f| f.key.text == key) {
                    let _ = write!(
                        out,
                        "\n\n{key} = {}",
                        analysis.sources.text(field.value.span)
                    );
                }
            }
        }
        Declaration::Rule(_) | Declaration::Promotion(_) => {}
    }
    out
}

fn find_declaration<'a>(analysis: &'a Analysis, kind: Kind, name: &str) -> Option<&'a Declaration> {
    analysis
        .files
        .iter()
        .flat_map(|f| &f.declarations)
        .find(|d| match (d, kind) {
            (Declaration::HelmRepo(repo), Kind::HelmRepo) => repo.name.text == name,
            (Declaration::Block(decl), _) => {
                decl.name.text == name
                    && matches!(
                        (decl.kind, kind),
                        (DeclKind::App, Kind::App)
                            | (DeclKind::Template, Kind::Template)
                            | (DeclKind::Environment, Kind::Environment)
                            | (DeclKind::Secret, Kind::Secret)
                    )
            }
            _ => false,
        })
}

/// The values an app runs with in an environment, and where each was set:
/// from the checked model, or, when the spec has errors, from the merged
/// settings as written.
fn deployed(analysis: &Analysis, environment: &str, app: &str) -> String {
    let mut out = format!("app `{app}` in environment `{environment}`\n");
    let release = analysis.model.as_ref().and_then(|model| {
        model
            .environment(environment)?
            .releases
            .iter()
            .find(|r| r.app == app)
    });
    match release {
        Some(release) => release_values(analysis, release, &mut out),
        None => merged_values(analysis, environment, app, &mut out),
    }
    out
}

fn release_values(analysis: &Analysis, release: &Release, out: &mut String) {
    let mut line = |field: &str, value: String, provenance: &Provenance| {
        let _ = write!(
            out,
            "\n- `{field}` = `{value}` — {} ({})",
            provenance.origin,
            analysis.place(provenance.span())
        );
    };
    fn shown<T: std::fmt::Display>(v: &Sourced<T>) -> (String, Provenance) {
        (v.value.to_string(), v.provenance.clone())
    }
    let mut lines: Vec<(String, (String, Provenance))> = vec![
        ("image".into(), shown(&release.image)),
        (
            "tag".into(),
            (
                show_text(&release.tag.value),
                release.tag.provenance.clone(),
            ),
        ),
        ("chart".into(), shown(&release.chart)),
        ("chart_version".into(), shown(&release.chart_version)),
        ("namespace".into(), shown(&release.namespace)),
    ];
    if let Some(r) = &release.replicas {
        lines.push((
            "replicas".into(),
            (r.value.to_string(), r.provenance.clone()),
        ));
    }
    for port in &release.ports {
        lines.push((
            format!("ports.{}", port.value.name),
            (port.value.number.to_string(), port.provenance.clone()),
        ));
    }
    let resources = &release.resources;
    for (field, quantity) in [
        ("memory", &resources.memory_request),
        ("memory_limit", &resources.memory_limit),
        ("cpu", &resources.cpu_request),
        ("cpu_limit", &resources.cpu_limit),
    ] {
        if let Some(q) = quantity {
            lines.push((field.into(), (q.value.text.clone(), q.provenance.clone())));
        }
    }
    for var in &release.env {
        let value = match &var.value.source {
            EnvSource::Literal(text) => format!("\"{text}\""),
            EnvSource::Secret { name, key } => format!("secret(\"{name}\", \"{key}\")"),
        };
        lines.push((
            format!("env.{}", var.value.name),
            (value, var.provenance.clone()),
        ));
    }
    for host in &release.hosts {
        lines.push(("host".into(), shown(host)));
    }
    if let Some(t) = &release.timeout_seconds {
        lines.push((
            "timeout".into(),
            (format!("{}s", t.value), t.provenance.clone()),
        ));
    }
    for (field, flag) in [("wait", &release.wait), ("freeze", &release.freeze)] {
        if let Some(f) = flag {
            lines.push((field.into(), (f.value.to_string(), f.provenance.clone())));
        }
    }
    for (field, value) in [
        ("group", &release.group),
        ("description", &release.description),
        ("hotfix", &release.hotfix),
    ] {
        if let Some(v) = value {
            lines.push((field.into(), shown(v)));
        }
    }
    for (path, value) in &release.extra_values {
        lines.push((
            format!("values.{path}"),
            (show_extra(&value.value), value.provenance.clone()),
        ));
    }
    for (field, (value, provenance)) in lines {
        line(&field, value, &provenance);
    }
    if !release.after.is_empty() {
        let _ = write!(
            out,
            "\n- `after` = `[{}]` (Helmsman priority {})",
            release.after.join(", "),
            release.priority
        );
    }
}

fn show_text(text: &Text) -> String {
    match text {
        Text::Literal(t) => t.clone(),
        Text::FromEnvironment(var) => format!("env_var(\"{var}\")"),
    }
}

fn show_extra(value: &Extra) -> String {
    match value {
        Extra::Str(text) => format!("\"{}\"", show_text(text)),
        Extra::Int(n) => n.to_string(),
        Extra::Float(x) => x.to_string(),
        Extra::Bool(b) => b.to_string(),
        Extra::List(items) => format!(
            "[{}]",
            items.iter().map(show_extra).collect::<Vec<_>>().join(", ")
        ),
        Extra::Map(entries) => format!(
            "{{ {} }}",
            entries
                .iter()
                .map(|(k, v)| format!("{k} = {}", show_extra(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Without a model: the merged settings of the deployment as written.
fn merged_values(analysis: &Analysis, environment: &str, app: &str, out: &mut String) {
    let resolved = resolve::resolve(&analysis.files, &mut Vec::new());
    let deployment = resolved
        .environments
        .get(environment)
        .and_then(|e| e.deployments.iter().find(|d| d.app.name.text == app));
    let Some(deployment) = deployment else {
        out.push_str("\nnot resolved: see the diagnostics");
        return;
    };
    out.push_str("\nthe spec has errors: the settings as written, merged but not checked\n");
    if let Some(version) = &deployment.deploy.version {
        let _ = write!(
            out,
            "\n- `tag` = `{}` — environment `{environment}` ({})",
            analysis.sources.text(version.span),
            analysis.place(version.span)
        );
    }
    settings_lines(analysis, "", &deployment.settings(), out);
}

fn settings_lines(analysis: &Analysis, prefix: &str, settings: &Settings<'_>, out: &mut String) {
    for (key, setting) in settings {
        let path = format!("{prefix}{key}");
        match &setting.merged {
            Merged::Value(value) => {
                let _ = write!(
                    out,
                    "\n- `{path}` = `{}` — {} ({})",
                    analysis.sources.text(value.span),
                    setting.origin,
                    analysis.place(setting.span)
                );
            }
            Merged::Block(inner) => settings_lines(analysis, &format!("{path}."), inner, out),
        }
    }
}
