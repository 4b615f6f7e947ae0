//! Rule predicates: operators with single spaces, the author's parentheses
//! kept (the tree drops them, so they are found again around each node), and
//! a line break kept before an `and` or `or` that was written on a new line.

use super::layout::indent;
use super::printer::Printer;
use crate::syntax::ast::{Expr, ExprKind, RuleClause};

impl Printer<'_, '_> {
    /// Where a clause ends in the text (after any closing parenthesis).
    pub fn clause_end(&self, clause: &RuleClause) -> usize {
        self.outer(&clause.predicate).1
    }

    /// A clause as lines; lines after the first are continuation lines, to
    /// be indented one level deeper than the clause.
    pub fn clause(&mut self, clause: &RuleClause) -> Vec<String> {
        let mut lines = vec![String::new()];
        if !clause.scope.is_empty() {
            let names: Vec<&str> = clause.scope.iter().map(|n| n.text.as_str()).collect();
            lines[0] = format!("in {}: ", names.join(", "));
        }
        self.expr(&clause.predicate, None, 0, &mut lines);
        lines
    }

    /// The text a node covers, without parentheses around it. The tree's
    /// span of `a or b` starts at `a` itself, so a binary node's extent is
    /// taken from its operands with their parentheses.
    fn extent(&self, expr: &Expr) -> (usize, usize) {
        match &expr.kind {
            ExprKind::Or(l, r) | ExprKind::And(l, r) => (self.outer(l).0, self.outer(r).1),
            _ => (expr.span.start as usize, expr.span.end as usize),
        }
    }

    /// The text a node covers with the parentheses written around it, and
    /// how many pairs there are.
    fn outer(&self, expr: &Expr) -> (usize, usize, usize) {
        let (mut start, mut end) = self.extent(expr);
        let mut parens = 0;
        while let (Some((open, '(')), Some((close, ')'))) =
            (self.source.code_before(start), self.source.code_after(end))
        {
            if self.source.closing_paren(open) != Some(close) {
                break;
            }
            (start, end) = (open, close + 1);
            parens += 1;
        }
        (start, end, parens)
    }

    /// Writes `expr` at the end of `lines`. `parent` is the parent's extent:
    /// in `not not x` both negations cover the same text, and parentheses
    /// around it belong to the outer one. `depth` counts the parentheses
    /// open around it: a line broken inside them is indented that much more.
    fn expr(
        &mut self,
        expr: &Expr,
        parent: Option<(usize, usize)>,
        depth: usize,
        lines: &mut Vec<String>,
    ) {
        let extent = self.extent(expr);
        let parens = if parent == Some(extent) {
            0
        } else {
            self.outer(expr).2
        };
        push(lines, &"(".repeat(parens));
        let depth = depth + parens;
        let continuation = indent(depth);
        match &expr.kind {
            ExprKind::Or(left, right) | ExprKind::And(left, right) => {
                let op = if matches!(expr.kind, ExprKind::Or(..)) {
                    "or"
                } else {
                    "and"
                };
                self.expr(left, Some(extent), depth, lines);
                let gap = (self.outer(left).1, self.outer(right).0);
                if self.source.has_newline(gap.0, gap.1) {
                    for i in self.take_comments(gap.0, gap.1) {
                        let comment = &self.source.comments[i];
                        if comment.own_line || self.source.has_newline(gap.0, comment.start) {
                            lines.push(format!("{continuation}{}", comment.text));
                        } else {
                            push(lines, "  ");
                            push(lines, &comment.text);
                        }
                    }
                    lines.push(format!("{continuation}{op} "));
                } else {
                    push(lines, &format!(" {op} "));
                }
                self.expr(right, Some(extent), depth, lines);
            }
            ExprKind::Not(inner) => {
                push(lines, "not ");
                self.expr(inner, Some(extent), depth, lines);
            }
            ExprKind::Compare(left, op, right) => {
                self.expr(left, Some(extent), depth, lines);
                push(lines, &format!(" {} ", op.symbol()));
                self.expr(right, Some(extent), depth, lines);
            }
            ExprKind::Field(name) => push(lines, name),
            ExprKind::Literal(value) => {
                let text = self.value(value, 0, true);
                push(lines, &text);
            }
        }
        push(lines, &")".repeat(parens));
    }
}

fn push(lines: &mut [String], text: &str) {
    if let Some(last) = lines.last_mut() {
        last.push_str(text);
    }
}
