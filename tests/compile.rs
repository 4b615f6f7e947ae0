//! The pipeline as a library: small specs in, model, documents and
//! diagnostics out. One `compile` helper; each test states its input inline.

use envspec::diag::{Code, Diagnostic};
use envspec::emit::{self, OutputFile};
use envspec::model::{Model, Text};
use envspec::source::{SourceFile, Sources};

const PREAMBLE: &str = r#"
platform acme { registry = "registry.acme.example" }
helm_repo stable = "https://charts.acme.example/stable"
secret db { keys = ["password"] }
template service {
  chart = stable/web
  chart_version = "1.0.0"
  port = 8080
  replicas = 1
  memory = 256Mi
}
"#;

fn compile(spec: &str) -> (Option<Model>, Vec<Diagnostic>) {
    let mut sources = Sources::new();
    sources.add(SourceFile::new("preamble.env", PREAMBLE));
    sources.add(SourceFile::new("spec.env", spec));
    envspec::compile(&sources)
}

fn model(spec: &str) -> Model {
    let (model, diagnostics) = compile(spec);
    assert!(
        diagnostics.iter().all(|d| !d.is_error()),
        "{diagnostics:#?}"
    );
    model.expect("a model")
}

fn codes(spec: &str) -> Vec<Code> {
    compile(spec).1.iter().map(|d| d.code).collect()
}

fn file<'f>(files: &'f [OutputFile], path: &str) -> &'f str {
    &files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .text
}

#[test]
fn every_value_remembers_which_layer_set_it() {
    let model = model(
        r#"
        app api : service { image = "acme/api" memory = 512Mi }
        environment prod { context = "c" namespace = "prod" deploy api @ "1.0.0" { replicas = 3 } }
        "#,
    );
    let release = &model.environments[0].releases[0];
    assert_eq!(release.replicas.as_ref().unwrap().value, 3);
    assert_eq!(
        release
            .replicas
            .as_ref()
            .unwrap()
            .provenance
            .origin
            .to_string(),
        "environment `prod`"
    );
    let memory = release.resources.memory_request.as_ref().unwrap();
    assert_eq!(
        (
            memory.value.text.as_str(),
            memory.provenance.origin.to_string()
        ),
        ("512Mi", "app `api`".to_string())
    );
    assert_eq!(
        release.chart_version.provenance.origin.to_string(),
        "template `service`"
    );
    assert_eq!(release.image.value, "registry.acme.example/acme/api");
    assert_eq!(release.tag.value, Text::Literal("1.0.0".into()));
}

