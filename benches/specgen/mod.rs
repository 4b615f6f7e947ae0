//! A synthetic but realistic envspec spec of N apps deployed in four
//! environments (inttest, exttest, preprod, prod), for benchmarks.
//!
//! The layout follows `examples/ehealth/`: `platform.env` (platform, one
//! `helm_repo`, the secrets, three templates), `rules.env`, one file per
//! supplier under `apps/` (about 20 apps each, so about N/20 files) and one
//! file per environment under `environments/`. Apps have environment
//! variables, secret references, hosts with `{env}`, some `after` chains
//! (always pointing to an app generated earlier, so never a cycle), some
//! chart values, and per-environment overrides. The spec compiles without
//! errors or warnings.
//!
//! Deterministic: the same N and seed give the same bytes.

#![allow(dead_code)] // each bench target uses a part

use std::collections::HashSet;
use std::fmt::Write;

/// The environments, in deployment order.
pub const ENVIRONMENTS: [&str; 4] = ["inttest", "exttest", "preprod", "prod"];

/// Apps per supplier file.
pub const APPS_PER_FILE: usize = 20;

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 0x5eed_e5bc;

/// One generated file: path relative to the spec directory (`/`-separated) and text.
pub struct GenFile {
    pub path: String,
    pub text: String,
}

/// splitmix64: small, fast, and good enough to vary a synthetic spec.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'t>(&mut self, items: &[&'t str]) -> &'t str {
        items[self.below(items.len())]
    }
}

const SUPPLIER_STEMS: &[&str] = &[
    "medsoft",
    "calendra",
    "webfactory",
    "carelink",
    "healthbridge",
    "vitanet",
    "docflow",
    "labnova",
    "pharmaline",
    "clinicore",
    "nordcare",
    "mediquant",
    "caresync",
    "omnicare",
    "telemedix",
    "bioform",
    "heliox",
    "sanitas",
    "curalog",
    "vivamed",
];

const DOMAINS: &[&str] = &[
    "patient",
    "booking",
    "billing",
    "document",
    "notification",
    "identity",
    "consent",
    "lab",
    "pharmacy",
    "imaging",
    "referral",
    "claims",
    "audit",
    "search",
    "report",
    "schedule",
    "messaging",
    "payment",
    "inventory",
    "portal",
    "triage",
    "vaccination",
    "prescription",
    "insurance",
    "archive",
];

/// Component kinds and the template each uses.
const KINDS: &[(&str, &str)] = &[
    ("api", "service"),
    ("api", "service"),
    ("gateway", "service"),
    ("sync", "worker"),
    ("worker", "worker"),
    ("importer", "worker"),
    ("web", "frontend"),
];

const LOG_LEVELS: &[&str] = &["info", "warn", "info", "debug"];

/// An app of the generated spec.
struct App {
    name: String,
    supplier: usize,
    template: &'static str,
    /// Index (in the app list) of apps it must be deployed after.
    after: Vec<usize>,
    /// Whether it binds a host (services and frontends do).
    has_host: bool,
    /// Base memory request in Mi; the limit is twice that.
    memory_mi: u32,
    /// Image versions: major, minor, patch of the production release.
    version: (u32, u32, u32),
}

/// Generates a spec of `apps` apps (at least 1) from `seed`.
pub fn generate(apps: usize, seed: u64) -> Vec<GenFile> {
    generate_with(apps, seed, false)
}

