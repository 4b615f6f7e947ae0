//! Spec errors and warnings: exit codes, what is printed, and that a failed
//! run writes nothing.

use serde_json::Value;

use crate::test::{MINIMAL_OUTPUT, Test};

/// The minimal spec with a value of the wrong type in the template.
fn with_type_error() -> Test {
    let test = Test::with_spec();
    test.edit(
        "platform.env",
        "replicas      = 1",
        "replicas      = \"two\"",
    );
    test
}

/// The minimal spec with a plain-text password (warning W0101) in `api`.
fn with_warning() -> Test {
    let test = Test::with_spec();
    test.edit(
        "apps.env",
        "  image = \"shop/api\"\n",
        "  image = \"shop/api\"\n  env {\n    DB_PASSWORD = \"x\"\n  }\n",
    );
    test
}

#[test]
fn type_error_exits_one_and_writes_nothing() {
    let test = with_type_error().args(["build", "--color", "never"]);
    test.run()
        .status(1)
        .stdout("")
        .stderr_contains("E0302")
        .stderr_contains("platform.env:14:19")
        .stderr_contains("`replicas` expects a replica count (0 or more), found a string")
        .stderr_contains("envspec: 1 error in `.`; nothing written\n");
    assert!(!test.exists("out"));
    assert_eq!(
        test.files("."),
        ["apps.env", "environments.env", "platform.env"]
    );
}

#[test]
fn error_leaves_an_older_build_byte_identical() {
    let test = Test::with_spec().args(["build", "-o", "out"]);
    test.run().status(0);
    test.age("out");
    let before = test.tree("out");
    let mtimes = test.mtimes("out");

    // A valid change and an error: the valid part must not be written either.
    test.edit("environments.env", "replicas = 2", "replicas = 3");
    test.edit("apps.env", "port  = 3000", "port  = 300000");
    test.run()
        .status(1)
        .stderr_contains("E0304")
        .stderr_contains("apps.env")
        .stderr_contains("nothing written");
    assert_eq!(test.tree("out"), before);
    assert_eq!(test.mtimes("out"), mtimes);
}

#[test]
fn syntax_error_names_file_line_and_column() {
    let test = Test::with_spec()
        .file("extra.env", "app broken {\n  image = \n}\n")
        .args(["build", "--color", "never"]);
    test.run()
        .status(1)
        .stderr_contains("E0101")
        .stderr_contains("extra.env:")
        .stderr_contains("nothing written");
    assert!(!test.exists("out"));
}

