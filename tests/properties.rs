//! Property tests over generated specs: random but mostly valid platforms,
//! templates, apps, environments, deploys and overrides, with values that
//! YAML readers like to misread (`on`, `0755`, `~`, quotes, line breaks,
//! control characters, any Unicode), laid out in varied ways (one line or
//! several, commas, tabs, comments, CRLF, a byte-order mark) and split over
//! several files.
//!
//! The properties: compiling never panics and fails only with an error; the
//! emitted YAML reads back as the documents the model meant; formatting is
//! idempotent, keeps each file's tree and comments and leaves the output
//! unchanged; CRLF line endings and a byte-order mark change no output byte.

use std::fmt::Write as _;

use envspec::diag::{Code, Diagnostic};
use envspec::emit::OutputFile;
use envspec::import::quote;
use envspec::source::{FileId, SourceFile, Sources};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

#[path = "support/outputs.rs"]
mod outputs;

/// Strings that YAML 1.1 or 1.2 readers resolve to something else, or that
/// need quoting or escaping, or that stress the lexer.
const AWKWARD: &[&str] = &[
    "on",
    "off",
    "yes",
    "no",
    "y",
    "n",
    "Y",
    "NO",
    "true",
    "False",
    "~",
    "null",
    "Null",
    "",
    " ",
    "1.10",
    "0755",
    "0x1F",
    "0o17",
    "1_000",
    "1e3",
    ".inf",
    "-.INF",
    ".nan",
    "12:30",
    "1:20:30",
    "2001-12-14",
    "a: b",
    "a:b",
    "key:",
    "# not a comment",
    "a #b",
    "-",
    "- x",
    "? x",
    "*ref",
    "&anchor",
    "!tag",
    "%TAG",
    "@at",
    "`tick`",
    "'single'",
    "\"double\"",
    "it's",
    "back\\slash",
    "line\nbreak",
    "tab\there",
    "cr\rhere",
    "trailing ",
    " leading",
    "{curly}",
    "[square]",
    "a, b",
    "=",
    "caf\u{e9}",
    "\u{65e5}\u{672c}",
    "\u{1f680}",
    "\u{feff}bom",
    "\u{2028}",
    "\u{85}",
    "\u{7f}",
    "\u{0}",
    "\u{1b}[31m",
    "---",
    "...",
    "<<",
    "=merge",
    "|",
    ">",
    "1.0.0",
    "v1",
    "+1",
    "-0",
    "0.",
    ".5",
];

/// App names, some of them YAML keywords (they become keys and file names).
const APP_NAMES: &[&str] = &["web", "api", "on", "yes", "null", "y", "x-1", "worker"];
const ENV_NAMES: &[&str] = &["dev", "prod", "on", "no", "staging", "n"];
const NAMESPACES: &[&str] = &["dev", "off", "n-1", "default", "yes"];
const TAGS: &[&str] = &["1.0.0", "1.10", "0755", "latest", "on", "2024.01", "1e3"];
/// `512MB` is not a quantity: some specs fail, as some real ones do.
const MEMORY: &[&str] = &["128Mi", "1Gi", "1e9", "512M", "64Ki", "512MB"];
const CPU: &[&str] = &["100m", "0.5", "2", "1500m"];
/// Keys of `values` blocks: none is a path a typed field writes to.
const VALUE_NAMES: &[&str] = &["feature", "on", "yes", "a-b", "x_1", "nested", "null", "Y"];
const ENV_VARS: &[&str] = &["LOG_LEVEL", "MODE", "X_1", "on", "A_", "NO"];
const DECIMALS: &[&str] = &["0.5", "1.10", "-2.25", "0.0", "10.0", "3.14159"];

