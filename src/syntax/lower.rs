//! Turns pest's pairs into the syntax tree. The grammar guarantees each
//! pair's shape, so `expect` here marks a grammar invariant, not user input.

use pest::iterators::Pair;

use super::ast::*;
use super::{MAX_NESTING, Rule};
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};

struct Lowerer<'d> {
    file: FileId,
    diagnostics: &'d mut Vec<Diagnostic>,
}

pub(super) fn file(file: FileId, root: Pair<'_, Rule>, diagnostics: &mut Vec<Diagnostic>) -> File {
    let mut lowerer = Lowerer { file, diagnostics };
    let pairs = root.into_inner();
    let mut declarations = Vec::with_capacity(pairs.len());
    for pair in pairs.filter(|p| p.as_rule() != Rule::EOI) {
        declarations.push(lowerer.declaration(pair));
    }
    File { declarations }
}

impl Lowerer<'_> {
    /// The pair's span without the whitespace and comments pest lets a rule
    /// that ends in an optional part swallow (`deploy a @ "1"  # note`).
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(
            self.file,
            s.start(),
            s.start() + without_trailing_trivia(s.as_str()).len(),
        )
    }

    fn name(&self, pair: Pair<'_, Rule>) -> Name {
        Name {
            text: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn declaration(&mut self, pair: Pair<'_, Rule>) -> Declaration {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        let _keyword = inner.next();
        match rule {
            Rule::helm_repo => {
                let name = self.name(inner.next().expect("helm_repo name"));
                let url = self.value(inner.next().expect("helm_repo value"));
                Declaration::HelmRepo(HelmRepoDecl { name, url, span })
            }
            Rule::rule_decl => {
                let title_pair = inner.next().expect("rule title");
                let title_span = self.span(&title_pair);
                let title = self.string(title_pair);
                let clauses = inner.map(|c| self.rule_clause(c)).collect();
                Declaration::Rule(RuleDecl {
                    title,
                    title_span,
                    clauses,
                    span,
                })
            }
            Rule::promotion => {
                let steps = inner.map(|step| self.step(step)).collect();
                Declaration::Promotion(PromotionDecl { steps, span })
            }
            Rule::platform
            | Rule::secret_decl
            | Rule::chart_decl
            | Rule::template
            | Rule::app
            | Rule::environment => {
                let kind = match rule {
                    Rule::platform => DeclKind::Platform,
                    Rule::secret_decl => DeclKind::Secret,
                    Rule::chart_decl => DeclKind::Chart,
                    Rule::template => DeclKind::Template,
                    Rule::app => DeclKind::App,
                    _ => DeclKind::Environment,
                };
                let name = self.name(inner.next().expect("declaration name"));
                let mut parent = None;
                let mut body = None;
                for part in inner {
                    match part.as_rule() {
                        Rule::parent => {
                            parent = Some(self.name(part.into_inner().next().expect("parent name")))
                        }
                        Rule::block => body = Some(self.block(part)),
                        other => unreachable!("unexpected {other:?} in a declaration"),
                    }
                }
                Declaration::Block(BlockDecl {
                    kind,
                    name,
                    parent,
                    body: body.expect("declaration body"),
                    span,
                })
            }
            other => unreachable!("unexpected {other:?} at top level"),
        }
    }

    fn step(&mut self, pair: Pair<'_, Rule>) -> Step {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let from = self.name(inner.next().expect("step source"));
        let to = self.name(inner.next().expect("step target"));
        let _via = inner.next();
        let via = self.name(inner.next().expect("step mechanism"));
        let settings = inner.next().map(|b| self.block(b));
        Step {
            from,
            to,
            via,
            settings,
            span,
        }
    }

    fn block(&mut self, pair: Pair<'_, Rule>) -> Block {
        let span = self.span(&pair);
        let entries = pair.into_inner();
        // Sized exactly, not grown by doubling: the tree of a large spec is
        // mostly these two lists.
        let deploys = entries
            .clone()
            .filter(|p| p.as_rule() == Rule::deploy)
            .count();
        let mut block = Block {
            fields: Vec::with_capacity(entries.len() - deploys),
            deploys: Vec::with_capacity(deploys),
            span,
        };
        for entry in entries {
            match entry.as_rule() {
                Rule::field => {
                    let field = self.field(entry);
                    if let Some(first) = block.fields.iter().find(|f| f.key.text == field.key.text)
                    {
                        self.diagnostics.push(
                            Diagnostic::new(
                                Code::E0103,
                                format!("`{}` is given twice in this block", field.key.text),
                            )
                            .at(field.key.span, "given again here")
                            .also(first.key.span, "first given here")
                            .help("keep one of them"),
                        );
                        continue;
                    }
                    block.fields.push(field);
                }
                Rule::deploy => block.deploys.push(self.deploy(entry)),
                other => unreachable!("unexpected {other:?} in a block"),
            }
        }
        block
    }

    fn field(&mut self, pair: Pair<'_, Rule>) -> Field {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let key_pair = inner.next().expect("field key");
        let key = match key_pair.as_rule() {
            Rule::string => Name {
                span: self.span(&key_pair),
                text: self.string(key_pair),
            },
            _ => self.name(key_pair),
        };
        let value = self.value(inner.next().expect("field value"));
        Field { key, value, span }
    }

    fn deploy(&mut self, pair: Pair<'_, Rule>) -> Deploy {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let _keyword = inner.next();
        let app = self.name(inner.next().expect("deploy app"));
        let mut version = None;
        let mut overrides = None;
        for part in inner {
            match part.as_rule() {
                Rule::version => {
                    version = Some(self.value(part.into_inner().next().expect("version value")))
                }
                Rule::block => overrides = Some(self.block(part)),
                other => unreachable!("unexpected {other:?} in a deploy"),
            }
        }
        Deploy {
            app,
            version,
            overrides,
            span,
        }
    }

    fn value(&mut self, pair: Pair<'_, Rule>) -> Value {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::string => ValueKind::Str(self.string(pair)),
            Rule::number => ValueKind::Number(pair.as_str().to_string()),
            Rule::boolean => ValueKind::Bool(pair.as_str() == "true"),
            Rule::list => ValueKind::List(pair.into_inner().map(|v| self.value(v)).collect()),
            Rule::block => ValueKind::Map(Box::new(self.block(pair))),
            Rule::call => {
                let mut inner = pair.into_inner();
                let function = Box::new(self.name(inner.next().expect("function name")));
                let args = inner.map(|v| self.value(v)).collect();
                ValueKind::Call { function, args }
            }
            Rule::reference => ValueKind::Reference(pair.as_str().to_string()),
            other => unreachable!("unexpected {other:?} as a value"),
        };
        Value { kind, span }
    }

    /// The text of a string literal with its escapes applied; a bad escape is
    /// reported and kept as written.
    fn string(&mut self, pair: Pair<'_, Rule>) -> String {
        let inner = pair.into_inner().next().expect("string_inner");
        let start = inner.as_span().start();
        let raw = inner.as_str();
        let mut out = String::with_capacity(raw.len());
        // One report per string: a regex full of `\d` is one mistake.
        let mut reported = false;
        let mut chars = raw.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let (j, escaped) = chars
                .next()
                .expect("grammar: a backslash is followed by a character");
            match escaped {
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'u' => match unicode_escape(&raw[j + 1..]) {
                    Some((ch, len)) => {
                        out.push(ch);
                        for _ in 0..len {
                            chars.next();
                        }
                    }
                    None => {
                        if !reported {
                            self.bad_escape(start + i, start + j + escaped.len_utf8(), "\\u");
                            reported = true;
                        }
                        out.push_str("\\u");
                    }
                },
                other => {
                    let end = start + j + other.len_utf8();
                    if !reported {
                        self.bad_escape(start + i, end, &format!("\\{other}"));
                        reported = true;
                    }
                    out.push('\\');
                    out.push(other);
                }
            }
        }
        out
    }

    fn bad_escape(&mut self, start: usize, end: usize, text: &str) {
        self.diagnostics.push(
            Diagnostic::new(Code::E0104, format!("unknown escape `{text}` in a string"))
                .at(Span::new(self.file, start, end), "not an escape")
                .help("the escapes are \\\" \\\\ \\n \\t \\r and \\u{HEX}; write \\\\ for a backslash"),
        );
    }

    fn rule_clause(&mut self, pair: Pair<'_, Rule>) -> RuleClause {
        let mut scope = Vec::new();
        let mut predicate = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::scope => {
                    scope = part
                        .into_inner()
                        .filter(|p| p.as_rule() == Rule::name)
                        .map(|p| self.name(p))
                        .collect()
                }
                Rule::expr => {
                    // Its first line is enough to point at it.
                    let first_line = part.as_str().lines().next().unwrap_or("").trim_end().len();
                    let (expr, depth) = self.expr(part);
                    if depth > MAX_NESTING {
                        let start = expr.span.start as usize;
                        self.diagnostics.push(
                            Diagnostic::new(
                                Code::E0106,
                                format!("rule predicate nested more than {MAX_NESTING} levels deep"),
                            )
                            .at(Span::new(self.file, start, start + first_line), "too deep")
                            .help("each `and`, `or` and `not` is a level: write `app in [...]` instead of a chain of `or`, and give each part of a chain of `and` its own line in the rule"),
                        );
                    }
                    predicate = Some(expr);
                }
                other => unreachable!("unexpected {other:?} in a rule clause"),
            }
        }
        RuleClause {
            scope,
            predicate: predicate.expect("rule clause predicate"),
        }
    }

    /// An expression and its depth. `a or b or c` is `(a or b) or c`, and
    /// `not not a` is `not (not a)`, so long chains make deep trees that
    /// every later stage walks recursively: once deeper than
    /// [`MAX_NESTING`], the rest of a chain is left out (the caller reports
    /// it), so no input builds a tree deep enough to exhaust the stack.
    fn expr(&mut self, pair: Pair<'_, Rule>) -> (Expr, usize) {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr | Rule::conjunction => {
                let mut inner = pair.into_inner();
                let (mut left, mut depth) = self.expr(inner.next().expect("operand"));
                while let Some(op) = inner.next() {
                    if depth > MAX_NESTING {
                        break;
                    }
                    let (right, right_depth) = self.expr(inner.next().expect("right operand"));
                    let span = left.span.join(right.span);
                    let kind = if op.as_rule() == Rule::or_op {
                        ExprKind::Or(Box::new(left), Box::new(right))
                    } else {
                        ExprKind::And(Box::new(left), Box::new(right))
                    };
                    left = Expr { kind, span };
                    depth = depth.max(right_depth) + 1;
                }
                (left, depth)
            }
            Rule::negation => {
                let parts: Vec<_> = pair.into_inner().collect();
                let (comparison, nots) = parts.split_last().expect("negation has a comparison");
                let (mut expr, mut depth) = self.expr(comparison.clone());
                for _ in nots {
                    if depth > MAX_NESTING {
                        break;
                    }
                    expr = Expr {
                        kind: ExprKind::Not(Box::new(expr)),
                        span,
                    };
                    depth += 1;
                }
                (expr, depth)
            }
            Rule::comparison => {
                let mut inner = pair.into_inner();
                let (left, depth) = self.expr(inner.next().expect("operand"));
                match inner.next() {
                    None => (left, depth),
                    Some(op) => {
                        let op = match op
                            .as_str()
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .as_slice()
                        {
                            ["=="] => CompareOp::Eq,
                            ["!="] => CompareOp::Ne,
                            ["<"] => CompareOp::Lt,
                            ["<="] => CompareOp::Le,
                            [">"] => CompareOp::Gt,
                            [">="] => CompareOp::Ge,
                            ["=~"] => CompareOp::Matches,
                            ["!~"] => CompareOp::NotMatches,
                            ["in"] => CompareOp::In,
                            ["not", "in"] => CompareOp::NotIn,
                            other => unreachable!("unknown comparison {other:?}"),
                        };
                        let (right, right_depth) = self.expr(inner.next().expect("right operand"));
                        let expr = Expr {
                            kind: ExprKind::Compare(Box::new(left), op, Box::new(right)),
                            span,
                        };
                        (expr, depth.max(right_depth) + 1)
                    }
                }
            }
            Rule::field_ref => {
                let kind = ExprKind::Field(pair.as_str().to_string());
                (Expr { kind, span }, 1)
            }
            Rule::string | Rule::number | Rule::boolean | Rule::list => {
                let kind = ExprKind::Literal(self.value(pair));
                (Expr { kind, span }, 1)
            }
            other => unreachable!("unexpected {other:?} in an expression"),
        }
    }
}

/// `text` without trailing whitespace and `#` comments (a `#` inside a
/// string on the last line is not a comment).
fn without_trailing_trivia(text: &str) -> &str {
    let mut rest = text.trim_end();
    loop {
        let line_start = rest.rfind('\n').map_or(0, |i| i + 1);
        match comment_start(&rest[line_start..]) {
            Some(hash) => rest = rest[..line_start + hash].trim_end(),
            None => return rest,
        }
    }
}

fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return Some(i),
            _ => {}
        }
    }
    None
}

/// Reads `{HEX}` after `\u`: the character and how many characters it used.
fn unicode_escape(rest: &str) -> Option<(char, usize)> {
    let body = rest.strip_prefix('{')?;
    let close = body.find('}')?;
    let hex = &body[..close];
    if hex.is_empty() || hex.len() > 6 {
        return None;
    }
    let ch = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
    Some((ch, close + 2))
}
