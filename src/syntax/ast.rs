//! The syntax tree: what a file says, with a span on every node, judged by
//! nothing yet (`512MB` is still just the text `512MB`).

use crate::source::Span;

/// A name as written, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// One parsed `.env` file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    pub declarations: Vec<Declaration>,
}

/// The kinds of top-level declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DeclKind {
    Platform,
    HelmRepo,
    Secret,
    Chart,
    Template,
    App,
    Environment,
}

impl DeclKind {
    pub fn keyword(self) -> &'static str {
        match self {
            DeclKind::Platform => "platform",
            DeclKind::HelmRepo => "helm_repo",
            DeclKind::Secret => "secret",
            DeclKind::Chart => "chart",
            DeclKind::Template => "template",
            DeclKind::App => "app",
            DeclKind::Environment => "environment",
        }
    }
}

/// A top-level declaration.
#[derive(Debug, Clone, PartialEq)]
pub enum Declaration {
    /// `platform`, `secret`, `chart`, `template`, `app`, `environment`.
    Block(BlockDecl),
    /// `helm_repo NAME = "URL"`.
    HelmRepo(HelmRepoDecl),
    /// `rule "TEXT" { ... }`.
    Rule(RuleDecl),
    /// `promotion { ... }`.
    Promotion(PromotionDecl),
}

/// `promotion { steps }`.
#[derive(Debug, Clone, PartialEq)]
pub struct PromotionDecl {
    pub steps: Vec<Step>,
    pub span: Span,
}

/// `FROM -> TO via HOW [{ settings }]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub from: Name,
    pub to: Name,
    pub via: Name,
    pub settings: Option<Block>,
    pub span: Span,
}

/// A declaration with a name, an optional parent and a body.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockDecl {
    pub kind: DeclKind,
    pub name: Name,
    pub parent: Option<Name>,
    pub body: Block,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HelmRepoDecl {
    pub name: Name,
    pub url: Value,
    pub span: Span,
}

/// `{ ... }`: fields and deployments in source order.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub fields: Vec<Field>,
    pub deploys: Vec<Deploy>,
    pub span: Span,
}

/// `key = value`, or `key { ... }` (a map value).
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub key: Name,
    pub value: Value,
    pub span: Span,
}

/// `deploy APP [@ VERSION] [{ overrides }]` inside an environment.
#[derive(Debug, Clone, PartialEq)]
pub struct Deploy {
    pub app: Name,
    pub version: Option<Value>,
    pub overrides: Option<Block>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

/// Blocks and calls are boxed: a value takes 40 bytes, and a large spec has
/// hundreds of thousands.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    /// A string literal, escapes already applied.
    Str(String),
    /// A number with an optional unit, as written: `8080`, `512Mi`, `0.5`, `90s`.
    Number(String),
    Bool(bool),
    List(Vec<Value>),
    Map(Box<Block>),
    /// `name(args)`.
    Call {
        function: Box<Name>,
        args: Box<[Value]>,
    },
    /// A bare name or `repo/name` path.
    Reference(String),
}

impl ValueKind {
    /// How the kind is called in messages ("a string", "a list", ...).
    pub fn describe(&self) -> &'static str {
        match self {
            ValueKind::Str(_) => "a string",
            ValueKind::Number(_) => "a number",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::List(_) => "a list",
            ValueKind::Map(_) => "a block",
            ValueKind::Call { .. } => "a function call",
            ValueKind::Reference(_) => "a name",
        }
    }
}

/// `rule "TEXT" { clauses }`.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDecl {
    pub title: String,
    pub title_span: Span,
    pub clauses: Vec<RuleClause>,
    pub span: Span,
}

/// `[in ENV, ...:] PREDICATE`.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleClause {
    pub scope: Vec<Name>,
    pub predicate: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Compare(Box<Expr>, CompareOp, Box<Expr>),
    /// A field of the app under test.
    Field(String),
    /// A literal (string, number, boolean or list).
    Literal(Value),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Matches,
    NotMatches,
    In,
    NotIn,
}

impl CompareOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Matches => "=~",
            CompareOp::NotMatches => "!~",
            CompareOp::In => "in",
            CompareOp::NotIn => "not in",
        }
    }
}
