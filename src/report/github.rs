//! GitHub Actions workflow commands: one `::warning file=…,line=…::message` line per finding,
//! which a workflow run shows as an annotation on the file and line.
//!
//! GitHub reads a property value up to the next `,` and the message after `::`, so both are
//! escaped as its runner does: in the message `%`, CR and LF; in properties also `:` and `,`.
//! Columns count characters; `endColumn` is one past the last one, as in SARIF.

use std::io::{self, Write};

use super::{Emitter, InputReport, Position, Rendered};
use crate::rules::Severity;
use crate::source::LineIndex;

/// The command for a severity: GitHub has `error`, `warning` and `notice`.
pub fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "notice",
    }
}

/// A workflow command's message (its "data").
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The workflow-command emitter.
#[derive(Debug, Default)]
pub struct GithubEmitter;

impl Emitter for GithubEmitter {
    fn render(&self, report: &InputReport<'_>) -> io::Result<Rendered> {
        let mut bytes = Vec::new();
        if report.diagnostics.is_empty() {
            return Ok(Rendered::default());
        }
        let source = report.source;
        let index = LineIndex::new(&source.text);
        let file = escape_property(&source.name);
        for diagnostic in report.diagnostics {
            let position = Position::of(&index, source, diagnostic);
            let mut message = diagnostic.message.clone();
            if let Some(first) = diagnostic.suggestions.first() {
                message.push_str(&format!(" → {first}"));
            }
            writeln!(
                bytes,
                "::{} file={file},line={},col={},endLine={},endColumn={},title={}::{}",
                command(diagnostic.severity),
                position.line,
                position.column,
                position.end_line,
                position.end_column,
                escape_property(&format!("replylint {}", diagnostic.rule.id)),
                escape_data(&message),
            )?;
        }
        Ok(Rendered {
            bytes,
            items: report.diagnostics.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_github_documents() {
        assert_eq!(escape_data("100% sure\r\nnext"), "100%25 sure%0D%0Anext");
        assert_eq!(escape_data("a: b, c"), "a: b, c");
        assert_eq!(
            escape_property("dir,1/a:b%.txt\n"),
            "dir%2C1/a%3Ab%25.txt%0A"
        );
    }

    #[test]
    fn one_command_per_finding() {
        let linter = crate::Linter::builtin().unwrap();
        let source = crate::Source::new("a,b.txt", "Hi.\nYou must fill in the form.\n");
        let diagnostics = linter.check(&source);
        assert!(!diagnostics.is_empty());
        let rendered = GithubEmitter
            .render(&InputReport {
                source: &source,
                diagnostics: &diagnostics,
            })
            .unwrap();
        let text = String::from_utf8(rendered.bytes).unwrap();
        assert_eq!(text.lines().count(), diagnostics.len());
        let first = text.lines().next().unwrap();
        assert!(
            first.starts_with("::") && first.contains(" file=a%2Cb.txt,line=2,col=1,endLine=2,"),
            "{first}"
        );
        assert!(first.contains(&format!(",title=replylint {}::", diagnostics[0].rule.id)));
    }
}
