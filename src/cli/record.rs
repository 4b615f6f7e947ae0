//! The build record: what the last clean build wrote to OUT, and each
//! file's identity on disk, so that `check` and `build` can tell that OUT is
//! up to date without compiling the spec or reading the output.
//!
//! Like git's index, it trusts a file whose size, inode, modification and
//! change times are those recorded, and re-reads one that was touched in
//! the clock tick the record was taken in ("racy": a later write in the same
//! tick leaves its times unchanged). The record is keyed by everything the
//! output depends on: this binary, the spec directory, every spec file's
//! bytes, the chart schema files the spec names, and `--env`. When anything
//! does not match, the caller compiles and compares as if there were none.
//!
//! Records live in the user's cache directory (`$XDG_CACHE_HOME/envspec`,
//! else `~/.cache/envspec`), one per output directory, never in OUT, so that
//! a committed output tree carries no machine-specific state. A record that
//! cannot be read or written is only a missed shortcut, never an error. Only
//! builds without any diagnostic are recorded, so skipping the compiler
//! never hides a warning.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::output::STAGING_PREFIX;
use crate::emit::GeneratedFile;
use crate::source::Sources;

/// The first line of a record; a new format gets a new number.
const HEADER: &str = "envspec build record 1";

/// How many lines a [`Key`] takes.
const KEY_LINES: usize = 4;

/// What the output depends on besides the files the spec names: this binary,
/// the spec (where it is and its bytes) and the environments asked for.
pub struct Key {
    lines: Vec<String>,
}

impl Key {
    /// None when the running binary cannot be identified.
    pub fn new(spec_dir: &Path, sources: &Sources, selected: &[String]) -> Option<Key> {
        let exe = fs::metadata(std::env::current_exe().ok()?).ok()?;
        let mut spec = blake3::Hasher::new();
        for (_, file) in sources.iter() {
            spec.update(file.path.as_os_str().as_encoded_bytes());
            spec.update(&[0, u8::from(file.too_large)]);
            spec.update(
                &file
                    .invalid_utf8_at
                    .map_or(u64::MAX, |at| at as u64)
                    .to_le_bytes(),
            );
            spec.update(&(file.text.len() as u64).to_le_bytes());
            spec.update(file.text.as_bytes());
        }
        Some(Key {
            lines: vec![
                format!(
                    "tool {} {} {}",
                    env!("CARGO_PKG_VERSION"),
                    exe.len(),
                    mtime_ns(&exe)
                ),
                format!("spec-dir {}", fs::canonicalize(spec_dir).ok()?.display()),
                format!("spec {}", short_hash(spec.finalize())),
                format!("selected {}", selected.join(" ")),
            ],
        })
    }
}

/// What a record says about OUT once it has been verified.
pub struct UpToDate {
    pub files: usize,
    pub environments: usize,
}

/// The identity of a file or directory on disk.
#[derive(PartialEq, Eq)]
struct Stamp {
    size: u64,
    inode: u64,
    mtime_ns: i128,
    ctime_ns: i128,
}

impl Stamp {
    #[cfg(unix)]
    fn of(metadata: &fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        Stamp {
            size: if metadata.is_dir() { 0 } else { metadata.len() },
            inode: metadata.ino(),
            mtime_ns: mtime_ns(metadata),
            ctime_ns: i128::from(metadata.ctime()) * 1_000_000_000
                + i128::from(metadata.ctime_nsec()),
        }
    }

    #[cfg(not(unix))]
    fn of(metadata: &fs::Metadata) -> Stamp {
        Stamp {
            size: metadata.len(),
            inode: 0,
            mtime_ns: mtime_ns(metadata),
            ctime_ns: mtime_ns(metadata),
        }
    }

    /// Whether a change could have left these times as they are: a write
    /// in the same clock tick as `start`, the moment the record was taken.
    fn is_racy(&self, start: i128) -> bool {
        self.mtime_ns >= start || self.ctime_ns >= start
    }

    fn write(&self, line: &mut String) {
        use std::fmt::Write;
        let _ = write!(
            line,
            "{} {} {} {}",
            self.size, self.inode, self.mtime_ns, self.ctime_ns
        );
    }

    fn parse<'a>(fields: &mut impl Iterator<Item = &'a str>) -> Option<Stamp> {
        Some(Stamp {
            size: fields.next()?.parse().ok()?,
            inode: fields.next()?.parse().ok()?,
            mtime_ns: fields.next()?.parse().ok()?,
            ctime_ns: fields.next()?.parse().ok()?,
        })
    }
}

