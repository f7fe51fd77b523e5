//! Word boundaries inside a phrase (`你|得|先`), checked only for the candidates that ask.
//!
//! Chinese is written without spaces, so where a word ends is the segmenter's call: jieba-rs
//! (its dictionary is embedded in the binary) cuts the clause around the candidate, never the
//! whole text, so the cost follows the candidates that ask for it. The segmenter is built on
//! first use: a run whose drafts never meet such a candidate never pays for its dictionary.

use std::ops::Range;
use std::sync::OnceLock;

use jieba_rs::Jieba;

use crate::source::{ceil_char_boundary, floor_char_boundary};

/// How far, in bytes, the segmented window reaches either side of the candidate: enough for
/// the words next to it, which are all that decide where its own words end.
const WINDOW: usize = 60;

fn segmenter() -> &'static Jieba {
    static SEGMENTER: OnceLock<Jieba> = OnceLock::new();
    SEGMENTER.get_or_init(Jieba::new)
}

/// Whether a word boundary falls at every one of `breaks` (offsets from `range.start`) in
/// `haystack`, the normalised view.
pub(super) fn breaks_hold(haystack: &str, range: &Range<usize>, breaks: &[u16]) -> bool {
    let mut cjk_breaks = Vec::new();
    for &offset in breaks {
        let at = range.start + usize::from(offset);
        if at > haystack.len() || !haystack.is_char_boundary(at) {
            return false;
        }
        let before = haystack[..at].chars().next_back();
        let after = haystack[at..].chars().next();
        match (before, after) {
            (Some(before), Some(after)) if is_cjk(before) && is_cjk(after) => cjk_breaks.push(at),
            // Between two letters of a spaced script there is no boundary; anywhere else
            // (next to a space, punctuation, the text's edge, or a script change) there is.
            (Some(before), Some(after)) if before.is_alphanumeric() && after.is_alphanumeric() => {
                return false
            }
            _ => {}
        }
    }
    if cjk_breaks.is_empty() {
        return true;
    }
    let start = clause_edge_before(haystack, range.start);
    let end = clause_edge_after(haystack, range.end);
    let window = &haystack[start..end];
    let mut boundaries = vec![start, end];
    boundaries.extend(
        segmenter()
            .cut(window, false)
            .iter()
            .map(|token| start + token.byte_start),
    );
    cjk_breaks.iter().all(|at| boundaries.contains(at))
}

/// The start of the run of CJK text before `at`, at most [`WINDOW`] bytes back.
fn clause_edge_before(haystack: &str, at: usize) -> usize {
    let floor = ceil_char_boundary(haystack, at.saturating_sub(WINDOW));
    haystack[floor..at]
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_cjk(c))
        .map_or(floor, |(offset, c)| floor + offset + c.len_utf8())
}

/// The end of the run of CJK text after `at`, at most [`WINDOW`] bytes ahead.
fn clause_edge_after(haystack: &str, at: usize) -> usize {
    let ceiling = floor_char_boundary(haystack, at + WINDOW).max(at);
    haystack[at..ceiling]
        .char_indices()
        .find(|&(_, c)| !is_cjk(c))
        .map_or(ceiling, |(offset, _)| at + offset)
}

/// CJK ideographs (not CJK punctuation, which ends the segmented run).
fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holds(text: &str, needle: &str, breaks: &[u16]) -> bool {
        let start = text.find(needle).unwrap();
        breaks_hold(text, &(start..start + needle.len()), breaks)
    }

    #[test]
    fn a_phrase_must_not_split_a_chinese_word() {
        // 积分 ("points") inside 累积分布 ("cumulative distribution") splits two words.
        assert!(holds("您的积分已经到账", "积分", &[0, 6]));
        assert!(!holds("这是累积分布函数", "积分", &[0, 6]));
        // 得 as "must" stands alone; inside 取得 ("obtain") it does not.
        assert!(holds("你得先填表", "得", &[0, 3]));
        assert!(!holds("我们取得了进展", "得", &[0, 3]));
    }

    #[test]
    fn latin_marks_need_a_non_letter_neighbour() {
        assert!(holds("you must go", "must", &[0, 4]));
        assert!(!holds("mustard", "must", &[4]));
    }
}
