//! `--color` and NO_COLOR.

use crate::test::Test;

const ESC: &str = "\u{1b}[";

/// A spec with one error, so that a diagnostic is rendered.
fn failing() -> Test {
    let test = Test::with_spec();
    test.edit(
        "platform.env",
        "memory        = 128Mi",
        "memory        = 128Mx",
    );
    test
}

#[test]
fn color_always_colours_diagnostics() {
    let output = failing().args(["build", "--color", "always"]).run();
    output
        .status(1)
        .stderr_contains("E0303")
        .stderr_contains(ESC);
}

#[test]
fn color_always_wins_over_no_color() {
    let output = failing()
        .env("NO_COLOR", "1")
        .args(["build", "--color", "always"])
        .run();
    output.status(1).stderr_contains(ESC);
}

#[test]
fn color_never_gives_no_escapes() {
    let output = failing().args(["build", "--color", "never"]).run();
    output
        .status(1)
        .stderr_contains("E0303")
        .stderr_contains("× `128Mx` is not a valid memory quantity")
        .stderr_lacks(ESC)
        .stderr_lacks("\u{1b}");
}

#[test]
fn no_color_gives_no_escapes() {
    let output = failing().env("NO_COLOR", "1").args(["build"]).run();
    output
        .status(1)
        .stderr_contains("E0303")
        .stderr_lacks("\u{1b}");
    let output = failing()
        .env("NO_COLOR", "1")
        .args(["build", "--color", "auto"])
        .run();
    output.status(1).stderr_lacks("\u{1b}");
}

#[test]
fn auto_without_a_terminal_gives_no_escapes() {
    let output = failing().args(["build"]).run();
    output.status(1).stderr_lacks("\u{1b}");
}

#[test]
fn color_applies_to_warnings_and_never_to_json() {
    let test = Test::with_spec();
    test.edit(
        "apps.env",
        "  image = \"shop/api\"\n",
        "  image = \"shop/api\"\n  env {\n    API_TOKEN = \"abc\"\n  }\n",
    );
    let test = test.args(["build", "--color", "always"]);
    test.run()
        .status(0)
        .stderr_contains("W0101")
        .stderr_contains(ESC);
    let test = test.args(["build", "--color", "always", "--format", "json"]);
    let output = test.run();
    output.status(0).stderr("").stdout_lacks("\u{1b}");
}

#[test]
fn color_flag_is_accepted_before_the_command() {
    failing()
        .args(["--color", "never", "build"])
        .run()
        .status(1)
        .stderr_lacks("\u{1b}");
}
