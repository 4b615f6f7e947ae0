//! Writes the output tree all-or-nothing, and compares it with what is on disk.
//!
//! Layout: `OUT/<env>/helmsman.yaml` and `OUT/<env>/values/<app>.yaml`, plus
//! `OUT/promotion.yaml`. Each environment directory is envspec's alone: a
//! file in it that does not start with the generated-file marker is foreign,
//! and envspec refuses to write over it. Symbolic links are never followed:
//! one inside OUT is foreign like any file envspec did not write.
//!
//! Writing: every file is first compared with what is on disk. A changed
//! environment is assembled in a staging directory inside OUT (unchanged
//! files hard-linked from the live tree, so only changed files are written),
//! then exchanged with the live directory in one atomic step. A failed run
//! changes nothing; a killed one leaves every environment directory whole,
//! either old or new. Files outside the environment directories are never
//! touched.

use std::fs;
use std::io::ErrorKind;
use std::path::Path;

use rayon::prelude::*;
use similar::TextDiff;

use crate::diag::{Code, Diagnostic};
use crate::emit::{GENERATED_MARKER, GeneratedFile};

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

/// Files envspec writes at the top of OUT, beside the environment directories.
pub const TOP_LEVEL: &[&str] = &["promotion.yaml"];

/// Where staging directories go, and how they start (never an environment
/// name, which starts with a letter).
pub const STAGING_PREFIX: &str = ".envspec-staging-";

fn cannot(what: &str, path: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::new(Code::E0602, cannot_text(what, path, e))
}

fn cannot_text(what: &str, path: &Path, e: std::io::Error) -> String {
    format!("cannot {what} `{}`: {e}", path.display())
}

/// What a path in OUT holds now.
enum OnDisk {
    Absent,
    /// A regular file starting with the generated-file marker.
    Generated(String),
    /// Anything else: a file envspec did not write, a symlink, a directory
    /// where a file belongs.
    Foreign,
}

fn read_entry(path: &Path) -> Result<OnDisk, Diagnostic> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(OnDisk::Absent),
        Err(e) => Err(cannot("read", path, e)),
        Ok(m) if !m.is_file() => Ok(OnDisk::Foreign),
        Ok(_) => read_generated(path),
    }
}

/// Reads a regular file (already known to be one) and says whose it is.
fn read_generated(path: &Path) -> Result<OnDisk, Diagnostic> {
    let bytes = fs::read(path).map_err(|e| cannot("read", path, e))?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) if text.starts_with(GENERATED_MARKER) => OnDisk::Generated(text),
        _ => OnDisk::Foreign,
    })
}

/// The entries of one environment directory, by path relative to OUT, sorted;
/// nothing is read yet.
struct Listing {
    files: Vec<String>,
    /// Symlinks, special files, and the environment path itself when it is
    /// not a directory.
    other: Vec<String>,
}

fn list(out: &Path, env: &str) -> Result<Listing, Diagnostic> {
    let mut listing = Listing {
        files: Vec::new(),
        other: Vec::new(),
    };
    let dir = out.join(env);
    match fs::symlink_metadata(&dir) {
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(listing),
        Err(e) => return Err(cannot("read", &dir, e)),
        Ok(m) if !m.is_dir() => {
            listing.other.push(env.to_string());
            return Ok(listing);
        }
        Ok(_) => {}
    }
    list_dir(out, env, &mut listing)?;
    listing.files.sort();
    listing.other.sort();
    Ok(listing)
}

fn list_dir(out: &Path, relative: &str, listing: &mut Listing) -> Result<(), Diagnostic> {
    let dir = out.join(relative);
    for entry in fs::read_dir(&dir).map_err(|e| cannot("read", &dir, e))? {
        let entry = entry.map_err(|e| cannot("read", &dir, e))?;
        let file_type = entry
            .file_type()
            .map_err(|e| cannot("read", &entry.path(), e))?;
        let path = format!("{relative}/{}", entry.file_name().to_string_lossy());
        if file_type.is_dir() {
            list_dir(out, &path, listing)?;
        } else if file_type.is_file() {
            listing.files.push(path);
        } else {
            // A symlink or special file is never followed or replaced.
            listing.other.push(path);
        }
    }
    Ok(())
}

/// How one expected file compares with the disk.
enum Status {
    Same,
    /// Generated by envspec, with other contents (kept for the diff).
    Changed(String),
    Missing,
}

