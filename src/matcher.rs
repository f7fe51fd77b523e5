//! Finding rule matches in one segment of text.
//!
//! All literal phrases of all rules are compiled once into a single leftmost-longest
//! Aho-Corasick automaton, so the cost of a scan does not grow with the number of rules. Building
//! that automaton takes milliseconds, more than checking a typical draft, so it is built on first
//! need: until a run has seen enough text, a first-character index of the same phrases finds the
//! same leftmost-longest matches (see [`PhraseSearcher`]). Regex
//! rules sit behind a literal prefilter: a second automaton over the prefixes every match of a
//! pattern must start with, so a pattern is compiled and run only on text that could match it.
//! Matching happens on the [`NormalizedText`] view; every range handed on is mapped back to the
//! segment's own bytes.

use rustc_hash::FxHashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex_automata::meta::Regex;
use regex_automata::util::captures::Captures;
use regex_automata::{Anchored, Input};

use crate::normalize::{self, NormalizedText};
use crate::rules::{Rule, RuleKind, RuleText};

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

/// Which rules a normalised phrase belongs to (a range of its searcher's `rule_list`), and how
/// it must sit among its neighbours.
#[derive(Debug, Clone)]
struct PhraseEntry {
    rules: Range<u32>,
    boundary_before: bool,
    boundary_after: bool,
}

/// Finds the leftmost-longest phrase at or after a position.
///
/// Two strategies with identical results: a first-character index, which costs nothing to build
/// and is fast on short texts, and the Aho-Corasick automaton, which costs milliseconds to build
/// and is fast on everything. The automaton is built once a run has scanned enough text to repay
/// it, or at the first long segment.
#[derive(Debug)]
struct PhraseSearcher {
    kind: MatchKind,
    keys: Vec<RuleText>,
    entries: Vec<PhraseEntry>,
    rule_list: Vec<usize>,
    /// Entry indices ordered by first character, longest key first within one character.
    order: Vec<u32>,
    /// The slice of `order` for each first character.
    by_first_char: FxHashMap<char, Range<u32>>,
    automaton: OnceLock<AhoCorasick>,
    scanned: AtomicUsize,
}

/// Text volume after which building the automaton pays for itself.
const AUTOMATON_THRESHOLD: usize = 256 * 1024;

impl PhraseSearcher {
    /// Groups `(normalised key, rule)` pairs by key. Everything lives in a few flat vectors:
    /// this runs at every start-up for thousands of phrases, and per-phrase allocations used to
    /// cost more than checking a draft.
    fn new(pairs: Vec<(&RuleText, usize)>, kind: MatchKind) -> Option<PhraseSearcher> {
        let mut positions: FxHashMap<&str, u32> = FxHashMap::default();
        positions.reserve(pairs.len());
        let mut keys: Vec<RuleText> = Vec::with_capacity(pairs.len());
        let mut owners: Vec<(u32, usize)> = Vec::with_capacity(pairs.len());
        for (key, rule_index) in pairs {
            if key.is_empty() {
                continue;
            }
            let position = *positions.entry(&**key).or_insert_with(|| {
                keys.push(key.clone());
                (keys.len() - 1) as u32
            });
            owners.push((position, rule_index));
        }
        if keys.is_empty() {
            return None;
        }
        owners.sort_unstable();
        owners.dedup();

        let mut rule_list = Vec::with_capacity(owners.len());
        let mut entries = Vec::with_capacity(keys.len());
        let mut owners = owners.into_iter().peekable();
        for (index, key) in keys.iter().enumerate() {
            let start = rule_list.len() as u32;
            while let Some((_, rule_index)) = owners.next_if(|&(entry, _)| entry as usize == index)
            {
                rule_list.push(rule_index);
            }
            let mut entry = entry_for(key);
            entry.rules = start..rule_list.len() as u32;
            entries.push(entry);
        }

        let mut sorted: Vec<(char, std::cmp::Reverse<usize>, u32)> = keys
            .iter()
            .enumerate()
            .map(|(index, key)| {
                let first = key.chars().next().unwrap_or('\0');
                (first, std::cmp::Reverse(key.len()), index as u32)
            })
            .collect();
        sorted.sort_unstable();
        let mut by_first_char: FxHashMap<char, Range<u32>> = FxHashMap::default();
        let mut start = 0;
        for end in 1..=sorted.len() {
            if end == sorted.len() || sorted[end].0 != sorted[start].0 {
                by_first_char.insert(sorted[start].0, start as u32..end as u32);
                start = end;
            }
        }
        let order = sorted.into_iter().map(|(_, _, index)| index).collect();

        Some(PhraseSearcher {
            kind,
            keys,
            entries,
            rule_list,
            order,
            by_first_char,
            automaton: OnceLock::new(),
            scanned: AtomicUsize::new(0),
        })
    }

