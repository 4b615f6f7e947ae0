//! Syntax: one file's text in, its syntax tree and syntax errors out.
//!
//! Only this module knows pest. It judges no value: `512MB` is lowered as the
//! text it is, and `check` decides it is wrong.

pub mod ast;
mod lower;

use pest::Parser as _;

use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/envspec.pest"]
pub(crate) struct EnvspecParser;

/// Parses one file. On a syntax error the file yields no declarations and one
/// diagnostic at the furthest point the parser reached.
pub fn parse_file(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    if let Some(diagnostic) = too_deep(file, text) {
        return (ast::File::default(), vec![diagnostic]);
    }
    match EnvspecParser::parse(Rule::file, text) {
        Ok(mut pairs) => {
            let root = pairs.next().expect("the file rule always yields one pair");
            let mut diagnostics = Vec::new();
            let file = lower::file(file, root, &mut diagnostics);
            (file, diagnostics)
        }
        Err(error) => (ast::File::default(), vec![syntax_error(file, text, error)]),
    }
}

/// How deeply blocks, lists and parentheses may nest. Real specs use a
/// handful of levels; the limit keeps every recursive stage far from the
/// end of its stack, whatever the input.
pub const MAX_NESTING: usize = 100;

/// A diagnostic at the first bracket that nests deeper than [`MAX_NESTING`].
fn too_deep(file: FileId, text: &str) -> Option<Diagnostic> {
    let mut depth = 0usize;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                // Skip the string, escapes included.
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
            }
            '#' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '{' | '[' | '(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(
                        Diagnostic::new(
                            Code::E0106,
                            format!("nested more than {MAX_NESTING} levels deep"),
                        )
                        .at(Span::new(file, i, i + 1), "too deep")
                        .help("no spec needs this much nesting; flatten the structure"),
                    );
                }
            }
            '}' | ']' | ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn syntax_error(file: FileId, text: &str, error: pest::error::Error<Rule>) -> Diagnostic {
    let offset = match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let end = text[offset..]
        .chars()
        .next()
        .map_or(offset, |c| offset + c.len_utf8());
    let span = Span::new(file, offset, end);
    let found = match text[offset..].chars().next() {
        None => "end of file".to_string(),
        Some('\n') | Some('\r') => "end of line".to_string(),
        Some(c) => format!("`{c}`"),
    };
    let expected = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let mut words: Vec<&str> = positives.iter().filter_map(|r| describe(*r)).collect();
            words.sort_unstable();
            words.dedup();
            // Where any value may stand, list them as one.
            const VALUE_WORDS: &[&str] = &[
                "a string",
                "a number",
                "a list",
                "`true` or `false`",
                "`{`",
                "a function call",
                "a name",
            ];
            if ["a string", "a number", "a list"]
                .iter()
                .all(|w| words.contains(w))
            {
                words.retain(|w| !VALUE_WORDS.contains(w));
                words.insert(0, "a value");
            }
            words
        }
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let message = if expected.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {}, found {found}", join_alternatives(&expected))
    };
    let label = if expected.is_empty() {
        "unexpected here".to_string()
    } else {
        format!("expected {}", join_alternatives(&expected))
    };
    let diagnostic = Diagnostic::new(Code::E0101, message).at(span, label);
    match hint(text, offset) {
        Some(h) => diagnostic.help(h),
        None => diagnostic,
    }
}

/// Hints for mistakes that show a recognisable shape at the failure point.
fn hint(text: &str, offset: usize) -> Option<&'static str> {
    let rest = &text[offset..];
    let before = text[..offset].trim_end();
    if rest.starts_with('\'') {
        return Some("strings use double quotes: \"...\"");
    }
    if rest.starts_with(':') && before.ends_with(|c: char| c.is_alphanumeric()) {
        return Some("fields are written `key = value`, not `key: value`");
    }
    if before.ends_with('@') {
        return Some("a version is a quoted string: deploy app @ \"1.2.3\"");
    }
    None
}

fn join_alternatives(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Grammar rules as users call them; None hides a rule from "expected" lists.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "end of file",
        Rule::platform | Rule::kw_platform => "`platform`",
        Rule::helm_repo | Rule::kw_helm_repo => "`helm_repo`",
        Rule::secret_decl | Rule::kw_secret => "`secret`",
        Rule::chart_decl | Rule::kw_chart => "`chart`",
        Rule::template | Rule::kw_template => "`template`",
        Rule::app | Rule::kw_app => "`app`",
        Rule::environment | Rule::kw_environment => "`environment`",
        Rule::rule_decl | Rule::kw_rule => "`rule`",
        Rule::deploy | Rule::kw_deploy => "`deploy`",
        Rule::promotion | Rule::kw_promotion => "`promotion`",
        Rule::step => "a promotion step such as `inttest -> exttest via jenkins`",
        Rule::kw_via => "`via`",
        Rule::parent => "`:`",
        Rule::version => "`@`",
        Rule::name | Rule::identifier => "a name",
        Rule::field => "a field",
        Rule::block => "`{`",
        Rule::list => "a list",
        Rule::call => "a function call",
        Rule::boolean => "`true` or `false`",
        Rule::number => "a number",
        Rule::reference | Rule::field_ref => "a name",
        Rule::string | Rule::string_inner => "a string",
        Rule::rule_clause | Rule::expr | Rule::conjunction | Rule::negation | Rule::comparison => {
            "a predicate"
        }
        Rule::scope | Rule::kw_in => "`in`",
        Rule::compare_op => "a comparison such as `>=`",
        Rule::or_op => "`or`",
        Rule::and_op => "`and`",
        Rule::not_op => "`not`",
        // Reported alone when the very first declaration does not start right.
        Rule::file => {
            "a declaration (`platform`, `helm_repo`, `secret`, `chart`, `template`, `app`, `environment`, `rule` or `promotion`)"
        }
        Rule::value
        | Rule::WHITESPACE
        | Rule::COMMENT
        | Rule::declaration
        | Rule::entry
        | Rule::key
        | Rule::identifier_char
        | Rule::operand
        | Rule::keyword => return None,
    })
}

#[cfg(test)]
mod tests;
