//! Writes the output tree all-or-nothing, and compares it with what is on disk.
//!
//! Layout: `OUT/<env>/helmsman.yaml` and `OUT/<env>/values/<app>.yaml`. Each
//! environment directory is envspec's alone: a file in it that does not start
//! with the generated-file marker is foreign, and envspec refuses to write
//! over it. Everything is first written to a staging directory inside OUT,
//! then each changed environment directory is swapped in with a rename, so a
//! failed run changes nothing and an interrupted one leaves every environment
//! either old or new. Files outside the environment directories are never touched.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use similar::TextDiff;

use crate::emit::{GENERATED_MARKER, OutputFile};

/// Which environments a run covers.
pub struct Scope {
    /// Every environment of the spec.
    pub environments: Vec<String>,
    /// The ones asked for with `--env` (empty: all).
    pub selected: Vec<String>,
}

impl Scope {
    /// The environments written, in spec order, each once.
    pub fn written_environments(&self) -> Vec<&str> {
        self.environments
            .iter()
            .filter(|e| self.selected.is_empty() || self.selected.contains(e))
            .map(String::as_str)
            .collect()
    }

    /// Whether environments no longer in the spec should be cleaned up.
    fn covers_all(&self) -> bool {
        self.selected.is_empty()
    }
}

/// Files of one environment: path relative to OUT → contents.
type Tree = BTreeMap<String, String>;

fn expected_trees<'f>(files: &[OutputFile], scope: &'f Scope) -> BTreeMap<&'f str, Tree> {
    let mut trees: BTreeMap<&str, Tree> = BTreeMap::new();
    for env in scope.written_environments() {
        if let Some(name) = scope.environments.iter().find(|e| *e == env) {
            trees.insert(name.as_str(), Tree::new());
        }
    }
    for file in files {
        let env = file
            .path
            .split('/')
            .next()
            .expect("paths start with the environment");
        if let Some(tree) = trees.get_mut(env) {
            tree.insert(file.path.clone(), file.text.clone());
        }
    }
    trees
}

/// Files envspec writes at the top of OUT, beside the environment directories.
const TOP_LEVEL: &[&str] = &["promotion.yaml"];

/// What is at a top-level output path now.
enum TopLevel {
    Absent,
    Generated(String),
    Foreign,
}

fn top_level(out: &Path, name: &str) -> Result<TopLevel, String> {
    let path = out.join(name);
    match fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(TopLevel::Absent),
        Err(e) => Err(format!("cannot read `{}`: {e}", path.display())),
        Ok(m) if !m.is_file() => Ok(TopLevel::Foreign),
        Ok(_) => {
            let bytes =
                fs::read(&path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
            Ok(match String::from_utf8(bytes) {
                Ok(text) if text.starts_with(GENERATED_MARKER) => TopLevel::Generated(text),
                _ => TopLevel::Foreign,
            })
        }
    }
}

/// Top-level files to write (path, text) and to remove, or the foreign ones.
struct TopLevelPlan<'f> {
    write: Vec<&'f OutputFile>,
    remove: Vec<&'static str>,
    foreign: Vec<String>,
}

fn plan_top_level<'f>(
    out: &Path,
    files: &'f [OutputFile],
    scope: &Scope,
) -> Result<TopLevelPlan<'f>, String> {
    let mut plan = TopLevelPlan {
        write: Vec::new(),
        remove: Vec::new(),
        foreign: Vec::new(),
    };
    for name in TOP_LEVEL {
        let expected = files.iter().find(|f| f.path == *name);
        match (top_level(out, name)?, expected) {
            (TopLevel::Foreign, _) if expected.is_some() || scope.covers_all() => {
                plan.foreign.push(name.to_string())
            }
            (TopLevel::Generated(old), Some(file)) if old == file.text => {}
            (TopLevel::Generated(_), None) if scope.covers_all() => plan.remove.push(name),
            (_, Some(file)) => plan.write.push(file),
            _ => {}
        }
    }
    Ok(plan)
}

/// What one environment directory holds now.
#[derive(Default)]
struct OnDisk {
    generated: Tree,
    foreign: Vec<String>,
}

