//! Finding rule matches in one segment of text.
//!
//! All literal phrases of all rules are compiled once into a single leftmost-longest
//! Aho-Corasick automaton, so the cost of a scan does not grow with the number of rules. Regex
//! rules go through a `RegexSet` first, so only the patterns that match at all are run again
//! for their captures. Matching happens on the [`NormalizedText`] view; every range handed on
//! is mapped back to the segment's own bytes.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Input, MatchKind};
use regex::RegexSet;

use crate::normalize::{self, NormalizedText};
use crate::rules::{Rule, RuleKind};

/// A rule matched in a segment; ranges are byte offsets into the segment's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMatch {
    /// Index of the rule in [`Matcher::rules`].
    pub rule: usize,
    pub span: Range<usize>,
    /// Capture groups of a `pattern` rule, by group number (0 is the whole match).
    pub captures: Vec<Option<Range<usize>>>,
    /// The rest of the clause after a `clause` rule's phrase.
    pub rest: Option<Range<usize>>,
    /// The punctuation that ends that clause, if any.
    pub terminator: Option<Range<usize>>,
}

/// Which rules a normalised phrase belongs to, and how it must sit among its neighbours.
#[derive(Debug, Clone)]
struct PhraseEntry {
    rules: Vec<usize>,
    boundary_before: bool,
    boundary_after: bool,
}

/// The compiled form of a rule set.
#[derive(Debug, Clone)]
pub struct Matcher {
    rules: Vec<Arc<Rule>>,
    phrase_automaton: Option<AhoCorasick>,
    phrase_entries: Vec<PhraseEntry>,
    exception_automaton: Option<AhoCorasick>,
    exception_entries: Vec<PhraseEntry>,
    longest_exception: usize,
    pattern_set: Option<RegexSet>,
    pattern_rules: Vec<usize>,
    /// Normalised literal pieces of each rule's rewrites.
    rewrite_literals: Vec<Vec<String>>,
}

impl Matcher {
    pub fn new(rules: Vec<Arc<Rule>>) -> Matcher {
        let mut phrase_index: HashMap<String, usize> = HashMap::new();
        let mut phrase_entries: Vec<PhraseEntry> = Vec::new();
        let mut exception_index: HashMap<String, usize> = HashMap::new();
        let mut exception_entries: Vec<PhraseEntry> = Vec::new();
        let mut pattern_sources = Vec::new();
        let mut pattern_rules = Vec::new();
        let mut rewrite_literals = Vec::with_capacity(rules.len());

        for (rule_index, rule) in rules.iter().enumerate() {
            for phrase in &rule.phrases {
                add_phrase(&mut phrase_index, &mut phrase_entries, phrase, rule_index);
            }
            for exception in &rule.exceptions {
                add_phrase(
                    &mut exception_index,
                    &mut exception_entries,
                    exception,
                    rule_index,
                );
            }
            if let (RuleKind::Pattern, Some((_, regex))) = (rule.kind, &rule.pattern) {
                pattern_sources.push(regex.as_str().to_string());
                pattern_rules.push(rule_index);
            }
            rewrite_literals.push(
                rule.rewrites
                    .iter()
                    .flat_map(|template| template.literals())
                    .map(normalize::normalize)
                    .filter(|literal| !literal.is_empty())
                    .collect(),
            );
        }

        let phrase_automaton = build_automaton(&phrase_index, MatchKind::LeftmostLongest);
        let exception_automaton = build_automaton(&exception_index, MatchKind::Standard);
        let longest_exception = exception_index.keys().map(String::len).max().unwrap_or(0);
        let pattern_set = (!pattern_sources.is_empty()).then(|| {
            // Each pattern already compiled on its own within the same limits (rule loading
            // checks that), and a set of them is no harder to build.
            regex::RegexSetBuilder::new(&pattern_sources)
                .case_insensitive(true)
                .size_limit(64 * 1024 * 1024)
                .build()
                .expect("patterns that compiled alone compile as a set")
        });

        Matcher {
            rules,
            phrase_automaton,
            phrase_entries,
            exception_automaton,
            exception_entries,
            longest_exception,
            pattern_set,
            pattern_rules,
            rewrite_literals,
        }
    }

    pub fn rules(&self) -> &[Arc<Rule>] {
        &self.rules
    }

