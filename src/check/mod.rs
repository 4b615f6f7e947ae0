//! Check: resolved declarations in, the typed [`Model`] out.
//!
//! Judges every value against its field's type (quantities, ports, names,
//! hosts, image references, versions, durations, URLs), interpolates strings,
//! checks the cross-field invariants (requests within limits, unique port
//! names, one app per host), computes Helmsman priorities from `after`, and
//! evaluates user rules. Errors are collected; a model is returned only when
//! there are none.

pub mod promotion;
pub mod quantity;
pub mod rules;
pub mod schema;
pub mod validate;

mod interpolate;

use std::sync::Arc;

use indexmap::IndexMap;

use crate::diag::{Code, Diagnostic, suggest};
use crate::model::{
    ChartRef, ChartSchemaRef, EnvSource, EnvVar, Environment, Extra, HelmRepo, Model, Platform,
    Port, Provenance, Release, Resources, Sourced, Text, Travelling, ValuesLayout,
};
use crate::resolve::{self, Merged, Origin, OriginKind, Resolved, Setting, Settings};
use crate::source::{Sources, Span};
use crate::syntax::ast::{BlockDecl, DeclKind, Value, ValueKind};
use interpolate::Context;
use quantity::{Dimension, Quantity};
use schema::{FieldSpec, FieldType};

/// Checks a resolved spec. Returns the model when no error was found.
pub fn check(
    resolved: &Resolved<'_>,
    sources: &Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Model> {
    let deployed = deployed_names(resolved);
    let mut checker = Checker::new(resolved, sources, &deployed, diagnostics);
    let platform = checker.platform();
    // Environments are checked independently, each into its own list of
    // diagnostics: spread them over the cores. Diagnostics are sorted later,
    // so the order they are gathered in does not show.
    let checked: Vec<(Option<Environment>, Vec<Diagnostic>)> = {
        use rayon::prelude::*;
        let environments: Vec<_> = resolved.environments.iter().collect();
        environments
            .into_par_iter()
            .map(|(name, environment)| {
                let mut diagnostics = Vec::new();
                let mut checker = Checker::new(resolved, sources, &deployed, &mut diagnostics);
                let env = checker.environment(name, environment, &platform);
                (env, diagnostics)
            })
            .collect()
    };
    let mut environments = Vec::new();
    for (env, found) in checked {
        checker.diagnostics.extend(found);
        environments.extend(env);
    }
    // After the environments, so that an error found in a deployment (with
    // real interpolated values) is the one kept when both report it.
    checker.declarations();
    let chart_schemas = checker.chart_schemas();
    let compiled_rules = rules::compile(&resolved.rules, checker.diagnostics);
    let promotion = promotion::steps(resolved, sources, checker.diagnostics);
    // Promotion invariants, rules and unused-declaration warnings judge the
    // whole spec: on a half-valid one (including name errors from resolve)
    // they would only add noise.
    let platform = platform.filter(|_| !has_errors(checker.diagnostics))?;
    checker.unused_declarations();
    let model = Model {
        platform,
        environments,
        promotion,
        chart_schemas,
    };
    promotion::invariants(&model, diagnostics);
    rules::evaluate(&compiled_rules, &model, diagnostics);
    (!has_errors(diagnostics)).then_some(model)
}

/// Apps deployed in some environment, and every template they inherit from.
fn deployed_names<'a>(resolved: &Resolved<'a>) -> std::collections::HashSet<&'a str> {
    let mut names = std::collections::HashSet::new();
    for deployment in resolved.environments.values().flat_map(|e| &e.deployments) {
        if !names.insert(deployment.app.name.text.as_str()) {
            continue; // its chain is in already
        }
        let mut parent = deployment.app.parent.as_ref();
        while let Some(name) = parent {
            let Some(template) = resolved.templates.get(name.text.as_str()) else {
                break;
            };
            if !names.insert(template.name.text.as_str()) {
                break; // seen (or a cycle, reported by resolve)
            }
            parent = template.parent.as_ref();
        }
    }
    names
}

/// Where each key of a `values` block was last set, nested keys included.
fn value_sources_of(
    prefix: &mut Vec<String>,
    block: &Settings<'_>,
    out: &mut Vec<(Vec<String>, Provenance)>,
) {
    for (key, entry) in block {
        prefix.push((*key).to_string());
        out.push((prefix.clone(), provenance(entry)));
        if let Merged::Block(inner) = &entry.merged {
            value_sources_of(prefix, inner, out);
        }
        prefix.pop();
    }
}

fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

struct Checker<'r, 'a, 'd> {
    resolved: &'r Resolved<'a>,
    sources: &'r Sources,
    diagnostics: &'d mut Vec<Diagnostic>,
    /// Names of the apps deployed somewhere and of the templates they inherit from.
    deployed: &'r std::collections::HashSet<&'a str>,
    /// The values of the model that recur from release to release, once each.
    shared: SharedValues,
}

/// One shared copy of each value that recurs from release to release.
struct Shared<T: ?Sized>(std::collections::HashSet<Arc<T>, rustc_hash::FxBuildHasher>);

impl<T: ?Sized> Default for Shared<T> {
    fn default() -> Self {
        Shared(Default::default())
    }
}

impl<T: ?Sized + std::hash::Hash + Eq> Shared<T> {
    fn get_or(&mut self, value: &T, make: impl FnOnce(&T) -> Arc<T>) -> Arc<T> {
        if let Some(shared) = self.0.get(value) {
            return shared.clone();
        }
        let shared = make(value);
        self.0.insert(shared.clone());
        shared
    }
}

impl Shared<str> {
    fn get(&mut self, text: &str) -> Arc<str> {
        self.get_or(text, |t| Arc::from(t))
    }
}

/// The shared values of one checker.
#[derive(Default)]
struct SharedValues {
    text: Shared<str>,
    env_vars: Shared<EnvVar>,
    charts: Shared<ChartRef>,
    /// Parsed quantities by dimension (`1` is a byte or a core), then text.
    quantities: [std::collections::HashMap<Box<str>, Arc<Quantity>, rustc_hash::FxBuildHasher>; 2],
}

impl SharedValues {
    fn get(&mut self, text: &str) -> Arc<str> {
        self.text.get(text)
    }
}

impl<'r, 'a, 'd> Checker<'r, 'a, 'd> {
    /// A checker that reports into `diagnostics`, with values shared among
    /// what it checks.
    fn new(
        resolved: &'r Resolved<'a>,
        sources: &'r Sources,
        deployed: &'r std::collections::HashSet<&'a str>,
        diagnostics: &'d mut Vec<Diagnostic>,
    ) -> Self {
        Checker {
            resolved,
            sources,
            diagnostics,
            deployed,
            shared: SharedValues::default(),
        }
    }
}

fn own_settings<'a>(decl: &'a BlockDecl) -> Settings<'a> {
    let origin = match decl.kind {
        DeclKind::Template => Origin::template(&decl.name),
        DeclKind::Environment => Origin::environment(&decl.name),
        _ => Origin::app(&decl.name),
    };
    let mut settings = Settings::default();
    resolve::merge::layer(&mut settings, &decl.body, &origin);
    settings
}

fn provenance(setting: &Setting<'_>) -> Provenance {
    Provenance::new(setting.origin.clone(), setting.value_span())
}

fn sourced<T>(value: T, setting: &Setting<'_>) -> Sourced<T> {
    Sourced {
        value,
        provenance: provenance(setting),
    }
}

impl<'a> Checker<'_, 'a, '_> {
    fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    // ---- every declaration, once: unknown fields and value types ----

    fn declarations(&mut self) {
        let resolved = self.resolved;
        let decls = resolved
            .platform
            .into_iter()
            .chain(resolved.secrets.values().copied())
            .chain(resolved.charts.values().copied())
            .chain(resolved.templates.values().copied())
            .chain(resolved.apps.values().copied())
            .chain(resolved.environments.values().map(|e| e.decl));
        // Each declaration is judged on its own: spread them over the cores,
        // each into its own diagnostics, gathered back in order.
        let decls: Vec<&BlockDecl> = decls.collect();
        let (sources, deployed) = (self.sources, self.deployed);
        let found: Vec<Vec<Diagnostic>> = {
            use rayon::prelude::*;
            decls
                .into_par_iter()
                .map(|decl| {
                    let mut diagnostics = Vec::new();
                    Checker::new(resolved, sources, deployed, &mut diagnostics).declaration(decl);
                    diagnostics
                })
                .collect()
        };
        self.diagnostics.extend(found.into_iter().flatten());
        for repo in resolved.helm_repos.values() {
            if let Some(url) = self.string_value(&repo.url, FieldType::Url, "helm_repo")
                && let Err(help) = validate::repo_url(&url)
            {
                self.push(
                    Diagnostic::new(
                        Code::E0311,
                        format!("`{url}` is not a chart repository URL"),
                    )
                    .at(repo.url.span, "invalid URL")
                    .help(help),
                );
            }
        }
    }

