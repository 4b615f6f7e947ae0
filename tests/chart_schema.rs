//! Chart schemas through the library: a spec compiled, its chart schemas
//! read from disk and its values validated, as `envspec build` does.
//!
//! Most tests use the schema of a real chart, stakater's `application` 9.2.0
//! (`tests/data/charts/stakater-application`), with the spec in
//! `tests/data/chart-schema`, edited in memory; the rest write a small spec
//! and schema into a temporary directory.

use std::path::{Path, PathBuf};

use envspec::diag::{Code, Diagnostic};
use envspec::source::{SourceFile, Sources};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/chart-schema")
}

/// The stakater spec with each `(from, to)` replacement made once.
fn stakater_spec(edits: &[(&str, &str)]) -> String {
    let mut text = std::fs::read_to_string(data_dir().join("spec.env")).expect("the spec");
    for (from, to) in edits {
        assert!(text.contains(from), "the spec does not contain {from:?}");
        text = text.replacen(from, to, 1);
    }
    text
}

/// Compiles `text` as the file `spec.env` of the spec in `dir`, then
/// validates its values against its chart schemas.
fn build(dir: &Path, text: &str) -> (Sources, Vec<Diagnostic>) {
    let mut sources = Sources::new();
    sources.add(SourceFile::new("spec.env", text));
    let (model, mut diagnostics) = envspec::compile(&sources);
    let model = model.unwrap_or_else(|| panic!("the spec compiles: {diagnostics:#?}"));
    diagnostics.extend(envspec::chart_schema::check(dir, &model));
    (sources, diagnostics)
}

/// The text and 1-based line of a diagnostic's primary label.
fn primary(sources: &Sources, diagnostic: &Diagnostic) -> (String, usize) {
    let span = diagnostic.primary_span().expect("a primary label");
    let line = sources.get(span.file).line_column(span.start as usize).0;
    (sources.text(span).to_string(), line)
}

fn primary_label(diagnostic: &Diagnostic) -> &str {
    &diagnostic
        .labels
        .iter()
        .find(|l| l.primary)
        .expect("a primary label")
        .message
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?}"))
        + 1
}

#[test]
fn the_stakater_spec_matches_the_charts_schema() {
    let text = stakater_spec(&[]);
    let mut sources = Sources::new();
    sources.add(SourceFile::new("spec.env", text.as_str()));
    let (model, diagnostics) = envspec::compile(&sources);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let model = model.expect("a model");
    // Not vacuous: the schema is read, and the values are where it wants them.
    let (schemas, problems) = envspec::chart_schema::read(&data_dir(), &model);
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(
        schemas.keys().collect::<Vec<_>>(),
        vec!["stakater/application"]
    );
    let release = &model.environments[0].releases[0];
    let values = envspec::emit::values_document(release).to_json();
    assert_eq!(
        values.pointer("/deployment/image/repository"),
        Some(&serde_json::json!("registry.acme.example/acme/web"))
    );
    assert_eq!(
        values.pointer("/deployment/replicas"),
        Some(&serde_json::json!(3))
    );
    assert!(envspec::chart_schema::validate(&model, &schemas).is_empty());
}

#[test]
fn a_chart_value_of_the_wrong_type_is_reported_at_its_value() {
    let text = stakater_spec(&[("periodSeconds = 10", "periodSeconds = \"10\"")]);
    let (sources, diagnostics) = build(&data_dir(), &text);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!(d.code, Code::E0320);
    assert!(
        d.message
            .contains("expects a whole number at `deployment.readinessProbe.periodSeconds`"),
        "{}",
        d.message
    );
    assert_eq!(
        primary(&sources, d),
        ("\"10\"".to_string(), line_of(&text, "periodSeconds"))
    );
    assert_eq!(
        d.help.as_deref(),
        Some("write the number without quotes: 10")
    );
}

