//! envspec: a typed language for Kubernetes platforms and its compiler.
//!
//! The pipeline, one module per stage: [`syntax`] (text → syntax tree),
//! [`resolve`] (names, templates, environments), [`check`] (types, values,
//! rules → [`model`]), [`emit`] (model → YAML documents), and [`cli`] (the
//! commands, the only place that touches the disk).

pub mod chart_schema;
pub mod check;
pub mod cli;
pub mod diag;
pub mod emit;
pub mod fmt;
pub mod import;
pub mod lsp;
pub mod model;
pub mod resolve;
pub mod source;
pub mod spec_files;
pub mod syntax;

use diag::Diagnostic;
use model::Model;
use source::Sources;

/// Runs every stage but emission on a spec's sources. Returns the model when
/// the spec has no errors, and every diagnostic in report order.
pub fn compile(sources: &Sources) -> (Option<Model>, Vec<Diagnostic>) {
    // Files parse independently: spread them over the cores, then gather
    // the results in file order so diagnostics stay deterministic.
    let parsed: Vec<_> = {
        use rayon::prelude::*;
        let files: Vec<_> = sources.iter().collect();
        files
            .into_par_iter()
            .map(|(id, file)| match file.read_problem(id) {
                Some(diagnostic) => Err(diagnostic),
                None => Ok(syntax::parse_file(id, &file.text)),
            })
            .collect()
    };
    let mut diagnostics = Vec::new();
    let mut files = Vec::with_capacity(parsed.len());
    let mut syntax_failed = false;
    for result in parsed {
        match result {
            Err(diagnostic) => {
                syntax_failed = true;
                diagnostics.push(diagnostic);
            }
            Ok((ast, errors)) => {
                syntax_failed |= errors.iter().any(Diagnostic::is_error);
                diagnostics.extend(errors);
                files.push(ast);
            }
        }
    }
    // A file that does not parse hides its declarations; resolving the rest
    // would only report names it declares as unknown.
    let model = if syntax_failed {
        None
    } else {
        let resolved = resolve::resolve(&files, &mut diagnostics);
        check::check(&resolved, sources, &mut diagnostics)
    };
    dedup(&mut diagnostics);
    diag::sort(&mut diagnostics);
    let model = model.filter(|_| !diagnostics.iter().any(Diagnostic::is_error));
    (model, diagnostics)
}

/// One value checked once per environment yields the same error each time:
/// keep one of each.
fn dedup(diagnostics: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    diagnostics.retain(|d| {
        let labels: Vec<_> = d.labels.iter().map(|l| l.span).collect();
        seen.insert((d.code, labels, d.message.clone()))
    });
}
pub mod promote;
