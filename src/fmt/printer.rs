//! Walks the syntax tree and writes each node in canonical form, placing the
//! comments of the text it walks over (see [`Printer::arrange`]).

use super::entry::{Entry, entries};
use super::escape::quote;
use super::layout::{Align, Container, LineComment, Piece, Shape, indent};
use super::source::Source;
use crate::syntax::ast::*;

/// The canonical text of a file that parsed to `file` from `text`.
pub fn print(file: &File, text: &str) -> String {
    let source = Source::new(text);
    let mut printer = Printer::new(&source);
    let items = file
        .declarations
        .iter()
        .map(|d| {
            let (start, end) = declaration_extent(d);
            let shape = printer.declaration(d);
            Item { start, end, shape }
        })
        .collect();
    let container = printer.arrange(0, text.len(), None, items);
    let lines = container.lines(0, true);
    if lines.is_empty() {
        String::new()
    } else {
        lines.join("\n") + "\n"
    }
}

fn declaration_extent(declaration: &Declaration) -> (usize, usize) {
    let span = match declaration {
        Declaration::Block(d) => d.span,
        Declaration::HelmRepo(d) => d.span,
        Declaration::Rule(d) => d.span,
        Declaration::Promotion(d) => d.span,
    };
    (span.start as usize, span.end as usize)
}

/// A node that starts a line of its container, with where it is in the text.
pub struct Item {
    pub start: usize,
    pub end: usize,
    pub shape: Shape,
}

pub struct Printer<'s, 't> {
    pub source: &'s Source<'t>,
    /// Which comments already have their place.
    placed: Vec<bool>,
}

impl<'s, 't> Printer<'s, 't> {
    pub fn new(source: &'s Source<'t>) -> Self {
        Printer {
            source,
            placed: vec![false; source.comments.len()],
        }
    }

    /// Takes the comments not placed yet that start in `start..end`.
    pub fn take_comments(&mut self, start: usize, end: usize) -> Vec<usize> {
        let comments = &self.source.comments;
        let first = comments.partition_point(|c| c.start < start);
        let last = comments.partition_point(|c| c.start < end);
        let taken: Vec<usize> = (first..last).filter(|&i| !self.placed[i]).collect();
        for &i in &taken {
            self.placed[i] = true;
        }
        taken
    }

    fn has_comments(&self, start: usize, end: usize) -> bool {
        let comments = &self.source.comments;
        comments.partition_point(|c| c.start < start) < comments.partition_point(|c| c.start < end)
    }

    /// Attaches the comments of a container's inside, `start..end`, to its
    /// items (already printed, so the comments inside them are placed):
    ///
    /// - a comment inside an item that the item's layout did not place goes
    ///   on a line of its own right above the item;
    /// - a comment after code on the line where an item ends stays at the end
    ///   of that line;
    /// - a comment on the line of the opening bracket (`open`), before the
    ///   first item, stays there;
    /// - any other comment goes on a line of its own above the next item, or
    ///   after the last one.
    pub fn arrange(
        &mut self,
        start: usize,
        end: usize,
        open: Option<usize>,
        items: Vec<Item>,
    ) -> Container {
        let source = self.source;
        let mut container = Container::default();
        let mut bounds = Vec::with_capacity(items.len());
        for item in items {
            let hoisted = self
                .take_comments(item.start, item.end)
                .into_iter()
                .map(|i| source.comments[i].text.clone())
                .collect();
            bounds.push((item.start, item.end));
            container.pieces.push(Piece {
                shape: item.shape,
                leading: Vec::new(),
                hoisted,
                blank_before: source.blank_before(item.start),
                trailing: None,
            });
        }
        for i in self.take_comments(start, end) {
            let comment = &source.comments[i];
            let before = bounds.partition_point(|(_, e)| *e <= comment.start);
            let text = comment.text.clone();
            if !comment.own_line {
                if before > 0 && !source.has_newline(bounds[before - 1].1, comment.start) {
                    container.pieces[before - 1].trailing = Some(text);
                    continue;
                }
                if before == 0
                    && open.is_some_and(|o| !source.has_newline(o, comment.start))
                    && container.open_comment.is_none()
                {
                    container.open_comment = Some(text);
                    continue;
                }
            }
            let line = LineComment {
                blank_before: source.blank_before(comment.start),
                text,
            };
            match container.pieces.get_mut(before) {
                Some(piece) => piece.leading.push(line),
                None => container.dangling.push(line),
            }
        }
        container
    }

