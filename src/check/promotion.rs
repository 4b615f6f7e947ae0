//! The promotion chain: each step's mechanism checked and typed, and the
//! invariants that make promotion meaningful checked on the model: a
//! downstream environment runs only apps its upstream runs, at versions no
//! newer than the upstream's, and a protected environment is reached only
//! through the chain. A hotfix marker lifts the invariants for one app in one
//! environment, and is reported as a warning until removed.

use std::cmp::Ordering;

use crate::diag::{Code, Diagnostic, suggest};
use crate::model::{Model, PromotionStep, Release, Text, Via};
use crate::resolve::Resolved;
use crate::source::Sources;
use crate::syntax::ast::{Step, ValueKind};

use super::schema::PROMOTION_MECHANISMS;

/// Types every step of the chain; misconfigured steps are reported and dropped.
pub fn steps(
    resolved: &Resolved<'_>,
    sources: &Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<PromotionStep> {
    resolved
        .steps
        .iter()
        .filter_map(|step| typed_step(step, sources, diagnostics))
        .collect()
}

fn typed_step(
    step: &Step,
    sources: &Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<PromotionStep> {
    let mechanism = step.via.text.as_str();
    let Some((_, fields)) = PROMOTION_MECHANISMS
        .iter()
        .find(|(name, _)| *name == mechanism)
    else {
        let names: Vec<&str> = PROMOTION_MECHANISMS.iter().map(|(n, _)| *n).collect();
        diagnostics.push(
            Diagnostic::new(
                Code::E0403,
                format!("unknown promotion mechanism `{mechanism}`"),
            )
            .at(step.via.span, "not a promotion mechanism")
            .help(
                suggest::help_for(mechanism, names.iter().copied())
                    .unwrap_or_else(|| format!("a step happens via {}", names.join(", "))),
            ),
        );
        return None;
    };
    let settings = step
        .settings
        .as_ref()
        .map(|b| b.fields.as_slice())
        .unwrap_or_default();
    let mut ok = true;
    for field in settings {
        if !fields.iter().any(|f| f.name == field.key.text) {
            let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
            let help =
                suggest::help_for(&field.key.text, names.iter().copied()).unwrap_or_else(|| {
                    if names.is_empty() {
                        format!("`via {mechanism}` takes no settings")
                    } else {
                        format!("`via {mechanism}` takes {}", names.join(", "))
                    }
                });
            diagnostics.push(
                Diagnostic::new(
                    Code::E0206,
                    format!("unknown field `{}` in `via {mechanism}`", field.key.text),
                )
                .at(field.key.span, "not a setting of this mechanism")
                .help(help),
            );
            ok = false;
        }
    }
    let mut values = Vec::new();
    for spec in fields.iter() {
        match settings.iter().find(|f| f.key.text == spec.name) {
            Some(field) => match &field.value.kind {
                ValueKind::Str(text) if !text.trim().is_empty() => values.push(text.clone()),
                other => {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::E0302,
                            format!(
                                "`{}` expects a non-empty string, found {}",
                                spec.name,
                                other.describe()
                            ),
                        )
                        .at(field.value.span, "expected a string")
                        .help(format!("{}: {}", spec.name, spec.doc)),
                    );
                    ok = false;
                }
            },
            None => {
                let example: Vec<String> = fields
                    .iter()
                    .map(|f| format!("{} = \"...\"", f.name))
                    .collect();
                diagnostics.push(
                    Diagnostic::new(
                        Code::E0403,
                        format!("`via {mechanism}` needs `{}`", spec.name),
                    )
                    .at(step.via.span, format!("`{}` is missing", spec.name))
                    .help(format!(
                        "write `{} -> {} via {mechanism} {{ {} }}`",
                        step.from.text,
                        step.to.text,
                        example.join(", ")
                    )),
                );
                ok = false;
            }
        }
    }
    if !ok {
        return None;
    }
    let via = match mechanism {
        "jenkins" => Via::Jenkins {
            role: values.remove(0),
        },
        "pull_request" => Via::PullRequest {
            from: values.remove(0),
            to: values.remove(0),
        },
        _ => Via::Auto,
    };
    Some(PromotionStep {
        from: step.from.text.clone(),
        to: step.to.text.clone(),
        via,
        span: step.span,
        declared_in: sources.get(step.span.file).display_path(),
    })
}

