//! Minimal textual edits that carry out a promotion plan in the source: the
//! target environment's `deploy` lines get the upstream's tag (and chart
//! version), apps it does not run yet get a new `deploy` line after the last
//! one, and a hotfix marker on a promoted app is removed. Everything else in
//! the files, comments and layout included, stays byte for byte.

use super::{Change, Plan};
use crate::model::Text;
use crate::source::{FileId, Sources};
use crate::syntax::ast::{Block, BlockDecl, DeclKind, Declaration, Deploy, Field};

/// Replace `start..end` of a file with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// The edits that make the target environment of `plan` run the planned releases.
pub fn edits(sources: &Sources, plan: &Plan) -> Vec<Edit> {
    let Some((file, env)) = find_environment(sources, &plan.step.to) else {
        return Vec::new();
    };
    let text = &sources.get(file).text;
    let mut edits = Vec::new();
    let mut new_deploys = Vec::new();
    for change in &plan.changes {
        match env.body.deploys.iter().find(|d| d.app.text == change.app) {
            Some(deploy) => edits.extend(update_deploy(file, text, deploy, change)),
            None => new_deploys.push(change),
        }
    }
    if !new_deploys.is_empty() {
        edits.push(insert_deploys(file, text, &env, &new_deploys));
    }
    edits
}

fn find_environment(sources: &Sources, name: &str) -> Option<(FileId, BlockDecl)> {
    sources.iter().find_map(|(id, source)| {
        let (file, _) = crate::syntax::parse_file(id, &source.text);
        file.declarations.into_iter().find_map(|d| match d {
            Declaration::Block(b) if b.kind == DeclKind::Environment && b.name.text == name => {
                Some((id, b))
            }
            _ => None,
        })
    })
}

fn literal(tag: &Text) -> String {
    match tag {
        Text::Literal(t) => quote(t),
        Text::FromEnvironment(var) => format!("env_var({})", quote(var)),
    }
}

fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn update_deploy(file: FileId, text: &str, deploy: &Deploy, change: &Change) -> Vec<Edit> {
    let mut edits = Vec::new();
    let end_of_version = deploy
        .version
        .as_ref()
        .map_or(deploy.app.span.end, |v| v.span.end) as usize;
    if change.tag_changes() {
        edits.push(match &deploy.version {
            Some(version) => Edit {
                file,
                start: version.span.start as usize,
                end: version.span.end as usize,
                text: literal(&change.new_tag),
            },
            None => Edit {
                file,
                start: end_of_version,
                end: end_of_version,
                text: format!(" @ {}", literal(&change.new_tag)),
            },
        });
    }
    let overrides = deploy.overrides.as_ref();
    // Settings for a new `{ ... }` after the version, when the deploy has none.
    let mut new_block: Vec<String> = Vec::new();
    let mut set = |path: &str, value: Option<&str>| {
        let path: Vec<&str> = path.split('.').collect();
        match (overrides, value) {
            (Some(block), value) => edits.extend(set_path(file, text, block, &path, value)),
            (None, Some(value)) => new_block.push(nested(&path, value)),
            // Set above this deploy, where the upstream's absence cannot be written.
            (None, None) => {}
        }
    };
    if change.chart_changes() {
        set("chart_version", Some(&quote(&change.new_chart_version)));
    }
    for travel in &change.travelling {
        set(&travel.path, travel.new.as_deref());
    }
    if let Some(hotfix) = overrides.and_then(|b| b.fields.iter().find(|f| f.key.text == "hotfix")) {
        edits.push(remove_field(file, text, hotfix));
    }
    if !new_block.is_empty() {
        edits.push(Edit {
            file,
            start: end_of_version,
            end: end_of_version,
            text: format!(" {{ {} }}", new_block.join(", ")),
        });
    }
    edits
}

/// `a.b.c` = `x` as nested blocks: `a { b { c = x } }`.
fn nested(path: &[&str], value: &str) -> String {
    match path {
        [last] => format!("{last} = {value}"),
        [head, rest @ ..] => format!("{head} {{ {} }}", nested(rest, value)),
        [] => String::new(),
    }
}

/// Sets (or, with None, removes) the setting at `path` inside `block`.
fn set_path(
    file: FileId,
    text: &str,
    block: &Block,
    path: &[&str],
    value: Option<&str>,
) -> Vec<Edit> {
    let Some((head, rest)) = path.split_first() else {
        return Vec::new();
    };
    let existing = block.fields.iter().find(|f| f.key.text == *head);
    match (existing, rest.is_empty(), value) {
        (Some(field), true, Some(value)) => vec![Edit {
            file,
            start: field.value.span.start as usize,
            end: field.value.span.end as usize,
            text: value.to_string(),
        }],
        (Some(field), true, None) => vec![remove_field(file, text, field)],
        (Some(field), false, _) => match &field.value.kind {
            crate::syntax::ast::ValueKind::Map(inner) => set_path(file, text, inner, rest, value),
            _ => Vec::new(),
        },
        (None, _, Some(value)) => vec![insert_field(file, text, block, &nested(path, value))],
        (None, _, None) => Vec::new(),
    }
}