/// Like [`generate`]; with `promotion`, production is protected and a
/// `promotion.env` chains inttest → exttest → preprod → prod (for compilers
/// that know `promotion`; the releases already respect it: each environment
/// runs the same or an older version than the one before it).
pub fn generate_with(apps: usize, seed: u64, promotion: bool) -> Vec<GenFile> {
    let apps = apps.max(1);
    let mut rng = Rng(seed);
    let suppliers = apps.div_ceil(APPS_PER_FILE);
    let supplier_names: Vec<String> = (0..suppliers)
        .map(|i| {
            let stem = SUPPLIER_STEMS[i % SUPPLIER_STEMS.len()];
            match i / SUPPLIER_STEMS.len() {
                0 => stem.to_string(),
                round => format!("{stem}{round}"),
            }
        })
        .collect();

    let mut list: Vec<App> = Vec::with_capacity(apps);
    let mut taken = HashSet::new();
    for i in 0..apps {
        let supplier = i / APPS_PER_FILE;
        let (kind, template) = KINDS[rng.below(KINDS.len())];
        let domain = rng.pick(DOMAINS);
        let base = format!("{domain}-{kind}");
        let mut name = base.clone();
        let mut n = 2;
        while !taken.insert(name.clone()) {
            name = format!("{base}-{n}");
            n += 1;
        }
        // `after`: a third of the apps wait for the app before them in the
        // same supplier file (chains of a few apps), a few also for an app of
        // an earlier supplier. Edges always point backwards: no cycle.
        let mut after = Vec::new();
        let first_of_supplier = supplier * APPS_PER_FILE;
        if i > first_of_supplier && rng.chance(35) {
            after.push(i - 1);
        }
        if supplier > 0 && rng.chance(5) {
            let j = rng.below(first_of_supplier);
            after.push(j);
        }
        let memory_mi = [128, 256, 256, 384, 512][rng.below(5)];
        let version = (
            1 + rng.below(5) as u32,
            rng.below(20) as u32,
            rng.below(10) as u32,
        );
        list.push(App {
            name,
            supplier,
            template,
            after,
            has_host: template != "worker",
            memory_mi,
            version,
        });
    }

    let mut files = vec![
        GenFile {
            path: "platform.env".into(),
            text: platform(&supplier_names),
        },
        GenFile {
            path: "rules.env".into(),
            text: RULES.to_string(),
        },
    ];
    for (s, supplier) in supplier_names.iter().enumerate() {
        let members: Vec<&App> = list.iter().filter(|a| a.supplier == s).collect();
        files.push(GenFile {
            path: format!("apps/{supplier}.env"),
            text: supplier_file(supplier, &members, &list, &mut rng),
        });
    }
    for env in ENVIRONMENTS {
        files.push(GenFile {
            path: format!("environments/{env}.env"),
            text: environment_file(env, &list, promotion, &mut rng),
        });
    }
    if promotion {
        files.push(GenFile {
            path: "promotion.env".into(),
            text: PROMOTION.to_string(),
        });
    }
    files
}

fn platform(suppliers: &[String]) -> String {
    let mut out = String::new();
    out.push_str(
        "# A synthetic health platform for benchmarks: many suppliers, four environments.\n\n\
         platform bench {\n  \
           org        = \"bench.example\"\n  \
           maintainer = \"platform-team@bench.example\"\n  \
           registry   = \"registry.bench.example\"\n\
         }\n\n\
         helm_repo stable = \"https://charts.bench.example/stable\"\n\n\
         # Shared infrastructure secrets.\n\
         secret message-queue {\n  \
           keys        = [\"url\", \"password\"]\n  \
           description = \"Credentials of the shared message queue\"\n\
         }\n\n\
         secret object-store {\n  \
           keys = [\"access-key\", \"secret-key\"]\n\
         }\n\n\
         # One database per supplier.\n",
    );
    for supplier in suppliers {
        writeln!(
            out,
            "secret {supplier}-db {{\n  keys = [\"username\", \"password\"]\n}}\n"
        )
        .unwrap();
    }
    out.push_str(
        "# Defaults every HTTP service starts from.\n\
         template service {\n  \
           chart         = stable/web-service\n  \
           chart_version = \"2.4.1\"\n  \
           port          = 8080\n  \
           replicas      = 1\n  \
           memory        = 256Mi\n  \
           memory_limit  = 512Mi\n  \
           cpu           = 100m\n  \
           timeout       = 5m\n  \
           env {\n    \
             LOG_LEVEL = \"info\"\n    \
             PLATFORM  = \"{platform}\"\n  \
           }\n\
         }\n\n\
         # Background workers: a bit more memory.\n\
         template worker : service {\n  \
           memory       = 384Mi\n  \
           memory_limit = 768Mi\n\
         }\n\n\
         # Web frontends: served on port 3000.\n\
         template frontend : service {\n  \
           port = 3000\n\
         }\n",
    );
    out
}

const RULES: &str = "# Platform rules, checked on every build.\n\n\
rule \"production runs at least two replicas of every app\" {\n  \
  in prod: replicas >= 2\n\
}\n\n\
rule \"no app may ask for more than 4Gi of memory\" {\n  \
  memory_limit <= 4Gi\n\
}\n\n\
rule \"release tags are plain versions in pre-production and production\" {\n  \
  in preprod, prod: tag =~ \"^[0-9]+\\\\.[0-9]+\\\\.[0-9]+$\"\n\
}\n";