    /// A multi-line container between `open_text` and `close_text`, its
    /// items at `level + 1`.
    fn wrap(
        &self,
        open_text: &str,
        container: &Container,
        level: usize,
        close_text: &str,
    ) -> String {
        let mut text = open_text.to_string();
        if let Some(comment) = &container.open_comment {
            text.push_str("  ");
            text.push_str(comment);
        }
        for line in container.lines(level + 1, false) {
            text.push('\n');
            text.push_str(&line);
        }
        text.push('\n');
        text.push_str(&indent(level));
        text.push_str(close_text);
        text
    }

    // ---- declarations ----

    fn declaration(&mut self, declaration: &Declaration) -> Shape {
        let text = match declaration {
            Declaration::Block(decl) => {
                let parent = decl
                    .parent
                    .as_ref()
                    .map(|p| format!(" : {}", p.text))
                    .unwrap_or_default();
                format!(
                    "{} {}{parent} {}",
                    decl.kind.keyword(),
                    decl.name.text,
                    self.block(&decl.body, 0, false)
                )
            }
            Declaration::HelmRepo(repo) => format!(
                "helm_repo {} = {}",
                repo.name.text,
                self.value(&repo.url, 0, false)
            ),
            Declaration::Rule(rule) => {
                format!("rule {} {}", quote(&rule.title), self.rule_body(rule))
            }
            Declaration::Promotion(promotion) => {
                format!("promotion {}", self.promotion_body(promotion))
            }
        };
        Shape::text(text)
    }

    fn rule_body(&mut self, rule: &RuleDecl) -> String {
        let open = self.source.skip_trivia(rule.title_span.end as usize);
        let close = rule.span.end as usize - 1;
        let mut next = open + 1;
        let mut items = Vec::new();
        for clause in &rule.clauses {
            let start = self.source.skip_trivia(next);
            let end = self.clause_end(clause);
            let lines = self.clause(clause);
            let shape = Shape::text(lines.join(&format!("\n{}", indent(2))));
            items.push(Item { start, end, shape });
            next = end;
        }
        self.body(open, close, items, 0)
    }

    fn promotion_body(&mut self, promotion: &PromotionDecl) -> String {
        let keyword_end = promotion.span.start as usize + "promotion".len();
        let open = self.source.skip_trivia(keyword_end);
        let close = promotion.span.end as usize - 1;
        let items = promotion
            .steps
            .iter()
            .map(|step| {
                let mut cells = vec![
                    step.from.text.clone(),
                    "->".to_string(),
                    step.to.text.clone(),
                    "via".to_string(),
                    step.via.text.clone(),
                ];
                if let Some(settings) = &step.settings {
                    cells.push(self.block(settings, 1, false));
                }
                Item {
                    start: step.span.start as usize,
                    end: step.span.end as usize,
                    shape: Shape::cells(Align::Step, cells),
                }
            })
            .collect();
        self.body(open, close, items, 0)
    }

    /// A `{ ... }` of items that have no separators (rule clauses, promotion
    /// steps): inline when written on one line with at most one item.
    fn body(&mut self, open: usize, close: usize, items: Vec<Item>, level: usize) -> String {
        if !self.source.has_newline(open, close) && items.len() <= 1 {
            return match items.into_iter().next() {
                None => "{ }".to_string(),
                Some(item) => format!("{{ {} }}", one_line(item.shape)),
            };
        }
        if items.is_empty() && !self.has_comments(open, close) {
            return "{ }".to_string();
        }
        let container = self.arrange(open + 1, close, Some(open), items);
        self.wrap("{", &container, level, "}")
    }

    // ---- blocks and entries ----

