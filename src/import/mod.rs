//! `envspec import`: Helmsman desired-state files (and the values files they
//! reference) turned into an envspec spec.
//!
//! Input: DSF paths. Output: the text of the spec's files (formatted), the
//! list of everything that could not be carried over (file, key path, why),
//! and warnings. Each DSF becomes one environment; settings equal in every
//! environment move to the app, the rest stays in each environment's
//! `deploy` overrides. Values in `helm create`'s layout become typed fields,
//! the rest goes to `values { ... }`. Nothing here writes to disk.

mod dsf;
mod spec;
pub mod yaml;

pub use spec::quote;

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::source::{SourceFile, Sources};

/// Something the spec does not carry over: where it was, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    pub file: String,
    pub path: String,
    pub why: String,
}

impl std::fmt::Display for Loss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.path, self.why)
    }
}

/// The result of an import.
#[derive(Debug)]
pub struct Imported {
    /// Spec files: name (relative to the output directory) and formatted text.
    pub files: Vec<(String, String)>,
    /// What could not be represented (the command exits 1 when not empty).
    pub losses: Vec<Loss>,
    /// What was represented, but deserves a look.
    pub warnings: Vec<Loss>,
    /// The spec as compiled, and its diagnostics (errors make the import fail).
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
}

impl Imported {
    pub fn compiles(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Imports the DSFs at `paths`. Errors are I/O or YAML problems that stop
/// the import (nothing usable to write).
pub fn import(paths: &[PathBuf]) -> Result<Imported, String> {
    let mut notes = Notes::default();
    let mut envs = Vec::new();
    for path in paths {
        envs.push(dsf::read(path, &mut notes)?);
    }
    let mut seen = std::collections::HashSet::new();
    for env in &envs {
        if !seen.insert(env.name.clone()) {
            return Err(format!(
                "two desired-state files make environment `{}`; set `metadata.environment` in one of them",
                env.name
            ));
        }
    }
    let texts = spec::write(&envs, &mut notes);
    let mut sources = Sources::new();
    let mut files = Vec::new();
    for (name, text) in texts {
        let id = sources.add(SourceFile::new(name.clone(), text.clone()));
        let formatted = crate::fmt::format(id, &text).unwrap_or(text);
        sources.replace_text(id, formatted.clone());
        files.push((name, formatted));
    }
    let (_, diagnostics) = crate::compile(&sources);
    Ok(Imported {
        files,
        losses: notes.losses,
        warnings: notes.warnings,
        sources,
        diagnostics,
    })
}

/// Losses and warnings collected along the way.
#[derive(Debug, Default)]
pub(crate) struct Notes {
    losses: Vec<Loss>,
    warnings: Vec<Loss>,
}

impl Notes {
    fn lose(&mut self, file: &Path, path: impl Into<String>, why: impl Into<String>) {
        self.losses.push(Loss {
            file: file.display().to_string(),
            path: path.into(),
            why: why.into(),
        });
    }

    fn warn(&mut self, file: &Path, path: impl Into<String>, why: impl Into<String>) {
        self.warnings.push(Loss {
            file: file.display().to_string(),
            path: path.into(),
            why: why.into(),
        });
    }
}
