//! Finding and reading the spec's files: which files count, encodings, line
//! endings.

use serde_json::Value;

use crate::test::{APPS, ENVIRONMENTS, MINIMAL_OUTPUT, PLATFORM, Test};

/// The one JSON diagnostic with this code in a `--format json` stdout.
fn diagnostic(stdout: &str, code: &str) -> Value {
    let found: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).expect("JSON"))
        .filter(|value| value["code"] == code)
        .collect();
    assert_eq!(found.len(), 1, "{stdout}");
    found.into_iter().next().unwrap()
}

#[test]
fn directory_without_env_files_is_a_usage_error() {
    let test = Test::new()
        .file("spec/README.md", "no spec here\n")
        .file("spec/.hidden.env", PLATFORM)
        .args(["build", "spec"]);
    test.run()
        .status(2)
        .stdout("")
        .stderr("E0601\n\n  × no `.env` files in `spec`\n  help: a spec is a directory of `*.env` files; give its path (default: the current directory)\n\n");
    assert!(!test.exists("spec/out"));
    let test = test.args(["check", "spec"]);
    test.run()
        .status(2)
        .stderr("E0601\n\n  × no `.env` files in `spec`\n  help: a spec is a directory of `*.env` files; give its path (default: the current directory)\n\n");
}

#[test]
fn empty_working_directory_is_a_usage_error() {
    Test::new()
        .args(["build"])
        .run()
        .status(2)
        .stderr("E0601\n\n  × no `.env` files in `.`\n  help: a spec is a directory of `*.env` files; give its path (default: the current directory)\n\n");
}

#[test]
fn missing_directory_is_a_usage_error() {
    let test = Test::new().args(["build", "nowhere"]);
    test.run()
        .status(2)
        .stdout("")
        .stderr("E0601\n\n  × cannot read spec directory `nowhere`: no such file or directory\n  help: a spec is a directory of `*.env` files; give its path (default: the current directory)\n\n");
    assert!(!test.exists("nowhere"));
    let test = test.args(["check", "nowhere"]);
    test.run().status(2);
}

#[test]
fn file_instead_of_a_directory_is_a_usage_error() {
    Test::new()
        .file("platform.env", PLATFORM)
        .args(["build", "platform.env"])
        .run()
        .status(2)
        .stderr_contains("`platform.env` is not a directory");
}

#[test]
fn hidden_dotenv_file_is_ignored() {
    // A dotenv file for docker-compose and friends: not envspec syntax at all.
    let test = Test::with_spec()
        .file(
            ".env",
            "DATABASE_URL=postgres://localhost/shop\nexport X=1 {{\n",
        )
        .file(".git/config.env", "[core]\n")
        .file("drafts/.wip.env", "app {{{")
        .args(["build", "-o", "out"]);
    test.run().status(0);
    assert_eq!(test.files("out"), MINIMAL_OUTPUT);
}

#[test]
fn only_env_files_are_read_and_subdirectories_are_walked() {
    let test = Test::new()
        .file("spec/platform.env", PLATFORM)
        .file("spec/apps/shop.env", APPS)
        .file("spec/environments/all.env", ENVIRONMENTS)
        .file("spec/README.md", "not { a spec\n")
        .file("spec/apps/notes.txt", "not { a spec\n")
        .file("spec/apps/shop.env.bak", "not { a spec\n")
        .args(["build", "spec"]);
    test.run().status(0);
    assert_eq!(test.files("spec/out"), MINIMAL_OUTPUT);
}

#[test]
fn non_utf8_file_is_error_e0102() {
    let test = Test::with_spec()
        .file("latin1.env", b"# caf\xe9\n")
        .args(["build", "--color", "never"]);
    test.run()
        .status(1)
        .stdout("")
        .stderr_contains("E0102")
        .stderr_contains("`latin1.env` is not valid UTF-8 (line 1, column 6)")
        .stderr_contains("nothing written");
    assert!(!test.exists("out"));

    let test = test.args(["build", "--format", "json"]);
    let output = test.run();
    output.status(1);
    let value: Value = serde_json::from_str(output.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(value["code"], "E0102");
    assert_eq!(value["file"], "latin1.env");
    assert_eq!(
        (value["line"].clone(), value["column"].clone()),
        (1.into(), 6.into())
    );
    assert_eq!(value["start"], 5);
}

#[test]
fn byte_order_mark_is_accepted() {
    let with_bom = |text: &str| [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat();
    let test = Test::transformed_spec(with_bom).args(["build", "spec", "-o", "out"]);
    test.run().status(0).stderr_lacks("E0");
    assert_eq!(test.tree("out"), Test::minimal_output());
}

#[test]
fn byte_order_mark_keeps_line_and_column() {
    let test = Test::with_spec()
        .file(
            "extra.env",
            b"\xef\xbb\xbfapp extra : service {\n  image = 5\n}\n",
        )
        .args(["build", "--format", "json"]);
    let output = test.run();
    output.status(1);
    let value = diagnostic(&output.stdout, "E0302");
    assert_eq!(value["file"], "extra.env");
    assert_eq!(
        (value["line"].clone(), value["column"].clone()),
        (2.into(), 11.into())
    );
    // Byte offsets into the file, byte-order mark included.
    assert_eq!(
        (value["start"].clone(), value["end"].clone()),
        (35.into(), 36.into())
    );
}

#[test]
fn crlf_line_endings_are_accepted() {
    let crlf = |text: &str| text.replace('\n', "\r\n");
    let test = Test::transformed_spec(crlf).args(["build", "spec", "-o", "out"]);
    test.run().status(0).stderr_lacks("E0");
    assert_eq!(test.tree("out"), Test::minimal_output());
}

#[test]
fn crlf_errors_point_at_the_right_line_and_column() {
    let test = Test::with_spec()
        .file(
            "extra.env",
            "# comment\r\napp extra : service {\r\n  image = 5\r\n}\r\n",
        )
        .args(["build", "--format", "json"]);
    let output = test.run();
    output.status(1);
    let value = diagnostic(&output.stdout, "E0302");
    assert_eq!(value["file"], "extra.env");
    assert_eq!(value["line"], 3);
    assert_eq!(value["column"], 11);
}
