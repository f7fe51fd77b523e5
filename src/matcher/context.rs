//! The context conditions of a match: whether it sits inside quotation or title marks, what
//! precedes it in its clause (`when-subject`, `unless-subject`), what follows in its sentence or
//! the next (`unless`), and the bounded gaps of sequences.
//!
//! Everything here looks only at a bounded window around one candidate, never at the whole
//! text, so the cost follows the number of candidates. Windows are in the normalised view, where
//! full-width punctuation is half-width and curly and corner quotes are straight.

use std::ops::Range;

use rustc_hash::FxHashMap;

use super::literals::{Condition, ConditionGroups};
use crate::rules::kinds::KeyRole;
use crate::rules::{Reach, Rule, Severity};
use crate::source::{ceil_char_boundary, floor_char_boundary};

/// How far, in bytes, a condition looks around a match: about a long sentence of Chinese (three
/// bytes a character) or two of English.
const REACH: usize = 360;

/// How far back a subject is looked for: the clause before the match, at most this many bytes.
const SUBJECT_REACH: usize = 90;

/// How far a quotation or title mark may be from the match it encloses: titles and product
/// names are short, and a quote much longer than this is most likely not one.
const QUOTE_REACH: usize = 120;

/// The longest quotation, in bytes between its marks, taken for a name or title.
const QUOTE_LENGTH: usize = 64;

/// The longest word a gap counts, in bytes; a longer run of letters is not a word a writer put
/// between two parts of a phrase.
const MAX_WORD_BYTES: usize = 48;

/// Occurrences of the condition literals of the rules that have conditions, by literal group
/// (one distinct list of condition literals, shared by every rule that has it) and role, sorted
/// by start.
#[derive(Debug, Default)]
pub(super) struct Hits {
    by_group: FxHashMap<(usize, KeyRole), Vec<Range<usize>>>,
    /// For each exception group's hits (sorted by start), the furthest end among the first `i`:
    /// whether some hit overlaps a range is then one binary search, however many hits a long
    /// line holds.
    exception_reach: FxHashMap<usize, Vec<usize>>,
}

impl Hits {
    pub(super) fn push(&mut self, group: usize, role: KeyRole, range: Range<usize>) {
        self.by_group.entry((group, role)).or_default().push(range);
    }

    pub(super) fn sort(&mut self) {
        for (&(group, role), hits) in self.by_group.iter_mut() {
            hits.sort_unstable_by_key(|hit| (hit.start, std::cmp::Reverse(hit.end)));
            if role == KeyRole::Exception {
                let reach = hits
                    .iter()
                    .scan(0, |furthest, hit| {
                        *furthest = hit.end.max(*furthest);
                        Some(*furthest)
                    })
                    .collect();
                self.exception_reach.insert(group, reach);
            }
        }
    }

    /// Whether one of the exceptions of `group` occurs overlapping `range` (sharing at least a
    /// byte).
    pub(super) fn excepted(&self, group: usize, range: &Range<usize>) -> bool {
        let (Some(hits), Some(reach)) = (
            self.by_group.get(&(group, KeyRole::Exception)),
            self.exception_reach.get(&group),
        ) else {
            return false;
        };
        // Hits that start before the range ends; one of them overlaps it iff the furthest of
        // their ends lies past its start.
        let before_end = hits.partition_point(|hit| hit.start < range.end);
        before_end > 0 && reach[before_end - 1] > range.start
    }

    /// Whether a hit of `group` in `role` lies inside `window` without overlapping `except`.
    fn any_within(
        &self,
        group: usize,
        role: KeyRole,
        window: &Range<usize>,
        except: &Range<usize>,
    ) -> bool {
        let Some(hits) = self.by_group.get(&(group, role)) else {
            return false;
        };
        let first = hits.partition_point(|hit| hit.start < window.start);
        hits[first..]
            .iter()
            .take_while(|hit| hit.start < window.end)
            .any(|hit| {
                hit.end <= window.end && (hit.end <= except.start || hit.start >= except.end)
            })
    }
}

