//! Promotion: plans a step of the chain on the model, turns it into minimal
//! edits of the source text, and verifies that a change to protected
//! environments is only promotion.
//!
//! What travels with a release is its image tag and its chart version; every
//! other setting (replicas, memory, hosts, overrides) belongs to its
//! environment and never moves. This module does no I/O.

pub mod edit;
pub mod verify;

use crate::model::{Model, PromotionStep, Release, Text};

/// The release of one app that a promotion moves.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub app: String,
    /// The target's tag today; None when the target does not run the app yet.
    pub old_tag: Option<Text>,
    pub new_tag: Text,
    pub old_chart_version: Option<String>,
    pub new_chart_version: String,
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
pub fn plan(model: &Model, from: &str, to: &str, apps: &[String]) -> Result<Plan, String> {
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
        return Err(if steps.is_empty() {
            "the spec declares no promotion chain; add a `promotion { FROM -> TO via ... }` block"
                .into()
        } else {
            format!(
                "`{from} -> {to}` is not a step of the promotion chain; the steps are: {}",
                steps.join(", ")
            )
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
            return Err(format!(
                "`{from}` does not run `{app}`, so there is nothing to promote; {hint}"
            ));
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
            old_chart_version: current.map(|r| r.chart_version.value.clone()),
            new_chart_version: release.chart_version.value.clone(),
        };
        if change.tag_changes() || change.chart_changes() {
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
