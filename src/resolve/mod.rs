//! Resolve: syntax trees in, named declarations and merged settings out.
//!
//! Builds the symbol tables (one per kind of declaration), reports unknown and
//! duplicate names, walks template inheritance, and merges, for every
//! environment and every app it deploys, the settings of the template chain,
//! the app and the environment's overrides. Each merged setting remembers
//! where it came from. Resolve judges no value: that is `check`'s job.

pub mod merge;

pub use merge::{Merged, Origin, OriginKind, Setting, Settings};

use std::sync::Arc;

use indexmap::IndexMap;
use rayon::prelude::*;

use crate::diag::{Code, Diagnostic, suggest};
use crate::source::Span;
use crate::syntax::ast::{
    self, BlockDecl, DeclKind, Declaration, Deploy, HelmRepoDecl, RuleDecl, Step, ValueKind,
};

/// The names of a spec and what they stand for, each table sorted by name.
#[derive(Debug, Default)]
pub struct Resolved<'a> {
    pub platform: Option<&'a BlockDecl>,
    pub helm_repos: IndexMap<&'a str, &'a HelmRepoDecl>,
    pub secrets: IndexMap<&'a str, &'a BlockDecl>,
    pub charts: IndexMap<&'a str, &'a BlockDecl>,
    pub templates: IndexMap<&'a str, &'a BlockDecl>,
    pub apps: IndexMap<&'a str, &'a BlockDecl>,
    pub environments: IndexMap<&'a str, Environment<'a>>,
    pub rules: Vec<&'a RuleDecl>,
    /// Promotion steps of every `promotion` block whose environments exist,
    /// in source order.
    pub steps: Vec<&'a Step>,
    /// Apps whose template chain is broken (unknown parent, cycle): their
    /// missing fields are a consequence, not worth reporting again.
    pub incomplete_apps: Vec<&'a str>,
}

/// An environment with each app it deploys, settings merged.
#[derive(Debug)]
pub struct Environment<'a> {
    pub decl: &'a BlockDecl,
    pub deployments: Vec<Deployment<'a>>,
}

/// One `deploy` of an app in an environment.
#[derive(Debug)]
pub struct Deployment<'a> {
    pub app: &'a BlockDecl,
    pub deploy: &'a Deploy,
    /// The app's templates, the most general first, each with its origin;
    /// shared by the app's deployments.
    templates: Arc<[(&'a BlockDecl, Origin)]>,
    /// The app's origin.
    app_origin: Origin,
    /// The environment's name.
    pub environment: &'a str,
    /// The environment's origin.
    environment_origin: Origin,
}

impl<'a> Deployment<'a> {
    /// The settings of the template chain, then the app, then the
    /// environment's overrides; later wins. Merged on demand, not kept: a
    /// large spec has tens of thousands of deployments, and each is checked
    /// once.
    pub fn settings(&self) -> Settings<'a> {
        let mut settings = Settings::default();
        for (template, origin) in self.templates.iter() {
            merge::layer(&mut settings, &template.body, origin);
        }
        merge::layer(&mut settings, &self.app.body, &self.app_origin);
        if let Some(overrides) = &self.deploy.overrides {
            merge::layer(&mut settings, overrides, &self.environment_origin);
        }
        settings
    }

    /// The origin of what the environment itself says about the deployment.
    pub fn environment_origin(&self) -> &Origin {
        &self.environment_origin
    }

    /// The value of a plain (not block) top-level field as last written, without
    /// merging everything.
    fn last_value(&self, key: &str) -> Option<&'a ast::Value> {
        let layers = self
            .deploy
            .overrides
            .iter()
            .chain(std::iter::once(&self.app.body))
            .chain(self.templates.iter().rev().map(|(t, _)| &t.body));
        for block in layers {
            if let Some(field) = block.fields.iter().rev().find(|f| f.key.text == key) {
                return match field.value.kind {
                    ValueKind::Map(_) => None,
                    _ => Some(&field.value),
                };
            }
        }
        None
    }
}

impl<'a> Resolved<'a> {
    pub fn app_names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.apps.keys().copied()
    }
}

