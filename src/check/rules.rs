//! User rules: typed predicates over each release, scoped to environments.
//!
//! `compile` type-checks every rule once (fields exist, both sides of a
//! comparison have the same type, regexes compile); `evaluate` runs them on
//! the model and reports each violation with the rule's text and where the
//! offending values were set.

use regex::Regex;

use super::quantity::{self, Dimension};
use super::validate;
use crate::diag::{Code, Diagnostic, suggest};
use crate::model::{Model, Provenance, Release, Text};
use crate::source::Span;
use crate::syntax::ast::{CompareOp, Expr, ExprKind, RuleDecl, ValueKind};

/// The type of a rule operand.
#[derive(Debug, Clone, PartialEq)]
enum Ty {
    Str,
    Int,
    Memory,
    Cpu,
    Duration,
    Version,
    Bool,
    List(Box<Ty>),
}

impl Ty {
    fn describe(&self) -> String {
        match self {
            Ty::Str => "a string".into(),
            Ty::Int => "a number".into(),
            Ty::Memory => "a memory quantity".into(),
            Ty::Cpu => "a CPU quantity".into(),
            Ty::Duration => "a duration".into(),
            Ty::Version => "a version".into(),
            Ty::Bool => "a boolean".into(),
            Ty::List(inner) => format!("a list of {}", inner.describe().trim_start_matches("a ")),
        }
    }

    fn ordered(&self) -> bool {
        matches!(
            self,
            Ty::Int | Ty::Memory | Ty::Cpu | Ty::Duration | Ty::Version
        )
    }
}

/// The fields a rule can read, with their types.
const FIELDS: &[(&str, Ty)] = &[
    ("app", Ty::Str),
    ("env", Ty::Str),
    ("namespace", Ty::Str),
    ("image", Ty::Str),
    ("tag", Ty::Str),
    ("chart", Ty::Str),
    ("chart_version", Ty::Version),
    ("replicas", Ty::Int),
    ("port", Ty::Int),
    ("memory", Ty::Memory),
    ("memory_limit", Ty::Memory),
    ("cpu", Ty::Cpu),
    ("cpu_limit", Ty::Cpu),
    ("timeout", Ty::Duration),
    ("protected", Ty::Bool),
    ("wait", Ty::Bool),
    ("freeze", Ty::Bool),
];

fn field_type(name: &str) -> Option<Ty> {
    if name == "hosts" {
        return Some(Ty::List(Box::new(Ty::Str)));
    }
    FIELDS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| t.clone())
}

/// A runtime value; `Unset` for a field the release does not set.
#[derive(Debug, Clone, PartialEq)]
enum RValue {
    Str(String),
    Int(i64),
    Number(f64),
    Version(semver::Version),
    Bool(bool),
    List(Vec<RValue>),
    Unset,
}

#[derive(Debug)]
enum Operand {
    Field(String),
    Const(RValue),
}

#[derive(Debug)]
enum Predicate {
    Or(Box<Predicate>, Box<Predicate>),
    And(Box<Predicate>, Box<Predicate>),
    Not(Box<Predicate>),
    Compare(Operand, CompareOp, Operand, Option<Regex>),
    Flag(String),
}

/// A type-checked rule, ready to run.
#[derive(Debug)]
pub struct CompiledRule {
    title: String,
    title_span: Span,
    clauses: Vec<CompiledClause>,
}

#[derive(Debug)]
struct CompiledClause {
    scope: Vec<String>,
    predicate: Predicate,
    span: Span,
}

/// Type-checks every rule; ill-typed clauses are reported and dropped.
pub fn compile(rules: &[&RuleDecl], diagnostics: &mut Vec<Diagnostic>) -> Vec<CompiledRule> {
    rules
        .iter()
        .map(|rule| CompiledRule {
            title: rule.title.clone(),
            title_span: rule.title_span,
            clauses: rule
                .clauses
                .iter()
                .filter_map(|clause| {
                    let predicate = predicate(&clause.predicate, diagnostics)?;
                    Some(CompiledClause {
                        scope: clause.scope.iter().map(|n| n.text.clone()).collect(),
                        predicate,
                        span: clause.predicate.span,
                    })
                })
                .collect(),
        })
        .collect()
}

fn ill_typed(span: Span, message: String, help: Option<String>) -> Diagnostic {
    Diagnostic::new(Code::E0502, message)
        .at(span, "here")
        .maybe_help(help)
}

