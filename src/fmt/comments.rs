//! Comments, found again in the text: the syntax tree drops them.
//!
//! A comment runs from a `#` outside a string to the end of its line. The
//! scan is only run on text that parses, so strings are well formed and never
//! span lines.

/// One comment of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Byte offset of the `#`.
    pub start: usize,
    /// Byte offset just after the comment's last character (before the line break).
    pub end: usize,
    /// The text from `#`, without trailing whitespace.
    pub text: String,
    /// Whether nothing but whitespace comes before it on its line.
    pub own_line: bool,
}

/// Whitespace as the grammar reads it (a byte-order mark included).
pub fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{FEFF}')
}

/// Every comment of `text`, in order.
pub fn scan(text: &str) -> Vec<Comment> {
    let mut comments = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' | '\n' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '#' => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
                comments.push(Comment {
                    start: i,
                    end,
                    text: text[i..end].trim_end_matches(is_space).to_string(),
                    own_line: text[line_start..i].chars().all(is_space),
                });
                // Skip the rest of the line: a `"` in a comment opens nothing.
                while chars.clone().next().is_some_and(|(j, _)| j < end) {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    comments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_comments_outside_strings() {
        let text = "# head\napp a { x = \"# not\" # yes \"q\n  # own\n}";
        let found: Vec<(String, bool)> = scan(text)
            .into_iter()
            .map(|c| (c.text, c.own_line))
            .collect();
        assert_eq!(
            found,
            [
                ("# head".to_string(), true),
                ("# yes \"q".to_string(), false),
                ("# own".to_string(), true)
            ]
        );
    }

    #[test]
    fn escaped_quotes_stay_in_the_string() {
        let found = scan(r##"x = "a\"# b" # c"##);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, "# c");
    }

    #[test]
    fn trailing_carriage_return_is_not_part_of_the_text() {
        let found = scan("# a\r\nb # c \r\n");
        assert_eq!(found[0].text, "# a");
        assert_eq!(found[1].text, "# c");
        assert!(!found[1].own_line);
    }
}