/// What the context makes of a match that passed its literal checks: `None` drops it,
/// `Some(severity)` keeps it, at `severity` when an `unless` lowers it.
pub(super) fn verdict(
    rule: &Rule,
    groups: ConditionGroups,
    haystack: &str,
    range: &Range<usize>,
    hits: &Hits,
) -> Option<Option<Severity>> {
    let group = |condition: Condition| groups[condition as usize];
    if !rule.in_quotes && inside_quotes(haystack, range) {
        return None;
    }
    if !rule.when_subject.is_empty() || !rule.unless_subject.is_empty() {
        let clause = clause_start(haystack, range.start)..range.start;
        let nothing = range.start..range.start;
        if !rule.when_subject.is_empty()
            && !hits.any_within(
                group(Condition::Subject),
                KeyRole::Subject,
                &clause,
                &nothing,
            )
        {
            return None;
        }
        if hits.any_within(
            group(Condition::NotSubject),
            KeyRole::NotSubject,
            &clause,
            &nothing,
        ) {
            return None;
        }
    }
    if let Some(unless) = &rule.unless {
        let start = sentence_start(haystack, range.start);
        let mut end = sentence_end(haystack, range.end);
        if unless.reach == Reach::NextSentence {
            end = sentence_end(haystack, next_char(haystack, end));
        }
        if hits.any_within(
            group(Condition::Unless),
            KeyRole::Unless,
            &(start..end),
            range,
        ) {
            return unless.then.map(Some);
        }
    }
    Some(None)
}

/// Whether the sentence ends at `at`, where `c` is.
fn ends_sentence(haystack: &str, at: usize, c: char) -> bool {
    match c {
        '\n' | '\r' | '。' | '!' | '?' | ';' | '…' | '~' => true,
        '.' => haystack[at + 1..]
            .chars()
            .next()
            .is_none_or(|next| next.is_whitespace() || is_cjk(next)),
        _ => false,
    }
}

fn next_char(haystack: &str, at: usize) -> usize {
    haystack[at..]
        .chars()
        .next()
        .map_or(at, |c| at + c.len_utf8())
}

/// Where the sentence containing `at` starts (after the previous terminator), looking back at
/// most [`REACH`] bytes.
fn sentence_start(haystack: &str, at: usize) -> usize {
    let floor = ceil_char_boundary(haystack, at.saturating_sub(REACH));
    haystack[floor..at]
        .char_indices()
        .rev()
        .find(|&(offset, c)| ends_sentence(haystack, floor + offset, c))
        .map_or(floor, |(offset, c)| floor + offset + c.len_utf8())
}

/// Where the sentence containing `at` ends (at its terminator), looking ahead at most
/// [`REACH`] bytes.
fn sentence_end(haystack: &str, at: usize) -> usize {
    let ceiling = floor_char_boundary(haystack, at + REACH).max(at);
    haystack[at..ceiling]
        .char_indices()
        .find(|&(offset, c)| ends_sentence(haystack, at + offset, c))
        .map_or(ceiling, |(offset, _)| at + offset)
}

/// Where the clause before `at` starts: after the previous terminator or comma, at most
/// [`SUBJECT_REACH`] bytes back.
fn clause_start(haystack: &str, at: usize) -> usize {
    let floor = ceil_char_boundary(haystack, at.saturating_sub(SUBJECT_REACH));
    haystack[floor..at]
        .char_indices()
        .rev()
        .find(|&(offset, c)| {
            matches!(c, ',' | '、' | ':') || ends_sentence(haystack, floor + offset, c)
        })
        .map_or(floor, |(offset, c)| floor + offset + c.len_utf8())
}

/// Whether `range` lies inside a short quotation (`"…"`, to which curly and corner quotes are
/// folded) or title (`《…》`, `〈…〉`) on its line: a product name, a title, a label. What counts
/// as one is at most [`QUOTE_LENGTH`] bytes between the marks and no comma or sentence end in
/// it; a longer quotation is reported speech or a whole reply, and is linted. When the line
/// starts more than [`QUOTE_REACH`] bytes back, the count of quotes before the match is unknown
/// and the answer is no.
fn inside_quotes(haystack: &str, range: &Range<usize>) -> bool {
    let floor = ceil_char_boundary(haystack, range.start.saturating_sub(QUOTE_REACH));
    let ceiling = floor_char_boundary(haystack, range.end + QUOTE_REACH).max(range.end);
    let mut line_start = floor;
    let line_known = match haystack[floor..range.start].rfind('\n') {
        Some(line) => {
            line_start = floor + line + 1;
            true
        }
        None => floor == 0,
    };
    let before = &haystack[line_start..range.start];
    let mut after = &haystack[range.end..ceiling];
    if let Some(line) = after.find('\n') {
        after = &after[..line];
    }
    let short_quote = |open: usize, close: usize| {
        let content = &haystack[line_start + open..range.end + close];
        content.len() <= QUOTE_LENGTH
            && !content
                .char_indices()
                .any(|(offset, c)| c == ',' || ends_sentence(content, offset, c))
    };
    for (open, close) in [('《', '》'), ('〈', '〉')] {
        if let (Some(opened), Some(closed)) = (before.rfind(open), after.find(close)) {
            if !before[opened..].contains(close) && short_quote(opened, closed) {
                return true;
            }
        }
    }
    if !line_known || haystack[range.clone()].contains('"') || before.matches('"').count() % 2 == 0
    {
        return false;
    }
    match (before.rfind('"'), after.find('"')) {
        (Some(opened), Some(closed)) => short_quote(opened, closed),
        _ => false,
    }
}

