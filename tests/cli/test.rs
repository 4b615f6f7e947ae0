//! The `Test` builder: a temporary directory with spec files in it, the
//! arguments and environment of one run of the real binary, and assertions on
//! what the run printed and left on disk.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use tempfile::TempDir;

/// The platform file of the minimal spec: platform, helm repository, template.
pub const PLATFORM: &str = r#"# The shop platform.
platform shop {
  org        = "shop.example"
  maintainer = "ops@shop.example"
  registry   = "registry.shop.example"
}

helm_repo stable = "https://charts.shop.example/stable"

template service {
  chart         = stable/web-service
  chart_version = "1.0.0"
  port          = 8080
  replicas      = 1
  memory        = 128Mi
  memory_limit  = 256Mi
  cpu           = 100m
}
"#;

/// The apps of the minimal spec: `api` and `web`.
pub const APPS: &str = r#"app api : service {
  image = "shop/api"
}

app web : service {
  image = "shop/web"
  port  = 3000
}
"#;

/// The environments of the minimal spec: `staging` and `prod`.
pub const ENVIRONMENTS: &str = r#"environment staging {
  context   = "shop-test"
  namespace = "staging"
  deploy api @ "1.0.0"
  deploy web @ "2.0.0"
}

environment prod {
  context   = "shop-prod"
  namespace = "prod"
  deploy api @ "1.0.0" { replicas = 2 }
  deploy web @ "2.0.0" { replicas = 2 }
}
"#;

/// Every file a build of the minimal spec writes, relative to OUT.
pub const MINIMAL_OUTPUT: [&str; 6] = [
    "prod/helmsman.yaml",
    "prod/values/api.yaml",
    "prod/values/web.yaml",
    "staging/helmsman.yaml",
    "staging/values/api.yaml",
    "staging/values/web.yaml",
];

/// A long-past modification time, set on files to tell later whether a run
/// rewrote them.
pub const OLD_MTIME: Duration = Duration::from_secs(1_000_000_000);

/// A temporary working directory and the command line to run in it.
pub struct Test {
    tempdir: TempDir,
    /// The runs' cache directory (`XDG_CACHE_HOME`), where build records go:
    /// the test's own, outside the temp dir so that trees listed there do
    /// not show it.
    cache: TempDir,
    current_dir: String,
    args: Vec<OsString>,
    env: Vec<(OsString, OsString)>,
}

impl Test {
    /// An empty temporary directory; runs inherit no colour settings.
    pub fn new() -> Self {
        Test {
            tempdir: tempfile::Builder::new()
                .prefix("envspec-cli-test")
                .tempdir()
                .expect("create a temporary directory"),
            cache: tempfile::Builder::new()
                .prefix("envspec-cli-cache")
                .tempdir()
                .expect("create a temporary directory"),
            current_dir: ".".into(),
            args: Vec::new(),
            env: Vec::new(),
        }
    }

    /// A directory holding the minimal valid spec at its top.
    pub fn with_spec() -> Self {
        Test::new().spec_in(".")
    }

    /// The minimal spec in `spec/`, each file's text passed through
    /// `transform` (line endings, a byte-order mark, whitespace).
    pub fn transformed_spec<B: AsRef<[u8]>>(transform: impl Fn(&str) -> B) -> Self {
        Test::new()
            .file("spec/platform.env", transform(PLATFORM))
            .file("spec/apps.env", transform(APPS))
            .file("spec/environments.env", transform(ENVIRONMENTS))
    }

    /// What a build of the minimal spec writes, by path: what a build of a
    /// transformed one must write too.
    pub fn minimal_output() -> BTreeMap<String, Vec<u8>> {
        let plain = Test::new()
            .spec_in("spec")
            .args(["build", "spec", "-o", "out"]);
        plain.run().status(0);
        plain.tree("out")
    }

    /// Writes the minimal valid spec into `dir` (relative to the temp dir).
    pub fn spec_in(self, dir: &str) -> Self {
        self.file(&format!("{dir}/platform.env"), PLATFORM)
            .file(&format!("{dir}/apps.env"), APPS)
            .file(&format!("{dir}/environments.env"), ENVIRONMENTS)
    }

    /// Writes a file, creating its parent directories.
    pub fn file(self, path: &str, contents: impl AsRef<[u8]>) -> Self {
        self.write(path, contents);
        self
    }

