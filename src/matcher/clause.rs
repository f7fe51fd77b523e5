//! Where words and clauses begin and end in the normalised view.

use std::collections::VecDeque;
use std::ops::Range;

use crate::source::floor_char_boundary;

/// Whether a literal must sit on a word boundary at either end. Only literals that begin or end
/// with a letter or digit of a space-separated script need one: `must` never fires inside
/// `mustard`, while CJK text has no word boundaries to respect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Boundaries {
    before: bool,
    after: bool,
}

impl Boundaries {
    /// As generated code writes it: bit 0 for `before`, bit 1 for `after`.
    pub(crate) const fn from_bits(bits: u8) -> Boundaries {
        Boundaries {
            before: bits & 1 != 0,
            after: bits & 2 != 0,
        }
    }

    pub(crate) fn bits(self) -> u8 {
        u8::from(self.before) | (u8::from(self.after) << 1)
    }

    pub(super) fn of(key: &str) -> Boundaries {
        Boundaries {
            before: key.chars().next().is_some_and(is_word_char),
            after: key.chars().last().is_some_and(is_word_char),
        }
    }

    pub(super) fn hold(self, haystack: &str, range: &Range<usize>) -> bool {
        let before_ok = !self.before
            || !haystack[..range.start]
                .chars()
                .next_back()
                .is_some_and(is_word_char);
        let after_ok = !self.after
            || !haystack[range.end..]
                .chars()
                .next()
                .is_some_and(is_word_char);
        before_ok && after_ok
    }
}

/// Letters and digits of scripts that separate words with spaces.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// The longest rest of a clause a `clause` rule takes in, in bytes of the normalised text after
/// its phrase (about 340 Chinese characters, or a long English sentence). A clause that runs on
/// further (a minified export, a chat log without punctuation) is reported on its phrase alone,
/// with no rewrite: a rewrite carrying only part of it would break the sentence. The bound keeps
/// each match's cost, and its span, independent of the length of the line.
pub(super) const MAX_CLAUSE_BYTES: usize = 1024;

/// How far back of the latest clause asked for the clause ends already found are kept. Clauses
/// are asked for at the end of each candidate phrase, in the order of the phrases' starts, so a
/// later question is never further back than the length of a phrase; one further back is
/// answered by a fresh bounded scan.
const LOOKBACK_BYTES: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Clause {
    pub rest: Range<usize>,
    pub terminator: Option<Range<usize>>,
    /// Where the text in which the rule's exceptions count ends: the end of the rest, or, for a
    /// clause cut at [`MAX_CLAUSE_BYTES`], the cut.
    pub exceptions_until: usize,
}

/// What ends a clause at a position of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// A line break, which is not part of the clause's terminator.
    Break,
    /// Sentence punctuation of this many bytes.
    Terminator(u8),
    /// The end of the text.
    Text,
}

/// The clauses of one text. All the clauses asked for share one forward scan for clause ends,
/// so the cost is linear in the text however many phrases are found in one long clause (a
/// 300 KB line of `你必须先填表 ` repeated once took minutes and gigabytes).
pub(super) struct Clauses<'h> {
    haystack: &'h str,
    /// Clause ends found, in order: every one in `complete_from..scanned`.
    ends: VecDeque<(usize, End)>,
    complete_from: usize,
    scanned: usize,
}

impl<'h> Clauses<'h> {
    pub(super) fn new(haystack: &'h str) -> Clauses<'h> {
        Clauses {
            haystack,
            ends: VecDeque::new(),
            complete_from: 0,
            scanned: 0,
        }
    }

    /// The rest of the clause that starts at `start` (a character boundary): up to sentence
    /// punctuation, a line break or the end of the text, with surrounding spaces trimmed, and
    /// at most [`MAX_CLAUSE_BYTES`] long. Works on the normalised view, where full-width
    /// punctuation is already half-width.
    pub(super) fn after(&mut self, start: usize) -> Clause {
        let limit = start.saturating_add(MAX_CLAUSE_BYTES);
        let end = if start < self.complete_from {
            first_end(self.haystack, start, limit).ok()
        } else {
            self.first_end(start, limit)
        };
        let Some((end, kind)) = end else {
            return Clause {
                rest: start..start,
                terminator: None,
                exceptions_until: floor_char_boundary(self.haystack, limit),
            };
        };
        let (end, terminator) = match kind {
            End::Break => (end, None),
            End::Terminator(len) => (end, Some(end..end + usize::from(len))),
            End::Text => (self.haystack.len(), None),
        };
        let rest = trimmed(self.haystack, start..end);
        Clause {
            exceptions_until: rest.end,
            rest,
            terminator,
        }
    }

    /// The first clause end at or after `start` and at or before `limit`, from the ends already
    /// found or by scanning on.
    fn first_end(&mut self, start: usize, limit: usize) -> Option<(usize, End)> {
        if start > self.scanned {
            // Nothing between the last scan and `start` can be asked for any more.
            self.ends.clear();
            self.complete_from = start;
            self.scanned = start;
        }
        let keep_from = start.saturating_sub(LOOKBACK_BYTES);
        while self.ends.front().is_some_and(|&(at, _)| at < keep_from) {
            self.ends.pop_front();
        }
        self.complete_from = self.complete_from.max(keep_from);
        loop {
            let known = self.ends.partition_point(|&(at, _)| at < start);
            if let Some(&(at, kind)) = self.ends.get(known) {
                return (at <= limit).then_some((at, kind));
            }
            if self.scanned > limit || self.scanned > self.haystack.len() {
                return None;
            }
            match first_end(self.haystack, self.scanned, limit) {
                Ok((at, kind)) => {
                    self.ends.push_back((at, kind));
                    self.scanned = match kind {
                        End::Break => at + 1,
                        End::Terminator(len) => at + usize::from(len),
                        // Past the end: there is nothing left to scan.
                        End::Text => at + 1,
                    };
                }
                Err(stopped) => {
                    self.scanned = stopped;
                    return None;
                }
            }
        }
    }
}

/// Scans from `from` for the first clause end at or before `limit`; without one, where the scan
/// stopped (the first character past `limit`).
fn first_end(haystack: &str, from: usize, limit: usize) -> Result<(usize, End), usize> {
    let mut chars = haystack[from..].char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        let at = from + offset;
        if at > limit {
            return Err(at);
        }
        let kind = match c {
            '\n' | '\r' => End::Break,
            '。' | '!' | '?' | ';' | '…' | '~' => End::Terminator(c.len_utf8() as u8),
            '.' if chars
                .peek()
                .is_none_or(|&(_, next)| next.is_whitespace() || is_cjk(next)) =>
            {
                End::Terminator(1)
            }
            _ => continue,
        };
        return Ok((at, kind));
    }
    if haystack.len() <= limit {
        Ok((haystack.len(), End::Text))
    } else {
        Err(haystack.len())
    }
}