#[derive(Debug, Clone)]
enum Key {
    Name(&'static str),
    Quoted(String),
}

impl Key {
    fn text(&self) -> &str {
        match self {
            Key::Name(name) => name,
            Key::Quoted(text) => text,
        }
    }
}

#[derive(Debug, Clone)]
enum Value {
    Str(String),
    Int(i64),
    Bare(&'static str),
    Bool(bool),
    List(Vec<Value>),
    Block(Block),
}

#[derive(Debug, Clone)]
struct Block {
    entries: Vec<(Key, Value)>,
    /// `{ a = 1, b = 2 }` on one line rather than one entry per line.
    inline: bool,
}

impl Block {
    fn new(entries: Vec<(Key, Value)>, inline: bool) -> Block {
        // A key given twice is E0103; keep specs mostly valid.
        let mut seen = std::collections::HashSet::new();
        let entries = entries
            .into_iter()
            .filter(|(k, _)| seen.insert(k.text().to_string()))
            .collect();
        Block { entries, inline }
    }

    fn with(mut self, key: &'static str, value: Value) -> Block {
        self.entries.retain(|(k, _)| k.text() != key);
        self.entries.insert(0, (Key::Name(key), value));
        self
    }
}

#[derive(Debug, Clone)]
struct Deploy {
    app: usize,
    tag: &'static str,
    overrides: Option<Block>,
}

#[derive(Debug, Clone)]
struct Environment {
    name: &'static str,
    namespace: &'static str,
    deploys: Vec<Deploy>,
}

#[derive(Debug, Clone)]
struct Spec {
    apps: Vec<(&'static str, Block)>,
    environments: Vec<Environment>,
    /// Which file each declaration goes to (taken modulo the file count).
    placement: Vec<usize>,
    files: usize,
    /// A free-text comment above some declarations.
    comments: Vec<Option<String>>,
    tabs: bool,
}

fn awkward() -> BoxedStrategy<String> {
    prop_oneof![
        6 => prop::sample::select(AWKWARD).prop_map(String::from),
        2 => "\\PC{0,12}",
        1 => "[\\x00-\\x1f\\x7f\u{80}-\u{9f}\u{2028}\u{feff}a:# ]{0,6}",
    ]
    .boxed()
}

fn scalar() -> BoxedStrategy<Value> {
    prop_oneof![
        6 => awkward().prop_map(Value::Str),
        2 => (-100_000i64..100_000).prop_map(Value::Int),
        1 => prop::sample::select(DECIMALS).prop_map(Value::Bare),
        1 => any::<bool>().prop_map(Value::Bool),
    ]
    .boxed()
}

fn value_key() -> BoxedStrategy<Key> {
    prop_oneof![
        3 => prop::sample::select(VALUE_NAMES).prop_map(Key::Name),
        1 => prop::sample::select(AWKWARD)
            .prop_filter("a key", |k| !k.is_empty())
            .prop_map(|k| Key::Quoted(k.to_string())),
        1 => "\\PC{1,8}".prop_map(Key::Quoted),
    ]
    .boxed()
}

/// Chart values: scalars, lists and blocks, a few levels deep.
fn values_block() -> BoxedStrategy<Block> {
    let value = scalar().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::List),
            (
                prop::collection::vec((value_key(), inner), 0..4),
                any::<bool>()
            )
                .prop_map(|(entries, inline)| Value::Block(Block::new(entries, inline))),
        ]
    });
    (
        prop::collection::vec((value_key(), value), 0..5),
        any::<bool>(),
    )
        .prop_map(|(entries, inline)| Block::new(entries, inline))
        .boxed()
}

fn env_block() -> BoxedStrategy<Block> {
    let value = prop_oneof![
        4 => awkward().prop_map(Value::Str),
        1 => (-100i64..100_000).prop_map(Value::Int),
        1 => any::<bool>().prop_map(Value::Bool),
    ];
    (
        prop::collection::vec(
            (prop::sample::select(ENV_VARS).prop_map(Key::Name), value),
            0..4,
        ),
        any::<bool>(),
    )
        .prop_map(|(entries, inline)| Block::new(entries, inline))
        .boxed()
}