    fn declaration(&mut self, decl: &'a BlockDecl) {
        let kind = decl.kind;
        self.misplaced_deploys(&decl.body, kind == DeclKind::Environment);
        if kind == DeclKind::Environment {
            let origin = Origin::environment(&decl.name);
            for deploy in &decl.body.deploys {
                let Some(overrides) = &deploy.overrides else {
                    continue;
                };
                let mut settings = Settings::default();
                resolve::merge::layer(&mut settings, overrides, &origin);
                for setting in settings.values() {
                    self.known_field(DeclKind::App, setting);
                }
            }
        }
        if kind == DeclKind::App
            && let Err(help) = validate::dns_label(&decl.name.text, validate::MAX_RELEASE_NAME)
        {
            self.push(
                Diagnostic::new(
                    Code::E0305,
                    format!("`{}` is not a valid app name", decl.name.text),
                )
                .at(
                    decl.name.span,
                    "an app name is a Helm release name: a DNS-1123 label of at most 53 characters",
                )
                .help(help),
            );
        }
        if kind == DeclKind::Chart && !decl.name.text.contains('/') {
            self.push(
                Diagnostic::new(
                    Code::E0302,
                    format!("`{}` is not a chart reference", decl.name.text),
                )
                .at(decl.name.span, "expected `repo/name`")
                .help(format!(
                    "name the chart with its repository: chart stable/{} {{ ... }}",
                    decl.name.text
                )),
            );
        }
        let settings = own_settings(decl);
        let context = Context::standalone(
            self.platform_name(),
            decl,
            self.checked_by_deployments(decl),
        );
        for setting in settings.values() {
            let Some(spec) = self.known_field(kind, setting) else {
                continue;
            };
            self.typed_value(spec, setting, &context);
        }
        if kind == DeclKind::Chart
            && let Some(paths) = settings.get("paths")
        {
            let _ = self.layout(paths);
        }
    }

    /// `deploy` belongs at the top of an environment's body, nowhere else.
    fn misplaced_deploys(&mut self, block: &crate::syntax::ast::Block, allowed_here: bool) {
        for deploy in &block.deploys {
            if !allowed_here {
                self.push(
                    Diagnostic::new(
                        Code::E0317,
                        "`deploy` is only allowed directly in an environment",
                    )
                    .at(deploy.span, "not allowed here")
                    .help("move this `deploy` into an `environment` block"),
                );
            }
            if let Some(overrides) = &deploy.overrides {
                self.misplaced_deploys(overrides, false);
            }
        }
        for field in &block.fields {
            self.misplaced_deploys_in(&field.value);
        }
    }

    fn misplaced_deploys_in(&mut self, value: &Value) {
        let items: &[Value] = match &value.kind {
            ValueKind::Map(block) => return self.misplaced_deploys(block, false),
            ValueKind::List(items) => items,
            ValueKind::Call { args, .. } => args,
            _ => return,
        };
        for item in items {
            self.misplaced_deploys_in(item);
        }
    }

    /// Whether every value of `decl` is also checked in some deployment: a
    /// deployed app, or a template such an app inherits from.
    fn checked_by_deployments(&self, decl: &BlockDecl) -> bool {
        match decl.kind {
            DeclKind::App | DeclKind::Template => self.deployed.contains(decl.name.text.as_str()),
            _ => false,
        }
    }

