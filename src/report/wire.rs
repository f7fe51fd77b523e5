//! The one wire type for findings: an owned, serde-able [`Finding`] whose JSON shape is the
//! public contract documented in `docs/json-output.md`. The JSON emitter, and every program-facing
//! front end (servers, streaming), send exactly this; add fields freely, never rename or remove
//! one.

use serde::{Deserialize, Serialize};

use super::Position;
use crate::diagnostic::Diagnostic;
use crate::source::{LineIndex, Source};

/// One finding as programs receive it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct Finding {
    pub path: String,
    pub rule: String,
    pub severity: String,
    pub category: String,
    pub message: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// Byte offsets in the input exactly as read.
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub suggestions: Vec<String>,
    pub alternatives: Vec<String>,
    pub fix: Option<WireFix>,
    pub source: String,
    /// The record the finding is in (structured inputs only; see docs/inputs.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locator: Option<String>,
}

/// The edit `--fix` would make for a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct WireFix {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
    pub safety: String,
}

impl Finding {
    /// The wire form of one diagnostic of `source`; `index` is the source's line index.
    pub fn new(source: &Source, index: &LineIndex, diagnostic: &Diagnostic) -> Finding {
        let position = Position::of(index, source, diagnostic);
        Finding {
            path: source.name.clone(),
            rule: diagnostic.rule.id.to_string(),
            severity: diagnostic.severity.as_str().to_string(),
            category: diagnostic.rule.category.to_string(),
            message: diagnostic.message.clone(),
            line: position.line,
            column: position.column,
            end_line: position.end_line,
            end_column: position.end_column,
            start: source.file_offset(diagnostic.span.start),
            end: source.file_offset(diagnostic.span.end),
            text: diagnostic.text.clone(),
            suggestions: diagnostic.suggestions.clone(),
            alternatives: diagnostic.alternatives.clone(),
            fix: diagnostic.fix.as_ref().map(|fix| WireFix {
                start: source.file_offset(fix.range.start),
                end: source.file_offset(fix.range.end),
                replacement: fix.replacement.clone(),
                safety: fix.safety.as_str().to_string(),
            }),
            source: diagnostic.rule.source.to_string(),
            locator: diagnostic.locator.clone(),
        }
    }

    /// The wire forms of one source's diagnostics, sharing one line index.
    pub fn all(source: &Source, diagnostics: &[Diagnostic]) -> Vec<Finding> {
        let index = LineIndex::new(&source.text);
        diagnostics
            .iter()
            .map(|diagnostic| Finding::new(source, &index, diagnostic))
            .collect()
    }
}