/// The fields an app or a deploy's overrides may set, each maybe.
fn app_fields() -> BoxedStrategy<Block> {
    (
        prop::option::of(0i64..6),
        prop::option::of(prop::sample::select(MEMORY)),
        prop::option::of(prop::sample::select(CPU)),
        prop::option::of(env_block()),
        prop::option::of(values_block()),
        any::<bool>(),
    )
        .prop_map(|(replicas, memory, cpu, env, values, inline)| {
            let mut entries = Vec::new();
            if let Some(n) = replicas {
                entries.push((Key::Name("replicas"), Value::Int(n)));
            }
            if let Some(m) = memory {
                entries.push((Key::Name("memory"), Value::Bare(m)));
            }
            if let Some(c) = cpu {
                entries.push((Key::Name("cpu"), Value::Bare(c)));
            }
            if let Some(env) = env {
                entries.push((Key::Name("env"), Value::Block(env)));
            }
            if let Some(values) = values {
                entries.push((Key::Name("values"), Value::Block(values)));
            }
            Block::new(entries, inline)
        })
        .boxed()
}

fn app() -> BoxedStrategy<(&'static str, Block)> {
    (
        prop::sample::select(APP_NAMES),
        app_fields(),
        // Now and then out of range (E0304).
        prop::option::of(0i64..=66_000),
        any::<bool>(),
    )
        .prop_map(|(name, fields, port, host)| {
            let mut fields = fields;
            if host {
                fields = fields.with("host", Value::Str("{app}.{env}.example".into()));
            }
            if let Some(port) = port {
                fields = fields.with("port", Value::Int(port));
            }
            let image = Value::Str(format!("team/{name}"));
            (name, fields.with("image", image))
        })
        .boxed()
}

fn environment(apps: usize) -> BoxedStrategy<Environment> {
    let deploy = (
        0..apps,
        prop::sample::select(TAGS),
        prop::option::of(app_fields()),
    )
        .prop_map(|(app, tag, overrides)| Deploy {
            app,
            tag,
            overrides,
        });
    (
        prop::sample::select(ENV_NAMES),
        prop::sample::select(NAMESPACES),
        prop::collection::vec(deploy, 0..4),
    )
        .prop_map(|(name, namespace, deploys)| Environment {
            name,
            namespace,
            deploys,
        })
        .boxed()
}

fn spec() -> BoxedStrategy<Spec> {
    prop::collection::vec(app(), 1..4)
        .prop_flat_map(|apps| {
            let environments = prop::collection::vec(environment(apps.len()), 1..3);
            let declarations = 3 + apps.len() + 2;
            (
                Just(apps),
                environments,
                prop::collection::vec(0usize..3, declarations),
                1usize..=3,
                prop::collection::vec(prop::option::weighted(0.2, awkward()), declarations),
                prop::bool::weighted(0.1),
            )
        })
        .prop_map(
            |(mut apps, mut environments, placement, files, comments, tabs)| {
                // Names declared twice are E0201, deploys twice E0213: drop
                // the repeats so that most specs compile.
                let mut names = std::collections::HashSet::new();
                let keep: Vec<bool> = apps.iter().map(|(n, _)| names.insert(*n)).collect();
                let renumber: Vec<Option<usize>> = keep
                    .iter()
                    .scan(0, |next, &k| {
                        let index = k.then_some(*next);
                        *next += usize::from(k);
                        Some(index)
                    })
                    .collect();
                let mut kept = keep.iter();
                apps.retain(|_| *kept.next().expect("one flag per app"));
                let mut env_names = std::collections::HashSet::new();
                environments.retain(|e| env_names.insert(e.name));
                for env in &mut environments {
                    let mut deployed = std::collections::HashSet::new();
                    env.deploys.retain_mut(|d| match renumber[d.app] {
                        Some(app) => {
                            d.app = app;
                            deployed.insert(app)
                        }
                        None => false,
                    });
                }
                Spec {
                    apps,
                    environments,
                    placement,
                    files,
                    comments,
                    tabs,
                }
            },
        )
        .boxed()
}

struct Printer {
    unit: &'static str,
}

impl Printer {
    fn key(&self, key: &Key) -> String {
        match key {
            Key::Name(name) => name.to_string(),
            Key::Quoted(text) => quote(text),
        }
    }

