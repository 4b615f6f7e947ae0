//! Errors that stop a command (codes E06): each is a diagnostic with its code
//! and a help line where one helps, in every output format, and exits 2.

use crate::test::Test;

/// One way to make `code` happen: the test directory and the arguments.
struct Failure {
    code: &'static str,
    test: Test,
    args: Vec<&'static str>,
}

fn failure(code: &'static str, test: Test, args: &[&'static str]) -> Failure {
    Failure {
        code,
        test,
        args: args.to_vec(),
    }
}

/// A spec whose `out` is held by another build (the lock of a running build).
fn locked() -> (Test, std::fs::File) {
    let test = Test::with_spec();
    std::fs::create_dir(test.path().join("out")).unwrap();
    let dir = std::fs::File::open(test.path().join("out")).unwrap();
    dir.lock().unwrap();
    (test, dir)
}

fn every_failure(lock_holder: &mut Vec<std::fs::File>) -> Vec<Failure> {
    let (locked, lock) = locked();
    lock_holder.push(lock);
    vec![
        failure("E0601", Test::new(), &["build", "nowhere"]),
        failure(
            "E0602",
            Test::with_spec().file("out", "a file, not a directory\n"),
            &["build", "-o", "out"],
        ),
        failure(
            "E0603",
            Test::with_spec().file("out/prod/notes.txt", "mine\n"),
            &["build", "-o", "out"],
        ),
        failure("E0604", locked, &["build", "-o", "out"]),
        failure("E0605", Test::with_spec(), &["check", "--env", "prd"]),
        failure(
            "E0606",
            Test::with_spec().file("base/broken.env", "app {\n"),
            &["verify-promotion", "--base", "base"],
        ),
        failure("E0607", Test::with_spec(), &["build", "--ouput", "out"]),
    ]
}

#[test]
fn every_command_line_code_stops_the_run_with_exit_2() {
    let mut locks = Vec::new();
    let failures = every_failure(&mut locks);
    for Failure { code, test, args } in &failures {
        let before = test.tree(".");
        test.run_with(args)
            .status(2)
            .stderr_contains(&format!("{code}\n\n  × "));
        assert_eq!(test.tree("."), before, "{code}: a failed run wrote");
    }
    let listed = Test::new().run_with(&["explain"]).stdout;
    let codes: Vec<&str> = listed
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|code| code.starts_with("E06"))
        .collect();
    let tested: Vec<&str> = failures.iter().map(|f| f.code).collect();
    assert_eq!(codes, tested, "every E06 code has a case here");
}

#[test]
fn in_json_each_is_one_object_on_stdout_without_a_place() {
    let mut locks = Vec::new();
    for Failure { code, test, args } in every_failure(&mut locks) {
        let mut args = args.clone();
        args.splice(0..0, ["--format", "json"]);
        let output = test.run_with(&args);
        output.status(2);
        let last = output.stdout.lines().last().expect("a JSON line");
        let value: serde_json::Value = serde_json::from_str(last).expect("JSON");
        assert_eq!(value["code"], code, "{}", output.stdout);
        assert_eq!(value["severity"], "error");
        assert!(value["file"].is_null() && value["line"].is_null());
        assert!(value["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

#[test]
fn for_github_each_is_an_error_annotation() {
    let output = Test::new().run_with(&["--format", "github", "build", "nowhere"]);
    output
        .status(2)
        .stdout_contains(
            "::error title=E0601 input cannot be read::cannot read spec directory `nowhere`",
        )
        .stdout_contains("%0Ahelp: a spec is a directory of `*.env` files");
}

#[test]
fn arguments_that_do_not_parse_are_reported_in_the_format_asked_for() {
    Test::new()
        .run_with(&["--format=github", "build", "--nope"])
        .status(2)
        .stdout_contains(
            "::error title=E0607 command line not understood::unexpected argument '--nope' found",
        );
    Test::new()
        .run_with(&["build", "--format", "xml"])
        .status(2)
        .stderr_contains("E0607\n\n  × invalid value 'xml' for '--format <FORMAT>'")
        .stderr_contains("help: possible values: human, json, github");
}

#[test]
fn help_and_version_print_as_before() {
    Test::new()
        .run_with(&["--help"])
        .status(0)
        .stdout_contains("Usage: envspec [OPTIONS] <COMMAND>");
    Test::new()
        .run_with(&["build", "--version"])
        .status(0)
        .stdout_contains("envspec-build ");
    // No command: the overview, as a reminder, on stderr.
    Test::new()
        .run_with::<&str>(&[])
        .status(2)
        .stderr_contains("Commands:");
}

#[test]
fn arguments_that_are_not_utf8_are_reported_not_a_panic() {
    use std::os::unix::ffi::OsStrExt;
    let not_utf8 = std::ffi::OsStr::from_bytes(b"\xff");
    let args = [std::ffi::OsStr::new("--format"), not_utf8, "build".as_ref()];
    Test::new()
        .run_with(&args)
        .status(2)
        .stderr_contains("E0607\n\n  × invalid value '\u{fffd}' for '--format <FORMAT>'");
}
