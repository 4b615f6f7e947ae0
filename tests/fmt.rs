//! `envspec fmt`: the canonical layout, its safety and its command line.
//!
//! - `tests/fmt/cases/*.env` are formatted and snapshotted as input and
//!   output (`tests/fmt/snapshots/`), one case per group of constructs;
//! - every example and every `tests/ui/` input that parses is formatted:
//!   the result must mean the same (same tree, same comments) and be stable
//!   under a second formatting;
//! - a comment inserted at every place between two tokens of those files
//!   must come through;
//! - the refusal (E0105) and the binary's modes (`--check`, `--stdin`,
//!   writing files) are run for real.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use envspec::cli::report::render_human;
use envspec::diag::Code;
use envspec::fmt::{check_same, dump, format};
use envspec::source::{FileId, SourceFile, Sources};
use envspec::syntax::parse_file;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `*.env` files below `dir`, hidden entries skipped, sorted.
fn env_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("a directory entry").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if name.ends_with(".env") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Comment texts of `text`, in order (the formatter drops trailing blanks).
fn comments(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let mut in_string = false;
        let mut escaped = false;
        for (i, c) in line.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '#' if !in_string => {
                    found.push(line[i..].trim_end().to_string());
                    break;
                }
                _ => {}
            }
        }
    }
    found
}

/// Formats `text`, which must parse, and checks the properties every result
/// has: same tree, same comments, stable, no trailing whitespace, a final
/// line break. Returns the result.
fn format_checked(name: &str, text: &str) -> String {
    let out = format(FileId(0), text).unwrap_or_else(|d| panic!("{name}: not formatted: {:#?}", d));
    let (before, _) = parse_file(FileId(0), text);
    let (after, errors) = parse_file(FileId(0), &out);
    assert!(
        errors.is_empty(),
        "{name}: the result does not parse: {errors:#?}"
    );
    assert_eq!(
        dump::file(&before),
        dump::file(&after),
        "{name}: the tree changed"
    );
    // Count and text: a comment may move above its entry.
    let (mut before_comments, mut after_comments) = (comments(text), comments(&out));
    before_comments.sort();
    after_comments.sort();
    assert_eq!(
        before_comments, after_comments,
        "{name}: the comments changed"
    );
    let again = format(FileId(0), &out).unwrap_or_else(|d| panic!("{name}: {d:#?}"));
    assert_eq!(again, out, "{name}: formatting twice changes the text");
    for line in out.lines() {
        assert_eq!(
            line,
            line.trim_end(),
            "{name}: trailing whitespace in {line:?}"
        );
    }
    assert!(
        out.is_empty() || out.ends_with('\n'),
        "{name}: no final line break"
    );
    out
}

// ---- snapshot cases ----

#[test]
fn cases() {
    let files = env_files(&root().join("tests/fmt/cases"));
    assert!(!files.is_empty(), "no case in tests/fmt/cases");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("tests/fmt/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        for path in &files {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let text = fs::read_to_string(path).expect("a UTF-8 case");
            let out = format_checked(&relative(path), &text);
            insta::assert_snapshot!(name, format!("----- INPUT\n{text}----- FORMATTED\n{out}"));
        }
    });
}

// ---- properties over every spec in the repository ----

/// Every example file and every UI input: those that parse are formatted
/// with all the properties; those that do not are refused with their errors.
#[test]
fn every_example_and_ui_input_keeps_its_meaning_and_is_stable() {
    let mut files = Vec::new();
    for dir in ["examples", "tests/ui", "tests/fmt/cases"] {
        files.extend(env_files(&root().join(dir)));
    }
    let (mut formatted, mut refused) = (0, 0);
    for path in &files {
        let name = relative(path);
        let Ok(text) = String::from_utf8(fs::read(path).expect("readable")) else {
            continue; // the E0102 case: not UTF-8, never parsed
        };
        let (_, errors) = parse_file(FileId(0), &text);
        if errors.is_empty() {
            format_checked(&name, &text);
            formatted += 1;
        } else {
            let refusal = format(FileId(0), &text).expect_err(&name);
            assert_eq!(refusal, errors, "{name}: refused with other diagnostics");
            refused += 1;
        }
    }
    eprintln!("formatted {formatted} files, refused {refused} with syntax errors");
    assert!(formatted > 0, "no file was formatted");
    assert!(refused > 0, "no file with syntax errors was tried");
    assert!(
        formatted > 100,
        "only {formatted} files formatted: were examples or UI cases moved?"
    );
}

/// The example is written the way `envspec fmt` writes it.
#[test]
fn example_is_formatted() {
    let mut unformatted = Vec::new();
    let files = env_files(&root().join("examples"));
    assert!(!files.is_empty());
    for path in &files {
        let text = fs::read_to_string(path).expect("readable");
        if format_checked(&relative(path), &text) != text {
            unformatted.push(relative(path));
        }
    }
    assert!(
        unformatted.is_empty(),
        "run `envspec fmt examples`: {unformatted:?}"
    );
}

