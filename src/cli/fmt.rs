//! `envspec fmt [PATH]... [--check] [--stdin]`: the command line of the
//! formatter (`crate::fmt`), which touches no disk itself. It finds the
//! files (a spec directory is read the way `build` reads it), formats each
//! with [`crate::fmt::format`], and writes the changed ones back atomically, or
//! with `--check` prints their diffs and writes nothing.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::json;
use similar::TextDiff;

use super::report::{self, Format, Reporter};
use super::{fail, plural};
use crate::diag::{self, Code, Diagnostic};
use crate::source::{FileId, SourceFile, Sources};
use crate::spec_files::{io_reason, read_limited, read_spec_file};

#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// Files, or spec directories (every non-hidden `*.env` file below); hidden files are skipped [default: .].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Write nothing: print a diff for each file that is not formatted, and exit 1 if there is one.
    #[arg(long)]
    pub check: bool,
    /// Format one file read from standard input and write it to standard output.
    #[arg(long, conflicts_with = "paths")]
    pub stdin: bool,
}

/// How the command line reads a spec directory (`cli::load`), handed in so
/// that discovery stays the same as `build`'s.
pub type LoadSpec = fn(&Path) -> Result<Sources, Diagnostic>;

/// Runs `envspec fmt`; returns the exit code (0 formatted, 1 not formatted
/// or errors, 2 usage or I/O errors).
pub fn run(args: &FmtArgs, reporter: &Reporter, format: Format, load_spec: LoadSpec) -> u8 {
    if args.stdin {
        return run_stdin(args.check, reporter, format);
    }
    let (sources, disk_paths) = match gather(&args.paths, load_spec) {
        Ok(found) => found,
        Err(diagnostic) => return fail(reporter, diagnostic),
    };
    let mut diagnostics = Vec::new();
    let mut failed = 0;
    let mut changed: Vec<(FileId, String)> = Vec::new();
    for (id, file) in sources.iter() {
        match format_source(id, file) {
            Ok(text) if text == file.text => {}
            Ok(text) => changed.push((id, text)),
            Err(errors) => {
                failed += 1;
                diagnostics.extend(errors);
            }
        }
    }
    diag::sort(&mut diagnostics);
    reporter.report(&sources, &diagnostics);
    let unchanged = sources.len() - changed.len() - failed;
    let not_formatted = if failed == 0 {
        String::new()
    } else {
        format!(
            "; {} not formatted because of errors",
            plural(failed, "file")
        )
    };
    if args.check {
        for (id, text) in &changed {
            let file = sources.get(*id);
            print_diff(&file.display_path(), &file.text, text, format);
        }
        if changed.is_empty() {
            reporter.summary(&format!(
                "{} already formatted{not_formatted}",
                plural(unchanged, "file")
            ));
        } else {
            let names: Vec<String> = changed
                .iter()
                .map(|(id, _)| sources.get(*id).display_path())
                .collect();
            reporter.summary(&format!(
                "{} of {} not formatted: {}{not_formatted}; run `envspec fmt` to format them",
                changed.len(),
                plural(sources.len(), "file"),
                names.join(", ")
            ));
        }
        return if changed.is_empty() && failed == 0 {
            0
        } else {
            1
        };
    }
    for (id, text) in &changed {
        if let Err(message) = write_atomically(&disk_paths[id.0 as usize], text) {
            return fail(reporter, Diagnostic::new(Code::E0602, message));
        }
    }
    reporter.summary(&format!(
        "formatted {} ({unchanged} unchanged){not_formatted}",
        plural(changed.len(), "file")
    ));
    if failed == 0 { 0 } else { 1 }
}

/// `--stdin`: the formatted text on stdout, or diagnostics on stderr and
/// nothing on stdout.
fn run_stdin(check: bool, reporter: &Reporter, format: Format) -> u8 {
    let file = match read_limited(std::io::stdin().lock(), "<stdin>".into()) {
        Ok(file) => file,
        Err(e) => {
            return fail(
                reporter,
                Diagnostic::new(Code::E0601, format!("cannot read standard input: {e}")),
            );
        }
    };
    let mut sources = Sources::new();
    let id = sources.add(file);
    let file = sources.get(id);
    match format_source(id, file) {
        Ok(text) if check => {
            if text == file.text {
                return 0;
            }
            print_diff("<stdin>", &file.text, &text, format);
            reporter.summary("standard input is not formatted");
            1
        }
        Ok(text) => {
            report::stdout(&text);
            0
        }
        Err(diagnostics) => {
            reporter.report(&sources, &diagnostics);
            reporter.summary("standard input was not formatted because of errors");
            1
        }
    }
}

