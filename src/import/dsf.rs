//! One desired-state file (and its values files) read into an environment.

use std::path::{Path, PathBuf};

use super::Notes;
use super::spec::{key, quote};
use super::yaml::{self, Node};
use crate::check::validate;

/// One environment as the DSF describes it.
#[derive(Debug)]
pub struct Env {
    pub name: String,
    pub file: PathBuf,
    pub platform: Option<String>,
    pub org: Option<String>,
    pub maintainer: Option<String>,
    pub description: Option<String>,
    pub context: String,
    pub namespace: String,
    pub repos: Vec<(String, String)>,
    pub apps: Vec<App>,
}

/// One app of an environment: its settings as spec entries.
#[derive(Debug)]
pub struct App {
    pub name: String,
    /// The tag as written after `@`.
    pub tag: String,
    /// Entries by key: a field line, or a leaf of `values`.
    pub items: Vec<(String, Item)>,
    /// Secrets referenced by `env`, with their keys.
    pub secrets: Vec<(String, String)>,
    namespace: String,
    priority: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A whole `key = value` entry.
    Field(String),
    /// A leaf of the values tree, at a path.
    Value(Vec<String>, Node),
}

const TOP_KEYS: &[&str] = &[
    "metadata",
    "settings",
    "namespaces",
    "helmRepos",
    "apps",
    "context",
    "appsTemplates",
];

const APP_KEYS: &[&str] = &[
    "name",
    "namespace",
    "enabled",
    "description",
    "group",
    "chart",
    "version",
    "valuesFile",
    "valuesFiles",
    "setString",
    "set",
    "priority",
    "wait",
    "timeout",
    "protected",
];