fn predicate(expr: &Expr, diagnostics: &mut Vec<Diagnostic>) -> Option<Predicate> {
    match &expr.kind {
        ExprKind::Or(a, b) => Some(Predicate::Or(
            Box::new(predicate(a, diagnostics)?),
            Box::new(predicate(b, diagnostics)?),
        )),
        ExprKind::And(a, b) => Some(Predicate::And(
            Box::new(predicate(a, diagnostics)?),
            Box::new(predicate(b, diagnostics)?),
        )),
        ExprKind::Not(a) => Some(Predicate::Not(Box::new(predicate(a, diagnostics)?))),
        ExprKind::Field(name) => match field_type(name) {
            Some(Ty::Bool) => Some(Predicate::Flag(name.clone())),
            Some(other) => {
                diagnostics.push(ill_typed(
                    expr.span,
                    format!("`{name}` is {}, not a condition", other.describe()),
                    Some(format!("compare it, for example `{name} == ...`")),
                ));
                None
            }
            None => {
                diagnostics.push(unknown_field(name, expr.span));
                None
            }
        },
        ExprKind::Literal(_) => {
            diagnostics.push(ill_typed(
                expr.span,
                "a rule clause must be a condition, not a value".into(),
                Some("compare a field with it, for example `replicas >= 2`".into()),
            ));
            None
        }
        ExprKind::Compare(left, op, right) => compare(left, *op, right, expr.span, diagnostics),
    }
}

fn unknown_field(name: &str, span: Span) -> Diagnostic {
    let names = FIELDS.iter().map(|(n, _)| *n).chain(["hosts"]);
    Diagnostic::new(Code::E0502, format!("rules cannot read `{name}`"))
        .at(span, "unknown field")
        .maybe_help(suggest::help_for(name, names.clone()).or_else(|| {
            Some(format!(
                "rules read {}",
                names.collect::<Vec<_>>().join(", ")
            ))
        }))
}

