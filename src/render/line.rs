//! `path:line:column: severity rule-id: message → rewrite`, one finding per line: the shape
//! grep, editors' quickfix lists and Vale-style test files understand.

use std::io::Write;

use super::Position;
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
