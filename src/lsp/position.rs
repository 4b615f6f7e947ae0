//! Byte offsets ↔ LSP positions.
//!
//! The pipeline counts bytes; LSP counts lines and, within a line, UTF-16
//! code units. This is the one place that converts between them: every
//! range the server sends and every position it receives goes through a
//! [`LineIndex`] built from the same text the spans point into.

use lsp_types::{Position, Range};

/// Where each line of one text starts, to convert positions both ways.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of the first character of each line. LSP ends a line at
    /// `\n`, `\r\n` or a lone `\r`.
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends_line {
                line_starts.push(i + 1);
            }
        }
        LineIndex { line_starts }
    }

    /// The position of byte `offset` in `text` (the text this index was built
    /// from). An offset past the end is the end; one inside a character is
    /// that character's start.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(line as u32, character as u32)
    }

    /// The byte offset of `position` in `text`. A character past the end of
    /// its line is the line's end (before its line break); a line past the
    /// last is the end of the text; a position inside a surrogate pair is
    /// the start of that character.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.line_starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self
            .line_starts
            .get(position.line as usize + 1)
            .copied()
            .unwrap_or(text.len());
        let line = text[start..end].trim_end_matches(['\n', '\r']);
        let mut units = 0;
        for (i, c) in line.char_indices() {
            units += c.len_utf16();
            if units > position.character as usize {
                return start + i;
            }
        }
        start + line.len()
    }

    /// The range of the bytes `start..end` of `text`.
    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) {
        let index = LineIndex::new(text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            if text[..offset].ends_with('\r') && text[offset..].starts_with('\n') {
                continue; // inside a line break: no position of its own
            }
            let position = index.position(text, offset);
            assert_eq!(
                index.offset(text, position),
                offset,
                "offset {offset} → {position:?} in {text:?}"
            );
        }
    }

    #[test]
    fn ascii_lines() {
        let text = "app a {\n  port = 1\n}\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Position::new(0, 0));
        assert_eq!(index.position(text, 10), Position::new(1, 2));
        assert_eq!(index.position(text, text.len()), Position::new(3, 0));
        assert_eq!(index.offset(text, Position::new(1, 2)), 10);
        round_trip(text);
    }

    #[test]
    fn two_byte_characters_are_one_unit() {
        // `é` is two bytes in UTF-8 and one UTF-16 unit.
        let text = "# café\nx = \"é\"";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 7), Position::new(0, 6));
        assert_eq!(index.position(text, 13), Position::new(1, 5));
        assert_eq!(index.offset(text, Position::new(1, 6)), 15);
        round_trip(text);
    }

    #[test]
    fn astral_characters_are_two_units() {
        // `😀` is four bytes in UTF-8 and a surrogate pair in UTF-16.
        let text = "d = \"😀x\"\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(index.position(text, x), Position::new(0, 7));
        assert_eq!(index.offset(text, Position::new(0, 7)), x);
        // Inside the pair: the start of the character.
        assert_eq!(index.offset(text, Position::new(0, 6)), 5);
        round_trip(text);
    }

    #[test]
    fn three_byte_characters_are_one_unit() {
        let text = "→ ab\n日本 = 1";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 4), Position::new(0, 2));
        assert_eq!(index.offset(text, Position::new(1, 2)), 13);
        round_trip(text);
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        let text = "a\r\nbé\rc";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 3), Position::new(1, 0));
        assert_eq!(index.position(text, 7), Position::new(2, 0));
        // Past the end of a line: before its line break.
        assert_eq!(index.offset(text, Position::new(0, 9)), 1);
        assert_eq!(index.offset(text, Position::new(1, 9)), 6);
        round_trip(text);
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let text = "ab\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, Position::new(7, 0)), text.len());
        assert_eq!(index.position(text, 99), Position::new(1, 2));
        // An offset inside a character maps to its start.
        let text = "é";
        assert_eq!(LineIndex::new(text).position(text, 1), Position::new(0, 0));
    }
}
