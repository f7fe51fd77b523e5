//! Finding rule matches in one segment of text.
//!
//! Every literal of every rule (the phrases of `swap` and `avoid` rules, and the prefixes every
//! match of a `pattern` rule must start with) is compiled once into a single Aho-Corasick
//! automaton, so one pass over the text finds all candidates and its cost does not grow with the
//! number of rules (`literals`). Phrases are then selected leftmost-longest; patterns are run
//! as anchored searches only where one of their prefixes occurs. Matching happens on the
//! [`NormalizedText`] view; every range handed on is mapped back to the segment's own bytes.

mod clause;
mod exceptions;
mod literals;

use std::cell::OnceCell;
use std::ops::Range;
use std::sync::Arc;

use regex_automata::meta::Regex;
use regex_automata::util::captures::Captures;
use regex_automata::{Anchored, Input};

use crate::normalize::{self, NormalizedText};
use crate::rules::{Rule, RuleKind, RuleText};
use clause::{Clause, Clauses};
use exceptions::{ExceptionHits, ExceptionSet};
use literals::{leftmost_longest_order, LiteralSearcher, Occurrence, Role};

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

/// The compiled form of a rule set.
#[derive(Debug, Clone)]
pub struct Matcher {
    rules: Vec<Arc<Rule>>,
    literals: Option<Arc<LiteralSearcher>>,
    /// Every rule's normalised exceptions.
    exceptions: Arc<ExceptionSet>,
    /// Pattern rules without a usable prefix set, run on every segment.
    unfiltered_patterns: Vec<usize>,
    /// Normalised literal pieces of each rule's rewrites.
    rewrite_literals: Vec<Vec<String>>,
}