fn mtime_ns(metadata: &fs::Metadata) -> i128 {
    match metadata.modified() {
        Ok(time) => match time.duration_since(std::time::UNIX_EPOCH) {
            Ok(after) => after.as_nanos() as i128,
            Err(before) => -(before.duration().as_nanos() as i128),
        },
        Err(_) => 0,
    }
}

/// 128 bits of a BLAKE3 hash, in hex: plenty to tell contents apart.
fn short_hash(hash: blake3::Hash) -> String {
    hash.to_hex()[..32].to_string()
}

fn hash_bytes(bytes: &[u8]) -> String {
    short_hash(blake3::hash(bytes))
}

/// A file the output depends on, other than the spec's own (a chart
/// schema): its path and the hash of its bytes, `absent` when it cannot be
/// read.
fn input_line(path: &Path) -> String {
    let hash = fs::read(path).map_or_else(|_| "absent".to_string(), |b| hash_bytes(&b));
    format!("input {hash} {}", path.display())
}

/// Where the record of `out` is kept, when there is a cache directory.
fn record_path(out: &Path) -> Option<PathBuf> {
    let cache = match std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from) {
        Some(dir) if dir.is_absolute() => dir,
        _ => PathBuf::from(std::env::var_os("HOME").filter(|h| !h.is_empty())?).join(".cache"),
    };
    let out = fs::canonicalize(out).ok()?;
    let name = hash_bytes(out.as_os_str().as_encoded_bytes());
    Some(cache.join("envspec").join("builds").join(name))
}

/// Removes the record of `out`, before a build changes it.
pub fn forget(out: &Path) {
    if let Some(path) = record_path(out) {
        let _ = fs::remove_file(path);
    }
}

/// What a clean build wrote.
pub struct Built<'a> {
    /// The generated files, sorted by path.
    pub files: &'a [GeneratedFile],
    /// Every environment of the spec.
    pub environments: &'a [String],
    /// The environments the build covers.
    pub written: &'a [&'a str],
    /// The other files the output depends on.
    pub inputs: &'a [PathBuf],
}

/// Records what a clean build just wrote. Called while the build still
/// holds OUT's lock, so that no other run changes OUT in between.
///
pub fn save(key: &Key, out: &Path, built: &Built) {
    let Some(path) = record_path(out) else {
        return;
    };
    let text = take(key, out, built);
    let saved = text.and_then(|text| {
        fs::create_dir_all(path.parent()?).ok()?;
        let temporary = path.with_extension(format!("tmp-{}", std::process::id()));
        let result = fs::write(&temporary, text).and_then(|()| fs::rename(&temporary, &path));
        if result.is_err() {
            let _ = fs::remove_file(&temporary);
        }
        result.ok()
    });
    if saved.is_none() {
        let _ = fs::remove_file(&path);
    }
}

/// The moment OUT's files are stamped, in the file system's own clock and
/// granularity: the modification time of a file created in OUT now.
fn now_in(out: &Path) -> Option<i128> {
    // Named as staging is, so that one left by a killed run is cleaned up.
    let probe = out.join(format!("{STAGING_PREFIX}clock-{}", std::process::id()));
    let file = fs::File::create(&probe).ok();
    let start = file.and_then(|f| f.metadata().ok()).map(|m| mtime_ns(&m));
    let _ = fs::remove_file(&probe);
    start
}

