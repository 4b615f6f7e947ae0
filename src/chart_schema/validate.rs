//! Validates every release's values document against its chart's schema and
//! points each error at the spec value that produced the offending value:
//! the instance path of the error, matched against the paths the release
//! writes (typed fields by the chart's layout, `values { }` keys by their own
//! spans), longest match first.

use indexmap::IndexMap;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use jsonschema::{JsonType, ValidationError};
use serde_json::Value;

use super::read::{ChartSchema, ChartSchemas};
use crate::diag::{Code, Diagnostic};
use crate::model::{Extra, Model, Release, Text, ValuesLayout};
use crate::source::Span;

/// The most errors reported for one release in one environment; a schema
/// that rejects a whole document would otherwise bury the first, telling one.
const MAX_PER_RELEASE: usize = 10;

/// Every schema error of every release, one diagnostic per distinct error
/// (an error the same in several environments is reported once).
pub fn validate(model: &Model, schemas: &ChartSchemas) -> Vec<Diagnostic> {
    type Key = (Code, String, Vec<(Span, String)>);
    let mut found: IndexMap<Key, (Diagnostic, &str, Vec<&str>)> = IndexMap::new();
    let mut deployed: IndexMap<&str, usize> = IndexMap::new();
    for env in &model.environments {
        for release in &env.releases {
            let Some(schema) = schemas.get(&release.chart.value.to_string()) else {
                continue;
            };
            *deployed.entry(release.app.as_str()).or_default() += 1;
            for diagnostic in release_errors(release, schema) {
                let key = (
                    diagnostic.code,
                    diagnostic.message.clone(),
                    diagnostic
                        .labels
                        .iter()
                        .map(|l| (l.span, l.message.clone()))
                        .collect(),
                );
                found
                    .entry(key)
                    .or_insert_with(|| (diagnostic, release.app.as_str(), Vec::new()))
                    .2
                    .push(&env.name);
            }
        }
    }
    found
        .into_values()
        .map(|(mut diagnostic, app, envs)| {
            // An error some environments have and others not says where.
            if deployed.get(app).is_some_and(|n| *n > envs.len())
                && let Some(label) = diagnostic.labels.iter_mut().find(|l| l.primary)
                && !(envs.len() == 1
                    && label
                        .message
                        .ends_with(&format!("environment `{}`", envs[0])))
            {
                let names: Vec<String> = envs.iter().map(|e| format!("`{e}`")).collect();
                label.message = format!("{} (in {})", label.message, names.join(", "));
            }
            diagnostic
        })
        .collect()
}

/// The errors of one release in one environment.
fn release_errors(release: &Release, schema: &ChartSchema) -> Vec<Diagnostic> {
    let instance = instance(release, schema);
    let written = Written::of(release);
    let mut errors = Vec::new();
    for error in schema.validator.iter_errors(&instance) {
        simplest(error.to_owned(), &mut errors);
    }
    errors.sort_by(|a, b| a.instance_path().as_str().cmp(b.instance_path().as_str()));
    let context = Context {
        release,
        schema,
        instance: &instance,
        written: &written,
    };
    let mut out: Vec<Diagnostic> = errors.iter().flat_map(|e| context.diagnose(e)).collect();
    if out.len() > MAX_PER_RELEASE {
        let more = out.len() - MAX_PER_RELEASE;
        out.truncate(MAX_PER_RELEASE);
        out.push(
            Diagnostic::new(
                Code::E0320,
                format!(
                    "app `{}`: {more} more values do not match the schema of chart `{}`",
                    release.app, schema.reference.chart
                ),
            )
            .at(release.span, "declared here")
            .help("fix the errors shown and build again to see the rest"),
        );
    }
    out
}

/// An `anyOf`/`oneOf` with one alternative (as generated chart schemas
/// write object items) fails for the reasons of that alternative: report
/// those, which name the value and the type.
fn simplest(error: ValidationError<'static>, out: &mut Vec<ValidationError<'static>>) {
    match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context }
            if context.len() == 1 =>
        {
            let (ValidationErrorKind::AnyOf { context }
            | ValidationErrorKind::OneOfNotValid { context }) = error.into_parts().kind
            else {
                return;
            };
            for inner in context.into_iter().flatten() {
                simplest(inner, out);
            }
        }
        _ => out.push(error),
    }
}

/// The values Helm validates: the chart's defaults, if known, merged with
/// the values file, and the values Helmsman passes with `--set-string`
/// (their variables stand in for them: they are strings, whatever they hold).
fn instance(release: &Release, schema: &ChartSchema) -> Value {
    let mut document = crate::emit::values_document(release).to_json();
    if let Text::FromEnvironment(var) = &release.tag.value {
        let path: Vec<String> = release.layout.tag.split('.').map(str::to_string).collect();
        set(&mut document, &path, Value::String(format!("${{{var}}}")));
    }
    for (key, value) in &release.extra_values {
        set_from_ci(&mut vec![key.clone()], &value.value, &mut document);
    }
    match &schema.defaults {
        Some(defaults) => {
            let mut merged = defaults.clone();
            merge(&mut merged, document);
            merged
        }
        None => document,
    }
}