fn scan(out: &Path, relative: &str) -> Result<OnDisk, String> {
    let mut found = OnDisk::default();
    let dir = out.join(relative);
    match fs::symlink_metadata(&dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(format!("cannot read `{}`: {e}", dir.display())),
        Ok(m) if !m.is_dir() => {
            found.foreign.push(relative.to_string());
            return Ok(found);
        }
        Ok(_) => {}
    }
    scan_dir(out, relative, &mut found)?;
    Ok(found)
}

fn scan_dir(out: &Path, relative: &str, found: &mut OnDisk) -> Result<(), String> {
    let dir = out.join(relative);
    let entries =
        fs::read_dir(&dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    let mut names: Vec<(String, fs::FileType)> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
        let file_type = entry
            .file_type()
            .map_err(|e| format!("cannot read `{}`: {e}", entry.path().display()))?;
        names.push((entry.file_name().to_string_lossy().into_owned(), file_type));
    }
    names.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, file_type) in names {
        let path = format!("{relative}/{name}");
        if file_type.is_dir() {
            scan_dir(out, &path, found)?;
        } else if file_type.is_file() {
            let bytes = fs::read(out.join(&path))
                .map_err(|e| format!("cannot read `{}`: {e}", out.join(&path).display()))?;
            match String::from_utf8(bytes) {
                Ok(text) if text.starts_with(GENERATED_MARKER) => {
                    found.generated.insert(path, text);
                }
                _ => found.foreign.push(path),
            }
        } else {
            // A symlink or special file is never followed or replaced.
            found.foreign.push(path);
        }
    }
    Ok(())
}

/// Generated environment directories in OUT whose environment is gone.
fn stale_environments(out: &Path, scope: &Scope) -> Result<Vec<String>, String> {
    if !scope.covers_all() {
        return Ok(Vec::new());
    }
    let entries = match fs::read_dir(out) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot read `{}`: {e}", out.display())),
    };
    let mut stale = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.')
            || scope.environments.contains(&name)
            || !entry.file_type().is_ok_and(|t| t.is_dir())
        {
            continue;
        }
        let dsf = entry.path().join("helmsman.yaml");
        if fs::read_to_string(dsf).is_ok_and(|t| t.starts_with(GENERATED_MARKER)) {
            stale.push(name);
        }
    }
    stale.sort();
    Ok(stale)
}

/// Writes the output; returns a short summary of what changed.
pub fn write(out: &Path, files: &[OutputFile], scope: &Scope) -> Result<String, String> {
    if let Ok(m) = fs::symlink_metadata(out)
        && !m.is_dir()
    {
        return Err(format!(
            "output `{}` exists and is not a directory",
            out.display()
        ));
    }
    let created = !out.exists();
    fs::create_dir_all(out).map_err(|e| format!("cannot create `{}`: {e}", out.display()))?;
    let result = lock(out, false).and_then(|_lock| write_locked(out, files, scope));
    if result.is_err() && created {
        // Leave no trace of a failed first build.
        let _ = fs::remove_dir_all(out);
    }
    result
}

