//! The model: the fully resolved, checked desired state of every environment.
//!
//! Everything here is typed and final; nothing needs the syntax tree any more.
//! Each value that came from the spec keeps its [`Provenance`], so later tools
//! (hover, schema errors, promotion diffs) can say where it was set.

use std::sync::Arc;

use crate::check::quantity::Quantity;
use crate::resolve::Origin;
use crate::source::Span;

/// Where a value was written, and by which layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    pub origin: Origin,
    /// The span's offsets; its file is the origin's.
    start: u32,
    end: u32,
}

impl Provenance {
    /// `span` lies in the declaration of `origin`, which names its file.
    pub fn new(origin: Origin, span: Span) -> Self {
        debug_assert_eq!(
            span.file,
            origin.file(),
            "{origin} set a value in another file"
        );
        Provenance {
            origin,
            start: span.start,
            end: span.end,
        }
    }

    /// Where the value is written.
    pub fn span(&self) -> Span {
        Span {
            file: self.origin.file(),
            start: self.start,
            end: self.end,
        }
    }
}

/// A value with its provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced<T> {
    pub value: T,
    pub provenance: Provenance,
}

/// The whole platform: every environment, sorted by name.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub platform: Platform,
    pub environments: Vec<Environment>,
    /// The promotion chain, in source order.
    pub promotion: Vec<PromotionStep>,
    /// The charts that name a values schema, sorted by chart.
    pub chart_schemas: Vec<ChartSchemaRef>,
}

impl Model {
    pub fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments.iter().find(|e| e.name == name)
    }

    /// The step that promotes into `env`, if any.
    pub fn upstream_step(&self, env: &str) -> Option<&PromotionStep> {
        self.promotion.iter().find(|s| s.to == env)
    }
}

/// A chart declaration's `schema = "..."`: where the JSON schema of the
/// chart's values is, as written (reading it is the command line's job).
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSchemaRef {
    /// The chart, `repo/name`.
    pub chart: String,
    /// A `values.schema.json` file or a chart directory holding one, relative
    /// to the directory of `declared_in`.
    pub path: String,
    /// The file that declares the chart, relative to the spec directory.
    pub declared_in: String,
    /// The `schema` value.
    pub span: Span,
}

/// One step of the promotion chain.
#[derive(Debug, Clone, PartialEq)]
pub struct PromotionStep {
    pub from: String,
    pub to: String,
    pub via: Via,
    pub span: Span,
    /// The file that declares the step, relative to the spec directory.
    pub declared_in: String,
}

/// How a promotion step happens.
#[derive(Debug, Clone, PartialEq)]
pub enum Via {
    /// A user with `role` triggers it in Jenkins.
    Jenkins { role: String },
    /// A pull request from branch `from` to branch `to`, applied when approved.
    PullRequest { from: String, to: String },
    /// Promoted whenever the upstream changes.
    Auto,
}