/// Offsets between two tokens (outside strings and comments): the start
/// of each run of spaces, and each line break.
fn gaps(text: &str) -> Vec<usize> {
    let mut gaps = Vec::new();
    let (mut in_string, mut escaped, mut in_comment) = (false, false, false);
    let mut previous = '\n';
    for (i, c) in text.char_indices() {
        match c {
            '\n' => {
                in_comment = false;
                gaps.push(i);
            }
            _ if in_comment => {}
            _ if in_string && escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => in_comment = true,
            ' ' | '\t' if !in_string && !matches!(previous, ' ' | '\t') => gaps.push(i),
            _ => {}
        }
        previous = c;
    }
    gaps
}

/// A comment put between any two tokens (trailing code, on a line of its
/// own, inside headers, lists, calls and predicates) is kept: the formatter
/// places it or moves it above its line, and never refuses.
#[test]
fn a_comment_anywhere_is_kept() {
    let mut files = env_files(&root().join("examples"));
    files.extend(env_files(&root().join("tests/fmt/cases")));
    let mut tried = 0;
    for path in &files {
        let text = fs::read_to_string(path).expect("readable");
        if !parse_file(FileId(0), &text).1.is_empty() {
            continue;
        }
        for (n, at) in gaps(&text).into_iter().enumerate() {
            let mutated = format!("{}# note {n}\n{}", &text[..at], &text[at..]);
            // Inside `not in`, a comment is a syntax error: nothing to keep.
            if !parse_file(FileId(0), &mutated).1.is_empty() {
                continue;
            }
            // `format` itself refuses a result with another tree or other comments.
            let name = format!("{} + comment at {at}", relative(path));
            let out = format(FileId(0), &mutated).unwrap_or_else(|d| panic!("{name}: {d:#?}"));
            assert!(out.contains(&format!("# note {n}\n")), "{name}");
            assert_eq!(
                format(FileId(0), &out).as_ref(),
                Ok(&out),
                "{name}: not stable"
            );
            tried += 1;
        }
    }
    eprintln!("kept a comment in {tried} places");
    assert!(tried > 500, "only {tried} placements tried");
}

#[test]
fn line_endings_and_byte_order_mark() {
    let crlf = "app a {\r\n  x=1 # c\r\n}\r\n";
    assert_eq!(
        format_checked("crlf", crlf),
        "app a {\r\n  x = 1  # c\r\n}\r\n"
    );
    let mixed = "app a {\r\n  x=1\n}\r\n";
    assert_eq!(format_checked("mixed", mixed), "app a {\n  x = 1\n}\n");
    let bom = "\u{feff}app a { }";
    assert_eq!(format_checked("bom", bom), "\u{feff}app a { }\n");
    assert_eq!(
        format_checked("no final newline", "app a { }"),
        "app a { }\n"
    );
}

// ---- the refusal ----

fn rendered(text: &str, diagnostic: &envspec::diag::Diagnostic) -> String {
    let mut sources = Sources::new();
    sources.add(SourceFile::new("apps.env", text));
    render_human(&sources, diagnostic, false, 100)
        .lines()
        .map(|l| l.trim_end().to_string() + "\n")
        .collect()
}

