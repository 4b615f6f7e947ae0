//! `envspec diff`: differences between two environments on the resolved model.

use crate::test::Test;

#[test]
fn diff_lists_each_differing_field_per_app() {
    let output = Test::with_spec().args(["diff", "staging", "prod"]).run();
    output.status(0).stderr("");
    let text = &output.stdout;
    assert!(text.starts_with("app"), "{text}");
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line
            .split("   ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        assert!(
            cells.len() >= 3,
            "a row names a field and two values: {line}"
        );
    }
}

#[test]
fn diff_json_is_one_object_per_difference() {
    let output = Test::with_spec()
        .args(["diff", "staging", "prod", "--format", "json"])
        .run();
    output.status(0);
    let rows: Vec<serde_json::Value> = output
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert!(!rows.is_empty());
    for row in &rows {
        assert!(row["app"].is_string() && row["field"].is_string(), "{row}");
        assert_ne!(row["staging"], row["prod"], "{row}");
    }
}

#[test]
fn diff_of_an_environment_with_itself_is_empty() {
    Test::with_spec()
        .args(["diff", "prod", "prod"])
        .run()
        .status(0)
        .stdout("`prod` and `prod` run the same releases with the same settings\n");
}

#[test]
fn diff_names_an_unknown_environment() {
    Test::with_spec()
        .args(["diff", "stagin", "prod"])
        .run()
        .status(2)
        .stderr("E0605\n\n  × no environment `stagin`\n  help: did you mean `staging`?\n\n");
}

#[test]
fn diff_on_the_example_shows_what_production_changes() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ehealth");
    let output = Test::new().run_with(&[
        "diff".as_ref(),
        "exttest".as_ref(),
        "prod".as_ref(),
        "--app".as_ref(),
        "patient-api".as_ref(),
        "--dir".as_ref(),
        root.as_os_str(),
    ]);
    output
        .status(0)
        .stdout_contains(
            "patient-api   image tag      1.5.0                                    1.4.2\n",
        )
        .stdout_contains(
            "              replicas       1                                        3\n",
        )
        .stdout_lacks("booking-api");
}