fn take(key: &Key, out: &Path, built: &Built) -> Option<String> {
    let Built {
        files,
        environments,
        written,
        inputs,
    } = *built;
    let start = now_in(out)?;
    let mut text = format!("{HEADER}\n");
    for line in &key.lines {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str(&format!("environments {}\n", environments.join(" ")));
    text.push_str(&format!("written {}\n", written.join(" ")));
    text.push_str(&format!("start {start}\n"));
    for input in inputs {
        text.push_str(&input_line(&std::path::absolute(input).ok()?));
        text.push('\n');
    }
    for dir in directories(files, written) {
        let metadata = fs::symlink_metadata(out.join(&dir)).ok()?;
        if !metadata.is_dir() {
            return None;
        }
        text.push_str("dir ");
        Stamp::of(&metadata).write(&mut text);
        text.push_str(&format!(" {dir}\n"));
    }
    let lines: Vec<Option<String>> = files
        .par_iter()
        .map(|file| {
            let metadata = fs::symlink_metadata(out.join(&file.path)).ok()?;
            if !metadata.is_file() {
                return None;
            }
            let stamp = Stamp::of(&metadata);
            // Only a racy file is ever re-read, and compared by hash.
            let hash = if stamp.is_racy(start) {
                hash_bytes(file.text.as_bytes())
            } else {
                "-".to_string()
            };
            let mut line = "file ".to_string();
            stamp.write(&mut line);
            line.push_str(&format!(" {hash} {}\n", file.path));
            Some(line)
        })
        .collect();
    for line in lines {
        text.push_str(&line?);
    }
    Some(text)
}

/// The directories holding `files`, each environment's own first, sorted.
fn directories(files: &[GeneratedFile], written: &[&str]) -> Vec<String> {
    let mut dirs: Vec<String> = written.iter().map(|env| env.to_string()).collect();
    for file in files {
        let mut path = file.path.as_str();
        while let Some((parent, _)) = path.rsplit_once('/') {
            dirs.push(parent.to_string());
            path = parent;
        }
    }
    dirs.sort();
    dirs.dedup();
    dirs
}

/// A parsed record.
struct Record {
    key: Vec<String>,
    environments: Vec<String>,
    written: Vec<String>,
    start: i128,
    inputs: Vec<String>,
    dirs: Vec<(Stamp, String)>,
    files: Vec<(Stamp, String, String)>,
}

fn parse(text: &str) -> Option<Record> {
    let mut lines = text.lines();
    if lines.next()? != HEADER {
        return None;
    }
    let key = (0..KEY_LINES)
        .map(|_| lines.next().map(str::to_string))
        .collect::<Option<_>>()?;
    let words = |line: Option<&str>, tag: &str| -> Option<Vec<String>> {
        let rest = line?.strip_prefix(tag)?;
        Some(rest.split_whitespace().map(str::to_string).collect())
    };
    let environments = words(lines.next(), "environments")?;
    let written = words(lines.next(), "written")?;
    let start = lines.next()?.strip_prefix("start ")?.parse().ok()?;
    let mut record = Record {
        key,
        environments,
        written,
        start,
        inputs: Vec::new(),
        dirs: Vec::new(),
        files: Vec::new(),
    };
    for line in lines {
        let (tag, rest) = line.split_once(' ')?;
        match tag {
            "input" => record.inputs.push(line.to_string()),
            "dir" => {
                let mut fields = rest.splitn(5, ' ');
                let stamp = Stamp::parse(&mut fields)?;
                record.dirs.push((stamp, fields.next()?.to_string()));
            }
            "file" => {
                let mut fields = rest.splitn(6, ' ');
                let stamp = Stamp::parse(&mut fields)?;
                let hash = fields.next()?.to_string();
                record.files.push((stamp, hash, fields.next()?.to_string()));
            }
            _ => return None,
        }
    }
    Some(record)
}

/// Whether the record of `out` shows it up to date for `key`. The caller
/// holds OUT's shared lock.
pub fn verify(key: &Key, out: &Path, top_level: &[&str]) -> Option<UpToDate> {
    let text = fs::read_to_string(record_path(out)?).ok()?;
    let record = parse(&text)?;
    if record.key != key.lines {
        return None;
    }
    holds(&record, out, top_level)
}

/// Whether OUT is still what `record` says.
fn holds(record: &Record, out: &Path, top_level: &[&str]) -> Option<UpToDate> {
    let inputs_unchanged = record.inputs.iter().all(|line| {
        let path = line.splitn(3, ' ').nth(2).unwrap_or_default();
        input_line(Path::new(path)) == *line
    });
    if !inputs_unchanged || !top_level_unchanged(out, record, top_level) {
        return None;
    }
    let recorded: HashSet<&str> = (record.files.iter().map(|(_, _, path)| path))
        .chain(record.dirs.iter().map(|(_, dir)| dir))
        .map(String::as_str)
        .collect();
    for (stamp, dir) in &record.dirs {
        let metadata = fs::symlink_metadata(out.join(dir)).ok()?;
        if !metadata.is_dir() || Stamp::of(&metadata) != *stamp {
            return None;
        }
        if stamp.is_racy(record.start) && !holds_only_recorded(out, dir, &recorded) {
            return None;
        }
    }
    let files_unchanged = record.files.par_iter().all(|(stamp, hash, path)| {
        let path = out.join(path);
        let Ok(metadata) = fs::symlink_metadata(&path) else {
            return false;
        };
        if !metadata.is_file() || Stamp::of(&metadata) != *stamp {
            return false;
        }
        !stamp.is_racy(record.start) || fs::read(&path).is_ok_and(|b| hash_bytes(&b) == *hash)
    });
    files_unchanged.then_some(UpToDate {
        files: record.files.len(),
        environments: record.written.len(),
    })
}

/// Whether OUT's own entries are what the recorded build left: its
/// environments' directories, the top-level files it wrote (and no other
/// generated top-level file), no other directory that a full comparison
/// would have to look into. Hidden entries and other plain files are
/// neither written nor compared by envspec.
fn top_level_unchanged(out: &Path, record: &Record, top_level: &[&str]) -> bool {
    let Ok(entries) = fs::read_dir(out) else {
        return false;
    };
    entries.into_iter().all(|entry| {
        let Ok(entry) = entry else {
            return false;
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        if top_level.contains(&name.as_str()) {
            return record.files.iter().any(|(_, _, path)| *path == name);
        }
        match entry.file_type() {
            _ if name.starts_with('.') => true,
            Ok(kind) if kind.is_dir() => record.environments.contains(&name),
            Ok(kind) => kind.is_file(),
            Err(_) => false,
        }
    })
}

/// Whether directory `dir` holds exactly the recorded files and directories
/// below it, no more: listed when its times cannot tell.
fn holds_only_recorded(out: &Path, dir: &str, recorded: &HashSet<&str>) -> bool {
    let Ok(entries) = fs::read_dir(out.join(dir)) else {
        return false;
    };
    entries.into_iter().all(|entry| {
        entry.is_ok_and(|e| {
            let path = format!("{dir}/{}", e.file_name().to_string_lossy());
            recorded.contains(path.as_str())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "dev/values/api.yaml";

    /// A record of an output directory holding one generated file.
    fn recorded(out: &Path, text: &str) -> Record {
        fs::create_dir_all(out.join("dev/values")).unwrap();
        fs::write(out.join(FILE), text).unwrap();
        let files = [GeneratedFile {
            path: FILE.to_string(),
            text: text.to_string(),
        }];
        let key = Key {
            lines: ["tool", "spec-dir", "spec", "selected"]
                .map(str::to_string)
                .to_vec(),
        };
        let built = Built {
            files: &files,
            environments: &["dev".to_string()],
            written: &["dev"],
            inputs: &[],
        };
        let taken = take(&key, out, &built).unwrap();
        parse(&taken).unwrap()
    }

    /// Makes the record say that the file, as it is now, was stamped in the
    /// tick the record was taken in: what a write right after the build, in
    /// the same tick, looks like.
    fn stamp_as_racy(record: &mut Record, out: &Path) {
        let now = Stamp::of(&fs::symlink_metadata(out.join(FILE)).unwrap());
        record.start = now.mtime_ns.min(now.ctime_ns);
        record.files[0].0 = now;
    }

    #[test]
    fn a_file_untouched_since_the_record_is_trusted() {
        let out = tempfile::tempdir().unwrap();
        let record = recorded(out.path(), "replicaCount: 1\n");
        let up_to_date = holds(&record, out.path(), &[]).unwrap();
        assert_eq!((up_to_date.files, up_to_date.environments), (1, 1));
    }

    #[test]
    fn a_racy_file_is_trusted_only_with_the_recorded_contents() {
        let out = tempfile::tempdir().unwrap();
        let mut record = recorded(out.path(), "replicaCount: 1\n");
        record.files[0].1 = hash_bytes(b"replicaCount: 1\n");

        fs::write(out.path().join(FILE), "replicaCount: 7\n").unwrap();
        stamp_as_racy(&mut record, out.path());
        assert!(holds(&record, out.path(), &[]).is_none());

        fs::write(out.path().join(FILE), "replicaCount: 1\n").unwrap();
        stamp_as_racy(&mut record, out.path());
        assert!(holds(&record, out.path(), &[]).is_some());
    }

    #[test]
    fn a_racy_directory_is_listed() {
        let out = tempfile::tempdir().unwrap();
        let mut record = recorded(out.path(), "replicaCount: 1\n");
        record.start = i128::MIN;
        record.files[0].1 = hash_bytes(b"replicaCount: 1\n");
        assert!(holds(&record, out.path(), &[]).is_some());

        fs::write(out.path().join("dev/values/web.yaml"), "x").unwrap();
        for (stamp, dir) in &mut record.dirs {
            *stamp = Stamp::of(&fs::symlink_metadata(out.path().join(&*dir)).unwrap());
        }
        assert!(holds(&record, out.path(), &[]).is_none());
    }

    #[test]
    fn a_record_survives_its_text() {
        let out = tempfile::tempdir().unwrap();
        let record = recorded(out.path(), "a: 1\n");
        assert_eq!(record.environments, ["dev"]);
        assert_eq!(record.written, ["dev"]);
        assert_eq!(
            record
                .dirs
                .iter()
                .map(|(_, d)| d.as_str())
                .collect::<Vec<_>>(),
            ["dev", "dev/values"]
        );
        assert_eq!(record.files[0].2, FILE);
        assert!(parse("envspec build record 0\n").is_none());
        assert!(parse(&format!("{HEADER}\nnot enough lines\n")).is_none());
    }
}