#[test]
fn a_lost_comment_is_refused() {
    let original = "app a {\n  x = 1  # keep me\n}\n";
    let error = check_same(FileId(0), original, "app a {\n  x = 1\n}\n").unwrap_err();
    assert_eq!(error.code, Code::E0105);
    insta::assert_snapshot!(rendered(original, &error), @r"
    E0105

      × formatting would lose or change a comment
       ╭─[apps.env:2:10]
     1 │ app a {
     2 │   x = 1  # keep me
       ·          ────┬────
       ·              ╰── this comment would not be kept
     3 │ }
       ╰────
      help: the file was left as it is; this is a bug in `envspec fmt`, please report it with the file
    ");
    let changed = check_same(FileId(0), "# a\n# b\n", "# a\n# c\n").unwrap_err();
    assert_eq!(changed.labels[0].span.start, 4, "points at `# b`");
    let added = check_same(FileId(0), "# a\n", "# a\n# a\n").unwrap_err();
    assert_eq!(added.message, "formatting would add a comment");
    assert!(check_same(FileId(0), "# a\n# b\n", "# b\n# a\n").is_ok());
}

#[test]
fn a_changed_meaning_is_refused() {
    let original = "app a { x = 1 }\napp b {\n  y = \"\\\\d\"\n}\n";
    let error = check_same(
        FileId(0),
        original,
        "app a { x = 1 }\napp b {\n  y = \"\\d\"\n}\n",
    )
    .unwrap_err();
    assert_eq!(error.code, Code::E0105);
    assert_eq!(
        error.message,
        "formatting would break the file: the result does not parse (unknown escape `\\d` in a string)"
    );
    let error = check_same(
        FileId(0),
        original,
        "app a { x = 1 }\napp b {\n  y = \"d\"\n}\n",
    )
    .unwrap_err();
    insta::assert_snapshot!(rendered(original, &error), @r#"
    E0105

      × formatting would change the meaning of this file
       ╭─[apps.env:2:1]
     1 │ app a { x = 1 }
     2 │ app b {
       · ───┬───
       ·    ╰── this declaration would read differently
     3 │   y = "\\d"
       ╰────
      help: the file was left as it is; this is a bug in `envspec fmt`, please report it with the file
    "#);
    let reordered = check_same(
        FileId(0),
        "app a { x = 1, y = 2 }",
        "app a { y = 2, x = 1 }",
    );
    assert!(reordered.is_err(), "reordering fields is a change");
}

#[test]
fn syntax_errors_are_reported_not_formatted() {
    let errors = format(FileId(0), "app a {\n  replicas: 2\n}\n").unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, Code::E0101);
}

// ---- the command line ----

/// A temporary directory to run the binary in.
struct Dir(tempfile::TempDir);

/// What one run printed and how it ended.
#[derive(Debug)]
struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

impl Dir {
    fn new(files: &[(&str, &str)]) -> Dir {
        let dir = Dir(tempfile::Builder::new()
            .prefix("envspec-fmt-test")
            .tempdir()
            .expect("a temporary directory"));
        for (path, text) in files {
            dir.write(path, text);
        }
        dir
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.0.path().join(relative)
    }

    fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.path(relative)).unwrap()
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, None)
    }

    fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let mut child = Command::new(env!("CARGO_BIN_EXE_envspec"))
            .args(args)
            .arg("--color=never")
            .current_dir(self.0.path())
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run envspec");
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        let output = child.wait_with_output().unwrap();
        Run {
            status: output.status.code().expect("an exit code"),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }
}

const MESSY: &str = "app api {\n  image=\"shop/api\"\n  replicas = 2\n}\n";
const TIDY: &str = "app api {\n  image    = \"shop/api\"\n  replicas = 2\n}\n";

#[test]
fn fmt_writes_changed_files_and_counts_them() {
    let dir = Dir::new(&[
        ("apps/api.env", MESSY),
        ("tidy.env", TIDY),
        (".env", "NOT=envspec"),
        (".hidden/x.env", MESSY),
        ("notes.txt", MESSY),
    ]);
    let run = dir.run(&["fmt"]);
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "envspec: formatted 1 file (1 unchanged)\n");
    assert_eq!(dir.read("apps/api.env"), TIDY);
    assert_eq!(dir.read(".env"), "NOT=envspec");
    assert_eq!(dir.read(".hidden/x.env"), MESSY);
    assert_eq!(dir.read("notes.txt"), MESSY);
    let names: Vec<String> = fs::read_dir(dir.path("apps"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["api.env"], "a temporary file was left behind");
    let again = dir.run(&["fmt"]);
    assert_eq!(again.status, 0);
    assert_eq!(again.stderr, "envspec: formatted 0 files (2 unchanged)\n");
}

#[test]
fn fmt_takes_files_and_directories() {
    let dir = Dir::new(&[
        ("spec/a.env", MESSY),
        ("spec/b.env", MESSY),
        ("other/c.env", MESSY),
        ("loose.spec", MESSY),
    ]);
    dir.write(".env", "NOT=envspec");
    let run = dir.run(&["fmt", "spec", "loose.spec", "spec/a.env", ".env"]);
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(run.stderr, "envspec: formatted 3 files (0 unchanged)\n");
    assert_eq!(dir.read("spec/a.env"), TIDY);
    assert_eq!(dir.read("spec/b.env"), TIDY);
    assert_eq!(dir.read("loose.spec"), TIDY);
    assert_eq!(dir.read("other/c.env"), MESSY);
    assert_eq!(
        dir.read(".env"),
        "NOT=envspec",
        "a hidden file is never formatted"
    );
}

#[test]
fn fmt_keeps_crlf_files_crlf() {
    let dir = Dir::new(&[("a.env", &MESSY.replace('\n', "\r\n"))]);
    assert_eq!(dir.run(&["fmt"]).status, 0);
    assert_eq!(dir.read("a.env"), TIDY.replace('\n', "\r\n"));
}