fn set_from_ci(path: &mut Vec<String>, value: &Extra, document: &mut Value) {
    match value {
        Extra::Str(Text::FromEnvironment(var)) => {
            set(document, path, Value::String(format!("${{{var}}}")));
        }
        Extra::Map(entries) => {
            for (key, inner) in entries {
                path.push(key.clone());
                set_from_ci(path, inner, document);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Sets `value` at `path`, creating objects on the way.
fn set(root: &mut Value, path: &[String], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = root;
    for key in parents {
        if !node.is_object() {
            *node = Value::Object(serde_json::Map::new());
        }
        let Value::Object(map) = node else { return };
        node = map
            .entry(key.clone())
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
    }
    if !node.is_object() {
        *node = Value::Object(serde_json::Map::new());
    }
    if let Value::Object(map) = node {
        map.insert(last.clone(), value);
    }
}

/// Helm's merge of values over defaults: objects merge key by key, anything
/// else replaces.
fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(base), Value::Object(over)) => {
            for (key, value) in over {
                match base.get_mut(&key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, over) => *base = over,
    }
}

/// A value the release writes: its path in the values, where it was set,
/// and, for a typed field, the field.
struct WrittenValue {
    path: Vec<String>,
    span: Span,
    /// "set by app `web`", or "`replicas`, set by ...".
    label: String,
    field: Option<&'static str>,
}

/// Every value a release writes, typed fields and chart values.
struct Written(Vec<WrittenValue>);

impl Written {
    fn of(release: &Release) -> Self {
        let layout = &release.layout;
        let mut written = Vec::new();
        let mut add = |path: String,
                       index: Option<usize>,
                       provenance: &crate::model::Provenance,
                       field: &'static str| {
            let mut path: Vec<String> = path.split('.').map(str::to_string).collect();
            path.extend(index.map(|i| i.to_string()));
            written.push(WrittenValue {
                path,
                span: provenance.span(),
                label: format!("`{field}`, set by {}", provenance.origin),
                field: Some(field),
            });
        };
        add(
            layout.image.clone(),
            None,
            &release.image.provenance,
            "image",
        );
        add(layout.tag.clone(), None, &release.tag.provenance, "tag");
        if let Some(replicas) = &release.replicas {
            add(
                layout.replicas.clone(),
                None,
                &replicas.provenance,
                "replicas",
            );
        }
        if let Some(first) = release.ports.first() {
            add(layout.port.clone(), None, &first.provenance, "port");
        }
        if release.ports.len() > 1 {
            add(
                layout.ports.clone(),
                None,
                &release.ports[0].provenance,
                "ports",
            );
            for (i, port) in release.ports.iter().enumerate() {
                add(layout.ports.clone(), Some(i), &port.provenance, "ports");
            }
        }
        let r = &release.resources;
        let resources = [
            ("requests.cpu", &r.cpu_request, "cpu"),
            ("requests.memory", &r.memory_request, "memory"),
            ("limits.cpu", &r.cpu_limit, "cpu_limit"),
            ("limits.memory", &r.memory_limit, "memory_limit"),
        ];
        for (part, quantity, field) in resources {
            if let Some(quantity) = quantity {
                // The whole block, and each half of it, is the first quantity set.
                for path in [
                    layout.resources.clone(),
                    format!(
                        "{}.{}",
                        layout.resources,
                        part.split('.').next().unwrap_or(part)
                    ),
                    format!("{}.{part}", layout.resources),
                ] {
                    add(path, None, &quantity.provenance, field);
                }
            }
        }
        if let Some(first) = release.hosts.first() {
            for part in ["", ".enabled", ".hosts"] {
                add(
                    format!("{}{part}", layout.ingress),
                    None,
                    &first.provenance,
                    "hosts",
                );
            }
            for (i, host) in release.hosts.iter().enumerate() {
                add(
                    format!("{}.hosts", layout.ingress),
                    Some(i),
                    &host.provenance,
                    "hosts",
                );
            }
        }
        if let Some(first) = release.env.first() {
            add(layout.env.clone(), None, &first.provenance, "env");
            for (i, var) in release.env.iter().enumerate() {
                add(layout.env.clone(), Some(i), &var.provenance, "env");
            }
        }
        for (path, provenance) in &release.value_sources {
            written.push(WrittenValue {
                path: path.clone(),
                span: provenance.span(),
                label: format!("set by {}", provenance.origin),
                field: None,
            });
        }
        Written(written)
    }

    /// The value written at the longest prefix of `path`, else the first
    /// written below it (a fault of a map the release fills key by key).
    fn find(&self, path: &[String]) -> Option<&WrittenValue> {
        let mut best: Option<&WrittenValue> = None;
        for value in &self.0 {
            if path.starts_with(&value.path) && best.is_none_or(|b| value.path.len() > b.path.len())
            {
                best = Some(value);
            }
        }
        best.or_else(|| self.0.iter().find(|v| v.path.starts_with(path)))
    }
}

/// What diagnosing one error needs.
struct Context<'c> {
    release: &'c Release,
    schema: &'c ChartSchema,
    instance: &'c Value,
    written: &'c Written,
}

impl Context<'_> {
    fn chart(&self) -> &str {
        &self.schema.reference.chart
    }

    fn diagnose(&self, error: &ValidationError<'_>) -> Vec<Diagnostic> {
        let path: Vec<String> = error
            .instance_path()
            .segments()
            .map(|s| match s {
                LocationSegment::Property(p) => p.into_owned(),
                LocationSegment::Index(i) => i.to_string(),
            })
            .collect();
        let app = &self.release.app;
        let chart = self.chart();
        match error.kind() {
            ValidationErrorKind::Required { property } => {
                let mut required = path.clone();
                let property = property.as_str().map_or_else(|| property.to_string(), str::to_string);
                required.push(property.clone());
                // A missing object misses what it requires in turn: name the
                // deepest value, the one to write.
                let mut node = self
                    .subschema(error.schema_path().as_str())
                    .and_then(|s| s.get("properties")?.get(&property));
                while let Some(first) = node
                    .and_then(|n| n.get("required")?.as_array()?.first()?.as_str())
                {
                    required.push(first.to_string());
                    node = node.and_then(|n| n.get("properties")?.get(first));
                }
                vec![
                    Diagnostic::new(
                        Code::E0321,
                        format!(
                            "app `{app}` sets no `{}`, which chart `{chart}` requires",
                            shown(&required)
                        ),
                    )
                    .at(self.release.span, "declared here")
                    .help(self.required_help(&required)),
                ]
            }
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => unexpected
                .iter()
                .map(|key| {
                    let mut extra = path.clone();
                    extra.push(key.clone());
                    let known = self
                        .subschema(error.schema_path().as_str())
                        .and_then(|s| s.get("properties")?.as_object());
                    let help = known
                        .and_then(|k| crate::diag::suggest::help_for(key, k.keys().map(String::as_str)))
                        .unwrap_or_else(|| {
                            "the chart's schema allows no other keys here: check the spelling, or remove it".into()
                        });
                    self.at_value(
                        &extra,
                        format!(
                            "app `{app}`: chart `{chart}` takes no value `{}`",
                            shown(&extra)
                        ),
                        help,
                    )
                })
                .collect(),
            ValidationErrorKind::Type { kind } => {
                let mut expected = match kind {
                    TypeKind::Single(t) => vec![*t],
                    TypeKind::Multiple(set) => set.iter().collect(),
                };
                // "a map or null" reads better than "null or a map".
                expected.sort_by_key(|t| *t == JsonType::Null);
                let expected_text = expected
                    .iter()
                    .map(|t| describe_type(*t))
                    .collect::<Vec<_>>()
                    .join(" or ");
                let found = describe_value(error.instance());
                let message = format!(
                    "app `{app}`: chart `{chart}` expects {expected_text} at `{}`, found {found}",
                    shown(&path)
                );
                let help = self.type_help(&path, &expected, error.instance());
                vec![self.at_value(&path, message, help)]
            }
            _ => {
                let what = error.masked_with(format!("`{}`", shown(&path))).to_string();
                let message = format!("app `{app}`: chart `{chart}` rejects the values: {what}");
                let help = format!(
                    "the schema of chart `{chart}` (`{}`) does not allow this value; change it to one it accepts",
                    self.schema.reference.path
                );
                vec![self.at_value(&path, message, help)]
            }
        }
    }

    /// The schema object holding the keyword at `keyword_location` (such as
    /// `/properties/deployment/required`), when it is in the schema document
    /// itself (not reached through a `$ref`).
    fn subschema(&self, keyword_location: &str) -> Option<&Value> {
        let (parent, _keyword) = keyword_location.rsplit_once('/')?;
        self.schema.document.pointer(parent)
    }

    /// A diagnostic at the spec value that wrote `path`, or, for a value no
    /// part of the spec wrote, at the chart's defaults or the app.
    fn at_value(&self, path: &[String], message: String, help: String) -> Diagnostic {
        let diagnostic = Diagnostic::new(Code::E0320, message).help(help);
        if let Some(value) = self.written.find(path) {
            return diagnostic.at(value.span, value.label.clone());
        }
        if self.schema.defaults.is_some() && self.instance.pointer(&pointer(path)).is_some() {
            return diagnostic.at(
                self.schema.reference.span,
                "a default of this chart's `values.yaml`",
            );
        }
        diagnostic.at(self.release.span, "declared here")
    }

    fn type_help(&self, path: &[String], expected: &[JsonType], found: &Value) -> String {
        if let Some(field) = self.written.find(path).and_then(|w| w.field) {
            return format!(
                "`{field}` writes {} there: send it where the chart takes one with `paths {{ {field} = \"...\" }}` in `chart {}`, or leave it unset and write the chart's own form in `values {{ ... }}`",
                describe_value(found),
                self.chart()
            );
        }
        let wants = |t: JsonType| expected.contains(&t);
        match found {
            Value::String(s)
                if (wants(JsonType::Integer) || wants(JsonType::Number))
                    && s.parse::<f64>().is_ok() =>
            {
                format!("write the number without quotes: {s}")
            }
            Value::String(s) if wants(JsonType::Boolean) && (s == "true" || s == "false") => {
                format!("write {s} without quotes")
            }
            Value::Number(n) if wants(JsonType::String) => format!("quote it: \"{n}\""),
            Value::Bool(b) if wants(JsonType::String) => format!("quote it: \"{b}\""),
            _ if wants(JsonType::Object) => "write a block: `key { ... }`".into(),
            _ if wants(JsonType::Array) => "write a list: `key = [...]`".into(),
            _ if wants(JsonType::Boolean) => "write `true` or `false`".into(),
            _ => format!(
                "write {} instead",
                expected
                    .iter()
                    .map(|t| describe_type(*t))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        }
    }

    /// How to set a value the schema requires: the typed field that goes
    /// there, a `paths` mapping that sends a typed field there, or `values`.
    fn required_help(&self, required: &[String]) -> String {
        let path = required.join(".");
        let chart = self.chart();
        let layout = &self.release.layout;
        let fields = ValuesLayout::FIELDS
            .iter()
            .filter_map(|field| Some((*field, layout_path(layout, field)?)));
        for (field, at) in fields.clone() {
            if at == path {
                return match field {
                    "tag" => "deploy the app with a tag: `deploy APP @ \"TAG\"`".into(),
                    "ingress" => "set `host` or `hosts` on the app".into(),
                    _ => format!("set `{field}` on the app or its template"),
                };
            }
        }
        let last = required.last().map_or("", String::as_str);
        for (field, at) in fields {
            if field == last || at.rsplit('.').next() == Some(last) {
                return format!(
                    "`{field}` goes to `{at}` in this chart's layout; to write it at `{path}`, add `paths {{ {field} = \"{path}\" }}` to `chart {chart}`"
                );
            }
        }
        if required.iter().any(|k| k.parse::<usize>().is_ok()) {
            return format!("set `{path}` in the app's `values {{ ... }}`");
        }
        let Some((last, parents)) = required.split_last() else {
            return format!("set the values chart `{chart}` requires in `values {{ ... }}`");
        };
        let block = parents
            .iter()
            .rev()
            .fold(format!("{} = ...", key_text(last)), |inner, key| {
                format!("{} {{ {inner} }}", key_text(key))
            });
        format!("set it in the app's chart values: `values {{ {block} }}`")
    }
}

/// The dotted path a typed field is written at, in this layout.
fn layout_path(layout: &ValuesLayout, field: &str) -> Option<String> {
    let mut layout = layout.clone();
    layout.path_mut(field).map(|p| p.clone())
}

/// A key as the spec writes it: quoted unless it is a plain name.
fn key_text(key: &str) -> String {
    let plain = key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        key.to_string()
    } else {
        format!("{key:?}")
    }
}

/// A value path for people: `deployment.image.tag`, `ingress.hosts.0.host`.
fn shown(path: &[String]) -> String {
    if path.is_empty() {
        "the values".into()
    } else {
        path.join(".")
    }
}

/// A JSON pointer to `path`.
fn pointer(path: &[String]) -> String {
    path.iter()
        .map(|k| format!("/{}", k.replace('~', "~0").replace('/', "~1")))
        .collect()
}

fn describe_type(t: JsonType) -> &'static str {
    match t {
        JsonType::Array => "a list",
        JsonType::Boolean => "a boolean",
        JsonType::Integer => "a whole number",
        JsonType::Null => "null",
        JsonType::Number => "a number",
        JsonType::Object => "a map",
        JsonType::String => "a string",
    }
}

fn describe_value(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() <= 40 => format!("the string {s:?}"),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a map".into(),
    }
}