/// Resolves the declarations of every file of a spec.
pub fn resolve<'a>(files: &'a [ast::File], diagnostics: &mut Vec<Diagnostic>) -> Resolved<'a> {
    let mut resolved = Resolved::default();
    let mut platforms: Vec<&BlockDecl> = Vec::new();
    let mut environments: IndexMap<&str, &BlockDecl> = IndexMap::new();
    for declaration in files.iter().flat_map(|f| &f.declarations) {
        match declaration {
            Declaration::HelmRepo(repo) => insert_unique(
                &mut resolved.helm_repos,
                repo,
                &repo.name,
                "helm_repo",
                diagnostics,
            ),
            Declaration::Rule(rule) => resolved.rules.push(rule),
            Declaration::Promotion(promotion) => resolved.steps.extend(&promotion.steps),
            Declaration::Block(decl) => {
                let table = match decl.kind {
                    DeclKind::Platform => {
                        platforms.push(decl);
                        continue;
                    }
                    DeclKind::Secret => &mut resolved.secrets,
                    DeclKind::Chart => &mut resolved.charts,
                    DeclKind::Template => &mut resolved.templates,
                    DeclKind::App => &mut resolved.apps,
                    DeclKind::Environment => &mut environments,
                    DeclKind::HelmRepo => unreachable!("helm_repo is not a block declaration"),
                };
                insert_unique(table, decl, &decl.name, decl.kind.keyword(), diagnostics);
            }
        }
    }
    for table in [
        &mut resolved.secrets,
        &mut resolved.charts,
        &mut resolved.templates,
        &mut resolved.apps,
        &mut environments,
    ] {
        table.sort_unstable_keys();
    }
    resolved.helm_repos.sort_unstable_keys();
    resolved.platform = check_platform(&mut platforms, files, diagnostics);

    let (ancestry, incomplete_apps) = template_ancestry(&resolved, diagnostics);
    resolved.incomplete_apps = incomplete_apps;
    check_chart_repos(&resolved, diagnostics);
    // Environments resolve independently: on every core, each into its own
    // diagnostics, gathered back in order.
    let environments: Vec<(&str, &BlockDecl)> = environments
        .iter()
        .map(|(name, decl)| (*name, *decl))
        .collect();
    let resolved_environments: Vec<(&str, Environment, Vec<Diagnostic>)> = environments
        .into_par_iter()
        .map(|(name, decl)| {
            let mut found = Vec::new();
            let environment = resolve_environment(&resolved, &ancestry, decl, &mut found);
            (name, environment, found)
        })
        .collect();
    for (name, environment, found) in resolved_environments {
        diagnostics.extend(found);
        resolved.environments.insert(name, environment);
    }
    check_after(&resolved, diagnostics);
    check_rule_scopes(&resolved, diagnostics);
    check_promotion_chain(&mut resolved, diagnostics);
    resolved
}

fn insert_unique<'a, T>(
    table: &mut IndexMap<&'a str, &'a T>,
    item: &'a T,
    name: &'a ast::Name,
    kind: &str,
    diagnostics: &mut Vec<Diagnostic>,
) where
    T: HasName,
{
    if let Some(first) = table.get(name.text.as_str()) {
        diagnostics.push(
            Diagnostic::new(
                Code::E0201,
                format!("{kind} `{}` is declared twice", name.text),
            )
            .at(name.span, "declared again here")
            .also(first.name().span, "first declared here")
            .help(format!(
                "rename one of them, or merge the two {kind} declarations"
            )),
        );
        return;
    }
    table.insert(&name.text, item);
}

trait HasName {
    fn name(&self) -> &ast::Name;
}

impl HasName for BlockDecl {
    fn name(&self) -> &ast::Name {
        &self.name
    }
}

impl HasName for HelmRepoDecl {
    fn name(&self) -> &ast::Name {
        &self.name
    }
}

