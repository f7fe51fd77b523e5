//! Finding rule matches in one segment of text.
//!
//! Every literal of every rule (the phrases of `swap` and `avoid` rules, and the prefixes every
//! match of a `pattern` rule must start with) is compiled once into a single Aho-Corasick
//! automaton, so one pass over the text finds all candidates and its cost does not grow with the
//! number of rules (`literals`). Phrases are then selected leftmost-longest; patterns are run
//! as anchored searches only where one of their prefixes occurs. Matching happens on the
//! [`NormalizedText`] view; every range handed on is mapped back to the segment's own bytes.

mod clause;
mod context;
mod literals;
mod words;

use std::ops::Range;
use std::sync::Arc;

use regex_automata::meta::Regex;
use regex_automata::util::captures::Captures;
use regex_automata::{Anchored, Input};
use rustc_hash::FxHashMap;

use crate::normalize::{self, NormalizedText};
use crate::rules::kinds::Scan;
use crate::rules::{Rule, RuleText, Severity};
use crate::source::floor_char_boundary;
use clause::{Clause, Clauses};
use context::Hits;
use literals::{
    leftmost_longest_order, Condition, ConditionGroups, Groups, LiteralSearcher, Occurrence, Role,
    CONDITION_ROLES, NO_GROUP,
};
pub(crate) use literals::{Entry, LiteralTables};

/// The longest text a pattern match may take in, in bytes of the normalised text from where it
/// starts. Each search looks no further, so a pattern like `(a+)+$` or `[^。]*` costs at most this
/// much per place it could start, however long the line: a match that would run on is cut here
/// (a greedy one) or not found (one that needs what lies beyond).
pub const MAX_PATTERN_MATCH_BYTES: usize = 1024;

/// The shortest text for which a pattern's screen (see [`crate::rules::Pattern::screen`]) is
/// compiled and used: on a draft, compiling it would cost more than the searches it saves.
/// Either way the matches are the same.
const SCREEN_MIN_BYTES: usize = 16 * 1024;

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
    /// The severity to report when an `unless` condition lowered the rule's own.
    pub severity: Option<Severity>,
}

/// The compiled form of a rule set.
#[derive(Debug, Clone)]
pub struct Matcher {
    rules: Vec<Arc<Rule>>,
    literals: Option<Arc<LiteralSearcher>>,
    /// Pattern rules without a usable prefix set, run on every segment.
    unfiltered_patterns: Vec<usize>,
    /// Normalised literal pieces of each rule's rewrites.
    rewrite_literals: Vec<Vec<String>>,
    /// Every sequence of every rule; its part `p` is part id `first_part + p`.
    sequences: Vec<SequenceRef>,
}

/// Where a rule's sequence is and which part ids its parts have.
#[derive(Debug, Clone, Copy)]
struct SequenceRef {
    rule: usize,
    sequence: usize,
    first_part: usize,
}

impl Matcher {
    pub fn new(rules: Vec<Arc<Rule>>) -> Matcher {
        Matcher::build(rules, None)
    }

    /// A matcher whose literal searcher comes from generated `tables` (the built-in packs'),
    /// which must have been generated from exactly these rules in this order.
    pub(crate) fn with_tables(rules: Vec<Arc<Rule>>, tables: &'static LiteralTables) -> Matcher {
        Matcher::build(rules, Some(tables))
    }