fn supplier_file(supplier: &str, members: &[&App], all: &[App], rng: &mut Rng) -> String {
    let mut out = String::new();
    writeln!(out, "# Supplier: {supplier}. {} apps.\n", members.len()).unwrap();
    for app in members {
        let name = &app.name;
        writeln!(out, "app {name} : {} {{", app.template).unwrap();
        writeln!(out, "  image = \"{supplier}/{name}\"").unwrap();
        if app.has_host {
            writeln!(out, "  host  = \"{name}.{{env}}.bench.example\"").unwrap();
        }
        if app.memory_mi != 256 && app.template != "worker" {
            writeln!(
                out,
                "  memory       = {}Mi\n  memory_limit = {}Mi",
                app.memory_mi,
                app.memory_mi * 2
            )
            .unwrap();
        }
        if rng.chance(20) {
            writeln!(out, "  cpu       = 250m\n  cpu_limit = 1").unwrap();
        }
        out.push_str("  env {\n");
        writeln!(out, "    SERVICE_NAME = \"{{app}}\"").unwrap();
        writeln!(
            out,
            "    API_BASE_URL = \"https://api.{{env}}.bench.example\""
        )
        .unwrap();
        if rng.chance(70) {
            writeln!(
                out,
                "    DB_HOST      = \"{supplier}-db.{{namespace}}.svc.cluster.local\""
            )
            .unwrap();
            writeln!(
                out,
                "    DB_USER      = secret(\"{supplier}-db\", \"username\")"
            )
            .unwrap();
            writeln!(
                out,
                "    DB_PASSWORD  = secret(\"{supplier}-db\", \"password\")"
            )
            .unwrap();
        }
        if rng.chance(30) {
            writeln!(out, "    QUEUE_URL    = secret(\"message-queue\", \"url\")").unwrap();
        }
        if rng.chance(15) {
            writeln!(
                out,
                "    S3_ACCESS    = secret(\"object-store\", \"access-key\")"
            )
            .unwrap();
        }
        if rng.chance(25) {
            writeln!(out, "    BATCH_SIZE   = {}", 10 * (1 + rng.below(10))).unwrap();
        }
        out.push_str("  }\n");
        if !app.after.is_empty() {
            let names: Vec<&str> = app.after.iter().map(|&j| all[j].name.as_str()).collect();
            writeln!(out, "  after = [{}]", names.join(", ")).unwrap();
        }
        if app.template == "worker" && rng.chance(30) {
            writeln!(out, "  wait    = true\n  timeout = 10m").unwrap();
        }
        if rng.chance(20) {
            out.push_str(
                "  values {\n    podAnnotations {\n      \"prometheus.io/scrape\" = \"true\"\n    }\n  }\n",
            );
        }
        out.push_str("}\n\n");
    }
    out
}

const PROMOTION: &str = "# How releases move towards production.\n\n\
promotion {\n  \
  inttest -> exttest via jenkins      { role = \"release-manager\" }\n  \
  exttest -> preprod via pull_request { from = \"master\", to = \"prod\" }\n  \
  preprod -> prod    via jenkins      { role = \"release-manager\" }\n\
}\n";

fn environment_file(env: &str, apps: &[App], promotion: bool, rng: &mut Rng) -> String {
    let (context, protected, description) = match env {
        "inttest" => (
            "bench-test",
            false,
            "Integration tests, redeployed on every release",
        ),
        "exttest" => ("bench-test", false, "External tests with the suppliers"),
        "preprod" => ("bench-prod", false, "Mirrors production's size"),
        _ => ("bench-prod", true, "Production"),
    };
    let mut out = String::new();
    writeln!(out, "# Environment {env}: every app of the platform.\n").unwrap();
    writeln!(out, "environment {env} {{").unwrap();
    writeln!(out, "  context     = \"{context}\"").unwrap();
    writeln!(out, "  namespace   = \"{env}\"").unwrap();
    writeln!(out, "  description = \"{description}\"").unwrap();
    if protected && promotion {
        writeln!(out, "  protected   = true").unwrap();
    }
    for app in apps {
        let (major, minor, patch) = app.version;
        // Test environments run a newer release than production.
        let version = match env {
            "inttest" => format!("{major}.{}.0", minor + 1),
            "exttest" => format!("{major}.{minor}.{}", patch + 1),
            _ => format!("{major}.{minor}.{patch}"),
        };
        write!(out, "  deploy {} @ \"{version}\"", app.name).unwrap();
        let mut overrides: Vec<String> = Vec::new();
        match env {
            "inttest" if rng.chance(20) => {
                overrides.push(format!(
                    "env {{ LOG_LEVEL = \"{}\" }}",
                    rng.pick(LOG_LEVELS)
                ));
            }
            "preprod" => overrides.push("replicas = 2".into()),
            "prod" => {
                overrides.push(format!("replicas = {}", 2 + rng.below(3)));
                if rng.chance(30) {
                    let mi = 1024 * (1 + rng.below(2) as u32);
                    overrides.push(format!("memory = {mi}Mi, memory_limit = {}Mi", mi * 2));
                }
            }
            _ => {}
        }
        if !overrides.is_empty() {
            write!(out, " {{ {} }}", overrides.join(", ")).unwrap();
        }
        out.push('\n');
    }
    out.push_str("}\n");
    out
}

/// Total size of the spec in bytes.
#[allow(dead_code)]
pub fn total_bytes(files: &[GenFile]) -> usize {
    files.iter().map(|f| f.text.len()).sum()
}
