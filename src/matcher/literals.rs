//! Finding every literal of every rule, phrases and pattern prefixes alike, in one pass.
//!
//! Two strategies with identical results: a first-character index, which costs nothing to build
//! and is fast on short texts, and an Aho-Corasick automaton (a contiguous NFA: milliseconds to
//! build, fast on everything), built once a run has seen enough text to repay it. A one-draft
//! check never pays for an automaton.
//!
//! For the built-in packs the searcher's tables are generated with the rule data
//! (`builtin_data.rs`, see [`LiteralTables`]), so a one-draft check with the built-in rules does
//! not spend its start-up grouping thousands of literals.
//!
//! A DFA scans about twice as fast, but its size grows with the literals times the byte classes
//! (9 MB for the built-in packs, over 100 MB for a rule set ten times larger), so cost and memory
//! would jump with the size of a team's rules. The NFA keeps both proportional.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use rustc_hash::FxHashMap;

use super::clause::Boundaries;
use crate::rules::RuleText;

/// Text volume after which building the automaton pays for itself.
const AUTOMATON_THRESHOLD: usize = 256 * 1024;

pub(super) use crate::rules::kinds::KeyRole as Role;

/// One distinct literal: for each role, the owners it has that role for (rules, or sequence
/// parts for [`Role::Part`]), as ranges of the searcher's `rule_list`; and where it may sit among
/// its neighbours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    owners: [Range<u32>; Role::ALL.len()],
    boundaries: Boundaries,
}

impl Entry {
    /// An entry as generated code writes it: where each role's owners start in `rule_list`
    /// (the last number is where the final role's owners end), and the boundary bits of
    /// [`Boundaries::bits`].
    pub(crate) const fn generated(starts: [u32; Role::ALL.len() + 1], boundaries: u8) -> Entry {
        let mut owners = [0..0, 0..0, 0..0, 0..0, 0..0, 0..0, 0..0];
        let mut role = 0;
        while role < owners.len() {
            owners[role] = starts[role]..starts[role + 1];
            role += 1;
        }
        Entry {
            owners,
            boundaries: Boundaries::from_bits(boundaries),
        }
    }
}

/// A [`LiteralSearcher`]'s tables as static data: what `tests/codegen_builtin.rs` writes into
/// `builtin_data.rs` for the built-in packs, from [`LiteralSearcher::tables_source`].
pub(crate) struct LiteralTables {
    pub keys: &'static [RuleText],
    pub entries: &'static [Entry],
    pub rule_list: &'static [usize],
    pub order: &'static [u32],
    pub first_chars: &'static [(char, Range<u32>)],
    /// The group of each sequence part, by part id.
    pub part_groups: &'static [u32],
    /// The groups of each rule's condition literals, by [`Condition`] ([`NO_GROUP_DATA`]: none).
    pub condition_groups: &'static [[u32; CONDITION_ROLES.len()]],
}

/// The roles of condition literals, in the order of [`ConditionGroups`].
pub(crate) const CONDITION_ROLES: [Role; 4] = [
    Role::Unless,
    Role::Subject,
    Role::NotSubject,
    Role::Exception,
];

/// A rule's conditions, indexing [`ConditionGroups`] in the order of [`CONDITION_ROLES`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Condition {
    Unless,
    Subject,
    NotSubject,
    Exception,
}

/// The literal group of each of a rule's conditions; [`NO_GROUP`] where it has none.
pub(crate) type ConditionGroups = [usize; CONDITION_ROLES.len()];

/// No group: no literal is ever recorded under it.
pub(crate) const NO_GROUP: usize = usize::MAX;

/// [`NO_GROUP`] in generated tables.
const NO_GROUP_DATA: u32 = u32::MAX;

/// Literal groups: each distinct list of literals of one role (a sequence part, a rule's
/// `unless` phrases, …) gets one id, and the literals are owned by the group rather than by every
/// rule or part that uses the list. Classes make lists repeat: `{you}` is the first part of
/// hundreds of sequences, so an occurrence of "you" is recorded once per group instead of once
/// per sequence, and its cost no longer grows with the number of rules that share a class.
#[derive(Debug, Default)]
pub(crate) struct Groups<'a> {
    ids: FxHashMap<(Role, Vec<&'a str>), usize>,
    /// The group of each sequence part, by part id.
    pub parts: Vec<usize>,
    /// The condition groups of each rule, by rule index.
    pub rules: Vec<ConditionGroups>,
}

