//! Source files of one spec and byte spans into them.
//!
//! Every later stage points back into the text through a [`Span`]; only this
//! module knows how a span becomes a path, a line and a column.

use std::path::PathBuf;
use std::sync::OnceLock;

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both (same file assumed).
    pub fn join(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// One source file: its display path (relative to the spec directory) and text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    /// Where each line starts, found when a diagnostic first needs it.
    /// Offsets fit in `u32`: spans are `u32` too, and files are smaller
    /// than [`MAX_FILE_SIZE`].
    line_starts: OnceLock<Vec<u32>>,
    /// For a file that is not UTF-8: the offset of the first invalid byte.
    pub invalid_utf8_at: Option<usize>,
    /// Whether the file is larger than [`MAX_FILE_SIZE`] (its text is left
    /// empty, unread).
    pub too_large: bool,
}

/// The largest spec file read, in bytes. A generated spec of 10 000 apps is
/// about 6 MB in all; a larger single file is a mistake (a log or a dump
/// named `*.env`), and refusing it early keeps memory and time bounded.
pub const MAX_FILE_SIZE: usize = 16 * 1024 * 1024;

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
            invalid_utf8_at: None,
            too_large: false,
        }
    }

    /// A file read from disk: its text, or, when the bytes are not UTF-8, a
    /// file marked to be reported (a byte-order mark stays: the grammar reads
    /// it as whitespace, so byte offsets are offsets into the file).
    pub fn from_bytes(path: impl Into<PathBuf>, bytes: Vec<u8>) -> Self {
        if bytes.len() > MAX_FILE_SIZE {
            return SourceFile::too_large(path);
        }
        match String::from_utf8(bytes) {
            Ok(text) => SourceFile::new(path, text),
            Err(error) => {
                let valid_up_to = error.utf8_error().valid_up_to();
                SourceFile::invalid_utf8(path, error.as_bytes(), valid_up_to)
            }
        }
    }

    /// A file whose bytes are not UTF-8, to be reported: its text with
    /// invalid bytes replaced (for the snippet) and the offset of the first.
    pub fn invalid_utf8(path: impl Into<PathBuf>, bytes: &[u8], valid_up_to: usize) -> Self {
        SourceFile {
            invalid_utf8_at: Some(valid_up_to),
            ..SourceFile::new(path, String::from_utf8_lossy(bytes).into_owned())
        }
    }

    /// A file larger than [`MAX_FILE_SIZE`], to be reported without its text.
    pub fn too_large(path: impl Into<PathBuf>) -> Self {
        SourceFile {
            too_large: true,
            ..SourceFile::new(path, String::new())
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line_starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i as u32 + 1))
                .collect()
        });
        let line = match line_starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = line_starts[line] as usize;
        let column = self.text[start..offset].chars().count() + 1;
        (line + 1, column)
    }

    /// Why the file's text cannot be compiled: E0107 for a file too large to
    /// read, E0102 for one that is not UTF-8 (at its first bad byte); None
    /// when the text is the file's.
    pub fn read_problem(&self, id: FileId) -> Option<crate::diag::Diagnostic> {
        if self.too_large {
            return Some(
                crate::diag::Diagnostic::new(
                    crate::diag::Code::E0107,
                    format!(
                        "`{}` is larger than {} MiB, the most a spec file may hold",
                        self.display_path(),
                        MAX_FILE_SIZE >> 20
                    ),
                )
                .at(Span::new(id, 0, 0), "not read")
                .help("split the file, or, if it is not part of the spec, rename it so that it does not end in `.env`"),
            );
        }
        let offset = self.invalid_utf8_at?;
        let (line, column) = self.line_column(offset);
        let end = offset + self.text[offset..].chars().next().map_or(0, char::len_utf8);
        Some(
            crate::diag::Diagnostic::new(
                crate::diag::Code::E0102,
                format!("`{}` is not valid UTF-8 (line {line}, column {column})", self.display_path()),
            )
            .at(Span::new(id, offset, end), "not UTF-8")
            .help("save the file as UTF-8; an editor or `iconv -f latin1 -t utf-8` converts a Latin-1 file"),
        )
    }

    /// The path with forward slashes, as shown in diagnostics and headers.
    pub fn display_path(&self) -> String {
        self.path
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// All source files of a spec, in a stable order (sorted by path).
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Replaces a file's text (keeping its path), as an edit of the spec does.
    pub fn replace_text(&mut self, id: FileId, text: String) {
        let path = self.files[id.0 as usize].path.clone();
        self.files[id.0 as usize] = SourceFile::new(path, text);
    }

    /// The text a span covers.
    pub fn text(&self, span: Span) -> &str {
        &self.get(span.file).text[span.start as usize..span.end as usize]
    }
}