/// The files to format, as sources (paths as shown to the user) and, by
/// file id, where each is on disk.
fn gather(paths: &[PathBuf], load_spec: LoadSpec) -> Result<(Sources, Vec<PathBuf>), Diagnostic> {
    let unreadable = |path: &Path, e: std::io::Error| {
        Diagnostic::new(
            Code::E0601,
            format!("cannot read `{}`: {}", path.display(), io_reason(&e)),
        )
    };
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut found: Vec<(PathBuf, SourceFile)> = Vec::new();
    for path in paths {
        let metadata = fs::metadata(path).map_err(|e| unreadable(path, e))?;
        if metadata.is_dir() {
            for (_, file) in load_spec(path)?.iter() {
                let shown = if path == Path::new(".") {
                    file.path.clone()
                } else {
                    path.join(&file.path)
                };
                let disk = path.join(&file.path);
                let mut file = file.clone();
                file.path = shown;
                found.push((disk, file));
            }
        } else if is_hidden(path) {
            // Never a spec file (a dotenv `.env`), even when a glob names it.
            continue;
        } else {
            let file = read_spec_file(path, path.clone()).map_err(|e| unreadable(path, e))?;
            found.push((path.clone(), file));
        }
    }
    // A file named twice (a file and its directory) is formatted once.
    let mut seen = std::collections::HashSet::new();
    found.retain(|(disk, _)| seen.insert(fs::canonicalize(disk).unwrap_or_else(|_| disk.clone())));
    let mut sources = Sources::new();
    let mut disk_paths = Vec::new();
    for (disk, file) in found {
        sources.add(file);
        disk_paths.push(disk);
    }
    Ok((sources, disk_paths))
}

/// Formats one loaded file; a file too large or not UTF-8 is reported as
/// `compile` does.
fn format_source(id: FileId, file: &SourceFile) -> Result<String, Vec<Diagnostic>> {
    if let Some(diagnostic) = file.read_problem(id) {
        return Err(vec![diagnostic]);
    }
    crate::fmt::format(id, &file.text)
}

/// What `--check` prints for a file that is not formatted: a unified diff;
/// in JSON, an object with the file and the diff; for GitHub, an annotation
/// on the file with the diff in a collapsed group.
fn print_diff(path: &str, old: &str, new: &str, format: Format) {
    let diff = unified(old, new, path);
    match format {
        Format::Json => {
            report::stdout(&format!("{}\n", json!({"unformatted": path, "diff": diff})))
        }
        Format::Github => {
            let escape = |text: &str| text.replace('%', "%25").replace('\n', "%0A");
            let property = escape(path).replace(':', "%3A").replace(',', "%2C");
            report::stdout(&format!(
                "::error file={property},title=envspec fmt::{}\n::group::{}\n{diff}::endgroup::\n",
                escape("not formatted; run `envspec fmt` and commit the result"),
                escape(path)
            ));
        }
        _ => report::stdout(&diff),
    }
}

fn unified(old: &str, new: &str, path: &str) -> String {
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(path, &format!("{path} (formatted)"))
        .to_string()
}

/// Replaces `path`'s contents through a temporary file in the same directory
/// and a rename, so that the file is never seen half-written. A symbolic
/// link is followed: the file it points to is replaced, the link stays.
pub(super) fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    let target = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let fail = |e: std::io::Error| {
        format!(
            "cannot write `{}`: {}; the file is unchanged",
            path.display(),
            io_reason(&e)
        )
    };
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Hidden, so that a spec never reads a leftover as one of its files.
    let temporary = dir.join(format!(".{name}.envspec-fmt-{}", std::process::id()));
    let result = fs::write(&temporary, text)
        .and_then(|()| {
            let permissions = fs::metadata(&target)?.permissions();
            fs::set_permissions(&temporary, permissions)
        })
        .and_then(|()| fs::rename(&temporary, &target));
    if let Err(e) = result {
        let _ = fs::remove_file(&temporary);
        return Err(fail(e));
    }
    Ok(())
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| name.to_string_lossy().starts_with('.'))
}