    fn entry(&self, index: usize) -> &PhraseEntry {
        &self.entries[index]
    }

    fn rules(&self, index: usize) -> &[usize] {
        let range = &self.entries[index].rules;
        &self.rule_list[range.start as usize..range.end as usize]
    }

    fn candidates(&self, c: char) -> impl Iterator<Item = usize> + '_ {
        let range = self.by_first_char.get(&c).cloned().unwrap_or(0..0);
        self.order[range.start as usize..range.end as usize]
            .iter()
            .map(|&index| index as usize)
    }

    /// The automaton, if this segment should use it.
    fn automaton_for(&self, haystack: &str) -> Option<&AhoCorasick> {
        if self.automaton.get().is_none() {
            let scanned = self.scanned.fetch_add(haystack.len(), Ordering::Relaxed);
            if haystack.len() < AUTOMATON_THRESHOLD / 4 && scanned < AUTOMATON_THRESHOLD {
                return None;
            }
        }
        Some(self.automaton.get_or_init(|| {
            AhoCorasickBuilder::new()
                .match_kind(self.kind)
                .build(self.keys.iter().map(|key| key.as_bytes()))
                .expect("an automaton over a few thousand short phrases always builds")
        }))
    }

    /// The leftmost-longest key occurrence starting at or after `from`, as (entry, range).
    fn find(
        &self,
        automaton: Option<&AhoCorasick>,
        haystack: &str,
        from: usize,
    ) -> Option<(usize, Range<usize>)> {
        if let Some(automaton) = automaton {
            let found = automaton.find(aho_corasick::Input::new(haystack).range(from..))?;
            return Some((found.pattern().as_usize(), found.start()..found.end()));
        }
        for (offset, c) in haystack[from..].char_indices() {
            let start = from + offset;
            for index in self.candidates(c) {
                if haystack[start..].starts_with(&*self.keys[index]) {
                    return Some((index, start..start + self.keys[index].len()));
                }
            }
        }
        None
    }

    /// Every key occurrence as (entry, start), overlapping ones included (for a `Standard`
    /// searcher).
    fn each_occurrence(&self, haystack: &str, mut found: impl FnMut(usize, usize)) {
        if let Some(automaton) = self.automaton_for(haystack) {
            for occurrence in automaton.find_overlapping_iter(haystack) {
                found(occurrence.pattern().as_usize(), occurrence.start());
            }
            return;
        }
        for (start, c) in haystack.char_indices() {
            for index in self.candidates(c) {
                if haystack[start..].starts_with(&*self.keys[index]) {
                    found(index, start);
                }
            }
        }
    }
}

/// The compiled form of a rule set.
#[derive(Debug, Clone)]
pub struct Matcher {
    rules: Vec<Arc<Rule>>,
    phrases: Option<Arc<PhraseSearcher>>,
    /// Each rule's normalised exceptions, with their boundary requirements.
    exceptions: Vec<Vec<(RuleText, PhraseEntry)>>,
    /// Prefixes of pattern rules; an entry's `rules` are the patterns it may start.
    prefixes: Option<Arc<PhraseSearcher>>,
    /// Pattern rules without a usable prefix set, run on every segment.
    unfiltered_patterns: Vec<usize>,
    /// Normalised literal pieces of each rule's rewrites.
    rewrite_literals: Vec<Vec<String>>,
}