#[test]
fn environment_overrides_merge_into_blocks_key_by_key() {
    let model = model(
        r#"
        app api : service { image = "acme/api" env { A = "1", B = "2" } }
        environment dev { context = "c" namespace = "dev" deploy api @ "1.0.0" { env { B = "3" } } }
        "#,
    );
    let env: Vec<(String, String)> = model.environments[0].releases[0]
        .env
        .iter()
        .map(|v| match &v.value.source {
            envspec::model::EnvSource::Literal(s) => (v.value.name.to_string(), s.to_string()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(env, [("A".into(), "1".into()), ("B".into(), "3".into())]);
}

#[test]
fn after_becomes_helmsman_priorities() {
    let model = model(
        r#"
        app migrate : service { image = "acme/migrate" }
        app api : service { image = "acme/api" after = [migrate] }
        app web : service { image = "acme/web" after = [api] }
        app lone : service { image = "acme/lone" }
        environment dev {
          context = "c" namespace = "dev"
          deploy migrate @ "1" deploy api @ "1" deploy web @ "1" deploy lone @ "1"
        }
        "#,
    );
    let priorities: Vec<(&str, i64)> = model.environments[0]
        .releases
        .iter()
        .map(|r| (r.app.as_str(), r.priority))
        .collect();
    assert_eq!(
        priorities,
        [("api", -1), ("lone", -2), ("migrate", -2), ("web", 0)]
    );
}

#[test]
fn a_tag_from_the_ci_is_set_by_helmsman_not_written_in_values() {
    let model = model(
        r#"
        app api : service { image = "acme/api" values { build { id = env_var("BUILD_ID") } } }
        environment dev { context = "c" namespace = "dev" deploy api @ env_var("API_TAG") }
        "#,
    );
    let files = emit::emit(&model, &[]);
    let dsf = file(&files, "dev/helmsman.yaml");
    assert!(
        dsf.contains(
            "    setString:\n      build.id: \"${BUILD_ID}\"\n      image.tag: \"${API_TAG}\"\n"
        ),
        "{dsf}"
    );
    let values = file(&files, "dev/values/api.yaml");
    assert!(
        !values.contains("tag:") && !values.contains("BUILD_ID"),
        "{values}"
    );
}

#[test]
fn a_literal_dollar_is_escaped_for_helmsman_only() {
    let model = model(
        r#"
        app api : service { image = "acme/api" description = "costs $5" env { PRICE = "$5" } }
        environment dev { context = "c" namespace = "dev" deploy api @ "1" }
        "#,
    );
    let files = emit::emit(&model, &[]);
    assert!(file(&files, "dev/helmsman.yaml").contains("description: \"costs $$5\""));
    assert!(file(&files, "dev/values/api.yaml").contains("value: \"$5\""));
}

#[test]
fn a_port_list_overrides_the_templates_port() {
    let model = model(
        r#"
        app api : service { image = "acme/api" ports { http = 9000, metrics = 9090 } }
        environment dev { context = "c" namespace = "dev" deploy api @ "1" }
        "#,
    );
    let ports: Vec<(String, u16)> = model.environments[0].releases[0]
        .ports
        .iter()
        .map(|p| (p.value.name.clone(), p.value.number))
        .collect();
    assert_eq!(ports, [("http".into(), 9000), ("metrics".into(), 9090)]);
    assert_eq!(
        codes(
            r#"app api : service { image = "acme/api" port = 1 ports { http = 2 } }
                 environment dev { context = "c" namespace = "dev" deploy api @ "1" }"#
        ),
        [Code::E0313]
    );
}

#[test]
fn cross_field_invariants() {
    assert_eq!(
        codes(
            r#"app api : service { image = "acme/api" memory = 2Gi memory_limit = 1Gi }
                 environment dev { context = "c" namespace = "dev" deploy api @ "1" }"#
        ),
        [Code::E0312]
    );
    assert_eq!(
        codes(
            r#"app a : service { image = "acme/a" host = "x.example" }
                 app b : service { image = "acme/b" host = "x.example" }
                 environment dev { context = "c" namespace = "dev" deploy a @ "1" deploy b @ "1" }"#
        ),
        [Code::E0314]
    );
}

#[test]
fn every_error_of_a_run_is_reported() {
    let found = codes(
        r#"
        app api : servce { image = "acme/API" replicas = "3" memory = 512MB }
        environment dev { context = "c" namespace = "dev" deploy api @ "1" deploy ghost @ "1" }
        "#,
    );
    for code in [Code::E0203, Code::E0202] {
        assert!(found.contains(&code), "{code} missing from {found:?}");
    }
    let found = codes(
        r#"
        app api : service { image = "acme/API" replicas = "3" memory = 512MB }
        environment dev { context = "c" namespace = "dev" deploy api @ "1" }
        "#,
    );
    assert_eq!(found, [Code::E0307, Code::E0302, Code::E0303]);
}

#[test]
fn env_var_is_refused_where_helm_cannot_set_it() {
    assert_eq!(
        codes(
            r#"app api : service { image = "acme/api" values { hosts = ["a", env_var("B")] } }
                 environment dev { context = "c" namespace = "dev" deploy api @ "1" }"#
        ),
        [Code::E0317]
    );
    assert_eq!(
        codes(
            r#"app api : service { image = "acme/api" env { B = env_var("B") } }
                 environment dev { context = "c" namespace = "dev" deploy api @ "1" }"#
        ),
        [Code::E0317]
    );
}

#[test]
fn rules_report_where_the_offending_value_was_set() {
    let (_, diagnostics) = compile(
        r#"
        app api : service { image = "acme/api" }
        environment prod { context = "c" namespace = "prod" deploy api @ "1.0.0" }
        rule "prod is redundant" { in prod: replicas >= 2 }
        "#,
    );
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!(d.code, Code::E0501);
    assert!(d.message.contains("`api` in `prod`"), "{}", d.message);
    assert!(
        d.labels.iter().any(|l| l
            .message
            .contains("`replicas` is 1 here, set by template `service`")),
        "{:#?}",
        d.labels
    );
}

#[test]
fn a_chart_declaration_moves_typed_fields_to_its_own_value_paths() {
    let model = model(
        r#"
        chart stable/web { paths { replicas = "deployment.replicas", image = "deployment.image.name" } }
        app api : service { image = "acme/api" values { deployment { strategy = "Recreate" } } }
        environment dev { context = "c" namespace = "dev" deploy api @ "1" }
        "#,
    );
    let files = emit::emit(&model, &[]);
    let values = file(&files, "dev/values/api.yaml");
    assert!(
        values.contains("deployment:\n  image:\n    name: registry.acme.example/acme/api\n  replicas: 1\n  strategy: Recreate\n"),
        "{values}"
    );
    assert!(!values.contains("replicaCount"), "{values}");
    assert_eq!(
        codes(
            r#"chart stable/web { paths { replicas = "deployment.replicas" } }
                 app api : service { image = "acme/api" values { deployment { replicas = 2 } } }
                 environment dev { context = "c" namespace = "dev" deploy api @ "1" }"#
        ),
        [Code::E0316]
    );
}
