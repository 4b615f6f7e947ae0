//! envspec: a typed language for Kubernetes platforms and its compiler.
//!
//! The pipeline, one module per stage: [`syntax`] (text → syntax tree),
//! [`resolve`] (names, templates, environments), [`check`] (types, values,
//! rules → [`model`]), [`emit`] (model → YAML documents), and `cli` (the
//! commands, the only place that touches the disk).

pub mod check;
pub mod diag;
pub mod emit;
pub mod model;
pub mod resolve;
pub mod source;
pub mod syntax;
