//! Which files make up the spec an open document belongs to, and their text.
//!
//! The spec directory of a file is found by walking up from the file's
//! directory as long as the parent directory itself holds a non-hidden
//! `.env` file. So `apps/patient.env` belongs to the directory above `apps/`
//! when that holds `platform.env`, and two specs side by side in one
//! repository (each with a `.env` file at its top) stay apart. The rule
//! depends on the files only, not on the folder the editor opened, so every
//! editor finds the same spec; a spec keeps at least one `.env` file at its
//! top (the one declaring the `platform` is the natural one). The spec is
//! then loaded the way `envspec build` loads it (every non-hidden `*.env`
//! file below the directory, sorted by path), with open documents' unsaved
//! text in place of what is on disk.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::source::{MAX_FILE_SIZE, SourceFile, Sources};

pub use crate::spec_files::is_spec_file;

/// The spec directory of the file at `path` (absolute), or None when the
/// file cannot belong to a spec (a hidden file, not a `.env` file).
pub fn spec_root(path: &Path) -> Option<PathBuf> {
    let mut root = path.parent()?.to_path_buf();
    if !is_spec_file(Path::new(path.file_name()?)) {
        return None;
    }
    while let Some(parent) = root.parent()
        && holds_spec_file(parent)
    {
        root = parent.to_path_buf();
    }
    // A file inside a hidden directory of its spec is not part of it.
    is_spec_file(path.strip_prefix(&root).ok()?).then_some(root)
}

fn holds_spec_file(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries
        .flatten()
        .any(|entry| is_spec_file(Path::new(&entry.file_name())) && entry.path().is_file())
}

/// A spec as loaded: its sources, and the absolute path of each file.
pub struct Loaded {
    pub sources: Sources,
    pub paths: Vec<PathBuf>,
}

/// Loads the spec at `root`: every spec file below it, with the text of
/// open documents (by absolute path) instead of the disk's. Open documents
/// not yet saved are included; unreadable files are skipped.
pub fn load(root: &Path, open: &HashMap<PathBuf, String>) -> Loaded {
    let mut relative = crate::spec_files::spec_files(root).unwrap_or_default();
    for path in open.keys() {
        if let Ok(rel) = path.strip_prefix(root)
            && is_spec_file(rel)
            && !relative.iter().any(|r| r == rel)
        {
            relative.push(rel.to_path_buf());
        }
    }
    relative.sort();
    let mut sources = Sources::new();
    let mut paths = Vec::new();
    for rel in relative {
        let path = root.join(&rel);
        let file = match open.get(&path) {
            // The editor's text is held to the limit a file on disk is (E0107).
            Some(text) if text.len() > MAX_FILE_SIZE => SourceFile::too_large(rel),
            Some(text) => SourceFile::new(rel, text.clone()),
            None => match crate::spec_files::read_spec_file(&path, rel) {
                Ok(file) => file,
                Err(_) => continue,
            },
        };
        sources.add(file);
        paths.push(path);
    }
    Loaded { sources, paths }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_files_are_visible_env_files() {
        assert!(is_spec_file(Path::new("apps/web.env")));
        assert!(!is_spec_file(Path::new(".env")));
        assert!(!is_spec_file(Path::new(".hidden/web.env")));
        assert!(!is_spec_file(Path::new("notes.txt")));
        assert!(!is_spec_file(Path::new("")));
    }

    #[test]
    fn the_spec_root_is_the_top_of_a_run_of_directories_with_spec_files() {
        let dir = tempfile::TempDir::new().unwrap();
        let top = dir.path();
        for file in [
            "spec/platform.env",
            "spec/apps/web.env",
            "spec/apps/deep/api.env",
            "spec/.drafts/x.env",
            "spec/docs/readme.txt",
            "other/platform.env",
        ] {
            let path = top.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let root = |file: &str| spec_root(&top.join(file));
        assert_eq!(root("spec/apps/deep/api.env"), Some(top.join("spec")));
        assert_eq!(root("spec/apps/web.env"), Some(top.join("spec")));
        assert_eq!(root("spec/platform.env"), Some(top.join("spec")));
        assert_eq!(root("other/platform.env"), Some(top.join("other")));
        // A new file where there was none belongs to the spec above, as it
        // would for `envspec build`.
        assert_eq!(root("spec/docs/new.env"), Some(top.join("spec")));
        // The walk ends below a directory that holds no spec file itself.
        assert_eq!(root("loose/new.env"), Some(top.join("loose")));
        assert_eq!(root("spec/.drafts/x.env"), None);
        assert_eq!(root("spec/.env"), None);
    }

    #[test]
    fn an_open_document_past_the_size_limit_is_reported_not_read() {
        let dir = tempfile::TempDir::new().unwrap();
        let big = dir.path().join("big.env");
        let open = HashMap::from([(big, "#".repeat(MAX_FILE_SIZE + 1))]);
        let loaded = load(dir.path(), &open);
        let (id, file) = loaded.sources.iter().next().unwrap();
        assert!(file.too_large && file.text.is_empty());
        let problem = file.read_problem(id).expect("a diagnostic");
        assert_eq!(problem.code, crate::diag::Code::E0107);
    }
}