fn check_platform<'a>(
    platforms: &mut [&'a BlockDecl],
    files: &'a [ast::File],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<&'a BlockDecl> {
    platforms.sort_by_key(|p| p.span);
    match platforms {
        [] => {
            if files.iter().any(|f| !f.declarations.is_empty()) {
                let mut diagnostic = Diagnostic::new(Code::E0212, "the spec declares no `platform`")
                    .help("add `platform NAME { org = \"...\" maintainer = \"...\" registry = \"...\" }` to one file");
                if let Some(first) = files.iter().flat_map(|f| &f.declarations).next() {
                    diagnostic = diagnostic.at(declaration_span(first), "in this spec");
                }
                diagnostics.push(diagnostic);
            }
            None
        }
        [one] => Some(one),
        [first, rest @ ..] => {
            for other in rest.iter() {
                diagnostics.push(
                    Diagnostic::new(Code::E0212, "a spec declares exactly one `platform`")
                        .at(other.name.span, "second platform declared here")
                        .also(first.name.span, "first declared here")
                        .help("one spec describes one platform; remove or merge the extra declaration"),
                );
            }
            Some(first)
        }
    }
}

fn declaration_span(declaration: &Declaration) -> Span {
    match declaration {
        Declaration::Block(d) => d.name.span,
        Declaration::HelmRepo(d) => d.name.span,
        Declaration::Rule(d) => d.title_span,
        Declaration::Promotion(d) => d.span,
    }
}

/// For each template and app, its origin and its template chain from the
/// root down, each template with its origin; a chain with an unknown parent
/// or a cycle is cut where it breaks. Origins are made once per declaration
/// and shared by every value that comes from it.
type Ancestry<'a> = IndexMap<(&'a str, DeclKind), (Origin, Arc<[(&'a BlockDecl, Origin)]>)>;

fn template_ancestry<'a>(
    resolved: &Resolved<'a>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Ancestry<'a>, Vec<&'a str>) {
    let mut ancestry = Ancestry::new();
    let template_origins: IndexMap<&str, Origin> = resolved
        .templates
        .iter()
        .map(|(name, decl)| (*name, Origin::template(&decl.name)))
        .collect();
    let mut incomplete = Vec::new();
    let mut reported_cycles: Vec<Vec<&str>> = Vec::new();
    for decl in resolved.templates.values().chain(resolved.apps.values()) {
        let mut chain: Vec<&BlockDecl> = Vec::new();
        let mut current = decl.parent.as_ref();
        let mut broken = false;
        while let Some(parent) = current {
            let Some(template) = resolved.templates.get(parent.text.as_str()) else {
                let mut diagnostic =
                    Diagnostic::new(Code::E0203, format!("unknown template `{}`", parent.text))
                        .at(parent.span, "no template has this name");
                diagnostic = if resolved.apps.contains_key(parent.text.as_str()) {
                    diagnostic.help(format!(
                        "`{}` is an app; only templates can be inherited from",
                        parent.text
                    ))
                } else {
                    diagnostic.maybe_help(suggest::help_for(
                        &parent.text,
                        resolved.templates.keys().copied(),
                    ))
                };
                diagnostics.push(diagnostic);
                broken = true;
                break;
            };
            if std::ptr::eq(*template, *decl) || chain.iter().any(|c| std::ptr::eq(*c, *template)) {
                let mut members: Vec<&str> = chain.iter().map(|c| c.name.text.as_str()).collect();
                members.push(&decl.name.text);
                members.sort_unstable();
                if decl.kind == DeclKind::Template && !reported_cycles.contains(&members) {
                    let cycle: Vec<&str> = std::iter::once(decl.name.text.as_str())
                        .chain(chain.iter().map(|c| c.name.text.as_str()))
                        .chain(std::iter::once(decl.name.text.as_str()))
                        .collect();
                    diagnostics.push(
                        Diagnostic::new(
                            Code::E0207,
                            format!("template `{}` inherits from itself", decl.name.text),
                        )
                        .at(parent.span, "this closes the cycle")
                        .help(format!(
                            "the cycle is {}; break it by removing one parent",
                            cycle.join(" → ")
                        )),
                    );
                    reported_cycles.push(members);
                }
                broken = true;
                break;
            }
            chain.push(template);
            current = template.parent.as_ref();
        }
        chain.reverse();
        if broken && decl.kind == DeclKind::App {
            incomplete.push(decl.name.text.as_str());
        }
        let name = decl.name.text.as_str();
        let origin = match decl.kind {
            DeclKind::Template => template_origins[name].clone(),
            _ => Origin::app(&decl.name),
        };
        let chain = chain
            .into_iter()
            .map(|t| (t, template_origins[t.name.text.as_str()].clone()))
            .collect();
        ancestry.insert((name, decl.kind), (origin, chain));
    }
    (ancestry, incomplete)
}

/// A chart declaration names its repository; chart references in apps are
/// checked with their values, by `check`.
fn check_chart_repos(resolved: &Resolved<'_>, diagnostics: &mut Vec<Diagnostic>) {
    for chart in resolved.charts.values() {
        let Some((repo, _chart)) = chart.name.text.split_once('/') else {
            continue;
        };
        if !resolved.helm_repos.contains_key(repo) {
            let span = Span {
                end: chart.name.span.start + repo.len() as u32,
                ..chart.name.span
            };
            let help = suggest::help_for(repo, resolved.helm_repos.keys().copied())
                .unwrap_or_else(|| format!("declare it: helm_repo {repo} = \"https://...\""));
            diagnostics.push(
                Diagnostic::new(Code::E0204, format!("unknown helm repository `{repo}`"))
                    .at(span, "no helm_repo has this name")
                    .help(help),
            );
        }
    }
}

fn resolve_environment<'a>(
    resolved: &Resolved<'a>,
    ancestry: &Ancestry<'a>,
    decl: &'a BlockDecl,
    diagnostics: &mut Vec<Diagnostic>,
) -> Environment<'a> {
    let env_name = decl.name.text.as_str();
    let environment_origin = Origin::environment(&decl.name);
    let mut deployments: Vec<Deployment<'a>> = Vec::with_capacity(decl.body.deploys.len());
    // Index of each app's first deployment, to find a second one quickly.
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for deploy in &decl.body.deploys {
        let app_name = deploy.app.text.as_str();
        let Some(app) = resolved.apps.get(app_name).copied() else {
            diagnostics.push(unknown_app(resolved, &deploy.app));
            continue;
        };
        if let Some(&first) = seen.get(app_name) {
            let first: &Deployment<'a> = &deployments[first];
            diagnostics.push(
                Diagnostic::new(
                    Code::E0213,
                    format!("`{app_name}` is deployed twice in environment `{env_name}`"),
                )
                .at(deploy.app.span, "deployed again here")
                .also(first.deploy.app.span, "first deployed here")
                .help("an environment runs one release of each app; keep one `deploy`"),
            );
            continue;
        }
        let (app_origin, templates) = match ancestry.get(&(app_name, DeclKind::App)) {
            Some((origin, chain)) => (origin.clone(), chain.clone()),
            None => (Origin::app(&app.name), Arc::from([])),
        };
        seen.insert(app_name, deployments.len());
        deployments.push(Deployment {
            app,
            deploy,
            templates,
            app_origin,
            environment: env_name,
            environment_origin: environment_origin.clone(),
        });
    }
    deployments.sort_by(|a, b| a.app.name.text.cmp(&b.app.name.text));
    Environment { decl, deployments }
}

