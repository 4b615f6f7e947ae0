//! Renders diagnostics: miette's graphical report for people, one JSON object
//! per line for machines. The only place that turns spans into files, lines
//! and columns for display.

use std::fmt;
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use serde_json::json;

use crate::diag::{Diagnostic, Label, Severity};
use crate::source::{FileId, Sources};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source snippets with labels and help.
    Human,
    /// One JSON object per diagnostic, one per line.
    Json,
    /// GitHub Actions workflow commands (`::error file=...::message`), which
    /// annotate the pull request; everything else as `human`.
    Github,
}

/// Prints diagnostics and the closing summary to stderr (JSON to stdout).
#[derive(Clone)]
pub struct Reporter {
    format: Format,
    color: bool,
    /// The spec directory as given, for paths that must be relative to the
    /// working directory (GitHub annotations).
    spec_dir: std::path::PathBuf,
}

impl Reporter {
    pub fn new(format: Format, color: bool) -> Self {
        Reporter {
            format,
            color,
            spec_dir: std::path::PathBuf::new(),
        }
    }

    /// The same reporter for the spec in `dir`.
    pub fn for_spec(&self, dir: &std::path::Path) -> Reporter {
        Reporter {
            spec_dir: dir.to_path_buf(),
            ..self.clone()
        }
    }

    pub fn report(&self, sources: &Sources, diagnostics: &[Diagnostic]) {
        match self.format {
            Format::Human => {
                for diagnostic in diagnostics {
                    eprintln!("{}", render_human(sources, diagnostic, self.color, 100));
                }
            }
            Format::Github => {
                for diagnostic in diagnostics {
                    stdout(&github_annotation(sources, diagnostic, &self.spec_dir));
                }
            }
            Format::Json => {
                for diagnostic in diagnostics {
                    stdout(&format!("{}\n", to_json(sources, diagnostic)));
                }
            }
        }
    }

    /// The drift `check` found: unified diffs on stdout, or one JSON object
    /// per file (`drift`, `file`, `diff`).
    pub fn drift(&self, drift: &super::output::Drift, out: &std::path::Path) {
        for entry in &drift.entries {
            match self.format {
                Format::Human => stdout(&entry.diff),
                Format::Github => stdout(&format!(
                    "::error file={},title=envspec check::{}\n::group::{}\n{}::endgroup::\n",
                    github_property(&workspace_path(out, &entry.path)),
                    github_data(&format!(
                        "{} output file; run `envspec build` and commit the result",
                        entry.kind.as_str()
                    )),
                    entry.path,
                    entry.diff
                )),
                Format::Json => stdout(&format!(
                    "{}\n",
                    json!({"drift": entry.kind.as_str(), "file": entry.path, "diff": entry.diff})
                )),
            }
        }
    }

    /// The last line of a run; silent in JSON mode.
    pub fn summary(&self, message: &str) {
        if self.format != Format::Json {
            eprintln!("envspec: {message}");
        }
    }
}

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
static STDOUT_FAILED: AtomicBool = AtomicBool::new(false);

/// Writes to stdout without panicking: once the reader has gone (a closed
/// pipe, as with `| head`) further output is dropped and the run's exit code
/// stands; any other write error is reported once and makes the run exit 2.
pub fn stdout(text: &str) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(error) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            STDOUT_FAILED.store(true, Ordering::Relaxed);
            // Always on stderr, as a person reads it: stdout is what failed.
            let diagnostic = Diagnostic::new(
                crate::diag::Code::E0602,
                format!("cannot write to standard output: {error}"),
            );
            eprintln!("{}", render_human(&Sources::new(), &diagnostic, false, 100));
        }
    }
}

/// Whether writing to stdout failed for another reason than a closed pipe.
pub fn stdout_failed() -> bool {
    STDOUT_FAILED.load(Ordering::Relaxed)
}

/// One diagnostic as a GitHub Actions annotation line.
pub fn github_annotation(
    sources: &Sources,
    diagnostic: &Diagnostic,
    spec_dir: &std::path::Path,
) -> String {
    let level = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut message = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let place = diagnostic.primary_span().map(|span| {
        let file = sources.get(span.file);
        let (line, column) = file.line_column(span.start as usize);
        let (end_line, end_column) = file.line_column(span.end as usize);
        format!(
            "file={},line={line},col={column},endLine={end_line},endColumn={end_column},",
            github_property(&workspace_path(spec_dir, &file.display_path()))
        )
    });
    format!(
        "::{level} {}title={}::{}\n",
        place.unwrap_or_default(),
        github_property(&format!("{} {}", diagnostic.code, diagnostic.code.title())),
        github_data(&message)
    )
}

