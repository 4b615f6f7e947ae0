//! Promotion: plans a step of the chain on the model, turns it into minimal
//! edits of the source text, and verifies that a change to protected
//! environments is only promotion.
//!
//! What travels with a release is its image tag and its chart version; every
//! other setting (replicas, memory, hosts, overrides) belongs to its
//! environment and never moves. This module does no I/O.

pub mod edit;
pub mod verify;

use crate::diag::{Code, Diagnostic};
use crate::model::{Model, PromotionStep, Release, Text};
use crate::resolve::{Origin, OriginKind};

/// The release of one app that a promotion moves.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub app: String,
    /// The target's tag today; None when the target does not run the app yet.
    pub old_tag: Option<Text>,
    pub new_tag: Text,
    pub old_chart_version: Option<String>,
    pub new_chart_version: String,
    /// Travelling settings that differ: path, target's text, source's text.
    pub travelling: Vec<TravelChange>,
    /// For an app new to the target: what the source's `deploy` overrides
    /// and must come along (chart version, travelling settings), as
    /// (path, source text).
    pub new_overrides: Vec<(String, String)>,
}

/// A setting that travels with the release and differs between the two
/// environments; None where it is not set.
#[derive(Debug, Clone, PartialEq)]
pub struct TravelChange {
    pub path: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl Change {
    pub fn is_new(&self) -> bool {
        self.old_tag.is_none()
    }

    pub fn tag_changes(&self) -> bool {
        self.old_tag.as_ref() != Some(&self.new_tag)
    }

    pub fn chart_changes(&self) -> bool {
        self.old_chart_version.as_ref() != Some(&self.new_chart_version)
    }
}

/// What promoting `step` would do.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub step: PromotionStep,
    /// Apps whose release changes, sorted by name.
    pub changes: Vec<Change>,
    /// Apps already at the upstream's release.
    pub unchanged: Vec<String>,
    /// Apps the target runs that the source does not; promotion leaves them.
    pub target_only: Vec<String>,
}

/// Plans the step FROM → TO for all apps, or only `apps`. The error is a
/// usage error for people.
pub fn plan(model: &Model, from: &str, to: &str, apps: &[String]) -> Result<Plan, Diagnostic> {
    let Some(step) = model
        .promotion
        .iter()
        .find(|s| s.from == from && s.to == to)
    else {
        let steps: Vec<String> = model
            .promotion
            .iter()
            .map(|s| format!("{} -> {}", s.from, s.to))
            .collect();
        let unknown = |message: String| Diagnostic::new(Code::E0605, message);
        return Err(if steps.is_empty() {
            unknown("the spec declares no promotion chain".into())
                .help("add a `promotion { FROM -> TO via ... }` block")
        } else {
            unknown(format!(
                "`{from} -> {to}` is not a step of the promotion chain"
            ))
            .help(format!("the steps are: {}", steps.join(", ")))
        });
    };
    let source = model
        .environment(from)
        .expect("steps name declared environments");
    let target = model
        .environment(to)
        .expect("steps name declared environments");
    for app in apps {
        if !source.releases.iter().any(|r| &r.app == app) {
            let names: Vec<&str> = source.releases.iter().map(|r| r.app.as_str()).collect();
            let hint = crate::diag::suggest::help_for(app, names.iter().copied())
                .unwrap_or_else(|| format!("it runs {}", names.join(", ")));
            return Err(Diagnostic::new(
                Code::E0605,
                format!("`{from}` does not run `{app}`, so there is nothing to promote"),
            )
            .help(hint));
        }
    }
    let mut plan = Plan {
        step: step.clone(),
        changes: Vec::new(),
        unchanged: Vec::new(),
        target_only: Vec::new(),
    };
    for release in &source.releases {
        if !apps.is_empty() && !apps.contains(&release.app) {
            continue;
        }
        let current = target.releases.iter().find(|r| r.app == release.app);
        let change = Change {
            app: release.app.clone(),
            old_tag: current.map(|r| r.tag.value.clone()),
            new_tag: release.tag.value.clone(),
            old_chart_version: current.map(|r| r.chart_version.value.to_string()),
            new_chart_version: release.chart_version.value.to_string(),
            travelling: current
                .map(|c| travel_changes(c, release))
                .unwrap_or_default(),
            new_overrides: if current.is_none() {
                overrides_of(release, from)
            } else {
                Vec::new()
            },
        };
        if change.tag_changes() || change.chart_changes() || !change.travelling.is_empty() {
            plan.changes.push(change);
        } else {
            plan.unchanged.push(release.app.clone());
        }
    }
    if apps.is_empty() {
        plan.target_only = target
            .releases
            .iter()
            .filter(|r| !source.releases.iter().any(|s| s.app == r.app))
            .map(|r| r.app.clone())
            .collect();
    }
    Ok(plan)
}

/// What `env`'s `deploy` of `release` sets that travels: the chart version
/// and the travelling settings, as (path, source text).
fn overrides_of(release: &Release, env: &str) -> Vec<(String, String)> {
    let here = |origin: &Origin| origin.kind() == OriginKind::Environment && origin.name() == env;
    let mut out = Vec::new();
    if here(&release.chart_version.provenance.origin) {
        out.push((
            "chart_version".to_string(),
            format!("{:?}", release.chart_version.value),
        ));
    }
    for travelling in &release.travelling {
        if let Some(value) = travelling
            .value
            .as_ref()
            .filter(|v| here(&v.provenance.origin))
        {
            out.push((travelling.path.clone(), value.value.clone()));
        }
    }
    out
}

/// Travelling settings (declared by either side) whose text differs.
pub fn travel_changes(target: &Release, source: &Release) -> Vec<TravelChange> {
    let text = |r: &Release, path: &str| {
        r.travelling
            .iter()
            .find(|t| t.path == path)
            .and_then(|t| t.value.as_ref())
            .map(|v| v.value.clone())
    };
    let mut paths: Vec<&str> = source
        .travelling
        .iter()
        .chain(&target.travelling)
        .map(|t| t.path.as_str())
        .collect();
    paths.sort_unstable();
    paths.dedup();
    paths
        .into_iter()
        .filter_map(|path| {
            let (old, new) = (text(target, path), text(source, path));
            (old != new).then(|| TravelChange {
                path: path.to_string(),
                old,
                new,
            })
        })
        .collect()
}

/// A tag as people read it: the text, or `${NAME}` when the CI supplies it.
pub fn show_tag(tag: &Text) -> String {
    match tag {
        Text::Literal(t) => t.clone(),
        Text::FromEnvironment(var) => format!("env_var(\"{var}\")"),
    }
}

/// The release of `app` in environment `env`, if it runs there.
pub fn release<'m>(model: &'m Model, env: &str, app: &str) -> Option<&'m Release> {
    model
        .environment(env)?
        .releases
        .iter()
        .find(|r| r.app == app)
}