/// Checks the promotion invariants on a complete model.
pub fn invariants(model: &Model, diagnostics: &mut Vec<Diagnostic>) {
    for env in &model.environments {
        for release in &env.releases {
            if let Some(hotfix) = &release.hotfix {
                diagnostics.push(
                    Diagnostic::new(
                        Code::W0104,
                        format!("hotfix in effect for `{}` in `{}`: {}", release.app, env.name, hotfix.value),
                    )
                    .at(hotfix.provenance.span(), "promotion checks are lifted for this release")
                    .help("remove the hotfix marker once the fix has come through the promotion chain"),
                );
            }
        }
        let Some(step) = model.upstream_step(&env.name) else {
            if env.protected {
                let help = if model.promotion.is_empty() {
                    "declare how releases reach it: promotion { UPSTREAM -> NAME via jenkins { role = \"...\" } }"
                        .replace("NAME", &env.name)
                } else {
                    format!(
                        "add a step `UPSTREAM -> {} via ...` to the promotion chain",
                        env.name
                    )
                };
                diagnostics.push(
                    Diagnostic::new(
                        Code::E0406,
                        format!(
                            "protected environment `{}` is not reached by any promotion step",
                            env.name
                        ),
                    )
                    .at(env.span, "protected, but nothing promotes into it")
                    .help(help),
                );
            }
            continue;
        };
        let upstream = model
            .environment(&step.from)
            .expect("steps name declared environments");
        let upstream_releases: std::collections::HashMap<&str, &Release> = upstream
            .releases
            .iter()
            .map(|r| (r.app.as_str(), r))
            .collect();
        for release in &env.releases {
            if release.hotfix.is_some() {
                continue;
            }
            let Some(source) = upstream_releases.get(release.app.as_str()).copied() else {
                diagnostics.push(
                    Diagnostic::new(
                        Code::E0404,
                        format!("`{}` runs `{}`, which its upstream `{}` does not run", env.name, release.app, upstream.name),
                    )
                    .at(release.tag.provenance.span(), format!("deployed in `{}`", env.name))
                    .also(step.span, "the step that feeds this environment")
                    .help(format!(
                        "deploy `{}` in `{}` first and promote it, or mark an emergency release with `hotfix = \"INCIDENT\"`",
                        release.app, upstream.name
                    )),
                );
                continue;
            };
            check_not_newer(
                env.name.as_str(),
                upstream.name.as_str(),
                release,
                source,
                step,
                diagnostics,
            );
        }
    }
}

fn check_not_newer(
    env: &str,
    upstream: &str,
    release: &Release,
    source: &Release,
    step: &PromotionStep,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let tag = |r: &Release| match &r.tag.value {
        Text::Literal(t) => t.clone(),
        Text::FromEnvironment(var) => format!("${{{var}}}"),
    };
    let (ours, theirs) = (tag(release), tag(source));
    let mut problems = Vec::new();
    match compare_versions(&ours, &theirs) {
        Some(Ordering::Greater) => problems.push((
            release.tag.provenance.span(),
            format!("image tag `{ours}` is newer than `{theirs}` in `{upstream}`"),
            true,
        )),
        None if ours != theirs => problems.push((
            release.tag.provenance.span(),
            format!(
                "image tag `{ours}` is not a version, so it must equal `{theirs}` in `{upstream}`"
            ),
            false,
        )),
        _ => {}
    }
    let (ours, theirs) = (&release.chart_version.value, &source.chart_version.value);
    if compare_versions(ours, theirs) == Some(Ordering::Greater) {
        problems.push((
            release.chart_version.provenance.span(),
            format!("chart version `{ours}` is newer than `{theirs}` in `{upstream}`"),
            true,
        ));
    }
    for (span, message, ahead) in problems {
        let (relation, label) = if ahead {
            ("is ahead of", "ahead of the upstream")
        } else {
            ("does not match", "differs from the upstream")
        };
        diagnostics.push(
            Diagnostic::new(
                Code::E0405,
                format!("`{}` in `{env}` {relation} its upstream: {message}", release.app),
            )
            .at(span, label)
            .also(step.span, "the step that feeds this environment")
            .help(format!(
                "promote it through `{upstream}` first (`envspec promote {upstream} {env} --app {}`), or mark an emergency release with `hotfix = \"INCIDENT\"`",
                release.app
            )),
        );
    }
}

/// Compares two tags as SemVer versions (a leading `v` allowed); None when
/// either is not a version.
pub fn compare_versions(a: &str, b: &str) -> Option<Ordering> {
    let parse = |t: &str| semver::Version::parse(t.strip_prefix('v').unwrap_or(t)).ok();
    Some(parse(a)?.cmp_precedence(&parse(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_semver_precedence() {
        assert_eq!(compare_versions("1.10.0", "1.9.3"), Some(Ordering::Greater));
        assert_eq!(compare_versions("v2.0.0", "2.0.0"), Some(Ordering::Equal));
        assert_eq!(
            compare_versions("1.0.0-rc.1", "1.0.0"),
            Some(Ordering::Less)
        );
        assert_eq!(compare_versions("latest", "1.0.0"), None);
    }
}