impl<'a> Groups<'a> {
    /// The group of `keys` in `role`; a new group adds its literals to `triples`.
    pub(crate) fn of(
        &mut self,
        keys: &'a [RuleText],
        role: Role,
        triples: &mut Vec<(&'a RuleText, Role, usize)>,
    ) -> usize {
        let mut list: Vec<&'a str> = keys.iter().map(|key| &**key).collect();
        list.sort_unstable();
        list.dedup();
        let next = self.ids.len();
        let id = *self.ids.entry((role, list)).or_insert(next);
        if id == next {
            triples.extend(keys.iter().map(|key| (key, role, id)));
        }
        id
    }
}

/// One occurrence of a literal in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Occurrence {
    pub entry: usize,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug)]
pub(super) struct LiteralSearcher {
    keys: Cow<'static, [RuleText]>,
    entries: Cow<'static, [Entry]>,
    rule_list: Cow<'static, [usize]>,
    /// Entry indices ordered by first character, longest key first within one character.
    order: Cow<'static, [u32]>,
    /// The slice of `order` for each first character, sorted by character.
    first_chars: Cow<'static, [(char, Range<u32>)]>,
    part_groups: Cow<'static, [u32]>,
    condition_groups: Cow<'static, [[u32; CONDITION_ROLES.len()]]>,
    /// `None` inside when the automaton could not be built (a rule set beyond its state limits):
    /// the first-character index then serves every text, more slowly but with the same results.
    automaton: OnceLock<Option<AhoCorasick>>,
    scanned: AtomicUsize,
}

impl LiteralSearcher {
    /// Groups `(normalised literal, role, rule)` triples by literal. Everything lives in a few
    /// flat vectors: this runs at every start-up for thousands of literals, and per-literal
    /// allocations used to cost more than checking a draft.
    ///
    /// The owners of phrase and prefix literals are rules; those of the other roles are groups,
    /// `part_groups` and `condition_groups` say which (see [`Groups`]).
    pub(super) fn new(
        triples: Vec<(&RuleText, Role, usize)>,
        part_groups: Vec<usize>,
        condition_groups: Vec<ConditionGroups>,
    ) -> Option<LiteralSearcher> {
        let mut positions: FxHashMap<&str, u32> = FxHashMap::default();
        positions.reserve(triples.len());
        let mut keys: Vec<RuleText> = Vec::with_capacity(triples.len());
        let mut owners: Vec<(u32, Role, usize)> = Vec::with_capacity(triples.len());
        for (key, role, rule_index) in triples {
            if key.is_empty() {
                continue;
            }
            let position = *positions.entry(&**key).or_insert_with(|| {
                keys.push(key.clone());
                (keys.len() - 1) as u32
            });
            owners.push((position, role, rule_index));
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
            let mut take = |role: Role| {
                let start = rule_list.len() as u32;
                while let Some((_, _, rule_index)) = owners.next_if(|&(owner, owner_role, _)| {
                    owner as usize == index && owner_role == role
                }) {
                    rule_list.push(rule_index);
                }
                start..rule_list.len() as u32
            };
            let by_role = Role::ALL.map(&mut take);
            entries.push(Entry {
                owners: by_role,
                boundaries: Boundaries::of(key),
            });
        }

        let mut sorted: Vec<(char, Reverse<usize>, u32)> = keys
            .iter()
            .enumerate()
            .map(|(index, key)| {
                let first = key.chars().next().unwrap_or('\0');
                (first, Reverse(key.len()), index as u32)
            })
            .collect();
        sorted.sort_unstable();
        let mut first_chars: Vec<(char, Range<u32>)> = Vec::new();
        let mut start = 0;
        for end in 1..=sorted.len() {
            if end == sorted.len() || sorted[end].0 != sorted[start].0 {
                first_chars.push((sorted[start].0, start as u32..end as u32));
                start = end;
            }
        }
        let order = sorted.into_iter().map(|(_, _, index)| index).collect();

        let to_data = |group: usize| {
            if group == NO_GROUP {
                NO_GROUP_DATA
            } else {
                group as u32
            }
        };
        Some(LiteralSearcher {
            keys: Cow::Owned(keys),
            entries: Cow::Owned(entries),
            rule_list: Cow::Owned(rule_list),
            order: Cow::Owned(order),
            first_chars: Cow::Owned(first_chars),
            part_groups: part_groups.into_iter().map(to_data).collect(),
            condition_groups: condition_groups
                .into_iter()
                .map(|groups| groups.map(to_data))
                .collect(),
            automaton: OnceLock::new(),
            scanned: AtomicUsize::new(0),
        })
    }

    /// The group of sequence part `part`.
    pub(super) fn part_group(&self, part: usize) -> usize {
        self.part_groups[part] as usize
    }

    /// The groups of the rule's condition literals.
    pub(super) fn condition_groups(&self, rule: usize) -> ConditionGroups {
        self.condition_groups[rule].map(|group| {
            if group == NO_GROUP_DATA {
                NO_GROUP
            } else {
                group as usize
            }
        })
    }