    fn platform_name(&self) -> &'a str {
        self.resolved
            .platform
            .map_or("platform", |p| p.name.text.as_str())
    }

    /// The field's spec, or an "unknown field" error.
    fn known_field(&mut self, kind: DeclKind, setting: &Setting<'_>) -> Option<&'static FieldSpec> {
        let name = setting.key.text.as_str();
        if let Some(spec) = schema::find(kind, name) {
            return Some(spec);
        }
        let fields = schema::fields_of(kind);
        let mut help = suggest::help_for(name, fields.iter().map(|f| f.name));
        if help.is_none()
            && kind == DeclKind::Environment
            && schema::find(DeclKind::App, name).is_some()
        {
            help = Some(format!(
                "`{name}` is an app field: set it per app with `deploy APP @ \"VERSION\" {{ {name} = ... }}`"
            ));
        }
        if help.is_none() {
            let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
            help = Some(format!("{} takes {}", kind.keyword(), names.join(", ")));
            if matches!(kind, DeclKind::App | DeclKind::Template) {
                help = Some(format!(
                    "chart-specific settings go in `values {{ ... }}`; {} takes {}",
                    kind.keyword(),
                    names.join(", ")
                ));
            }
        }
        self.push(
            Diagnostic::new(
                Code::E0206,
                format!("unknown field `{name}` in {}", kind.keyword()),
            )
            .at(setting.key.span, "not a field of this declaration")
            .maybe_help(help),
        );
        None
    }

    /// Type-checks one setting, discarding the typed value.
    fn typed_value(&mut self, spec: &FieldSpec, setting: &Setting<'a>, context: &Context<'_>) {
        match spec.ty {
            FieldType::Text => drop(self.text(spec, setting, context, false)),
            FieldType::Bool => drop(self.boolean(spec, setting)),
            FieldType::Port => drop(self.port(spec.name, setting)),
            FieldType::Replicas => drop(self.replicas(spec, setting)),
            FieldType::Memory => drop(self.quantity(spec, setting, Dimension::Memory)),
            FieldType::Cpu => drop(self.quantity(spec, setting, Dimension::Cpu)),
            FieldType::ImageRepository => drop(self.image(spec, setting, None)),
            FieldType::ImageTag => {
                drop(self.tag_value(setting.value(), setting.value_span(), context))
            }
            FieldType::ChartRef => drop(self.chart_ref(spec, setting)),
            FieldType::ChartVersion => drop(self.chart_version(spec, setting)),
            FieldType::Ports => drop(self.ports(spec, setting)),
            FieldType::Env => drop(self.env(spec, setting, context)),
            FieldType::Host => drop(self.hosts(spec, setting, context)),
            FieldType::Hosts => drop(self.hosts(spec, setting, context)),
            FieldType::Apps => drop(self.apps(spec, setting)),
            FieldType::Namespace => drop(self.namespace(spec, setting)),
            FieldType::Duration => drop(self.duration(spec, setting)),
            FieldType::Values => drop(self.extra_values(spec, setting, context)),
            FieldType::Url => {
                if let Some(url) = self.text(spec, setting, context, false)
                    && let Err(help) = validate::repo_url(&url)
                {
                    self.value_error(
                        Code::E0311,
                        setting,
                        format!("`{url}` is not a valid URL"),
                        help,
                    );
                }
            }
            FieldType::Registry => drop(self.registry(spec, setting)),
            FieldType::Paths => drop(self.layout(setting)),
            FieldType::Keys => drop(self.keys(spec, setting)),
            FieldType::Travels => drop(self.travels(spec, setting)),
            FieldType::SchemaPath => drop(self.schema_path(spec, setting)),
        }
    }

    // ---- value readers: each reports its own errors and returns the typed value ----

    fn value_error(&mut self, code: Code, setting: &Setting<'_>, message: String, help: String) {
        self.push(
            Diagnostic::new(code, message)
                .at(setting.value_span(), "invalid value")
                .help(help),
        );
    }

    fn type_error(
        &mut self,
        field: &str,
        expected: FieldType,
        value_span: Span,
        found: &ValueKind,
    ) {
        let hint = match (expected, found) {
            (FieldType::Replicas | FieldType::Port, ValueKind::Str(s))
                if s.trim().parse::<i64>().is_ok() =>
            {
                Some(format!(
                    "a number is expected: write `{field} = {}` without quotes",
                    s.trim()
                ))
            }
            (FieldType::Memory | FieldType::Cpu | FieldType::Duration, ValueKind::Str(s)) => Some(
                format!("quantities and durations are written without quotes: `{field} = {s}`"),
            ),
            (
                FieldType::Text
                | FieldType::ChartVersion
                | FieldType::ImageTag
                | FieldType::Namespace
                | FieldType::Host,
                ValueKind::Number(n),
            ) => Some(format!("quote it: `{field} = \"{n}\"`")),
            (
                FieldType::Text
                | FieldType::ImageRepository
                | FieldType::Namespace
                | FieldType::Host,
                ValueKind::Reference(r),
            ) => Some(format!("quote it: `{field} = \"{r}\"`")),
            (FieldType::Bool, ValueKind::Str(s)) if s == "true" || s == "false" => {
                Some(format!("write `{field} = {s}` without quotes"))
            }
            (FieldType::Hosts | FieldType::Apps | FieldType::Keys, _) => {
                Some(format!("write a list: `{field} = [...]`"))
            }
            _ => None,
        };
        self.push(
            Diagnostic::new(
                Code::E0302,
                format!(
                    "`{field}` expects {}, found {}",
                    expected.describe(),
                    found.describe()
                ),
            )
            .at(value_span, format!("expected {}", expected.describe()))
            .maybe_help(hint),
        );
    }

    /// The setting's plain value, or a type error if it is a block.
    fn scalar<'s>(&mut self, spec: &FieldSpec, setting: &'s Setting<'a>) -> Option<&'a Value> {
        match &setting.merged {
            Merged::Value(value) => Some(value),
            Merged::Block(_) => {
                self.push(
                    Diagnostic::new(
                        Code::E0302,
                        format!(
                            "`{}` expects {}, found a block",
                            spec.name,
                            spec.ty.describe()
                        ),
                    )
                    .at(setting.key.span, format!("expected {}", spec.ty.describe()))
                    .help(format!("write `{} = VALUE`", spec.name)),
                );
                None
            }
        }
    }

    /// The merged block of a block-typed setting, or a type error.
    fn block<'s>(
        &mut self,
        spec: &FieldSpec,
        setting: &'s Setting<'a>,
    ) -> Option<&'s Settings<'a>> {
        match &setting.merged {
            Merged::Block(block) => Some(block),
            Merged::Value(value) => {
                self.type_error(spec.name, spec.ty, value.span, &value.kind);
                None
            }
        }
    }

    fn string_value(&mut self, value: &Value, ty: FieldType, field: &str) -> Option<String> {
        match &value.kind {
            ValueKind::Str(s) => Some(s.clone()),
            other => {
                self.type_error(field, ty, value.span, other);
                None
            }
        }
    }

    fn text(
        &mut self,
        spec: &FieldSpec,
        setting: &Setting<'a>,
        context: &Context<'_>,
        _allow_env: bool,
    ) -> Option<String> {
        let value = self.scalar(spec, setting)?;
        let raw = self.string_value(value, spec.ty, spec.name)?;
        context.interpolate(&raw, value.span, self.diagnostics)
    }

    fn boolean(&mut self, spec: &FieldSpec, setting: &Setting<'a>) -> Option<bool> {
        let value = self.scalar(spec, setting)?;
        match value.kind {
            ValueKind::Bool(b) => Some(b),
            ref other => {
                self.type_error(spec.name, spec.ty, value.span, other);
                None
            }
        }
    }

    fn integer(&mut self, field: &str, ty: FieldType, value: &Value) -> Option<i64> {
        match &value.kind {
            ValueKind::Number(text) => match text.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    let help = if text.chars().any(|c| c.is_ascii_alphabetic()) {
                        format!("`{field}` is a plain whole number, without a unit")
                    } else if text.contains('.') {
                        format!("`{field}` is a whole number")
                    } else {
                        "the number is too large".to_string()
                    };
                    self.push(
                        Diagnostic::new(Code::E0315, format!("`{text}` is not {}", ty.describe()))
                            .at(value.span, "not a whole number")
                            .help(help),
                    );
                    None
                }
            },
            other => {
                self.type_error(field, ty, value.span, other);
                None
            }
        }
    }

    fn port_number(&mut self, field: &str, value: &Value) -> Option<u16> {
        let n = self.integer(field, FieldType::Port, value)?;
        match u16::try_from(n) {
            Ok(port) if port >= 1 => Some(port),
            _ => {
                self.push(
                    Diagnostic::new(Code::E0304, format!("port {n} is out of range"))
                        .at(value.span, "ports are 1–65535")
                        .help("use a port number from 1 to 65535; ports below 1024 need privileges in most containers"),
                );
                None
            }
        }
    }

    fn port(&mut self, field: &str, setting: &Setting<'a>) -> Option<Sourced<Port>> {
        let spec = schema::find(DeclKind::App, "port").expect("port field");
        let value = self.scalar(spec, setting)?;
        let number = self.port_number(field, value)?;
        Some(sourced(
            Port {
                name: "http".into(),
                number,
            },
            setting,
        ))
    }

    fn ports(&mut self, spec: &FieldSpec, setting: &Setting<'a>) -> Option<Vec<Sourced<Port>>> {
        let block = self.block(spec, setting)?;
        let mut ports = Vec::new();
        for (name, entry) in block {
            if let Err(help) = port_name(name) {
                self.push(
                    Diagnostic::new(Code::E0305, format!("`{name}` is not a valid port name"))
                        .at(entry.key.span, "invalid port name")
                        .help(help),
                );
            }
            let Some(value) = entry.value() else {
                self.type_error(
                    name,
                    FieldType::Port,
                    entry.key.span,
                    &ValueKind::Map(Box::new(empty_block(entry.key.span))),
                );
                continue;
            };
            if let Some(number) = self.port_number(name, value) {
                ports.push(sourced(
                    Port {
                        name: (*name).to_string(),
                        number,
                    },
                    entry,
                ));
            }
        }
        Some(ports)
    }

    fn replicas(&mut self, spec: &FieldSpec, setting: &Setting<'a>) -> Option<u32> {
        let value = self.scalar(spec, setting)?;
        let n = self.integer(spec.name, spec.ty, value)?;
        match u32::try_from(n) {
            Ok(r) => Some(r),
            Err(_) => {
                self.push(
                    Diagnostic::new(Code::E0315, format!("{n} is not a valid replica count"))
                        .at(value.span, "replicas are 0 or more")
                        .help("use 0 to scale an app down, or a positive count"),
                );
                None
            }
        }
    }

    fn quantity(
        &mut self,
        spec: &FieldSpec,
        setting: &Setting<'a>,
        dimension: Dimension,
    ) -> Option<Arc<Quantity>> {
        let value = self.scalar(spec, setting)?;
        let ValueKind::Number(text) = &value.kind else {
            self.type_error(spec.name, spec.ty, value.span, &value.kind);
            return None;
        };
        let known = &mut self.shared.quantities[dimension as usize];
        if let Some(shared) = known.get(text.as_str()) {
            return Some(shared.clone());
        }
        match quantity::parse(text, dimension) {
            Ok(q) => {
                let shared = Arc::new(q);
                known.insert(text.as_str().into(), shared.clone());
                Some(shared)
            }
            Err(help) => {
                self.push(
                    Diagnostic::new(
                        Code::E0303,
                        format!(
                            "`{text}` is not a valid {} quantity",
                            dimension_word(dimension)
                        ),
                    )
                    .at(value.span, "invalid quantity")
                    .help(help),
                );
                None
            }
        }
    }

    fn image(
        &mut self,
        spec: &FieldSpec,
        setting: &Setting<'a>,
        registry: Option<&str>,
    ) -> Option<String> {
        let value = self.scalar(spec, setting)?;
        let image = self.string_value(value, spec.ty, spec.name)?;
        if let Err(help) = validate::image_repository(&image) {
            self.push(
                Diagnostic::new(
                    Code::E0307,
                    format!("`{image}` is not a valid image repository"),
                )
                .at(value.span, "invalid image repository")
                .help(help),
            );
            return None;
        }
        Some(match registry {
            Some(registry) if !validate::has_registry(&image) => [registry, &image].join("/"),
            _ => image,
        })
    }

    fn tag_value(
        &mut self,
        value: Option<&Value>,
        span: Span,
        context: &Context<'_>,
    ) -> Option<Text> {
        let Some(value) = value else {
            self.type_error(
                "tag",
                FieldType::ImageTag,
                span,
                &ValueKind::Map(Box::new(empty_block(span))),
            );
            return None;
        };
        match &value.kind {
            ValueKind::Call { function, args } if function.text == "env_var" => {
                self.env_var_call(value, args).map(Text::FromEnvironment)
            }
            ValueKind::Str(raw) => {
                let tag = context.interpolate(raw, value.span, self.diagnostics)?;
                if !context.judges(raw) {
                    return Some(Text::Literal(tag));
                }
                match validate::image_tag(&tag) {
                    Ok(()) => Some(Text::Literal(tag)),
                    Err(help) => {
                        self.push(
                            Diagnostic::new(
                                Code::E0307,
                                format!("`{tag}` is not a valid image tag"),
                            )
                            .at(value.span, "invalid tag")
                            .help(help),
                        );
                        None
                    }
                }
            }
            ValueKind::Call { function, .. } => {
                self.unknown_function(function, &["env_var"]);
                None
            }
            ValueKind::Number(n) if context.app.is_some() && !context.standalone => {
                // Most likely `deploy app @ 1.4`: the number lexer stops at a second dot.
                self.push(
                    Diagnostic::new(
                        Code::E0302,
                        format!("the release `{n}` must be a quoted string"),
                    )
                    .at(value.span, "expected a string such as \"1.4.2\"")
                    .help(format!("quote it: @ \"{n}\"")),
                );
                None
            }
            other => {
                self.type_error("tag", FieldType::ImageTag, value.span, other);
                None
            }
        }
    }

    fn chart_ref(&mut self, spec: &FieldSpec, setting: &Setting<'a>) -> Option<Arc<ChartRef>> {
        let value = self.scalar(spec, setting)?;
        let text = match &value.kind {
            ValueKind::Reference(r) => r.clone(),
            ValueKind::Str(s) => s.clone(),
            other => {
                self.type_error(spec.name, spec.ty, value.span, other);
                return None;
            }
        };
        let Some((repo, name)) = text
            .split_once('/')
            .filter(|(r, n)| !r.is_empty() && !n.is_empty() && !n.contains('/'))
        else {
            self.push(
                Diagnostic::new(Code::E0302, format!("`{text}` is not a chart reference"))
                    .at(value.span, "expected `repo/name`")
                    .help("name the chart as REPO/CHART, with REPO declared by `helm_repo`, for example `stable/web-service`"),
            );
            return None;
        };
        if let Err(help) = validate::dns_label(name, 63) {
            self.push(
                Diagnostic::new(Code::E0302, format!("`{name}` is not a valid chart name"))
                    .at(value.span, "invalid chart name")
                    .help(format!("chart names follow Kubernetes names: {help}")),
            );
            return None;
        }
        if !self.resolved.helm_repos.contains_key(repo) {
            let span = match value.kind {
                ValueKind::Reference(_) => Span {
                    end: value.span.start + repo.len() as u32,
                    ..value.span
                },
                _ => value.span,
            };
            let help = suggest::help_for(repo, self.resolved.helm_repos.keys().copied())
                .unwrap_or_else(|| format!("declare it: helm_repo {repo} = \"https://...\""));
            self.push(
                Diagnostic::new(Code::E0204, format!("unknown helm repository `{repo}`"))
                    .at(span, "no helm_repo has this name")
                    .help(help),
            );
            return None;
        }
        let chart = ChartRef {
            repo: repo.to_string(),
            name: name.to_string(),
        };
        Some(self.shared.charts.get_or(&chart, |c| Arc::new(c.clone())))
    }

    fn chart_version(&mut self, spec: &FieldSpec, setting: &Setting<'a>) -> Option<Arc<str>> {
        let value = self.scalar(spec, setting)?;
        let text = self.string_value(value, spec.ty, spec.name)?;
        match validate::chart_version(&text) {
            Ok(_) => Some(self.shared.get(&text)),
            Err(help) => {
                self.push(
                    Diagnostic::new(
                        Code::E0308,
                        format!("`{text}` is not a valid chart version"),
                    )
                    .at(value.span, "not SemVer 2")
                    .help(help),
                );
                None
            }
        }
    }

    fn namespace(&mut self, spec: &FieldSpec, setting: &Setting<'a>) -> Option<Arc<str>> {
        let value = self.scalar(spec, setting)?;
        let text = self.string_value(value, spec.ty, spec.name)?;
        match validate::dns_label(&text, validate::MAX_LABEL) {
            Ok(()) => Some(self.shared.get(&text)),
            Err(help) => {
                self.push(
                    Diagnostic::new(
                        Code::E0305,
                        format!("`{text}` is not a valid namespace name"),
                    )
                    .at(value.span, "a namespace is a DNS-1123 label")
                    .help(help),
                );
                None
            }
        }
    }

    fn registry(&mut self, spec: &FieldSpec, setting: &Setting<'a>) -> Option<String> {
        let value = self.scalar(spec, setting)?;
        let text = self.string_value(value, spec.ty, spec.name)?;
        match validate::registry(&text) {
            Ok(()) => Some(text),
            Err(help) => {
                self.push(
                    Diagnostic::new(Code::E0307, format!("`{text}` is not a valid registry"))
                        .at(value.span, "invalid registry host")
                        .help(help),
                );
                None
            }
        }
    }

    fn duration(&mut self, spec: &FieldSpec, setting: &Setting<'a>) -> Option<u64> {
        let value = self.scalar(spec, setting)?;
        let ValueKind::Number(text) = &value.kind else {
            self.type_error(spec.name, spec.ty, value.span, &value.kind);
            return None;
        };
        match validate::duration_seconds(text) {
            Ok(seconds) => Some(seconds),
            Err(help) => {
                self.push(
                    Diagnostic::new(Code::E0310, format!("`{text}` is not a valid duration"))
                        .at(value.span, "invalid duration")
                        .help(help),
                );
                None
            }
        }
    }

    fn list<'v>(&mut self, spec: &FieldSpec, value: &'v Value) -> Option<&'v [Value]> {
        match &value.kind {
            ValueKind::List(items) => Some(items),
            other => {
                self.type_error(spec.name, spec.ty, value.span, other);
                None
            }
        }
    }

    fn apps(&mut self, spec: &FieldSpec, setting: &Setting<'a>) -> Option<Vec<String>> {
        let value = self.scalar(spec, setting)?;
        let items = self.list(spec, value)?;
        let mut apps = Vec::with_capacity(items.len());
        for item in items {
            match &item.kind {
                ValueKind::Reference(name) if !name.contains('/') => apps.push(name.clone()),
                other => self.type_error(spec.name, FieldType::Apps, item.span, other),
            }
        }
        Some(apps)
    }

    /// `travels = [...]`: paths into `env` or `values`.
    fn travels(&mut self, spec: &FieldSpec, setting: &Setting<'a>) -> Option<Vec<String>> {
        let value = self.scalar(spec, setting)?;
        let items = self.list(spec, value)?;
        let mut paths = Vec::new();
        for item in items {
            let Some(path) = self.string_value(item, FieldType::Text, spec.name) else {
                continue;
            };
            let root = path.split('.').next().unwrap_or_default();
            if !["env", "values"].contains(&root) || path.split('.').any(str::is_empty) {
                self.push(
                    Diagnostic::new(Code::E0302, format!("`{path}` cannot travel with a release"))
                        .at(item.span, "expected a path into `env` or `values`")
                        .help("image tags and chart versions always travel; of the other settings, `env` and `values` entries can, as \"env.NAME\" or \"values.PATH\""),
                );
                continue;
            }
            paths.push(path);
        }
        Some(paths)
    }

    fn keys(&mut self, spec: &FieldSpec, setting: &Setting<'a>) -> Option<Vec<String>> {
        let value = self.scalar(spec, setting)?;
        let items = self.list(spec, value)?;
        let mut keys = Vec::new();
        for item in items {
            if let Some(key) = self.string_value(item, FieldType::Text, spec.name) {
                if !secret_key_is_valid(&key) {
                    self.push(
                        Diagnostic::new(Code::E0305, format!("`{key}` is not a valid secret key"))
                            .at(item.span, "invalid key")
                            .help("secret keys are letters, digits, `-`, `_` and `.`"),
                    );
                }
                keys.push(key);
            }
        }
        Some(keys)
    }

    fn hosts(
        &mut self,
        spec: &FieldSpec,
        setting: &Setting<'a>,
        context: &Context<'_>,
    ) -> Option<Vec<Sourced<String>>> {
        let value = self.scalar(spec, setting)?;
        let items: Vec<&Value> = match (&value.kind, spec.ty) {
            (ValueKind::List(items), FieldType::Hosts) => items.iter().collect(),
            (ValueKind::Str(_), FieldType::Host) => vec![value],
            (other, _) => {
                self.type_error(spec.name, spec.ty, value.span, other);
                return None;
            }
        };
        let mut hosts = Vec::new();
        for item in items {
            let Some(raw) = self.string_value(item, FieldType::Host, spec.name) else {
                continue;
            };
            let Some(host) = context.interpolate(&raw, item.span, self.diagnostics) else {
                continue;
            };
            if !context.judges(&raw) {
                continue;
            }
            match validate::host_name(&host) {
                Ok(()) => hosts.push(Sourced {
                    value: host,
                    provenance: Provenance::new(setting.origin.clone(), item.span),
                }),
                Err(help) => self.push(
                    Diagnostic::new(Code::E0306, format!("`{host}` is not a valid host name"))
                        .at(item.span, "invalid host name")
                        .help(help),
                ),
            }
        }
        Some(hosts)
    }

    fn env(
        &mut self,
        spec: &FieldSpec,
        setting: &Setting<'a>,
        context: &Context<'_>,
    ) -> Option<Vec<Sourced<Arc<EnvVar>>>> {
        let block = self.block(spec, setting)?;
        let mut vars = Vec::with_capacity(block.len());
        for (name, entry) in block {
            if let Err(help) = validate::env_var_name(name) {
                self.push(
                    Diagnostic::new(
                        Code::E0309,
                        format!("`{name}` is not a valid environment variable name"),
                    )
                    .at(entry.key.span, "invalid variable name")
                    .help(help),
                );
            }
            let Some(value) = entry.value() else {
                self.push(
                    Diagnostic::new(
                        Code::E0302,
                        format!("variable `{name}` expects a string or a secret(), found a block"),
                    )
                    .at(
                        entry.key.span,
                        "expected a string or secret(\"name\", \"key\")",
                    ),
                );
                continue;
            };
            let source = match &value.kind {
                ValueKind::Str(raw) => {
                    let Some(text) = context.interpolate(raw, value.span, self.diagnostics) else {
                        continue;
                    };
                    // Shared too when it names the environment or the
                    // namespace: every release of the environment has it.
                    let text = self.shared.get(&text);
                    if !text.is_empty() && looks_like_credential(name) {
                        self.push(
                            Diagnostic::new(Code::W0101, format!("`{name}` looks like a credential but is written as plain text"))
                                .at(value.span, "this value ends up in plain text in Git and in the generated values")
                                .help(format!(
                                    "store it in a Kubernetes secret and reference it: {name} = secret(\"SECRET-NAME\", \"KEY\")"
                                )),
                        );
                    }
                    EnvSource::Literal(text)
                }
                ValueKind::Number(n) => EnvSource::Literal(self.shared.get(n)),
                ValueKind::Bool(b) => EnvSource::Literal(self.shared.get(&b.to_string())),
                ValueKind::Call { function, args } if function.text == "secret" => {
                    let Some((secret, key)) = self.secret_call(value, args) else {
                        continue;
                    };
                    EnvSource::Secret {
                        name: self.shared.get(&secret),
                        key: self.shared.get(&key),
                    }
                }
                ValueKind::Call { function, .. } if function.text == "env_var" => {
                    self.push(
                        Diagnostic::new(Code::E0317, "`env_var()` cannot set a container variable")
                            .at(value.span, "not allowed in `env`")
                            .help("Helm replaces whole lists given with --set, so a CI value cannot reach one entry of `env`; keep the value in a secret and use secret(\"name\", \"key\")"),
                    );
                    continue;
                }
                ValueKind::Call { function, .. } => {
                    self.unknown_function(function, &["secret"]);
                    continue;
                }
                other => {
                    self.push(
                        Diagnostic::new(
                            Code::E0302,
                            format!(
                                "variable `{name}` expects a string or a secret(), found {}",
                                other.describe()
                            ),
                        )
                        .at(value.span, "expected a string or secret(\"name\", \"key\")"),
                    );
                    continue;
                }
            };
            let var = EnvVar {
                name: self.shared.get(name),
                source,
            };
            let var = self.shared.env_vars.get_or(&var, |v| Arc::new(v.clone()));
            vars.push(sourced(var, entry));
        }
        Some(vars)
    }

    fn unknown_function(&mut self, function: &crate::syntax::ast::Name, here: &[&str]) {
        let known = ["secret", "env_var"];
        let help = if known.contains(&function.text.as_str()) {
            format!(
                "`{}()` is not allowed here; this field takes {}",
                function.text,
                here.iter()
                    .map(|f| signature(f))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            suggest::help_for(&function.text, known)
                .unwrap_or_else(|| "the functions are secret(name, key) and env_var(NAME)".into())
        };
        self.push(
            Diagnostic::new(
                Code::E0214,
                format!("`{}()` is not available here", function.text),
            )
            .at(function.span, "unknown or misplaced function")
            .help(help),
        );
    }

    fn string_args(&mut self, call: &Value, args: &[Value], names: &[&str]) -> Option<Vec<String>> {
        let function = match &call.kind {
            ValueKind::Call { function, .. } => function.text.as_str(),
            _ => unreachable!("called on a call"),
        };
        let signature = format!("{function}({})", names.join(", "));
        if args.len() != names.len() {
            self.push(
                Diagnostic::new(
                    Code::E0302,
                    format!(
                        "`{function}` takes {} arguments, found {}",
                        names.len(),
                        args.len()
                    ),
                )
                .at(call.span, format!("expected {signature}"))
                .help(format!("write {signature} with quoted strings")),
            );
            return None;
        }
        let mut out = Vec::new();
        for arg in args {
            match &arg.kind {
                ValueKind::Str(s) => out.push(s.clone()),
                other => {
                    self.push(
                        Diagnostic::new(
                            Code::E0302,
                            format!("`{function}` takes strings, found {}", other.describe()),
                        )
                        .at(arg.span, "expected a string")
                        .help(format!("write {signature} with quoted strings")),
                    );
                    return None;
                }
            }
        }
        Some(out)
    }

    fn secret_call(&mut self, call: &Value, args: &[Value]) -> Option<(String, String)> {
        let parts = self.string_args(call, args, &["name", "key"])?;
        let (name, key) = (parts[0].clone(), parts[1].clone());
        let Some(decl) = self.resolved.secrets.get(name.as_str()).copied() else {
            self.push(
                Diagnostic::new(Code::E0209, format!("unknown secret `{name}`"))
                    .at(args[0].span, "no secret has this name")
                    .maybe_help(
                        suggest::help_for(&name, self.resolved.secrets.keys().copied()).or_else(
                            || {
                                Some(format!(
                                    "declare it: secret {name} {{ keys = [\"{key}\"] }}"
                                ))
                            },
                        ),
                    ),
            );
            return None;
        };
        let keys = declared_keys(decl);
        if !keys.iter().any(|k| *k == key) {
            self.push(
                Diagnostic::new(Code::E0209, format!("secret `{name}` has no key `{key}`"))
                    .at(args[1].span, "unknown key")
                    .also(decl.name.span, format!("secret `{name}` is declared here"))
                    .maybe_help(suggest::help_for(&key, keys.iter().copied()).or_else(|| {
                        Some(if keys.is_empty() {
                            format!("the secret declares no keys; add them: keys = [\"{key}\"]")
                        } else {
                            let quoted: Vec<String> =
                                keys.iter().map(|k| format!("`{k}`")).collect();
                            format!(
                                "its keys are {}; add `{key}` to `keys` if the secret has it",
                                quoted.join(", ")
                            )
                        })
                    })),
            );
            return None;
        }
        Some((name, key))
    }

    fn env_var_call(&mut self, call: &Value, args: &[Value]) -> Option<String> {
        let name = self.string_args(call, args, &["NAME"])?.remove(0);
        match validate::env_var_name(&name) {
            Ok(()) => Some(name),
            Err(help) => {
                self.push(
                    Diagnostic::new(
                        Code::E0309,
                        format!("`{name}` is not a valid environment variable name"),
                    )
                    .at(args[0].span, "invalid variable name")
                    .help(help),
                );
                None
            }
        }
    }

    fn extra_values(
        &mut self,
        spec: &FieldSpec,
        setting: &Setting<'a>,
        context: &Context<'_>,
    ) -> Option<Vec<(String, Sourced<Extra>)>> {
        let block = self.block(spec, setting)?;
        Some(self.extra_block(block, context))
    }

    fn extra_block(
        &mut self,
        block: &Settings<'a>,
        context: &Context<'_>,
    ) -> Vec<(String, Sourced<Extra>)> {
        let mut out = Vec::with_capacity(block.len());
        for (key, entry) in block {
            let extra = match &entry.merged {
                Merged::Block(inner) => Some(Extra::Map(
                    self.extra_block(inner, context)
                        .into_iter()
                        .map(|(k, v)| (k, v.value))
                        .collect(),
                )),
                Merged::Value(value) => self.extra(value, context),
            };
            if let Some(extra) = extra {
                out.push(((*key).to_string(), sourced(extra, entry)));
            }
        }
        out
    }

    fn extra(&mut self, value: &'a Value, context: &Context<'_>) -> Option<Extra> {
        Some(match &value.kind {
            ValueKind::Str(raw) => Extra::Str(Text::Literal(context.interpolate(
                raw,
                value.span,
                self.diagnostics,
            )?)),
            ValueKind::Bool(b) => Extra::Bool(*b),
            ValueKind::Number(text) => {
                if let Ok(n) = text.parse::<i64>() {
                    Extra::Int(n)
                } else if let Some(f) = text.parse::<f64>().ok().filter(|f| f.is_finite()) {
                    Extra::Float(f)
                } else {
                    // Quantities and durations (`512Mi`, `30s`) are strings to Helm.
                    Extra::Str(Text::Literal(text.clone()))
                }
            }
            ValueKind::Reference(r) => {
                self.push(
                    Diagnostic::new(Code::E0302, format!("chart values take strings, numbers, booleans, lists and blocks, found the name `{r}`"))
                        .at(value.span, "a bare name")
                        .help(format!("quote it: \"{r}\"")),
                );
                return None;
            }
            ValueKind::List(items) => {
                let mut list = Vec::new();
                for item in items {
                    let Some(extra) = self.extra(item, context) else {
                        continue;
                    };
                    if supplied_by_ci(&extra) {
                        self.push(
                            Diagnostic::new(Code::E0317, "`env_var()` cannot be used inside a list")
                                .at(item.span, "inside a list")
                                .help("Helm replaces a whole list given with --set, so a CI value can only set a key of a block, not a list item"),
                        );
                        continue;
                    }
                    list.push(extra);
                }
                Extra::List(list)
            }
            ValueKind::Map(block) => {
                let mut settings = Settings::default();
                resolve::merge::layer(
                    &mut settings,
                    block,
                    &Origin::new(OriginKind::App, "", block.span.file),
                );
                Extra::Map(
                    self.extra_block(&settings, context)
                        .into_iter()
                        .map(|(k, v)| (k, v.value))
                        .collect(),
                )
            }
            ValueKind::Call { function, args } if function.text == "env_var" => {
                Extra::Str(Text::FromEnvironment(self.env_var_call(value, args)?))
            }
            ValueKind::Call { function, .. } => {
                self.unknown_function(function, &["env_var"]);
                return None;
            }
        })
    }

    fn layout(&mut self, setting: &Setting<'a>) -> Option<ValuesLayout> {
        let spec = schema::find(DeclKind::Chart, "paths").expect("paths field");
        let block = self.block(spec, setting)?;
        let mut layout = ValuesLayout::default();
        for (field, entry) in block {
            let Some(slot) = layout.path_mut(field) else {
                self.push(
                    Diagnostic::new(
                        Code::E0206,
                        format!("`{field}` is not a field a chart can place"),
                    )
                    .at(entry.key.span, "unknown field")
                    .maybe_help(
                        suggest::help_for(field, ValuesLayout::FIELDS.iter().copied()).or_else(
                            || {
                                Some(format!(
                                    "chart paths can be given for {}",
                                    ValuesLayout::FIELDS.join(", ")
                                ))
                            },
                        ),
                    ),
                );
                continue;
            };
            let Some(value) = entry.value() else { continue };
            let Some(path) = self.string_value(value, FieldType::Text, field) else {
                continue;
            };
            if path.is_empty() || path.split('.').any(|p| p.is_empty()) {
                self.push(
                    Diagnostic::new(Code::E0302, format!("`{path}` is not a value path"))
                        .at(value.span, "expected a dotted path")
                        .help("write keys separated by dots, such as \"deployment.replicas\""),
                );
                continue;
            }
            *slot = path;
        }
        Some(layout)
    }

    /// A chart's `schema`: a path, kept as written; reading it is I/O, done
    /// by the command line once the spec compiles.
    fn schema_path(&mut self, spec: &FieldSpec, setting: &Setting<'a>) -> Option<String> {
        let value = self.scalar(spec, setting)?;
        let path = self.string_value(value, spec.ty, spec.name)?;
        if path.trim().is_empty() {
            self.push(
                Diagnostic::new(Code::E0302, "`schema` expects a path, found an empty string")
                    .at(value.span, "empty path")
                    .help("name the chart's `values.schema.json`, or the unpacked chart directory holding it, relative to this file"),
            );
            return None;
        }
        Some(path)
    }

    /// Every chart's `schema`, sorted by chart.
    fn chart_schemas(&mut self) -> Vec<ChartSchemaRef> {
        let spec = schema::find(DeclKind::Chart, "schema").expect("schema field");
        let mut out = Vec::new();
        for (name, decl) in &self.resolved.charts {
            let settings = own_settings(decl);
            let Some(setting) = settings.get("schema") else {
                continue;
            };
            let Some(path) = self.schema_path(spec, setting) else {
                continue;
            };
            out.push(ChartSchemaRef {
                chart: (*name).to_string(),
                path,
                declared_in: self.sources.get(decl.name.span.file).display_path(),
                span: setting.value_span(),
            });
        }
        out
    }

    // ---- platform and environments ----

    fn platform(&mut self) -> Option<Platform> {
        let decl = self.resolved.platform?;
        let settings = own_settings(decl);
        let context = Context::standalone(&decl.name.text, decl, false);
        let text = |checker: &mut Self, name: &str| {
            let setting = settings.get(name)?;
            let spec = schema::find(DeclKind::Platform, name)?;
            checker.text(spec, setting, &context, false)
        };
        let org = text(self, "org");
        let maintainer = text(self, "maintainer");
        let registry = settings.get("registry").and_then(|s| {
            let spec = schema::find(DeclKind::Platform, "registry").expect("registry field");
            self.registry(spec, s)
        });
        Some(Platform {
            name: decl.name.text.clone(),
            org,
            maintainer,
            registry,
        })
    }

    fn environment(
        &mut self,
        name: &str,
        environment: &resolve::Environment<'a>,
        platform: &Option<Platform>,
    ) -> Option<Environment> {
        let decl = environment.decl;
        let settings = own_settings(decl);
        let context = Context::standalone(self.platform_name(), decl, false);
        let env_field =
            |n: &str| schema::find(DeclKind::Environment, n).expect("environment field");
        let kube_context = match settings.get("context") {
            Some(s) => self.text(env_field("context"), s, &context, false),
            None => {
                self.missing(
                    decl,
                    "context",
                    "the kubectl context Helmsman deploys with",
                    "context = \"my-cluster\"",
                );
                None
            }
        };
        let namespace = match settings.get("namespace") {
            Some(s) => self.namespace(env_field("namespace"), s),
            None => {
                self.missing(
                    decl,
                    "namespace",
                    "the default namespace of its apps",
                    &format!("namespace = \"{name}\""),
                );
                None
            }
        };
        let protected = settings
            .get("protected")
            .and_then(|s| self.boolean(env_field("protected"), s))
            .unwrap_or(false);
        let description = settings
            .get("description")
            .and_then(|s| self.text(env_field("description"), s, &context, false));
        let registry = platform.as_ref().and_then(|p| p.registry.clone());
        let mut releases = Vec::with_capacity(environment.deployments.len());
        for deployment in &environment.deployments {
            if let Some(release) =
                self.release(name, namespace.as_deref(), deployment, registry.as_deref())
            {
                releases.push(release);
            }
        }
        if releases.len() != environment.deployments.len() {
            return None;
        }
        self.host_clashes(name, &releases);
        assign_priorities(&mut releases);
        let mut helm_repos: Vec<HelmRepo> = Vec::new();
        for release in &releases {
            let repo = &release.chart.value.repo;
            if helm_repos.iter().any(|r| &r.name == repo) {
                continue;
            }
            // chart_ref() refused unknown repositories, with a diagnostic.
            let decl = self
                .resolved
                .helm_repos
                .get(repo.as_str())
                .expect("checked by chart_ref");
            let ValueKind::Str(url) = &decl.url.kind else {
                continue; // reported by the helm_repo check
            };
            helm_repos.push(HelmRepo {
                name: repo.clone(),
                url: url.clone(),
            });
        }
        helm_repos.sort_by(|a, b| a.name.cmp(&b.name));
        Some(Environment {
            name: name.to_string(),
            span: decl.name.span,
            declared_in: self.sources.get(decl.name.span.file).display_path(),
            kube_context: kube_context?,
            namespace: namespace?.to_string(),
            protected,
            description,
            helm_repos,
            releases,
        })
    }

    fn missing(&mut self, decl: &BlockDecl, field: &str, what: &str, example: &str) {
        self.push(
            Diagnostic::new(
                Code::E0301,
                format!(
                    "{} `{}` has no `{field}`",
                    decl.kind.keyword(),
                    decl.name.text
                ),
            )
            .at(decl.name.span, format!("`{field}` is required: {what}"))
            .help(format!("add `{example}`")),
        );
    }

    fn release(
        &mut self,
        env_name: &str,
        env_namespace: Option<&str>,
        deployment: &resolve::Deployment<'a>,
        registry: Option<&str>,
    ) -> Option<Release> {
        let app = deployment.app;
        let app_name = app.name.text.as_str();
        let settings = &deployment.settings();
        let field = |n: &str| schema::find(DeclKind::App, n).expect("app field");
        let namespace = match settings.get("namespace") {
            Some(s) => self.namespace(field("namespace"), s).map(|n| sourced(n, s)),
            None => env_namespace.map(|n| Sourced {
                value: self.shared.get(n),
                provenance: Provenance::new(
                    deployment.environment_origin().clone(),
                    deployment.deploy.span,
                ),
            }),
        };
        let context = Context {
            platform: self.platform_name(),
            env: Some(env_name),
            app: Some(app_name),
            namespace: namespace.as_ref().map(|n| &*n.value),
            standalone: false,
        };
        let mut complete = true;
        let mut required = |checker: &mut Self, name: &str, what: &str, example: &str| {
            let found = settings.get(name);
            if found.is_none() {
                complete = false;
                if checker.resolved.incomplete_apps.contains(&app_name) {
                    return None; // the broken template chain is reported
                }
                checker.push(
                    Diagnostic::new(Code::E0301, format!("app `{app_name}` has no `{name}`"))
                        .at(app.name.span, format!("`{name}` is required: {what}"))
                        .help(format!("add `{example}` to the app or its template")),
                );
            }
            found
        };
        let image_setting = required(
            self,
            "image",
            "the image repository",
            "image = \"team/app\"",
        );
        let chart_setting = required(self, "chart", "the Helm chart", "chart = repo/chart");
        let version_setting = required(
            self,
            "chart_version",
            "the chart version",
            "chart_version = \"1.0.0\"",
        );
        let image = image_setting.and_then(|s| {
            self.image(field("image"), s, registry)
                .map(|v| sourced(v, s))
        });
        let chart =
            chart_setting.and_then(|s| self.chart_ref(field("chart"), s).map(|v| sourced(v, s)));
        let chart_version = version_setting.and_then(|s| {
            self.chart_version(field("chart_version"), s)
                .map(|v| sourced(v, s))
        });
        let tag = match (&deployment.deploy.version, settings.get("tag")) {
            (Some(version), _) => self
                .tag_value(Some(version), version.span, &context)
                .map(|t| Sourced {
                    value: t,
                    provenance: Provenance::new(
                        deployment.environment_origin().clone(),
                        version.span,
                    ),
                }),
            (None, Some(s)) => self
                .tag_value(s.value(), s.value_span(), &context)
                .map(|t| sourced(t, s)),
            (None, None) => {
                self.push(
                    Diagnostic::new(
                        Code::E0301,
                        format!("`{app_name}` is deployed in `{env_name}` without a version"),
                    )
                    .at(deployment.deploy.app.span, "which image tag runs here?")
                    .help(format!("write `deploy {app_name} @ \"1.0.0\"`")),
                );
                None
            }
        };
        let replicas = settings
            .get("replicas")
            .and_then(|s| self.replicas(field("replicas"), s).map(|v| sourced(v, s)));
        let mut ports = Vec::new();
        // `port = N` is short for `ports { http = N }`; the more specific
        // layer wins, and both in one layer is a clash.
        if let Some(s) = settings.get("port") {
            ports.extend(self.port("port", s));
        }
        if let Some(s) = settings.get("ports") {
            for port in self.ports(field("ports"), s).unwrap_or_default() {
                let Some(i) = ports.iter().position(|p| p.value.name == port.value.name) else {
                    ports.push(port);
                    continue;
                };
                // Environment overrides beat the app, which beats templates.
                let (shorthand, listed) = (
                    ports[i].provenance.origin.kind(),
                    port.provenance.origin.kind(),
                );
                if listed > shorthand {
                    ports[i] = port;
                } else if listed == shorthand {
                    self.push(
                        Diagnostic::new(Code::E0313, format!("app `{app_name}` has two ports named `{}`", port.value.name))
                            .at(port.provenance.span(), "named again here")
                            .also(ports[i].provenance.span(), "`port` is the port named `http`")
                            .help("give each port its own name, or drop `port` and list every port in `ports`"),
                    );
                }
            }
        }
        let resources = self.resources(app_name, settings);
        let env = settings
            .get("env")
            .and_then(|s| self.env(field("env"), s, &context))
            .unwrap_or_default();
        let mut hosts = Vec::new();
        for key in ["host", "hosts"] {
            if let Some(s) = settings.get(key) {
                hosts.extend(self.hosts(field(key), s, &context).unwrap_or_default());
            }
        }
        let after = settings
            .get("after")
            .and_then(|s| self.apps(field("after"), s))
            .unwrap_or_default();
        let timeout_seconds = settings
            .get("timeout")
            .and_then(|s| self.duration(field("timeout"), s).map(|v| sourced(v, s)));
        let wait = settings
            .get("wait")
            .and_then(|s| self.boolean(field("wait"), s).map(|v| sourced(v, s)));
        let freeze = settings
            .get("freeze")
            .and_then(|s| self.boolean(field("freeze"), s).map(|v| sourced(v, s)));
        let description = settings.get("description").and_then(|s| {
            self.text(field("description"), s, &context, false)
                .map(|v| sourced(v, s))
        });
        let group = settings.get("group").and_then(|s| {
            self.text(field("group"), s, &context, false)
                .map(|v| sourced(v, s))
        });
        let hotfix = settings
            .get("hotfix")
            .and_then(|s| self.hotfix(s, &context));
        let travelling = settings
            .get("travels")
            .and_then(|s| self.travels(field("travels"), s))
            .unwrap_or_default()
            .into_iter()
            .map(|path| Travelling {
                value: setting_at(settings, &path).map(|s| Sourced {
                    value: setting_text(s, self.sources),
                    provenance: provenance(s),
                }),
                path,
            })
            .collect();
        let extra_values = settings
            .get("values")
            .and_then(|s| self.extra_values(field("values"), s, &context))
            .unwrap_or_default();
        let mut value_sources = Vec::new();
        if let Some(Merged::Block(block)) = settings.get("values").map(|s| &s.merged) {
            value_sources_of(&mut Vec::new(), block, &mut value_sources);
        }
        let layout = chart
            .as_ref()
            .and_then(|c| self.resolved.charts.get(c.value.to_string().as_str()))
            .and_then(|decl| own_settings(decl).get("paths").cloned())
            .and_then(|paths| self.layout(&paths))
            .map(std::sync::Arc::new)
            .unwrap_or_else(ValuesLayout::shared_default);
        if !complete {
            return None;
        }
        let release = Release {
            app: app_name.to_string(),
            span: app.name.span,
            declared_in: self
                .shared
                .get(&self.sources.get(app.name.span.file).display_path()),
            namespace: namespace?,
            description: description.map(Box::new),
            group: group.map(Box::new),
            image: image?,
            tag: tag?,
            chart: chart?,
            chart_version: chart_version?,
            replicas,
            // Lists are kept for every release: as boxed slices, without
            // spare room.
            ports: ports.into(),
            resources,
            env: env.into(),
            hosts: hosts.into(),
            after: after.into(),
            priority: 0,
            timeout_seconds: timeout_seconds.map(Box::new),
            wait: wait.map(Box::new),
            freeze: freeze.map(Box::new),
            hotfix: hotfix.map(Box::new),
            travelling,
            extra_values: extra_values.into(),
            value_sources: value_sources.into(),
            layout,
        };
        self.value_collisions(&release);
        Some(release)
    }

    /// A hotfix marker: only in a `deploy`, with a reason.
    fn hotfix(&mut self, setting: &Setting<'a>, context: &Context<'_>) -> Option<Sourced<String>> {
        let spec = schema::find(DeclKind::App, "hotfix").expect("hotfix field");
        let reason = self.text(spec, setting, context, false)?;
        if setting.origin.kind() != OriginKind::Environment {
            self.push(
                Diagnostic::new(Code::E0407, "a hotfix marks one app in one environment")
                    .at(setting.key.span, format!("set by {}", setting.origin))
                    .help("move `hotfix = \"...\"` into the environment's `deploy APP @ \"TAG\" { ... }`"),
            );
            return None;
        }
        if reason.trim().is_empty() {
            self.push(
                Diagnostic::new(Code::E0407, "a hotfix needs a reason")
                    .at(setting.value_span(), "empty reason")
                    .help(
                        "name the incident, for example hotfix = \"INC-4711: certificate expired\"",
                    ),
            );
            return None;
        }
        Some(sourced(reason, setting))
    }

    fn resources(&mut self, app_name: &str, settings: &Settings<'a>) -> Resources {
        let read = |checker: &mut Self, name: &str, dimension: Dimension| {
            let setting = settings.get(name)?;
            let spec = schema::find(DeclKind::App, name).expect("resource field");
            checker
                .quantity(spec, setting, dimension)
                .map(|q| sourced(q, setting))
        };
        let memory_request = read(self, "memory", Dimension::Memory);
        let memory_limit =
            read(self, "memory_limit", Dimension::Memory).or_else(|| memory_request.clone());
        let cpu_request = read(self, "cpu", Dimension::Cpu);
        let cpu_limit = read(self, "cpu_limit", Dimension::Cpu);
        for (request, limit, what) in [
            (&memory_request, &memory_limit, "memory"),
            (&cpu_request, &cpu_limit, "cpu"),
        ] {
            if let (Some(request), Some(limit)) = (request, limit)
                && request.value.compare(&limit.value).is_gt()
            {
                self.push(
                        Diagnostic::new(
                            Code::E0312,
                            format!(
                                "app `{app_name}` requests more {what} ({}) than its limit ({})",
                                request.value.text, limit.value.text
                            ),
                        )
                        .at(request.provenance.span(), format!("request set by {}", request.provenance.origin))
                        .also(limit.provenance.span(), format!("limit set by {}", limit.provenance.origin))
                        .help(format!("raise `{what}_limit` or lower `{what}`; Kubernetes rejects a pod whose request exceeds its limit")),
                    );
            }
        }
        Resources {
            memory_request,
            memory_limit,
            cpu_request,
            cpu_limit,
        }
    }

    /// Chart values may add to what the typed fields write, never overwrite it.
    fn value_collisions(&mut self, release: &Release) {
        let layout = &release.layout;
        let r = &release.resources;
        let resource = |part: &str| format!("{}.{part}", layout.resources);
        let mut typed: Vec<(String, &str)> = vec![
            (layout.image.clone(), "`image`"),
            (layout.tag.clone(), "the version in `deploy APP @ \"TAG\"`"),
        ];
        let mut add = |set: bool, path: String, field: &'static str| {
            if set {
                typed.push((path, field));
            }
        };
        add(
            release.replicas.is_some(),
            layout.replicas.clone(),
            "`replicas`",
        );
        add(
            !release.ports.is_empty(),
            layout.port.clone(),
            "`port` or `ports`",
        );
        add(release.ports.len() > 1, layout.ports.clone(), "`ports`");
        add(r.cpu_request.is_some(), resource("requests.cpu"), "`cpu`");
        add(
            r.memory_request.is_some(),
            resource("requests.memory"),
            "`memory`",
        );
        add(r.cpu_limit.is_some(), resource("limits.cpu"), "`cpu_limit`");
        add(
            r.memory_limit.is_some(),
            resource("limits.memory"),
            "`memory_limit` (or `memory`)",
        );
        add(
            !release.hosts.is_empty(),
            format!("{}.enabled", layout.ingress),
            "`host` or `hosts`",
        );
        add(
            !release.hosts.is_empty(),
            format!("{}.hosts", layout.ingress),
            "`host` or `hosts`",
        );
        add(!release.env.is_empty(), layout.env.clone(), "`env`");
        let below = |path: &str, prefix: &str| {
            path.starts_with(prefix) && path[prefix.len()..].starts_with('.')
        };
        for (key, value) in &release.extra_values {
            let mut paths = Vec::new();
            leaf_paths(key, &value.value, &mut paths);
            for path in paths {
                let clash = typed.iter().find(|(typed_path, _)| {
                    path == *typed_path || below(&path, typed_path) || below(typed_path, &path)
                });
                if let Some((typed_path, field)) = clash {
                    self.push(
                        Diagnostic::new(Code::E0316, format!("chart value `{path}` is written by {field}"))
                            .at(value.provenance.span(), format!("`{typed_path}` comes from {field}"))
                            .help(format!("set {field} instead, so it is type-checked and can differ per environment")),
                    );
                }
            }
        }
    }

    fn host_clashes(&mut self, env_name: &str, releases: &[Release]) {
        let mut owners: IndexMap<&str, (&str, &Sourced<String>)> = IndexMap::new();
        for release in releases {
            for host in &release.hosts {
                match owners.get(host.value.as_str()) {
                    Some((owner, first)) if *owner != release.app => {
                        self.push(
                            Diagnostic::new(
                                Code::E0314,
                                format!(
                                    "`{}` and `{owner}` both bind host `{}` in `{env_name}`",
                                    release.app, host.value
                                ),
                            )
                            .at(
                                host.provenance.span(),
                                format!("bound by `{}`", release.app),
                            )
                            .also(first.provenance.span(), format!("bound by `{owner}`"))
                            .help("a host routes to one app; give one of them another name"),
                        );
                    }
                    Some(_) => {}
                    None => {
                        owners.insert(&host.value, (&release.app, host));
                    }
                }
            }
        }
    }

    fn unused_declarations(&mut self) {
        let resolved = self.resolved;
        for (name, app) in &resolved.apps {
            let deployed = self.deployed.contains(name);
            if !deployed && !resolved.environments.is_empty() {
                self.push(
                    Diagnostic::new(Code::W0102, format!("app `{name}` is not deployed in any environment"))
                        .at(app.name.span, "declared here")
                        .help(format!("deploy it with `deploy {name} @ \"VERSION\"` in an environment, or remove it")),
                );
            }
        }
        for (name, template) in &resolved.templates {
            let used = resolved
                .apps
                .values()
                .chain(resolved.templates.values())
                .any(|d| d.parent.as_ref().is_some_and(|p| p.text == *name));
            if !used {
                self.push(
                    Diagnostic::new(Code::W0103, format!("template `{name}` is never used"))
                        .at(template.name.span, "declared here")
                        .help(format!(
                            "inherit from it with `app NAME : {name} {{ ... }}`, or remove it"
                        )),
                );
            }
        }
    }
}

