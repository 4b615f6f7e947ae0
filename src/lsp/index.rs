//! Every place a spec names an app, template, environment, helm repository
//! or secret, read off the syntax trees: declarations and references. Go to
//! definition, find references, rename and hover look names up here.

use crate::source::{Sources, Span};
use crate::syntax::ast::{Block, DeclKind, Declaration, Expr, ExprKind, File, Value, ValueKind};

/// The kinds of name that can be declared and referred to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    App,
    Template,
    Environment,
    HelmRepo,
    Secret,
}

impl Kind {
    /// How messages name it.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::App => "app",
            Kind::Template => "template",
            Kind::Environment => "environment",
            Kind::HelmRepo => "helm repository",
            Kind::Secret => "secret",
        }
    }
}

/// Where a reference stands, for hover to say more than the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    Declaration,
    /// `deploy APP` in this environment.
    Deploy {
        environment: String,
    },
    Reference,
}

/// One place a name is written: `span` covers the name only (inside the
/// quotes for a name written as a string).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub kind: Kind,
    pub name: String,
    pub span: Span,
    pub role: Role,
}

/// The occurrences of every name in a spec, in file and source order.
#[derive(Debug, Default)]
pub struct Index {
    pub occurrences: Vec<Occurrence>,
}

impl Index {
    /// Indexes the syntax trees of a spec's files (one per file, in file-id
    /// order; a file that did not parse has an empty tree).
    pub fn new(files: &[File], sources: &Sources) -> Self {
        let mut walker = Walker {
            sources,
            out: Vec::new(),
        };
        for file in files {
            for declaration in &file.declarations {
                walker.declaration(declaration);
            }
        }
        Index {
            occurrences: walker.out,
        }
    }

    /// The occurrence under byte `offset` of a file; the end of a name counts
    /// (the cursor just after it).
    pub fn at(&self, span: Span) -> Option<&Occurrence> {
        self.occurrences.iter().find(|o| {
            o.span.file == span.file && o.span.start <= span.start && span.start <= o.span.end
        })
    }

    /// Every declaration of `name` as a `kind`.
    pub fn declarations<'s>(
        &'s self,
        kind: Kind,
        name: &'s str,
    ) -> impl Iterator<Item = &'s Occurrence> {
        self.occurrences(kind, name)
            .filter(|o| o.role == Role::Declaration)
    }

    /// Every occurrence of `name` as a `kind`.
    pub fn occurrences<'s>(
        &'s self,
        kind: Kind,
        name: &'s str,
    ) -> impl Iterator<Item = &'s Occurrence> {
        self.occurrences
            .iter()
            .filter(move |o| o.kind == kind && o.name == name)
    }
}

struct Walker<'s> {
    sources: &'s Sources,
    out: Vec<Occurrence>,
}

