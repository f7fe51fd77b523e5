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
    /// Why the first rewrite is not offered as a fix although the rule has one: it cannot be
    /// written safely where the finding stands (an escape it would cut, a character the file's
    /// encoding lacks). Shown as a note.
    pub fix_refused: Option<String>,
    /// The record the finding is in, for structured inputs: a JSON Pointer, a YAML path,
    /// `row 12, column content`, a Markdown heading path.
    pub locator: Option<String>,
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

        let mut fix_refused = None;
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
                // A rewrite that moves the writer's text around template syntax can change how
                // the template reads (a stray `{{%s` moved in front of `{% if … %}` opens a new
                // tag), so it is shown but never applied.
                let moves_template_syntax =
                    rearranges(&copied_pieces(template, rule, found), &range)
                        && self.near_template_syntax(&range);
                let safety = if moves_template_syntax {
                    FixSafety::DisplayOnly
                } else {
                    rule.fix
                };
                // The segment encodes the replacement for where it lands (JSON escapes, CSV
                // quotes, the file's encoding) or refuses it with a reason.
                match self.segment.replacement(range, replacement) {
                    Ok((range, replacement)) => Some(Fix {
                        range,
                        replacement,
                        safety,
                    }),
                    Err(refused) => {
                        fix_refused = Some(refused.to_string());
                        None
                    }
                }
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
            fix_refused,
            locator: self.segment.locator.as_deref().map(str::to_string),
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
        let copied = copied_pieces(template, rule, found);
        touched.iter().all(|placeholder| {
            copied
                .iter()
                .flatten()
                .any(|range| range.start <= placeholder.start && placeholder.end <= range.end)
        })
    }

    /// Whether `range` holds, or borders, template syntax whose reading depends on what stands
    /// next to it: a template tag (`{% if … %}`, `{# … #}`), or a delimiter character outside
    /// every placeholder (a stray `{{` or `%`, which a move could pair with different text).
    fn near_template_syntax(&self, range: &Range<usize>) -> bool {
        let text = &self.segment.text;
        let tag = self.placeholders.overlapping(range).iter().any(|span| {
            let placeholder = &text[span.clone()];
            placeholder.starts_with("{%") || placeholder.starts_with("{#")
        });
        // One character either side: a piece moved to the edge of the range meets its neighbours.
        let start = text[..range.start]
            .char_indices()
            .next_back()
            .map_or(range.start, |(index, _)| index);
        let end = text[range.end..]
            .chars()
            .next()
            .map_or(range.end, |c| range.end + c.len_utf8());
        tag || text[start..end].bytes().enumerate().any(|(index, byte)| {
            matches!(byte, b'{' | b'}' | b'%' | b'#' | b'$' | b'[' | b']')
                && !self.placeholders.covers(start + index)
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

/// The original text each part of `template` copies, in template order: `Some` for a capture or
/// the rest of a clause (an absent one copies nothing), `None` for literal text.
fn copied_pieces(template: &Template, rule: &Rule, found: &RuleMatch) -> Vec<Option<Range<usize>>> {
    template
        .parts
        .iter()
        .filter_map(|part| match part {
            TemplatePart::Literal(literal) if literal.is_empty() => None,
            TemplatePart::Literal(_) => Some(None),
            part => match rule.behaviour().fill(rule, part, found) {
                Fill::Copy(range) => Some(Some(range)),
                Fill::Nothing => None,
                // What `${rest}` would copy, even when the rewrite cannot use it.
                Fill::Unusable => Some(Some(found.rest.clone().unwrap_or_default())),
            },
        })
        .filter(|piece| piece.as_ref().is_none_or(|range| !range.is_empty()))
        .collect()
}

/// Whether a rewrite of `range` made of `pieces` (from [`copied_pieces`]) puts some of the
/// original next to text it did not stand next to: pieces in another order, two pieces joined
/// where the text between them was dropped, or a piece moved to an edge of the range.
fn rearranges(pieces: &[Option<Range<usize>>], range: &Range<usize>) -> bool {
    // Where the original text before the current position of the rewrite ends, when that text
    // is original (`None` after a literal, which separates whatever it stands between).
    let mut adjoining = Some(range.start);
    let mut copied_up_to = range.start;
    for piece in pieces {
        match piece {
            None => adjoining = None,
            Some(piece) => {
                if piece.start < copied_up_to || adjoining.is_some_and(|end| end != piece.start) {
                    return true;
                }
                copied_up_to = piece.end;
                adjoining = Some(piece.end);
            }
        }
    }
    adjoining.is_some_and(|end| end != range.end)
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

    #[test]
    fn rearranging_rewrites_are_told_from_in_place_ones() {
        // "我不能给你X,除非你Y" as 0..5 X=5..8 10..12 Y=12..15.
        let (x, y) = (Some(5..8), Some(12..15));
        let range = 0..15;
        // "如果你${y},我就能${x}": the pieces swap places.
        assert!(rearranges(&[None, y.clone(), None, x.clone()], &range));
        // "请${x},再${y}": each piece keeps its neighbours' places, literals stand between.
        assert!(!rearranges(&[None, x.clone(), None, y.clone()], &range));
        // "${x}${y}": the text between them is dropped and the two pieces meet.
        assert!(rearranges(&[x.clone(), y.clone()], &range));
        // "请${x}": the piece ends the rewrite but not the range.
        assert!(rearranges(&[None, x.clone()], &range));
        // "${y}" where the match ends with Y, after a literal: nothing moves.
        assert!(!rearranges(&[None, y], &range));
        assert!(!rearranges(&[None], &range));
    }
}
