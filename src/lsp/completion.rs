//! Completion. The text being typed rarely parses, so the context comes from
//! a scan of the text before the cursor (brackets, strings, comments and the
//! statement typed so far); the names offered come from the last parse of
//! each file (see `Analysis::names`).

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, MarkupContent,
    MarkupKind, TextEdit,
};

use super::analysis::Analysis;
use super::index::Kind;
use crate::check::schema::{self, FieldSpec, FieldType};
use crate::source::FileId;
use crate::syntax::ast::DeclKind;

/// The top-level declarations, with what each declares.
const DECLARATIONS: &[(&str, &str)] = &[
    (
        "platform",
        "`platform NAME { org, maintainer, registry }`: exactly one per spec",
    ),
    (
        "helm_repo",
        "`helm_repo NAME = \"URL\"`: a chart repository",
    ),
    (
        "secret",
        "`secret NAME { keys = [...] }`: a Kubernetes secret apps may reference",
    ),
    (
        "chart",
        "`chart REPO/NAME { paths { ... } }`: where a chart expects the typed fields",
    ),
    (
        "template",
        "`template NAME [: PARENT] { ... }`: defaults shared by apps",
    ),
    ("app", "`app NAME [: TEMPLATE] { ... }`: an application"),
    (
        "environment",
        "`environment NAME { ... deploy APP @ \"TAG\" }`: an environment and what it runs",
    ),
    (
        "rule",
        "`rule \"TEXT\" { [in ENV:] PREDICATE }`: a check over every release",
    ),
    (
        "promotion",
        "`promotion { FROM -> TO via HOW }`: the promotion chain",
    ),
];

/// One open bracket before the cursor.
#[derive(Debug)]
struct Frame {
    open: char,
    /// The statement before the bracket: `app web : service`, `after =`.
    header: String,
    /// The items before the cursor's, for `(` and `[`: `"db"` in `secret("db", "`.
    items: Vec<String>,
}

/// What the text before the cursor says.
#[derive(Debug, Default)]
struct Scan {
    frames: Vec<Frame>,
    /// The statement typed so far at the cursor's level (comments dropped,
    /// strings kept with their quotes, bracketed parts as `{…}`).
    statement: String,
    /// When the cursor is inside a string: the text typed in it so far.
    string: Option<String>,
    /// Whether the cursor is inside a comment.
    comment: bool,
}

impl Scan {
    fn new(text: &str) -> Self {
        let mut scan = Scan::default();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if let Some(string) = &mut scan.string {
                match c {
                    '\\' => {
                        string.push(c);
                        if let Some(next) = chars.next() {
                            string.push(next);
                        }
                    }
                    '"' => {
                        let string = scan.string.take().unwrap_or_default();
                        scan.statement.push_str(&format!("\"{string}\""));
                    }
                    '\n' => {
                        scan.string = None;
                        scan.boundary();
                    }
                    _ => string.push(c),
                }
                continue;
            }
            match c {
                '#' => {
                    while chars.peek().is_some_and(|&c| c != '\n') {
                        chars.next();
                    }
                    scan.comment = chars.peek().is_none();
                }
                '"' => scan.string = Some(String::new()),
                '{' | '[' | '(' => {
                    let header = std::mem::take(&mut scan.statement).trim().to_string();
                    scan.frames.push(Frame {
                        open: c,
                        header,
                        items: Vec::new(),
                    });
                }
                '}' | ']' | ')' => {
                    if let Some(frame) = scan.frames.pop() {
                        scan.statement = format!("{} {}…{c}", frame.header, frame.open);
                    }
                }
                ',' => {
                    let statement = std::mem::take(&mut scan.statement);
                    match scan.frames.last_mut() {
                        Some(frame) if frame.open != '{' => {
                            frame.items.push(statement.trim().into())
                        }
                        // In a rule, commas separate the environments of a scope.
                        Some(frame) if scan_rule(frame) => scan.statement = statement + ",",
                        _ => {}
                    }
                }
                '\n' => match scan.frames.last() {
                    Some(frame) if frame.open != '{' => scan.statement.push(' '),
                    _ => scan.boundary(),
                },
                _ => scan.statement.push(c),
            }
        }
        scan
    }

    fn boundary(&mut self) {
        self.statement.clear();
    }

    /// The headers of the enclosing `{` blocks, outermost first.
    fn blocks(&self) -> Vec<&str> {
        self.frames
            .iter()
            .filter(|f| f.open == '{')
            .map(|f| f.header.as_str())
            .collect()
    }
}

