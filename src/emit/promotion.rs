//! `promotion.yaml`: the promotion chain for CI jobs to read: each step with
//! how it happens (Jenkins role or pull-request branches), and which
//! environments are protected.

use super::yaml::Yaml;
use crate::model::{Model, Via};

pub(super) fn document(model: &Model) -> Yaml {
    let steps = model
        .promotion
        .iter()
        .map(|step| {
            let entry = Yaml::map()
                .with("from", Yaml::str(&step.from))
                .with("to", Yaml::str(&step.to))
                .with("via", Yaml::str(step.via.keyword()));
            match &step.via {
                Via::Jenkins { role } => entry.with("role", Yaml::str(role)),
                Via::PullRequest { from, to } => entry.with(
                    "branches",
                    Yaml::map()
                        .with("source", Yaml::str(from))
                        .with("target", Yaml::str(to)),
                ),
                Via::Auto => entry,
            }
        })
        .collect();
    let environments = model
        .environments
        .iter()
        .map(|env| {
            let upstream = model
                .upstream_step(&env.name)
                .map_or(Yaml::Null, |s| Yaml::str(&s.from));
            (
                env.name.clone(),
                Yaml::map()
                    .with("protected", Yaml::Bool(env.protected))
                    .with("upstream", upstream),
            )
        })
        .collect();
    Yaml::map()
        .with("platform", Yaml::str(&model.platform.name))
        .with("steps", Yaml::Seq(steps))
        .with("environments", Yaml::Map(environments))
}