/// Whether a chart value (or something inside it) comes from `env_var()`.
fn supplied_by_ci(value: &Extra) -> bool {
    match value {
        Extra::Str(Text::FromEnvironment(_)) => true,
        Extra::List(items) => items.iter().any(supplied_by_ci),
        Extra::Map(entries) => entries.iter().any(|(_, v)| supplied_by_ci(v)),
        _ => false,
    }
}

/// The dotted paths of the values a chart value sets; an empty block sets none.
fn leaf_paths(prefix: &str, value: &Extra, out: &mut Vec<String>) {
    match value {
        Extra::Map(entries) => {
            for (key, inner) in entries {
                leaf_paths(&format!("{prefix}.{key}"), inner, out);
            }
        }
        _ => out.push(prefix.to_string()),
    }
}

fn dimension_word(dimension: Dimension) -> &'static str {
    match dimension {
        Dimension::Memory => "memory",
        Dimension::Cpu => "CPU",
    }
}

fn empty_block(span: Span) -> crate::syntax::ast::Block {
    crate::syntax::ast::Block {
        fields: Vec::new(),
        deploys: Vec::new(),
        span,
    }
}

/// A merged setting as source text: the value as written, or for a merged
/// block its entries, `{ KEY = VALUE, ... }`. Equal settings give equal text.
fn setting_text(setting: &Setting<'_>, sources: &Sources) -> String {
    match &setting.merged {
        Merged::Value(value) => sources.text(value.span).to_string(),
        Merged::Block(inner) => {
            let entries: Vec<String> = inner
                .values()
                .map(|s| {
                    format!(
                        "{} = {}",
                        sources.text(s.key.span),
                        setting_text(s, sources)
                    )
                })
                .collect();
            format!("{{ {} }}", entries.join(", "))
        }
    }
}

