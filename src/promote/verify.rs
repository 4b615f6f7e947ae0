//! `verify-promotion`: compares a base and a head model and decides, for every
//! protected environment, whether each change is a promotion (a release copied
//! from its upstream, at the upstream's release at base or head), a hotfix
//! with a reason, or something else, which is refused.

use crate::emit::{self, yaml::Yaml};
use crate::model::{Environment, Model, Release};

/// One change found in a protected environment.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub env: String,
    /// None for a change to the environment itself.
    pub app: Option<String>,
    pub what: String,
    /// Why it is allowed, or why not.
    pub verdict: Verdict,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// A promotion from this upstream.
    Promotion(String),
    /// A hotfix, with its reason.
    Hotfix(String),
    /// Not allowed: the rule it breaks.
    Refused(String),
}

impl Verdict {
    pub fn is_refused(&self) -> bool {
        matches!(self, Verdict::Refused(_))
    }
}

/// Every change to the protected environments of `head` (and of `base`,
/// so that removing the protection is a change too), in environment and app order.
pub fn verify(base: &Model, head: &Model) -> Vec<Finding> {
    let mut names: Vec<&str> = head
        .environments
        .iter()
        .chain(&base.environments)
        .filter(|e| e.protected)
        .map(|e| e.name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut findings = Vec::new();
    for name in names {
        let refused = |what: String, why: &str| Finding {
            env: name.to_string(),
            app: None,
            what,
            verdict: Verdict::Refused(why.to_string()),
        };
        let (Some(old), Some(new)) = (base.environment(name), head.environment(name)) else {
            let what = if head.environment(name).is_none() {
                "environment removed"
            } else {
                "environment added"
            };
            findings.push(refused(
                what.into(),
                "a protected environment changes only through promotion",
            ));
            continue;
        };
        if old.protected && !new.protected {
            findings.push(refused(
                "protection removed".into(),
                "a protected environment changes only through promotion",
            ));
        }
        for (what, before, after) in [
            ("kube context", &old.kube_context, &new.kube_context),
            ("namespace", &old.namespace, &new.namespace),
        ] {
            if before != after {
                findings.push(refused(
                    format!("{what} `{before}` → `{after}`"),
                    "environment settings of a protected environment change only by a reviewed exception",
                ));
            }
        }
        let upstream = head.upstream_step(name).map(|s| s.from.as_str());
        let mut apps: Vec<&str> = old
            .releases
            .iter()
            .chain(&new.releases)
            .map(|r| r.app.as_str())
            .collect();
        apps.sort_unstable();
        apps.dedup();
        for app in apps {
            let before = old.releases.iter().find(|r| r.app == app);
            let after = new.releases.iter().find(|r| r.app == app);
            findings.extend(compare_release(base, head, upstream, new, before, after));
        }
    }
    findings
}

fn compare_release(
    base: &Model,
    head: &Model,
    upstream: Option<&str>,
    env: &Environment,
    before: Option<&Release>,
    after: Option<&Release>,
) -> Vec<Finding> {
    let finding = |app: &str, what: String, verdict: Verdict| Finding {
        env: env.name.clone(),
        app: Some(app.to_string()),
        what,
        verdict,
    };
    let Some(after) = after else {
        let app = &before.expect("one side runs it").app;
        return vec![finding(
            app,
            "removed".into(),
            Verdict::Refused(
                "an app leaves a protected environment only by a reviewed exception, not silently"
                    .into(),
            ),
        )];
    };
    // A release matches the upstream's when tag and chart version equal its
    // release there, at base or at head.
    let from_upstream = [base, head]
        .into_iter()
        .filter_map(|model| upstream.and_then(|u| super::release(model, u, &after.app)))
        .any(|r| {
            r.tag.value == after.tag.value && r.chart_version.value == after.chart_version.value
        });
    let release_verdict = || match (&after.hotfix, upstream) {
        (Some(reason), _) => Verdict::Hotfix(reason.value.clone()),
        (None, Some(up)) if from_upstream => Verdict::Promotion(up.to_string()),
        (None, Some(up)) => Verdict::Refused(format!(
            "not the release `{up}` runs (at base or head); promote through `{up}` or mark a hotfix with a reason"
        )),
        (None, None) => Verdict::Refused("nothing promotes into this environment".into()),
    };
    let mut findings = Vec::new();
    let Some(before) = before else {
        findings.push(finding(
            &after.app,
            format!("added at {}", super::show_tag(&after.tag.value)),
            release_verdict(),
        ));
        return findings;
    };
    if before.tag.value != after.tag.value {
        findings.push(finding(
            &after.app,
            format!(
                "image tag {} → {}",
                super::show_tag(&before.tag.value),
                super::show_tag(&after.tag.value)
            ),
            release_verdict(),
        ));
    }
    if before.chart_version.value != after.chart_version.value {
        findings.push(finding(
            &after.app,
            format!(
                "chart version {} → {}",
                before.chart_version.value, after.chart_version.value
            ),
            release_verdict(),
        ));
    }
    for travel in super::travel_changes(before, after) {
        let matches_upstream = [base, head]
            .into_iter()
            .filter_map(|model| upstream.and_then(|u| super::release(model, u, &after.app)))
            .any(|r| {
                super::travel_changes(r, after)
                    .iter()
                    .all(|t| t.path != travel.path)
            });
        let verdict = match (&after.hotfix, upstream) {
            (Some(reason), _) => Verdict::Hotfix(reason.value.clone()),
            (None, Some(up)) if matches_upstream => Verdict::Promotion(up.to_string()),
            (None, _) => Verdict::Refused(format!(
                "`{}` travels with the release, so it changes only to what the upstream runs",
                travel.path
            )),
        };
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(unset)".into());
        findings.push(finding(
            &after.app,
            format!(
                "{}: {} → {}",
                travel.path,
                show(&travel.old),
                show(&travel.new)
            ),
            verdict,
        ));
    }
    let travelling = travelling_prefixes(before, after);
    for (path, old, new) in settings_diff(base, head, env, before, after) {
        if travelling
            .iter()
            .any(|p| path == *p || path.starts_with(&format!("{p}.")))
        {
            continue; // judged above, as the setting the spec names
        }
        findings.push(finding(
            &after.app,
            format!("{path}: {old} → {new}"),
            Verdict::Refused("only image tags, chart versions and settings listed in `travels` move with a promotion; this setting stays with the environment".into()),
        ));
    }
    findings
}

/// Differences in everything but the release (tag and chart version), read
/// off the generated values and the app's desired-state entry.
fn settings_diff(
    base: &Model,
    head: &Model,
    env: &Environment,
    before: &Release,
    after: &Release,
) -> Vec<(String, String, String)> {
    let flatten_release = |model: &Model, release: &Release| {
        let mut out = Vec::new();
        let files = emit::emit(model, std::slice::from_ref(&env.name));
        let values_path = format!("{}/{}", env.name, emit::values_path_in_env(&release.app));
        if let Some(values) = files.iter().find(|f| f.path == values_path) {
            let mut doc = values.document.clone();
            remove_path(&mut doc, &release.layout.tag);
            flatten("values", &doc, &mut out);
        }
        if let Some(dsf) = files.iter().find(|f| f.path == emit::dsf_path(&env.name))
            && let Yaml::Map(top) = &dsf.document
            && let Some((_, Yaml::Map(apps))) = top.iter().find(|(k, _)| k == "apps")
            && let Some((_, app)) = apps.iter().find(|(k, _)| *k == release.app)
        {
            let mut app = app.clone();
            remove_path(&mut app, "version");
            remove_path(&mut app, &format!("setString.{}", release.layout.tag));
            flatten("helmsman", &app, &mut out);
        }
        out
    };
    let old = flatten_release(base, before);
    let new = flatten_release(head, after);
    let mut keys: Vec<&String> = old.iter().chain(&new).map(|(k, _)| k).collect();
    keys.sort();
    keys.dedup();
    let find = |list: &[(String, String)], key: &str| {
        list.iter()
            .find(|(k, _)| k == key)
            .map_or("(unset)".to_string(), |(_, v)| v.clone())
    };
    keys.into_iter()
        .filter_map(|key| {
            let (o, n) = (find(&old, key), find(&new, key));
            (o != n).then(|| (key.clone(), o, n))
        })
        .collect()
}

/// Where the travelling settings land in the flattened values, to leave them
/// out of the generic comparison.
fn travelling_prefixes(before: &Release, after: &Release) -> Vec<String> {
    let mut prefixes = Vec::new();
    for release in [before, after] {
        for travelling in &release.travelling {
            let (root, rest) = travelling
                .path
                .split_once('.')
                .unwrap_or((&travelling.path, ""));
            match (root, rest) {
                ("env", "") => prefixes.push(format!("values.{}", release.layout.env)),
                ("env", name) => prefixes.push(format!("values.{}.{name}", release.layout.env)),
                ("values", "") => prefixes.extend(
                    release
                        .extra_values
                        .iter()
                        .map(|(k, _)| format!("values.{k}")),
                ),
                (_, path) => prefixes.push(format!("values.{path}")),
            }
        }
    }
    prefixes
}

fn remove_path(node: &mut Yaml, path: &str) {
    let (head, rest) = match path.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (path, None),
    };
    if let Yaml::Map(entries) = node {
        match rest {
            None => entries.retain(|(k, _)| k != head),
            Some(rest) => {
                if let Some((_, inner)) = entries.iter_mut().find(|(k, _)| k == head) {
                    remove_path(inner, rest);
                }
            }
        }
    }
}

fn flatten(prefix: &str, node: &Yaml, out: &mut Vec<(String, String)>) {
    match node {
        Yaml::Map(entries) => {
            for (k, v) in entries {
                flatten(&format!("{prefix}.{k}"), v, out);
            }
        }
        Yaml::Seq(items) => {
            for (i, v) in items.iter().enumerate() {
                // Items with a `name` (env variables, ports) are keyed by it,
                // so that adding one does not shift the others.
                let name = match v {
                    Yaml::Map(entries) => entries.iter().find_map(|(k, v)| match (k.as_str(), v) {
                        ("name", Yaml::Str(name)) => Some(name.clone()),
                        _ => None,
                    }),
                    _ => None,
                };
                match name {
                    Some(name) => flatten(&format!("{prefix}.{name}"), v, out),
                    None => flatten(&format!("{prefix}[{i}]"), v, out),
                }
            }
        }
        scalar => out.push((prefix.to_string(), scalar.to_json().to_string())),
    }
}
