//! One spec as the server last compiled it: sources (disk overlaid with open
//! documents), each file's syntax tree, the diagnostics and model of
//! `envspec::compile`, and the index of names.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::index::{Index, Kind};
use super::position::LineIndex;
use super::workspace;
use crate::diag::{Code, Diagnostic};
use crate::model::Model;
use crate::source::{FileId, Sources, Span};
use crate::syntax::{self, ast};

pub struct Analysis {
    pub sources: Sources,
    /// The absolute path of each file, by file id.
    pub paths: Vec<PathBuf>,
    pub lines: Vec<LineIndex>,
    /// Each file's syntax tree; empty for a file with a syntax error.
    pub files: Vec<ast::File>,
    /// Whether each file parsed (a file that did not has no declarations).
    pub parsed: Vec<bool>,
    /// What `envspec::compile` reported, in report order.
    pub diagnostics: Vec<Diagnostic>,
    /// The checked model, when the spec has no error.
    pub model: Option<Model>,
    pub index: Index,
    /// Declared names for completion: from this parse, and for a file that
    /// does not parse now, from its last parse that did.
    pub names: Vec<Declared>,
    /// Charts (`repo/name`) named in the spec, with the file naming them.
    pub charts: Vec<(PathBuf, String)>,
}

/// A declared name, as completion offers it.
#[derive(Debug, Clone)]
pub struct Declared {
    pub kind: Kind,
    pub name: String,
    /// A short description: a template's parent, a repository's URL.
    pub detail: String,
    /// For a secret, its keys.
    pub keys: Vec<String>,
    /// The file that declares it.
    pub path: PathBuf,
}

impl Analysis {
    /// Loads and compiles the spec at `root`; `previous` is this spec's
    /// last analysis, whose names stand in for files that do not parse now.
    pub fn new(root: &Path, open: &HashMap<PathBuf, String>, previous: Option<&Analysis>) -> Self {
        let workspace::Loaded { sources, paths } = workspace::load(root, open);
        let (model, mut diagnostics) = crate::compile(&sources);
        if let Some(model) = &model {
            diagnostics.extend(crate::chart_schema::check(root, model));
            crate::diag::sort(&mut diagnostics);
        }
        let mut files = Vec::with_capacity(sources.len());
        let mut parsed = Vec::with_capacity(sources.len());
        let mut lines = Vec::with_capacity(sources.len());
        for (id, file) in sources.iter() {
            lines.push(LineIndex::new(&file.text));
            // A file that is unread (too large), not UTF-8 or does not parse
            // declares nothing.
            let (tree, ok) = if file.read_problem(id).is_some() {
                (ast::File::default(), false)
            } else {
                let (tree, errors) = syntax::parse_file(id, &file.text);
                let ok = !errors.iter().any(|d| d.code == Code::E0101);
                (tree, ok)
            };
            parsed.push(ok);
            files.push(tree);
        }
        let index = Index::new(&files, &sources);
        let mut names = Vec::new();
        let mut charts = Vec::new();
        for (i, tree) in files.iter().enumerate() {
            if parsed[i] {
                declared_names(tree, &paths[i], &mut names, &mut charts);
            } else if let Some(previous) = previous {
                names.extend(
                    previous
                        .names
                        .iter()
                        .filter(|d| d.path == paths[i])
                        .cloned(),
                );
                charts.extend(
                    previous
                        .charts
                        .iter()
                        .filter(|(p, _)| *p == paths[i])
                        .cloned(),
                );
            }
        }
        Analysis {
            sources,
            paths,
            lines,
            files,
            parsed,
            diagnostics,
            model,
            index,
            names,
            charts,
        }
    }

    pub fn file_of(&self, path: &Path) -> Option<FileId> {
        self.paths
            .iter()
            .position(|p| p == path)
            .map(|i| FileId(i as u32))
    }

    pub fn text(&self, file: FileId) -> &str {
        &self.sources.get(file).text
    }

    pub fn line_index(&self, file: FileId) -> &LineIndex {
        &self.lines[file.0 as usize]
    }

