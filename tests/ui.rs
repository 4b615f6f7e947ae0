//! UI tests: what a person sees for each diagnostic code.
//!
//! Every directory `tests/ui/<CODE>-<slug>/` is a small, complete spec (its
//! `*.env` files) that must produce the diagnostic `<CODE>`. Its snapshot,
//! `tests/snapshots/ui__<CODE>-<slug>.snap`, holds the spec's files and every
//! diagnostic of the compile as the terminal shows it, so a change to any
//! message, label or help line shows up in review. That the case still
//! produces its code is asserted apart from the snapshot: accepting a new
//! snapshot cannot hide a case that stopped testing what it is named after.
//!
//! A case compiles as `envspec build` does: when the spec compiles, the chart
//! schemas it names (relative to the case's files) are read and every
//! release's values are validated against them.
//!
//! The long explanations (`envspec explain CODE`, `src/diag/explain/*.md`) are
//! checked here too: their `## Example` must produce the code they explain, and
//! their `## Fix` must compile without errors. A ```json block in a section
//! is the file `values.schema.json` beside that section's snippet (the
//! example's serves the fix too when the fix has none).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use envspec::cli::report::render_human;
use envspec::diag::{Code, Diagnostic};
use envspec::source::{MAX_FILE_SIZE, SourceFile, Sources};

/// Terminal width the diagnostics are rendered at.
const WIDTH: usize = 100;

/// Codes that no spec produces: E0105 is `envspec fmt` refusing its own
/// result (tested in `tests/fmt.rs`). They need no UI case, and their
/// explanation's example only has to compile without errors.
const NOT_FROM_A_SPEC: &[Code] = &[Code::E0105];

/// Codes of the command line (E06: a file that cannot be read or written, a
/// name the spec lacks) and of `import`, which reads Helmsman's files, not a
/// spec. No spec produces them and they have no source span;
/// `tests/cli/failures.rs` and `tests/import.rs` produce each one, and their
/// explanations show a shell session (```console blocks) instead of a spec.
fn from_the_command_line(code: Code) -> bool {
    code.as_str().starts_with("E06") || [Code::W0105, Code::W0106].contains(&code)
}

fn ui_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("ui")
}

/// One directory of `tests/ui`.
struct Case {
    /// The directory name, such as `E0303-memory-in-megabytes`.
    name: String,
    dir: PathBuf,
    /// The code the case is about, from the start of its name.
    code: Code,
}

/// Every case, sorted by name. A directory whose name does not start with a
/// known code followed by `-` is an error: it would test nothing.
fn cases() -> Vec<Case> {
    let root = ui_root();
    let entries =
        std::fs::read_dir(&root).unwrap_or_else(|e| panic!("cannot read {}: {e}", root.display()));
    let mut cases: Vec<Case> = entries
        .map(|entry| entry.expect("a directory entry of tests/ui"))
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let code = name
                .split_once('-')
                .and_then(|(code, slug)| Code::parse(code).filter(|_| !slug.is_empty()))
                .unwrap_or_else(|| {
                    panic!("tests/ui/{name}: a case is named `<CODE>-<slug>`, such as `E0303-memory-in-megabytes`")
                });
            Case {
                name,
                dir: entry.path(),
                code,
            }
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

/// The `*.env` files below `dir` (hidden entries skipped, as the command line
/// does), as paths relative to `dir`, sorted.
fn env_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, relative: &Path, out: &mut Vec<PathBuf>) {
        let here = root.join(relative);
        let entries = std::fs::read_dir(&here)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", here.display()));
        for entry in entries {
            let entry = entry.expect("a directory entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let path = relative.join(&name);
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                walk(root, &path, out);
            } else if name.ends_with(".env") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, Path::new(""), &mut files);
    files.sort();
    files
}

/// The diagnostics as the terminal shows them, without colour, separated by
/// a blank line as on the command line. Trailing spaces are dropped from
/// every line: invisible, and noise in diffs.
fn render(sources: &Sources, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for (i, diagnostic) in diagnostics.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let text = render_human(sources, diagnostic, false, WIDTH);
        for line in text.lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    if diagnostics.is_empty() {
        out.push_str("(no diagnostics)\n");
    }
    out
}

/// Compiles a spec whose files are relative to `dir`, then validates its
/// values against the chart schemas it names, as `envspec build` does.
fn compile(sources: &Sources, dir: &Path) -> Vec<Diagnostic> {
    let (model, mut diagnostics) = envspec::compile(sources);
    if let Some(model) = &model {
        diagnostics.extend(envspec::chart_schema::check(dir, model));
        envspec::diag::sort(&mut diagnostics);
    }
    diagnostics
}

fn codes_of(diagnostics: &[Diagnostic]) -> Vec<Code> {
    diagnostics.iter().map(|d| d.code).collect()
}

/// A file too large to commit, made from its first lines: the `huge.env` of
/// E0107's cases and the example of its explanation are repeated until they
/// are larger than a spec file may be.
fn past_the_size_limit(bytes: &[u8]) -> Vec<u8> {
    bytes.repeat(MAX_FILE_SIZE / bytes.len() + 1)
}