#[test]
fn errors_in_nested_files_are_shown_with_forward_slashes() {
    let test = Test::new()
        .file("spec/platform/platform.env", crate::test::PLATFORM)
        .file("spec/apps/shop.env", crate::test::APPS.replace("3000", "0"))
        .file("spec/environments.env", crate::test::ENVIRONMENTS)
        .args(["build", "spec", "--format", "json"]);
    let output = test.run();
    output.status(1).stderr("");
    let diagnostic: Value = serde_json::from_str(output.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(diagnostic["file"], "apps/shop.env");
    assert!(!test.exists("spec/out"));
}

#[test]
fn several_errors_are_all_reported_and_counted() {
    let test = with_type_error().args(["build", "--format", "json"]);
    test.edit("apps.env", "port  = 3000", "port  = 300000");
    let output = test.run();
    output.status(1);
    let codes: Vec<String> = output
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["code"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(codes, ["E0304", "E0302"], "sorted by file, then offset");
    let test = test.args(["build", "--color", "never"]);
    test.run()
        .status(1)
        .stderr_contains("envspec: 2 errors in `.`; nothing written\n");
}

#[test]
fn json_diagnostics_have_every_field() {
    let test = with_type_error().args(["build", "--format", "json"]);
    let output = test.run();
    output.status(1).stderr("");
    let lines: Vec<&str> = output.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", output.stdout);
    let value: Value = serde_json::from_str(lines[0]).expect("a JSON object per line");
    for key in [
        "code", "severity", "message", "file", "line", "column", "start", "end", "help",
    ] {
        assert!(value.get(key).is_some(), "no `{key}` in {value}");
    }
    assert_eq!(value["code"], "E0302");
    assert_eq!(value["severity"], "error");
    assert_eq!(
        value["message"],
        "`replicas` expects a replica count (0 or more), found a string"
    );
    assert_eq!(value["file"], "platform.env");
    assert_eq!(value["line"], 14);
    assert_eq!(value["column"], 19);
    let (start, end) = (
        value["start"].as_u64().unwrap() as usize,
        value["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&test.read("platform.env")[start..end], "\"two\"");
    assert!(value["help"].is_null() || value["help"].is_string());
    let labels = value["labels"].as_array().expect("labels");
    assert_eq!(labels[0]["primary"], true);
    assert_eq!(labels[0]["start"], value["start"]);
    assert!(!test.exists("out"));
}

#[test]
fn json_warning_has_help_and_a_successful_build_prints_no_summary() {
    let test = with_warning().args(["build", "--format", "json"]);
    let output = test.run();
    output.status(0).stderr("");
    let lines: Vec<&str> = output.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", output.stdout);
    let value: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(value["code"], "W0101");
    assert_eq!(value["severity"], "warning");
    assert_eq!(value["file"], "apps.env");
    assert_eq!(value["line"], 4);
    assert!(value["help"].as_str().unwrap().contains("secret("));
    assert_eq!(test.files("out"), MINIMAL_OUTPUT);
}

#[test]
fn json_lines_each_parse_with_many_diagnostics() {
    let test = with_warning().args(["build", "--format", "json"]);
    test.edit(
        "platform.env",
        "cpu           = 100m",
        "cpu           = 100x",
    );
    test.edit(
        "environments.env",
        "deploy web @ \"2.0.0\"\n",
        "deploy webb @ \"2.0.0\"\n",
    );
    let output = test.run();
    output.status(1).stderr("");
    assert!(output.stdout.lines().count() >= 3, "{}", output.stdout);
    for line in output.stdout.lines() {
        let value: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(value.is_object());
        for key in [
            "code", "severity", "message", "file", "line", "column", "start", "end", "help",
        ] {
            assert!(value.get(key).is_some(), "no `{key}` in {line}");
        }
    }
    assert!(
        output.stdout.contains("did you mean `web`?"),
        "{}",
        output.stdout
    );
}

#[test]
fn warnings_do_not_fail_the_build() {
    let test = with_warning().args(["build", "-o", "out", "--color", "never"]);
    test.run()
        .status(0)
        .stdout("")
        .stderr_contains("W0101")
        .stderr_contains("`DB_PASSWORD` looks like a credential but is written as plain text")
        .stderr_contains("apps.env:4:19")
        .stderr_contains(
            "envspec: wrote 6 files for 2 environments to `out` (2 changed, 0 unchanged)\n",
        );
    assert_eq!(test.files("out"), MINIMAL_OUTPUT);
    assert!(test.read("out/prod/values/api.yaml").contains("value: x"));
}

#[test]
fn deny_warnings_fails_and_writes_nothing() {
    let test = with_warning().args(["build", "-o", "out", "--deny-warnings"]);
    test.run()
        .status(1)
        .stderr_contains("W0101")
        .stderr_contains("envspec: 1 warning denied by --deny-warnings; nothing written\n");
    assert!(!test.exists("out"));
}

#[test]
fn deny_warnings_keeps_an_older_build() {
    let test = Test::with_spec().args(["build", "-o", "out"]);
    test.run().status(0);
    let before = test.tree("out");
    test.edit(
        "apps.env",
        "  image = \"shop/api\"\n",
        "  image = \"shop/api\"\n  env {\n    DB_PASSWORD = \"x\"\n  }\n",
    );
    let test = test.args(["build", "-o", "out", "--deny-warnings"]);
    test.run().status(1);
    assert_eq!(test.tree("out"), before);
    let test = test.args(["check", "-o", "out", "--deny-warnings"]);
    test.run().status(1).stdout("");
}

#[test]
fn deny_warnings_without_warnings_builds() {
    let test = Test::with_spec().args(["build", "--deny-warnings"]);
    test.run().status(0).stderr_contains("2 changed");
}

#[test]
fn errors_and_warnings_are_counted_together() {
    let test = with_warning().args(["build", "--color", "never"]);
    test.edit(
        "platform.env",
        "replicas      = 1",
        "replicas      = \"two\"",
    );
    test.run()
        .status(1)
        .stderr_contains("envspec: 1 error and 1 warning in `.`; nothing written\n");
}

#[test]
fn number_with_a_unit_names_the_expected_type() {
    let test = Test::with_spec().args(["build", "--format", "json"]);
    test.edit("apps.env", "port  = 3000", "port  = 3000tcp");
    let output = test.run();
    output.status(1);
    let value: Value = serde_json::from_str(output.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(value["code"], "E0315");
    assert_eq!(value["message"], "`3000tcp` is not a port number (1–65535)");
}
