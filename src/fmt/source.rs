//! The text around the syntax tree: what lies between the nodes (comments,
//! blank lines, line breaks, parentheses), asked for by byte offset.

use std::collections::HashMap;

use super::comments::{self, Comment, is_space};

/// One file's text with its comments and matched parentheses.
pub struct Source<'t> {
    pub text: &'t str,
    pub comments: Vec<Comment>,
    /// Offset of each `(` outside strings and comments → offset of its `)`.
    parens: HashMap<usize, usize>,
}

impl<'t> Source<'t> {
    pub fn new(text: &'t str) -> Self {
        let comments = comments::scan(text);
        let parens = match_parens(text, &comments);
        Source {
            text,
            comments,
            parens,
        }
    }

    /// Whether `start..end` spans a line break.
    pub fn has_newline(&self, start: usize, end: usize) -> bool {
        self.text[start..end].contains('\n')
    }

    /// The comment that covers `offset`, if any.
    fn comment_at(&self, offset: usize) -> Option<&Comment> {
        let i = self.comments.partition_point(|c| c.end <= offset);
        self.comments.get(i).filter(|c| c.start <= offset)
    }

    /// The first offset at or after `offset` that is neither whitespace nor a comment.
    pub fn skip_trivia(&self, mut offset: usize) -> usize {
        loop {
            match self.text[offset..].chars().next() {
                Some(c) if is_space(c) => offset += c.len_utf8(),
                Some('#') => offset = self.comment_at(offset).map_or(offset + 1, |c| c.end),
                _ => return offset,
            }
        }
    }

    /// The last character before `offset` that is neither whitespace nor in a comment.
    pub fn code_before(&self, mut offset: usize) -> Option<(usize, char)> {
        loop {
            let (i, c) = self.text[..offset].char_indices().next_back()?;
            if let Some(comment) = self.comment_at(i) {
                offset = comment.start;
            } else if is_space(c) {
                offset = i;
            } else {
                return Some((i, c));
            }
        }
    }

    /// The first character at or after `offset` that is neither whitespace nor in a comment.
    pub fn code_after(&self, offset: usize) -> Option<(usize, char)> {
        let i = self.skip_trivia(offset);
        self.text[i..].chars().next().map(|c| (i, c))
    }

    /// Whether a blank line comes right before `offset` (only whitespace in between).
    pub fn blank_before(&self, offset: usize) -> bool {
        let before = &self.text[..offset];
        let gap = before.len() - before.trim_end_matches(is_space).len();
        before[before.len() - gap..].matches('\n').count() >= 2
    }

    /// The `)` that closes the `(` at `open`.
    pub fn closing_paren(&self, open: usize) -> Option<usize> {
        self.parens.get(&open).copied()
    }
}

fn match_parens(text: &str, comments: &[Comment]) -> HashMap<usize, usize> {
    let mut parens = HashMap::new();
    let mut open = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut next_comment = comments.iter().peekable();
    let mut skip_to = 0;
    for (i, c) in text.char_indices() {
        if i < skip_to {
            continue;
        }
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        while next_comment.peek().is_some_and(|c| c.start < i) {
            next_comment.next();
        }
        if let Some(comment) = next_comment.peek().filter(|c| c.start == i) {
            skip_to = comment.end;
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' => open.push(i),
            ')' => {
                if let Some(start) = open.pop() {
                    parens.insert(start, i);
                }
            }
            _ => {}
        }
    }
    parens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trivia_and_parens() {
        let text = "a ( # (\n  \"(\" ) b\n\n  c";
        let source = Source::new(text);
        assert_eq!(source.closing_paren(2), Some(14));
        assert_eq!(source.skip_trivia(3), 10);
        assert_eq!(source.code_before(10), Some((2, '(')));
        assert_eq!(source.code_after(15), Some((16, 'b')));
        assert!(source.blank_before(text.len() - 1));
        assert!(!source.blank_before(16));
    }
}