/// Runs one case: compiles it, snapshots its files and diagnostics, and
/// checks that its code is among them.
fn run_case(case: &Case) {
    let mut sources = Sources::new();
    let mut shown = String::from("----- SOURCE CODE\n");
    for path in env_files(&case.dir) {
        let bytes = std::fs::read(case.dir.join(&path))
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let file = if case.code == Code::E0107 && path.ends_with("huge.env") {
            SourceFile::from_bytes(path, past_the_size_limit(&bytes))
        } else {
            SourceFile::from_bytes(path, bytes.clone())
        };
        shown.push_str(&format!("//- {}", file.display_path()));
        if file.invalid_utf8_at.is_some() {
            shown.push_str("  (not UTF-8; bad bytes shown as U+FFFD)");
        }
        if file.too_large {
            shown.push_str("  (repeated past the size limit when read)");
        }
        shown.push('\n');
        let text = String::from_utf8_lossy(&bytes);
        shown.push_str(&text);
        if !text.ends_with('\n') {
            shown.push('\n');
        }
        shown.push('\n');
        sources.add(file);
    }
    assert!(
        !sources.is_empty(),
        "tests/ui/{}: the case has no `.env` file",
        case.name
    );
    let diagnostics = compile(&sources, &case.dir);
    let snapshot = format!(
        "{shown}----- DIAGNOSTICS\n{}",
        render(&sources, &diagnostics)
    );

    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"));
    settings.set_input_file(&case.dir);
    settings.set_omit_expression(true);
    settings.set_description(format!(
        "tests/ui/{}: must report {} ({})",
        case.name,
        case.code,
        case.code.title()
    ));
    settings.bind(|| insta::assert_snapshot!(case.name.as_str(), snapshot));

    let codes = codes_of(&diagnostics);
    assert!(
        codes.contains(&case.code),
        "tests/ui/{}: expected {} ({}) among the diagnostics, found {codes:?}",
        case.name,
        case.code,
        case.code.title()
    );
}

/// Every case, each checked even when an earlier one fails; the failures are
/// listed at the end.
#[test]
fn ui() {
    let cases = cases();
    assert!(!cases.is_empty(), "no case in tests/ui");
    let mut failed = Vec::new();
    for case in &cases {
        if catch_unwind(AssertUnwindSafe(|| run_case(case))).is_err() {
            failed.push(case.name.clone());
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} UI cases failed (see above): {}",
        failed.len(),
        cases.len(),
        failed.join(", ")
    );
}

#[test]
fn every_code_has_a_case() {
    let cases = cases();
    let missing: Vec<String> = Code::ALL
        .iter()
        .filter(|code| !NOT_FROM_A_SPEC.contains(code) && !from_the_command_line(**code))
        .filter(|code| !cases.iter().any(|c| c.code == **code))
        .map(|code| format!("{code} ({})", code.title()))
        .collect();
    assert!(
        missing.is_empty(),
        "no tests/ui/<CODE>-<slug> directory for: {}",
        missing.join(", ")
    );
}

/// A snapshot left behind by a renamed or deleted case would never be
/// checked again; it must go with its case.
#[test]
fn every_snapshot_has_a_case() {
    let names: Vec<String> = cases().into_iter().map(|c| c.name).collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let orphans: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter_map(|file| {
                    let case = file.strip_prefix("ui__")?.strip_suffix(".snap")?;
                    (!names.iter().any(|n| n == case)).then_some(file)
                })
                .collect()
        })
        .unwrap_or_default();
    assert!(
        orphans.is_empty(),
        "snapshots without a tests/ui case (delete them): {}",
        orphans.join(", ")
    );
}

// ---- explanations ----

/// The first ```LANGUAGE block after the line `heading`, before the next `## `.
fn block_under<'t>(text: &'t str, heading: &str, language: &str) -> Option<&'t str> {
    let fence = format!("```{language}");
    let mut offset = 0;
    let mut in_section = false;
    let mut start = None;
    for line in text.split_inclusive('\n') {
        let end = offset + line.len();
        let trimmed = line.trim_end();
        match start {
            Some(start) if trimmed == "```" => return Some(&text[start..offset]),
            Some(_) => {}
            None if trimmed == heading => in_section = true,
            None if in_section && trimmed.starts_with("## ") => return None,
            None if in_section && trimmed == fence => start = Some(end),
            None => {}
        }
        offset = end;
    }
    None
}

/// Whether `snippet` has a top-level declaration starting with `keyword`.
fn declares(snippet: &str, keyword: &str) -> bool {
    snippet.lines().any(|line| {
        line.strip_prefix(keyword)
            .is_some_and(|rest| rest.starts_with([' ', '\t']))
    })
}

/// A snippet as a whole spec: a platform and a chart repository `stable` are
/// added when the snippet declares none, so that examples can stay short.
fn as_spec(snippet: &str) -> String {
    let mut spec = String::new();
    if !declares(snippet, "platform") {
        spec.push_str("platform p { }\n");
    }
    if !declares(snippet, "helm_repo") && snippet.contains("stable/") {
        spec.push_str("helm_repo stable = \"https://charts.example.com/stable\"\n");
    }
    spec.push_str(snippet);
    spec
}