    /// A searcher over generated tables: no work at all until a text is searched.
    pub(super) fn from_tables(tables: &'static LiteralTables) -> LiteralSearcher {
        LiteralSearcher {
            keys: Cow::Borrowed(tables.keys),
            entries: Cow::Borrowed(tables.entries),
            rule_list: Cow::Borrowed(tables.rule_list),
            order: Cow::Borrowed(tables.order),
            first_chars: Cow::Borrowed(tables.first_chars),
            part_groups: Cow::Borrowed(tables.part_groups),
            condition_groups: Cow::Borrowed(tables.condition_groups),
            automaton: OnceLock::new(),
            scanned: AtomicUsize::new(0),
        }
    }

    #[cfg(test)]
    /// Whether two searchers have the same tables (the generated ones against a fresh build).
    pub(super) fn same_tables(&self, other: &LiteralSearcher) -> bool {
        self.keys == other.keys
            && self.entries == other.entries
            && self.rule_list == other.rule_list
            && self.order == other.order
            && self.first_chars == other.first_chars
            && self.part_groups == other.part_groups
            && self.condition_groups == other.condition_groups
    }

    /// The tables as a Rust `LiteralTables` expression, for the generated built-in data.
    pub(super) fn tables_source(&self) -> String {
        let mut out = String::from("LiteralTables {\n    keys: &[\n");
        for key in self.keys.iter() {
            let _ = writeln!(out, "        B({:?}),", &**key);
        }
        out.push_str("    ],\n    entries: &[\n");
        for entry in self.entries.iter() {
            let mut starts: Vec<u32> = entry.owners.iter().map(|range| range.start).collect();
            starts.push(entry.owners[entry.owners.len() - 1].end);
            let starts: Vec<String> = starts.iter().map(u32::to_string).collect();
            let _ = writeln!(
                out,
                "        Entry::generated([{}], {}),",
                starts.join(", "),
                entry.boundaries.bits()
            );
        }
        out.push_str("    ],\n    rule_list: &[");
        write_numbers(&mut out, self.rule_list.iter().map(|&rule| rule as u64));
        out.push_str("],\n    order: &[");
        write_numbers(&mut out, self.order.iter().map(|&entry| u64::from(entry)));
        out.push_str("],\n    first_chars: &[\n");
        for (c, range) in self.first_chars.iter() {
            let _ = writeln!(out, "        ({c:?}, {}..{}),", range.start, range.end);
        }
        out.push_str("    ],\n    part_groups: &[");
        write_numbers(
            &mut out,
            self.part_groups.iter().map(|&group| u64::from(group)),
        );
        out.push_str("],\n    condition_groups: &[\n");
        for groups in self.condition_groups.iter() {
            let groups: Vec<String> = groups.iter().map(u32::to_string).collect();
            let _ = writeln!(out, "        [{}],", groups.join(", "));
        }
        out.push_str("    ],\n}");
        out
    }

    pub(super) fn boundaries(&self, entry: usize) -> Boundaries {
        self.entries[entry].boundaries
    }

    /// The rules the literal is a phrase of.
    pub(super) fn phrase_of(&self, entry: usize) -> &[usize] {
        self.owners(entry, Role::Phrase)
    }

    /// The pattern rules the literal is a prefix of.
    pub(super) fn prefix_of(&self, entry: usize) -> &[usize] {
        self.owners(entry, Role::Prefix)
    }

    /// What the literal is `role` for: rules for phrases and prefixes, groups for the others.
    pub(super) fn owners(&self, entry: usize, role: Role) -> &[usize] {
        let range = &self.entries[entry].owners[role as usize];
        &self.rule_list[range.start as usize..range.end as usize]
    }

    /// Whether the literal has any role besides phrase and prefix.
    pub(super) fn has_context_roles(&self, entry: usize) -> bool {
        self.entries[entry].owners[Role::Part as usize..]
            .iter()
            .any(|range| !range.is_empty())
    }

    fn candidates(&self, c: char) -> &[u32] {
        let range = match self
            .first_chars
            .binary_search_by_key(&c, |(first, _)| *first)
        {
            Ok(index) => self.first_chars[index].1.clone(),
            Err(_) => 0..0,
        };
        &self.order[range.start as usize..range.end as usize]
    }

