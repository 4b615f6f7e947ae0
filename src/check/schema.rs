//! The fields each kind of declaration takes: name, type and a line of
//! documentation. Unknown-field errors, `explain` and editor tooling read it.

use crate::syntax::ast::DeclKind;

/// The type of a field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Bool,
    Port,
    Replicas,
    Memory,
    Cpu,
    ImageRepository,
    ImageTag,
    ChartRef,
    ChartVersion,
    /// A block `name = port`.
    Ports,
    /// A block `NAME = "value" | secret(..)`.
    Env,
    Host,
    Hosts,
    /// A list of app names.
    Apps,
    Namespace,
    Duration,
    /// A block of chart-specific values.
    Values,
    Url,
    Registry,
    /// A block `field = "values.path"`.
    Paths,
    /// A list of strings (secret keys).
    Keys,
    /// A list of `env.NAME` / `values.PATH` strings.
    Travels,
    /// A path to a JSON schema file or a chart directory, relative to the file.
    SchemaPath,
}

impl FieldType {
    /// How the type is named in messages.
    pub fn describe(self) -> &'static str {
        match self {
            FieldType::Text => "a string",
            FieldType::Bool => "`true` or `false`",
            FieldType::Port => "a port number (1–65535)",
            FieldType::Replicas => "a replica count (0 or more)",
            FieldType::Memory => "a memory quantity such as `512Mi`",
            FieldType::Cpu => "a CPU quantity such as `250m`",
            FieldType::ImageRepository => "an image repository such as \"ehealth/patient-api\"",
            FieldType::ImageTag => "an image tag such as \"1.4.2\"",
            FieldType::ChartRef => "a chart reference such as `stable/web-service`",
            FieldType::ChartVersion => "a SemVer chart version such as \"2.4.1\"",
            FieldType::Ports => "a block of named ports, such as `{ http = 8080 }`",
            FieldType::Env => "a block of variables, such as `{ LOG_LEVEL = \"info\" }`",
            FieldType::Host => "a host name string",
            FieldType::Hosts => "a list of host name strings",
            FieldType::Apps => "a list of app names",
            FieldType::Namespace => "a namespace name string",
            FieldType::Duration => "a duration such as `5m`",
            FieldType::Values => "a block of chart values",
            FieldType::Url => "a URL string",
            FieldType::Registry => "a registry host string",
            FieldType::Paths => {
                "a block of value paths, such as `{ replicas = \"deployment.replicas\" }`"
            }
            FieldType::Keys => "a list of strings",
            FieldType::Travels => {
                "a list of paths such as \"env.SCHEMA_VERSION\" or \"values.features\""
            }
            FieldType::SchemaPath => {
                "a path string such as \"charts/web/values.schema.json\" or \"charts/web\""
            }
        }
    }
}

/// One field of a declaration.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub name: &'static str,
    pub ty: FieldType,
    pub doc: &'static str,
}

const fn field(name: &'static str, ty: FieldType, doc: &'static str) -> FieldSpec {
    FieldSpec { name, ty, doc }
}

