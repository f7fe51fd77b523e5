//! Output formats. Each renderer turns one file's diagnostics into bytes; the caller decides
//! where they go, so files checked in parallel can still be printed in a stable order.

pub mod human;
pub mod json;
pub mod line;

use std::collections::BTreeMap;

use crate::rules::Severity;
use crate::source::LineIndex;
use crate::{Diagnostic, Source};

/// Where a diagnostic is, in the terms people and editors use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Position {
    pub fn of(index: &LineIndex, source: &Source, diagnostic: &Diagnostic) -> Position {
        let (line, column) = index.line_column(&source.text, diagnostic.span.start);
        let (end_line, end_column) = index.line_column(&source.text, diagnostic.span.end);
        Position {
            line,
            column,
            end_line,
            end_column,
        }
    }
}

/// Counts by severity, for summaries and exit codes.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub by_severity: BTreeMap<Severity, usize>,
    pub files_checked: usize,
    pub files_with_findings: usize,
    pub fixable: usize,
}

impl Tally {
    pub fn add(&mut self, diagnostics: &[Diagnostic]) {
        self.files_checked += 1;
        if !diagnostics.is_empty() {
            self.files_with_findings += 1;
        }
        for diagnostic in diagnostics {
            *self.by_severity.entry(diagnostic.severity).or_default() += 1;
            if diagnostic.fix.is_some() {
                self.fixable += 1;
            }
        }
    }

    pub fn total(&self) -> usize {
        self.by_severity.values().sum()
    }

    pub fn at_least(&self, level: Severity) -> usize {
        self.by_severity
            .iter()
            .filter(|(severity, _)| **severity >= level)
            .map(|(_, count)| count)
            .sum()
    }

    /// "3 problems (1 warning, 2 hints) in 2 of 5 files".
    pub fn summary(&self) -> String {
        let total = self.total();
        let files = if self.files_checked == 1 {
            "file"
        } else {
            "files"
        };
        if total == 0 {
            return format!("No problems found in {} {files}.", self.files_checked);
        }
        let parts: Vec<String> = self
            .by_severity
            .iter()
            .rev()
            .map(|(severity, count)| {
                let noun = match (severity, *count == 1) {
                    (Severity::Info, _) => "info".to_string(),
                    (severity, true) => severity.to_string(),
                    (severity, false) => format!("{severity}s"),
                };
                format!("{count} {noun}")
            })
            .collect();
        format!(
            "Found {total} {} ({}) in {} of {} {files}.",
            if total == 1 { "problem" } else { "problems" },
            parts.join(", "),
            self.files_with_findings,
            self.files_checked,
        )
    }
}