impl Via {
    pub fn keyword(&self) -> &'static str {
        match self {
            Via::Jenkins { .. } => "jenkins",
            Via::PullRequest { .. } => "pull_request",
            Via::Auto => "auto",
        }
    }

    /// A sentence for people: who or what performs the step.
    pub fn describe(&self) -> String {
        match self {
            Via::Jenkins { role } => format!("a Jenkins promotion by a user with role `{role}`"),
            Via::PullRequest { from, to } => {
                format!("a pull request from branch `{from}` to branch `{to}`")
            }
            Via::Auto => "automatic, whenever the upstream changes".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Platform {
    pub name: String,
    pub org: Option<String>,
    pub maintainer: Option<String>,
    pub registry: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HelmRepo {
    pub name: String,
    pub url: String,
}

/// One environment and the releases it runs, sorted by app name.
#[derive(Debug, Clone, PartialEq)]
pub struct Environment {
    pub name: String,
    /// Where the environment is named in its declaration.
    pub span: Span,
    /// The file that declares it, relative to the spec directory.
    pub declared_in: String,
    pub kube_context: String,
    pub namespace: String,
    /// envspec's protection: only promotion may change it. Not Helmsman's flag.
    pub protected: bool,
    pub description: Option<String>,
    /// The chart repositories its releases use, sorted by name.
    pub helm_repos: Vec<HelmRepo>,
    pub releases: Vec<Release>,
}

impl Environment {
    /// Every namespace a release runs in, sorted, without repeats.
    pub fn namespaces(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.releases.iter().map(|r| &*r.namespace.value).collect();
        names.push(&self.namespace);
        names.sort_unstable();
        names.dedup();
        names
    }
}

/// One app as deployed in one environment. A large spec has tens of
/// thousands, so settings that most releases leave out are boxed, and
/// values that recur from release to release (charts, versions,
/// namespaces, variables) are shared.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    pub app: String,
    /// Where the app is named in its declaration.
    pub span: Span,
    /// The file that declares the app, relative to the spec directory.
    pub declared_in: Arc<str>,
    pub namespace: Sourced<Arc<str>>,
    pub description: Option<Box<Sourced<String>>>,
    pub group: Option<Box<Sourced<String>>>,
    /// Full image repository, registry included.
    pub image: Sourced<String>,
    pub tag: Sourced<Text>,
    pub chart: Sourced<Arc<ChartRef>>,
    pub chart_version: Sourced<Arc<str>>,
    pub replicas: Option<Sourced<u32>>,
    pub ports: Box<[Sourced<Port>]>,
    pub resources: Resources,
    pub env: Box<[Sourced<Arc<EnvVar>>]>,
    pub hosts: Box<[Sourced<String>]>,
    pub after: Box<[String]>,
    /// Helmsman priority: 0 or below, lower runs first.
    pub priority: i64,
    pub timeout_seconds: Option<Box<Sourced<u64>>>,
    pub wait: Option<Box<Sourced<bool>>>,
    /// Helmsman's `protected`: never touch the deployed release.
    pub freeze: Option<Box<Sourced<bool>>>,
    /// An emergency release outside the promotion chain, with its reason.
    pub hotfix: Option<Box<Sourced<String>>>,
    /// Settings that travel with the release on promotion, by path.
    pub travelling: Box<[Travelling]>,
    /// Chart-specific values, merged into the generated ones.
    pub extra_values: Box<[(String, Sourced<Extra>)]>,
    /// Where each key of the chart-specific values was set, nested keys
    /// included, by its key path; schema errors point there.
    pub value_sources: Box<[(Vec<String>, Provenance)]>,
    /// Where the typed fields go in this chart's values; shared, since most
    /// releases use `helm create`'s.
    pub layout: std::sync::Arc<ValuesLayout>,
}

/// A setting that moves with the release: its path (`env.SCHEMA_VERSION`)
/// and, when set, the source text of its value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Travelling {
    pub path: String,
    pub value: Option<Sourced<String>>,
}

/// A string known now, or one the CI supplies when Helmsman runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Text {
    Literal(String),
    /// `env_var("NAME")`: Helmsman substitutes `${NAME}` at apply time.
    FromEnvironment(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChartRef {
    pub repo: String,
    pub name: String,
}

impl std::fmt::Display for ChartRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.repo, self.name)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Port {
    pub name: String,
    pub number: u16,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resources {
    pub memory_request: Option<Sourced<Arc<Quantity>>>,
    pub memory_limit: Option<Sourced<Arc<Quantity>>>,
    pub cpu_request: Option<Sourced<Arc<Quantity>>>,
    pub cpu_limit: Option<Sourced<Arc<Quantity>>>,
}

impl Resources {
    pub fn is_empty(&self) -> bool {
        self.memory_request.is_none()
            && self.memory_limit.is_none()
            && self.cpu_request.is_none()
            && self.cpu_limit.is_none()
    }
}

/// A container variable. The same variable (`LOG_LEVEL = "info"`, a secret
/// reference) recurs in many releases of a large spec: releases share one
/// copy of it, and of each string in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnvVar {
    pub name: Arc<str>,
    pub source: EnvSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EnvSource {
    Literal(Arc<str>),
    /// `secret(name, key)`: a `secretKeyRef`, never the value.
    Secret {
        name: Arc<str>,
        key: Arc<str>,
    },
}

/// A chart-specific value.
#[derive(Debug, Clone, PartialEq)]
pub enum Extra {
    Str(Text),
    Int(i64),
    Float(f64),
    Bool(bool),
    List(Vec<Extra>),
    Map(Vec<(String, Extra)>),
}

/// Value paths (dotted) for each typed field; defaults follow `helm create`.
#[derive(Debug, Clone, PartialEq)]
pub struct ValuesLayout {
    pub image: String,
    pub tag: String,
    pub replicas: String,
    pub port: String,
    pub ports: String,
    pub resources: String,
    pub ingress: String,
    pub env: String,
}

impl Default for ValuesLayout {
    fn default() -> Self {
        ValuesLayout {
            image: "image.repository".into(),
            tag: "image.tag".into(),
            replicas: "replicaCount".into(),
            port: "service.port".into(),
            ports: "service.ports".into(),
            resources: "resources".into(),
            ingress: "ingress".into(),
            env: "env".into(),
        }
    }
}

impl ValuesLayout {
    /// `helm create`'s layout, one copy for every release that uses it.
    pub fn shared_default() -> std::sync::Arc<ValuesLayout> {
        static DEFAULT: std::sync::LazyLock<std::sync::Arc<ValuesLayout>> =
            std::sync::LazyLock::new(Default::default);
        DEFAULT.clone()
    }

    /// The field names a chart declaration may map, with their default paths.
    pub const FIELDS: &'static [&'static str] = &[
        "image",
        "tag",
        "replicas",
        "port",
        "ports",
        "resources",
        "ingress",
        "env",
    ];

    pub fn path_mut(&mut self, field: &str) -> Option<&mut String> {
        Some(match field {
            "image" => &mut self.image,
            "tag" => &mut self.tag,
            "replicas" => &mut self.replicas,
            "port" => &mut self.port,
            "ports" => &mut self.ports,
            "resources" => &mut self.resources,
            "ingress" => &mut self.ingress,
            "env" => &mut self.env,
            _ => return None,
        })
    }
}