pub fn read(path: &Path, notes: &mut Notes) -> Result<Env, String> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if !matches!(ext, "yaml" | "yml") {
        return Err(format!(
            "`{}`: only YAML desired-state files (.yaml, .yml) can be imported",
            path.display()
        ));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let root = yaml::parse(&text).map_err(|e| format!("`{}`: {e}", path.display()))?;
    let Node::Map(top) = &root else {
        return Err(format!(
            "`{}`: not a desired-state file (not a map)",
            path.display()
        ));
    };
    for (k, v) in top {
        if !TOP_KEYS.contains(&k.as_str()) {
            notes.lose(
                path,
                k,
                format!("top-level key has no envspec equivalent ({})", v.kind()),
            );
        }
    }
    let meta = |k: &str| {
        root.get("metadata")
            .and_then(|m| m.get(k))
            .and_then(Node::scalar_text)
    };
    let mut meta = |k: &str| meta(k).map(|v| dollar(&v, path, &format!("metadata.{k}"), notes));
    let (platform, org, maintainer, description, env_meta) = (
        meta("platform"),
        meta("org"),
        meta("maintainer"),
        meta("description"),
        meta("environment"),
    );
    if let Some(Node::Map(entries)) = root.get("metadata") {
        for (k, _) in entries {
            if ![
                "platform",
                "org",
                "maintainer",
                "description",
                "environment",
            ]
            .contains(&k.as_str())
            {
                notes.lose(
                    path,
                    format!("metadata.{k}"),
                    "free-form metadata has no envspec equivalent",
                );
            }
        }
    }
    let name = env_meta.unwrap_or_else(|| default_env_name(path));
    let name = identifier(&name);
    let mut context = None;
    if let Some(Node::Map(settings)) = root.get("settings") {
        for (k, v) in settings {
            match (k.as_str(), v) {
                ("kubeContext", v) => {
                    context = v
                        .scalar_text()
                        .map(|c| dollar(&c, path, "settings.kubeContext", notes))
                }
                ("eyamlGkms", Node::Bool(false)) => {}
                _ => notes.lose(
                    path,
                    format!("settings.{k}"),
                    "setting has no envspec equivalent",
                ),
            }
        }
    }
    let context = context.unwrap_or_else(|| {
        notes.lose(
            path,
            "settings.kubeContext",
            format!("missing; the environment's context is set to `{name}`"),
        );
        name.clone()
    });
    if let Some(Node::Map(namespaces)) = root.get("namespaces") {
        for (ns, v) in namespaces {
            if let Node::Map(entries) = v {
                for (k, v) in entries {
                    if !(k == "protected" && *v == Node::Bool(false)) {
                        notes.lose(
                            path,
                            format!("namespaces.{ns}.{k}"),
                            "namespace settings have no envspec equivalent",
                        );
                    }
                }
            }
        }
    }
    let mut repos = Vec::new();
    if let Some(Node::Map(entries)) = root.get("helmRepos") {
        for (k, v) in entries {
            match v.as_str() {
                Some(url) => repos.push((
                    k.clone(),
                    dollar(url, path, &format!("helmRepos.{k}"), notes),
                )),
                None => notes.lose(path, format!("helmRepos.{k}"), "not a URL string"),
            }
        }
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut apps = Vec::new();
    if let Some(Node::Map(entries)) = root.get("apps") {
        for (k, v) in entries {
            if let Some(app) = read_app(path, dir, k, v, &repos, notes)? {
                apps.push(app);
            }
        }
    }
    let platform_name = platform.clone().unwrap_or_else(|| "imported".into());
    if let Some(ctx) = root.get("context").and_then(Node::scalar_text) {
        let written = format!("{}-{}", identifier(&platform_name), name);
        if ctx != written {
            notes.lose(
                path,
                "context",
                format!(
                    "envspec writes the DSF context `{written}` (platform-environment), not `{ctx}`"
                ),
            );
        }
    }
    // The default namespace: the one most apps use.
    let mut counts: Vec<(String, usize)> = Vec::new();
    for app in &apps {
        match counts.iter_mut().find(|(n, _)| *n == app.namespace) {
            Some(slot) => slot.1 += 1,
            None => counts.push((app.namespace.clone(), 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let namespace = counts
        .first()
        .map(|c| c.0.clone())
        .unwrap_or_else(|| name.clone());
    for app in &mut apps {
        if app.namespace != namespace {
            let text = format!("namespace = {}", quote(&app.namespace));
            app.items.push(("namespace".into(), Item::Field(text)));
        }
    }
    // Priorities: each app runs after the apps of the next lower priority, so
    // envspec's computed priorities keep the order (and the batches).
    let mut levels: Vec<i64> = apps.iter().map(|a| a.priority).collect();
    levels.sort();
    levels.dedup();
    let afters: Vec<Vec<String>> = apps
        .iter()
        .map(|app| {
            let rank = levels.iter().position(|p| *p == app.priority).unwrap_or(0);
            if rank == 0 {
                return Vec::new();
            }
            let mut before: Vec<String> = apps
                .iter()
                .filter(|a| a.priority == levels[rank - 1])
                .map(|a| a.name.clone())
                .collect();
            before.sort();
            before
        })
        .collect();
    for (app, after) in apps.iter_mut().zip(afters) {
        if !after.is_empty() {
            app.items.push((
                "after".into(),
                Item::Field(format!("after = [{}]", after.join(", "))),
            ));
        }
    }
    Ok(Env {
        name,
        file: path.to_path_buf(),
        platform,
        org,
        maintainer,
        description,
        context,
        namespace,
        repos,
        apps,
    })
}

/// The environment name when metadata gives none: the file stem, or the
/// directory's name for a generically named file.
fn default_env_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("imported");
    let generic = [
        "helmsman",
        "dsf",
        "desired-state",
        "desired_state",
        "state",
        "apps",
    ];
    if generic.contains(&stem)
        && let Some(dir) = path.canonicalize().ok().and_then(|p| {
            p.parent()
                .and_then(|d| d.file_name())
                .map(|d| d.to_string_lossy().to_string())
        })
    {
        return dir;
    }
    stem.to_string()
}

/// A name envspec accepts: letters, digits, `-` and `_`, starting with a letter.
pub fn identifier(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert(0, 'x');
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn is_identifier(s: &str) -> bool {
    regex::Regex::new(r"^[A-Za-z](-+[A-Za-z0-9_]|[A-Za-z0-9_])*$")
        .unwrap()
        .is_match(s)
}

/// A DSF string Helmsman substitutes: `$$` is a literal `$`; any other `$`
/// is an environment variable, which only tags can take (warned otherwise).
fn dollar(s: &str, file: &Path, at: &str, notes: &mut Notes) -> String {
    let without = s.replace("$$", "");
    if without.contains('$') {
        notes.warn(
            file,
            at,
            format!(
                "`{s}` uses an environment variable Helmsman substitutes; kept as literal text"
            ),
        );
    }
    s.replace("$$", "$")
}

/// `$VAR` or `${VAR}`: the variable.
fn env_var(s: &str) -> Option<String> {
    let re = regex::Regex::new(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$")
        .unwrap();
    re.captures(s)
        .and_then(|c| c.get(1).or_else(|| c.get(2)))
        .map(|m| m.as_str().to_string())
}

fn read_app(
    file: &Path,
    dir: &Path,
    label: &str,
    app: &Node,
    repos: &[(String, String)],
    notes: &mut Notes,
) -> Result<Option<App>, String> {
    let at = |k: &str| format!("apps.{label}.{k}");
    let Node::Map(entries) = app else {
        notes.lose(file, format!("apps.{label}"), "not a map");
        return Ok(None);
    };
    for (k, _) in entries {
        if !APP_KEYS.contains(&k.as_str()) {
            let why = match k.as_str() {
                "hooks" => "Helmsman lifecycle hooks have no envspec equivalent",
                "secretsFile" | "secretsFiles" => {
                    "encrypted values files have no envspec equivalent"
                }
                "setFile" => "values from files (--set-file) have no envspec equivalent",
                _ => "key has no envspec equivalent",
            };
            notes.lose(file, at(k), why);
        }
    }
    let name = app
        .get("name")
        .and_then(Node::scalar_text)
        .unwrap_or_else(|| label.to_string());
    if !is_identifier(&name) {
        notes.lose(
            file,
            at("name"),
            format!("`{name}` is not a name envspec accepts; app skipped"),
        );
        return Ok(None);
    }
    if app.get("enabled") != Some(&Node::Bool(true)) {
        notes.lose(
            file,
            at("enabled"),
            "the app is not enabled; envspec only describes deployed apps; app skipped",
        );
        return Ok(None);
    }
    let mut items: Vec<(String, Item)> = Vec::new();
    let field = |items: &mut Vec<(String, Item)>, k: &str, text: String| {
        items.push((k.to_string(), Item::Field(text)));
    };
    let chart = app
        .get("chart")
        .and_then(Node::scalar_text)
        .unwrap_or_default();
    match chart.split_once('/') {
        Some((repo, chart_name))
            if repos.iter().any(|(r, _)| r == repo)
                && is_identifier(repo)
                && is_identifier(chart_name) =>
        {
            field(&mut items, "chart", format!("chart = {repo}/{chart_name}"));
        }
        _ => {
            notes.lose(file, at("chart"), format!("`{chart}` is not `repo/chart` with the repo under helmRepos (local, OCI and URL charts have no envspec equivalent); app skipped"));
            return Ok(None);
        }
    }
    let version = app
        .get("version")
        .and_then(Node::scalar_text)
        .unwrap_or_default();
    if env_var(&version).is_some() {
        notes.lose(
            file,
            at("version"),
            format!(
                "`{version}`: envspec's chart_version takes no environment variable; app skipped"
            ),
        );
        return Ok(None);
    }
    if let Err(help) = validate::chart_version(&version.replace("$$", "$")) {
        notes.lose(
            file,
            at("version"),
            format!("`{version}` is not a SemVer 2 version, which envspec requires ({help}); app skipped"),
        );
        return Ok(None);
    }
    field(
        &mut items,
        "chart_version",
        format!(
            "chart_version = {}",
            quote(&dollar(&version, file, &at("version"), notes))
        ),
    );
    let namespace = app
        .get("namespace")
        .and_then(Node::scalar_text)
        .unwrap_or_default();
    if let Err(help) = validate::dns_label(&namespace, validate::MAX_LABEL) {
        notes.lose(
            file,
            at("namespace"),
            format!("`{namespace}` is not a namespace envspec accepts ({help}); app skipped"),
        );
        return Ok(None);
    }
    for (k, ty) in [("description", "description"), ("group", "group")] {
        if let Some(v) = app.get(k).and_then(Node::scalar_text) {
            field(
                &mut items,
                ty,
                format!("{ty} = {}", quote(&dollar(&v, file, &at(k), notes))),
            );
        }
    }
    match app.get("wait") {
        Some(Node::Bool(b)) => field(&mut items, "wait", format!("wait = {b}")),
        Some(_) => notes.lose(file, at("wait"), "not a boolean"),
        None => {}
    }
    match app.get("protected") {
        Some(Node::Bool(b)) => field(&mut items, "freeze", format!("freeze = {b}")),
        Some(_) => notes.lose(file, at("protected"), "not a boolean"),
        None => {}
    }
    match app.get("timeout") {
        Some(Node::Int(n)) if *n > 0 => field(&mut items, "timeout", format!("timeout = {n}s")),
        Some(Node::Int(0)) => {}
        Some(_) => notes.lose(file, at("timeout"), "not a positive number of seconds"),
        None => {}
    }
    let priority = match app.get("priority") {
        Some(Node::Int(n)) => *n,
        Some(_) => {
            notes.lose(file, at("priority"), "not an integer; ignored");
            0
        }
        None => 0,
    };
    // Values files, merged as Helm merges them.
    let mut files: Vec<String> = Vec::new();
    if let Some(v) = app.get("valuesFile").and_then(Node::scalar_text) {
        files.push(v);
    }
    if let Some(Node::Seq(list)) = app.get("valuesFiles") {
        files.extend(list.iter().filter_map(Node::scalar_text));
    }
    let mut values = Node::Map(Vec::new());
    if let Some(remote) = files.iter().find(|f| f.contains("://")) {
        notes.lose(
            file,
            at("valuesFiles"),
            format!(
                "`{remote}` is not a local file; remote values files are not read; app skipped"
            ),
        );
        return Ok(None);
    }
    for f in &files {
        let p = dir.join(f);
        let text = std::fs::read_to_string(&p)
            .map_err(|e| format!("cannot read values file `{}`: {e}", p.display()))?;
        let node = yaml::parse(&text).map_err(|e| format!("`{}`: {e}", p.display()))?;
        yaml::merge(&mut values, node);
    }
    let values_name = files
        .last()
        .map(|f| dir.join(f))
        .unwrap_or_else(|| file.to_path_buf());
    // The tag: --set/--set-string image.tag wins over the values files.
    let mut tag = None;
    for set in ["set", "setString"] {
        if let Some(Node::Map(entries)) = app.get(set) {
            for (k, v) in entries {
                let text = v.scalar_text().unwrap_or_default();
                if k == "image.tag" {
                    tag = Some(match env_var(&text) {
                        Some(var) => format!("env_var({})", quote(&var)),
                        None => quote(&dollar(&text, file, &at(&format!("{set}.{k}")), notes)),
                    });
                } else {
                    notes.lose(file, at(&format!("{set}.{k}")), "values given on the command line have no envspec equivalent (only image.tag does: the deploy tag)");
                }
            }
        }
    }
    let mut secrets = Vec::new();
    typed_values(
        &values_name,
        &mut values,
        &mut items,
        &mut tag,
        &mut secrets,
        notes,
    );
    let Some(tag) = tag else {
        notes.lose(
            &values_name,
            "image.tag",
            format!("app `{name}` has no image tag; envspec requires one; app skipped"),
        );
        return Ok(None);
    };
    let mut leaves = Vec::new();
    flatten(&values_name, &mut Vec::new(), values, &mut leaves, notes);
    for (path, node) in leaves {
        items.push((
            format!("values\u{0}{}", path.join("\u{0}")),
            Item::Value(path, node),
        ));
    }
    Ok(Some(App {
        name,
        tag,
        items,
        secrets,
        namespace,
        priority,
    }))
}

/// Takes the values `helm create`'s layout gives meaning to out of `values`
/// and makes them typed fields; what does not fit exactly stays a value.
fn typed_values(
    file: &Path,
    values: &mut Node,
    items: &mut Vec<(String, Item)>,
    tag: &mut Option<String>,
    secrets: &mut Vec<(String, String)>,
    notes: &mut Notes,
) {
    let mut field = |k: &str, text: String| items.push((k.to_string(), Item::Field(text)));
    if let Some(Node::Str(repo)) = values.get("image").and_then(|i| i.get("repository"))
        && validate::image_repository(repo).is_ok()
    {
        field("image", format!("image = {}", quote(repo)));
        take(values, &["image", "repository"]);
    } else {
        notes.lose(
            file,
            "image.repository",
            "no image repository that envspec accepts (a Docker repository string)",
        );
    }
    match take(values, &["image", "tag"]) {
        Some(Node::Str(t)) if tag.is_none() && validate::image_tag(&t).is_ok() => {
            *tag = Some(quote(&t))
        }
        Some(Node::Str(t)) if tag.is_none() => notes.lose(
            file,
            "image.tag",
            format!("`{t}` is not an image tag envspec accepts"),
        ),
        Some(other) if tag.is_none() => {
            if let Some(t) = other.scalar_text()
                && validate::image_tag(&t).is_ok()
            {
                notes.lose(
                    file,
                    "image.tag",
                    format!("{} tag written as the string \"{t}\"", other.kind()),
                );
                *tag = Some(quote(&t));
            }
        }
        _ => {}
    }
    remove_if_empty(values, "image");
    if let Some(Node::Int(n)) = values.get("replicaCount")
        && *n >= 0
    {
        field("replicas", format!("replicas = {n}"));
        take(values, &["replicaCount"]);
    }
    if let Some(ports) = named_ports(values) {
        let entries: Vec<String> = ports.iter().map(|(n, p)| format!("{n} = {p}")).collect();
        field("port", format!("ports {{\n{}\n}}", entries.join("\n")));
        take(values, &["service", "port"]);
        take(values, &["service", "ports"]);
        remove_if_empty(values, "service");
    }
    let service = values.get("service");
    if let Some(Node::Int(n)) = service.and_then(|s| s.get("port"))
        && (1..=65535).contains(n)
        && service.and_then(|s| s.get("ports")).is_none()
    {
        field("port", format!("port = {n}"));
        take(values, &["service", "port"]);
        remove_if_empty(values, "service");
    }
    // Resources: memory is also the limit unless memory_limit is set.
    let quantity =
        regex::Regex::new(r"^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|Pi|Ei|M|G|T|P|E)?$").unwrap();
    let q = |values: &Node, a: &str, b: &str| -> Option<String> {
        values
            .get("resources")
            .and_then(|r| r.get(a))
            .and_then(|r| r.get(b))
            .and_then(Node::as_str)
            .filter(|s| quantity.is_match(s))
            .map(str::to_string)
    };
    let (mem_req, mem_lim) = (
        q(values, "requests", "memory"),
        q(values, "limits", "memory"),
    );
    if mem_lim.is_some() || mem_req.is_none() {
        if let Some(m) = &mem_req {
            field("memory", format!("memory = {m}"));
            take(values, &["resources", "requests", "memory"]);
        }
        if let Some(m) = &mem_lim {
            field("memory_limit", format!("memory_limit = {m}"));
            take(values, &["resources", "limits", "memory"]);
        }
    }
    for (which, name) in [("requests", "cpu"), ("limits", "cpu_limit")] {
        if let Some(c) = q(values, which, "cpu") {
            field(name, format!("{name} = {c}"));
            take(values, &["resources", which, "cpu"]);
        }
    }
    // `resources: {}` stays as written; what the typed fields took leaves no empty block.
    if matches!(values.get("resources"), Some(Node::Map(r)) if !r.is_empty()) {
        for which in ["requests", "limits"] {
            let part = values.get("resources").and_then(|r| r.get(which));
            if matches!(part, Some(Node::Map(m)) if m.is_empty()) {
                take(values, &["resources", which]);
            }
        }
        remove_if_empty(values, "resources");
    }
    // Ingress, in the exact shape envspec writes.
    if let Some(hosts) = ingress_hosts(values) {
        let list: Vec<String> = hosts.iter().map(|h| quote(h)).collect();
        field("hosts", format!("hosts = [{}]", list.join(", ")));
        take(values, &["ingress", "enabled"]);
        take(values, &["ingress", "hosts"]);
        remove_if_empty(values, "ingress");
    }
    // env: a list of EnvVar objects with a string value or a secretKeyRef.
    if let Some(Node::Seq(list)) = values.get("env") {
        let mut entries = Vec::new();
        let mut refs = Vec::new();
        for var in list {
            let Some(name) = var.get("name").and_then(Node::as_str) else {
                break;
            };
            if validate::env_var_name(name).is_err() {
                break;
            }
            let Node::Map(fields) = var else { break };
            if fields.len() != 2 {
                break;
            }
            if let Some(Node::Str(v)) = var.get("value") {
                entries.push(format!("{} = {}", key(name), quote(v)));
            } else if let Some(r) = var.get("valueFrom").and_then(|v| v.get("secretKeyRef")) {
                let (Some(s), Some(k)) = (
                    r.get("name").and_then(Node::as_str),
                    r.get("key").and_then(Node::as_str),
                ) else {
                    break;
                };
                if !matches!(r, Node::Map(m) if m.len() == 2)
                    || !matches!(var.get("valueFrom"), Some(Node::Map(m)) if m.len() == 1)
                    || !is_identifier(s)
                {
                    break;
                }
                entries.push(format!(
                    "{} = secret({}, {})",
                    key(name),
                    quote(s),
                    quote(k)
                ));
                refs.push((s.to_string(), k.to_string()));
            } else {
                break;
            }
        }
        let mut names: Vec<&str> = list
            .iter()
            .filter_map(|v| v.get("name").and_then(Node::as_str))
            .collect();
        let count = names.len();
        names.sort();
        names.dedup();
        if entries.len() == list.len() && !list.is_empty() && names.len() == count {
            field("env", format!("env {{\n{}\n}}", entries.join("\n")));
            secrets.extend(refs);
            take(values, &["env"]);
        }
    }
}

/// `service.ports` as envspec writes a `ports` block: two or more
/// `{name, port}`, the first also `service.port`.
fn named_ports(values: &Node) -> Option<Vec<(String, i64)>> {
    let service = values.get("service")?;
    let Some(Node::Seq(list)) = service.get("ports") else {
        return None;
    };
    let mut out: Vec<(String, i64)> = Vec::new();
    for entry in list {
        let Node::Map(fields) = entry else {
            return None;
        };
        let name = entry.get("name")?.as_str()?;
        let Some(Node::Int(port)) = entry.get("port") else {
            return None;
        };
        let valid_name =
            validate::dns_label(name, 15).is_ok() && name.chars().any(|c| c.is_ascii_lowercase());
        if fields.len() != 2
            || !valid_name
            || !(1..=65535).contains(port)
            || out.iter().any(|(n, _)| n == name)
        {
            return None;
        }
        out.push((name.to_string(), *port));
    }
    let first = out.first()?.1;
    (out.len() >= 2 && service.get("port") == Some(&Node::Int(first))).then_some(out)
}

fn ingress_hosts(values: &Node) -> Option<Vec<String>> {
    let ingress = values.get("ingress")?;
    if ingress.get("enabled") != Some(&Node::Bool(true)) {
        return None;
    }
    let Some(Node::Seq(hosts)) = ingress.get("hosts") else {
        return None;
    };
    let expected_paths = Node::Seq(vec![Node::Map(vec![
        ("path".into(), Node::Str("/".into())),
        (
            "pathType".into(),
            Node::Str("ImplementationSpecific".into()),
        ),
    ])]);
    let mut out = Vec::new();
    for h in hosts {
        let Node::Map(fields) = h else { return None };
        let host = h.get("host")?.as_str()?;
        validate::host_name(host).ok()?;
        if fields.len() != 2 || h.get("paths") != Some(&expected_paths) {
            return None;
        }
        out.push(host.to_string());
    }
    (!out.is_empty()).then_some(out)
}

/// Removes and returns the node at `path`.
fn take(node: &mut Node, path: &[&str]) -> Option<Node> {
    let Node::Map(entries) = node else {
        return None;
    };
    let i = entries.iter().position(|(k, _)| k == path[0])?;
    if path.len() == 1 {
        return Some(entries.remove(i).1);
    }
    take(&mut entries[i].1, &path[1..])
}

fn remove_if_empty(node: &mut Node, k: &str) {
    if matches!(node.get(k), Some(Node::Map(m)) if m.is_empty()) {
        take(node, &[k]);
    }
}

/// The leaves of a values tree: scalars, lists and empty maps, by path.
fn flatten(
    file: &Path,
    path: &mut Vec<String>,
    node: Node,
    out: &mut Vec<(Vec<String>, Node)>,
    notes: &mut Notes,
) {
    match node {
        Node::Map(entries) if !entries.is_empty() => {
            for (k, v) in entries {
                path.push(k);
                flatten(file, path, v, out, notes);
                path.pop();
            }
        }
        node if contains_null(&node) => {
            notes.lose(
                file,
                path.join("."),
                "null values have no envspec equivalent",
            );
        }
        _ if path.is_empty() => {}
        node => out.push((path.clone(), node)),
    }
}

fn contains_null(node: &Node) -> bool {
    match node {
        Node::Null => true,
        Node::Seq(items) => items.iter().any(contains_null),
        Node::Map(entries) => entries.iter().any(|(_, v)| contains_null(v)),
        _ => false,
    }
}
