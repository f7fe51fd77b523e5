//! Where rules' exceptions occur in a text, found once per text.
//!
//! A match is dropped when one of its rule's exceptions overlaps it (for a clause rule, the
//! phrase and its clause). Looking around each match costs the length of what it covers, and a
//! long line with many matches in one clause made that quadratic; instead every exception of
//! every rule is found in one overlapping Aho-Corasick pass over the text (only for a text that
//! has a candidate of a rule with exceptions), and each question is then a binary search.

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use rustc_hash::FxHashMap;

use super::clause::Boundaries;
use crate::rules::RuleText;

/// Texts shorter than this are searched key by key rather than with the automaton.
const SHORT_TEXT_BYTES: usize = 4096;

/// The distinct exceptions of a rule set, and which rules have which.
#[derive(Debug, Clone)]
pub(super) struct ExceptionSet {
    keys: Vec<RuleText>,
    boundaries: Vec<Boundaries>,
    /// The key indices of each rule.
    by_rule: Vec<Vec<usize>>,
    /// Built the first time a text needs its exceptions (most single drafts never do, and the
    /// build is a large part of starting up); `None` when there are no exceptions or the
    /// automaton could not be built, and each key is then searched on its own, with the same
    /// results.
    automaton: OnceLock<Option<AhoCorasick>>,
}

/// The occurrences of every exception in one text: for each key, the starts of those that sit on
/// the word boundaries the key needs, in order.
#[derive(Debug, Clone, Default)]
pub(super) struct ExceptionHits {
    starts: Vec<Vec<usize>>,
}

impl ExceptionSet {
    /// `per_rule[rule]` holds that rule's normalised exceptions.
    pub(super) fn new(per_rule: &[&[RuleText]]) -> ExceptionSet {
        let mut keys: Vec<RuleText> = Vec::new();
        let mut positions: FxHashMap<&str, usize> = FxHashMap::default();
        let mut by_rule = Vec::with_capacity(per_rule.len());
        for exceptions in per_rule {
            let mut indices: Vec<usize> = exceptions
                .iter()
                .filter(|key| !key.is_empty())
                .map(|key| {
                    *positions.entry(&**key).or_insert_with(|| {
                        keys.push(key.clone());
                        keys.len() - 1
                    })
                })
                .collect();
            indices.sort_unstable();
            indices.dedup();
            by_rule.push(indices);
        }
        let boundaries = keys.iter().map(|key| Boundaries::of(key)).collect();
        ExceptionSet {
            keys,
            boundaries,
            by_rule,
            automaton: OnceLock::new(),
        }
    }

    fn automaton(&self) -> Option<&AhoCorasick> {
        self.automaton
            .get_or_init(|| {
                (!self.keys.is_empty())
                    .then(|| {
                        AhoCorasickBuilder::new()
                            .match_kind(MatchKind::Standard)
                            .kind(Some(AhoCorasickKind::ContiguousNFA))
                            .build(self.keys.iter().map(|key| key.as_bytes()))
                            .ok()
                    })
                    .flatten()
            })
            .as_ref()
    }

    pub(super) fn has_any(&self, rule_index: usize) -> bool {
        !self.by_rule[rule_index].is_empty()
    }

    /// Every occurrence of every exception in `haystack`, overlapping ones included. Linear in
    /// the text plus the occurrences.
    pub(super) fn hits(&self, haystack: &str) -> ExceptionHits {
        let mut starts = vec![Vec::new(); self.keys.len()];
        let mut record = |key: usize, start: usize| {
            let exception = start..start + self.keys[key].len();
            if self.boundaries[key].hold(haystack, &exception) {
                starts[key].push(start);
            }
        };
        // Building the automaton costs more than searching a short text for each key in turn,
        // which is what one draft (the case an agent waits on) needs.
        let automaton = if haystack.len() < SHORT_TEXT_BYTES {
            None
        } else {
            self.automaton()
        };
        match automaton {
            Some(automaton) => {
                for found in automaton.find_overlapping_iter(haystack) {
                    record(found.pattern().as_usize(), found.start());
                }
                // Overlapping matches come out by end; one key's are then also by start.
            }
            None => {
                for (key, text) in self.keys.iter().enumerate() {
                    let finder = memchr::memmem::Finder::new(text.as_bytes());
                    let mut from = 0;
                    while let Some(offset) = finder.find(&haystack.as_bytes()[from..]) {
                        record(key, from + offset);
                        from += offset + 1;
                    }
                }
            }
        }
        ExceptionHits { starts }
    }

    /// Whether one of the rule's exceptions overlaps `range`.
    pub(super) fn excepted(
        &self,
        hits: &ExceptionHits,
        rule_index: usize,
        range: &Range<usize>,
    ) -> bool {
        self.by_rule[rule_index].iter().any(|&key| {
            let len = self.keys[key].len();
            let starts = &hits.starts[key];
            // The first occurrence that ends after the range starts is the only one that can
            // also start before it ends: all of one key's occurrences have the same length.
            let first = starts.partition_point(|&start| start + len <= range.start);
            starts.get(first).is_some_and(|&start| start < range.end)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn set(per_rule: &[&[&'static str]]) -> ExceptionSet {
        let owned: Vec<Vec<RuleText>> = per_rule
            .iter()
            .map(|keys| keys.iter().map(|key| Cow::Borrowed(*key)).collect())
            .collect();
        let slices: Vec<&[RuleText]> = owned.iter().map(Vec::as_slice).collect();
        ExceptionSet::new(&slices)
    }

    #[test]
    fn an_exception_counts_where_it_overlaps_the_range() {
        let exceptions = set(&[&["can't wait"], &[]]);
        let text = "i can't wait to help. you can't";
        let hits = exceptions.hits(text);
        assert!(exceptions.excepted(&hits, 0, &(2..7)));
        assert!(exceptions.excepted(&hits, 0, &(11..14)));
        assert!(!exceptions.excepted(&hits, 0, &(12..20)));
        assert!(!exceptions.excepted(&hits, 0, &(26..31)));
        assert!(!exceptions.excepted(&hits, 1, &(2..7)));
        assert!(exceptions.has_any(0) && !exceptions.has_any(1));
    }

    #[test]
    fn exceptions_keep_their_word_boundaries() {
        let exceptions = set(&[&["must be"]]);
        let text = "you must bear it; you must be joking";
        let hits = exceptions.hits(text);
        assert!(!exceptions.excepted(&hits, 0, &(4..8)));
        assert!(exceptions.excepted(&hits, 0, &(22..26)));
    }

    #[test]
    fn overlapping_occurrences_of_one_key_are_all_found() {
        let exceptions = set(&[&["哈哈"]]);
        let text = "x 哈哈哈 y";
        let hits = exceptions.hits(text);
        assert_eq!(hits.starts[0], [2, 5]);
        // Only the second occurrence covers the last 哈.
        assert!(exceptions.excepted(&hits, 0, &(8..11)));
        assert!(!exceptions.excepted(&hits, 0, &(11..13)));
    }

    #[test]
    fn the_search_without_an_automaton_agrees() {
        let mut exceptions = set(&[&["can't wait", "wait"], &["你必须"]]);
        // Long enough to be searched with the automaton.
        let text = "can't wait, wait. 你必须你必须 ".repeat(200);
        assert!(text.len() > SHORT_TEXT_BYTES);
        let with = exceptions.hits(&text);
        assert!(exceptions.automaton.get().is_some_and(Option::is_some));
        exceptions.automaton = OnceLock::from(None);
        assert_eq!(exceptions.hits(&text).starts, with.starts);
    }
}