    fn value(&self, value: &Value, level: usize) -> String {
        match value {
            // Interpolation is wanted here: it is the generator's own text.
            Value::Str(s) if s.starts_with("{app}") => format!("\"{s}\""),
            Value::Str(s) => quote(s),
            Value::Int(i) => i.to_string(),
            Value::Bare(text) => text.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::List(items) => {
                let items: Vec<String> = items.iter().map(|v| self.value(v, level)).collect();
                format!("[{}]", items.join(", "))
            }
            Value::Block(block) => self.block(block, level),
        }
    }

    fn entry(&self, key: &Key, value: &Value, level: usize) -> String {
        match value {
            Value::Block(block) => format!("{} {}", self.key(key), self.block(block, level)),
            _ => format!("{} = {}", self.key(key), self.value(value, level)),
        }
    }

    fn block(&self, block: &Block, level: usize) -> String {
        self.block_with(block, level, &[])
    }

    /// A block, with `extra` lines (deploys) after its entries.
    fn block_with(&self, block: &Block, level: usize, extra: &[String]) -> String {
        if block.entries.is_empty() && extra.is_empty() {
            return "{ }".into();
        }
        if block.inline && extra.is_empty() {
            let entries: Vec<String> = block
                .entries
                .iter()
                .map(|(k, v)| self.entry(k, v, level))
                .collect();
            return format!("{{ {} }}", entries.join(", "));
        }
        let indent = self.unit.repeat(level + 1);
        let mut out = String::from("{\n");
        for (k, v) in &block.entries {
            writeln!(out, "{indent}{}", self.entry(k, v, level + 1)).unwrap();
        }
        for line in extra {
            writeln!(out, "{indent}{line}").unwrap();
        }
        out.push_str(&self.unit.repeat(level));
        out.push('}');
        out
    }
}

impl Spec {
    /// The spec's files: `(path, text)`.
    fn render(&self) -> Vec<(String, String)> {
        let printer = Printer {
            unit: if self.tabs { "\t" } else { "  " },
        };
        let mut declarations = vec![
            "platform p {\n  org = \"p.example\"\n  registry = \"registry.p.example\"\n}".to_string(),
            "helm_repo stable = \"https://charts.p.example/stable\"".to_string(),
            "template base { chart = stable/web, chart_version = \"1.0.0\", port = 8080, replicas = 1, memory = 128Mi }"
                .to_string(),
        ];
        for (name, fields) in &self.apps {
            declarations.push(format!("app {name} : base {}", printer.block(fields, 0)));
        }
        for env in &self.environments {
            let deploys: Vec<String> = env
                .deploys
                .iter()
                .map(|d| {
                    let app = self.apps[d.app].0;
                    match &d.overrides {
                        Some(block) => {
                            format!("deploy {app} @ \"{}\" {}", d.tag, printer.block(block, 1))
                        }
                        None => format!("deploy {app} @ \"{}\"", d.tag),
                    }
                })
                .collect();
            let fields = Block::new(Vec::new(), false)
                .with("namespace", Value::Str(env.namespace.into()))
                .with("context", Value::Str(format!("ctx-{}", env.name)));
            declarations.push(format!(
                "environment {} {}",
                env.name,
                printer.block_with(&fields, 0, &deploys)
            ));
        }
        let mut files = vec![String::new(); self.files];
        for (i, declaration) in declarations.iter().enumerate() {
            let file = &mut files[self.placement.get(i).copied().unwrap_or(0) % self.files];
            if let Some(Some(comment)) = self.comments.get(i) {
                let comment: String = comment.chars().filter(|c| !c.is_control()).collect();
                writeln!(file, "# {comment}").unwrap();
            }
            writeln!(file, "{declaration}\n").unwrap();
        }
        files
            .into_iter()
            .enumerate()
            .map(|(i, text)| (format!("part{i}.env"), text))
            .collect()
    }
}

