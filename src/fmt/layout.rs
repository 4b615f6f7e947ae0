//! Lines of a container (a file, a multi-line block, list, call, rule or
//! promotion): each item on its own line, its comments above it or at the end
//! of its line, blank lines kept (at most one), and the columns of
//! consecutive one-line items aligned.
//!
//! An alignment group is a run of one-line items with no blank line and no
//! comment line between them; a multi-line item ends it. Within a group,
//! fields align their `=`, deploys their `@`, promotion steps their `->`,
//! `via` and `{`, and trailing comments start in one column.

use std::collections::HashMap;

const INDENT: &str = "  ";

/// Indentation of a nesting level.
pub fn indent(level: usize) -> String {
    INDENT.repeat(level)
}

/// Display width of a piece of code (characters).
fn width(text: &str) -> usize {
    text.chars().count()
}

/// Which columns of a one-line item align with its neighbours'.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Align {
    /// Nothing: one cell.
    None,
    /// `key`, `=`, `value`.
    Field,
    /// `deploy`, `app`, `@`, `version [overrides]`.
    Deploy,
    /// `from`, `->`, `to`, `via`, `how`, `[settings]`.
    Step,
}

/// How an item is written.
#[derive(Debug)]
pub enum Shape {
    /// On one line: cells separated by one space, padded to the group's columns.
    Row { align: Align, cells: Vec<String> },
    /// Over several lines: the first without indentation, the others with theirs.
    Lines(String),
}

impl Shape {
    /// A shape for text that may or may not span lines.
    pub fn text(text: String) -> Shape {
        if text.contains('\n') {
            Shape::Lines(text)
        } else {
            Shape::Row {
                align: Align::None,
                cells: vec![text],
            }
        }
    }

    /// Cells, or one text when a cell spans lines.
    pub fn cells(align: Align, cells: Vec<String>) -> Shape {
        if cells.iter().any(|c| c.contains('\n')) {
            Shape::Lines(cells.join(" "))
        } else {
            Shape::Row { align, cells }
        }
    }

    fn is_multi_line(&self) -> bool {
        matches!(self, Shape::Lines(_))
    }
}

/// A comment on a line of its own, and whether a blank line comes before it.
#[derive(Debug)]
pub struct LineComment {
    pub blank_before: bool,
    pub text: String,
}

/// One item of a container with the comments attached to it.
#[derive(Debug)]
pub struct Piece {
    pub shape: Shape,
    /// Comment lines above the item.
    pub leading: Vec<LineComment>,
    /// Comments from inside the item that have no place in its layout; they
    /// go right above it.
    pub hoisted: Vec<String>,
    /// Whether a blank line comes right before the item (after its leading comments).
    pub blank_before: bool,
    /// A comment at the end of the item's (last) line.
    pub trailing: Option<String>,
}

impl Piece {
    fn starts_group(&self) -> bool {
        self.blank_before || !self.leading.is_empty() || !self.hoisted.is_empty()
    }
}

/// The items of a container and the comments that belong to none of them.
#[derive(Debug, Default)]
pub struct Container {
    /// A comment on the line of the opening bracket.
    pub open_comment: Option<String>,
    pub pieces: Vec<Piece>,
    /// Comment lines after the last item.
    pub dangling: Vec<LineComment>,
}

impl Container {
    /// The container's lines at `level`, without line breaks. At the top
    /// level a multi-line declaration is always set off by a blank line.
    pub fn lines(&self, level: usize, top_level: bool) -> Vec<String> {
        let pad = indent(level);
        let mut out: Vec<String> = Vec::new();
        let blank = |out: &mut Vec<String>, wanted: bool| {
            if wanted && !out.is_empty() && out.last().is_some_and(|l| !l.is_empty()) {
                out.push(String::new());
            }
        };
        let groups = self.groups(top_level);
        for group in groups {
            let rows = self.rows(&group);
            let comment_column = group
                .iter()
                .zip(&rows)
                .filter(|(i, row)| self.pieces[**i].trailing.is_some() && !row.contains('\n'))
                .map(|(_, row)| width(row))
                .max();
            for (&i, row) in group.iter().zip(rows) {
                let piece = &self.pieces[i];
                let separated = top_level
                    && i > 0
                    && (piece.shape.is_multi_line() || self.pieces[i - 1].shape.is_multi_line());
                for (n, comment) in piece.leading.iter().enumerate() {
                    blank(&mut out, comment.blank_before || (n == 0 && separated));
                    out.push(format!("{pad}{}", comment.text));
                }
                blank(
                    &mut out,
                    piece.blank_before || (piece.leading.is_empty() && separated),
                );
                for comment in &piece.hoisted {
                    out.push(format!("{pad}{comment}"));
                }
                let mut text = format!("{pad}{row}");
                if let Some(comment) = &piece.trailing {
                    let last_line = text.rsplit('\n').next().unwrap_or_default();
                    let code_width = width(last_line).saturating_sub(pad.len());
                    let column = match comment_column {
                        Some(c) if !row.contains('\n') => c,
                        _ => code_width,
                    };
                    text.push_str(&" ".repeat(column - code_width + 2));
                    text.push_str(comment);
                }
                out.push(text);
            }
        }
        for comment in &self.dangling {
            blank(&mut out, comment.blank_before);
            out.push(format!("{pad}{}", comment.text));
        }
        out
    }

    /// The pieces split into alignment groups (indices).
    fn groups(&self, top_level: bool) -> Vec<Vec<usize>> {
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for (i, piece) in self.pieces.iter().enumerate() {
            let joins = i > 0
                && !top_level
                && !piece.starts_group()
                && !piece.shape.is_multi_line()
                && !self.pieces[i - 1].shape.is_multi_line();
            match groups.last_mut() {
                Some(group) if joins => group.push(i),
                _ => groups.push(vec![i]),
            }
        }
        groups
    }

    /// Each piece of a group as text, its columns padded to the group's.
    fn rows(&self, group: &[usize]) -> Vec<String> {
        let mut widths: HashMap<(Align, usize), usize> = HashMap::new();
        for &i in group {
            if let Shape::Row { align, cells } = &self.pieces[i].shape {
                for (column, cell) in cells.iter().enumerate().take(cells.len() - 1) {
                    let w = widths.entry((*align, column)).or_default();
                    *w = (*w).max(width(cell));
                }
            }
        }
        group
            .iter()
            .map(|&i| match &self.pieces[i].shape {
                Shape::Lines(text) => text.clone(),
                Shape::Row { align, cells } => {
                    let mut row = String::new();
                    for (column, cell) in cells.iter().enumerate() {
                        row.push_str(cell);
                        if column + 1 < cells.len() {
                            let w = widths.get(&(*align, column)).copied().unwrap_or(0);
                            if *align != Align::None {
                                row.push_str(&" ".repeat(w.saturating_sub(width(cell))));
                            }
                            row.push(' ');
                        }
                    }
                    row
                }
            })
            .collect()
    }
}