/// `range` without the spaces at either end (empty, at its start, if it is all spaces).
fn trimmed(haystack: &str, range: Range<usize>) -> Range<usize> {
    let text = &haystack[range.clone()];
    let leading = text.len() - text.trim_start().len();
    let trailing = text.len() - text.trim_end().len();
    if leading + trailing >= text.len() {
        range.start..range.start
    } else {
        range.start + leading..range.end - trailing
    }
}

/// The clause that starts at `start`, without sharing a scan: for one-off questions and tests.
#[cfg(test)]
pub(super) fn clause_after(haystack: &str, start: usize) -> Clause {
    Clauses::new(haystack).after(start)
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

    /// The clause as found by scanning from its start alone, with no bound: what a shared scan
    /// must agree with for every clause within the bound.
    fn unbounded_clause(haystack: &str, start: usize) -> (Range<usize>, Option<Range<usize>>) {
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
        (trimmed(haystack, start..end), terminator)
    }

    #[test]
    fn a_shared_scan_agrees_with_scanning_from_each_start() {
        let pieces = [
            "你必须",
            "先填表",
            " ",
            ",",
            "。",
            ".",
            "10.5",
            "\n",
            "\r\n",
            "!",
            "must",
            "~",
            "…",
            "x. y",
            "e.g.",
        ];
        // A deterministic mix of pieces, asked about in order, with small steps back as the
        // matcher does after a rejected candidate.
        let mut seed: u64 = 7;
        for _ in 0..200 {
            let mut text = String::new();
            for _ in 0..40 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|&offset| text.is_char_boundary(offset))
                .collect();
            let mut clauses = Clauses::new(&text);
            for (index, &start) in boundaries.iter().enumerate() {
                let asked = if index % 3 == 2 {
                    boundaries[index - 2]
                } else {
                    start
                };
                let clause = clauses.after(asked);
                let (rest, terminator) = unbounded_clause(&text, asked);
                assert_eq!(
                    (clause.rest, clause.terminator),
                    (rest, terminator),
                    "{text:?} @ {asked}"
                );
            }
        }
    }

    #[test]
    fn a_clause_longer_than_the_bound_is_cut_to_the_phrase() {
        let text = format!("你必须{}。", "填表".repeat(MAX_CLAUSE_BYTES));
        let start = "你必须".len();
        let clause = clause_after(&text, start);
        assert_eq!(clause.rest, start..start);
        assert_eq!(clause.terminator, None);
        assert_eq!(
            clause.exceptions_until,
            floor_char_boundary(&text, start + MAX_CLAUSE_BYTES)
        );

        let fits = format!("you must {}.", "x".repeat(MAX_CLAUSE_BYTES - 1));
        let clause = clause_after(&fits, "you must".len());
        assert_eq!(clause.rest.len(), MAX_CLAUSE_BYTES - 1);
        assert!(clause.terminator.is_some());
    }

    #[test]
    fn asking_far_back_still_gives_the_right_clause() {
        let text = format!("a. {}b", "x ".repeat(LOOKBACK_BYTES));
        let mut clauses = Clauses::new(&text);
        clauses.after(text.len() - 1);
        let clause = clauses.after(0);
        assert_eq!(&text[clause.rest], "a");
        assert_eq!(clause.terminator, Some(1..2));
    }

    #[test]
    fn latin_literals_need_word_boundaries_and_cjk_ones_do_not() {
        let must = Boundaries::of("must");
        assert!(!must.hold("mustard", &(0..4)));
        assert!(must.hold("you must.", &(4..8)));
        let cjk = Boundaries::of("必须");
        let text = "你必须";
        assert!(cjk.hold(text, &(3..text.len())));
    }
}