/// A spec file's path as seen from the working directory.
fn workspace_path(spec_dir: &std::path::Path, relative: &str) -> String {
    let joined = spec_dir.join(relative);
    let text = joined.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}

/// Escapes a workflow command's message.
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One diagnostic as JSON: code, severity, message, file, line, column, byte
/// span, help, and every label.
pub fn to_json(sources: &Sources, diagnostic: &Diagnostic) -> serde_json::Value {
    let place = |label: &Label| {
        let file = sources.get(label.span.file);
        let (line, column) = file.line_column(label.span.start as usize);
        json!({
            "file": file.display_path(),
            "line": line,
            "column": column,
            "start": label.span.start,
            "end": label.span.end,
        })
    };
    let primary = diagnostic
        .labels
        .iter()
        .find(|l| l.primary)
        .or(diagnostic.labels.first());
    let mut value = json!({
        "code": diagnostic.code.as_str(),
        "severity": diagnostic.severity.as_str(),
        "message": diagnostic.message,
        "help": diagnostic.help,
        "labels": diagnostic.labels.iter().map(|l| {
            let mut p = place(l);
            p["message"] = json!(l.message);
            p["primary"] = json!(l.primary);
            p
        }).collect::<Vec<_>>(),
    });
    let location = primary.map(place).unwrap_or_else(
        || json!({"file": null, "line": null, "column": null, "start": null, "end": null}),
    );
    for key in ["file", "line", "column", "start", "end"] {
        value[key] = location[key].clone();
    }
    value
}

/// The human rendering of one diagnostic, `width` columns wide.
pub fn render_human(
    sources: &Sources,
    diagnostic: &Diagnostic,
    color: bool,
    width: usize,
) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false);
    let adapter = Adapter::new(sources, diagnostic);
    let mut out = String::new();
    if handler.render_report(&mut out, &adapter).is_err() {
        out = format!(
            "{}[{}]: {}\n",
            diagnostic.severity.as_str(),
            diagnostic.code,
            diagnostic.message
        );
    }
    out
}

/// Presents our diagnostic to miette. Labels in the primary label's file are
/// drawn on its snippet; labels in other files become related reports, each
/// with its own source.
struct Adapter {
    code: String,
    severity: miette::Severity,
    message: String,
    help: Option<String>,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Adapter>,
}

impl Adapter {
    fn new(sources: &Sources, diagnostic: &Diagnostic) -> Self {
        let primary_file = diagnostic.primary_span().map(|s| s.file);
        let mut by_file: Vec<(FileId, Vec<&Label>)> = Vec::new();
        for label in &diagnostic.labels {
            match by_file.iter_mut().find(|(f, _)| *f == label.span.file) {
                Some((_, labels)) => labels.push(label),
                None => by_file.push((label.span.file, vec![label])),
            }
        }
        let mut main = None;
        let mut related = Vec::new();
        for (file, labels) in by_file {
            let named = named_source(sources, file);
            let spans: Vec<LabeledSpan> = labels.iter().map(|l| labeled(l)).collect();
            if Some(file) == primary_file {
                main = Some((named, spans));
            } else {
                related.push(Adapter {
                    code: String::new(),
                    severity: miette::Severity::Advice,
                    message: format!("in {}", sources.get(file).display_path()),
                    help: None,
                    source: Some(named),
                    labels: spans,
                    related: Vec::new(),
                });
            }
        }
        let (source, labels) = match main {
            Some((s, l)) => (Some(s), l),
            None => (None, Vec::new()),
        };
        Adapter {
            code: diagnostic.code.as_str().to_string(),
            severity: match diagnostic.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
            },
            message: diagnostic.message.clone(),
            help: diagnostic.help.clone(),
            source,
            labels,
            related,
        }
    }
}

fn named_source(sources: &Sources, file: FileId) -> NamedSource<String> {
    let source = sources.get(file);
    NamedSource::new(source.display_path(), source.text.clone())
}

fn labeled(label: &Label) -> LabeledSpan {
    let span = SourceSpan::new((label.span.start as usize).into(), label.span.len());
    if label.primary {
        LabeledSpan::new_primary_with_span(Some(label.message.clone()), span)
    } else {
        LabeledSpan::new_with_span(Some(label.message.clone()), span)
    }
}

impl fmt::Debug for Adapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Adapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Adapter {}

impl miette::Diagnostic for Adapter {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty())
            .then(|| Box::new(self.labels.iter().cloned()) as Box<dyn Iterator<Item = LabeledSpan>>)
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        (!self.related.is_empty()).then(|| {
            Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic))
                as Box<dyn Iterator<Item = &dyn miette::Diagnostic>>
        })
    }
}