/// Fields of apps and templates (and of `deploy` overrides).
pub const APP_FIELDS: &[FieldSpec] = &[
    field(
        "image",
        FieldType::ImageRepository,
        "Image repository; the platform registry is prepended when it names no registry.",
    ),
    field(
        "tag",
        FieldType::ImageTag,
        "Image tag; normally set by `deploy APP @ \"TAG\"`.",
    ),
    field(
        "chart",
        FieldType::ChartRef,
        "Helm chart as `repo/name`, the repo declared by `helm_repo`.",
    ),
    field(
        "chart_version",
        FieldType::ChartVersion,
        "Chart version (SemVer 2).",
    ),
    field("port", FieldType::Port, "The container port, named `http`."),
    field(
        "ports",
        FieldType::Ports,
        "Named container ports; the first is the service port.",
    ),
    field("replicas", FieldType::Replicas, "Number of pods."),
    field(
        "memory",
        FieldType::Memory,
        "Memory request; also the limit unless `memory_limit` is set.",
    ),
    field("memory_limit", FieldType::Memory, "Memory limit."),
    field("cpu", FieldType::Cpu, "CPU request."),
    field("cpu_limit", FieldType::Cpu, "CPU limit (none unless set)."),
    field(
        "env",
        FieldType::Env,
        "Environment variables: strings, or `secret(\"name\", \"key\")` references.",
    ),
    field(
        "host",
        FieldType::Host,
        "A DNS name the app is reachable at (ingress); `{env}` and friends interpolate.",
    ),
    field(
        "hosts",
        FieldType::Hosts,
        "Several DNS names the app is reachable at.",
    ),
    field(
        "after",
        FieldType::Apps,
        "Apps that must be deployed before this one (Helmsman priority).",
    ),
    field(
        "namespace",
        FieldType::Namespace,
        "Namespace, when not the environment's.",
    ),
    field(
        "timeout",
        FieldType::Duration,
        "How long Helm may take to deploy the release.",
    ),
    field(
        "wait",
        FieldType::Bool,
        "Wait until the release is ready (helm --wait).",
    ),
    field(
        "freeze",
        FieldType::Bool,
        "Helmsman's `protected`: never upgrade or delete the deployed release.",
    ),
    field(
        "group",
        FieldType::Text,
        "Helmsman group, for `helmsman --group`.",
    ),
    field(
        "description",
        FieldType::Text,
        "A note for people, copied into the desired state.",
    ),
    field(
        "values",
        FieldType::Values,
        "Chart-specific values the typed fields do not cover.",
    ),
    field(
        "travels",
        FieldType::Travels,
        "Settings that move with the release on promotion, as paths: \"env\", \"env.NAME\", \"values\" or \"values.PATH\".",
    ),
    field(
        "hotfix",
        FieldType::Text,
        "In a `deploy` only: an emergency release outside the promotion chain, with its reason (an incident id).",
    ),
];

/// Settings of each promotion mechanism (`via NAME { ... }`), all required.
pub const PROMOTION_MECHANISMS: &[(&str, &[FieldSpec])] = &[
    (
        "jenkins",
        &[field(
            "role",
            FieldType::Text,
            "The role allowed to trigger the promotion in Jenkins.",
        )],
    ),
    (
        "pull_request",
        &[
            field(
                "from",
                FieldType::Text,
                "The branch the pull request comes from.",
            ),
            field(
                "to",
                FieldType::Text,
                "The branch the pull request merges into.",
            ),
        ],
    ),
    ("auto", &[]),
];

pub const ENVIRONMENT_FIELDS: &[FieldSpec] = &[
    field(
        "context",
        FieldType::Text,
        "The kubectl context Helmsman deploys with.",
    ),
    field(
        "namespace",
        FieldType::Namespace,
        "The default namespace of its apps.",
    ),
    field(
        "protected",
        FieldType::Bool,
        "Only promotion may change what it runs (not Helmsman's `protected`).",
    ),
    field("description", FieldType::Text, "A note for people."),
];

pub const PLATFORM_FIELDS: &[FieldSpec] = &[
    field(
        "org",
        FieldType::Text,
        "The organisation running the platform.",
    ),
    field(
        "maintainer",
        FieldType::Text,
        "Who maintains the platform (a mail address).",
    ),
    field(
        "registry",
        FieldType::Registry,
        "The central image registry, prepended to image repositories that name none.",
    ),
    field("description", FieldType::Text, "A note for people."),
];

pub const SECRET_FIELDS: &[FieldSpec] = &[
    field(
        "keys",
        FieldType::Keys,
        "The keys apps may reference with `secret(name, key)`.",
    ),
    field("description", FieldType::Text, "A note for people."),
];

pub const CHART_FIELDS: &[FieldSpec] = &[
    field(
        "paths",
        FieldType::Paths,
        "Where this chart expects the typed fields, as dotted value paths.",
    ),
    field(
        "schema",
        FieldType::SchemaPath,
        "The chart's `values.schema.json`, or an unpacked chart directory holding one, relative to this file; every release's values are validated against it.",
    ),
    field("description", FieldType::Text, "A note for people."),
];

/// The fields a declaration of `kind` takes.
pub fn fields_of(kind: DeclKind) -> &'static [FieldSpec] {
    match kind {
        DeclKind::Template | DeclKind::App => APP_FIELDS,
        DeclKind::Environment => ENVIRONMENT_FIELDS,
        DeclKind::Platform => PLATFORM_FIELDS,
        DeclKind::Secret => SECRET_FIELDS,
        DeclKind::Chart => CHART_FIELDS,
        DeclKind::HelmRepo => &[],
    }
}

pub fn find(kind: DeclKind, name: &str) -> Option<&'static FieldSpec> {
    fields_of(kind).iter().find(|f| f.name == name)
}
