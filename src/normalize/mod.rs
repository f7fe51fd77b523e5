//! The normalised view of a text that rules are matched against, and its map back to the
//! original bytes.
//!
//! Folding (applied to rule phrases and to drafts alike, one character at a time):
//! Unicode lower case (plus `ß`→`ss`, final sigma), full-width → half-width, curly and corner
//! quotes → straight, Traditional → Simplified Chinese (with Taiwan/Hong Kong variants), and
//! zero-width characters dropped.
//!
//! Because every original character folds on its own, a normalised byte offset always maps back
//! to one original character; [`NormalizedText`] keeps that map sparse (one entry per character
//! whose folded form has a different byte length), so for typical text it costs almost nothing.
//! An offset inside such a folded form (`İ` lower-cases to `i̇`, three bytes for two) maps to the
//! whole original character, never on into the next one.

mod opencc_data;
pub mod script;

use std::ops::Range;
use std::sync::OnceLock;

use crate::source::{ceil_char_boundary, floor_char_boundary};

/// A text folded for matching, with enough information to map offsets back.
#[derive(Debug, Clone, Default)]
pub struct NormalizedText {
    pub text: String,
    /// Every character whose folded form has a different byte length, in order; between them
    /// the two texts advance together.
    folds: Vec<Fold>,
}

/// One original character whose folded form has a different byte length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fold {
    /// Where the folded form ends in the normalised text, and the character in the original.
    normalized_end: usize,
    original_end: usize,
    /// The byte lengths of the folded form (0 for a dropped character) and of the original.
    normalized_len: u8,
    original_len: u8,
}

impl NormalizedText {
    pub fn new(original: &str) -> NormalizedText {
        let bytes = original.as_bytes();
        let mut text = String::with_capacity(original.len());
        let mut folds = Vec::new();
        let mut scratch = String::new();
        // Most characters fold to themselves: they are copied in runs, and ASCII is lower-cased
        // in one pass at the end, which keeps folding close to memory speed.
        let mut run_start = 0;
        let mut index = 0;
        while index < bytes.len() {
            if bytes[index].is_ascii() {
                index += 1;
                continue;
            }
            let Some(c) = original[index..].chars().next() else {
                break;
            };
            let len = c.len_utf8();
            let code = c as u32;
            if (DENSE_START..=DENSE_END).contains(&code) && to_simplified(c) == c {
                index += len;
                continue;
            }
            scratch.clear();
            push_folded(c, &mut scratch);
            if scratch.as_bytes() == &bytes[index..index + len] {
                index += len;
                continue;
            }
            text.push_str(&original[run_start..index]);
            text.push_str(&scratch);
            index += len;
            run_start = index;
            if scratch.len() != len {
                folds.push(Fold {
                    normalized_end: text.len(),
                    original_end: index,
                    // One character folds to at most a few characters.
                    normalized_len: u8::try_from(scratch.len()).unwrap_or(u8::MAX),
                    original_len: len as u8,
                });
            }
        }
        text.push_str(&original[run_start..]);
        text.make_ascii_lowercase();
        NormalizedText { text, folds }
    }

    /// The original offset that normalised offset `position` corresponds to, not yet rounded
    /// to a character boundary.
    fn original_offset(&self, position: usize) -> usize {
        let after = self
            .folds
            .partition_point(|fold| fold.normalized_end <= position);
        if let Some(fold) = self.folds.get(after) {
            if position + usize::from(fold.normalized_len) >= fold.normalized_end {
                // Inside a folded form: the character it came from.
                return fold.original_end - usize::from(fold.original_len);
            }
        }
        match after.checked_sub(1).map(|index| self.folds[index]) {
            Some(fold) => fold.original_end + (position - fold.normalized_end),
            None => position,
        }
    }

    /// Maps a range of the normalised text to the smallest range of whole original characters
    /// that produced it.
    pub fn to_original(&self, original: &str, range: Range<usize>) -> Range<usize> {
        let start = floor_char_boundary(original, self.original_offset(range.start));
        let end = if range.end <= range.start {
            start
        } else {
            ceil_char_boundary(original, self.original_offset(range.end - 1) + 1)
        };
        start..end.max(start)
    }
}

