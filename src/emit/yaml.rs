//! Writes envspec's YAML documents: block style, two-space indent, and strings quoted whenever any YAML 1.1 or 1.2 reader could read them as something else.
//!
//! Helm (go-yaml v2) and PyYAML resolve plain scalars with YAML 1.1 rules, newer tools use the
//! YAML 1.2 core schema. The two disagree (`on` is a bool in 1.1 and a string in 1.2, `1e3` is a
//! float in 1.2 and a string in 1.1), so the writer only leaves a string plain when it matches a
//! deliberately small pattern that no schema resolves, and double-quotes everything else.
//! Output is a pure function of the input: no line folding, no styles chosen by length.

use std::fmt::Write as _;

/// A YAML node, as envspec writes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Yaml {
    /// Written as `null`.
    Null,
    /// Written as `true` or `false`.
    Bool(bool),
    /// Written in decimal.
    Int(i64),
    /// Always written so both YAML 1.1 and 1.2 read a float (e.g. `0.5`, `1000.0`, never `1e3`);
    /// NaN/inf written as `.nan`/`.inf`/`-.inf`.
    Float(f64),
    /// Written plain when provably safe, double-quoted otherwise.
    Str(String),
    /// A block sequence; written `[]` when empty.
    Seq(Vec<Yaml>),
    /// A block mapping, entries in exactly the given order; written `{}` when empty.
    /// Keys should be unique: readers reject or collapse duplicates.
    Map(Vec<(String, Yaml)>),
}

impl Yaml {
    /// An empty [`Yaml::Map`].
    pub fn map() -> Self {
        Yaml::Map(Vec::new())
    }

    /// Appends the entry `key: value` and returns the map, for chaining.
    ///
    /// # Panics
    /// Panics if `self` is not a [`Yaml::Map`]: that is a bug in the caller.
    pub fn with(mut self, key: impl Into<String>, value: Yaml) -> Self {
        match &mut self {
            Yaml::Map(entries) => entries.push((key.into(), value)),
            other => panic!("Yaml::with called on a non-map node: {other:?}"),
        }
        self
    }

    /// A [`Yaml::Str`].
    pub fn str(s: impl Into<String>) -> Self {
        Yaml::Str(s.into())
    }

    /// The value a correct YAML reader sees in the written text, as JSON.
    ///
    /// A [`Yaml::Float`] stays a JSON float even when integral (`1000.0`); NaN and infinities,
    /// which JSON cannot hold, become `null`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Yaml::Null => Value::Null,
            Yaml::Bool(b) => Value::Bool(*b),
            Yaml::Int(i) => Value::from(*i),
            Yaml::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Yaml::Str(s) => Value::String(s.clone()),
            Yaml::Seq(items) => Value::Array(items.iter().map(Yaml::to_json).collect()),
            Yaml::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Renders a whole document: each header line prefixed with `# ` (an empty header line becomes
/// `#`), then the node, ending with exactly one `\n`.
///
/// A header entry containing newlines becomes several comment lines; trailing whitespace is
/// dropped, and characters a comment cannot hold are replaced with U+FFFD.
pub fn render_document(header: &[String], node: &Yaml) -> String {
    let mut out = String::new();
    for entry in header {
        for line in entry.split('\n') {
            // Any other line break (`\r`, and NEL/LS/PS which YAML 1.1 treats as line breaks)
            // would end the comment early, so it is replaced like any non-printable character.
            let line: String = line
                .trim_end()
                .chars()
                .map(|c| {
                    if c == '\t' || !needs_escape(c) {
                        c
                    } else {
                        '\u{FFFD}'
                    }
                })
                .collect();
            out.push('#');
            if !line.is_empty() {
                out.push(' ');
                out.push_str(&line);
            }
            out.push('\n');
        }
    }
    if write_inline(&mut out, node) {
        out.push('\n');
    } else {
        write_block(&mut out, node, 0, false);
    }
    out
}

/// Writes the one-line form of a scalar or an empty collection and says
/// so; writes nothing for a non-empty collection. Straight into `out`: a
/// large build writes millions of scalars.
fn write_inline(out: &mut String, node: &Yaml) -> bool {
    match node {
        Yaml::Null => out.push_str("null"),
        Yaml::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Yaml::Int(i) => {
            let _ = write!(out, "{i}"); // writing to a String cannot fail
        }
        Yaml::Float(f) => out.push_str(&format_float(*f)),
        Yaml::Str(s) => write_str(out, s),
        Yaml::Seq(items) if items.is_empty() => out.push_str("[]"),
        Yaml::Map(entries) if entries.is_empty() => out.push_str("{}"),
        Yaml::Seq(_) | Yaml::Map(_) => return false,
    }
    true
}

/// Writes a non-empty collection with its entries at column `indent`. With `first_inline`, the
/// caller has already written `- ` up to that column, so the first entry gets no padding
/// (the compact `- key: v` and `- - a` forms).
fn write_block(out: &mut String, node: &Yaml, indent: usize, first_inline: bool) {
    let pad = |out: &mut String, i: usize| {
        if i > 0 || !first_inline {
            out.extend(std::iter::repeat_n(' ', indent));
        }
    };
    match node {
        Yaml::Map(entries) => {
            for (i, (key, value)) in entries.iter().enumerate() {
                pad(out, i);
                write_str(out, key);
                out.push(':');
                if matches!(value, Yaml::Seq(v) if !v.is_empty())
                    || matches!(value, Yaml::Map(v) if !v.is_empty())
                {
                    // Both nested maps and sequences go two spaces deeper than the key.
                    out.push('\n');
                    write_block(out, value, indent + 2, false);
                } else {
                    out.push(' ');
                    write_inline(out, value);
                    out.push('\n');
                }
            }
        }
        Yaml::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                pad(out, i);
                out.push_str("- ");
                if write_inline(out, item) {
                    out.push('\n');
                } else {
                    write_block(out, item, indent + 2, true);
                }
            }
        }
        _ => unreachable!("write_block is only called with non-empty collections"),
    }
}

