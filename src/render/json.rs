//! Machine-readable diagnostics. The object shape is a public interface, documented in
//! `docs/json-output.md`: add fields freely, never rename or remove one.

use serde::Serialize;

use super::Position;
use crate::source::LineIndex;
use crate::{Diagnostic, Source};

#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    pub path: &'a str,
    pub rule: &'a str,
    pub severity: &'a str,
    pub category: &'a str,
    pub message: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    pub suggestions: &'a [String],
    pub alternatives: &'a [String],
    pub fix: Option<JsonFix<'a>>,
    pub source: &'a str,
    /// The record the finding is in (structured inputs only; see docs/inputs.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locator: Option<&'a str>,
}

#[derive(Serialize)]
pub struct JsonFix<'a> {
    pub start: usize,
    pub end: usize,
    pub replacement: &'a str,
    pub safety: &'a str,
}

/// The JSON objects of one file's diagnostics.
pub fn objects<'a>(source: &'a Source, diagnostics: &'a [Diagnostic]) -> Vec<JsonDiagnostic<'a>> {
    let index = LineIndex::new(&source.text);
    diagnostics
        .iter()
        .map(|diagnostic| {
            let position = Position::of(&index, source, diagnostic);
            JsonDiagnostic {
                path: &source.name,
                rule: &diagnostic.rule.id,
                severity: diagnostic.severity.as_str(),
                category: &diagnostic.rule.category,
                message: &diagnostic.message,
                line: position.line,
                column: position.column,
                end_line: position.end_line,
                end_column: position.end_column,
                start: source.file_offset(diagnostic.span.start),
                end: source.file_offset(diagnostic.span.end),
                text: &diagnostic.text,
                suggestions: &diagnostic.suggestions,
                alternatives: &diagnostic.alternatives,
                fix: diagnostic.fix.as_ref().map(|fix| JsonFix {
                    start: source.file_offset(fix.range.start),
                    end: source.file_offset(fix.range.end),
                    replacement: &fix.replacement,
                    safety: fix.safety.as_str(),
                }),
                source: &diagnostic.rule.source,
                locator: diagnostic.locator.as_deref(),
            }
        })
        .collect()
}
