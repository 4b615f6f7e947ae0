//! Which files make up a spec: every non-hidden `*.env` file below the spec
//! directory, sorted by path so that nothing depends on directory order. The
//! one walk both edges (the command line and the language server) use.

use std::path::{Path, PathBuf};

/// The spec files below `root`, relative to it and sorted. Hidden entries
/// (a dotenv file named `.env`, `.git`) are skipped; a symlink to a file
/// counts; symlinked directories are not walked, so there are no loops.
pub fn spec_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    collect(root, Path::new(""), &mut out)?;
    out.sort();
    Ok(out)
}

/// Whether `relative`, relative to a spec directory, is one of its files: a
/// `*.env` file with no hidden component (a dotenv file `.env` never is).
pub fn is_spec_file(relative: &Path) -> bool {
    let visible = relative.components().all(|c| match c {
        std::path::Component::Normal(name) => !name.to_string_lossy().starts_with('.'),
        _ => false,
    });
    relative.components().next().is_some()
        && visible
        && relative.to_string_lossy().ends_with(".env")
}

fn collect(root: &Path, relative: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let dir = root.join(relative);
    let read_error = |path: &Path, e: std::io::Error| {
        format!("cannot read `{}`: {}", path.display(), io_reason(&e))
    };
    let entries = std::fs::read_dir(&dir).map_err(|e| read_error(&dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| read_error(&dir, e))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with('.') {
            continue;
        }
        let path = relative.join(name);
        let file_type = entry
            .file_type()
            .map_err(|e| read_error(&entry.path(), e))?;
        if file_type.is_dir() {
            collect(root, &path, out)?;
        } else if name.ends_with(".env")
            && std::fs::metadata(entry.path()).is_ok_and(|m| m.is_file())
        {
            out.push(path);
        }
    }
    Ok(())
}

/// An I/O error in words for people.
pub fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}
