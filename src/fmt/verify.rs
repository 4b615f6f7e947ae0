//! The safety check every formatting passes: the new text must parse to the
//! same tree as the old one (compared as span-free dumps) and hold the same
//! comments (as many, with the same texts). Otherwise the file is left
//! alone, with E0105.

use super::comments;
use super::dump;
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::syntax;
use crate::syntax::ast::File;

const HELP: &str =
    "the file was left as it is; this is a bug in `envspec fmt`, please report it with the file";

/// Ok when `formatted` means what `original` means and keeps its comments
/// (their number and text);
/// otherwise an E0105 diagnostic pointing into `original`.
pub fn check_same(file: FileId, original: &str, formatted: &str) -> Result<(), Diagnostic> {
    let (before, _) = syntax::parse_file(file, original);
    same_as(file, &before, original, formatted)
}

/// [`check_same`] for an original already parsed to `before`.
pub(super) fn same_as(
    file: FileId,
    before: &File,
    original: &str,
    formatted: &str,
) -> Result<(), Diagnostic> {
    let (after, errors) = syntax::parse_file(file, formatted);
    if let Some(error) = errors.iter().find(|d| d.is_error()) {
        return Err(Diagnostic::new(
            Code::E0105,
            format!(
                "formatting would break the file: the result does not parse ({})",
                error.message
            ),
        )
        .at(Span::new(file, 0, 0), "in this file")
        .help(HELP));
    }
    let count = before.declarations.len().max(after.declarations.len());
    for i in 0..count {
        let old = before.declarations.get(i).map(dump::declaration);
        let new = after.declarations.get(i).map(dump::declaration);
        if old != new {
            let span = before.declarations.get(i).map_or(
                Span::new(file, original.len(), original.len()),
                |d| {
                    let span = declaration_span(d);
                    // The first line is enough to point at it.
                    let first_line = original[span.start as usize..span.end as usize]
                        .find('\n')
                        .map_or(span.end, |n| span.start + n as u32);
                    Span {
                        end: first_line,
                        ..span
                    }
                },
            );
            return Err(Diagnostic::new(
                Code::E0105,
                "formatting would change the meaning of this file",
            )
            .at(span, "this declaration would read differently")
            .help(HELP));
        }
    }
    // Count and text: a comment that the layout has no room for moves
    // above its entry, which can put it before a comment written earlier.
    let old = comments::scan(original);
    let mut new: Vec<String> = comments::scan(formatted)
        .into_iter()
        .map(|c| c.text)
        .collect();
    new.sort();
    let mut missing = None;
    for comment in &old {
        match new.binary_search(&comment.text) {
            Ok(i) => {
                new.remove(i);
            }
            Err(_) => {
                missing = Some(comment);
                break;
            }
        }
    }
    if missing.is_some() || !new.is_empty() {
        let span = missing.map_or(Span::new(file, 0, 0), |c| Span::new(file, c.start, c.end));
        let message = if missing.is_some() {
            "formatting would lose or change a comment"
        } else {
            "formatting would add a comment"
        };
        return Err(Diagnostic::new(Code::E0105, message)
            .at(span, "this comment would not be kept")
            .help(HELP));
    }
    Ok(())
}

fn declaration_span(declaration: &syntax::ast::Declaration) -> Span {
    use syntax::ast::Declaration;
    match declaration {
        Declaration::Block(d) => d.span,
        Declaration::HelmRepo(d) => d.span,
        Declaration::Rule(d) => d.span,
        Declaration::Promotion(d) => d.span,
    }
}
