//! Reports: the findings of a run, for people and for programs.
//!
//! Every output format is an [`Emitter`]. An emitter renders one input's findings into bytes on
//! its own ([`Emitter::render`] takes `&self`, so inputs checked in parallel are rendered in
//! parallel), then writes them in input order ([`Emitter::write`], where framing such as JSON's
//! brackets lives) and closes the run ([`Emitter::finish`]). Programs get the one wire type,
//! [`wire::Finding`].

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod line;
pub mod sarif;
pub mod statistics;
pub mod wire;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

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

/// One input's findings, as an emitter receives them.
#[derive(Debug, Clone, Copy)]
pub struct InputReport<'a> {
    /// The text the findings refer to (after `--fix`, the fixed text).
    pub source: &'a Source,
    pub diagnostics: &'a [Diagnostic],
}

/// One input rendered by an emitter, ready to be written in input order.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    /// How many findings `bytes` holds (JSON framing needs to know whether it is the first).
    pub items: usize,
}

/// The layout of a JSON array whose items come from many inputs rendered apart: what opens it,
/// what stands between items, before each item and what closes it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ArrayLayout {
    pub open: &'static str,
    pub separator: &'static str,
    pub indent: &'static str,
    pub close: &'static str,
}

/// Writes one JSON array from items rendered per input (in parallel) and written in input order:
/// the JSON and GitLab emitters differ only in their [`ArrayLayout`].
#[derive(Debug)]
pub(crate) struct JsonArray {
    layout: ArrayLayout,
    /// Items written so far (an atomic only because emitters are shared with the threads that
    /// render; writing happens on one thread).
    written: AtomicUsize,
}

impl JsonArray {
    pub(crate) const fn new(layout: ArrayLayout) -> JsonArray {
        JsonArray {
            layout,
            written: AtomicUsize::new(0),
        }
    }

    /// Renders one input's items.
    pub(crate) fn render<T: serde::Serialize>(&self, items: &[T]) -> io::Result<Rendered> {
        let mut bytes = Vec::new();
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                bytes.extend_from_slice(self.layout.separator.as_bytes());
            }
            bytes.extend_from_slice(self.layout.indent.as_bytes());
            serde_json::to_writer(&mut bytes, item)?;
        }
        Ok(Rendered {
            bytes,
            items: items.len(),
        })
    }

    pub(crate) fn write(&self, out: &mut dyn Write, rendered: &Rendered) -> io::Result<()> {
        if rendered.items == 0 {
            return Ok(());
        }
        let before = self.written.fetch_add(rendered.items, Ordering::Relaxed);
        let lead = if before == 0 {
            self.layout.open
        } else {
            self.layout.separator
        };
        out.write_all(lead.as_bytes())?;
        out.write_all(&rendered.bytes)
    }

    pub(crate) fn finish(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.written.load(Ordering::Relaxed) == 0 {
            writeln!(out, "[]")
        } else {
            writeln!(out, "{}", self.layout.close)
        }
    }
}

/// An output format.
pub trait Emitter: Sync {
    /// Renders one input's findings. Called in parallel for different inputs, so it must not
    /// depend on what was rendered before.
    fn render(&self, report: &InputReport<'_>) -> io::Result<Rendered>;

    /// Writes one rendered input; inputs arrive in input order.
    fn write(&self, out: &mut dyn Write, rendered: &Rendered) -> io::Result<()> {
        out.write_all(&rendered.bytes)
    }

    /// Closes the report once every input is written.
    fn finish(&self, _out: &mut dyn Write, _tally: &Tally) -> io::Result<()> {
        Ok(())
    }
}