    /// Every match in `text`, ordered by position and then by rule.
    pub fn find(&self, text: &str) -> Vec<RuleMatch> {
        let view = NormalizedText::new(text);
        let mut matches = Vec::new();
        self.find_phrases(text, &view, &mut matches);
        self.find_patterns(text, &view, &mut matches);
        matches.sort_by(|a, b| {
            (a.span.start, a.span.end, a.rule).cmp(&(b.span.start, b.span.end, b.rule))
        });
        matches.dedup_by(|a, b| a.rule == b.rule && a.span == b.span);
        matches
    }

    fn find_phrases(&self, text: &str, view: &NormalizedText, out: &mut Vec<RuleMatch>) {
        let Some(automaton) = &self.phrase_automaton else {
            return;
        };
        let haystack = view.text.as_str();
        let mut position = 0;
        while position < haystack.len() {
            let Some(found) = automaton.find(Input::new(haystack).range(position..)) else {
                break;
            };
            let entry = &self.phrase_entries[found.pattern().as_usize()];
            let range = found.start()..found.end();
            let mut accepted = false;
            if sits_on_boundaries(haystack, &range, entry) {
                for &rule_index in &entry.rules {
                    if self.keeps(rule_index, haystack, &range) {
                        accepted = true;
                        out.push(self.phrase_match(rule_index, text, view, range.clone()));
                    }
                }
            }
            // A rejected candidate may hide a shorter phrase that starts later inside it, so
            // look again from the next character rather than from its end.
            position = if accepted {
                range.end
            } else {
                range.start
                    + haystack[range.start..]
                        .chars()
                        .next()
                        .map_or(1, char::len_utf8)
            };
        }
    }

    fn phrase_match(
        &self,
        rule_index: usize,
        text: &str,
        view: &NormalizedText,
        range: Range<usize>,
    ) -> RuleMatch {
        let rule = &self.rules[rule_index];
        if !rule.clause {
            return RuleMatch {
                rule: rule_index,
                span: view.to_original(text, range),
                captures: Vec::new(),
                rest: None,
                terminator: None,
            };
        }
        let clause = clause_after(&view.text, range.end);
        let rest = view.to_original(text, clause.rest.clone());
        let start = view.to_original(text, range.clone()).start;
        let end = if clause.rest.is_empty() {
            view.to_original(text, range).end
        } else {
            rest.end
        };
        RuleMatch {
            rule: rule_index,
            span: start..end,
            captures: Vec::new(),
            rest: Some(rest),
            terminator: clause
                .terminator
                .map(|terminator| view.to_original(text, terminator)),
        }
    }

    fn find_patterns(&self, text: &str, view: &NormalizedText, out: &mut Vec<RuleMatch>) {
        let Some(set) = &self.pattern_set else {
            return;
        };
        for set_index in set.matches(&view.text).iter() {
            let rule_index = self.pattern_rules[set_index];
            let Some((_, regex)) = &self.rules[rule_index].pattern else {
                continue;
            };
            for captures in regex.captures_iter(&view.text) {
                let Some(whole) = captures.get(0) else {
                    continue;
                };
                if whole.is_empty() || !self.keeps(rule_index, &view.text, &whole.range()) {
                    continue;
                }
                out.push(RuleMatch {
                    rule: rule_index,
                    span: view.to_original(text, whole.range()),
                    captures: captures
                        .iter()
                        .map(|group| group.map(|group| view.to_original(text, group.range())))
                        .collect(),
                    rest: None,
                    terminator: None,
                });
            }
        }
    }

    /// Whether a candidate match of a rule survives its exceptions and does not already read
    /// like one of its rewrites.
    fn keeps(&self, rule_index: usize, haystack: &str, range: &Range<usize>) -> bool {
        !self.excepted(rule_index, haystack, range)
            && !self.reads_like_rewrite(rule_index, haystack, range)
    }

    fn excepted(&self, rule_index: usize, haystack: &str, range: &Range<usize>) -> bool {
        let Some(automaton) = &self.exception_automaton else {
            return false;
        };
        if self.rules[rule_index].exceptions.is_empty() {
            return false;
        }
        let window = floor_boundary(haystack, range.start.saturating_sub(self.longest_exception))
            ..ceil_boundary(haystack, range.end + self.longest_exception);
        automaton
            .find_overlapping_iter(Input::new(haystack).range(window))
            .any(|found| {
                let entry = &self.exception_entries[found.pattern().as_usize()];
                let exception = found.start()..found.end();
                exception.start < range.end
                    && exception.end > range.start
                    && entry.rules.contains(&rule_index)
                    && sits_on_boundaries(haystack, &exception, entry)
            })
    }

