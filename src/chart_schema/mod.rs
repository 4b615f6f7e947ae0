//! Chart schemas: the generated Helm values of every release checked against
//! the JSON schema its chart declares (`chart REPO/NAME { schema = "..." }`),
//! as Helm checks them before it installs, once the spec compiles.
//!
//! [`read`] loads the schemas a model names; it is the one part that touches
//! the disk, and only the edges (the command line, the language server) call
//! it. [`validate`] is pure: model and schemas in, diagnostics out, each
//! pointed at the spec value that produced the offending value.

mod read;
mod validate;

use std::path::Path;

pub use read::{ChartSchema, ChartSchemas, input_files, read};
pub use validate::validate;

use crate::diag::Diagnostic;
use crate::model::Model;

/// Reads the model's chart schemas from the spec in `spec_dir` and validates
/// every release's values against them: the whole step, as `build`, `check`
/// and the language server run it.
pub fn check(spec_dir: &Path, model: &Model) -> Vec<Diagnostic> {
    let (schemas, mut diagnostics) = read(spec_dir, model);
    diagnostics.extend(validate(model, &schemas));
    diagnostics
}
