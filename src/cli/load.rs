//! Reads a spec directory into [`Sources`] (the files `spec_files` finds).

use std::path::Path;

use crate::diag::{Code, Diagnostic};
use crate::source::Sources;
use crate::spec_files::{io_reason, read_spec_file};

/// Loads the spec at `dir`. Errors are I/O or usage problems (exit 2). A file
/// that is not UTF-8 or too large is kept and reported (E0102, E0107) later.
pub fn load_spec(dir: &Path) -> Result<Sources, Diagnostic> {
    let unreadable = |message: String| Diagnostic::new(Code::E0601, message);
    let a_spec_is_a_directory =
        "a spec is a directory of `*.env` files; give its path (default: the current directory)";
    let metadata = std::fs::metadata(dir).map_err(|e| {
        unreadable(format!(
            "cannot read spec directory `{}`: {}",
            dir.display(),
            io_reason(&e)
        ))
        .help(a_spec_is_a_directory)
    })?;
    if !metadata.is_dir() {
        return Err(
            unreadable(format!("`{}` is not a directory", dir.display()))
                .help(a_spec_is_a_directory),
        );
    }
    let paths = crate::spec_files::spec_files(dir).map_err(unreadable)?;
    if paths.is_empty() {
        return Err(
            unreadable(format!("no `.env` files in `{}`", dir.display()))
                .help(a_spec_is_a_directory),
        );
    }
    let mut sources = Sources::new();
    for relative in paths {
        let path = dir.join(&relative);
        let file = read_spec_file(&path, relative).map_err(|e| {
            unreadable(format!(
                "cannot read `{}`: {}",
                path.display(),
                io_reason(&e)
            ))
        })?;
        sources.add(file);
    }
    Ok(sources)
}