/// Compiles one explanation snippet, with `schema` as `values.schema.json`
/// beside it. E0102's example is about a file that is not UTF-8, which
/// Markdown cannot show as it is: as the explanation says, it was saved as
/// Latin-1, so it is compiled from those bytes. E0107's example is a file
/// too large to show: it is repeated past the limit, as it says.
fn compile_snippet(
    code: Code,
    snippet: &str,
    example: bool,
    schema: Option<&str>,
) -> (Sources, Vec<Diagnostic>) {
    let spec = as_spec(snippet);
    let bytes = match code {
        Code::E0102 if example => spec
            .chars()
            .map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 character"))
            .collect(),
        Code::E0107 if example => past_the_size_limit(spec.as_bytes()),
        _ => spec.into_bytes(),
    };
    let mut sources = Sources::new();
    sources.add(SourceFile::from_bytes(PathBuf::from("example.env"), bytes));
    let dir = tempfile::tempdir().expect("a temporary directory");
    if let Some(schema) = schema {
        std::fs::write(dir.path().join("values.schema.json"), schema).expect("schema written");
    }
    let diagnostics = compile(&sources, dir.path());
    (sources, diagnostics)
}

/// Every fault of one explanation, empty when it is right.
fn explanation_faults(code: Code) -> Vec<String> {
    let text = code.explanation();
    let mut faults = Vec::new();
    if text.trim() == "TODO" {
        return vec!["is still TODO".into()];
    }
    let title = format!("# {code}: {}", code.title());
    if text.lines().next() != Some(title.as_str()) {
        faults.push(format!("does not start with the line `{title}`"));
    }
    if from_the_command_line(code) {
        for section in ["## Example", "## Fix"] {
            if block_under(text, section, "console").is_none() {
                faults.push(format!("has no ```console block under `{section}`"));
            }
        }
        if let Some(example) = block_under(text, "## Example", "console")
            && !example.contains(&format!("\n{code}\n"))
        {
            faults.push(format!("its example does not show {code}"));
        }
        return faults;
    }
    let example_schema = block_under(text, "## Example", "json");
    match block_under(text, "## Example", "envspec") {
        None => faults.push("has no ```envspec block under `## Example`".into()),
        Some(example) => {
            let (sources, diagnostics) = compile_snippet(code, example, true, example_schema);
            if NOT_FROM_A_SPEC.contains(&code) {
                if diagnostics.iter().any(Diagnostic::is_error) {
                    faults.push(format!(
                        "its example does not compile cleanly:\n{}",
                        render(&sources, &diagnostics)
                    ));
                }
            } else if !codes_of(&diagnostics).contains(&code) {
                faults.push(format!(
                    "its example does not produce {code}; it produces:\n{}",
                    render(&sources, &diagnostics)
                ));
            }
        }
    }
    match block_under(text, "## Fix", "envspec") {
        None => faults.push("has no ```envspec block under `## Fix`".into()),
        Some(fix) => {
            let schema = block_under(text, "## Fix", "json").or(example_schema);
            let (sources, diagnostics) = compile_snippet(code, fix, false, schema);
            if diagnostics.iter().any(|d| d.is_error() || d.code == code) {
                faults.push(format!(
                    "its fix does not compile cleanly:\n{}",
                    render(&sources, &diagnostics)
                ));
            }
        }
    }
    faults
}

#[test]
fn every_code_is_explained() {
    let mut report = String::new();
    for code in Code::ALL {
        for fault in explanation_faults(*code) {
            report.push_str(&format!("src/diag/explain/{code}.md {fault}\n"));
        }
    }
    assert!(report.is_empty(), "{report}");
}

#[test]
fn snippet_helpers() {
    let text =
        "# X\n\n## Example\n\ntext\n\n```envspec\na\nb\n```\n\n## Fix\n\n```envspec\nc\n```\n";
    assert_eq!(block_under(text, "## Example", "envspec"), Some("a\nb\n"));
    assert_eq!(block_under(text, "## Fix", "envspec"), Some("c\n"));
    assert_eq!(block_under(text, "## Fix", "json"), None);
    assert_eq!(block_under(text, "## Notes", "envspec"), None);
    assert_eq!(
        block_under(
            "## Example\n\n## Fix\n```envspec\nc\n```\n",
            "## Example",
            "envspec"
        ),
        None
    );
    assert_eq!(
        block_under("## Example\n```json\n{}\n```\n", "## Example", "json"),
        Some("{}\n")
    );
    assert!(declares("platform p { }", "platform"));
    assert!(!declares("# platform p { }\n  platforms", "platform"));
    assert!(as_spec("app web { }").starts_with("platform p { }\n"));
    assert!(as_spec("platform q { }\nchart = stable/x").contains("helm_repo stable"));
    assert!(
        !as_spec("platform q { }\nhelm_repo stable = \"x\"\nstable/x")
            .contains("charts.example.com")
    );
}