/// "unknown app" with a did-you-mean.
pub fn unknown_app(resolved: &Resolved<'_>, name: &ast::Name) -> Diagnostic {
    Diagnostic::new(Code::E0202, format!("unknown app `{}`", name.text))
        .at(name.span, "no app has this name")
        .maybe_help(suggest::help_for(&name.text, resolved.app_names()))
}

/// The apps named by a deployment's `after`, with their spans.
pub fn after_names<'a>(deployment: &Deployment<'a>) -> Vec<(&'a str, Span)> {
    let Some(value) = deployment.last_value("after") else {
        return Vec::new();
    };
    let items: Vec<&ast::Value> = match &value.kind {
        ValueKind::List(items) => items.iter().collect(),
        _ => vec![value],
    };
    items
        .into_iter()
        .filter_map(|v| match &v.kind {
            ValueKind::Reference(r) => Some((r.as_str(), v.span)),
            _ => None,
        })
        .collect()
}

/// What `check_after` finds in one environment; an unknown app and a cycle
/// are reported once, however many environments show them.
enum AfterProblem<'a> {
    UnknownApp(Span, Diagnostic),
    NotDeployed(Diagnostic),
    Cycle(Vec<&'a str>, Diagnostic),
}

fn check_after(resolved: &Resolved<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let environments: Vec<_> = resolved.environments.iter().collect();
    let found: Vec<Vec<AfterProblem>> = environments
        .into_par_iter()
        .map(|(env_name, environment)| after_problems(resolved, env_name, environment))
        .collect();
    let mut reported: Vec<Span> = Vec::new();
    let mut reported_cycles: Vec<Vec<&str>> = Vec::new();
    for problem in found.into_iter().flatten() {
        match problem {
            AfterProblem::UnknownApp(span, diagnostic) => {
                if !reported.contains(&span) {
                    reported.push(span);
                    diagnostics.push(diagnostic);
                }
            }
            AfterProblem::NotDeployed(diagnostic) => diagnostics.push(diagnostic),
            AfterProblem::Cycle(members, diagnostic) => {
                if !reported_cycles.contains(&members) {
                    reported_cycles.push(members);
                    diagnostics.push(diagnostic);
                }
            }
        }
    }
}