    /// The automaton, if this text should use it.
    fn automaton_for(&self, haystack: &str) -> Option<&AhoCorasick> {
        if self.automaton.get().is_none() {
            let scanned = self.scanned.fetch_add(haystack.len(), Ordering::Relaxed);
            if haystack.len() < AUTOMATON_THRESHOLD / 4 && scanned < AUTOMATON_THRESHOLD {
                return None;
            }
        }
        self.automaton
            .get_or_init(|| {
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(self.keys.iter().map(|key| key.as_bytes()))
                    .ok()
            })
            .as_ref()
    }

    /// Every occurrence of every literal, overlapping ones included, in no particular order.
    pub(super) fn occurrences(&self, haystack: &str, found: &mut Vec<Occurrence>) {
        if let Some(automaton) = self.automaton_for(haystack) {
            found.extend(
                automaton
                    .find_overlapping_iter(haystack)
                    .map(|occurrence| Occurrence {
                        entry: occurrence.pattern().as_usize(),
                        start: occurrence.start(),
                        end: occurrence.end(),
                    }),
            );
            return;
        }
        for (start, c) in haystack.char_indices() {
            for &entry in self.candidates(c) {
                let key = &*self.keys[entry as usize];
                if haystack[start..].starts_with(key) {
                    found.push(Occurrence {
                        entry: entry as usize,
                        start,
                        end: start + key.len(),
                    });
                }
            }
        }
    }
}

/// Writes numbers separated by commas, twenty to a line, so generated tables stay readable.
fn write_numbers(out: &mut String, numbers: impl Iterator<Item = u64>) {
    for (index, number) in numbers.enumerate() {
        if index % 20 == 0 {
            out.push_str("\n        ");
        } else {
            out.push(' ');
        }
        let _ = write!(out, "{number},");
    }
    out.push_str("\n    ");
}

/// Orders phrase occurrences so that, from any position, the first one starting there or later
/// is the leftmost-longest match: by start, then longest first.
pub(super) fn leftmost_longest_order(occurrences: &mut [Occurrence]) {
    occurrences.sort_unstable_by_key(|found| (found.start, Reverse(found.end), found.entry));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Vec<RuleText> {
        ["ab", "abc", "b", "bcd", "你好", "你", "好的呀", "c d", "d"]
            .into_iter()
            .map(RuleText::from)
            .collect()
    }

    fn random_texts() -> impl Iterator<Item = String> {
        let alphabet: Vec<char> = "abcd 你好的呀".chars().collect();
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        (0..2000).map(move |_| {
            let mut text = String::new();
            for _ in 0..12 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            text
        })
    }

    /// A searcher over the test keys, and a plain automaton of the given kind over the same keys.
    fn searcher_and_automaton(kind: MatchKind) -> (LiteralSearcher, AhoCorasick) {
        let keys = keys();
        let triples = keys
            .iter()
            .enumerate()
            .map(|(rule, key)| (key, Role::Phrase, rule));
        let searcher = LiteralSearcher::new(triples.collect(), Vec::new(), Vec::new()).unwrap();
        let automaton = AhoCorasickBuilder::new()
            .match_kind(kind)
            .build(searcher.keys.iter().map(|key| key.as_bytes()))
            .unwrap();
        (searcher, automaton)
    }

    /// The first-character index and the automaton must agree everywhere, or a run's results
    /// would depend on how much text it had seen before.
    #[test]
    fn both_strategies_find_the_same_occurrences() {
        let (searcher, automaton) = searcher_and_automaton(MatchKind::Standard);
        for text in random_texts() {
            let mut small = Vec::new();
            searcher.occurrences(&text, &mut small);
            let mut large: Vec<Occurrence> = automaton
                .find_overlapping_iter(&text)
                .map(|found| Occurrence {
                    entry: found.pattern().as_usize(),
                    start: found.start(),
                    end: found.end(),
                })
                .collect();
            leftmost_longest_order(&mut small);
            leftmost_longest_order(&mut large);
            assert_eq!(small, large, "{text:?}");
        }
    }

    /// Selecting from sorted occurrences must give exactly what a leftmost-longest automaton
    /// reports, which is the matching semantics the rules are written against.
    #[test]
    fn selection_from_occurrences_is_leftmost_longest() {
        let (searcher, leftmost_longest) = searcher_and_automaton(MatchKind::LeftmostLongest);
        for text in random_texts() {
            let mut found = Vec::new();
            searcher.occurrences(&text, &mut found);
            leftmost_longest_order(&mut found);
            let mut selected = Vec::new();
            let mut position = 0;
            for occurrence in found {
                if occurrence.start >= position {
                    selected.push((occurrence.start, occurrence.end));
                    position = occurrence.end;
                }
            }
            let expected: Vec<(usize, usize)> = leftmost_longest
                .find_iter(&text)
                .map(|found| (found.start(), found.end()))
                .collect();
            assert_eq!(selected, expected, "{text:?}");
        }
    }
}