fn sources(files: &[(String, String)]) -> Sources {
    let mut sources = Sources::new();
    for (path, text) in files {
        sources.add(SourceFile::new(path.as_str(), text.as_str()));
    }
    sources
}

/// The output documents of a spec, or its diagnostics.
fn build(files: &[(String, String)]) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let (model, diagnostics) = envspec::compile(&sources(files));
    match model {
        Some(model) => Ok(envspec::emit::emit(&model, &[])),
        None => Err(diagnostics),
    }
}

/// What a build comes to, without positions: each file's path and text, or
/// the codes of the diagnostics.
fn outcome(files: &[(String, String)]) -> Result<Vec<(String, String)>, Vec<Code>> {
    build(files)
        .map(|files| files.into_iter().map(|f| (f.path, f.text)).collect())
        .map_err(|diagnostics| diagnostics.iter().map(|d| d.code).collect())
}

/// 256 cases per property (a few seconds in a debug build), unless
/// `PROPTEST_CASES` asks for another number.
fn config() -> ProptestConfig {
    let default = ProptestConfig::default();
    ProptestConfig {
        cases: match std::env::var_os("PROPTEST_CASES") {
            Some(_) => default.cases,
            None => 256,
        },
        // A failure prints its input; no file is written beside the tests.
        failure_persistence: None,
        ..default
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn compiling_yields_a_model_or_an_error(spec in spec()) {
        let files = spec.render();
        let (model, diagnostics) = envspec::compile(&sources(&files));
        let failed = diagnostics.iter().any(Diagnostic::is_error);
        prop_assert_eq!(model.is_none(), failed, "{:#?}", diagnostics);
    }

    #[test]
    fn emitted_yaml_reads_back_as_the_documents(spec in spec()) {
        if let Ok(files) = build(&spec.render()) {
            for file in files {
                prop_assert!(outputs::stays_inside(&file.path), "{}", file.path);
                let read = outputs::read_back(&file.text);
                prop_assert_eq!(read, Ok(file.document.to_json()), "{}:\n{}", file.path, file.text);
            }
        }
    }

    #[test]
    fn formatting_is_idempotent_and_keeps_the_meaning(spec in spec()) {
        let files = spec.render();
        let mut formatted = Vec::new();
        for (i, (path, text)) in files.iter().enumerate() {
            let id = FileId(i as u32);
            let once = envspec::fmt::format(id, text);
            prop_assert!(once.is_ok(), "{path} does not format: {:#?}\n{text}", once);
            let once = once.unwrap();
            prop_assert!(envspec::fmt::check_same(id, text, &once).is_ok());
            let twice = envspec::fmt::format(id, &once);
            prop_assert_eq!(twice.as_ref(), Ok(&once), "{} is not stable", path);
            formatted.push((path.clone(), once));
        }
        prop_assert_eq!(outcome(&formatted), outcome(&files));
    }

    #[test]
    fn crlf_and_a_byte_order_mark_change_no_output(spec in spec(), bom in any::<bool>()) {
        let files = spec.render();
        let hostile: Vec<(String, String)> = files
            .iter()
            .map(|(path, text)| {
                let text = text.replace('\n', "\r\n");
                (path.clone(), if bom { format!("\u{feff}{text}") } else { text })
            })
            .collect();
        prop_assert_eq!(outcome(&hostile), outcome(&files));
    }
}

/// The properties above say nothing if no generated spec compiles: most must.
#[test]
fn most_generated_specs_compile() {
    let mut runner = TestRunner::deterministic();
    let strategy = spec();
    let total = 100;
    let mut compiled = 0;
    let mut failures: Vec<Code> = Vec::new();
    for _ in 0..total {
        let spec = strategy.new_tree(&mut runner).expect("a spec").current();
        match build(&spec.render()) {
            Ok(_) => compiled += 1,
            Err(diagnostics) => {
                failures.extend(diagnostics.iter().filter(|d| d.is_error()).map(|d| d.code))
            }
        }
    }
    assert!(
        compiled * 2 >= total,
        "only {compiled} of {total} compiled; errors: {failures:?}"
    );
}
