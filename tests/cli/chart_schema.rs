//! Chart schemas from the command line: `build` and `check` validate the
//! values against them, and a value the schema rejects writes nothing.

use crate::test::{MINIMAL_OUTPUT, Test};

/// A chart declaration for the minimal spec's chart, with a schema beside it.
const CHART: &str = r#"chart stable/web-service {
  schema = "charts/web-service/values.schema.json"
}
"#;

/// `replicaCount` at most 3: prod's `web` asks for more in the test below.
const SCHEMA: &str = r#"{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "properties": {
    "replicaCount": { "type": "integer", "maximum": 3 },
    "service": {
      "type": "object",
      "properties": { "port": { "type": "integer" } }
    }
  }
}
"#;

fn spec_with_schema() -> Test {
    Test::with_spec()
        .file("charts.env", CHART)
        .file("charts/web-service/values.schema.json", SCHEMA)
}

#[test]
fn build_validates_values_against_the_chart_schema() {
    let test = spec_with_schema().args(["build", "-o", "out"]);
    test.run().status(0).stderr_contains("wrote 6 files");
    assert_eq!(test.files("out"), MINIMAL_OUTPUT);
}

#[test]
fn build_with_a_schema_error_writes_nothing_and_exits_1() {
    let test = spec_with_schema().args(["build", "-o", "out"]);
    test.edit(
        "environments.env",
        "deploy web @ \"2.0.0\" { replicas = 2 }",
        "deploy web @ \"2.0.0\" { replicas = 5 }",
    );
    test.run()
        .status(1)
        .stderr_contains("E0320")
        .stderr_contains("`replicaCount` is greater than the")
        .stderr_contains("maximum of 3")
        .stderr_contains("`replicas`, set by environment `prod`")
        .stderr_contains("envspec: 1 error in `.`; nothing written");
    assert!(!test.exists("out"), "{:?}", test.files("."));
}

#[test]
fn check_reports_schema_errors_without_comparing() {
    let test = spec_with_schema().args(["check", "-o", "out"]);
    test.write(
        "charts/web-service/values.schema.json",
        "{ \"type\": \"array\" }",
    );
    test.run()
        .status(1)
        .stderr_contains("E0320")
        .stderr_contains("nothing compared");
}

#[test]
fn a_missing_schema_is_an_error_at_its_path() {
    let test = Test::with_spec()
        .file("charts.env", CHART)
        .args(["build", "-o", "out", "--format", "json"]);
    let output = test.run();
    output.status(1).stdout_contains("\"code\":\"E0318\"");
    output.stdout_contains("\"file\":\"charts.env\",\"line\":2");
    assert!(!test.exists("out"));
}

#[test]
fn check_after_a_build_validates_again_when_the_schema_changed() {
    let test = spec_with_schema().args(["build", "-o", "out"]);
    test.run().status(0);
    let test = test.args(["check", "-o", "out"]);
    test.run()
        .status(0)
        .stderr_contains("unchanged since the last build");
    test.edit(
        "charts/web-service/values.schema.json",
        "\"maximum\": 3",
        "\"maximum\": 1",
    );
    test.run()
        .status(1)
        .stderr_contains("E0320")
        .stderr_contains("maximum of 1");
}

#[test]
fn promote_refuses_a_result_the_chart_schema_rejects() {
    // Only image tags travel; the chart only takes release tags.
    let schema = r#"{
  "type": "object",
  "properties": {
    "image": {
      "type": "object",
      "properties": { "tag": { "type": "string", "pattern": "^[0-9]+\\.[0-9]+\\.[0-9]+$" } }
    }
  }
}
"#;
    let test = Test::with_spec()
        .file("charts.env", CHART)
        .file("charts/web-service/values.schema.json", schema)
        .file(
            "promotion.env",
            "promotion {\n  staging -> prod via auto\n}\n",
        );
    test.edit(
        "environments.env",
        "  deploy api @ \"1.0.0\"\n",
        "  deploy api @ \"1.1.0-rc1\"\n",
    );
    let before = test.tree(".");
    test.run_with(&["promote", "staging", "prod"])
        .status(1)
        .stderr_contains("E0320")
        .stderr_contains("the promotion was not applied");
    assert_eq!(test.tree("."), before, "the spec was rewritten");
}