impl Matcher {
    pub fn new(rules: Vec<Arc<Rule>>) -> Matcher {
        let mut phrase_keys: Vec<(&RuleText, usize)> = Vec::new();
        let mut exceptions = Vec::with_capacity(rules.len());
        let mut prefix_keys: Vec<(&RuleText, usize)> = Vec::new();
        let mut unfiltered_patterns = Vec::new();
        let mut rewrite_literals = Vec::with_capacity(rules.len());

        for (rule_index, rule) in rules.iter().enumerate() {
            phrase_keys.extend(rule.normalized_phrases.iter().map(|key| (key, rule_index)));
            exceptions.push(
                rule.normalized_exceptions
                    .iter()
                    .filter(|key| !key.is_empty())
                    .map(|key| (key.clone(), entry_for(key)))
                    .collect(),
            );
            if let (RuleKind::Pattern, Some(pattern)) = (rule.kind, &rule.pattern) {
                match &pattern.prefixes {
                    Some(prefixes) => {
                        prefix_keys.extend(prefixes.iter().map(|key| (key, rule_index)));
                    }
                    None => unfiltered_patterns.push(rule_index),
                }
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

        let phrases = PhraseSearcher::new(phrase_keys, MatchKind::LeftmostLongest).map(Arc::new);
        let prefixes = PhraseSearcher::new(prefix_keys, MatchKind::Standard).map(Arc::new);

        Matcher {
            rules,
            phrases,
            exceptions,
            prefixes,
            unfiltered_patterns,
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
        let Some(phrases) = &self.phrases else {
            return;
        };
        let haystack = view.text.as_str();
        let automaton = phrases.automaton_for(haystack);
        let mut position = 0;
        while position < haystack.len() {
            let Some((entry_index, range)) = phrases.find(automaton, haystack, position) else {
                break;
            };
            let mut accepted = false;
            if sits_on_boundaries(haystack, &range, phrases.entry(entry_index)) {
                for &rule_index in phrases.rules(entry_index) {
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

    /// Runs each pattern only where one of its prefixes occurs, as an anchored search, so the
    /// cost follows the matches rather than the length of the text (and a pattern with a Unicode
    /// `\b` never falls back to a slow whole-text scan). Patterns without prefixes are searched
    /// everywhere. Matches of one rule never overlap, as with an ordinary left-to-right search.
    fn find_patterns(&self, text: &str, view: &NormalizedText, out: &mut Vec<RuleMatch>) {
        let haystack = view.text.as_str();
        let mut starts: Vec<(usize, usize)> = Vec::new();
        if let Some(prefixes) = &self.prefixes {
            prefixes.each_occurrence(haystack, |entry, start| {
                starts.extend(prefixes.rules(entry).iter().map(|&rule| (rule, start)));
            });
        }
        starts.sort_unstable();
        starts.dedup();

        let mut current: Option<(usize, Captures)> = None;
        let mut covered_until = 0;
        for (rule_index, start) in starts {
            if current.as_ref().is_none_or(|(rule, _)| *rule != rule_index) {
                let Some(regex) = self.pattern_regex(rule_index) else {
                    continue;
                };
                current = Some((rule_index, regex.create_captures()));
                covered_until = 0;
            }
            if start < covered_until {
                continue;
            }
            let (Some(regex), Some((_, captures))) =
                (self.pattern_regex(rule_index), current.as_mut())
            else {
                continue;
            };
            let input = Input::new(haystack)
                .span(start..haystack.len())
                .anchored(Anchored::Yes);
            regex.search_captures(&input, captures);
            if let Some(end) = self.push_pattern_match(rule_index, text, view, captures, out) {
                covered_until = end;
            }
        }

        for &rule_index in &self.unfiltered_patterns {
            let Some(regex) = self.pattern_regex(rule_index) else {
                continue;
            };
            for captures in regex.captures_iter(haystack) {
                self.push_pattern_match(rule_index, text, view, &captures, out);
            }
        }
    }

    fn pattern_regex(&self, rule_index: usize) -> Option<&Regex> {
        self.rules[rule_index]
            .pattern
            .as_ref()
            .and_then(|pattern| pattern.regex())
    }

    /// Records a pattern match; returns where it ends in the normalised text.
    fn push_pattern_match(
        &self,
        rule_index: usize,
        text: &str,
        view: &NormalizedText,
        captures: &Captures,
        out: &mut Vec<RuleMatch>,
    ) -> Option<usize> {
        let whole = captures.get_match()?.range();
        if whole.is_empty() || !self.keeps(rule_index, &view.text, &whole) {
            return None;
        }
        out.push(RuleMatch {
            rule: rule_index,
            span: view.to_original(text, whole.clone()),
            captures: (0..captures.group_len())
                .map(|group| {
                    captures
                        .get_group(group)
                        .map(|span| view.to_original(text, span.range()))
                })
                .collect(),
            rest: None,
            terminator: None,
        });
        Some(whole.end)
    }

    /// For a clause rule the exceptions apply to the whole clause it would underline, so that
    /// "I can't … unless …" can be left to a more specific rule.
    fn keeps(&self, rule_index: usize, haystack: &str, range: &Range<usize>) -> bool {
        let covered = if self.rules[rule_index].clause {
            range.start..clause_after(haystack, range.end).rest.end.max(range.end)
        } else {
            range.clone()
        };
        !self.excepted(rule_index, haystack, &covered)
            && !self.reads_like_rewrite(rule_index, haystack, range)
    }

    /// Whether one of the rule's exceptions occurs in the text overlapping the match. Candidates
    /// are rare and exceptions few, so a search around the candidate beats scanning every text.
    fn excepted(&self, rule_index: usize, haystack: &str, range: &Range<usize>) -> bool {
        self.exceptions[rule_index].iter().any(|(key, entry)| {
            let window = floor_boundary(haystack, range.start.saturating_sub(key.len()))
                ..ceil_boundary(haystack, range.end + key.len());
            haystack[window.clone()]
                .match_indices(&**key)
                .any(|(offset, _)| {
                    let exception = window.start + offset..window.start + offset + key.len();
                    exception.start < range.end
                        && exception.end > range.start
                        && sits_on_boundaries(haystack, &exception, entry)
                })
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

fn entry_for(key: &str) -> PhraseEntry {
    PhraseEntry {
        rules: 0..0,
        boundary_before: key.chars().next().is_some_and(is_word_char),
        boundary_after: key.chars().last().is_some_and(is_word_char),
    }
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

    /// The first-character index and the automaton must agree everywhere, or a run's results
    /// would depend on how much text it had seen before.
    #[test]
    fn both_phrase_strategies_find_the_same_matches() {
        let keys: Vec<RuleText> = ["ab", "abc", "b", "bcd", "你好", "你", "好的呀", "c d", "d"]
            .into_iter()
            .map(RuleText::from)
            .collect();
        let pairs = || {
            keys.iter()
                .enumerate()
                .map(|(rule, key)| (key, rule))
                .collect()
        };
        let searcher = PhraseSearcher::new(pairs(), MatchKind::LeftmostLongest).unwrap();
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(searcher.keys.iter().map(|key| key.as_bytes()))
            .unwrap();
        let overlapping = PhraseSearcher::new(pairs(), MatchKind::Standard).unwrap();
        let overlapping_automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(overlapping.keys.iter().map(|key| key.as_bytes()))
            .unwrap();
        let alphabet: Vec<char> = "abcd 你好的呀".chars().collect();
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..12 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            for (from, _) in text.char_indices() {
                assert_eq!(
                    searcher.find(None, &text, from),
                    searcher.find(Some(&automaton), &text, from),
                    "{text:?} from {from}"
                );
            }
            let mut small = Vec::new();
            overlapping.each_occurrence(&text, |index, start| small.push((index, start)));
            let mut large: Vec<(usize, usize)> = overlapping_automaton
                .find_overlapping_iter(&text)
                .map(|found| (found.pattern().as_usize(), found.start()))
                .collect();
            small.sort_unstable();
            large.sort_unstable();
            assert_eq!(small, large, "{text:?}");
        }
    }

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