/// Folds a whole string, for rule phrases and rewrites.
pub fn normalize(text: &str) -> String {
    NormalizedText::new(text).text
}

/// Folds the non-ASCII characters of a regular expression so that a pattern written with
/// full-width punctuation or Traditional characters matches the normalised view. ASCII is left
/// alone so that escapes like `\S` keep their meaning; a folded character that would become a
/// regex metacharacter is escaped.
pub fn normalize_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut folded = String::new();
    for c in pattern.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        folded.clear();
        push_folded(c, &mut folded);
        for f in folded.chars() {
            if f.is_ascii() && regex_syntax_meta(f) {
                out.push('\\');
            }
            out.push(f);
        }
    }
    out
}

fn regex_syntax_meta(c: char) -> bool {
    matches!(
        c,
        '\\' | '.'
            | '+'
            | '*'
            | '?'
            | '('
            | ')'
            | '|'
            | '['
            | ']'
            | '{'
            | '}'
            | '^'
            | '$'
            | '#'
            | '&'
            | '-'
            | '~'
    )
}

/// Appends the folded form of one non-ASCII-fast-path character.
fn push_folded(c: char, out: &mut String) {
    let code = c as u32;
    match code {
        0..=0x7F => out.push(c.to_ascii_lowercase()),
        // CJK ideographs have no case: only the script needs folding.
        0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF => out.push(to_simplified(c)),
        0xFF01..=0xFF5E => {
            let ascii = char::from_u32(code - 0xFEE0).unwrap_or(c);
            out.push(fold_quote(ascii).to_ascii_lowercase());
        }
        0x3000 | 0x00A0 | 0x2000..=0x200A | 0x202F | 0x205F => out.push(' '),
        0x200B..=0x200D | 0x2060 | 0xFEFF | 0x00AD => {}
        0xFF61 => out.push('。'),
        0xFF64 => out.push('、'),
        0x00DF | 0x1E9E => out.push_str("ss"),
        0x03C2 => out.push('σ'),
        _ => {
            let quote = fold_quote(c);
            if quote != c {
                out.push(quote);
            } else {
                out.extend(c.to_lowercase());
            }
        }
    }
}

fn fold_quote(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}'
        | '\u{FF07}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{300C}'
        | '\u{300D}' | '\u{300E}' | '\u{300F}' | '\u{FF02}' | '\u{FF62}' | '\u{FF63}' => '"',
        other => other,
    }
}

const DENSE_START: u32 = 0x3400;
const DENSE_END: u32 = 0x9FFF;

/// Traditional (or variant) → Simplified for one character.
pub fn to_simplified(c: char) -> char {
    let code = c as u32;
    if (DENSE_START..=DENSE_END).contains(&code) {
        // Most Chinese text lives in this block: a direct table keeps folding at memory speed.
        static DENSE: OnceLock<Vec<char>> = OnceLock::new();
        let table = DENSE.get_or_init(|| {
            let mut table: Vec<char> = (DENSE_START..=DENSE_END)
                .map(|code| char::from_u32(code).unwrap_or('\u{FFFD}'))
                .collect();
            for &(from, to) in opencc_data::TRAD_TO_SIMP.iter().chain(EXTRA_TRAD_TO_SIMP) {
                let from = from as u32;
                if (DENSE_START..=DENSE_END).contains(&from) {
                    table[(from - DENSE_START) as usize] = to;
                }
            }
            table
        });
        return table[(code - DENSE_START) as usize];
    }
    match opencc_data::TRAD_TO_SIMP.binary_search_by_key(&c, |&(from, _)| from) {
        Ok(index) => opencc_data::TRAD_TO_SIMP[index].1,
        Err(_) => c,
    }
}

/// Folds OpenCC leaves alone because they are valid in both scripts, but which mean the same
/// as a common character in customer service: `妳` (feminine "you", Taiwan) is `你`.
const EXTRA_TRAD_TO_SIMP: &[(char, char)] = &[('妳', '你')];

#[cfg(test)]
mod tests {
    use super::*;

