//! Which files make up a spec: every non-hidden `*.env` file below the spec
//! directory, sorted by path so that nothing depends on directory order. The
//! one walk both edges (the command line and the language server) use.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::source::{MAX_FILE_SIZE, SourceFile};

/// The spec files below `root`, relative to it and sorted. Hidden entries
/// (a dotenv file named `.env`, `.git`) are skipped. Symlinks are followed,
/// to files and to directories, wherever they point (specs may share a
/// directory). A directory reached a second time is not read again, so two
/// links to one directory add its files once; a link back to a directory
/// that contains it (a loop) is an error.
pub fn spec_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let canonical = std::fs::canonicalize(root).map_err(|e| read_error(root, &e))?;
    let mut walk = Walk {
        root,
        walked: HashSet::from([canonical.clone()]),
        open: vec![(canonical, PathBuf::new())],
        out: Vec::new(),
    };
    walk.collect(Path::new(""))?;
    walk.out.sort();
    Ok(walk.out)
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

fn read_error(path: &Path, error: &std::io::Error) -> String {
    format!("cannot read `{}`: {}", path.display(), io_reason(error))
}

/// One walk of a spec directory.
struct Walk<'r> {
    root: &'r Path,
    /// Every directory read so far, by canonical path.
    walked: HashSet<PathBuf>,
    /// The directories being read, outermost first: canonical and relative.
    open: Vec<(PathBuf, PathBuf)>,
    out: Vec<PathBuf>,
}

impl Walk<'_> {
    /// Adds the spec files below `root/relative`.
    fn collect(&mut self, relative: &Path) -> Result<(), String> {
        let dir = self.root.join(relative);
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&dir).map_err(|e| read_error(&dir, &e))? {
            let entry = entry.map_err(|e| read_error(&dir, &e))?;
            // Names that are not UTF-8 cannot be shown or end in `.env`.
            if let Ok(name) = entry.file_name().into_string() {
                names.push(name);
            }
        }
        // Sorted, so that which of two links to one directory is read does
        // not depend on the order the file system lists them in.
        names.sort();
        for name in names {
            if name.starts_with('.') {
                continue;
            }
            let path = relative.join(&name);
            let full = self.root.join(&path);
            let metadata = match std::fs::metadata(&full) {
                Ok(metadata) => metadata,
                // A dangling symlink named like a spec file hides part of the spec.
                Err(e) if name.ends_with(".env") => return Err(read_error(&full, &e)),
                Err(_) => continue,
            };
            if metadata.is_dir() {
                let canonical = std::fs::canonicalize(&full).map_err(|e| read_error(&full, &e))?;
                if let Some((_, outer)) = self.open.iter().find(|(c, _)| *c == canonical) {
                    return Err(format!(
                        "`{}` is a symlink loop: it leads back to `{}`, which contains it; remove the link or point it elsewhere",
                        full.display(),
                        self.root.join(outer).display(),
                    ));
                }
                if self.walked.insert(canonical.clone()) {
                    self.open.push((canonical, path.clone()));
                    self.collect(&path)?;
                    self.open.pop();
                }
            } else if metadata.is_file() && name.ends_with(".env") {
                self.out.push(path);
            }
        }
        Ok(())
    }
}

/// Reads the spec file at `path`, shown as `shown`. A file larger than
/// [`MAX_FILE_SIZE`] is not read, only reported (E0107), whatever its size.
pub fn read_spec_file(path: &Path, shown: PathBuf) -> std::io::Result<SourceFile> {
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > MAX_FILE_SIZE as u64 {
        return Ok(SourceFile::too_large(shown));
    }
    // Sized to the file, not grown by doubling as it is read: the text is
    // kept for the whole run.
    read_limited_into(file, shown, Vec::with_capacity(size as usize))
}

/// Reads a spec file from `reader`, at most one byte more than
/// [`MAX_FILE_SIZE`]: a file that grows while read, or a stream, stays
/// bounded too.
pub fn read_limited(reader: impl Read, shown: PathBuf) -> std::io::Result<SourceFile> {
    read_limited_into(reader, shown, Vec::new())
}

fn read_limited_into(
    reader: impl Read,
    shown: PathBuf,
    mut bytes: Vec<u8>,
) -> std::io::Result<SourceFile> {
    reader
        .take(MAX_FILE_SIZE as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(SourceFile::from_bytes(shown, bytes))
}

/// An I/O error in words for people.
pub fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of `size` zero bytes (sparse, so instant), read as a spec file.
    fn read_of_size(size: u64) -> SourceFile {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.env");
        std::fs::File::create(&path)
            .and_then(|f| f.set_len(size))
            .unwrap();
        read_spec_file(&path, "f.env".into()).unwrap()
    }

    #[test]
    fn a_file_of_the_size_limit_is_read_and_one_byte_more_is_not() {
        let limit = MAX_FILE_SIZE as u64;
        let at_limit = read_of_size(limit);
        assert!(!at_limit.too_large);
        assert_eq!(at_limit.text.len() as u64, limit);
        let over = read_of_size(limit + 1);
        assert!(over.too_large);
        assert!(over.text.is_empty());
    }

    #[test]
    fn a_stream_past_the_size_limit_is_cut_off_and_marked() {
        let stream = std::io::repeat(b'#').take(MAX_FILE_SIZE as u64 * 2);
        let file = read_limited(stream, "<stdin>".into()).unwrap();
        assert!(file.too_large);
    }
}
