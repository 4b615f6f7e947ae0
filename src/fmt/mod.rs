//! Formatting: one file's text in, the same file in canonical layout out.
//!
//! Input: the text of one `.env` file. Output: its canonical text, or the
//! diagnostics that explain why the file is left alone: its syntax errors
//! (E0101, and E0103/E0104 that [`crate::syntax`] also reports), or E0105
//! when the result would not mean what the original means.
//!
//! What it must not touch: the order of anything, names, numbers and
//! references (written exactly as they were), the text of comments, and the
//! author's choice of one line or several for a block, list or call. Only
//! whitespace, separators and string escapes change. It never reads or
//! writes a file: the `envspec fmt` command line is `cli::fmt`.
//!
//! The layout is computed from the syntax tree. What the tree drops is
//! recovered from the text by byte offset (`source.rs`): comments, blank
//! lines, line breaks, parentheses in rule predicates. Comments are found by
//! a scan for `#` outside strings (`comments.rs`) and attached while the tree
//! is printed: each multi-line container (the file, a block, a list, a call,
//! a rule, the promotion chain) takes the comments between its items; a
//! comment after code on the line where an item ends stays at the end of
//! that line, any other goes on its own line above the next item (or after
//! the last one); a comment inside an item that the item's layout has no
//! place for moves onto its own line just above the item
//! (`printer.rs`, `Printer::arrange`). Every result is then checked
//! (`verify.rs`): it must parse to the same tree, compared as span-free dumps
//! (`dump.rs`), and hold the same comments (as many, with the same text).
//!
//! Files, one job each: `comments.rs` finds comments; `source.rs` answers
//! questions about the text between nodes; `entry.rs` orders a block's
//! fields and deploys; `printer.rs` walks the tree; `expr.rs` prints rule
//! predicates; `layout.rs` lays out the lines of a container (indentation,
//! blank lines, aligned columns); `escape.rs` writes string literals;
//! `dump.rs` and `verify.rs` are the safety check.

mod comments;
pub mod dump;
mod entry;
pub(crate) mod escape;
mod expr;
mod layout;
mod printer;
mod source;
mod verify;

use crate::diag::Diagnostic;
use crate::source::FileId;
use crate::syntax;

pub use verify::check_same;

const BOM: char = '\u{FEFF}';

/// Formats one file. `file` is the id its diagnostics point into.
///
/// Line endings: a file whose every line ends in CRLF keeps CRLF; any other
/// file gets LF. A byte-order mark at the start stays.
pub fn format(file: FileId, text: &str) -> Result<String, Vec<Diagnostic>> {
    let (original, diagnostics) = syntax::parse_file(file, text);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    let bom = text.starts_with(BOM);
    let crlf = uses_crlf(text);
    let mut formatted = if bom || text.contains('\r') {
        // Positions are taken in the text without them; it parses alike.
        let body = text.strip_prefix(BOM).unwrap_or(text).replace("\r\n", "\n");
        printer::print(&syntax::parse_file(file, &body).0, &body)
    } else {
        printer::print(&original, text)
    };
    if crlf {
        formatted = formatted.replace('\n', "\r\n");
    }
    if bom {
        formatted.insert(0, BOM);
    }
    verify::same_as(file, &original, text, &formatted).map_err(|d| vec![d])?;
    Ok(formatted)
}

/// Whether every line break of `text` is CRLF (and there is at least one).
fn uses_crlf(text: &str) -> bool {
    let breaks = text.matches('\n').count();
    breaks > 0 && text.matches("\r\n").count() == breaks
}

#[cfg(test)]
mod tests;
