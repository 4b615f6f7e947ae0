//! Reads a spec directory into [`Sources`]: every non-hidden `*.env` file
//! below it, sorted by path so that output never depends on directory order.

use std::path::{Path, PathBuf};

use crate::source::{SourceFile, Sources};

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
    let mut paths = Vec::new();
    collect(dir, Path::new(""), &mut paths)?;
    paths.sort();
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

fn collect(root: &Path, relative: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let dir = root.join(relative);
    let entries = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read `{}`: {}", dir.display(), io_reason(&e)))?;
    for entry in entries {
        let entry =
            entry.map_err(|e| format!("cannot read `{}`: {}", dir.display(), io_reason(&e)))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        // Hidden entries are never part of a spec: a dotenv file named `.env`, `.git`, editors' files.
        if name.starts_with('.') {
            continue;
        }
        let path = relative.join(name);
        let file_type = entry.file_type().map_err(|e| {
            format!(
                "cannot read `{}`: {}",
                entry.path().display(),
                io_reason(&e)
            )
        })?;
        if file_type.is_dir() {
            collect(root, &path, out)?;
        } else if name.ends_with(".env")
            && std::fs::metadata(entry.path()).is_ok_and(|m| m.is_file())
        {
            // A symlink to a file counts; symlinked directories are not walked (no loops).
            out.push(path);
        }
    }
    Ok(())
}

fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}