/// Staging directories of runs that were killed; only the lock holder calls this.
fn remove_abandoned_staging(out: &Path) {
    for entry in fs::read_dir(out).into_iter().flatten().flatten() {
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with(".envspec-staging-")
        {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Locks the output directory itself (builds exclusively, checks shared),
/// or says that another run holds it. The lock goes with the process,
/// however it ends, so a killed build never leaves OUT locked; and no lock
/// file is left behind.
fn lock(out: &Path, shared: bool) -> Result<fs::File, String> {
    let dir = fs::File::open(out).map_err(|e| format!("cannot open `{}`: {e}", out.display()))?;
    let taken = if shared {
        dir.try_lock_shared()
    } else {
        dir.try_lock()
    };
    match taken {
        Ok(()) => Ok(dir),
        Err(fs::TryLockError::WouldBlock) => Err(format!(
            "another envspec run is writing `{}`; try again when it has finished",
            out.display()
        )),
        Err(fs::TryLockError::Error(e)) => Err(format!("cannot lock `{}`: {e}", out.display())),
    }
}

fn write_locked(out: &Path, files: &[OutputFile], scope: &Scope) -> Result<String, String> {
    remove_abandoned_staging(out);
    let expected = expected_trees(files, scope);
    let mut changed: Vec<(&str, &Tree)> = Vec::new();
    let mut foreign = Vec::new();
    for (env, tree) in &expected {
        let on_disk = scan(out, env)?;
        foreign.extend(on_disk.foreign.iter().map(|f| out.join(f)));
        if &on_disk.generated != tree {
            changed.push((env, tree));
        }
    }
    let top = plan_top_level(out, files, scope)?;
    foreign.extend(top.foreign.iter().map(|f| out.join(f)));
    if !foreign.is_empty() {
        let shown: Vec<String> = foreign
            .iter()
            .take(10)
            .map(|p| format!("  {}", p.display()))
            .collect();
        let more = if foreign.len() > 10 {
            format!("\n  … and {} more", foreign.len() - 10)
        } else {
            String::new()
        };
        return Err(format!(
            "refusing to write: these files in the output were not generated by envspec:\n{}{more}\nenvspec owns OUT/<env>/ and OUT/{}; move them elsewhere or choose another output with -o",
            shown.join("\n"),
            TOP_LEVEL.join(", OUT/")
        ));
    }
    let stale = stale_environments(out, scope)?;
    if !changed.is_empty() || !top.write.is_empty() {
        fs::create_dir_all(out).map_err(|e| format!("cannot create `{}`: {e}", out.display()))?;
        let staging = out.join(format!(".envspec-staging-{}", std::process::id()));
        let result = stage_and_swap(out, &staging, &changed, &top.write);
        let _ = fs::remove_dir_all(&staging);
        result?;
    }
    for env in &stale {
        remove_generated(out, env)?;
    }
    for name in &top.remove {
        let path = out.join(name);
        fs::remove_file(&path)
            .map_err(|e| format!("cannot remove stale `{}`: {e}", path.display()))?;
    }
    let unchanged = expected.len() - changed.len();
    let mut summary = vec![
        format!("{} changed", changed.len()),
        format!("{unchanged} unchanged"),
    ];
    if !stale.is_empty() {
        summary.push(format!("removed stale {}", stale.join(", ")));
    }
    Ok(summary.join(", "))
}

fn stage_and_swap(
    out: &Path,
    staging: &Path,
    changed: &[(&str, &Tree)],
    top_level: &[&OutputFile],
) -> Result<(), String> {
    let fail = |what: &str, path: &Path, e: std::io::Error| {
        format!(
            "cannot {what} `{}`: {e}; nothing was changed",
            path.display()
        )
    };
    fs::create_dir(staging).map_err(|e| fail("create", staging, e))?;
    for (_, tree) in changed {
        for (path, text) in *tree {
            let target = staging.join(path);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).map_err(|e| fail("create", parent, e))?;
            }
            fs::write(&target, text).map_err(|e| fail("write", &target, e))?;
        }
    }
    for file in top_level {
        let target = staging.join(&file.path);
        fs::write(&target, &file.text).map_err(|e| fail("write", &target, e))?;
    }
    // `.old` cannot be an environment name (names start with a letter).
    let old = staging.join(".old");
    fs::create_dir(&old).map_err(|e| fail("create", &old, e))?;
    for (env, _) in changed {
        let live = out.join(env);
        if live.exists() {
            fs::rename(&live, old.join(env))
                .map_err(|e| format!("cannot replace `{}`: {e}", live.display()))?;
        }
        fs::rename(staging.join(env), &live)
            .map_err(|e| format!("cannot replace `{}`: {e}", live.display()))?;
    }
    for file in top_level {
        let live = out.join(&file.path);
        fs::rename(staging.join(&file.path), &live)
            .map_err(|e| format!("cannot replace `{}`: {e}", live.display()))?;
    }
    Ok(())
}

/// Removes the generated files of a stale environment, then any directory
/// left empty; foreign files stay.
fn remove_generated(out: &Path, env: &str) -> Result<(), String> {
    let on_disk = scan(out, env)?;
    for path in on_disk.generated.keys() {
        let full = out.join(path);
        fs::remove_file(&full)
            .map_err(|e| format!("cannot remove stale `{}`: {e}", full.display()))?;
    }
    for dir in [out.join(env).join("values"), out.join(env)] {
        let _ = fs::remove_dir(dir); // only succeeds when empty, as intended
    }
    Ok(())
}

/// How one output file differs from what the spec generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriftKind {
    Changed,
    Missing,
    /// Generated earlier, no longer generated.
    Stale,
    /// Not generated by envspec, in a directory envspec owns: build refuses.
    Foreign,
}