    fn build(rules: Vec<Arc<Rule>>, tables: Option<&'static LiteralTables>) -> Matcher {
        let mut literals: Vec<(&RuleText, Role, usize)> = Vec::new();
        // Generated tables already hold every literal's owners and the groups; the triples and
        // groups are only the input of a searcher built here.
        let collect = tables.is_none();
        let mut groups = Groups::default();
        let mut unfiltered_patterns = Vec::new();
        let mut rewrite_literals = Vec::with_capacity(rules.len());

        let mut keys = Vec::new();
        let mut sequences = Vec::new();
        let mut part_count = 0;
        for (rule_index, rule) in rules.iter().enumerate() {
            keys.clear();
            if rule.behaviour().keys(rule, &mut keys) == Scan::Everywhere {
                unfiltered_patterns.push(rule_index);
            }
            if collect {
                literals.extend(keys.drain(..).map(|(key, role)| (key, role, rule_index)));
            }
            for (index, sequence) in rule.sequences.iter().enumerate() {
                sequences.push(SequenceRef {
                    rule: rule_index,
                    sequence: index,
                    first_part: part_count,
                });
                for part in &sequence.parts {
                    if collect {
                        let group = groups.of(part, Role::Part, &mut literals);
                        groups.parts.push(group);
                    }
                    part_count += 1;
                }
            }
            if collect {
                let conditions = [
                    (
                        rule.unless.as_ref().map(|unless| &unless.phrases.keys),
                        Role::Unless,
                    ),
                    (Some(&rule.when_subject.keys), Role::Subject),
                    (Some(&rule.unless_subject.keys), Role::NotSubject),
                    (Some(&rule.normalized_exceptions), Role::Exception),
                ];
                let mut of_rule = [NO_GROUP; CONDITION_ROLES.len()];
                for (slot, (keys, role)) in of_rule.iter_mut().zip(conditions) {
                    if let Some(keys) = keys.filter(|keys| !keys.is_empty()) {
                        *slot = groups.of(keys, role, &mut literals);
                    }
                }
                groups.rules.push(of_rule);
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
        let literals = match tables {
            Some(tables) => Some(LiteralSearcher::from_tables(tables)),
            None => LiteralSearcher::new(literals, groups.parts, groups.rules),
        }
        .map(Arc::new);
        Matcher {
            rules,
            literals,
            unfiltered_patterns,
            rewrite_literals,
            sequences,
        }
    }

    pub fn rules(&self) -> &[Arc<Rule>] {
        &self.rules
    }

    #[cfg(test)]
    /// Whether this matcher's literal tables are exactly those a fresh build from its rules
    /// gives: the check that generated tables are not stale.
    pub(crate) fn tables_are_fresh(&self) -> bool {
        let fresh = Matcher::new(self.rules.clone());
        match (&self.literals, &fresh.literals) {
            (Some(ours), Some(theirs)) => ours.same_tables(theirs),
            (None, None) => true,
            _ => false,
        }
    }
}

/// The literal tables of `rules`, as the Rust expression `tests/codegen_builtin.rs` writes into
/// the generated built-in data. Not for general use.
#[doc(hidden)]
pub fn literal_tables_source(rules: &crate::RuleSet) -> Option<String> {
    let matcher = Matcher::new(rules.rules().cloned().collect());
    matcher
        .literals
        .as_ref()
        .map(|literals| literals.tables_source())
}

impl Matcher {
    /// Every match in `text`, ordered by position and then by rule.
    pub fn find(&self, text: &str) -> Vec<RuleMatch> {
        let view = NormalizedText::new(text);
        let mut matches = Vec::new();
        let mut pattern_starts = Vec::new();
        let mut context = Hits::default();
        // Occurrences of each group's literals: groups are shared, so a common literal ("you",
        // 您) is recorded once per distinct list it belongs to, not once per rule using it.
        let mut part_hits: FxHashMap<usize, Vec<Range<usize>>> = FxHashMap::default();
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
                if literals.has_context_roles(found.entry) {
                    let range = found.start..found.end;
                    if !literals.boundaries(found.entry).hold(&view.text, &range) {
                        continue;
                    }
                    for &group in literals.owners(found.entry, Role::Part) {
                        part_hits.entry(group).or_default().push(range.clone());
                    }
                    for role in CONDITION_ROLES {
                        for &group in literals.owners(found.entry, role) {
                            context.push(group, role, range.clone());
                        }
                    }
                }
            }
            context.sort();
            occurrences.retain(|found| !literals.phrase_of(found.entry).is_empty());
            self.find_phrases(literals, text, &view, &context, occurrences, &mut matches);
        }
        self.find_patterns(text, &view, &context, pattern_starts, &mut matches);
        if let Some(literals) = self.literals.as_deref().filter(|_| !part_hits.is_empty()) {
            self.find_sequences(literals, text, &view, &context, part_hits, &mut matches);
        }
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
    // The text, its view and the two kinds of hits found in the one automaton pass travel
    // together; a struct for them would only rename the arguments.
    #[allow(clippy::too_many_arguments)]
    fn find_phrases(
        &self,
        literals: &LiteralSearcher,
        text: &str,
        view: &NormalizedText,
        context: &Hits,
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
                    if !self.words_hold(rule_index, haystack, &range) {
                        continue;
                    }
                    let clause = self.rules[rule_index]
                        .clause
                        .then(|| clauses.after(range.end));
                    let Some(severity) =
                        self.verdict(rule_index, haystack, context, &range, clause.as_ref())
                    else {
                        continue;
                    };
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
                    let mut matched = phrase_match(rule_index, text, view, range.clone(), clause);
                    matched.severity = severity;
                    out.push(matched);
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
        context: &Hits,
        mut starts: Vec<(usize, usize)>,
        out: &mut Vec<RuleMatch>,
    ) {
        let haystack = view.text.as_str();
        starts.sort_unstable();
        starts.dedup();

        let mut current: Option<(usize, Captures)> = None;
        let mut covered_until = 0;
        // On a draft, a pattern whose prefix occurs (a comma, say) but none of whose required
        // literals do is not compiled at all; on a long text, where its prefixes occur
        // everywhere, the compile is paid once and the screen does that work.
        let mut ruled_out = None;
        for (rule_index, start) in starts {
            if ruled_out == Some(rule_index) {
                continue;
            }
            if haystack.len() < SCREEN_MIN_BYTES
                && current.as_ref().is_none_or(|(rule, _)| *rule != rule_index)
                && !self.may_match(rule_index, haystack)
            {
                ruled_out = Some(rule_index);
                continue;
            }
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
                .span(start..window_end(haystack, start, MAX_PATTERN_MATCH_BYTES))
                .anchored(Anchored::Yes);
            if haystack.len() >= SCREEN_MIN_BYTES
                && self
                    .pattern_screen(rule_index)
                    .is_some_and(|screen| screen.search(&input).is_none())
            {
                continue;
            }
            regex.search_captures(&input, captures);
            if let Some(end) =
                self.push_pattern_match(rule_index, text, view, context, captures, out)
            {
                covered_until = end;
            }
        }

        for &rule_index in &self.unfiltered_patterns {
            if !self.may_match(rule_index, haystack) {
                continue;
            }
            let Some(regex) = self.pattern_regex(rule_index) else {
                continue;
            };
            let mut captures = regex.create_captures();
            let screen = self
                .pattern_screen(rule_index)
                .filter(|_| haystack.len() >= SCREEN_MIN_BYTES);
            // Where the screen's next match starts: no match of the pattern starts before it.
            let mut screened_from = 0;
            let mut position = 0;
            while position < haystack.len() {
                if let Some(screen) = screen {
                    if position >= screened_from {
                        let input = Input::new(haystack).span(position..haystack.len());
                        screened_from = screen
                            .search(&input)
                            .map_or(haystack.len(), |found| found.start());
                    }
                    // Step as the search below would over windows that cannot hold a match, so
                    // the windows searched (and so a long match's cut) are the same with or
                    // without the screen.
                    while position < haystack.len()
                        && window_end(haystack, position, 2 * MAX_PATTERN_MATCH_BYTES)
                            <= screened_from
                    {
                        position = window_end(haystack, position, MAX_PATTERN_MATCH_BYTES);
                    }
                    if position >= haystack.len() {
                        break;
                    }
                }
                // A window twice the longest match: a match starting in its first half is found
                // whole; without one, the second half is searched again with what follows.
                let end = window_end(haystack, position, 2 * MAX_PATTERN_MATCH_BYTES);
                regex.search_captures(&Input::new(haystack).span(position..end), &mut captures);
                let Some(found) = captures.get_match().map(|found| found.range()) else {
                    position = window_end(haystack, position, MAX_PATTERN_MATCH_BYTES);
                    continue;
                };
                if found.start - position > MAX_PATTERN_MATCH_BYTES && end < haystack.len() {
                    position = found.start;
                    continue;
                }
                self.push_pattern_match(rule_index, text, view, context, &captures, out);
                position = if found.is_empty() {
                    next_char(haystack, found.start)
                } else {
                    found.end
                };
            }
        }
    }

    fn pattern_regex(&self, rule_index: usize) -> Option<&Regex> {
        self.rules[rule_index]
            .pattern
            .as_ref()
            .and_then(|pattern| pattern.regex())
    }

    /// Whether the text holds one of the literals every match of the rule's pattern contains
    /// (true when the pattern has no such set).
    fn may_match(&self, rule_index: usize, haystack: &str) -> bool {
        self.rules[rule_index]
            .pattern
            .as_ref()
            .is_none_or(|pattern| pattern.may_occur_in(haystack))
    }

    fn pattern_screen(&self, rule_index: usize) -> Option<&Regex> {
        self.rules[rule_index]
            .pattern
            .as_ref()
            .and_then(|pattern| pattern.screen())
    }

    /// Records a pattern match; returns where it ends in the normalised text.
    // The text, its view and the two kinds of hits found in the one automaton pass travel
    // together; a struct for them would only rename the arguments.
    #[allow(clippy::too_many_arguments)]
    fn push_pattern_match(
        &self,
        rule_index: usize,
        text: &str,
        view: &NormalizedText,
        context: &Hits,
        captures: &Captures,
        out: &mut Vec<RuleMatch>,
    ) -> Option<usize> {
        let whole = captures.get_match()?.range();
        if whole.is_empty() {
            return None;
        }
        let severity = self.verdict(rule_index, &view.text, context, &whole, None)?;
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
            severity,
        });
        Some(whole.end)
    }

    /// Finds each sequence part by part: from every occurrence of its first part, the nearest
    /// occurrence of the next part that starts after it, if the gap between them fits. Parts
    /// come from the one automaton pass, so the cost follows the occurrences, not the text.
    fn find_sequences(
        &self,
        literals: &LiteralSearcher,
        text: &str,
        view: &NormalizedText,
        context: &Hits,
        mut part_hits: FxHashMap<usize, Vec<Range<usize>>>,
        out: &mut Vec<RuleMatch>,
    ) {
        let haystack = view.text.as_str();
        for found in part_hits.values_mut() {
            found.sort_unstable_by_key(|hit| (hit.start, std::cmp::Reverse(hit.end)));
        }
        // The words between two hits, by their ends: sequences share their parts' groups, so
        // the same gap is asked about for many sequences.
        let mut gaps: FxHashMap<(usize, usize), Option<u8>> = FxHashMap::default();
        let mut parts: Vec<&[Range<usize>]> = Vec::new();
        for reference in &self.sequences {
            let sequence = &self.rules[reference.rule].sequences[reference.sequence];
            parts.clear();
            for part in 0..=sequence.gaps.len() {
                match part_hits.get(&literals.part_group(reference.first_part + part)) {
                    Some(hits) => parts.push(hits),
                    // A part none of whose literals occurs: the sequence matches nowhere.
                    None => break,
                }
            }
            if parts.len() != sequence.gaps.len() + 1 {
                continue;
            }
            let firsts = parts[0];
            // The second part's hits before the current first hit's start: first hits come in
            // order of start, so this only moves forward, and the hit after a first one is
            // found by stepping over the few that start inside it instead of a binary search
            // per first hit (a common first part such as "you" has thousands of hits, each
            // tried for hundreds of sequences).
            let mut passed = 0;
            let mut covered_until = 0;
            'first: for first in firsts {
                if first.start < covered_until {
                    continue;
                }
                let mut end = first.end;
                for (offset, &gap) in sequence.gaps.iter().enumerate() {
                    let next = parts[offset + 1];
                    let after = if offset == 0 {
                        while passed < next.len() && next[passed].start < first.start {
                            passed += 1;
                        }
                        passed
                            + next[passed..]
                                .iter()
                                .take_while(|hit| hit.start < end)
                                .count()
                    } else {
                        next.partition_point(|hit| hit.start < end)
                    };
                    let mut fits = |hit: &Range<usize>| {
                        context::gap_in_reach(end, hit.start, gap)
                            && gaps
                                .entry((end, hit.start))
                                .or_insert_with(|| context::words_between(haystack, end, hit.start))
                                .is_some_and(|words| words <= gap)
                    };
                    match next.get(after) {
                        Some(hit)
                            if fits(hit) && self.words_hold(reference.rule, haystack, hit) =>
                        {
                            end = hit.end;
                        }
                        _ => continue 'first,
                    }
                }
                if !self.words_hold(reference.rule, haystack, first) {
                    continue;
                }
                let range = first.start..end;
                let Some(severity) = self.verdict(reference.rule, haystack, context, &range, None)
                else {
                    continue;
                };
                covered_until = end;
                out.push(RuleMatch {
                    rule: reference.rule,
                    span: view.to_original(text, range),
                    captures: Vec::new(),
                    rest: None,
                    terminator: None,
                    severity,
                });
            }
        }
    }

    /// Whether a literal the rule wrote with `|` marks keeps its word boundaries where it was
    /// found.
    fn words_hold(&self, rule_index: usize, haystack: &str, range: &Range<usize>) -> bool {
        let breaks = &self.rules[rule_index].word_breaks;
        if breaks.is_empty() {
            return true;
        }
        let found = &haystack[range.clone()];
        breaks
            .iter()
            .filter(|breaks| *breaks.key == *found)
            .all(|breaks| words::breaks_hold(haystack, range, &breaks.at))
    }

    /// Whether a candidate counts, and at which severity: its literal checks ([`Self::keeps`]),
    /// then its context conditions.
    fn verdict(
        &self,
        rule_index: usize,
        haystack: &str,
        context: &Hits,
        range: &Range<usize>,
        clause: Option<&Clause>,
    ) -> Option<Option<Severity>> {
        if !self.keeps(rule_index, haystack, context, range, clause) {
            return None;
        }
        context::verdict(
            &self.rules[rule_index],
            self.condition_groups(rule_index),
            haystack,
            range,
            context,
        )
    }

    /// The groups of the rule's condition literals, by role (see [`CONDITION_ROLES`]).
    fn condition_groups(&self, rule_index: usize) -> ConditionGroups {
        self.literals
            .as_ref()
            .map_or([NO_GROUP; CONDITION_ROLES.len()], |literals| {
                literals.condition_groups(rule_index)
            })
    }

    /// For a clause rule (`clause` is its clause) the exceptions apply to the whole clause it
    /// would underline, so that "I can't … unless …" can be left to a more specific rule.
    /// Exceptions are keys of the one automaton pass, like every other literal.
    fn keeps(
        &self,
        rule_index: usize,
        haystack: &str,
        context: &Hits,
        range: &Range<usize>,
        clause: Option<&Clause>,
    ) -> bool {
        let covered = match clause {
            Some(clause) => range.start..clause.exceptions_until.max(range.end),
            None => range.clone(),
        };
        let exceptions = self.condition_groups(rule_index)[Condition::Exception as usize];
        let excepted = context.excepted(exceptions, &covered);
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

/// The character boundary at most `reach` bytes after `start` (and past it, unless the text
/// ends).
fn window_end(haystack: &str, start: usize, reach: usize) -> usize {
    let end = floor_char_boundary(haystack, start.saturating_add(reach));
    if end > start {
        end
    } else {
        next_char(haystack, start)
    }
}

fn next_char(haystack: &str, offset: usize) -> usize {
    offset + haystack[offset..].chars().next().map_or(1, char::len_utf8)
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
            severity: None,
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
        severity: None,
    }
}
