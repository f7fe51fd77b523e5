//! Compiler-style diagnostics: the line, the phrase underlined, the message, the rewrite.
//!
//! Output stays proportional to the findings, not to the length of their lines: a long line is
//! shown only around the span, as rustc and ruff do ([`CONTEXT_CHARS`] characters either side,
//! the cuts marked `…`), and after [`MAX_FINDINGS_PER_LINE`] findings on one line the rest are
//! counted in a note instead of shown (`--format line` and `json` list every one).

use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as ReportSeverity};
use codespan_reporting::files::{Error as FilesError, Files, SimpleFile};
use codespan_reporting::term::{self, Config};
use termcolor::{Buffer, WriteColor};

use super::{Emitter, InputReport, Rendered, Tally};
use crate::rules::{FixSafety, RuleError, Severity};
use crate::source::LineIndex;
use crate::{Diagnostic, Source};

/// Characters of a long line shown before and after the span.
pub const CONTEXT_CHARS: usize = 100;

/// Findings shown for one line; the others on it are counted in a note.
pub const MAX_FINDINGS_PER_LINE: usize = 20;

const ELLIPSIS: &str = "…";

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
    let index = LineIndex::new(&source.text);
    let config = Config::default();
    // `(line, findings on it, findings not shown)` of the line being printed.
    let mut current: Option<(usize, usize, usize)> = None;
    for diagnostic in diagnostics {
        let (line, _) = index.line_column(&source.text, diagnostic.span.start);
        match &mut current {
            Some((current_line, shown, hidden)) if *current_line == line => {
                if *shown >= MAX_FINDINGS_PER_LINE {
                    *hidden += 1;
                    continue;
                }
                *shown += 1;
            }
            _ => {
                if let Some((line, _, hidden)) = current {
                    write_hidden_note(out, source, line, hidden)?;
                }
                current = Some((line, 1, 0));
            }
        }
        let mut excerpt = Excerpt::around(source, &index, diagnostic.span.clone());
        if let Some(locator) = &diagnostic.locator {
            // The record the finding is in, after the path.
            excerpt.name = format!("{} ({locator})", source.name);
        }
        let report = report(diagnostic, excerpt.label_range(diagnostic.span.clone()));
        term::emit_to_write_style(out, &config, &excerpt, &report)
            .map_err(std::io::Error::other)?;
    }
    if let Some((line, _, hidden)) = current {
        write_hidden_note(out, source, line, hidden)?;
    }
    Ok(())
}

fn report(diagnostic: &Diagnostic, label_range: Range<usize>) -> Report<()> {
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
    Report::new(report_severity(diagnostic.severity))
        .with_message(diagnostic.message.as_str())
        .with_code(&*rule.id)
        .with_labels(vec![Label::primary((), label_range).with_message(label)])
        .with_notes(notes)
}

fn write_hidden_note(
    out: &mut dyn WriteColor,
    source: &Source,
    line: usize,
    hidden: usize,
) -> std::io::Result<()> {
    if hidden == 0 {
        return Ok(());
    }
    let findings = if hidden == 1 { "finding" } else { "findings" };
    let report: Report<()> = Report::note().with_message(format!(
        "{hidden} more {findings} on {}:{line} not shown; `--format line` or `--format json` lists every one",
        source.name
    ));
    let file = SimpleFile::new(source.name.as_str(), "");
    term::emit_to_write_style(out, &Config::default(), &file, &report)
        .map_err(std::io::Error::other)
}

/// The lines a span is on, cut to [`CONTEXT_CHARS`] characters either side of it, as a file of
/// its own that reports the real line and column numbers.
struct Excerpt<'a> {
    name: String,
    text: String,
    /// Line starts within `text`.
    starts: Vec<usize>,
    /// 0-based line of the source that the excerpt's first line is.
    first_line: usize,
    /// Source offset of the first byte of `text` after the leading ellipsis, and that ellipsis'
    /// length in `text` (0 when the line is shown from its start).
    from: usize,
    lead: usize,
    source: &'a Source,
    index: &'a LineIndex,
}

impl<'a> Excerpt<'a> {
    fn around(source: &'a Source, index: &'a LineIndex, span: Range<usize>) -> Excerpt<'a> {
        let text = &source.text;
        let (first_line, _) = index.line_column(text, span.start);
        let (last_line, _) = index.line_column(text, span.end);
        let first = index.line_range(text, first_line);
        let last = index.line_range(text, last_line);
        let span_start = span.start.clamp(first.start, first.end.max(first.start));
        let span_end = span.end.clamp(last.start, last.end).max(span_start);
        let from = back_chars(text, first.start, span_start, CONTEXT_CHARS);
        let to = forward_chars(text, span_end, last.end, CONTEXT_CHARS);
        let mut excerpt = String::new();
        if from > first.start {
            excerpt.push_str(ELLIPSIS);
        }
        let lead = excerpt.len();
        // Control characters are shown as spaces: a lone CR would send the terminal back to the
        // start of the line and overwrite what was printed, an ESC would start an escape
        // sequence the draft's author chose. Each is one byte, as a space is, so offsets into
        // the excerpt stay those of the source.
        excerpt.extend(text[from..to].chars().map(|c| {
            if c.is_ascii_control() && c != '\n' && c != '\t' {
                ' '
            } else {
                c
            }
        }));
        if to < last.end {
            excerpt.push_str(ELLIPSIS);
        }
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', excerpt.as_bytes()).map(|at| at + 1));
        Excerpt {
            name: source.name.clone(),
            text: excerpt,
            starts,
            first_line: first_line - 1,
            from,
            lead,
            source,
            index,
        }
    }

    /// Where `span` of the source is in the excerpt.
    fn label_range(&self, span: Range<usize>) -> Range<usize> {
        let body = self.text.len() - self.lead;
        let map = |offset: usize| self.lead + offset.saturating_sub(self.from).min(body);
        map(span.start)..map(span.end)
    }

    fn to_source(&self, offset: usize) -> usize {
        self.from + offset.saturating_sub(self.lead)
    }
}

