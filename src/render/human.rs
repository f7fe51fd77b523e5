//! Compiler-style diagnostics: the line, the phrase underlined, the message, the rewrite.

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as ReportSeverity};
use codespan_reporting::files::{Error as FilesError, Files, SimpleFile};
use codespan_reporting::term::{self, Config};
use termcolor::WriteColor;

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
        if let Some(refused) = &diagnostic.fix_refused {
            notes.push(refused.clone());
        }
        notes.push(format!("source: {}", rule.source));
        let report = Report::new(report_severity(diagnostic.severity))
            .with_message(diagnostic.message.as_str())
            .with_code(&*rule.id)
            .with_labels(vec![
                Label::primary((), diagnostic.span.clone()).with_message(label)
            ])
            .with_notes(notes);
        let named = Named {
            file: &file,
            name: match &diagnostic.locator {
                Some(locator) => format!("{} ({locator})", source.name),
                None => source.name.clone(),
            },
        };
        term::emit_to_write_style(out, &config, &named, &report).map_err(std::io::Error::other)?;
    }
    Ok(())
}

/// A file shown under another name (the path with the finding's record), without recounting its
/// lines for every finding.
struct Named<'f> {
    file: &'f SimpleFile<&'f str, &'f str>,
    name: String,
}

impl<'a> Files<'a> for Named<'_> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(self.file.source())
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, FilesError> {
        self.file.line_index((), byte_index)
    }

    fn line_range(
        &'a self,
        (): (),
        line_index: usize,
    ) -> Result<std::ops::Range<usize>, FilesError> {
        self.file.line_range((), line_index)
    }
}

/// A rule file problem, pointing at the offending value.
pub fn render_rule_error(out: &mut dyn WriteColor, error: &RuleError) -> std::io::Result<()> {
    let file = SimpleFile::new(error.origin.as_str(), &*error.text);
    let mut report = Report::error().with_message(error.message.as_str());
    if !error.text.is_empty() {
        report = report.with_labels(vec![Label::primary((), error.span.clone())]);
    } else {
        report = report.with_notes(vec![format!("in {}", error.origin)]);
    }
    term::emit_to_write_style(out, &Config::default(), &file, &report)
        .map_err(std::io::Error::other)
}