    fn mapped<'a>(original: &'a str, needle: &str) -> &'a str {
        let view = NormalizedText::new(original);
        let start = view.text.find(needle).expect("needle in normalised view");
        let range = view.to_original(original, start..start + needle.len());
        &original[range]
    }

    #[test]
    fn folds_case_width_quotes_and_script() {
        assert_eq!(normalize("TĀ NAV"), "tā nav");
        assert_eq!(normalize("I CAN’T"), "i can't");
        assert_eq!(normalize("\u{FF21}\u{FF22}C\u{FF0C}"), "abc,");
        assert_eq!(normalize("你必須「先」填表"), "你必须\"先\"填表");
        assert_eq!(normalize("妳們"), "你们");
        assert_eq!(normalize("STRAẞE"), "strasse");
        assert_eq!(normalize("zero\u{200B}width"), "zerowidth");
    }

    #[test]
    fn maps_back_through_width_changes() {
        assert_eq!(mapped("请等一下\u{FF0C}你必須先填表", "你必须"), "你必須");
        assert_eq!(mapped("Ｉ ＣＡＮ’Ｔ do it", "i can't"), "Ｉ ＣＡＮ’Ｔ");
        assert_eq!(mapped("x\u{200B}yz", "yz"), "yz");
        assert_eq!(mapped("İstanbul must", "must"), "must");
        assert_eq!(mapped("Straße", "strasse"), "Straße");
    }

    #[test]
    fn maps_a_match_inside_an_expansion_to_the_whole_character() {
        let original = "Maß";
        let view = NormalizedText::new(original);
        assert_eq!(view.text, "mass");
        assert_eq!(view.to_original(original, 3..4), 2..4);
    }

    #[test]
    fn a_longer_folded_form_never_reaches_into_the_next_character() {
        // `İ` (2 bytes) lower-cases to `i̇` (3 bytes).
        let original = "寄给ALİ。谢谢";
        let view = NormalizedText::new(original);
        let end = view.text.find('。').unwrap();
        let range = view.to_original(original, 0..end);
        assert_eq!(&original[range], "寄给ALİ");
        let dot = view.text.find('\u{307}').unwrap();
        assert_eq!(&original[view.to_original(original, dot..dot + 2)], "İ");
        assert_eq!(&original[view.to_original(original, end..end + 3)], "。");
        // A shorter one (`ẞ`, 3 bytes, to `ss`) and a dropped one (a zero-width space).
        let original = "Aẞ\u{200B}İx";
        let view = NormalizedText::new(original);
        assert_eq!(view.text, "ass\u{69}\u{307}x");
        let x = view.text.find('x').unwrap();
        assert_eq!(&original[view.to_original(original, x..x + 1)], "x");
        assert_eq!(&original[view.to_original(original, 1..3)], "ẞ");
        assert_eq!(&original[view.to_original(original, 3..x)], "İ");
    }

    /// Every range of the normalised text maps to whole original characters, in order, and
    /// ranges that touch map to ranges that touch.
    #[test]
    fn mapping_is_monotonic_and_stays_on_characters() {
        let original = "İİ ẞß ﬁ Ｉ\u{200B}x 你必須 ΣΑΣ ǅ";
        let view = NormalizedText::new(original);
        let boundaries: Vec<usize> = (0..=view.text.len())
            .filter(|&at| view.text.is_char_boundary(at))
            .collect();
        let mut previous_end = 0;
        for pair in boundaries.windows(2) {
            let range = view.to_original(original, pair[0]..pair[1]);
            assert!(original.is_char_boundary(range.start) && original.is_char_boundary(range.end));
            assert!(range.start <= range.end && range.end <= original.len());
            assert!(range.end >= previous_end, "{pair:?} -> {range:?}");
            previous_end = range.end;
        }
        let whole = view.to_original(original, 0..view.text.len());
        assert_eq!(whole, 0..original.len());
    }

    #[test]
    fn patterns_fold_only_non_ascii() {
        assert_eq!(
            normalize_pattern("我不能給你(.+?)\u{FF0C}除非(\\S+)"),
            r"我不能给你(.+?),除非(\S+)"
        );
        assert_eq!(normalize_pattern("\u{FF08}a\u{FF09}"), r"\(a\)");
        assert_eq!(normalize_pattern("(a)"), "(a)");
    }
}