fn compare(
    left: &Expr,
    op: CompareOp,
    right: &Expr,
    span: Span,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Predicate> {
    // The field side decides how a literal on the other side is read.
    let left_ty = operand_type(left, diagnostics)?;
    let right_ty = operand_type(right, diagnostics)?;
    let expected = match (&left_ty, &right_ty, op) {
        (Some(l), _, CompareOp::In | CompareOp::NotIn) => Some(Ty::List(Box::new(l.clone())))
            .filter(|_| true)
            .map(|t| (l.clone(), t)),
        (None, Some(Ty::List(inner)), CompareOp::In | CompareOp::NotIn) => {
            Some(((**inner).clone(), Ty::List(inner.clone())))
        }
        (Some(l), _, _) => Some((l.clone(), l.clone())),
        (None, Some(r), _) => Some((r.clone(), r.clone())),
        (None, None, _) => None,
    };
    let Some((left_expected, right_expected)) = expected else {
        diagnostics.push(ill_typed(
            span,
            "a comparison needs a field on one side".into(),
            Some("compare a field of the app, such as `replicas >= 2`".into()),
        ));
        return None;
    };
    let left_operand = operand(left, &left_expected, diagnostics)?;
    let right_operand = operand(right, &right_expected, diagnostics)?;
    let mut regex = None;
    match op {
        CompareOp::Lt | CompareOp::Le | CompareOp::Gt | CompareOp::Ge
            if !left_expected.ordered() =>
        {
            diagnostics.push(ill_typed(
                span,
                format!(
                    "`{}` cannot order {}",
                    op.symbol(),
                    left_expected.describe()
                ),
                Some("use `==` or `!=`, or `=~` to match a regular expression".into()),
            ));
            return None;
        }
        CompareOp::Matches | CompareOp::NotMatches => {
            let Operand::Const(RValue::Str(pattern)) = &right_operand else {
                diagnostics.push(ill_typed(
                    right.span,
                    format!(
                        "`{}` takes a regular expression string on its right",
                        op.symbol()
                    ),
                    None,
                ));
                return None;
            };
            if left_expected != Ty::Str {
                diagnostics.push(ill_typed(
                    left.span,
                    format!(
                        "`{}` matches strings, not {}",
                        op.symbol(),
                        left_expected.describe()
                    ),
                    None,
                ));
                return None;
            }
            match Regex::new(pattern) {
                Ok(r) => regex = Some(r),
                Err(e) => {
                    let detail = e.to_string();
                    let last = detail
                        .lines()
                        .last()
                        .unwrap_or("invalid")
                        .trim()
                        .to_string();
                    diagnostics.push(
                        Diagnostic::new(Code::E0503, "invalid regular expression")
                            .at(right.span, last)
                            .help("the syntax is that of Rust's regex crate; escape special characters with \\\\"),
                    );
                    return None;
                }
            }
        }
        _ => {}
    }
    Some(Predicate::Compare(left_operand, op, right_operand, regex))
}

/// The type of a field operand (Some), or None for a literal whose type comes
/// from the other side. Reports unknown fields.
fn operand_type(expr: &Expr, diagnostics: &mut Vec<Diagnostic>) -> Option<Option<Ty>> {
    match &expr.kind {
        ExprKind::Field(name) => match field_type(name) {
            Some(t) => Some(Some(t)),
            None => {
                diagnostics.push(unknown_field(name, expr.span));
                None
            }
        },
        ExprKind::Literal(_) => Some(None),
        _ => {
            diagnostics.push(ill_typed(
                expr.span,
                "a comparison compares a field with a value".into(),
                Some("combine comparisons with `and`, `or` and `not`, such as `replicas >= 2 and memory <= 2Gi`".into()),
            ));
            None
        }
    }
}

fn operand(expr: &Expr, expected: &Ty, diagnostics: &mut Vec<Diagnostic>) -> Option<Operand> {
    match &expr.kind {
        ExprKind::Field(name) => {
            let actual = field_type(name).expect("checked by operand_type");
            if &actual != expected {
                diagnostics.push(ill_typed(
                    expr.span,
                    format!(
                        "`{name}` is {}, but {} is expected here",
                        actual.describe(),
                        expected.describe()
                    ),
                    None,
                ));
                return None;
            }
            Some(Operand::Field(name.clone()))
        }
        ExprKind::Literal(value) => literal(value, expected, diagnostics).map(Operand::Const),
        _ => unreachable!("operand_type rejected other expressions"),
    }
}

fn literal(
    value: &crate::syntax::ast::Value,
    expected: &Ty,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<RValue> {
    let mismatch = |diagnostics: &mut Vec<Diagnostic>, help: Option<String>| {
        diagnostics.push(ill_typed(
            value.span,
            format!(
                "expected {}, found {}",
                expected.describe(),
                value.kind.describe()
            ),
            help,
        ));
        None
    };
    match (&value.kind, expected) {
        (ValueKind::Str(s), Ty::Str) => Some(RValue::Str(s.clone())),
        (ValueKind::Str(s), Ty::Version) => match validate::chart_version(s) {
            Ok(v) => Some(RValue::Version(v)),
            Err(help) => mismatch(diagnostics, Some(help)),
        },
        (ValueKind::Bool(b), Ty::Bool) => Some(RValue::Bool(*b)),
        (ValueKind::Number(n), Ty::Int) => match n.parse::<i64>() {
            Ok(i) => Some(RValue::Int(i)),
            Err(_) => {
                diagnostics.push(ill_typed(
                    value.span,
                    format!("`{n}` is not a whole number"),
                    Some("this field is a plain count, without a unit".into()),
                ));
                None
            }
        },
        (ValueKind::Number(n), Ty::Memory | Ty::Cpu) => {
            let dimension = if *expected == Ty::Memory {
                Dimension::Memory
            } else {
                Dimension::Cpu
            };
            match quantity::parse(n, dimension) {
                Ok(q) => Some(RValue::Number(q.value)),
                Err(help) => {
                    diagnostics.push(
                        Diagnostic::new(Code::E0303, format!("`{n}` is not a valid quantity"))
                            .at(value.span, "invalid quantity")
                            .help(help),
                    );
                    None
                }
            }
        }
        (ValueKind::Number(n), Ty::Duration) => match validate::duration_seconds(n) {
            Ok(s) => Some(RValue::Int(s as i64)),
            Err(help) => {
                diagnostics.push(
                    Diagnostic::new(Code::E0310, format!("`{n}` is not a valid duration"))
                        .at(value.span, "invalid duration")
                        .help(help),
                );
                None
            }
        },
        (ValueKind::List(items), Ty::List(inner)) => {
            let values: Option<Vec<RValue>> = items
                .iter()
                .map(|i| literal(i, inner, diagnostics))
                .collect();
            values.map(RValue::List)
        }
        (ValueKind::Number(n), Ty::Str) => {
            mismatch(diagnostics, Some(format!("quote it: \"{n}\"")))
        }
        (ValueKind::Str(s), Ty::Int) if s.parse::<i64>().is_ok() => mismatch(
            diagnostics,
            Some(format!("write the number without quotes: {s}")),
        ),
        _ => mismatch(diagnostics, None),
    }
}

/// Runs every rule on every release of the environments in its scope.
pub fn evaluate(rules: &[CompiledRule], model: &Model, diagnostics: &mut Vec<Diagnostic>) {
    for rule in rules {
        for clause in &rule.clauses {
            for env in &model.environments {
                if !clause.scope.is_empty() && !clause.scope.contains(&env.name) {
                    continue;
                }
                for release in &env.releases {
                    let reader = Reader {
                        release,
                        env_name: &env.name,
                        protected: env.protected,
                    };
                    if reader.holds(&clause.predicate) {
                        continue;
                    }
                    let mut diagnostic = Diagnostic::new(
                        Code::E0501,
                        format!(
                            "rule \"{}\" is violated by `{}` in `{}`",
                            rule.title, release.app, env.name
                        ),
                    )
                    .at(clause.span, "this does not hold");
                    let mut fields = Vec::new();
                    collect_fields(&clause.predicate, &mut fields);
                    for field in fields {
                        match reader.provenance(field) {
                            Some(p) => {
                                let shown = reader.show(field);
                                diagnostic = diagnostic.also(
                                    p.span(),
                                    format!("`{field}` is {shown} here, set by {}", p.origin),
                                );
                            }
                            None if reader.value(field) == RValue::Unset => {
                                diagnostic = diagnostic.also(
                                    release.tag.provenance.span(),
                                    format!("`{field}` is not set for `{}` here", release.app),
                                );
                            }
                            None => {}
                        }
                    }
                    diagnostics.push(diagnostic.also(rule.title_span, "rule declared here").help(format!(
                        "change the value for `{}` in `{}`, or narrow the rule with `in ENV:`",
                        release.app, env.name
                    )));
                }
            }
        }
    }
}

fn collect_fields<'p>(predicate: &'p Predicate, out: &mut Vec<&'p str>) {
    let mut add = |name: &'p str| {
        if !out.contains(&name) {
            out.push(name);
        }
    };
    match predicate {
        Predicate::Or(a, b) | Predicate::And(a, b) => {
            collect_fields(a, out);
            collect_fields(b, out);
        }
        Predicate::Not(a) => collect_fields(a, out),
        Predicate::Flag(name) => add(name),
        Predicate::Compare(l, _, r, _) => {
            for operand in [l, r] {
                if let Operand::Field(name) = operand {
                    add(name);
                }
            }
        }
    }
}