/// One environment, compared with its directory in OUT.
struct EnvComparison<'f> {
    env: &'f str,
    /// The files the spec generates for it, sorted by path.
    expected: &'f [GeneratedFile],
    /// One per expected file.
    status: Vec<Status>,
    /// Paths (relative to OUT) envspec did not write, where it owns the place.
    foreign: Vec<String>,
    /// Generated files no longer generated, with their contents.
    stale: Vec<(String, String)>,
}

impl EnvComparison<'_> {
    fn is_up_to_date(&self) -> bool {
        self.stale.is_empty() && self.status.iter().all(|s| matches!(s, Status::Same))
    }
}

/// The generated files of each written environment, in scope order; each
/// slice sorted by path. `files` is sorted by path.
fn by_environment<'f>(
    files: &'f [GeneratedFile],
    scope: &'f Scope,
) -> Vec<(&'f str, &'f [GeneratedFile])> {
    scope
        .written_environments()
        .into_iter()
        .map(|env| {
            let prefix = format!("{env}/");
            let start = files.partition_point(|f| f.path.as_str() < prefix.as_str());
            let len = files[start..]
                .iter()
                .take_while(|f| f.path.starts_with(&prefix))
                .count();
            (env, &files[start..start + len])
        })
        .collect()
}

/// Compares one environment with the disk, reading files on every core.
fn compare_environment<'f>(
    out: &Path,
    env: &'f str,
    expected: &'f [GeneratedFile],
) -> Result<EnvComparison<'f>, Diagnostic> {
    let listing = list(out, env)?;
    let mut comparison = EnvComparison {
        env,
        expected,
        status: Vec::new(),
        foreign: listing.other,
        stale: Vec::new(),
    };
    if comparison.foreign.iter().any(|p| p == env) {
        // The environment's place is taken by a file or a symlink.
        comparison.status = expected.iter().map(|_| Status::Missing).collect();
        return Ok(comparison);
    }
    let on_disk = |path: &str| {
        listing
            .files
            .binary_search_by(|f| f.as_str().cmp(path))
            .is_ok()
    };
    let read: Vec<Result<(Status, bool), Diagnostic>> = expected
        .par_iter()
        .map(|file| {
            if !on_disk(&file.path) {
                return Ok((Status::Missing, false));
            }
            Ok(match read_generated(&out.join(&file.path))? {
                OnDisk::Generated(text) if text == file.text => (Status::Same, false),
                OnDisk::Generated(text) => (Status::Changed(text), false),
                _ => (Status::Missing, true),
            })
        })
        .collect();
    for (result, file) in read.into_iter().zip(expected) {
        let (status, foreign) = result?;
        if foreign {
            comparison.foreign.push(file.path.clone());
        }
        comparison.status.push(status);
    }
    let is_expected = |path: &str| {
        expected
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .is_ok()
    };
    let leftovers: Vec<&String> = listing.files.iter().filter(|p| !is_expected(p)).collect();
    let leftovers: Vec<Result<(String, OnDisk), Diagnostic>> = leftovers
        .into_par_iter()
        .map(|path| Ok((path.clone(), read_generated(&out.join(path))?)))
        .collect();
    for result in leftovers {
        match result? {
            (path, OnDisk::Generated(text)) => comparison.stale.push((path, text)),
            (path, _) => comparison.foreign.push(path),
        }
    }
    comparison.foreign.sort();
    Ok(comparison)
}

/// A top-level file and what to do with it.
enum TopLevelAction<'f> {
    Keep,
    Write(&'f GeneratedFile, OnDisk),
    Remove(String),
    Foreign,
}

fn plan_top_level<'f>(
    out: &Path,
    files: &'f [GeneratedFile],
    scope: &Scope,
) -> Result<Vec<(&'static str, TopLevelAction<'f>)>, Diagnostic> {
    let mut plan = Vec::new();
    for name in TOP_LEVEL {
        let expected = files.iter().find(|f| f.path == *name);
        let action = match (read_entry(&out.join(name))?, expected) {
            (OnDisk::Foreign, _) if expected.is_some() || scope.covers_all() => {
                TopLevelAction::Foreign
            }
            (OnDisk::Generated(old), Some(file)) if old == file.text => TopLevelAction::Keep,
            (OnDisk::Generated(old), None) if scope.covers_all() => TopLevelAction::Remove(old),
            (now, Some(file)) => TopLevelAction::Write(file, now),
            _ => TopLevelAction::Keep,
        };
        plan.push((*name, action));
    }
    Ok(plan)
}

