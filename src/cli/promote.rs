//! The promotion commands: `promote` (edit the source), `plan` (show what a
//! step would change) and `verify-promotion` (CI on a pull request).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;

use super::load;
use super::report::{Format, Reporter, stdout};
use crate::diag::{Code, Diagnostic};
use crate::model::{Model, Via};
use crate::promote::{self, Plan, edit, verify};
use crate::source::Sources;

/// Loads and compiles a spec; Err(exit code) after reporting.
fn compile(dir: &Path, reporter: &Reporter) -> Result<(Sources, Model), u8> {
    let reporter = &reporter.for_spec(dir);
    let sources = load::load_spec(dir).map_err(|d| super::fail(reporter, d))?;
    compile_sources(sources, reporter, &dir.display().to_string(), None)
}

/// Compiles `sources`, and validates the values against the chart schemas
/// the spec names when `schemas_from` says where the spec is; Err(exit code)
/// after reporting.
fn compile_sources(
    sources: Sources,
    reporter: &Reporter,
    what: &str,
    schemas_from: Option<&Path>,
) -> Result<(Sources, Model), u8> {
    let (model, mut diagnostics) = crate::compile(&sources);
    if let (Some(model), Some(dir)) = (&model, schemas_from) {
        diagnostics.extend(crate::chart_schema::check(dir, model));
        crate::diag::sort(&mut diagnostics);
    }
    reporter.report(&sources, &diagnostics);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    match model {
        Some(model) if errors == 0 => Ok((sources, model)),
        _ => {
            reporter.summary(&format!("{} in `{what}`", super::plural(errors, "error")));
            Err(1)
        }
    }
}

pub fn promote(
    dir: &Path,
    from: &str,
    to: &str,
    apps: &[String],
    dry_run: bool,
    reporter: &Reporter,
) -> u8 {
    let (sources, model) = match compile(dir, reporter) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    let plan = match promote::plan(&model, from, to, apps) {
        Ok(plan) => plan,
        Err(diagnostic) => return super::fail(reporter, diagnostic),
    };
    if plan.changes.is_empty() {
        reporter.summary(&format!(
            "`{to}` already runs `{from}`'s releases; nothing to promote"
        ));
        return 0;
    }
    let edits = edit::edits(&sources, &plan);
    let changed = edit::apply(&sources, &edits);
    let mut promoted = sources.clone();
    for (file, text) in &changed {
        promoted.replace_text(*file, text.clone());
    }
    // The edited spec must still build: a promotion can break a rule of the
    // target, or bring a value its chart's schema rejects there.
    if let Err(code) = compile_sources(
        promoted.clone(),
        reporter,
        &format!("{} after the promotion", dir.display()),
        Some(dir),
    ) {
        reporter.summary("the promotion was not applied");
        return code;
    }
    for (file, text) in &changed {
        let path = sources.get(*file).display_path();
        let diff = similar::TextDiff::from_lines(&sources.get(*file).text, text)
            .unified_diff()
            .context_radius(2)
            .header(&format!("a/{path}"), &format!("b/{path}"))
            .to_string();
        stdout(&diff);
    }
    stdout(&plan_table(&plan));
    if dry_run {
        reporter.summary(&format!(
            "dry run: {} not written",
            super::plural(changed.len(), "file")
        ));
        return 0;
    }
    for (file, text) in &changed {
        let path = dir.join(&sources.get(*file).path);
        if let Err(message) = super::fmt::write_atomically(&path, text) {
            return super::fail(reporter, Diagnostic::new(Code::E0602, message));
        }
    }
    reporter.summary(&format!(
        "promoted {} from `{from}` to `{to}` ({} edited); review the diff and commit it",
        super::plural(plan.changes.len(), "release"),
        super::plural(changed.len(), "file")
    ));
    0
}