/// The merged setting at a dotted path (`env.NAME`), if set.
fn setting_at<'s, 'a>(settings: &'s Settings<'a>, path: &str) -> Option<&'s Setting<'a>> {
    let (head, rest) = match path.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (path, None),
    };
    let setting = settings.get(head)?;
    match (rest, &setting.merged) {
        (None, _) => Some(setting),
        (Some(rest), Merged::Block(inner)) => setting_at(inner, rest),
        (Some(_), Merged::Value(_)) => None,
    }
}

/// How a function is written, for help lines.
fn signature(function: &str) -> &'static str {
    match function {
        "secret" => "secret(\"name\", \"key\")",
        _ => "env_var(\"NAME\")",
    }
}

/// An IANA service name, as Kubernetes port names are: at most 15 characters.
fn port_name(name: &str) -> Result<(), String> {
    validate::dns_label(name, 15)?;
    if !name.chars().any(|c| c.is_ascii_lowercase()) {
        return Err("a port name contains at least one letter".into());
    }
    Ok(())
}

fn secret_key_is_valid(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 253
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

fn declared_keys(decl: &BlockDecl) -> Vec<&str> {
    decl.body
        .fields
        .iter()
        .filter(|f| f.key.text == "keys")
        .flat_map(|f| match &f.value.kind {
            ValueKind::List(items) => items.iter().collect(),
            _ => Vec::new(),
        })
        .filter_map(|v| match &v.kind {
            ValueKind::Str(s) => Some(s.as_str()),
            _ => None,
        })
        .collect()
}

/// A variable whose name says it holds a credential.
fn looks_like_credential(name: &str) -> bool {
    const WORDS: &[&str] = &[
        "PASSWORD",
        "PASSWD",
        "PASS",
        "PWD",
        "TOKEN",
        "SECRET",
        "KEY",
        "APIKEY",
        "CREDENTIALS",
    ];
    name.to_ascii_uppercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| WORDS.contains(&word))
}

