//! Layering of settings: template chain, then app, then environment overrides.
//!
//! A block merges with the block it overrides key by key (so an environment
//! can change one variable of `env`); any other value replaces the old one.

use std::sync::Arc;

use indexmap::IndexMap;

use crate::source::Span;
use crate::syntax::ast::{Block, Name, Value, ValueKind};

/// Where a setting was last written: which layer, and its name. Every
/// merged setting and every value of the model carries one, so it is a
/// single shared pointer, and a value's [`Provenance`] (origin and span)
/// takes 24 bytes.
///
/// [`Provenance`]: crate::model::Provenance
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Origin(Arc<(OriginKind, Box<str>)>);

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
    pub fn new(kind: OriginKind, name: &str) -> Self {
        Origin(Arc::new((kind, name.into())))
    }

    /// A default of the template `name`.
    pub fn template(name: &str) -> Self {
        Origin::new(OriginKind::Template, name)
    }

    /// The declaration of the app `name`.
    pub fn app(name: &str) -> Self {
        Origin::new(OriginKind::App, name)
    }

    /// An override in the environment `name`.
    pub fn environment(name: &str) -> Self {
        Origin::new(OriginKind::Environment, name)
    }

    pub fn kind(&self) -> OriginKind {
        self.0.0
    }

    /// The template, app or environment.
    pub fn name(&self) -> &str {
        &self.0.1
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
