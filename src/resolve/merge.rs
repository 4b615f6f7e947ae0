//! Layering of settings: template chain, then app, then environment overrides.
//!
//! A block merges with the block it overrides key by key (so an environment
//! can change one variable of `env`); any other value replaces the old one.

use std::sync::Arc;

use indexmap::IndexMap;

use crate::source::{FileId, Span};
use crate::syntax::ast::{Block, Name, Value, ValueKind};

/// Where a setting was last written: which layer, its name, and the file
/// that declares it. Every merged setting and every value of the model
/// carries one, so it is a single shared pointer; and since whatever a
/// layer sets is written in its declaration's file, a value's
/// [`Provenance`] keeps only offsets beside it (16 bytes).
///
/// [`Provenance`]: crate::model::Provenance
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Origin(Arc<OriginData>);

#[derive(PartialEq, Eq, Hash)]
struct OriginData {
    kind: OriginKind,
    name: Box<str>,
    file: FileId,
}

/// The layers a setting can come from, the most general first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OriginKind {
    /// A default of a template.
    Template,
    /// The app's own declaration.
    App,
    /// An override in an environment's `deploy`.
    Environment,
}

impl Origin {
    /// The layer `kind` declared as `name` in `file`.
    pub fn new(kind: OriginKind, name: &str, file: FileId) -> Self {
        Origin(Arc::new(OriginData {
            kind,
            name: name.into(),
            file,
        }))
    }

    /// A default of the template declared as `name`.
    pub fn template(name: &Name) -> Self {
        Origin::new(OriginKind::Template, &name.text, name.span.file)
    }

    /// The declaration of the app declared as `name`.
    pub fn app(name: &Name) -> Self {
        Origin::new(OriginKind::App, &name.text, name.span.file)
    }

    /// An override in the environment declared as `name`.
    pub fn environment(name: &Name) -> Self {
        Origin::new(OriginKind::Environment, &name.text, name.span.file)
    }

    pub fn kind(&self) -> OriginKind {
        self.0.kind
    }

    /// The template, app or environment.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The file of the declaration.
    pub fn file(&self) -> FileId {
        self.0.file
    }
}

impl std::fmt::Debug for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple(&format!("{:?}", self.kind()))
            .field(&self.name())
            .finish()
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = self.name();
        match self.kind() {
            OriginKind::Template => write!(f, "template `{name}`"),
            OriginKind::App => write!(f, "app `{name}`"),
            OriginKind::Environment => write!(f, "environment `{name}`"),
        }
    }
}

/// Merged settings by key, in the order keys were first written. Keys are
/// short field names looked up constantly, so they get a fast hash.
pub type Settings<'a> = IndexMap<&'a str, Setting<'a>, rustc_hash::FxBuildHasher>;

/// One merged setting.
#[derive(Debug, Clone)]
pub struct Setting<'a> {
    /// The key as last written.
    pub key: &'a Name,
    pub merged: Merged<'a>,
    pub origin: Origin,
    /// The whole `key = value` last written.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Merged<'a> {
    Value(&'a Value),
    Block(Settings<'a>),
}

impl<'a> Setting<'a> {
    /// The value, when the setting is not a merged block.
    pub fn value(&self) -> Option<&'a Value> {
        match self.merged {
            Merged::Value(v) => Some(v),
            Merged::Block(_) => None,
        }
    }

    /// Where the value is written: the value itself, or the key of a block.
    pub fn value_span(&self) -> Span {
        match self.merged {
            Merged::Value(v) => v.span,
            Merged::Block(_) => self.key.span,
        }
    }
}

/// Writes `block`'s fields over `settings`.
pub fn layer<'a>(settings: &mut Settings<'a>, block: &'a Block, origin: &Origin) {
    for field in &block.fields {
        let key = field.key.text.as_str();
        match (&field.value.kind, settings.get_mut(key)) {
            (
                ValueKind::Map(inner),
                Some(Setting {
                    merged: Merged::Block(existing),
                    ..
                }),
            ) => {
                layer(existing, inner, origin);
                let setting = settings.get_mut(key).expect("just matched");
                setting.key = &field.key;
                setting.origin = origin.clone();
                setting.span = field.span;
            }
            (kind, _) => {
                let merged = match kind {
                    ValueKind::Map(inner) => {
                        let mut nested = Settings::default();
                        layer(&mut nested, inner, origin);
                        Merged::Block(nested)
                    }
                    _ => Merged::Value(&field.value),
                };
                settings.insert(
                    key,
                    Setting {
                        key: &field.key,
                        merged,
                        origin: origin.clone(),
                        span: field.span,
                    },
                );
            }
        }
    }
}