fn plan_table(plan: &Plan) -> String {
    let mut rows = vec![[
        "app".to_string(),
        "image tag".to_string(),
        "chart version".to_string(),
    ]];
    for change in &plan.changes {
        let old_tag = change
            .old_tag
            .as_ref()
            .map_or("(new)".to_string(), promote::show_tag);
        let tag = if change.tag_changes() {
            format!("{old_tag} → {}", promote::show_tag(&change.new_tag))
        } else {
            old_tag
        };
        let chart = if change.chart_changes() {
            format!(
                "{} → {}",
                change.old_chart_version.as_deref().unwrap_or("(new)"),
                change.new_chart_version
            )
        } else {
            change.new_chart_version.clone()
        };
        rows.push([change.app.clone(), tag, chart]);
    }
    let widths: Vec<usize> = (0..3)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = format!(
        "\npromotion {} → {}, via {}\n",
        plan.step.from,
        plan.step.to,
        plan.step.via.describe()
    );
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell}{}", " ".repeat(w - cell.chars().count())))
            .collect();
        out.push_str(&format!("  {}\n", cells.join("   ").trim_end()));
    }
    for change in &plan.changes {
        for travel in &change.travelling {
            let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(unset)".into());
            out.push_str(&format!(
                "  {}: {} {} → {} (travels with the release)\n",
                change.app,
                travel.path,
                show(&travel.old),
                show(&travel.new)
            ));
        }
    }
    if !plan.unchanged.is_empty() {
        out.push_str(&format!(
            "  already at the upstream's release: {}\n",
            plan.unchanged.join(", ")
        ));
    }
    if !plan.target_only.is_empty() {
        out.push_str(&format!(
            "  run by `{}` only, left as they are: {}\n",
            plan.step.to,
            plan.target_only.join(", ")
        ));
    }
    out
}

pub fn plan(
    dir: &Path,
    from: &str,
    to: &str,
    apps: &[String],
    reporter: &Reporter,
    format: Format,
) -> u8 {
    let (_, model) = match compile(dir, reporter) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    let plan = match promote::plan(&model, from, to, apps) {
        Ok(plan) => plan,
        Err(diagnostic) => return super::fail(reporter, diagnostic),
    };
    match format {
        Format::Human | Format::Github => {
            stdout(plan_table(&plan).trim_start());
            if plan.changes.is_empty() {
                stdout("  nothing to promote\n");
            }
        }
        Format::Json => stdout(&format!("{}\n", plan_json(&plan))),
    }
    0
}

