//! The spec text: platform, apps (settings every environment shares) and
//! environments (what differs, as `deploy` overrides).

use super::Notes;
use super::dsf::{Env, Item};
use super::yaml::Node;

/// A string literal; braces doubled, since strings interpolate `{env}`.
pub fn quote(s: &str) -> String {
    crate::fmt::escape::quote(&s.replace('{', "{{").replace('}', "}}"))
}

/// A block key: bare when it is an identifier, else quoted (no interpolation).
pub fn key(k: &str) -> String {
    let re = regex::Regex::new(r"^[A-Za-z](-+[A-Za-z0-9_]|[A-Za-z0-9_])*$").unwrap();
    if re.is_match(k) {
        k.to_string()
    } else {
        let mut out = String::from("\"");
        for c in k.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
}

fn value(node: &Node) -> String {
    match node {
        Node::Null => "\"\"".into(),
        Node::Bool(b) => b.to_string(),
        Node::Int(i) => i.to_string(),
        Node::Float(f) => {
            let text = f.to_string();
            if text.contains('.') {
                text
            } else {
                format!("{text}.0")
            }
        }
        Node::Str(s) => quote(s),
        Node::Seq(items) => format!(
            "[{}]",
            items.iter().map(value).collect::<Vec<_>>().join(", ")
        ),
        Node::Map(entries) if entries.is_empty() => "{ }".into(),
        Node::Map(entries) => format!(
            "{{ {} }}",
            entries
                .iter()
                .map(|(k, v)| format!("{} = {}", key(k), value(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A values tree built from leaves, written as a nested block.
#[derive(Default)]
struct Tree(Vec<(String, Branch)>);

enum Branch {
    Leaf(Node),
    Tree(Tree),
}

impl Tree {
    fn insert(&mut self, path: &[String], leaf: Node) {
        if path.len() == 1 {
            self.0.push((path[0].clone(), Branch::Leaf(leaf)));
            return;
        }
        let i = match self
            .0
            .iter()
            .position(|(k, b)| *k == path[0] && matches!(b, Branch::Tree(_)))
        {
            Some(i) => i,
            None => {
                self.0
                    .push((path[0].clone(), Branch::Tree(Tree::default())));
                self.0.len() - 1
            }
        };
        if let Branch::Tree(t) = &mut self.0[i].1 {
            t.insert(&path[1..], leaf);
        }
    }

    fn write(&self, out: &mut String) {
        for (k, b) in &self.0 {
            match b {
                Branch::Leaf(node) => out.push_str(&format!("{} = {}\n", key(k), value(node))),
                Branch::Tree(t) => {
                    out.push_str(&format!("{} {{\n", key(k)));
                    t.write(out);
                    out.push_str("}\n");
                }
            }
        }
    }
}

fn block(items: &[&Item]) -> String {
    let mut out = String::new();
    let mut tree = Tree::default();
    for item in items {
        match item {
            Item::Field(text) => {
                out.push_str(text);
                out.push('\n');
            }
            Item::Value(path, node) => tree.insert(path, node.clone()),
        }
    }
    if !tree.0.is_empty() {
        out.push_str("values {\n");
        tree.write(&mut out);
        out.push_str("}\n");
    }
    out
}

/// The spec's files, unformatted: `platform.env`, `apps.env`, `environments.env`.
pub fn write(envs: &[Env], notes: &mut Notes) -> Vec<(String, String)> {
    let first = |f: fn(&Env) -> Option<String>| envs.iter().find_map(f);
    let platform_name = first(|e| e.platform.clone()).unwrap_or_else(|| "imported".into());
    let mut platform = format!("platform {} {{\n", super::dsf::identifier(&platform_name));
    for env in envs {
        if env.platform.as_ref().is_some_and(|p| *p != platform_name) {
            notes.lose(
                &env.file,
                "metadata.platform",
                format!("one spec has one platform; `{platform_name}` is used"),
            );
        }
    }
    if let Some(org) = first(|e| e.org.clone()) {
        platform.push_str(&format!("org = {}\n", quote(&org)));
    }
    if let Some(m) = first(|e| e.maintainer.clone()) {
        platform.push_str(&format!("maintainer = {}\n", quote(&m)));
    }
    platform.push_str("}\n");
    let mut repos: Vec<(String, String)> = Vec::new();
    for env in envs {
        for (name, url) in &env.repos {
            match repos.iter().find(|(n, _)| n == name) {
                Some((_, u)) if u != url => notes.lose(
                    &env.file,
                    format!("helmRepos.{name}"),
                    format!("another file gives this repo the URL `{u}`, which is used"),
                ),
                Some(_) => {}
                None => repos.push((name.clone(), url.clone())),
            }
        }
    }
    for (name, url) in &repos {
        platform.push_str(&format!("\nhelm_repo {name} = {}\n", quote(url)));
    }
    let mut secrets: Vec<(String, Vec<String>)> = Vec::new();
    for app in envs.iter().flat_map(|e| &e.apps) {
        for (s, k) in &app.secrets {
            match secrets.iter_mut().find(|(n, _)| n == s) {
                Some((_, keys)) if !keys.contains(k) => keys.push(k.clone()),
                Some(_) => {}
                None => secrets.push((s.clone(), vec![k.clone()])),
            }
        }
    }
    secrets.sort();
    for (name, keys) in &secrets {
        let keys: Vec<String> = keys.iter().map(|k| quote(k)).collect();
        platform.push_str(&format!(
            "\nsecret {name} {{ keys = [{}] }}\n",
            keys.join(", ")
        ));
    }
    // Apps: every setting equal in every environment running the app.
    let mut names: Vec<&str> = envs
        .iter()
        .flat_map(|e| e.apps.iter().map(|a| a.name.as_str()))
        .collect();
    names.sort();
    names.dedup();
    let mut apps_text = String::new();
    let mut common: Vec<(String, Vec<String>)> = Vec::new();
    for name in &names {
        let runs: Vec<_> = envs
            .iter()
            .filter_map(|e| e.apps.iter().find(|a| a.name == *name))
            .collect();
        let mut keys: Vec<&str> = Vec::new();
        for app in &runs {
            for (k, _) in &app.items {
                if !keys.contains(&k.as_str()) {
                    keys.push(k);
                }
            }
        }
        let shared: Vec<String> = keys
            .iter()
            .filter(|k| {
                let item = |a: &super::dsf::App| {
                    a.items
                        .iter()
                        .find(|(x, _)| x == *k)
                        .map(|(_, i)| i.clone())
                };
                let firsts = item(runs[0]);
                firsts.is_some() && runs.iter().all(|a| item(a) == firsts)
            })
            .map(|k| k.to_string())
            .collect();
        let items: Vec<&Item> = runs[0]
            .items
            .iter()
            .filter(|(k, _)| shared.contains(k))
            .map(|(_, i)| i)
            .collect();
        apps_text.push_str(&format!("app {name} {{\n{}}}\n\n", block(&items)));
        common.push((name.to_string(), shared));
    }
    let mut envs_text = String::new();
    for env in envs {
        envs_text.push_str(&format!("environment {} {{\n", env.name));
        envs_text.push_str(&format!("context = {}\n", quote(&env.context)));
        envs_text.push_str(&format!("namespace = {}\n", quote(&env.namespace)));
        if let Some(d) = &env.description {
            envs_text.push_str(&format!("description = {}\n", quote(d)));
        }
        let mut apps: Vec<_> = env.apps.iter().collect();
        apps.sort_by(|a, b| a.name.cmp(&b.name));
        for app in apps {
            let shared = &common
                .iter()
                .find(|(n, _)| *n == app.name)
                .expect("every app is listed")
                .1;
            let items: Vec<&Item> = app
                .items
                .iter()
                .filter(|(k, _)| !shared.contains(k))
                .map(|(_, i)| i)
                .collect();
            envs_text.push_str(&format!("deploy {} @ {}", app.name, app.tag));
            if items.is_empty() {
                envs_text.push('\n');
            } else {
                envs_text.push_str(&format!(" {{\n{}}}\n", block(&items)));
            }
        }
        envs_text.push_str("}\n\n");
    }
    vec![
        ("platform.env".into(), platform),
        ("apps.env".into(), apps_text.trim_end().to_string() + "\n"),
        (
            "environments.env".into(),
            envs_text.trim_end().to_string() + "\n",
        ),
    ]
}