/// Helmsman priorities from `after`: an app runs after everything it names, so
/// its dependencies get lower (earlier) priorities. The deepest chain ends at 0.
fn assign_priorities(releases: &mut [Release]) {
    let index: IndexMap<String, usize> = releases
        .iter()
        .enumerate()
        .map(|(i, r)| (r.app.clone(), i))
        .collect();
    let mut depth: Vec<Option<i64>> = vec![None; releases.len()];
    fn depth_of(
        i: usize,
        releases: &[Release],
        index: &IndexMap<String, usize>,
        depth: &mut Vec<Option<i64>>,
        guard: usize,
    ) -> i64 {
        if let Some(d) = depth[i] {
            return d;
        }
        if guard > releases.len() {
            return 0; // a cycle; already reported by resolve
        }
        let d = releases[i]
            .after
            .iter()
            .filter_map(|dep| index.get(dep))
            .map(|&j| depth_of(j, releases, index, depth, guard + 1) + 1)
            .max()
            .unwrap_or(0);
        depth[i] = Some(d);
        d
    }
    for i in 0..releases.len() {
        depth_of(i, releases, &index, &mut depth, 0);
    }
    let deepest = depth.iter().flatten().copied().max().unwrap_or(0);
    for (release, d) in releases.iter_mut().zip(depth) {
        release.priority = d.unwrap_or(0) - deepest;
    }
}