fn after_problems<'a>(
    resolved: &Resolved<'a>,
    env_name: &str,
    environment: &Environment<'a>,
) -> Vec<AfterProblem<'a>> {
    let mut problems = Vec::new();
    let deployed: IndexMap<&str, &Deployment<'_>> = environment
        .deployments
        .iter()
        .map(|d| (d.app.name.text.as_str(), d))
        .collect();
    for deployment in &environment.deployments {
        for (dependency, span) in after_names(deployment) {
            if !resolved.apps.contains_key(dependency) {
                let name = ast::Name {
                    text: dependency.to_string(),
                    span,
                };
                problems.push(AfterProblem::UnknownApp(span, unknown_app(resolved, &name)));
            } else if !deployed.contains_key(dependency) {
                problems.push(AfterProblem::NotDeployed(
                    Diagnostic::new(
                        Code::E0211,
                        format!(
                            "`{}` runs after `{dependency}`, which environment `{env_name}` does not deploy",
                            deployment.app.name.text
                        ),
                    )
                    .at(span, format!("not deployed in `{env_name}`"))
                    .also(environment.decl.name.span, format!("environment `{env_name}`"))
                    .help(format!(
                        "deploy `{dependency}` in `{env_name}`, or drop it from `after` there"
                    )),
                ));
            }
        }
    }
    for cycle in dependency_cycles(&deployed) {
        let mut members = cycle.clone();
        members.sort_unstable();
        members.dedup();
        let first = deployed[cycle[0]];
        let span = after_names(first)
            .into_iter()
            .find(|(n, _)| *n == cycle[1])
            .map_or(first.app.name.span, |(_, s)| s);
        problems.push(AfterProblem::Cycle(
            members,
            Diagnostic::new(
                Code::E0208,
                format!("`after` dependencies form a cycle: {}", cycle.join(" → ")),
            )
            .at(span, "this dependency closes the cycle")
            .help("an app cannot start after itself; remove one of these `after` entries"),
        ));
    }
    problems
}

/// Cycles among deployed apps' `after` edges, each as a closed path.
fn dependency_cycles<'a>(deployed: &IndexMap<&'a str, &Deployment<'a>>) -> Vec<Vec<&'a str>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Active,
        Done,
    }
    fn visit<'a>(
        app: &'a str,
        deployed: &IndexMap<&'a str, &Deployment<'a>>,
        state: &mut IndexMap<&'a str, State>,
        path: &mut Vec<&'a str>,
        cycles: &mut Vec<Vec<&'a str>>,
    ) {
        state.insert(app, State::Active);
        path.push(app);
        for (dependency, _) in after_names(deployed[app]) {
            let Some((dependency, _)) = deployed.get_key_value(dependency) else {
                continue;
            };
            match state[dependency] {
                State::New => visit(dependency, deployed, state, path, cycles),
                State::Active => {
                    let start = path
                        .iter()
                        .position(|a| a == dependency)
                        .expect("active apps are on the path");
                    let mut cycle = path[start..].to_vec();
                    cycle.push(dependency);
                    cycles.push(cycle);
                }
                State::Done => {}
            }
        }
        path.pop();
        state.insert(app, State::Done);
    }
    let mut state: IndexMap<&str, State> = deployed.keys().map(|k| (*k, State::New)).collect();
    let mut cycles = Vec::new();
    for app in deployed.keys() {
        if state[app] == State::New {
            visit(app, deployed, &mut state, &mut Vec::new(), &mut cycles);
        }
    }
    cycles
}