#[test]
fn a_typed_field_the_chart_takes_in_another_form_is_reported_at_the_field() {
    let text = stakater_spec(&[
        (
            "ports     = \"service.ports\"",
            "ports     = \"service.ports\"\n    env       = \"deployment.env\"",
        ),
        (
            "  replicas = 2\n",
            "  replicas = 2\n  env { LOG_LEVEL = \"info\" }\n",
        ),
    ]);
    let (sources, diagnostics) = build(&data_dir(), &text);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!(d.code, Code::E0320);
    assert!(
        d.message
            .contains("a map or null at `deployment.env`, found a list")
    );
    assert_eq!(
        primary(&sources, d),
        ("\"info\"".to_string(), line_of(&text, "LOG_LEVEL"))
    );
    assert_eq!(primary_label(d), "`env`, set by app `web`");
    assert!(d.help.as_deref().unwrap_or("").contains("paths { env = "));
}

#[test]
fn an_error_of_one_environment_names_it_and_one_of_all_is_reported_once() {
    let text = stakater_spec(&[
        (
            "deploy web @ \"1.4.2\" { replicas = 3 }",
            "deploy web @ \"1.4.2\" {\n    replicas = 3\n    values { deployment { enabled = \"no\" } }\n  }",
        ),
        ("applicationName = \"web\"", "applicationName = 7"),
    ]);
    let (sources, diagnostics) = build(&data_dir(), &text);
    let found: Vec<(String, String)> = diagnostics
        .iter()
        .map(|d| (primary(&sources, d).0, primary_label(d).to_string()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("7".to_string(), "set by app `web`".to_string()),
            (
                "\"no\"".to_string(),
                "set by environment `prod`".to_string()
            ),
        ],
        "{diagnostics:#?}"
    );
}

#[test]
fn errors_per_release_are_capped() {
    let probe = "{ periodSeconds = \"a\", failureThreshold = \"b\", timeoutSeconds = \"c\", successThreshold = \"d\" }";
    let probes = format!(
        "      readinessProbe {probe}\n      livenessProbe {probe}\n      startupProbe {probe}\n"
    );
    let text = stakater_spec(&[("      readinessProbe { periodSeconds = 10 }\n", &probes)]);
    let (_, diagnostics) = build(&data_dir(), &text);
    // Twelve errors, the same in both environments: ten shown, then one
    // saying how many more.
    assert_eq!(diagnostics.len(), 11, "{diagnostics:#?}");
    let last = diagnostics.last().expect("diagnostics");
    assert_eq!(
        last.message,
        "app `web`: 2 more values do not match the schema of chart `stakater/application`"
    );
}

// ---- small specs in a temporary directory ----

const SMALL_SPEC: &str = r#"platform acme { }
helm_repo stable = "https://charts.acme.example/stable"

chart stable/web {
  schema = "SCHEMA"
}

app web {
  image         = "acme/web"
  chart         = stable/web
  chart_version = "1.0.0"
}

environment prod {
  context   = "prod-cluster"
  namespace = "prod"
  deploy web @ TAG
}
"#;

/// Writes `files` into a new temporary directory.
fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("directories");
        std::fs::write(path, text).expect("a file");
    }
    dir
}

fn small_spec(schema: &str, tag: &str) -> String {
    SMALL_SPEC.replace("SCHEMA", schema).replace("TAG", tag)
}

const REQUIRES_IMAGE_DIGEST: &str = r#"{
  "type": "object",
  "required": ["image"],
  "properties": {
    "image": {
      "type": "object",
      "required": ["digest", "tag"],
      "properties": { "tag": { "type": "string" } }
    }
  }
}"#;

#[test]
fn a_missing_required_value_points_at_the_app_and_says_how_to_set_it() {
    let dir = dir_with(&[("values.schema.json", REQUIRES_IMAGE_DIGEST)]);
    let text = small_spec("values.schema.json", "\"1.0.0\"");
    let (sources, diagnostics) = build(dir.path(), &text);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!(d.code, Code::E0321);
    assert_eq!(
        d.message,
        "app `web` sets no `image.digest`, which chart `stable/web` requires"
    );
    assert_eq!(
        primary(&sources, d),
        ("web".to_string(), line_of(&text, "app web"))
    );
    assert_eq!(
        d.help.as_deref(),
        Some("set it in the app's chart values: `values { image { digest = ... } }`")
    );
}