    /// A block whose first line is at `level`. `inline` forces one line (in
    /// a rule predicate); otherwise a block stays on one line only when it
    /// was written on one line.
    pub fn block(&mut self, block: &Block, level: usize, inline: bool) -> String {
        let open = block.span.start as usize;
        let close = block.span.end as usize - 1;
        let entries = entries(block);
        if inline || !self.source.has_newline(open, close) {
            if entries.is_empty() {
                return "{ }".to_string();
            }
            let parts: Vec<String> = entries
                .iter()
                .map(|e| one_line(self.entry(*e, level, true)))
                .collect();
            return format!("{{ {} }}", parts.join(", "));
        }
        if entries.is_empty() && !self.has_comments(open, close) {
            return "{ }".to_string();
        }
        let items = entries
            .iter()
            .map(|e| Item {
                start: e.span().start as usize,
                end: e.span().end as usize,
                shape: self.entry(*e, level + 1, false),
            })
            .collect();
        let container = self.arrange(open + 1, close, Some(open), items);
        self.wrap("{", &container, level, "}")
    }

    fn entry(&mut self, entry: Entry<'_>, level: usize, inline: bool) -> Shape {
        match entry {
            Entry::Field(field) => {
                let key = self.key(&field.key);
                match &field.value.kind {
                    ValueKind::Map(block) => {
                        Shape::text(format!("{key} {}", self.block(block, level, inline)))
                    }
                    _ => {
                        let value = self.value(&field.value, level, inline);
                        Shape::cells(Align::Field, vec![key, "=".into(), value])
                    }
                }
            }
            Entry::Deploy(deploy) => {
                let overrides = deploy
                    .overrides
                    .as_ref()
                    .map(|b| self.block(b, level, inline));
                match &deploy.version {
                    Some(version) => {
                        let mut rest = self.value(version, level, inline);
                        if let Some(overrides) = overrides {
                            rest = format!("{rest} {overrides}");
                        }
                        Shape::cells(
                            Align::Deploy,
                            vec!["deploy".into(), deploy.app.text.clone(), "@".into(), rest],
                        )
                    }
                    None => {
                        let mut text = format!("deploy {}", deploy.app.text);
                        if let Some(overrides) = overrides {
                            text = format!("{text} {overrides}");
                        }
                        Shape::text(text)
                    }
                }
            }
        }
    }

    /// A key as written: a name, or a string (re-escaped).
    fn key(&self, key: &Name) -> String {
        if self.source.text[key.span.start as usize..].starts_with('"') {
            quote(&key.text)
        } else {
            key.text.clone()
        }
    }

    // ---- values ----

    /// A value whose first line is at `level`.
    pub fn value(&mut self, value: &Value, level: usize, inline: bool) -> String {
        match &value.kind {
            ValueKind::Str(text) => quote(text),
            ValueKind::Number(text) | ValueKind::Reference(text) => text.clone(),
            ValueKind::Bool(b) => b.to_string(),
            ValueKind::Map(block) => self.block(block, level, inline),
            ValueKind::List(items) => {
                let open = value.span.start as usize;
                self.sequence(
                    items,
                    open,
                    value.span.end as usize - 1,
                    level,
                    inline,
                    ("[", "]"),
                )
            }
            ValueKind::Call { function, args } => {
                let open = self.source.skip_trivia(function.span.end as usize);
                let arguments = self.sequence(
                    args,
                    open,
                    value.span.end as usize - 1,
                    level,
                    inline,
                    ("(", ")"),
                );
                format!("{}{arguments}", function.text)
            }
        }
    }

    /// List items or call arguments between the brackets at `open` and
    /// `close`: `[a, b]` when written on one line, else one per line with a
    /// trailing comma.
    fn sequence(
        &mut self,
        values: &[Value],
        open: usize,
        close: usize,
        level: usize,
        inline: bool,
        (open_text, close_text): (&str, &str),
    ) -> String {
        let empty = values.is_empty() && !self.has_comments(open, close);
        if inline || empty || !self.source.has_newline(open, close) {
            let parts: Vec<String> = values.iter().map(|v| self.value(v, level, true)).collect();
            return format!("{open_text}{}{close_text}", parts.join(", "));
        }
        let items = values
            .iter()
            .map(|v| Item {
                start: v.span.start as usize,
                end: v.span.end as usize,
                shape: Shape::text(format!("{},", self.value(v, level + 1, false))),
            })
            .collect();
        let container = self.arrange(open + 1, close, Some(open), items);
        self.wrap(open_text, &container, level, close_text)
    }
}

/// A shape known to fit on one line, as text.
fn one_line(shape: Shape) -> String {
    match shape {
        Shape::Row { cells, .. } => cells.join(" "),
        Shape::Lines(text) => text,
    }
}