/// Puts `field` first in a block: `{ field, ...` on one line, or on a line of
/// its own when the block spans lines.
fn insert_field(file: FileId, text: &str, block: &Block, field: &str) -> Edit {
    let open = block.span.start as usize + 1;
    let body = &text[open..block.span.end as usize - 1];
    let insertion = match block.fields.first() {
        None if body.trim().is_empty() => format!(" {field} "),
        Some(first) if text[open..first.span.start as usize].contains('\n') => {
            let indent = line_indent(text, first.span.start as usize);
            format!("\n{indent}{field}")
        }
        _ => format!(" {field},"),
    };
    Edit {
        file,
        start: open,
        end: if body.trim().is_empty() {
            block.span.end as usize - 1
        } else {
            open
        },
        text: insertion,
    }
}

/// Removes a field with its separator, and its line when it stood alone.
fn remove_field(file: FileId, text: &str, field: &Field) -> Edit {
    let (mut start, mut end) = (field.span.start as usize, field.span.end as usize);
    let rest = &text[end..];
    let after_spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    if rest[after_spaces..].starts_with(',') {
        end += after_spaces + 1;
        let rest = &text[end..];
        end += rest.len() - rest.trim_start_matches([' ', '\t']).len();
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let alone_before = text[line_start..start].trim().is_empty();
    let alone_after = text[end..].starts_with('\n') || text[end..].starts_with("\r\n");
    if alone_before && alone_after {
        start = line_start;
        end += if text[end..].starts_with("\r\n") {
            2
        } else {
            1
        };
    } else if !alone_before && text[..start].ends_with(' ') && text[end..].starts_with([' ', '}']) {
        start -= 1;
    }
    Edit {
        file,
        start,
        end,
        text: String::new(),
    }
}

fn line_indent(text: &str, offset: usize) -> &str {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// New `deploy` lines after the environment's last one, with `@` aligned.
fn insert_deploys(file: FileId, text: &str, env: &BlockDecl, changes: &[&Change]) -> Edit {
    let last = env.body.deploys.iter().max_by_key(|d| d.span.end);
    let (indent, at_column, offset) = match last {
        Some(deploy) => {
            // The column of `@` counted from `deploy`, to line the new ones up.
            let at = text[deploy.app.span.end as usize..deploy.span.end as usize]
                .find('@')
                .map(|i| deploy.app.span.end as usize + i - deploy.span.start as usize);
            (
                line_indent(text, deploy.span.start as usize).to_string(),
                at,
                deploy.span.end as usize,
            )
        }
        None => {
            let indent = format!("{}  ", line_indent(text, env.span.start as usize));
            (indent, None, env.body.span.end as usize - 1)
        }
    };
    let mut inserted = String::new();
    for change in changes {
        let head = format!("deploy {}", change.app);
        let padding = at_column.map_or(1, |col| col.saturating_sub(head.len()).max(1));
        let mut line = format!(
            "{head}{}@ {}",
            " ".repeat(padding),
            literal(&change.new_tag)
        );
        if !change.new_overrides.is_empty() {
            let fields: Vec<String> = change
                .new_overrides
                .iter()
                .map(|(path, value)| nested(&path.split('.').collect::<Vec<_>>(), value))
                .collect();
            line.push_str(&format!(" {{ {} }}", fields.join(", ")));
        }
        if last.is_some() {
            inserted.push('\n');
            inserted.push_str(&indent);
            inserted.push_str(&line);
        } else {
            inserted.push_str(&indent);
            inserted.push_str(&line);
            inserted.push('\n');
        }
    }
    Edit {
        file,
        start: offset,
        end: offset,
        text: inserted,
    }
}

/// Applies edits to the sources; returns each changed file with its new text.
pub fn apply(sources: &Sources, edits: &[Edit]) -> Vec<(FileId, String)> {
    let mut files: Vec<FileId> = edits.iter().map(|e| e.file).collect();
    files.sort();
    files.dedup();
    files
        .into_iter()
        .map(|file| {
            let mut text = sources.get(file).text.clone();
            let mut mine: Vec<&Edit> = edits.iter().filter(|e| e.file == file).collect();
            mine.sort_by_key(|e| std::cmp::Reverse((e.start, e.end)));
            for edit in mine {
                text.replace_range(edit.start..edit.end, &edit.text);
            }
            (file, text)
        })
        .collect()
}
