//! `path:line:column: severity rule-id: message → rewrite`, one finding per line: the shape
//! grep, editors' quickfix lists and Vale-style test files understand.

use std::io::{self, Write};

use super::{Emitter, InputReport, Position, Rendered};
use crate::source::LineIndex;
use crate::{Diagnostic, Source};

pub fn render(
    out: &mut impl Write,
    source: &Source,
    diagnostics: &[Diagnostic],
) -> std::io::Result<()> {
    let index = LineIndex::new(&source.text);
    for diagnostic in diagnostics {
        let position = Position::of(&index, source, diagnostic);
        write!(
            out,
            "{}:{}:{}: ",
            source.name, position.line, position.column
        )?;
        if let Some(locator) = &diagnostic.locator {
            write!(out, "[{}] ", one_line(locator))?;
        }
        write!(
            out,
            "{} {}: {}",
            diagnostic.severity,
            diagnostic.rule.id,
            one_line(&diagnostic.message),
        )?;
        if let Some(first) = diagnostic.suggestions.first() {
            write!(out, " → {}", one_line(first))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `path:line:column` emitter.
#[derive(Debug, Default)]
pub struct LineEmitter;

impl Emitter for LineEmitter {
    fn render(&self, report: &InputReport<'_>) -> io::Result<Rendered> {
        let mut bytes = Vec::new();
        render(&mut bytes, report.source, report.diagnostics)?;
        Ok(Rendered {
            bytes,
            items: report.diagnostics.len(),
        })
    }
}
