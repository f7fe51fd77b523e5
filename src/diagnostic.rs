//! Turning matches into diagnostics: file offsets, the matched text, and rewrites rendered in
//! the writer's own script and case.

use std::ops::Range;
use std::sync::Arc;

use crate::matcher::RuleMatch;
use crate::normalize::script::{self, ChineseScript, ScriptEvidence};
use crate::placeholder::Spans;
use crate::rules::kinds::Fill;
use crate::rules::template::{is_sentence_punctuation, Template, TemplatePart};
use crate::rules::{FixSafety, Rule, Severity};
use crate::source::{ceil_char_boundary, floor_char_boundary, Segment};

/// One finding, in terms of the source it was found in.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: Arc<Rule>,
    pub severity: Severity,
    /// The rule's message, in the writer's Chinese script when the rule is Chinese.
    pub message: String,
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
    placeholders: Spans,
}

impl<'a> DiagnosticBuilder<'a> {
    pub(crate) fn new(segment: &'a Segment<'a>, placeholders: Spans) -> Self {
        DiagnosticBuilder {
            segment,
            placeholders,
        }
    }

    /// `None` when the match would only restate itself (its rewrite equals what is there), or
    /// when it touches a placeholder in a way its fix could not carry over intact.
    pub(crate) fn build(&mut self, rule: &Arc<Rule>, found: &RuleMatch) -> Option<Diagnostic> {
        let text = &self.segment.text;
        let matched = &text[found.span.clone()];
        if !self.placeholders_survive(rule, found) {
            return None;
        }
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
            if let Some((rendered, copied_from)) =
                render(template, rule, found, text, &render_literal)
            {
                // A rewrite that opens with a copied placeholder (`${rest}` = `{name} …`) must
                // not have it capitalised.
                let opens_with_placeholder =
                    copied_from.is_some_and(|offset| self.placeholders.covers(offset));
                let capitalise = !opens_with_placeholder && starts_sentence(text, found.span.start);
                let rendered = match_case(rendered, capitalise);
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
            severity: found.severity.unwrap_or(rule.severity),
            message: render_literal(&rule.message),
            span: self.segment.to_source(found.span.clone()),
            text: matched.to_string(),
            suggestions,
            alternatives,
            fix,
        })
    }

    /// Whether every placeholder the match touches would come through its fix unchanged: it
    /// must lie wholly inside a piece of the original that the first rewrite copies verbatim
    /// (`${rest}`, or a capture group it uses). Anything else (a placeholder under the phrase
    /// itself, one cut by the end of a clause, one in a capture the rewrite drops) means the
    /// match is template syntax, not wording, and is neither reported nor fixed.
    fn placeholders_survive(&self, rule: &Rule, found: &RuleMatch) -> bool {
        let mut reach = found.span.clone();
        if let Some(terminator) = &found.terminator {
            reach.end = reach.end.max(terminator.end);
        }
        let touched = self.placeholders.overlapping(&reach);
        if touched.is_empty() {
            return true;
        }
        let Some(template) = rule.rewrites.first() else {
            return false;
        };
        let mut copied: Vec<Range<usize>> = Vec::new();
        for part in &template.parts {
            if let TemplatePart::Literal(_) = part {
                continue;
            }
            match rule.behaviour().fill(rule, part, found) {
                Fill::Copy(range) => copied.push(range),
                Fill::Nothing => {}
                // What `${rest}` would copy, even when the rewrite cannot use it.
                Fill::Unusable => copied.extend(found.rest.clone()),
            }
        }
        touched.iter().all(|placeholder| {
            copied
                .iter()
                .any(|range| range.start <= placeholder.start && placeholder.end <= range.end)
        })
    }

    /// The script of the line around the match or, when that line does not say (it may be written
    /// only in characters both scripts share), of the text around it. Bounded windows keep this
    /// cheap on a single-line file of many megabytes.
    fn writer_script(&mut self, span: Range<usize>) -> Option<ChineseScript> {
        let text: &str = &self.segment.text;
        let (start, end) = window(text, &span, 300);
        let line_start = text[start..span.start]
            .rfind('\n')
            .map_or(start, |index| start + index + 1);
        let line_end = text[span.end..end]
            .find('\n')
            .map_or(end, |index| span.end + index);
        if let Some(verdict) = ScriptEvidence::of(&text[line_start..line_end]).verdict() {
            return Some(verdict);
        }
        let (start, end) = window(text, &span, 4096);
        ScriptEvidence::of(&text[start..end]).verdict()
    }
}

/// The byte range reaching `reach` bytes either side of `span`, on character boundaries.
fn window(text: &str, span: &Range<usize>, reach: usize) -> (usize, usize) {
    let start = ceil_char_boundary(text, span.start.saturating_sub(reach));
    let end = floor_char_boundary(text, span.end + reach);
    (start.min(span.start), end.max(span.end))
}

/// The rendered rewrite, and the segment offset its first character was copied from when it
/// opens with copied text rather than a literal.
fn render(
    template: &Template,
    rule: &Rule,
    found: &RuleMatch,
    text: &str,
    render_literal: &dyn Fn(&str) -> String,
) -> Option<(String, Option<usize>)> {
    let mut out = String::new();
    let mut copied_from = None;
    let mut copy = |out: &mut String, range: &Range<usize>| {
        if out.is_empty() && !range.is_empty() {
            copied_from = Some(range.start);
        }
        out.push_str(&text[range.clone()]);
    };
    for part in &template.parts {
        if let TemplatePart::Literal(literal) = part {
            out.push_str(&render_literal(literal));
            continue;
        }
        match rule.behaviour().fill(rule, part, found) {
            Fill::Copy(range) => copy(&mut out, &range),
            Fill::Nothing => {}
            Fill::Unusable => return None,
        }
    }
    Some((out, copied_from))
}

/// Whether `offset` begins a sentence: only spaces, opening quotes or brackets stand between
/// it and the start of the text, a line break or sentence punctuation. A byte-order mark is
/// not text: a file that starts with one still starts a sentence after it.
fn starts_sentence(text: &str, offset: usize) -> bool {
    let before = text[..offset].trim_end_matches(|c: char| {
        c.is_whitespace() && c != '\n'
            || matches!(
                c,
                '"' | '\'' | '(' | '[' | '\u{201C}' | '\u{2018}' | '\u{FEFF}'
            )
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
        assert!(starts_sentence("\u{FEFF}I can't", 3));
        assert_eq!(match_case("thank you".into(), true), "Thank you");
        assert_eq!(match_case("thank you".into(), false), "thank you");
        assert_eq!(match_case("请您".into(), true), "请您");
    }
}
