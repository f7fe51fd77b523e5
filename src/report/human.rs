//! Compiler-style diagnostics: the line, the phrase underlined, the message, the rewrite.

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as ReportSeverity};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config};
use termcolor::{Buffer, WriteColor};

use super::{Emitter, InputReport, Rendered, Tally};
use crate::rules::{FixSafety, RuleError, Severity};
use crate::{Diagnostic, Source};

fn report_severity(severity: Severity) -> ReportSeverity {
    match severity {
        Severity::Error => ReportSeverity::Error,
        Severity::Warning => ReportSeverity::Warning,
        Severity::Info => ReportSeverity::Note,
        Severity::Hint => ReportSeverity::Help,
    }
}

pub fn render(
    out: &mut dyn WriteColor,
    source: &Source,
    diagnostics: &[Diagnostic],
) -> std::io::Result<()> {
    let file = SimpleFile::new(source.name.as_str(), source.text.as_str());
    let config = Config::default();
    for diagnostic in diagnostics {
        let rule = &diagnostic.rule;
        let label = match diagnostic.suggestions.first() {
            Some(first) => format!("try: {first}"),
            None => rule.category.to_string(),
        };
        let mut notes = Vec::new();
        for (index, suggestion) in diagnostic.suggestions.iter().enumerate() {
            let tag = match (index, diagnostic.fix.as_ref().map(|fix| fix.safety)) {
                (0, Some(FixSafety::Safe)) => " (fixable)",
                (0, Some(FixSafety::Unsafe)) => " (fixable with --unsafe-fixes)",
                _ => "",
            };
            notes.push(format!("rewrite: {suggestion}{tag}"));
        }
        for alternative in &diagnostic.alternatives {
            notes.push(format!("instead: {alternative}"));
        }
        notes.push(format!("source: {}", rule.source));
        let report = Report::new(report_severity(diagnostic.severity))
            .with_message(diagnostic.message.as_str())
            .with_code(&*rule.id)
            .with_labels(vec![
                Label::primary((), diagnostic.span.clone()).with_message(label)
            ])
            .with_notes(notes);
        term::emit_to_write_style(out, &config, &file, &report).map_err(std::io::Error::other)?;
    }
    Ok(())
}

/// A rule file problem, pointing at the offending value.
pub fn render_rule_error(out: &mut dyn WriteColor, error: &RuleError) -> std::io::Result<()> {
    render_file_error(
        out,
        &error.origin,
        &error.text,
        error.span.clone(),
        &error.message(),
    )
}

/// A problem in one of the user's files (a rule pack, a config file), pointing at the
/// offending value; `text` is the whole file, or empty when it could not be read.
pub fn render_file_error(
    out: &mut dyn WriteColor,
    origin: &str,
    text: &str,
    span: std::ops::Range<usize>,
    message: &str,
) -> std::io::Result<()> {
    let file = SimpleFile::new(origin, text);
    let mut report = Report::error().with_message(message);
    if !text.is_empty() {
        report = report.with_labels(vec![Label::primary((), span)]);
    } else {
        report = report.with_notes(vec![format!("in {origin}")]);
    }
    term::emit_to_write_style(out, &Config::default(), &file, &report)
        .map_err(std::io::Error::other)
}

/// The annotated-source emitter, closing with a one-line summary.
#[derive(Debug, Default)]
pub struct HumanEmitter {
    /// Whether to write ANSI colours.
    pub color: bool,
}

impl Emitter for HumanEmitter {
    fn render(&self, report: &InputReport<'_>) -> std::io::Result<Rendered> {
        let mut buffer = if self.color {
            Buffer::ansi()
        } else {
            Buffer::no_color()
        };
        render(&mut buffer, report.source, report.diagnostics)?;
        Ok(Rendered {
            bytes: buffer.into_inner(),
            items: report.diagnostics.len(),
        })
    }

    fn finish(&self, out: &mut dyn std::io::Write, tally: &Tally) -> std::io::Result<()> {
        writeln!(out, "{}", tally.summary())
    }
}
