//! `envspec import`: Helmsman desired-state files into a spec directory.
//!
//! Exit codes: 0 everything carried over, 1 something could not be
//! represented (listed; the rest is still written) or the result does not
//! compile (nothing written), 2 usage or I/O errors.

use std::path::{Path, PathBuf};

use super::report::Reporter;
use super::{fail, plural};
use crate::diag::{Code, Diagnostic};

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Helmsman desired-state files (YAML); each becomes one environment.
    #[arg(required = true, value_name = "DSF")]
    pub files: Vec<PathBuf>,
    /// The directory to write the spec to.
    #[arg(short, long, value_name = "DIR", default_value = "imported")]
    pub output: PathBuf,
}

pub fn run(args: &ImportArgs, reporter: &Reporter) -> u8 {
    let imported = match crate::import::import(&args.files) {
        Ok(imported) => imported,
        Err(message) => return fail(reporter, Diagnostic::new(Code::E0601, message)),
    };
    let notes: Vec<Diagnostic> = imported
        .warnings
        .iter()
        .map(|w| {
            Diagnostic::new(Code::W0106, w.to_string()).help(
                "check the value in the spec; where a field takes one, write env_var(\"NAME\")",
            )
        })
        .chain(imported.losses.iter().map(|loss| {
            Diagnostic::new(Code::W0105, loss.to_string())
                .help("the rest is written; carry this over by hand if it matters")
        }))
        .collect();
    reporter.report(&crate::source::Sources::new(), &notes);
    if !imported.compiles() {
        reporter.report(&imported.sources, &imported.diagnostics);
        reporter.summary("the imported spec does not compile; nothing written");
        return 1;
    }
    if let Err(diagnostic) = write(&args.output, &imported.files) {
        return fail(reporter, diagnostic);
    }
    let written = format!(
        "wrote {} to `{}`",
        plural(imported.files.len(), "file"),
        args.output.display()
    );
    if imported.losses.is_empty() {
        reporter.summary(&written);
        0
    } else {
        reporter.summary(&format!(
            "{written}; {} could not be represented (listed above)",
            plural(imported.losses.len(), "setting")
        ));
        1
    }
}

fn write(dir: &Path, files: &[(String, String)]) -> Result<(), Diagnostic> {
    for (name, _) in files {
        if dir.join(name).exists() {
            return Err(Diagnostic::new(
                Code::E0603,
                format!("`{}` exists", dir.join(name).display()),
            )
            .help("import into an empty directory"));
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.path().extension().is_some_and(|e| e == "env") {
                return Err(Diagnostic::new(
                    Code::E0603,
                    format!(
                        "`{}` already holds a spec file (`{}`)",
                        dir.display(),
                        entry.path().display()
                    ),
                )
                .help("import into a directory without `.env` files"));
            }
        }
    }
    let cannot = |what: &str, path: &Path, e: std::io::Error| {
        Diagnostic::new(
            Code::E0602,
            format!("cannot {what} `{}`: {e}", path.display()),
        )
    };
    std::fs::create_dir_all(dir).map_err(|e| cannot("create", dir, e))?;
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| cannot("write", &path, e))?;
    }
    Ok(())
}
