//! A span-free dump of a syntax tree: two texts that dump alike mean the same
//! thing, whatever their layout. Entries of a block are dumped in source order
//! (fields and deploys interleaved as written), so a reordering shows.

use std::fmt::Write as _;

use super::entry::{Entry, entries};
use crate::syntax::ast::*;

/// One line per node, children indented under their parent.
pub fn file(file: &File) -> String {
    file.declarations.iter().map(declaration).collect()
}

/// The dump of one declaration.
pub fn declaration(declaration: &Declaration) -> String {
    let mut out = Dump::default();
    out.declaration(declaration);
    out.text
}

#[derive(Default)]
struct Dump {
    text: String,
    depth: usize,
}

impl Dump {
    fn line(&mut self, args: std::fmt::Arguments<'_>) {
        for _ in 0..self.depth {
            self.text.push_str("  ");
        }
        let _ = self.text.write_fmt(args);
        self.text.push('\n');
    }

    fn nested(&mut self, f: impl FnOnce(&mut Self)) {
        self.depth += 1;
        f(self);
        self.depth -= 1;
    }

    fn declaration(&mut self, declaration: &Declaration) {
        match declaration {
            Declaration::Block(decl) => {
                let parent = decl
                    .parent
                    .as_ref()
                    .map(|p| format!(" : {}", p.text))
                    .unwrap_or_default();
                self.line(format_args!(
                    "{} {}{parent}",
                    decl.kind.keyword(),
                    decl.name.text
                ));
                self.nested(|d| d.block(&decl.body));
            }
            Declaration::HelmRepo(repo) => {
                self.line(format_args!("helm_repo {}", repo.name.text));
                self.nested(|d| d.value(&repo.url));
            }
            Declaration::Rule(rule) => {
                self.line(format_args!("rule {:?}", rule.title));
                self.nested(|d| {
                    for clause in &rule.clauses {
                        let scope: Vec<&str> =
                            clause.scope.iter().map(|n| n.text.as_str()).collect();
                        d.line(format_args!("clause in [{}]", scope.join(", ")));
                        d.nested(|d| d.expr(&clause.predicate));
                    }
                });
            }
            Declaration::Promotion(promotion) => {
                self.line(format_args!("promotion"));
                self.nested(|d| {
                    for step in &promotion.steps {
                        d.line(format_args!(
                            "step {} -> {} via {}",
                            step.from.text, step.to.text, step.via.text
                        ));
                        if let Some(settings) = &step.settings {
                            d.nested(|d| d.block(settings));
                        }
                    }
                });
            }
        }
    }

    fn block(&mut self, block: &Block) {
        self.line(format_args!("block"));
        self.nested(|d| {
            for entry in entries(block) {
                match entry {
                    Entry::Field(field) => {
                        d.line(format_args!("field {:?}", field.key.text));
                        d.nested(|d| d.value(&field.value));
                    }
                    Entry::Deploy(deploy) => {
                        d.line(format_args!("deploy {}", deploy.app.text));
                        d.nested(|d| {
                            if let Some(version) = &deploy.version {
                                d.line(format_args!("version"));
                                d.nested(|d| d.value(version));
                            }
                            if let Some(overrides) = &deploy.overrides {
                                d.block(overrides);
                            }
                        });
                    }
                }
            }
        });
    }

    fn value(&mut self, value: &Value) {
        match &value.kind {
            ValueKind::Str(text) => self.line(format_args!("string {text:?}")),
            ValueKind::Number(text) => self.line(format_args!("number {text}")),
            ValueKind::Bool(b) => self.line(format_args!("bool {b}")),
            ValueKind::Reference(text) => self.line(format_args!("reference {text}")),
            ValueKind::List(items) => {
                self.line(format_args!("list"));
                self.nested(|d| items.iter().for_each(|v| d.value(v)));
            }
            ValueKind::Map(block) => self.block(block),
            ValueKind::Call { function, args } => {
                self.line(format_args!("call {}", function.text));
                self.nested(|d| args.iter().for_each(|v| d.value(v)));
            }
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Or(l, r) | ExprKind::And(l, r) => {
                let op = if matches!(expr.kind, ExprKind::Or(..)) {
                    "or"
                } else {
                    "and"
                };
                self.line(format_args!("{op}"));
                self.nested(|d| {
                    d.expr(l);
                    d.expr(r);
                });
            }
            ExprKind::Not(inner) => {
                self.line(format_args!("not"));
                self.nested(|d| d.expr(inner));
            }
            ExprKind::Compare(l, op, r) => {
                self.line(format_args!("compare {}", op.symbol()));
                self.nested(|d| {
                    d.expr(l);
                    d.expr(r);
                });
            }
            ExprKind::Field(name) => self.line(format_args!("field-ref {name}")),
            ExprKind::Literal(value) => self.value(value),
        }
    }
}