struct Reader<'m> {
    release: &'m Release,
    env_name: &'m str,
    protected: bool,
}

impl Reader<'_> {
    fn holds(&self, predicate: &Predicate) -> bool {
        match predicate {
            Predicate::Or(a, b) => self.holds(a) || self.holds(b),
            Predicate::And(a, b) => self.holds(a) && self.holds(b),
            Predicate::Not(a) => !self.holds(a),
            Predicate::Flag(name) => self.value(name) == RValue::Bool(true),
            Predicate::Compare(l, op, r, regex) => {
                let (l, r) = (self.operand(l), self.operand(r));
                if l == RValue::Unset || r == RValue::Unset {
                    return matches!(op, CompareOp::Ne | CompareOp::NotIn | CompareOp::NotMatches);
                }
                match op {
                    CompareOp::Eq => l == r,
                    CompareOp::Ne => l != r,
                    CompareOp::Lt => order(&l, &r).is_some_and(|o| o.is_lt()),
                    CompareOp::Le => order(&l, &r).is_some_and(|o| o.is_le()),
                    CompareOp::Gt => order(&l, &r).is_some_and(|o| o.is_gt()),
                    CompareOp::Ge => order(&l, &r).is_some_and(|o| o.is_ge()),
                    CompareOp::Matches | CompareOp::NotMatches => {
                        let matched =
                            matches!((&l, regex), (RValue::Str(s), Some(re)) if re.is_match(s));
                        matched == (*op == CompareOp::Matches)
                    }
                    CompareOp::In | CompareOp::NotIn => {
                        let found = matches!(&r, RValue::List(items) if items.contains(&l));
                        found == (*op == CompareOp::In)
                    }
                }
            }
        }
    }

    fn operand(&self, operand: &Operand) -> RValue {
        match operand {
            Operand::Field(name) => self.value(name),
            Operand::Const(v) => v.clone(),
        }
    }

    fn value(&self, field: &str) -> RValue {
        let r = self.release;
        let text = |t: &Text| match t {
            Text::Literal(s) => RValue::Str(s.clone()),
            Text::FromEnvironment(_) => RValue::Unset,
        };
        match field {
            "app" => RValue::Str(r.app.clone()),
            "env" => RValue::Str(self.env_name.to_string()),
            "namespace" => RValue::Str(r.namespace.value.to_string()),
            "image" => RValue::Str(r.image.value.clone()),
            "tag" => text(&r.tag.value),
            "chart" => RValue::Str(r.chart.value.to_string()),
            "chart_version" => semver::Version::parse(&r.chart_version.value)
                .map_or(RValue::Unset, RValue::Version),
            "replicas" => r
                .replicas
                .as_ref()
                .map_or(RValue::Unset, |v| RValue::Int(v.value.into())),
            "port" => r
                .ports
                .first()
                .map_or(RValue::Unset, |p| RValue::Int(p.value.number.into())),
            "memory" => quantity_value(&r.resources.memory_request),
            "memory_limit" => quantity_value(&r.resources.memory_limit),
            "cpu" => quantity_value(&r.resources.cpu_request),
            "cpu_limit" => quantity_value(&r.resources.cpu_limit),
            "timeout" => r
                .timeout_seconds
                .as_ref()
                .map_or(RValue::Unset, |t| RValue::Int(t.value as i64)),
            "protected" => RValue::Bool(self.protected),
            "wait" => RValue::Bool(r.wait.as_ref().is_some_and(|w| w.value)),
            "freeze" => RValue::Bool(r.freeze.as_ref().is_some_and(|w| w.value)),
            "hosts" => RValue::List(
                r.hosts
                    .iter()
                    .map(|h| RValue::Str(h.value.clone()))
                    .collect(),
            ),
            _ => RValue::Unset,
        }
    }

    /// The value as the user wrote it, for messages.
    fn show(&self, field: &str) -> String {
        let r = &self.release.resources;
        let quantity = |q: &Option<crate::model::Sourced<std::sync::Arc<quantity::Quantity>>>| {
            q.as_ref().map(|q| q.value.text.clone())
        };
        let text = match field {
            "memory" => quantity(&r.memory_request),
            "memory_limit" => quantity(&r.memory_limit),
            "cpu" => quantity(&r.cpu_request),
            "cpu_limit" => quantity(&r.cpu_limit),
            _ => None,
        };
        text.unwrap_or_else(|| match self.value(field) {
            RValue::Str(s) => format!("\"{s}\""),
            RValue::Int(i) => i.to_string(),
            RValue::Number(n) => n.to_string(),
            RValue::Version(v) => format!("\"{v}\""),
            RValue::Bool(b) => b.to_string(),
            RValue::List(items) => format!("a list of {}", items.len()),
            RValue::Unset => "unset".into(),
        })
    }

    fn provenance(&self, field: &str) -> Option<&Provenance> {
        let r = self.release;
        let res = &r.resources;
        Some(match field {
            "namespace" => &r.namespace.provenance,
            "image" => &r.image.provenance,
            "tag" => &r.tag.provenance,
            "chart" => &r.chart.provenance,
            "chart_version" => &r.chart_version.provenance,
            "replicas" => &r.replicas.as_ref()?.provenance,
            "port" => &r.ports.first()?.provenance,
            "memory" => &res.memory_request.as_ref()?.provenance,
            "memory_limit" => &res.memory_limit.as_ref()?.provenance,
            "cpu" => &res.cpu_request.as_ref()?.provenance,
            "cpu_limit" => &res.cpu_limit.as_ref()?.provenance,
            "timeout" => &r.timeout_seconds.as_ref()?.provenance,
            "wait" => &r.wait.as_ref()?.provenance,
            "freeze" => &r.freeze.as_ref()?.provenance,
            "hosts" => &r.hosts.first()?.provenance,
            _ => return None,
        })
    }
}

fn quantity_value(q: &Option<crate::model::Sourced<std::sync::Arc<quantity::Quantity>>>) -> RValue {
    q.as_ref()
        .map_or(RValue::Unset, |q| RValue::Number(q.value.value))
}

fn order(l: &RValue, r: &RValue) -> Option<std::cmp::Ordering> {
    match (l, r) {
        (RValue::Int(a), RValue::Int(b)) => Some(a.cmp(b)),
        (RValue::Number(a), RValue::Number(b)) => a.partial_cmp(b),
        (RValue::Version(a), RValue::Version(b)) => Some(a.cmp(b)),
        _ => None,
    }
}