    /// The arguments of the next run (replacing earlier ones).
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args = args.into_iter().map(Into::into).collect();
        self
    }

    /// The working directory of later runs, relative to the temp dir.
    pub fn current_dir(mut self, dir: &str) -> Self {
        self.current_dir = dir.into();
        self
    }

    /// An environment variable for every later run.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Runs the binary, by default in the temp dir.
    pub fn run(&self) -> Output {
        self.run_with(&self.args)
    }

    /// Runs the binary with these arguments, keeping the test's own.
    pub fn run_with<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_envspec"));
        command.args(args);
        self.output(command, args)
    }

    /// Runs the binary from a `bash` that first runs `setup` (such as
    /// `ulimit -f 1; trap '' XFSZ`): resource limits and ignored signals are
    /// inherited by the binary, which the shell then `exec`s.
    pub fn run_after(&self, setup: &str) -> Output {
        let mut command = Command::new("bash");
        command
            .arg("-c")
            .arg(format!("{setup}\nexec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_envspec"))
            .args(&self.args);
        self.output(command, &self.args)
    }

    fn output<S: AsRef<std::ffi::OsStr>>(&self, mut command: Command, args: &[S]) -> Output {
        command
            .current_dir(self.join(&self.current_dir))
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("RUST_BACKTRACE")
            .env("XDG_CACHE_HOME", self.cache.path())
            .stdin(Stdio::null());
        for (key, value) in &self.env {
            command.env(key, value);
        }
        let output = command.output().expect("run envspec");
        Output {
            command: format!(
                "envspec {:?}",
                args.iter()
                    .map(|a| a.as_ref().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
            ),
            status: output.status.code(),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }

    /// The runs' cache directory.
    pub fn cache_path(&self) -> &Path {
        self.cache.path()
    }

    /// The temporary directory.
    pub fn path(&self) -> &Path {
        self.tempdir.path()
    }

    fn join(&self, relative: &str) -> PathBuf {
        self.path().join(relative)
    }

    /// (Over)writes a file between runs, creating its parent directories.
    pub fn write(&self, path: &str, contents: impl AsRef<[u8]>) {
        let full = self.join(path);
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent).expect("create parent directories");
        }
        fs::write(&full, contents).unwrap_or_else(|e| panic!("write {path}: {e}"));
    }

    /// Replaces the first occurrence of `from` in a file; it must be there.
    pub fn edit(&self, path: &str, from: &str, to: &str) {
        let text = self.read(path);
        assert!(text.contains(from), "{path} does not contain {from:?}");
        self.write(path, text.replacen(from, to, 1));
    }

    pub fn remove(&self, path: &str) {
        fs::remove_file(self.join(path)).unwrap_or_else(|e| panic!("remove {path}: {e}"));
    }

    pub fn read(&self, path: &str) -> String {
        fs::read_to_string(self.join(path)).unwrap_or_else(|e| panic!("read {path}: {e}"))
    }

    pub fn exists(&self, path: &str) -> bool {
        self.join(path).exists()
    }

    /// Every file below `dir`, hidden ones included, as sorted `/`-separated
    /// paths relative to `dir`; empty when `dir` does not exist.
    pub fn files(&self, dir: &str) -> Vec<String> {
        self.tree(dir).into_keys().collect()
    }

    /// Every file below `dir` with its bytes.
    pub fn tree(&self, dir: &str) -> BTreeMap<String, Vec<u8>> {
        let mut tree = BTreeMap::new();
        walk(&self.join(dir), "", &mut |relative, path| {
            tree.insert(relative, fs::read(path).expect("read file"));
        });
        tree
    }

    /// Every file below `dir` with its modification time.
    pub fn mtimes(&self, dir: &str) -> BTreeMap<String, SystemTime> {
        let mut times = BTreeMap::new();
        walk(&self.join(dir), "", &mut |relative, path| {
            let modified = fs::metadata(path)
                .and_then(|m| m.modified())
                .expect("read modification time");
            times.insert(relative, modified);
        });
        times
    }

    /// Sets every file below `dir` to [`OLD_MTIME`].
    pub fn age(&self, dir: &str) {
        walk(&self.join(dir), "", &mut |_, path| {
            fs::File::options()
                .write(true)
                .open(path)
                .and_then(|f| f.set_modified(SystemTime::UNIX_EPOCH + OLD_MTIME))
                .expect("set modification time");
        });
    }
}

fn walk(dir: &Path, prefix: &str, visit: &mut dyn FnMut(String, &Path)) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let entry = entry.expect("read directory entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let path = entry.path();
        if entry.file_type().expect("file type").is_dir() {
            walk(&path, &relative, visit);
        } else {
            visit(relative, &path);
        }
    }
}

/// What one run printed and how it ended.
pub struct Output {
    command: String,
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    fn fail(&self, what: &str) -> ! {
        panic!(
            "{what}\n--- command: {}\n--- status: {:?}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.command, self.status, self.stdout, self.stderr
        );
    }

    pub fn status(&self, code: i32) -> &Self {
        if self.status != Some(code) {
            self.fail(&format!("expected exit status {code}"));
        }
        self
    }

    pub fn stdout(&self, expected: &str) -> &Self {
        if self.stdout != expected {
            self.fail(&format!("expected stdout to be exactly:\n{expected}"));
        }
        self
    }

    pub fn stderr(&self, expected: &str) -> &Self {
        if self.stderr != expected {
            self.fail(&format!("expected stderr to be exactly:\n{expected}"));
        }
        self
    }

    pub fn stdout_contains(&self, needle: &str) -> &Self {
        if !self.stdout.contains(needle) {
            self.fail(&format!("expected stdout to contain {needle:?}"));
        }
        self
    }

    pub fn stderr_contains(&self, needle: &str) -> &Self {
        if !self.stderr.contains(needle) {
            self.fail(&format!("expected stderr to contain {needle:?}"));
        }
        self
    }

    pub fn stdout_lacks(&self, needle: &str) -> &Self {
        if self.stdout.contains(needle) {
            self.fail(&format!("expected stdout not to contain {needle:?}"));
        }
        self
    }

    pub fn stderr_lacks(&self, needle: &str) -> &Self {
        if self.stderr.contains(needle) {
            self.fail(&format!("expected stderr not to contain {needle:?}"));
        }
        self
    }
}