fn scan_rule(frame: &Frame) -> bool {
    frame.header.starts_with("rule ") || frame.header.starts_with("rule\"")
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// The completions at byte `offset` of a file, each replacing the word (or
/// string contents) typed so far.
pub fn complete(analysis: &Analysis, file: FileId, offset: usize) -> Vec<CompletionItem> {
    let text = analysis.text(file);
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let scan = Scan::new(&text[..offset]);
    let typed = match &scan.string {
        Some(string) => string.as_str(),
        None => {
            let statement = scan.statement.as_str();
            let start = statement
                .char_indices()
                .rev()
                .take_while(|(_, c)| is_name_char(*c))
                .last()
                .map_or(statement.len(), |(i, _)| i);
            &statement[start..]
        }
    };
    let items = candidates(analysis, &scan);
    // What was typed is the text just before the cursor.
    let start = if text[..offset].ends_with(typed) {
        offset - typed.len()
    } else {
        offset
    };
    let range = analysis.range(crate::source::Span::new(file, start, offset));
    items
        .into_iter()
        .map(|mut item| {
            item.text_edit = Some(CompletionTextEdit::Edit(TextEdit::new(
                range,
                item.label.clone(),
            )));
            item
        })
        .collect()
}

fn candidates(analysis: &Analysis, scan: &Scan) -> Vec<CompletionItem> {
    if scan.comment {
        return Vec::new();
    }
    if scan.string.is_some() {
        return in_string(analysis, scan);
    }
    let statement = scan.statement.trim_start();
    let before = statement
        .trim_end_matches(is_name_char)
        .trim_end()
        .to_string();
    if let Some(frame) = scan.frames.last()
        && frame.open != '{'
    {
        // `after = [a, b, |]`
        if frame.open == '[' && key_of(&frame.header) == Some("after") && before.is_empty() {
            return names(analysis, Kind::App);
        }
        return Vec::new();
    }
    let blocks = scan.blocks();
    let first_word = |header: &str| header.split_whitespace().next().unwrap_or("").to_string();
    match blocks.as_slice() {
        [] => top_level(analysis, &before),
        [outer] => match first_word(outer).as_str() {
            "app" | "template" => in_fields(analysis, DeclKind::App, &before),
            "platform" => in_fields(analysis, DeclKind::Platform, &before),
            "secret" => in_fields(analysis, DeclKind::Secret, &before),
            "chart" => in_fields(analysis, DeclKind::Chart, &before),
            "environment" => {
                if before == "deploy" {
                    return names(analysis, Kind::App);
                }
                let mut items = in_fields(analysis, DeclKind::Environment, &before);
                if before.is_empty() {
                    items.push(keyword(
                        "deploy",
                        "`deploy APP @ \"TAG\" [{ overrides }]`: run APP at an image tag here",
                    ));
                }
                items
            }
            "promotion" => in_promotion(analysis, &before),
            "rule" => in_rule(analysis, &before),
            _ => Vec::new(),
        },
        [outer, inner] => {
            let outer = first_word(outer);
            if outer == "environment" && first_word(inner) == "deploy" {
                in_fields(analysis, DeclKind::App, &before)
            } else if outer == "promotion" {
                let via = inner.split_whitespace().skip_while(|w| *w != "via").nth(1);
                let Some((_, fields)) = schema::PROMOTION_MECHANISMS
                    .iter()
                    .find(|(name, _)| Some(*name) == via)
                else {
                    return Vec::new();
                };
                if before.is_empty() {
                    fields.iter().map(field_item).collect()
                } else {
                    Vec::new()
                }
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

/// `key =` → `key`.
fn key_of(statement: &str) -> Option<&str> {
    let key = statement.strip_suffix('=')?.trim_end();
    (!key.is_empty() && key.chars().all(is_name_char)).then_some(key)
}

fn top_level(analysis: &Analysis, before: &str) -> Vec<CompletionItem> {
    if before.is_empty() {
        return DECLARATIONS
            .iter()
            .map(|(k, doc)| keyword(k, doc))
            .collect();
    }
    // `app web : |`, `template worker : |`
    let words: Vec<&str> = before.split_whitespace().collect();
    match words.as_slice() {
        ["app" | "template", _, ":"] => names(analysis, Kind::Template),
        ["app" | "template", name] if name.ends_with(':') => names(analysis, Kind::Template),
        _ => Vec::new(),
    }
}

/// In a block of `kind`'s fields: field names at the start of a statement,
/// values after `key =`.
fn in_fields(analysis: &Analysis, kind: DeclKind, before: &str) -> Vec<CompletionItem> {
    if before.is_empty() {
        return schema::fields_of(kind).iter().map(field_item).collect();
    }
    // `chart = stable/|`
    if let Some(rest) = before.strip_prefix("chart")
        && let Some(repo) = rest.trim_start().strip_prefix('=').map(str::trim)
        && let Some(repo) = repo.strip_suffix('/')
        && kind == DeclKind::App
    {
        return analysis
            .charts()
            .into_iter()
            .filter_map(|chart| chart.strip_prefix(repo)?.strip_prefix('/'))
            .map(|chart| {
                item(
                    chart,
                    CompletionItemKind::VALUE,
                    format!("chart in `{repo}`"),
                    None,
                )
            })
            .collect();
    }
    let Some(key) = key_of(before) else {
        return Vec::new();
    };
    let Some(spec) = schema::find(kind, key) else {
        return Vec::new();
    };
    match spec.ty {
        FieldType::Bool => ["true", "false"]
            .iter()
            .map(|v| item(v, CompletionItemKind::VALUE, "boolean".into(), None))
            .collect(),
        FieldType::ChartRef => analysis
            .declared(Kind::HelmRepo)
            .into_iter()
            .map(|d| {
                item(
                    &d.name,
                    CompletionItemKind::MODULE,
                    format!("helm_repo {}", d.detail),
                    None,
                )
            })
            .collect(),
        FieldType::Apps => names(analysis, Kind::App),
        _ => Vec::new(),
    }
}

fn in_promotion(analysis: &Analysis, before: &str) -> Vec<CompletionItem> {
    let words: Vec<&str> = before.split_whitespace().collect();
    match words.as_slice() {
        [] | [_, "->"] => names(analysis, Kind::Environment),
        [from, to] if from.ends_with("->") || to.starts_with("->") => {
            names(analysis, Kind::Environment)
        }
        [.., "via"] => schema::PROMOTION_MECHANISMS
            .iter()
            .map(|(name, fields)| {
                let settings: Vec<&str> = fields.iter().map(|f| f.name).collect();
                let detail = if settings.is_empty() {
                    "promotion mechanism".to_string()
                } else {
                    format!("promotion mechanism {{ {} }}", settings.join(", "))
                };
                item(name, CompletionItemKind::ENUM_MEMBER, detail, None)
            })
            .collect(),
        _ if before.ends_with("->") => names(analysis, Kind::Environment),
        _ => Vec::new(),
    }
}

/// `in prod, |`: environment names in a rule's scope.
fn in_rule(analysis: &Analysis, before: &str) -> Vec<CompletionItem> {
    let Some(rest) = before.strip_prefix("in") else {
        return Vec::new();
    };
    let scope = rest.is_empty() || rest.starts_with(char::is_whitespace);
    let names_only = rest
        .chars()
        .all(|c| is_name_char(c) || c == ',' || c.is_whitespace());
    if scope && names_only && (rest.trim().is_empty() || rest.trim_end().ends_with(',')) {
        names(analysis, Kind::Environment)
    } else {
        Vec::new()
    }
}

/// In a string: secret names in `secret("|`, its keys in `secret("db", "|`.
fn in_string(analysis: &Analysis, scan: &Scan) -> Vec<CompletionItem> {
    let Some(frame) = scan.frames.last() else {
        return Vec::new();
    };
    let function = frame.header.rsplit(|c: char| !is_name_char(c)).next();
    if frame.open != '(' || function != Some("secret") || !scan.statement.trim().is_empty() {
        return Vec::new();
    }
    match frame.items.as_slice() {
        [] => names(analysis, Kind::Secret),
        [first] => {
            let name = first.trim_matches('"');
            analysis
                .declared(Kind::Secret)
                .into_iter()
                .filter(|d| d.name == name)
                .flat_map(|d| d.keys.iter())
                .map(|key| {
                    item(
                        key,
                        CompletionItemKind::VALUE,
                        format!("key of secret `{name}`"),
                        None,
                    )
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

fn names(analysis: &Analysis, kind: Kind) -> Vec<CompletionItem> {
    let item_kind = match kind {
        Kind::App => CompletionItemKind::MODULE,
        Kind::Template => CompletionItemKind::CLASS,
        Kind::Environment => CompletionItemKind::ENUM_MEMBER,
        Kind::HelmRepo => CompletionItemKind::MODULE,
        Kind::Secret => CompletionItemKind::CONSTANT,
    };
    analysis
        .declared(kind)
        .into_iter()
        .map(|d| item(&d.name, item_kind, d.detail.clone(), None))
        .collect()
}

fn field_item(spec: &FieldSpec) -> CompletionItem {
    item(
        spec.name,
        CompletionItemKind::FIELD,
        spec.ty.describe().to_string(),
        Some(spec.doc),
    )
}

fn keyword(word: &str, doc: &str) -> CompletionItem {
    item(
        word,
        CompletionItemKind::KEYWORD,
        "keyword".into(),
        Some(doc),
    )
}

fn item(
    label: &str,
    kind: CompletionItemKind,
    detail: String,
    doc: Option<&str>,
) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: Some(detail),
        documentation: doc.map(|d| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: d.to_string(),
            })
        }),
        ..CompletionItem::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_tracks_blocks_statements_and_strings() {
        let scan = Scan::new("# c {\nenvironment prod {\n  deploy api @ \"1\" { replicas = 2, mem");
        assert_eq!(scan.blocks(), ["environment prod", "deploy api @ \"1\""]);
        assert_eq!(scan.statement, " mem");
        let scan = Scan::new("app a {\n env { P = secret(\"db\", \"pa");
        assert_eq!(scan.string.as_deref(), Some("pa"));
        assert_eq!(scan.frames.last().unwrap().items, ["\"db\""]);
        let scan = Scan::new("rule \"r\" {\n  in prod, pre");
        assert_eq!(scan.statement, "  in prod, pre");
        let scan = Scan::new("app a {\n after = [x,\n y");
        assert_eq!(scan.frames.last().unwrap().header, "after =");
    }
}
