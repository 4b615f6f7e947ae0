//! Reads a spec directory into [`Sources`] (the files `spec_files` finds).

use std::path::Path;

use crate::source::Sources;
use crate::spec_files::{io_reason, read_spec_file};

/// Loads the spec at `dir`. Errors are I/O or usage problems (exit 2). A file
/// that is not UTF-8 or too large is kept and reported (E0102, E0107) later.
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
        let path = dir.join(&relative);
        let file = read_spec_file(&path, relative)
            .map_err(|e| format!("cannot read `{}`: {}", path.display(), io_reason(&e)))?;
        sources.add(file);
    }
    Ok(sources)
}
