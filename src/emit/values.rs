//! The Helm values file of one release, laid out as the chart expects
//! (`helm create`'s layout unless the chart declares other paths).

use super::yaml::Yaml;
use super::{insert_path, merge_into};
use crate::check::quantity::Quantity;
use crate::model::{EnvSource, Extra, Release, Sourced, Text};

pub(super) fn document(release: &Release) -> Yaml {
    let layout = &release.layout;
    let mut root = Yaml::map();
    insert_path(&mut root, &layout.image, Yaml::str(&release.image.value));
    // A tag the CI supplies is passed by Helmsman (setString), not written here.
    if let Text::Literal(tag) = &release.tag.value {
        insert_path(&mut root, &layout.tag, Yaml::str(tag));
    }
    if let Some(replicas) = &release.replicas {
        insert_path(
            &mut root,
            &layout.replicas,
            Yaml::Int(replicas.value.into()),
        );
    }
    if let Some(first) = release.ports.first() {
        insert_path(
            &mut root,
            &layout.port,
            Yaml::Int(first.value.number.into()),
        );
    }
    if release.ports.len() > 1 {
        let ports = release
            .ports
            .iter()
            .map(|p| {
                Yaml::map()
                    .with("name", Yaml::str(&p.value.name))
                    .with("port", Yaml::Int(p.value.number.into()))
            })
            .collect();
        insert_path(&mut root, &layout.ports, Yaml::Seq(ports));
    }
    if !release.resources.is_empty() {
        insert_path(&mut root, &layout.resources, resources(release));
    }
    if !release.hosts.is_empty() {
        let hosts = release
            .hosts
            .iter()
            .map(|h| {
                let path = Yaml::map()
                    .with("path", Yaml::str("/"))
                    .with("pathType", Yaml::str("ImplementationSpecific"));
                Yaml::map()
                    .with("host", Yaml::str(&h.value))
                    .with("paths", Yaml::Seq(vec![path]))
            })
            .collect();
        let ingress = Yaml::map()
            .with("enabled", Yaml::Bool(true))
            .with("hosts", Yaml::Seq(hosts));
        insert_path(&mut root, &layout.ingress, ingress);
    }
    if !release.env.is_empty() {
        let env = release
            .env
            .iter()
            .map(|var| {
                let entry = Yaml::map().with("name", Yaml::str(&*var.value.name));
                match &var.value.source {
                    EnvSource::Literal(text) => entry.with("value", Yaml::str(&**text)),
                    EnvSource::Secret { name, key } => entry.with(
                        "valueFrom",
                        Yaml::map().with(
                            "secretKeyRef",
                            Yaml::map()
                                .with("name", Yaml::str(&**name))
                                .with("key", Yaml::str(&**key)),
                        ),
                    ),
                }
            })
            .collect();
        insert_path(&mut root, &layout.env, Yaml::Seq(env));
    }
    for (key, value) in &release.extra_values {
        if let Some(yaml) = extra(&value.value) {
            // Keys of chart values may hold dots (`prometheus.io/scrape`): merge, never split.
            merge_into(&mut root, Yaml::Map(vec![(key.clone(), yaml)]));
        }
    }
    root
}

fn resources(release: &Release) -> Yaml {
    let r = &release.resources;
    let pair = |cpu: &Option<Sourced<std::sync::Arc<Quantity>>>,
                memory: &Option<Sourced<std::sync::Arc<Quantity>>>| {
        let entries: Vec<(String, Yaml)> = [("cpu", cpu), ("memory", memory)]
            .into_iter()
            .filter_map(|(name, q)| {
                q.as_ref()
                    .map(|q| (name.to_string(), Yaml::str(&q.value.text)))
            })
            .collect();
        Yaml::Map(entries)
    };
    let requests = pair(&r.cpu_request, &r.memory_request);
    let limits = pair(&r.cpu_limit, &r.memory_limit);
    let mut out = Yaml::map();
    for (name, map) in [("requests", requests), ("limits", limits)] {
        if !matches!(&map, Yaml::Map(entries) if entries.is_empty()) {
            out = out.with(name, map);
        }
    }
    out
}

/// A chart value as YAML; a value the CI supplies is left out (Helmsman sets it).
fn extra(value: &Extra) -> Option<Yaml> {
    Some(match value {
        Extra::Str(Text::Literal(s)) => Yaml::str(s),
        Extra::Str(Text::FromEnvironment(_)) => return None,
        Extra::Int(i) => Yaml::Int(*i),
        Extra::Float(f) => Yaml::Float(*f),
        Extra::Bool(b) => Yaml::Bool(*b),
        Extra::List(items) => Yaml::Seq(items.iter().filter_map(extra).collect()),
        Extra::Map(entries) => Yaml::Map(
            entries
                .iter()
                .filter_map(|(k, v)| extra(v).map(|y| (k.clone(), y)))
                .collect(),
        ),
    })
}