fn plan_json(plan: &Plan) -> serde_json::Value {
    let via = match &plan.step.via {
        Via::Jenkins { role } => json!({"kind": "jenkins", "role": role}),
        Via::PullRequest { from, to } => {
            json!({"kind": "pull_request", "sourceBranch": from, "targetBranch": to})
        }
        Via::Auto => json!({"kind": "auto"}),
    };
    let tag = |t: &crate::model::Text| match t {
        crate::model::Text::Literal(s) => json!(s),
        crate::model::Text::FromEnvironment(v) => json!({"envVar": v}),
    };
    let changes: Vec<serde_json::Value> = plan
        .changes
        .iter()
        .map(|c| {
            json!({
                "app": c.app,
                "new": c.is_new(),
                "tag": {"from": c.old_tag.as_ref().map(tag), "to": tag(&c.new_tag)},
                "chartVersion": {"from": c.old_chart_version, "to": c.new_chart_version},
                "travelling": c.travelling.iter().map(|t| json!({"path": t.path, "from": t.old, "to": t.new})).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "from": plan.step.from,
        "to": plan.step.to,
        "via": via,
        "changes": changes,
        "unchanged": plan.unchanged,
        "targetOnly": plan.target_only,
    })
}

pub fn verify_promotion(dir: &Path, base: &str, reporter: &Reporter, format: Format) -> u8 {
    let base_sources = match load_base(dir, base) {
        Ok(sources) => sources,
        Err(diagnostic) => return super::fail(reporter, diagnostic),
    };
    let Ok((_, base_model)) =
        compile_sources(base_sources, reporter, &format!("the base `{base}`"), None)
    else {
        return super::fail(
            reporter,
            Diagnostic::new(
                Code::E0606,
                format!("the base `{base}` does not compile, so it cannot be compared"),
            )
            .help("compare with a base that compiles, such as the last revision that built"),
        );
    };
    let (_, head_model) = match compile(dir, reporter) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    let findings = verify::verify(&base_model, &head_model);
    let refused = findings.iter().filter(|f| f.verdict.is_refused()).count();
    for finding in &findings {
        let place = match &finding.app {
            Some(app) => format!("{}/{app}", finding.env),
            None => finding.env.clone(),
        };
        match format {
            Format::Human | Format::Github => {
                let verdict = match &finding.verdict {
                    verify::Verdict::Promotion(from) => format!("ok: promotion from `{from}`"),
                    verify::Verdict::Hotfix(reason) => format!("ok: hotfix ({reason})"),
                    verify::Verdict::Refused(why) => format!("REFUSED: {why}"),
                };
                stdout(&format!("{place}: {}\n    {verdict}\n", finding.what));
            }
            Format::Json => {
                let (verdict, detail) = match &finding.verdict {
                    verify::Verdict::Promotion(from) => ("promotion", from),
                    verify::Verdict::Hotfix(reason) => ("hotfix", reason),
                    verify::Verdict::Refused(why) => ("refused", why),
                };
                stdout(&format!(
                    "{}\n",
                    json!({"env": finding.env, "app": finding.app, "change": finding.what, "verdict": verdict, "detail": detail})
                ));
            }
        }
    }
    if refused > 0 {
        reporter.summary(&format!(
            "{} to protected environments {} not promotion; refused",
            super::plural(refused, "change"),
            if refused == 1 { "is" } else { "are" }
        ));
        1
    } else if findings.is_empty() {
        reporter.summary("no change to protected environments");
        0
    } else {
        reporter.summary(&format!(
            "{} to protected environments, all promotion or hotfix",
            super::plural(findings.len(), "change")
        ));
        0
    }
}

/// The base spec: a directory, or a git revision of the spec directory.
fn load_base(dir: &Path, base: &str) -> Result<Sources, Diagnostic> {
    let as_dir = PathBuf::from(base);
    if as_dir.is_dir() {
        return load::load_spec(&as_dir);
    }
    load_revision(dir, base).map_err(|message| Diagnostic::new(Code::E0601, message))
}

/// The spec in `dir` at git revision `base`.
fn load_revision(dir: &Path, base: &str) -> Result<Sources, String> {
    let git = |args: &[&str]| -> Result<Vec<u8>, String> {
        let output = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .map_err(|e| format!("cannot run git to read `{base}`: {e}"))?;
        if output.status.success() {
            Ok(output.stdout)
        } else {
            Err(format!(
                "`{base}` is neither a directory nor a git revision of `{}`: {}",
                dir.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            ))
        }
    };
    let revision = format!("{base}^{{commit}}");
    git(&["rev-parse", "--verify", "--quiet", &revision])?;
    let prefix = String::from_utf8_lossy(&git(&["rev-parse", "--show-prefix"])?)
        .trim()
        .to_string();
    let listing = git(&[
        "ls-tree",
        "-r",
        "-z",
        "--full-name",
        "--name-only",
        base,
        "--",
        ".",
    ])?;
    let mut sources = Sources::new();
    let mut paths: Vec<String> = listing
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .filter_map(|full| full.strip_prefix(&prefix).map(str::to_string))
        .filter(|relative| {
            relative.ends_with(".env") && !relative.split('/').any(|c| c.starts_with('.'))
        })
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(format!(
            "revision `{base}` has no `.env` files in `{}`",
            dir.display()
        ));
    }
    for relative in paths {
        let bytes = git(&["show", &format!("{base}:{prefix}{relative}")])?;
        sources.add(crate::source::SourceFile::from_bytes(
            PathBuf::from(relative),
            bytes,
        ));
    }
    Ok(sources)
}