impl Matcher {
    pub fn new(rules: Vec<Arc<Rule>>) -> Matcher {
        let mut literals: Vec<(&RuleText, Role, usize)> = Vec::new();
        let mut unfiltered_patterns = Vec::new();
        let mut rewrite_literals = Vec::with_capacity(rules.len());

        for (rule_index, rule) in rules.iter().enumerate() {
            literals.extend(
                rule.normalized_phrases
                    .iter()
                    .map(|key| (key, Role::Phrase, rule_index)),
            );
            if let (RuleKind::Pattern, Some(pattern)) = (rule.kind, &rule.pattern) {
                match &pattern.prefixes {
                    Some(prefixes) => {
                        literals.extend(prefixes.iter().map(|key| (key, Role::Prefix, rule_index)))
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
        let literals = LiteralSearcher::new(literals).map(Arc::new);
        let per_rule: Vec<&[RuleText]> = rules
            .iter()
            .map(|rule| rule.normalized_exceptions.as_slice())
            .collect();
        let exceptions = Arc::new(ExceptionSet::new(&per_rule));

        Matcher {
            rules,
            literals,
            exceptions,
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
        let hits = OnceCell::new();
        let mut matches = Vec::new();
        let mut pattern_starts = Vec::new();
        if let Some(literals) = &self.literals {
            let mut occurrences = Vec::new();
            literals.occurrences(&view.text, &mut occurrences);
            for found in &occurrences {
                pattern_starts.extend(
                    literals
                        .prefix_of(found.entry)
                        .iter()
                        .map(|&rule| (rule, found.start)),
                );
            }
            occurrences.retain(|found| !literals.phrase_of(found.entry).is_empty());
            self.find_phrases(literals, text, &view, &hits, occurrences, &mut matches);
        }
        self.find_patterns(text, &view, &hits, pattern_starts, &mut matches);
        matches.sort_by(|a, b| {
            (a.span.start, a.span.end, a.rule).cmp(&(b.span.start, b.span.end, b.rule))
        });
        matches.dedup_by(|a, b| a.rule == b.rule && a.span == b.span);
        matches
    }

    /// Selects phrase matches leftmost-longest. A candidate that no rule keeps (wrong word
    /// boundary, an exception, already the rewrite) may hide a shorter phrase that starts later
    /// inside it, so selection resumes at its next character rather than at its end. A clause
    /// rule does not match again inside a clause it already covers: that match would lie
    /// within the first one and say the same.
    fn find_phrases(
        &self,
        literals: &LiteralSearcher,
        text: &str,
        view: &NormalizedText,
        hits: &OnceCell<ExceptionHits>,
        mut occurrences: Vec<Occurrence>,
        out: &mut Vec<RuleMatch>,
    ) {
        let haystack = view.text.as_str();
        leftmost_longest_order(&mut occurrences);
        let mut clauses = Clauses::new(haystack);
        // `(rule, end of the clause it last matched)`, for the few clause rules.
        let mut clause_covered: Vec<(usize, usize)> = Vec::new();
        let mut position = 0;
        for found in occurrences {
            if found.start < position {
                continue;
            }
            let range = found.start..found.end;
            let mut accepted = false;
            if literals.boundaries(found.entry).hold(haystack, &range) {
                for &rule_index in literals.phrase_of(found.entry) {
                    let clause = self.rules[rule_index]
                        .clause
                        .then(|| clauses.after(range.end));
                    if !self.keeps(rule_index, haystack, hits, &range, clause.as_ref()) {
                        continue;
                    }
                    accepted = true;
                    if let Some(clause) = &clause {
                        let inside_last = clause_covered
                            .iter()
                            .any(|&(rule, until)| rule == rule_index && range.end <= until);
                        if inside_last {
                            continue;
                        }
                        clause_covered.retain(|&(rule, _)| rule != rule_index);
                        clause_covered.push((rule_index, clause.rest.end));
                    }
                    out.push(phrase_match(rule_index, text, view, range.clone(), clause));
                }
            }
            position = if accepted {
                found.end
            } else {
                found.start
                    + haystack[found.start..]
                        .chars()
                        .next()
                        .map_or(1, char::len_utf8)
            };
        }
    }

    /// Runs each pattern only where one of its prefixes occurs, as an anchored search, so the
    /// cost follows the candidates rather than the length of the text (and a pattern with a
    /// Unicode `\b` never falls back to a slow whole-text scan). Patterns without prefixes are
    /// searched everywhere. Matches of one rule never overlap, as with a left-to-right search.
    fn find_patterns(
        &self,
        text: &str,
        view: &NormalizedText,
        hits: &OnceCell<ExceptionHits>,
        mut starts: Vec<(usize, usize)>,
        out: &mut Vec<RuleMatch>,
    ) {
        let haystack = view.text.as_str();
        starts.sort_unstable();
        starts.dedup();

        let mut current: Option<(usize, Captures)> = None;
        let mut covered_until = 0;
        for (rule_index, start) in starts {
            let Some(regex) = self.pattern_regex(rule_index) else {
                continue;
            };
            if current.as_ref().is_none_or(|(rule, _)| *rule != rule_index) {
                current = Some((rule_index, regex.create_captures()));
                covered_until = 0;
            }
            let Some((_, captures)) = current.as_mut() else {
                continue;
            };
            if start < covered_until {
                continue;
            }
            let input = Input::new(haystack)
                .span(start..haystack.len())
                .anchored(Anchored::Yes);
            regex.search_captures(&input, captures);
            if let Some(end) = self.push_pattern_match(rule_index, text, view, hits, captures, out)
            {
                covered_until = end;
            }
        }

        for &rule_index in &self.unfiltered_patterns {
            let Some(regex) = self.pattern_regex(rule_index) else {
                continue;
            };
            for captures in regex.captures_iter(haystack) {
                self.push_pattern_match(rule_index, text, view, hits, &captures, out);
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
        hits: &OnceCell<ExceptionHits>,
        captures: &Captures,
        out: &mut Vec<RuleMatch>,
    ) -> Option<usize> {
        let whole = captures.get_match()?.range();
        if whole.is_empty() || !self.keeps(rule_index, &view.text, hits, &whole, None) {
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

    /// For a clause rule (`clause` is its clause) the exceptions apply to the whole clause it
    /// would underline, so that "I can't … unless …" can be left to a more specific rule. The
    /// exceptions of the whole text are found the first time a rule with exceptions asks.
    fn keeps(
        &self,
        rule_index: usize,
        haystack: &str,
        hits: &OnceCell<ExceptionHits>,
        range: &Range<usize>,
        clause: Option<&Clause>,
    ) -> bool {
        let covered = match clause {
            Some(clause) => range.start..clause.exceptions_until.max(range.end),
            None => range.clone(),
        };
        let excepted = self.exceptions.has_any(rule_index)
            && self.exceptions.excepted(
                hits.get_or_init(|| self.exceptions.hits(haystack)),
                rule_index,
                &covered,
            );
        !excepted && !self.reads_like_rewrite(rule_index, haystack, range)
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

/// A phrase match in segment offsets; a clause rule's match runs on to the end of its clause.
fn phrase_match(
    rule_index: usize,
    text: &str,
    view: &NormalizedText,
    range: Range<usize>,
    clause: Option<Clause>,
) -> RuleMatch {
    let Some(clause) = clause else {
        return RuleMatch {
            rule: rule_index,
            span: view.to_original(text, range),
            captures: Vec::new(),
            rest: None,
            terminator: None,
        };
    };
    let rest = view.to_original(text, clause.rest.clone());
    let phrase = view.to_original(text, range);
    let end = if clause.rest.is_empty() {
        phrase.end
    } else {
        rest.end
    };
    RuleMatch {
        rule: rule_index,
        span: phrase.start..end,
        captures: Vec::new(),
        rest: Some(rest),
        terminator: clause
            .terminator
            .map(|terminator| view.to_original(text, terminator)),
    }
}