    pub fn path(&self, file: FileId) -> &Path {
        &self.paths[file.0 as usize]
    }

    /// The LSP range of a span.
    pub fn range(&self, span: Span) -> lsp_types::Range {
        self.line_index(span.file).range(
            self.text(span.file),
            span.start as usize,
            span.end as usize,
        )
    }

    /// The byte offset of an LSP position in a file.
    pub fn offset(&self, file: FileId, position: lsp_types::Position) -> usize {
        self.line_index(file).offset(self.text(file), position)
    }

    /// `path:line` of a span, the path relative to the spec directory.
    pub fn place(&self, span: Span) -> String {
        let file = self.sources.get(span.file);
        let (line, _) = file.line_column(span.start as usize);
        format!("{}:{line}", file.display_path())
    }

    /// Whether every file of the spec parsed.
    pub fn all_parsed(&self) -> bool {
        self.parsed.iter().all(|p| *p)
    }

    /// Declared names of one kind, sorted, each once.
    pub fn declared(&self, kind: Kind) -> Vec<&Declared> {
        let mut found: Vec<&Declared> = self.names.iter().filter(|d| d.kind == kind).collect();
        found.sort_by(|a, b| a.name.cmp(&b.name));
        found.dedup_by(|a, b| a.name == b.name);
        found
    }

    /// Every chart named in the spec (`repo/name`), sorted, each once.
    pub fn charts(&self) -> Vec<&str> {
        let mut charts: Vec<&str> = self.charts.iter().map(|(_, c)| c.as_str()).collect();
        charts.sort_unstable();
        charts.dedup();
        charts
    }
}

/// The names a file declares, and the charts (`repo/name`) it names.
fn declared_names(
    file: &ast::File,
    path: &Path,
    out: &mut Vec<Declared>,
    charts: &mut Vec<(PathBuf, String)>,
) {
    for declaration in &file.declarations {
        match declaration {
            ast::Declaration::HelmRepo(repo) => out.push(Declared {
                kind: Kind::HelmRepo,
                name: repo.name.text.clone(),
                detail: match &repo.url.kind {
                    ast::ValueKind::Str(url) => url.clone(),
                    _ => "helm repository".into(),
                },
                keys: Vec::new(),
                path: path.to_path_buf(),
            }),
            ast::Declaration::Block(decl) => {
                if decl.kind == ast::DeclKind::Chart && decl.name.text.contains('/') {
                    charts.push((path.to_path_buf(), decl.name.text.clone()));
                }
                for field in &decl.body.fields {
                    if field.key.text == "chart"
                        && let ast::ValueKind::Reference(text) = &field.value.kind
                        && text.contains('/')
                    {
                        charts.push((path.to_path_buf(), text.clone()));
                    }
                }
                let (kind, detail) = match decl.kind {
                    ast::DeclKind::App => (Kind::App, "app"),
                    ast::DeclKind::Template => (Kind::Template, "template"),
                    ast::DeclKind::Environment => (Kind::Environment, "environment"),
                    ast::DeclKind::Secret => (Kind::Secret, "secret"),
                    _ => continue,
                };
                let detail = match &decl.parent {
                    Some(parent) => format!("{detail} : {}", parent.text),
                    None => detail.to_string(),
                };
                let keys = if kind == Kind::Secret {
                    secret_keys(decl)
                } else {
                    Vec::new()
                };
                out.push(Declared {
                    kind,
                    name: decl.name.text.clone(),
                    detail,
                    keys,
                    path: path.to_path_buf(),
                });
            }
            ast::Declaration::Rule(_) | ast::Declaration::Promotion(_) => {}
        }
    }
}

fn secret_keys(decl: &ast::BlockDecl) -> Vec<String> {
    let Some(field) = decl.body.fields.iter().find(|f| f.key.text == "keys") else {
        return Vec::new();
    };
    match &field.value.kind {
        ast::ValueKind::List(items) => items
            .iter()
            .filter_map(|v| match &v.kind {
                ast::ValueKind::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}