/// Whether a gap from `from` to `to` is short enough in bytes for its words to be counted.
pub(super) fn gap_in_reach(from: usize, to: usize, max_words: u8) -> bool {
    to >= from && to - from <= usize::from(max_words) * MAX_WORD_BYTES + 16
}

/// The words between `from` and `to` (at most 255), or `None` if a sentence ends there: what a
/// sequence's gap is compared with. A CJK character is a word; so is a run of letters and digits
/// in other scripts.
pub(super) fn words_between(haystack: &str, from: usize, to: usize) -> Option<u8> {
    let mut words = 0u8;
    let mut in_word = false;
    for (offset, c) in haystack[from..to].char_indices() {
        if ends_sentence(haystack, from + offset, c) {
            return None;
        }
        if is_cjk(c) {
            words = words.saturating_add(1);
            in_word = false;
        } else if c.is_alphanumeric() || (in_word && matches!(c, '\'' | '-')) {
            if !in_word {
                words = words.saturating_add(1);
                in_word = true;
            }
        } else {
            in_word = false;
        }
    }
    Some(words)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether at most `max_words` words stand between `from` and `to`, with no sentence end
    /// among them: the check a sequence makes of each gap.
    fn gap_fits(haystack: &str, from: usize, to: usize, max_words: u8) -> bool {
        gap_in_reach(from, to, max_words)
            && words_between(haystack, from, to).is_some_and(|words| words <= max_words)
    }

    #[test]
    fn an_exception_counts_where_it_overlaps_the_range() {
        let mut hits = Hits::default();
        // "i can't wait to help. you can't": the exception "can't wait" at 2..12.
        hits.push(0, KeyRole::Exception, 2..12);
        // A long exception early and a short one later: the long one still reaches.
        hits.push(1, KeyRole::Exception, 0..30);
        hits.push(1, KeyRole::Exception, 10..12);
        hits.sort();
        assert!(hits.excepted(0, &(2..7)));
        assert!(hits.excepted(0, &(11..14)));
        assert!(!hits.excepted(0, &(12..20)));
        assert!(!hits.excepted(0, &(0..2)));
        assert!(!hits.excepted(2, &(2..7)));
        assert!(hits.excepted(1, &(20..25)));
        assert!(!hits.excepted(1, &(30..31)));
    }

    fn range_of(text: &str, needle: &str) -> Range<usize> {
        let start = text.find(needle).unwrap();
        start..start + needle.len()
    }

    #[test]
    fn quotes_and_title_marks_enclose_a_match() {
        let text = "请搜索\"冷静一下\"这款应用。";
        assert!(inside_quotes(text, &range_of(text, "冷静一下")));
        let text = "我推荐《别着急》这本书";
        assert!(inside_quotes(text, &range_of(text, "别着急")));
        let text = "\"好的\"。请你冷静一下,\"谢谢\"";
        assert!(!inside_quotes(text, &range_of(text, "冷静一下")));
        // A quoted sentence is reported speech or a whole reply, not a name.
        let text = "\"请你冷静一下,我们在处理。\"";
        assert!(!inside_quotes(text, &range_of(text, "冷静一下")));
        let text = "please calm down";
        assert!(!inside_quotes(text, &range_of(text, "calm down")));
    }

    #[test]
    fn gaps_count_words_and_stop_at_sentence_ends() {
        let text = "您这边一定要先填表";
        let from = "您".len();
        let to = "您这边一定".len();
        assert!(gap_fits(text, from, to, 4));
        assert!(!gap_fits(text, from, to, 3));
        let text = "you are, honestly, required to";
        assert!(gap_fits(text, 3, text.find("required").unwrap(), 2));
        let text = "你好。必须";
        assert!(!gap_fits(text, "你".len(), text.find("必须").unwrap(), 5));
    }

    #[test]
    fn sentences_and_clauses_are_bounded() {
        let text = "第一句。这个办不了,不过我可以帮您。第三句";
        let at = text.find("办不了").unwrap();
        assert_eq!(&text[sentence_start(text, at)..at], "这个");
        let end = sentence_end(text, at);
        assert_eq!(&text[at..end], "办不了,不过我可以帮您");
        let clause = clause_start(text, text.find("我可以").unwrap());
        assert_eq!(&text[clause..text.find("我可以").unwrap()], "不过");
    }
}
