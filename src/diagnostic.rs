//! Turning matches into diagnostics: file offsets, the matched text, and rewrites rendered in
//! the writer's own script and case.

use std::ops::Range;
use std::sync::Arc;

use crate::matcher::RuleMatch;
use crate::normalize::script::{self, ChineseScript, ScriptEvidence};
use crate::rules::template::{is_sentence_punctuation, Template, TemplatePart};
use crate::rules::{FixSafety, Rule, Severity};
use crate::source::Segment;

/// One finding, in terms of the source it was found in.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: Arc<Rule>,
    pub severity: Severity,
    /// Byte range in the source as read.
    pub span: Range<usize>,
    /// The source text in `span`.
    pub text: String,
    /// The rule's rewrites, filled in and rendered for this writer; the first is the fix.
    pub suggestions: Vec<String>,
    /// Alternatives to consider (an `avoid` rule's `instead`), never applied.
    pub alternatives: Vec<String>,
    pub fix: Option<Fix>,
}

/// A replacement of one byte range of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub range: Range<usize>,
    pub replacement: String,
    pub safety: FixSafety,
}

/// Builds the diagnostics of one segment; holds what is worth computing once per segment.
pub(crate) struct DiagnosticBuilder<'a> {
    segment: &'a Segment<'a>,
    segment_script: Option<Option<ChineseScript>>,
}

impl<'a> DiagnosticBuilder<'a> {
    pub(crate) fn new(segment: &'a Segment<'a>) -> Self {
        DiagnosticBuilder {
            segment,
            segment_script: None,
        }
    }

    /// `None` when the match would only restate itself (its rewrite equals what is there).
    pub(crate) fn build(&mut self, rule: &Arc<Rule>, found: &RuleMatch) -> Option<Diagnostic> {
        let text = &self.segment.text;
        let matched = &text[found.span.clone()];
        let script = if rule.adapts_chinese_script() {
            self.writer_script(found.span.clone())
        } else {
            None
        };
        let render_literal = |literal: &str| match script {
            Some(ChineseScript::Traditional) => script::to_traditional(literal),
            _ => literal.to_string(),
        };

        let mut suggestions = Vec::new();
        for template in &rule.rewrites {
            if let Some(rendered) = render(template, rule, found, text, &render_literal) {
                let rendered = match_case(rendered, starts_sentence(text, found.span.start));
                if !suggestions.contains(&rendered) {
                    suggestions.push(rendered);
                }
            }
        }
        let alternatives: Vec<String> =
            rule.instead.iter().map(|alt| render_literal(alt)).collect();

        let fix = match (suggestions.first(), rule.rewrites.first()) {
            (Some(replacement), Some(template)) => {
                let mut range = found.span.clone();
                if template.ends_sentence() {
                    if let Some(terminator) = &found.terminator {
                        range.end = terminator.end;
                    }
                }
                if &text[range.clone()] == replacement {
                    return None;
                }
                Some(Fix {
                    range: self.segment.to_source(range),
                    replacement: replacement.clone(),
                    safety: rule.fix,
                })
            }
            _ => None,
        };

        Some(Diagnostic {
            rule: rule.clone(),
            severity: rule.severity,
            span: self.segment.to_source(found.span.clone()),
            text: matched.to_string(),
            suggestions,
            alternatives,
            fix,
        })
    }

    /// The script of the line around the match, or of the whole segment when the line does not
    /// say (it may be written only in characters both scripts share).
    fn writer_script(&mut self, span: Range<usize>) -> Option<ChineseScript> {
        let text: &str = &self.segment.text;
        const REACH: usize = 300;
        let mut start = span.start.saturating_sub(REACH);
        while !text.is_char_boundary(start) {
            start += 1;
        }
        let mut end = (span.end + REACH).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let before = &text[start..span.start];
        let line_start = before.rfind('\n').map_or(start, |index| start + index + 1);
        let after = &text[span.end..end.max(span.end)];
        let line_end = after
            .find('\n')
            .map_or(end.max(span.end), |index| span.end + index);
        if let Some(verdict) = ScriptEvidence::of(&text[line_start..line_end]).verdict() {
            return Some(verdict);
        }
        *self
            .segment_script
            .get_or_insert_with(|| ScriptEvidence::of(text).verdict())
    }
}

fn render(
    template: &Template,
    rule: &Rule,
    found: &RuleMatch,
    text: &str,
    render_literal: &dyn Fn(&str) -> String,
) -> Option<String> {
    let mut out = String::new();
    for part in &template.parts {
        match part {
            TemplatePart::Literal(literal) => out.push_str(&render_literal(literal)),
            TemplatePart::Group(number) => {
                if let Some(Some(range)) = found.captures.get(*number) {
                    out.push_str(&text[range.clone()]);
                }
            }
            TemplatePart::Named(name) => {
                let index = rule.pattern.as_ref().and_then(|(_, regex)| {
                    regex
                        .capture_names()
                        .position(|known| known == Some(name.as_str()))
                });
                if let Some(Some(range)) = index.and_then(|index| found.captures.get(index)) {
                    out.push_str(&text[range.clone()]);
                }
            }
            TemplatePart::Rest => {
                // A clause template without a clause to carry would produce a broken sentence.
                let rest = found.rest.as_ref().filter(|rest| !rest.is_empty())?;
                out.push_str(&text[rest.clone()]);
            }
        }
    }
    Some(out)
}

/// Whether `offset` begins a sentence: only spaces, opening quotes or brackets stand between
/// it and the start of the text, a line break or sentence punctuation.
fn starts_sentence(text: &str, offset: usize) -> bool {
    let before = text[..offset].trim_end_matches(|c: char| {
        c.is_whitespace() && c != '\n'
            || matches!(c, '"' | '\'' | '(' | '[' | '\u{201C}' | '\u{2018}')
    });
    before
        .chars()
        .next_back()
        .is_none_or(|c| c == '\n' || is_sentence_punctuation(c))
}

/// Gives a sentence-initial rewrite its capital: "Sorry for the delay." → "Thank you …".
fn match_case(rewrite: String, at_sentence_start: bool) -> String {
    let mut chars = rewrite.chars();
    match chars.next() {
        Some(first) if at_sentence_start && first.is_lowercase() => {
            first.to_uppercase().chain(chars).collect()
        }
        _ => rewrite,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalises_at_sentence_start_only() {
        assert!(starts_sentence("Sorry", 0));
        assert!(starts_sentence("Hi. \"Sorry", 5));
        assert!(!starts_sentence("But I CANNOT", 4));
        assert_eq!(match_case("thank you".into(), true), "Thank you");
        assert_eq!(match_case("thank you".into(), false), "thank you");
        assert_eq!(match_case("请您".into(), true), "请您");
    }
}
