//! `envspec explain`: long explanations of diagnostic codes.

use crate::test::Test;

/// Every code, as `envspec explain` lists them.
fn listed_codes() -> Vec<String> {
    let output = Test::new().args(["explain"]).run();
    output.status(0).stderr("");
    output
        .stdout
        .lines()
        .map(|line| line.split_whitespace().next().unwrap().to_string())
        .collect()
}

#[test]
fn no_argument_lists_every_code_with_its_title() {
    let output = Test::new().args(["explain"]).run();
    output
        .status(0)
        .stderr("")
        .stdout_contains("E0101  syntax error\n")
        .stdout_contains("E0102  source file is not valid UTF-8\n")
        .stdout_contains("E0303  invalid quantity\n")
        .stdout_contains("W0101  credential-like value written as plain text\n");
    let codes = listed_codes();
    let mut sorted = codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(codes, sorted, "codes are listed once each, in order");
    for code in &codes {
        assert!(
            code.len() == 5
                && (code.starts_with('E') || code.starts_with('W'))
                && code[1..].chars().all(|c| c.is_ascii_digit()),
            "{code}"
        );
    }
}

#[test]
fn known_code_prints_its_explanation() {
    let output = Test::new().args(["explain", "E0303"]).run();
    output.status(0).stderr("");
    assert!(output.stdout.starts_with("# E0303"), "{}", output.stdout);
    assert!(output.stdout.contains("## Example") && output.stdout.contains("## Fix"));
}

#[test]
fn every_listed_code_has_an_explanation() {
    for code in listed_codes() {
        let output = Test::new().args(["explain", code.as_str()]).run();
        output.status(0).stderr("");
        assert!(
            output.stdout.starts_with(&format!("# {code}")),
            "{code}: {}",
            output.stdout
        );
    }
}

#[test]
fn lowercase_code_is_accepted() {
    let upper = Test::new().args(["explain", "E0303"]).run();
    let lower = Test::new().args(["explain", "e0303"]).run();
    lower.status(0).stderr("").stdout(&upper.stdout);
    let warning = Test::new().args(["explain", "w0101"]).run();
    warning.status(0).stderr("");
}

#[test]
fn unknown_code_is_a_usage_error_with_a_suggestion() {
    Test::new()
        .args(["explain", "E0333"])
        .run()
        .status(2)
        .stdout("")
        .stderr("E0605\n\n  × `E0333` is not a diagnostic code\n  help: did you mean `E0303`?\n\n");
    Test::new()
        .args(["explain", "e0330"])
        .run()
        .status(2)
        .stderr_contains("did you mean `E0303`?");
}

#[test]
fn unknown_code_far_from_every_code_points_to_the_list() {
    Test::new()
        .args(["explain", "banana"])
        .run()
        .status(2)
        .stdout("")
        .stderr(
            "E0605\n\n  × `banana` is not a diagnostic code\n  help: run `envspec explain` to list every code\n\n",
        );
}

#[test]
fn explain_needs_no_spec() {
    // Run where there is no spec at all: explain must not look for one.
    Test::new()
        .file("broken.env", "this is { not a spec")
        .args(["explain", "W0101"])
        .run()
        .status(0)
        .stderr("");
}

#[cfg(target_os = "linux")]
#[test]
fn failing_stdout_is_an_io_error() {
    use std::process::{Command, Stdio};
    // A write error on stdout, as when piped into `head` that has exited.
    let full = std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .expect("open the full device");
    let output = Command::new(env!("CARGO_BIN_EXE_envspec"))
        .arg("explain")
        .env("RUST_BACKTRACE", "0")
        .stdout(Stdio::from(full))
        .stderr(Stdio::piped())
        .output()
        .expect("run envspec");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "E0602\n\n  × cannot write to standard output: No space left on device (os error 28)\n\n"
    );
}

#[test]
fn completions_and_manual_page_come_from_the_cli_definition() {
    Test::new()
        .args(["completions", "bash"])
        .run()
        .status(0)
        .stdout_contains("_envspec()")
        .stdout_contains("verify-promotion");
    Test::new()
        .args(["completions", "fish"])
        .run()
        .status(0)
        .stdout_contains("complete -c envspec");
    Test::new()
        .args(["man"])
        .run()
        .status(0)
        .stdout_contains(".TH envspec 1")
        .stdout_contains("promote");
    Test::new()
        .args(["completions", "tcsh"])
        .run()
        .status(2)
        .stderr_contains("invalid value 'tcsh'");
}
