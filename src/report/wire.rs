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
    ///
    /// The fixes of one answer never overlap, so a program may apply all of them at once: where
    /// two would, the one taken first in the fixer's order (by start, end, then rule id) keeps
    /// its fix and the other finding is sent without one (it gets it back in a check of the
    /// text after that fix, as `--fix` does in its next pass).
    pub fn all(source: &Source, diagnostics: &[Diagnostic]) -> Vec<Finding> {
        let index = LineIndex::new(&source.text);
        let mut findings: Vec<Finding> = diagnostics
            .iter()
            .map(|diagnostic| Finding::new(source, &index, diagnostic))
            .collect();
        let mut order: Vec<usize> = (0..findings.len())
            .filter(|&at| findings[at].fix.is_some())
            .collect();
        let key = |finding: &Finding| {
            let fix = finding
                .fix
                .as_ref()
                .map_or((0, 0), |fix| (fix.start, fix.end));
            (fix, finding.rule.clone())
        };
        order.sort_by_key(|&at| key(&findings[at]));
        let mut taken_end = 0;
        for at in order {
            let Some(fix) = &findings[at].fix else {
                continue;
            };
            if fix.start < taken_end {
                findings[at].fix = None;
            } else {
                taken_end = fix.end;
            }
        }
        findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Linter;

    #[test]
    fn the_fixes_of_one_answer_never_overlap() {
        // The clause of 你必须 runs over 你搞错了, whose own fix lies inside it.
        let source = Source::new("draft", "你必须先填表你搞错了");
        let diagnostics = Linter::builtin().unwrap().check(&source);
        let with_fix = diagnostics.iter().filter(|d| d.fix.is_some()).count();
        let findings = Finding::all(&source, &diagnostics);
        let mut fixes: Vec<(usize, usize)> = findings
            .iter()
            .filter_map(|finding| finding.fix.as_ref().map(|fix| (fix.start, fix.end)))
            .collect();
        fixes.sort();
        assert!(
            fixes.windows(2).all(|pair| pair[0].1 <= pair[1].0),
            "{fixes:?}"
        );
        assert!(
            fixes.len() < with_fix,
            "the engine's fixes overlapped: {with_fix}"
        );
        assert_eq!(
            findings.len(),
            diagnostics.len(),
            "every finding is still sent"
        );
    }
}