impl Walker<'_> {
    fn push(&mut self, kind: Kind, name: &str, span: Span, role: Role) {
        self.out.push(Occurrence {
            kind,
            name: name.to_string(),
            span,
            role,
        });
    }

    fn declaration(&mut self, declaration: &Declaration) {
        match declaration {
            Declaration::HelmRepo(repo) => self.push(
                Kind::HelmRepo,
                &repo.name.text,
                repo.name.span,
                Role::Declaration,
            ),
            Declaration::Promotion(promotion) => {
                for step in &promotion.steps {
                    for env in [&step.from, &step.to] {
                        self.push(Kind::Environment, &env.text, env.span, Role::Reference);
                    }
                }
            }
            Declaration::Rule(rule) => {
                for clause in &rule.clauses {
                    for env in &clause.scope {
                        self.push(Kind::Environment, &env.text, env.span, Role::Reference);
                    }
                    self.predicate(&clause.predicate);
                }
            }
            Declaration::Block(decl) => {
                let kind = match decl.kind {
                    DeclKind::App => Some(Kind::App),
                    DeclKind::Template => Some(Kind::Template),
                    DeclKind::Environment => Some(Kind::Environment),
                    DeclKind::Secret => Some(Kind::Secret),
                    DeclKind::Chart => {
                        self.chart_repo(&decl.name.text, decl.name.span);
                        None
                    }
                    DeclKind::Platform | DeclKind::HelmRepo => None,
                };
                if let Some(kind) = kind {
                    self.push(kind, &decl.name.text, decl.name.span, Role::Declaration);
                }
                if let Some(parent) = &decl.parent {
                    self.push(Kind::Template, &parent.text, parent.span, Role::Reference);
                }
                let settings_of_an_app = matches!(decl.kind, DeclKind::App | DeclKind::Template);
                self.block(&decl.body, settings_of_an_app);
                for deploy in &decl.body.deploys {
                    self.push(
                        Kind::App,
                        &deploy.app.text,
                        deploy.app.span,
                        Role::Deploy {
                            environment: decl.name.text.clone(),
                        },
                    );
                    if let Some(version) = &deploy.version {
                        self.value(version);
                    }
                    if let Some(overrides) = &deploy.overrides {
                        self.block(overrides, true);
                    }
                }
            }
        }
    }

    /// A block's fields; `app_settings` when its top-level keys are app
    /// fields, where `chart` names a repository and `after` names apps.
    fn block(&mut self, block: &Block, app_settings: bool) {
        for field in &block.fields {
            match (app_settings, field.key.text.as_str(), &field.value.kind) {
                (true, "chart", ValueKind::Reference(text)) => {
                    self.chart_repo(text, field.value.span)
                }
                (true, "after", ValueKind::List(items)) => {
                    for item in items {
                        if let ValueKind::Reference(app) = &item.kind {
                            self.push(Kind::App, app, item.span, Role::Reference);
                        }
                    }
                }
                (true, "after", ValueKind::Reference(app)) => {
                    self.push(Kind::App, app, field.value.span, Role::Reference)
                }
                _ => self.value(&field.value),
            }
        }
    }

    /// `repo/name`: the repository part.
    fn chart_repo(&mut self, text: &str, span: Span) {
        if let Some((repo, _)) = text.split_once('/') {
            let span = Span {
                end: span.start + repo.len() as u32,
                ..span
            };
            self.push(Kind::HelmRepo, repo, span, Role::Reference);
        }
    }

    /// Secret references (`secret("name", "key")`) anywhere in a value.
    fn value(&mut self, value: &Value) {
        match &value.kind {
            ValueKind::Call { function, args } => {
                if function.text == "secret"
                    && let Some(first) = args.first()
                    && let Some((name, span)) = self.string_contents(first)
                {
                    self.push(Kind::Secret, &name, span, Role::Reference);
                }
                for arg in args {
                    self.value(arg);
                }
            }
            ValueKind::List(items) => items.iter().for_each(|v| self.value(v)),
            ValueKind::Map(block) => self.block(block, false),
            ValueKind::Str(_)
            | ValueKind::Number(_)
            | ValueKind::Bool(_)
            | ValueKind::Reference(_) => {}
        }
    }

    /// A string literal written without escapes: its text and the span
    /// inside the quotes.
    fn string_contents(&self, value: &Value) -> Option<(String, Span)> {
        let ValueKind::Str(text) = &value.kind else {
            return None;
        };
        let inner = Span {
            start: value.span.start + 1,
            end: value.span.end.checked_sub(1)?,
            ..value.span
        };
        (inner.start <= inner.end && self.sources.text(inner) == text)
            .then(|| (text.clone(), inner))
    }

    /// `app == "web"`, `env in ["prod"]`: names written as strings in rules.
    fn predicate(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Or(a, b) | ExprKind::And(a, b) => {
                self.predicate(a);
                self.predicate(b);
            }
            ExprKind::Not(a) => self.predicate(a),
            ExprKind::Compare(left, op, right) => {
                use crate::syntax::ast::CompareOp::{Eq, In, Ne, NotIn};
                if !matches!(op, Eq | Ne | In | NotIn) {
                    return;
                }
                for (field, literal) in [(left, right), (right, left)] {
                    let (ExprKind::Field(field), ExprKind::Literal(value)) =
                        (&field.kind, &literal.kind)
                    else {
                        continue;
                    };
                    let kind = match field.as_str() {
                        "app" => Kind::App,
                        "env" => Kind::Environment,
                        _ => continue,
                    };
                    let items: Vec<&Value> = match &value.kind {
                        ValueKind::List(items) => items.iter().collect(),
                        _ => vec![value],
                    };
                    for item in items {
                        if let Some((name, span)) = self.string_contents(item) {
                            self.push(kind, &name, span, Role::Reference);
                        }
                    }
                }
            }
            ExprKind::Field(_) | ExprKind::Literal(_) => {}
        }
    }
}