/// Rust's shortest round-trip form, adjusted to what YAML 1.1 accepts as a float: it requires a
/// `.` (PyYAML reads `1e3` and `1000` as other types) and a signed exponent (`1.0e+16`).
fn format_float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.to_owned();
    }
    // `{:?}` is shortest round-trip and switches to exponent form (`1e16`, `1e-7`) only for very
    // large or small magnitudes, where `{}` would print hundreds of digits.
    let repr = format!("{f:?}");
    let (mantissa, exponent) = match repr.split_once('e') {
        Some((m, e)) => (m, Some(e)),
        None => (repr.as_str(), None),
    };
    let mut out = mantissa.to_owned();
    if !out.contains('.') {
        out.push_str(".0");
    }
    if let Some(exp) = exponent {
        out.push('e');
        if !exp.starts_with('-') {
            out.push('+');
        }
        out.push_str(exp);
    }
    out
}

/// Writes a string scalar: plain when safe, double-quoted otherwise.
fn write_str(out: &mut String, s: &str) {
    if !needs_quotes(s) {
        out.push_str(s);
        return;
    }
    out.reserve(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                let cp = u32::from(c);
                // Writing to a String cannot fail.
                let _ = match cp {
                    0..=0xFF => write!(out, "\\x{cp:02X}"),
                    0x100..=0xFFFF => write!(out, "\\u{cp:04X}"),
                    _ => write!(out, "\\U{cp:08X}"),
                };
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Whether `c` must be escaped inside double quotes: it is outside YAML's printable set, or it
/// is a line break only YAML 1.1 knows (NEL, LS, PS; a raw one would be folded), or a BOM.
fn needs_escape(c: char) -> bool {
    let printable = matches!(c,
        '\u{20}'..='\u{7E}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
    !printable || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// Whether `s` must be double-quoted. The negation is a whitelist: a string stays plain only if
/// every YAML 1.1 and 1.2 reader is certain to read it back as this exact string.
fn needs_quotes(s: &str) -> bool {
    let b = s.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return true; // the empty plain scalar is null
    };
    // Every indicator (`-?:,[]{}#&*!|>'"%@` and backtick) is excluded as a first character, as
    // are `.` (`.5`, `.inf`), `+` (`+1`), `~` (null), `<` (`<<` merge key) and `=` (value key).
    if !(first.is_ascii_alphanumeric() || first == b'_' || first == b'/') {
        return true;
    }
    // A trailing space would be stripped; a trailing `:` would turn a value into a key.
    if last == b' ' || last == b':' {
        return true;
    }
    for (i, &c) in b.iter().enumerate() {
        let ok = match c {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => true,
            b'_' | b'.' | b'/' | b'-' | b'+' | b'@' | b'=' => true,
            // Inner spaces are text (leading/trailing ones were rejected above, and `#` is never
            // allowed, so ` #` cannot start a comment).
            b' ' => true,
            // `: ` separates key and value; `:` before anything else is text (`nginx:1.25`).
            b':' => b.get(i + 1) != Some(&b' '),
            // Tabs, control characters, non-ASCII (NEL, LS and PS are YAML 1.1 line breaks),
            // `#`, quotes, backslashes, flow indicators: quote.
            _ => false,
        };
        if !ok {
            return true;
        }
    }
    if first.is_ascii_digit() {
        // Ints (0755, 0x1F, 0o17, 0b101, 1_000, 1:20), floats (1.10, 1e3), and dates
        // (2024-01-01) all continue the leading digits with a digit-like character or one of
        // the letters e/x/o/b. A quantity such as `512Mi` continues with another letter.
        let after = b.iter().find(|c| !c.is_ascii_digit());
        return !after.is_some_and(|c| c.is_ascii_alphabetic() && !b"eExXoObB".contains(c));
    }
    // Null and bool words of YAML 1.2 and 1.1 (`yes`/`no`/`on`/`off` in PyYAML and go-yaml v2,
    // also `y`/`n` in go-yaml v2), plus `inf`/`nan` which readers that hand scalars to Rust's
    // float parser resolve; all in any letter case, since quoting a string is never wrong.
    const WORDS: [&str; 12] = [
        "null", "true", "false", "yes", "no", "on", "off", "y", "n", "inf", "infinity", "nan",
    ];
    WORDS.iter().any(|w| w.eq_ignore_ascii_case(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar_str(s: &str) -> String {
        let mut out = String::new();
        write_str(&mut out, s);
        out
    }

    /// Strings that a YAML 1.1 reader (PyYAML, go-yaml v2) or a YAML 1.2 reader resolves to a
    /// non-string, or that do not parse as a plain scalar at all.
    const MUST_QUOTE: &[&str] = &[
        "on",
        "On",
        "ON",
        "oN",
        "off",
        "Off",
        "OFF",
        "yes",
        "Yes",
        "YES",
        "no",
        "No",
        "NO",
        "y",
        "Y",
        "n",
        "N",
        "true",
        "True",
        "TRUE",
        "false",
        "FALSE",
        "null",
        "Null",
        "NULL",
        "~",
        "inf",
        "NaN",
        "Infinity",
        "1",
        "-1",
        "+1",
        "0",
        "1.10",
        "0755",
        "0x1F",
        "0o17",
        "0b101",
        "1_000",
        "1:20",
        "190:20:30",
        "1:20.5",
        "1e3",
        "1E3",
        "1.0e+3",
        "1.",
        ".5",
        ".inf",
        "-.inf",
        ".NaN",
        "2024-01-01",
        "2024-1-1",
        "2024-01-01T10:00:00Z",
        "2024-01-01 10:00:00",
        "a: b",
        "a #b",
        "#x",
        "-x",
        "- x",
        " lead",
        "trail ",
        "",
        "multi\nline",
        "tab\there",
        "quote\"s",
        "back\\slash",
        "é",
        "<<",
        "=",
        "@x",
        "*x",
        "&x",
        "!x",
        "%x",
        "|x",
        ">x",
        "'x",
        "[x",
        "{x",
        "]x",
        "}x",
        ",x",
        "?x",
        ":x",
        "`x",
        "x:",
        ".hidden",
        "a\u{85}b",
        "a\u{2028}b",
        "\u{feff}x",
        "nul\0",
    ];

    /// Strings every reader returns unchanged when written plain.
    const STAYS_PLAIN: &[&str] = &[
        "hello",
        "ehealth/patient-api",
        "512Mi",
        "1Gi",
        "100m",
        "3rd-party",
        "_private",
        "/var/lib",
        "nginx:1.25",
        "http://example.org/a",
        "a.b.c",
        "Patient API",
        "yes please",
        "a=b",
        "user@host",
        "c++",
        "nullable",
        "onwards",
        "v1.10",
        "e3",
        "x1",
    ];

    #[test]
    fn quoting_predicate() {
        for s in MUST_QUOTE {
            assert!(needs_quotes(s), "{s:?} must be quoted");
        }
        for s in STAYS_PLAIN {
            assert!(!needs_quotes(s), "{s:?} should stay plain");
        }
    }

    #[test]
    fn escapes() {
        assert_eq!(scalar_str(""), r#""""#);
        assert_eq!(scalar_str("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(scalar_str("l1\nl2\tx\ry"), r#""l1\nl2\tx\ry""#);
        assert_eq!(scalar_str("\0\u{7f}\u{85}"), r#""\x00\x7F\x85""#);
        assert_eq!(
            scalar_str("\u{2028}\u{feff}\u{fffe}"),
            r#""\u2028\uFEFF\uFFFE""#
        );
        assert_eq!(scalar_str("é ü 日本 🎉"), "\"é ü 日本 🎉\"");
    }

    #[test]
    fn floats_always_carry_a_dot() {
        let cases = [
            (0.5, "0.5"),
            (1000.0, "1000.0"),
            (-2.25, "-2.25"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1e16, "1.0e+16"),
            (1.5e300, "1.5e+300"),
            (1e-7, "1.0e-7"),
            (0.1 + 0.2, "0.30000000000000004"),
            (f64::NAN, ".nan"),
            (f64::INFINITY, ".inf"),
            (f64::NEG_INFINITY, "-.inf"),
        ];
        for (f, text) in cases {
            assert_eq!(format_float(f), text);
        }
    }

    #[test]
    #[should_panic(expected = "non-map")]
    fn with_on_non_map_panics() {
        let _ = Yaml::Null.with("k", Yaml::Null);
    }
}
