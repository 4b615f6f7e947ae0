//! Go to definition, find references and rename, over the name index.

use std::collections::HashMap;

use lsp_server::ErrorCode;
use lsp_types::{Location, Range, TextEdit, Url, WorkspaceEdit};

use super::analysis::Analysis;
use super::index::{Kind, Occurrence};
use super::uri_of;
use crate::check::validate;
use crate::source::{FileId, Span};

/// The name under the cursor.
pub fn occurrence_at(analysis: &Analysis, file: FileId, offset: usize) -> Option<&Occurrence> {
    analysis.index.at(Span::new(file, offset, offset))
}

/// Where the name under the cursor is declared.
pub fn definition(analysis: &Analysis, file: FileId, offset: usize) -> Vec<Location> {
    let Some(occurrence) = occurrence_at(analysis, file, offset) else {
        return Vec::new();
    };
    analysis
        .index
        .declarations(occurrence.kind, &occurrence.name)
        .filter_map(|o| location(analysis, o.span))
        .collect()
}

/// Every place the name under the cursor is written.
pub fn references(
    analysis: &Analysis,
    file: FileId,
    offset: usize,
    include_declaration: bool,
) -> Vec<Location> {
    let Some(occurrence) = occurrence_at(analysis, file, offset) else {
        return Vec::new();
    };
    analysis
        .index
        .occurrences(occurrence.kind, &occurrence.name)
        .filter(|o| include_declaration || o.role != super::index::Role::Declaration)
        .filter_map(|o| location(analysis, o.span))
        .collect()
}

/// The range and text of the name a rename would change, or why not.
pub fn prepare_rename(
    analysis: &Analysis,
    file: FileId,
    offset: usize,
) -> Result<(Range, String), String> {
    let occurrence = occurrence_at(analysis, file, offset)
        .ok_or("there is no app, template, environment, helm repository or secret name here")?;
    if analysis
        .index
        .declarations(occurrence.kind, &occurrence.name)
        .next()
        .is_none()
    {
        return Err(format!(
            "no {} `{}` is declared",
            occurrence.kind.describe(),
            occurrence.name
        ));
    }
    Ok((analysis.range(occurrence.span), occurrence.name.clone()))
}

/// The edits that rename the name under the cursor everywhere, or why the
/// rename is refused (`InvalidParams` for a name that cannot be written).
pub fn rename(
    analysis: &Analysis,
    file: FileId,
    offset: usize,
    new_name: &str,
) -> Result<WorkspaceEdit, (ErrorCode, String)> {
    let refused = |message: String| (ErrorCode::RequestFailed, message);
    prepare_rename(analysis, file, offset).map_err(refused)?;
    let occurrence = occurrence_at(analysis, file, offset).expect("checked by prepare_rename");
    let kind = occurrence.kind;
    if !analysis.all_parsed() {
        return Err(refused(
            "the spec has syntax errors; fix them before renaming".into(),
        ));
    }
    valid_name(kind, new_name).map_err(|message| (ErrorCode::InvalidParams, message))?;
    if new_name != occurrence.name && analysis.index.declarations(kind, new_name).next().is_some() {
        return Err(refused(format!(
            "a {} named `{new_name}` already exists",
            kind.describe()
        )));
    }
    let mut changes: HashMap<Url, Vec<TextEdit>> = HashMap::new();
    for o in analysis.index.occurrences(kind, &occurrence.name) {
        let Some(uri) = uri_of(analysis.path(o.span.file)) else {
            continue;
        };
        changes
            .entry(uri)
            .or_default()
            .push(TextEdit::new(analysis.range(o.span), new_name.to_string()));
    }
    Ok(WorkspaceEdit::new(changes))
}

/// Whether `name` can stand for a `kind`: a name the grammar reads as a
/// name, and for apps and secrets a Kubernetes name.
pub fn valid_name(kind: Kind, name: &str) -> Result<(), String> {
    let what = kind.describe();
    if !is_identifier(name) {
        return Err(format!(
            "`{name}` is not a valid {what} name: a name starts with a letter and has letters, digits, `_` and `-`, ending with a letter, digit or `_`"
        ));
    }
    if name == "true" || name == "false" {
        return Err(format!(
            "`{name}` is not a valid {what} name: it reads as a boolean"
        ));
    }
    let kubernetes = match kind {
        Kind::App => validate::dns_label(name, validate::MAX_RELEASE_NAME),
        Kind::Secret => validate::dns_label(name, 253),
        Kind::Template | Kind::Environment | Kind::HelmRepo => Ok(()),
    };
    kubernetes.map_err(|help| format!("`{name}` is not a valid {what} name: {help}"))
}

/// The grammar's `identifier`: a letter, then letters, digits, `_`, and runs
/// of `-` each followed by a letter, digit or `_`.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars().peekable();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    let mut after_dash = false;
    for c in chars {
        match c {
            '-' => after_dash = true,
            c if c.is_ascii_alphanumeric() || c == '_' => after_dash = false,
            _ => return false,
        }
    }
    !after_dash
}

fn location(analysis: &Analysis, span: Span) -> Option<Location> {
    Some(Location::new(
        uri_of(analysis.path(span.file))?,
        analysis.range(span),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_grammar_and_kubernetes() {
        assert!(valid_name(Kind::App, "patient-api").is_ok());
        assert!(valid_name(Kind::Template, "Web_Service").is_ok());
        assert!(
            valid_name(Kind::App, "Patient")
                .unwrap_err()
                .contains("lowercase")
        );
        assert!(valid_name(Kind::Environment, "prod-").is_err());
        assert!(valid_name(Kind::Environment, "1prod").is_err());
        assert!(valid_name(Kind::Environment, "pro d").is_err());
        assert!(valid_name(Kind::HelmRepo, "true").is_err());
        assert!(valid_name(Kind::Secret, "db_password").is_err());
    }
}
