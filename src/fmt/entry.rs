//! The entries of a block (fields and deploys) in the order they were
//! written: the syntax tree keeps them in two lists.

use crate::source::Span;
use crate::syntax::ast::{Block, Deploy, Field};

/// A field or a deploy: the entries of a block, which the tree keeps in two lists.
#[derive(Clone, Copy)]
pub enum Entry<'a> {
    Field(&'a Field),
    Deploy(&'a Deploy),
}

impl Entry<'_> {
    pub fn span(&self) -> Span {
        match self {
            Entry::Field(f) => f.span,
            Entry::Deploy(d) => d.span,
        }
    }
}

/// The entries of a block in source order.
pub fn entries(block: &Block) -> Vec<Entry<'_>> {
    let mut entries: Vec<Entry<'_>> = block
        .fields
        .iter()
        .map(Entry::Field)
        .chain(block.deploys.iter().map(Entry::Deploy))
        .collect();
    entries.sort_by_key(|e| e.span().start);
    entries
}