impl<'a> Files<'a> for Excerpt<'_> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.text)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.starts.partition_point(|&start| start <= byte_index) - 1)
    }

    fn line_number(&'a self, (): (), line_index: usize) -> Result<usize, FilesError> {
        Ok(self.first_line + line_index + 1)
    }

    fn column_number(
        &'a self,
        (): (),
        _line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        Ok(self
            .index
            .line_column(&self.source.text, self.to_source(byte_index))
            .1)
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, FilesError> {
        let start = *self
            .starts
            .get(line_index)
            .ok_or(FilesError::LineTooLarge {
                given: line_index,
                max: self.starts.len() - 1,
            })?;
        let end = self
            .starts
            .get(line_index + 1)
            .map_or(self.text.len(), |&next| next);
        Ok(start..end)
    }
}

/// The offset `count` characters before `offset`, or `floor` if that comes first.
fn back_chars(text: &str, floor: usize, offset: usize, count: usize) -> usize {
    text[floor..offset]
        .char_indices()
        .rev()
        .take(count)
        .last()
        .map_or(offset, |(at, _)| floor + at)
}

/// The offset `count` characters after `offset`, or `ceiling` if that comes first.
fn forward_chars(text: &str, offset: usize, ceiling: usize, count: usize) -> usize {
    text[offset..ceiling]
        .char_indices()
        .nth(count)
        .map_or(ceiling, |(at, _)| offset + at)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Linter;

    fn rendered(text: &str) -> String {
        let linter = Linter::builtin().unwrap();
        let source = Source::new("draft.txt", text);
        let diagnostics = linter.check(&source);
        let mut out = termcolor::NoColor::new(Vec::new());
        render(&mut out, &source, &diagnostics).unwrap();
        String::from_utf8(out.into_inner()).unwrap()
    }

    #[test]
    fn a_short_line_is_shown_whole() {
        let output = rendered("Hi. I can't refund it today.\n");
        assert!(
            output.contains("\n1 │ Hi. I can't refund it today.\n"),
            "{output}"
        );
    }

    #[test]
    fn a_long_line_is_cut_around_the_span_with_real_columns() {
        let filler = "lorem ipsum ".repeat(500);
        let text = format!("first line\n{filler}I can't refund it today.{filler}\n");
        let output = rendered(&text);
        let column = filler.chars().count() + 1;
        assert!(
            output.contains(&format!("draft.txt:2:{column}")),
            "{output}"
        );
        let shown = output
            .lines()
            .find(|line| line.starts_with("2 │ "))
            .expect("the source line");
        assert!(
            shown.starts_with("2 │ …") && shown.ends_with('…'),
            "{shown}"
        );
        assert!(shown.contains("I can't refund it today."), "{shown}");
        assert!(shown.chars().count() < 2 * CONTEXT_CHARS + 40, "{shown}");
        // The underline sits under the phrase in the excerpt.
        let underline = output
            .lines()
            .find(|line| line.contains('^'))
            .expect("an underline");
        let caret = underline.chars().position(|c| c == '^').unwrap();
        let phrase = shown.chars().count() - shown.chars().skip_while(|&c| c != 'I').count();
        assert_eq!(caret, phrase, "{output}");
    }

    #[test]
    fn findings_past_the_cap_on_one_line_are_counted_in_a_note() {
        let text = "I can't do that. ".repeat(MAX_FINDINGS_PER_LINE + 5);
        let output = rendered(&text);
        let shown = output.matches("draft.txt:1:").count();
        assert_eq!(shown, MAX_FINDINGS_PER_LINE, "{output}");
        // Each sentence may be found by more than one rule; what counts is that the rest are
        // counted, not shown.
        assert!(
            output.contains("more findings on draft.txt:1 not shown"),
            "{output}"
        );
        // A second line starts a new count.
        let two_lines = format!("{text}\nI can't do that.\n");
        let output = rendered(&two_lines);
        assert!(output.contains("draft.txt:2:1"), "{output}");
    }

    #[test]
    fn control_characters_in_a_line_are_shown_as_spaces() {
        // A lone CR would make the terminal overwrite the line; an ESC would start a sequence.
        let output = rendered("Fine.\rI can't do that.\x1b[2J\n");
        assert!(
            !output.contains('\r') && !output.contains('\x1b'),
            "{output:?}"
        );
        assert!(
            output.contains("1 │ Fine. I can't do that. [2J\n"),
            "{output}"
        );
        let underline = output.lines().find(|line| line.contains('^')).unwrap();
        assert_eq!(
            underline.chars().position(|c| c == '^'),
            Some(10),
            "{output}"
        );
    }
}
