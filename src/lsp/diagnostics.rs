//! The compiler's diagnostics as LSP diagnostics, grouped by file.
//!
//! Same code, message, severity and help as the command line: the code is
//! `diagnostic.code`, the source `envspec`, the help a last line of the
//! message, and secondary labels are related information with their
//! locations (in whichever file they point into).

use lsp_types::{
    Diagnostic as LspDiagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Range,
};

use super::analysis::Analysis;
use super::uri_of;
use crate::diag::{Diagnostic, Severity};
use crate::source::FileId;

/// Each file of the spec with its diagnostics: syntax errors (E01xx) first,
/// then the rest, each group by position. Files without any are listed too,
/// with none, so that the client clears them.
pub fn by_file(analysis: &Analysis) -> Vec<(FileId, Vec<LspDiagnostic>)> {
    let mut grouped: Vec<Vec<(bool, u32, LspDiagnostic)>> =
        (0..analysis.sources.len()).map(|_| Vec::new()).collect();
    for diagnostic in &analysis.diagnostics {
        let primary = diagnostic.primary_span();
        let file = primary.map_or(FileId(0), |s| s.file);
        let Some(group) = grouped.get_mut(file.0 as usize) else {
            continue;
        };
        let range = primary.map_or(Range::default(), |span| analysis.range(span));
        let is_syntax = diagnostic.code.as_str().starts_with("E01");
        group.push((
            !is_syntax,
            primary.map_or(0, |s| s.start),
            convert(analysis, diagnostic, range),
        ));
    }
    grouped
        .into_iter()
        .enumerate()
        .map(|(i, mut group)| {
            group.sort_by_key(|(later, start, _)| (*later, *start));
            (
                FileId(i as u32),
                group.into_iter().map(|(_, _, d)| d).collect(),
            )
        })
        .collect()
}

fn convert(analysis: &Analysis, diagnostic: &Diagnostic, range: Range) -> LspDiagnostic {
    let mut message = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = diagnostic
        .labels
        .iter()
        .filter(|l| !l.primary)
        .filter_map(|label| {
            Some(DiagnosticRelatedInformation {
                location: Location::new(
                    uri_of(analysis.path(label.span.file))?,
                    analysis.range(label.span),
                ),
                message: label.message.clone(),
            })
        })
        .collect();
    LspDiagnostic {
        range,
        severity: Some(match diagnostic.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(diagnostic.code.as_str().to_string())),
        code_description: None,
        source: Some("envspec".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}