#[test]
fn a_tag_the_ci_supplies_counts_as_a_string() {
    let dir = dir_with(&[(
        "values.schema.json",
        r#"{ "properties": { "image": { "required": ["tag"], "properties": { "tag": { "type": "string" } } } } }"#,
    )]);
    let text = small_spec("values.schema.json", "env_var(\"WEB_TAG\")");
    let (_, diagnostics) = build(dir.path(), &text);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
}

#[test]
fn a_chart_directory_brings_its_default_values() {
    let dir = dir_with(&[
        ("charts/web/values.schema.json", REQUIRES_IMAGE_DIGEST),
        (
            "charts/web/values.yaml",
            "image:\n  repository: nginx\n  digest: sha256:0\n",
        ),
    ]);
    let text = small_spec("charts/web", "\"1.0.0\"");
    let (_, diagnostics) = build(dir.path(), &text);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");

    // A default the schema rejects is the chart's: reported at `schema`.
    std::fs::write(
        dir.path().join("charts/web/values.yaml"),
        "image:\n  digest: sha256:0\n  tag: 1\n",
    )
    .expect("written");
    let text = small_spec("charts/web", "env_var(\"WEB_TAG\")");
    let (_, diagnostics) = build(dir.path(), &text);
    assert!(
        diagnostics.is_empty(),
        "the tag from the CI wins: {diagnostics:#?}"
    );
    std::fs::write(
        dir.path().join("charts/web/values.schema.json"),
        r#"{ "properties": { "service": { "properties": { "type": { "type": "string" } } } } }"#,
    )
    .expect("written");
    std::fs::write(
        dir.path().join("charts/web/values.yaml"),
        "service:\n  type: 5\n",
    )
    .expect("written");
    let (sources, diagnostics) = build(dir.path(), &text);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(primary(&sources, &diagnostics[0]).0, "\"charts/web\"");
    assert_eq!(
        primary_label(&diagnostics[0]),
        "a default of this chart's `values.yaml`"
    );
}

#[test]
fn schema_files_that_cannot_serve_are_reported_at_their_path() {
    let dir = dir_with(&[
        ("empty/Chart.yaml", "name: web\n"),
        ("broken.json", "{ \"type\": "),
        ("invalid.json", "{ \"minimum\": \"three\" }"),
        ("bad-defaults/values.schema.json", "{}"),
        ("bad-defaults/values.yaml", "a: [\n"),
    ]);
    for (schema, code) in [
        ("missing.json", Code::E0318),
        ("empty", Code::E0318),
        ("broken.json", Code::E0319),
        ("invalid.json", Code::E0319),
        ("bad-defaults", Code::E0319),
    ] {
        let text = small_spec(schema, "\"1.0.0\"");
        let (sources, diagnostics) = build(dir.path(), &text);
        assert_eq!(
            diagnostics.iter().map(|d| d.code).collect::<Vec<_>>(),
            vec![code],
            "{schema}: {diagnostics:#?}"
        );
        assert_eq!(
            primary(&sources, &diagnostics[0]).0,
            format!("\"{schema}\""),
            "{schema}"
        );
        assert!(diagnostics[0].help.is_some(), "{schema}");
    }
}

#[test]
fn an_empty_schema_path_is_a_type_error() {
    let mut sources = Sources::new();
    sources.add(SourceFile::new("spec.env", small_spec("", "\"1.0.0\"")));
    let (_, diagnostics) = envspec::compile(&sources);
    assert_eq!(
        diagnostics.iter().map(|d| d.code).collect::<Vec<_>>(),
        vec![Code::E0302]
    );
}