#[test]
fn check_lists_and_diffs_and_writes_nothing() {
    let dir = Dir::new(&[("apps.env", MESSY), ("tidy.env", TIDY)]);
    let run = dir.run(&["fmt", "--check"]);
    assert_eq!(run.status, 1, "{run:?}");
    assert_eq!(
        run.stdout,
        "--- apps.env\n+++ apps.env (formatted)\n@@ -1,4 +1,4 @@\n app api {\n-  image=\"shop/api\"\n+  image    = \"shop/api\"\n   replicas = 2\n }\n"
    );
    assert_eq!(
        run.stderr,
        "envspec: 1 of 2 files not formatted: apps.env; run `envspec fmt` to format them\n"
    );
    assert_eq!(dir.read("apps.env"), MESSY);
    assert_eq!(dir.run(&["fmt"]).status, 0);
    let run = dir.run(&["fmt", "--check"]);
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "envspec: 2 files already formatted\n");
}

#[test]
fn check_in_json() {
    let dir = Dir::new(&[("apps.env", MESSY)]);
    let run = dir.run(&["fmt", "--check", "--format", "json"]);
    assert_eq!(run.status, 1);
    let line: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(line["unformatted"], "apps.env");
    assert!(
        line["diff"]
            .as_str()
            .unwrap()
            .contains("+  image    = \"shop/api\"\n")
    );
}

#[test]
fn check_for_github_annotates_the_file() {
    let dir = Dir::new(&[("apps.env", MESSY)]);
    let run = dir.run(&["fmt", "--check", "--format", "github"]);
    assert_eq!(run.status, 1);
    assert!(
        run.stdout.starts_with(
            "::error file=apps.env,title=envspec fmt::not formatted; run `envspec fmt` and commit the result\n::group::apps.env\n--- apps.env\n"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.ends_with("::endgroup::\n"));
}

#[test]
fn syntax_error_leaves_that_file_alone_and_exits_one() {
    let broken = "app api {\n  replicas: 2\n}\n";
    let dir = Dir::new(&[("broken.env", broken), ("ok.env", MESSY)]);
    let run = dir.run(&["fmt"]);
    assert_eq!(run.status, 1, "{run:?}");
    assert!(run.stderr.contains("E0101"), "{}", run.stderr);
    assert!(run.stderr.contains("broken.env:2:11"), "{}", run.stderr);
    assert!(run.stderr.ends_with(
        "envspec: formatted 1 file (0 unchanged); 1 file not formatted because of errors\n"
    ));
    assert_eq!(dir.read("broken.env"), broken);
    assert_eq!(dir.read("ok.env"), TIDY);
    let check = dir.run(&["fmt", "--check"]);
    assert_eq!(check.status, 1);
}

#[test]
fn stdin_formats_to_stdout() {
    let dir = Dir::new(&[]);
    let run = dir.run_with_stdin(&["fmt", "--stdin"], Some(MESSY));
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(run.stdout, TIDY);
    assert_eq!(run.stderr, "");
    let broken = dir.run_with_stdin(&["fmt", "--stdin"], Some("app a {"));
    assert_eq!(broken.status, 1);
    assert_eq!(broken.stdout, "");
    assert!(broken.stderr.contains("E0101"), "{}", broken.stderr);
    assert!(broken.stderr.contains("<stdin>:1:8"), "{}", broken.stderr);
    let check = dir.run_with_stdin(&["fmt", "--stdin", "--check"], Some(MESSY));
    assert_eq!(check.status, 1);
    assert!(
        check
            .stdout
            .starts_with("--- <stdin>\n+++ <stdin> (formatted)\n")
    );
    let tidy = dir.run_with_stdin(&["fmt", "--stdin", "--check"], Some(TIDY));
    assert_eq!((tidy.status, tidy.stdout.as_str()), (0, ""));
}

#[test]
fn usage_and_io_errors_exit_two() {
    let dir = Dir::new(&[("notes.txt", "x")]);
    let missing = dir.run(&["fmt", "missing.env"]);
    assert_eq!(missing.status, 2);
    assert_eq!(
        missing.stderr,
        "E0601\n\n  × cannot read `missing.env`: no such file or directory\n\n"
    );
    let empty = dir.run(&["fmt"]);
    assert_eq!(empty.status, 2);
    assert!(
        empty
            .stderr
            .starts_with("E0601\n\n  × no `.env` files in `.`\n  help: "),
        "{}",
        empty.stderr
    );
    let both = dir.run(&["fmt", "--stdin", "a.env"]);
    assert_eq!(both.status, 2);
}

#[test]
fn latin_1_file_is_reported() {
    let dir = Dir::new(&[]);
    fs::write(dir.path("a.env"), b"app a { d = \"caf\xe9\" }\n").unwrap();
    let run = dir.run(&["fmt"]);
    assert_eq!(run.status, 1, "{run:?}");
    assert!(run.stderr.contains("E0102"), "{}", run.stderr);
}