/// Generated environment directories in OUT whose environment is gone.
fn stale_environments(out: &Path, scope: &Scope) -> Result<Vec<String>, Diagnostic> {
    if !scope.covers_all() {
        return Ok(Vec::new());
    }
    let entries = match fs::read_dir(out) {
        Ok(entries) => entries,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(cannot("read", out, e)),
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
        if matches!(
            read_entry(&entry.path().join("helmsman.yaml"))?,
            OnDisk::Generated(_)
        ) {
            stale.push(name);
        }
    }
    stale.sort();
    Ok(stale)
}

/// The generated files of a stale environment, with their contents.
fn generated_files(out: &Path, env: &str) -> Result<Vec<(String, String)>, Diagnostic> {
    let listing = list(out, env)?;
    let mut generated = Vec::new();
    for path in listing.files {
        if let OnDisk::Generated(text) = read_generated(&out.join(&path))? {
            generated.push((path, text));
        }
    }
    Ok(generated)
}

/// What a build does: reported in one line.
pub struct Written {
    /// Files written (the rest were already up to date).
    pub files_written: usize,
    pub environments_changed: usize,
    pub environments_unchanged: usize,
    pub stale_removed: Vec<String>,
}

/// Writes the output; says what changed. `then` runs once it is written,
/// before OUT is unlocked.
pub fn write(
    out: &Path,
    files: &[GeneratedFile],
    scope: &Scope,
    then: impl FnOnce(),
) -> Result<Written, Diagnostic> {
    if let Ok(m) = fs::symlink_metadata(out)
        && !m.is_dir()
    {
        return Err(Diagnostic::new(
            Code::E0602,
            format!("output `{}` exists and is not a directory", out.display()),
        )
        .help("choose another output directory with -o"));
    }
    let created = !out.exists();
    fs::create_dir_all(out).map_err(|e| cannot("create", out, e))?;
    let result = lock(out, false).and_then(|_lock| {
        let written = write_locked(out, files, scope)?;
        then();
        Ok(written)
    });
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
            .starts_with(STAGING_PREFIX)
        {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Locks the output directory itself (builds exclusively, checks shared),
/// or says that another run holds it. The lock goes with the process,
/// however it ends, so a killed build never leaves OUT locked; and no lock
/// file is left behind.
fn lock(out: &Path, shared: bool) -> Result<fs::File, Diagnostic> {
    let dir = fs::File::open(out).map_err(|e| cannot("open", out, e))?;
    let taken = if shared {
        dir.try_lock_shared()
    } else {
        dir.try_lock()
    };
    match taken {
        Ok(()) => Ok(dir),
        Err(fs::TryLockError::WouldBlock) => Err(Diagnostic::new(
            Code::E0604,
            format!("another envspec run is writing `{}`", out.display()),
        )
        .help("try again when it has finished")),
        Err(fs::TryLockError::Error(e)) => Err(cannot("lock", out, e)),
    }
}

fn refuse_foreign(out: &Path, foreign: &[String]) -> Result<(), Diagnostic> {
    if foreign.is_empty() {
        return Ok(());
    }
    let shown: Vec<String> = foreign
        .iter()
        .take(10)
        .map(|p| format!("  {}", out.join(p).display()))
        .collect();
    let more = if foreign.len() > 10 {
        format!("\n  … and {} more", foreign.len() - 10)
    } else {
        String::new()
    };
    Err(Diagnostic::new(
        Code::E0603,
        format!(
            "refusing to write: these files in the output were not generated by envspec:\n{}{more}",
            shown.join("\n"),
        ),
    )
    .help(format!(
        "envspec owns OUT/<env>/ and OUT/{}; move these files out, or choose another -o",
        TOP_LEVEL.join(", OUT/")
    )))
}

fn write_locked(out: &Path, files: &[GeneratedFile], scope: &Scope) -> Result<Written, Diagnostic> {
    remove_abandoned_staging(out);
    let mut comparisons = Vec::new();
    for (env, expected) in by_environment(files, scope) {
        comparisons.push(compare_environment(out, env, expected)?);
    }
    let top = plan_top_level(out, files, scope)?;
    let mut foreign: Vec<String> = comparisons
        .iter()
        .flat_map(|c| c.foreign.iter().cloned())
        .collect();
    foreign.extend(
        top.iter()
            .filter(|(_, a)| matches!(a, TopLevelAction::Foreign))
            .map(|(name, _)| name.to_string()),
    );
    refuse_foreign(out, &foreign)?;
    let stale = stale_environments(out, scope)?;
    let changed: Vec<&EnvComparison> = comparisons.iter().filter(|c| !c.is_up_to_date()).collect();
    let top_writes: Vec<&GeneratedFile> = top
        .iter()
        .filter_map(|(_, a)| match a {
            TopLevelAction::Write(file, _) => Some(*file),
            _ => None,
        })
        .collect();
    let mut files_written = 0;
    if !changed.is_empty() || !top_writes.is_empty() {
        let staging = out.join(format!("{STAGING_PREFIX}{}", std::process::id()));
        let result = stage_and_swap(out, &staging, &changed, &top_writes);
        let _ = fs::remove_dir_all(&staging);
        files_written = result.map_err(|message| Diagnostic::new(Code::E0602, message))?;
    }
    for env in &stale {
        remove_generated(out, env)?;
    }
    for (name, action) in &top {
        if let TopLevelAction::Remove(_) = action {
            let path = out.join(name);
            fs::remove_file(&path).map_err(|e| cannot("remove stale", &path, e))?;
        }
    }
    Ok(Written {
        files_written,
        environments_changed: changed.len(),
        environments_unchanged: comparisons.len() - changed.len(),
        stale_removed: stale,
    })
}

/// Assembles each changed environment in `staging` and exchanges it with the
/// live one; returns the number of files written.
fn stage_and_swap(
    out: &Path,
    staging: &Path,
    changed: &[&EnvComparison],
    top_level: &[&GeneratedFile],
) -> Result<usize, String> {
    let fail = |what: &str, path: &Path, e: std::io::Error| {
        format!(
            "cannot {what} `{}`: {e}; nothing was changed",
            path.display()
        )
    };
    fs::create_dir(staging).map_err(|e| fail("create", staging, e))?;
    let mut written = 0;
    for comparison in changed {
        let mut dirs: Vec<&str> = comparison
            .expected
            .iter()
            .filter_map(|f| f.path.rsplit_once('/').map(|(dir, _)| dir))
            .collect();
        dirs.dedup();
        for dir in dirs {
            let dir = staging.join(dir);
            fs::create_dir_all(&dir).map_err(|e| fail("create", &dir, e))?;
        }
        let results: Vec<Result<bool, String>> = comparison
            .expected
            .par_iter()
            .zip(&comparison.status)
            .map(|(file, status)| {
                let target = staging.join(&file.path);
                // An unchanged file is linked, not copied: its bytes, inode
                // and time stay as they were.
                if matches!(status, Status::Same)
                    && fs::hard_link(out.join(&file.path), &target).is_ok()
                {
                    return Ok(false);
                }
                fs::write(&target, &file.text).map_err(|e| fail("write", &target, e))?;
                Ok(true)
            })
            .collect();
        for result in results {
            written += usize::from(result?);
        }
    }
    for file in top_level {
        let target = staging.join(&file.path);
        fs::write(&target, &file.text).map_err(|e| fail("write", &target, e))?;
        written += 1;
    }
    // Swap every environment in; if one cannot be, put back the ones
    // already swapped, so that a failed build changes nothing.
    let mut swapped: Vec<(&str, std::path::PathBuf, Swap)> = Vec::new();
    let mut failure = None;
    for comparison in changed {
        let (new, live) = (staging.join(comparison.env), out.join(comparison.env));
        match swap_in(&new, &live) {
            Ok(how) => swapped.push((comparison.env, new, how)),
            Err(e) => {
                failure = Some(cannot_text("replace", &live, e));
                break;
            }
        }
    }
    if failure.is_none() {
        for file in top_level {
            let live = out.join(&file.path);
            if let Err(e) = fs::rename(staging.join(&file.path), &live) {
                failure = Some(cannot_text("replace", &live, e));
                break;
            }
        }
    }
    let Some(failure) = failure else {
        return Ok(written);
    };
    let mut not_restored = Vec::new();
    for (env, new, how) in swapped.into_iter().rev() {
        if swap_back(&new, &out.join(env), how).is_err() {
            not_restored.push(env);
        }
    }
    if not_restored.is_empty() {
        Err(format!("{failure}; nothing was changed"))
    } else {
        Err(format!(
            "{failure}; the new output of {} could not be taken back: run the build again",
            not_restored.join(", ")
        ))
    }
}

/// How [`swap_in`] put a directory in place, so it can be undone.
#[derive(Clone, Copy)]
enum Swap {
    /// There was none: renamed in.
    Renamed,
    /// Exchanged: the old tree is now where the new one was.
    Exchanged,
    /// Two renames: the old tree is beside the new one's former place.
    MovedAside,
}

/// Puts the directory `new` at `live` in one step: with an atomic exchange
/// where the system has one (the old tree ends up at `new`, removed with the
/// staging directory), so `live` is never missing, not even for an instant.
fn swap_in(new: &Path, live: &Path) -> std::io::Result<Swap> {
    if !live.exists() {
        return fs::rename(new, live).map(|()| Swap::Renamed);
    }
    match exchange(new, live) {
        Ok(()) => Ok(Swap::Exchanged),
        Err(e) if e.kind() == ErrorKind::Unsupported || e.raw_os_error() == Some(libc::EINVAL) => {
            // Two renames: a kill in between leaves `live` absent until
            // the next build, never half-written.
            fs::rename(live, aside(new))?;
            fs::rename(new, live).map(|()| Swap::MovedAside)
        }
        Err(e) => Err(e),
    }
}

/// Undoes [`swap_in`]: the old tree back at `live`, the new one at `new`.
fn swap_back(new: &Path, live: &Path, how: Swap) -> std::io::Result<()> {
    match how {
        Swap::Renamed => fs::rename(live, new),
        Swap::Exchanged => exchange(new, live),
        Swap::MovedAside => {
            fs::rename(live, new)?;
            fs::rename(aside(new), live)
        }
    }
}

fn aside(new: &Path) -> std::path::PathBuf {
    new.with_extension("old")
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let path = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::from);
    let (a, b) = (path(a)?, path(b)?);
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let status = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if status == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(ErrorKind::Unsupported.into())
}

/// Removes the generated files of a stale environment, then any directory
/// left empty; foreign files stay.
fn remove_generated(out: &Path, env: &str) -> Result<(), Diagnostic> {
    for (path, _) in generated_files(out, env)? {
        let full = out.join(path);
        fs::remove_file(&full).map_err(|e| cannot("remove stale", &full, e))?;
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

/// Runs `read` on a consistent tree, not one a build is swapping
/// directories in.
pub fn read_locked<T>(out: &Path, read: impl FnOnce() -> T) -> Result<T, Diagnostic> {
    let _lock = if out.is_dir() {
        Some(lock(out, true)?)
    } else {
        None
    };
    Ok(read())
}

/// Compares the expected output with OUT, without writing anything.
pub fn compare(out: &Path, files: &[GeneratedFile], scope: &Scope) -> Result<Drift, Diagnostic> {
    read_locked(out, || compare_unlocked(out, files, scope))?
}

fn compare_unlocked(
    out: &Path,
    files: &[GeneratedFile],
    scope: &Scope,
) -> Result<Drift, Diagnostic> {
    let mut drift = Drift::default();
    let label = |path: &str| out.join(path).display().to_string();
    let mut push = |kind, path: &str, diff: String| {
        drift.entries.push(DriftEntry {
            kind,
            path: path.to_string(),
            diff,
        })
    };
    let foreign_note = |path: &str| {
        format!(
            "{}: not generated by envspec; `envspec build` refuses to write while it is there\n",
            label(path)
        )
    };
    let missing = |path: &str, text: &str| {
        unified(
            "",
            text,
            &format!("{} (missing)", label(path)),
            &label(path),
        )
    };
    let mut stale: Vec<(String, String)> = Vec::new();
    for (env, expected) in by_environment(files, scope) {
        let comparison = compare_environment(out, env, expected)?;
        for foreign in &comparison.foreign {
            push(DriftKind::Foreign, foreign, foreign_note(foreign));
        }
        for (file, status) in expected.iter().zip(comparison.status) {
            match status {
                Status::Same => {}
                Status::Missing if comparison.foreign.contains(&file.path) => {}
                Status::Missing => push(
                    DriftKind::Missing,
                    &file.path,
                    missing(&file.path, &file.text),
                ),
                Status::Changed(old) => push(
                    DriftKind::Changed,
                    &file.path,
                    unified(&old, &file.text, &label(&file.path), &label(&file.path)),
                ),
            }
        }
        stale.extend(comparison.stale);
    }
    for env in stale_environments(out, scope)? {
        stale.extend(generated_files(out, &env)?);
    }
    for (name, action) in plan_top_level(out, files, scope)? {
        match action {
            TopLevelAction::Keep => {}
            TopLevelAction::Foreign => push(DriftKind::Foreign, name, foreign_note(name)),
            TopLevelAction::Write(file, OnDisk::Generated(old)) => push(
                DriftKind::Changed,
                name,
                unified(&old, &file.text, &label(name), &label(name)),
            ),
            TopLevelAction::Write(file, _) => {
                push(DriftKind::Missing, name, missing(name, &file.text))
            }
            TopLevelAction::Remove(old) => stale.push((name.to_string(), old)),
        }
    }
    stale.sort();
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
