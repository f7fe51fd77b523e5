//! Where words and clauses begin and end in the normalised view.

use std::ops::Range;

/// Whether a literal must sit on a word boundary at either end. Only literals that begin or end
/// with a letter or digit of a space-separated script need one: `must` never fires inside
/// `mustard`, while CJK text has no word boundaries to respect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Boundaries {
    before: bool,
    after: bool,
}

impl Boundaries {
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

pub(super) struct Clause {
    pub rest: Range<usize>,
    pub terminator: Option<Range<usize>>,
}

/// The rest of the clause that starts at `start`: up to sentence punctuation, a line break or
/// the end of the text. Works on the normalised view, where full-width punctuation is already
/// half-width.
pub(super) fn clause_after(haystack: &str, start: usize) -> Clause {
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
