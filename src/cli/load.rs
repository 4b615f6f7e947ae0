//! Reads a spec directory into [`Sources`] (the files `spec_files` finds).

use std::path::Path;

use crate::source::{SourceFile, Sources};
use crate::spec_files::io_reason;

/// Loads the spec at `dir`. Errors are I/O or usage problems (exit 2). A file
/// that is not UTF-8 is kept with empty text and reported as E0102 later.
pub fn load_spec(dir: &Path) -> Result<Sources, String> {
    let metadata = std::fs::metadata(dir).map_err(|e| {
        format!(
            "cannot read spec directory `{}`: {}",
            dir.display(),
            io_reason(&e)
        )
    })?;
    if !metadata.is_dir() {
        return Err(format!(
            "`{}` is not a directory; give the directory that holds the spec's `.env` files",
            dir.display()
        ));
    }
    let paths = crate::spec_files::spec_files(dir)?;
    if paths.is_empty() {
        return Err(format!("no `.env` files in `{}`", dir.display()));
    }
    let mut sources = Sources::new();
    for relative in paths {
        let bytes = std::fs::read(dir.join(&relative)).map_err(|e| {
            format!(
                "cannot read `{}`: {}",
                dir.join(&relative).display(),
                io_reason(&e)
            )
        })?;
        sources.add(SourceFile::from_bytes(relative, bytes));
    }
    Ok(sources)
}