impl DriftKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DriftKind::Changed => "changed",
            DriftKind::Missing => "missing",
            DriftKind::Stale => "stale",
            DriftKind::Foreign => "foreign",
        }
    }
}

/// One drifted file: its path (relative to OUT) and a unified diff.
pub struct DriftEntry {
    pub kind: DriftKind,
    pub path: String,
    pub diff: String,
}

/// What `check` found different, in path order per kind.
#[derive(Default)]
pub struct Drift {
    pub entries: Vec<DriftEntry>,
}

impl Drift {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for kind in [
            DriftKind::Changed,
            DriftKind::Missing,
            DriftKind::Stale,
            DriftKind::Foreign,
        ] {
            let n = self.entries.iter().filter(|e| e.kind == kind).count();
            if n > 0 {
                parts.push(format!("{n} {}", kind.as_str()));
            }
        }
        parts.join(", ")
    }
}

/// Compares the expected output with OUT, without writing anything.
pub fn compare(out: &Path, files: &[OutputFile], scope: &Scope) -> Result<Drift, String> {
    // Read a consistent tree, not one a build is swapping directories in.
    let _lock = if out.is_dir() {
        Some(lock(out, true)?)
    } else {
        None
    };
    let mut drift = Drift::default();
    let label = |path: &str| out.join(path).display().to_string();
    let mut push = |kind, path: &str, diff: String| {
        drift.entries.push(DriftEntry {
            kind,
            path: path.to_string(),
            diff,
        })
    };
    let mut stale = Tree::new();
    for (env, tree) in expected_trees(files, scope) {
        let on_disk = scan(out, env)?;
        for foreign in &on_disk.foreign {
            let note = format!(
                "{}: not generated by envspec; `envspec build` refuses to write while it is there\n",
                label(foreign)
            );
            push(DriftKind::Foreign, foreign, note);
        }
        for (path, text) in &tree {
            match on_disk.generated.get(path) {
                None if on_disk.foreign.contains(path) => {}
                None => push(
                    DriftKind::Missing,
                    path,
                    unified(
                        "",
                        text,
                        &format!("{} (missing)", label(path)),
                        &label(path),
                    ),
                ),
                Some(old) if old != text => push(
                    DriftKind::Changed,
                    path,
                    unified(old, text, &label(path), &label(path)),
                ),
                Some(_) => {}
            }
        }
        for (path, text) in on_disk.generated {
            if !tree.contains_key(&path) {
                stale.insert(path, text);
            }
        }
    }
    for env in stale_environments(out, scope)? {
        stale.extend(scan(out, &env)?.generated);
    }
    let top = plan_top_level(out, files, scope)?;
    for name in &top.foreign {
        let note = format!(
            "{}: not generated by envspec; `envspec build` refuses to write while it is there\n",
            label(name)
        );
        push(DriftKind::Foreign, name, note);
    }
    for file in top.write {
        match top_level(out, &file.path)? {
            TopLevel::Generated(old) => push(
                DriftKind::Changed,
                &file.path,
                unified(&old, &file.text, &label(&file.path), &label(&file.path)),
            ),
            _ => push(
                DriftKind::Missing,
                &file.path,
                unified(
                    "",
                    &file.text,
                    &format!("{} (missing)", label(&file.path)),
                    &label(&file.path),
                ),
            ),
        }
    }
    for name in top.remove {
        if let TopLevel::Generated(old) = top_level(out, name)? {
            stale.insert(name.to_string(), old);
        }
    }
    for (path, text) in stale {
        let diff = unified(
            &text,
            "",
            &label(&path),
            &format!("{} (no longer generated)", label(&path)),
        );
        push(DriftKind::Stale, &path, diff);
    }
    Ok(drift)
}

fn unified(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string()
}
