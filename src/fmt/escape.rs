//! String literals in canonical form: the same text after unescaping, with
//! the escapes envspec reads (`\"`, `\\`, `\n`, `\t`, `\r`, `\u{HEX}`) used
//! only where they are needed.

/// `text` (already unescaped) as a double-quoted literal.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // Control characters and a stray byte-order mark are invisible.
            c if c.is_control() || c == '\u{FEFF}' => {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn escapes_only_what_must_be() {
        assert_eq!(quote("plain é"), "\"plain é\"");
        assert_eq!(quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(quote("x\ny\tz\r"), r#""x\ny\tz\r""#);
        assert_eq!(quote("\u{1b}[0m"), r#""\u{1b}[0m""#);
    }
}