fn check_rule_scopes(resolved: &Resolved<'_>, diagnostics: &mut Vec<Diagnostic>) {
    for rule in &resolved.rules {
        for clause in &rule.clauses {
            for env in &clause.scope {
                if !resolved.environments.contains_key(env.text.as_str()) {
                    diagnostics.push(unknown_environment(resolved, env));
                }
            }
        }
    }
}

/// "unknown environment" with a did-you-mean.
pub fn unknown_environment(resolved: &Resolved<'_>, name: &ast::Name) -> Diagnostic {
    Diagnostic::new(Code::E0205, format!("unknown environment `{}`", name.text))
        .at(name.span, "no environment has this name")
        .maybe_help(suggest::help_for(
            &name.text,
            resolved.environments.keys().copied(),
        ))
}

/// Steps name declared environments; each environment has at most one
/// upstream; the chain has no cycle. Steps that break a rule are dropped.
fn check_promotion_chain(resolved: &mut Resolved<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let mut kept: Vec<&Step> = Vec::new();
    for step in std::mem::take(&mut resolved.steps) {
        let mut known = true;
        for env in [&step.from, &step.to] {
            if !resolved.environments.contains_key(env.text.as_str()) {
                diagnostics.push(unknown_environment(resolved, env));
                known = false;
            }
        }
        if !known {
            continue;
        }
        if let Some(first) = kept.iter().find(|s| s.to.text == step.to.text) {
            diagnostics.push(
                Diagnostic::new(
                    Code::E0402,
                    format!("environment `{}` is promoted into twice", step.to.text),
                )
                .at(step.to.span, format!("promoted from `{}` here", step.from.text))
                .also(first.to.span, format!("and from `{}` here", first.from.text))
                .help("a release reaches an environment from exactly one upstream; keep one of these steps"),
            );
            continue;
        }
        kept.push(step);
    }
    // With one upstream each, following upstreams from any environment either
    // ends or loops; a loop is a cycle.
    let upstream = |env: &str| kept.iter().find(|s| s.to.text == env);
    let mut reported: Vec<Vec<&str>> = Vec::new();
    let mut in_cycle: Vec<&str> = Vec::new();
    for step in &kept {
        let mut path = vec![step.to.text.as_str()];
        let mut current = step;
        while let Some(next) = upstream(&current.from.text) {
            if path.contains(&current.from.text.as_str()) {
                break;
            }
            path.push(&current.from.text);
            current = next;
        }
        if path.contains(&current.from.text.as_str()) {
            let start = path
                .iter()
                .position(|e| *e == current.from.text)
                .unwrap_or(0);
            let mut members: Vec<&str> = path[start..].to_vec();
            in_cycle.extend(&members);
            members.sort_unstable();
            if !reported.contains(&members) {
                let mut cycle: Vec<&str> = path[start..].iter().rev().copied().collect();
                cycle.push(cycle[0]);
                diagnostics.push(
                    Diagnostic::new(
                        Code::E0401,
                        format!("the promotion chain has a cycle: {}", cycle.join(" → ")),
                    )
                    .at(step.span, "this step is part of the cycle")
                    .help(
                        "releases move one way, from test to production; remove one of these steps",
                    ),
                );
                reported.push(members);
            }
        }
    }
    kept.retain(|s| !in_cycle.contains(&s.to.text.as_str()));
    resolved.steps = kept;
}