    fn reads_like_rewrite(&self, rule_index: usize, haystack: &str, range: &Range<usize>) -> bool {
        let matched = &haystack[range.clone()];
        self.rewrite_literals[rule_index].iter().any(|literal| {
            literal.match_indices(matched).any(|(offset, _)| {
                range.start >= offset
                    && haystack
                        .get(range.start - offset..range.start - offset + literal.len())
                        .is_some_and(|around| around == literal)
            })
        })
    }
}

fn add_phrase(
    index: &mut HashMap<String, usize>,
    entries: &mut Vec<PhraseEntry>,
    phrase: &str,
    rule_index: usize,
) {
    let key = normalize::normalize(phrase);
    if key.is_empty() {
        return;
    }
    let position = *index.entry(key.clone()).or_insert_with(|| {
        entries.push(PhraseEntry {
            rules: Vec::new(),
            boundary_before: key.chars().next().is_some_and(is_word_char),
            boundary_after: key.chars().last().is_some_and(is_word_char),
        });
        entries.len() - 1
    });
    if !entries[position].rules.contains(&rule_index) {
        entries[position].rules.push(rule_index);
    }
}

fn build_automaton(index: &HashMap<String, usize>, kind: MatchKind) -> Option<AhoCorasick> {
    if index.is_empty() {
        return None;
    }
    let mut keys = vec![""; index.len()];
    for (key, &position) in index {
        keys[position] = key;
    }
    Some(
        AhoCorasickBuilder::new()
            .match_kind(kind)
            .build(&keys)
            .expect("an automaton over a few thousand short phrases always builds"),
    )
}

/// Letters and digits of scripts that separate words with spaces. CJK text has no word
/// boundaries to respect.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

fn sits_on_boundaries(haystack: &str, range: &Range<usize>, entry: &PhraseEntry) -> bool {
    let before_ok = !entry.boundary_before
        || !haystack[..range.start]
            .chars()
            .next_back()
            .is_some_and(is_word_char);
    let after_ok = !entry.boundary_after
        || !haystack[range.end..]
            .chars()
            .next()
            .is_some_and(is_word_char);
    before_ok && after_ok
}

struct Clause {
    rest: Range<usize>,
    terminator: Option<Range<usize>>,
}

/// The rest of the clause that starts at `start`: up to sentence punctuation, a line break or
/// the end of the text. Works on the normalised view, where full-width punctuation is already
/// half-width.
fn clause_after(haystack: &str, start: usize) -> Clause {
    let mut end = haystack.len();
    let mut terminator = None;
    let mut chars = haystack[start..].char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        let at = start + offset;
        let ends = match c {
            '\n' | '\r' => {
                end = at;
                break;
            }
            '。' | '!' | '?' | ';' | '…' | '~' => true,
            '.' => chars
                .peek()
                .is_none_or(|&(_, next)| next.is_whitespace() || is_cjk(next)),
            _ => false,
        };
        if ends {
            end = at;
            terminator = Some(at..at + c.len_utf8());
            break;
        }
    }
    let rest = &haystack[start..end];
    let leading = rest.len() - rest.trim_start().len();
    let trailing = rest.len() - rest.trim_end().len();
    let rest = if leading + trailing >= rest.len() {
        start..start
    } else {
        start + leading..end - trailing
    };
    Clause { rest, terminator }
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn ceil_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_stops_at_sentence_punctuation() {
        let text = "你必须先填表,然后提交。谢谢";
        let start = "你必须".len();
        let clause = clause_after(text, start);
        assert_eq!(&text[clause.rest.clone()], "先填表,然后提交");
        assert_eq!(&text[clause.terminator.unwrap()], "。");
    }

    #[test]
    fn clause_keeps_decimal_points() {
        let text = "you must pay 10.5 euros. thanks";
        let clause = clause_after(text, "you must".len());
        assert_eq!(&text[clause.rest], "pay 10.5 euros");
    }

    #[test]
    fn clause_ends_at_line_break_without_terminator() {
        let text = "you must wait\nnext";
        let clause = clause_after(text, "you must".len());
        assert_eq!(&text[clause.rest], "wait");
        assert!(clause.terminator.is_none());
    }
}
