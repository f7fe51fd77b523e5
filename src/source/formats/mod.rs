//! Extraction: one module per format, each cutting a decoded text into the reply text it holds.
//!
//! An extractor returns `Extracted` pieces of text with their [`Piece`] maps into the source
//! text; [`super::Source::segments`] lends them out as [`super::Segment`]s. Nothing downstream of
//! that learns about formats. Each extractor is iterative (an explicit stack, never recursion on
//! the input's nesting) and stops at [`MAX_DEPTH`] levels with an error, so hostile input cannot
//! overflow the stack.

pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod select;
pub mod yaml;

use std::borrow::Cow;
use std::ops::Range;

use super::{Encoding, Landing, Piece, PieceKind, Segment, SegmentMap};
pub use select::{KeyPath, Selection};

/// The deepest nesting of arrays, objects or mappings any format accepts. Real reply libraries
/// nest a handful of levels; a file nested deeper is refused (exit 2) rather than walked.
pub const MAX_DEPTH: usize = 1000;

/// Reply text cut out of a source: the text as read, its map to the source text, how a
/// replacement is written there, and the record it belongs to.
#[derive(Debug, Clone)]
pub(crate) struct Extracted {
    pub text: String,
    pub pieces: Vec<Piece>,
    pub landing: Landing,
    pub locator: Option<String>,
}

impl Extracted {
    /// The segment the rest of the pipeline sees, for a source in `encoding`.
    pub(crate) fn segment(&self, encoding: Encoding) -> Segment<'_> {
        Segment {
            text: Cow::Borrowed(&self.text),
            map: SegmentMap::Pieces(Cow::Borrowed(&self.pieces)),
            landing: self.landing,
            encoding,
            locator: self.locator.as_deref().map(Cow::Borrowed),
        }
    }
}

/// A syntax error at a byte offset of the source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

impl SyntaxError {
    pub fn new(offset: usize, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            offset,
            message: message.into(),
        }
    }
}

/// Builds a segment's text and piece map from runs of source text, in order.
#[derive(Debug, Default)]
pub(crate) struct PieceBuilder {
    text: String,
    pieces: Vec<Piece>,
}

impl PieceBuilder {
    pub fn with_capacity(bytes: usize) -> PieceBuilder {
        PieceBuilder {
            text: String::with_capacity(bytes),
            pieces: Vec::with_capacity(1),
        }
    }

    /// Source text `source` (at `range` of the source) copied as is.
    pub fn verbatim(&mut self, source: &str, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        if let Some(last) = self.pieces.last_mut() {
            if last.kind == PieceKind::Verbatim && last.source.end == range.start {
                last.source.end = range.end;
                self.text.push_str(source);
                return;
            }
        }
        self.push(source, range, PieceKind::Verbatim);
    }

    /// `decoded`, standing for the escape or entity at `range` of the source.
    pub fn decoded(&mut self, decoded: &str, range: Range<usize>) {
        self.push(decoded, range, PieceKind::Decoded);
    }

    fn push(&mut self, text: &str, range: Range<usize>, kind: PieceKind) {
        if text.is_empty() && range.is_empty() {
            return;
        }
        self.pieces.push(Piece {
            at: self.text.len(),
            source: range,
            kind,
        });
        self.text.push_str(text);
    }

    /// Appends the pieces of `other`.
    pub fn append(&mut self, other: PieceBuilder) {
        for piece in other.pieces {
            self.pieces.push(Piece {
                at: self.text.len() + piece.at,
                ..piece
            });
        }
        self.text.push_str(&other.text);
    }

    /// The text and its pieces.
    pub fn into_parts(self) -> (String, Vec<Piece>) {
        (self.text, self.pieces)
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn finish(self, landing: Landing, locator: Option<String>) -> Extracted {
        Extracted {
            text: self.text,
            pieces: self.pieces,
            landing,
            locator,
        }
    }
}

/// Whether a value with no selection to say so is worth linting as reply text: it has a space or
/// a CJK character, and is not a URL, an e-mail address, an id-like token or a date.
pub fn looks_like_prose(value: &str) -> bool {
    let value = value.trim();
    if value.is_empty() {
        return false;
    }
    let (mut has_cjk, mut has_space) = (false, false);
    for c in value.chars() {
        has_cjk |= is_cjk(c);
        has_space |= c.is_whitespace();
        if has_cjk && has_space {
            break;
        }
    }
    if !has_cjk && !has_space {
        // A single token: an id, a slug, a URL, an address, a number, a date.
        return false;
    }
    if !has_space {
        // CJK without spaces is prose unless the whole value is a URL or an address.
        let lower = value.to_ascii_lowercase();
        let is_url = ["http://", "https://", "www.", "mailto:", "ftp://"]
            .iter()
            .any(|scheme| lower.starts_with(scheme));
        let is_address = value.contains('@') && value.contains('.') && !value.contains('。');
        return !is_url && !is_address;
    }
    // Dates and times with spaces ("2024-05-01 10:00:00", "Tue, 01 May 2024 10:00 GMT") are
    // short; anything longer with a space is prose.
    if has_cjk || value.len() > 48 {
        return true;
    }
    let letters = value.chars().filter(|c| c.is_alphabetic()).count();
    let digits = value.chars().filter(char::is_ascii_digit).count();
    !(digits >= 4 && letters <= 6 && !has_cjk)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// Whether a value holds HTML (a macro body usually does): one of the tags replies are written
/// with.
pub fn looks_like_html(value: &str) -> bool {
    const TAGS: &[&str] = &[
        "<p>", "<p ", "<br", "<div", "<span", "<strong", "<em>", "<b>", "<i>", "<ul", "<ol", "<li",
        "<a ", "<table", "<h1", "<h2", "<h3", "</p>",
    ];
    let Some(first) = value.find('<') else {
        return false;
    };
    let lower = value[first..].to_ascii_lowercase();
    TAGS.iter().any(|tag| lower.contains(tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Whatever the input, every extractor returns or errs without panicking, and every
        /// piece it returns maps inside the text on character boundaries, in order.
        #[test]
        fn extractors_never_panic_and_map_inside_the_text(
            text in "[\\[\\]{}\"',:#>|\\-*`<>/&;=a-z你 \n\r\t\\\\]{0,80}"
        ) {
            let selection = Selection::default();
            let mut all = Vec::new();
            for run in 0..7 {
                let mut out = Vec::new();
                let _ = match run {
                    0 => json::extract(&text, false, &selection, &mut out),
                    1 => json::extract(&text, true, &selection, &mut out),
                    2 => csv::extract(&text, b',', &selection, &mut out),
                    3 => csv::extract(&text, b'\t', &selection, &mut out),
                    4 => markdown::extract(&text, &selection, &mut out),
                    5 => yaml::extract(&text, &selection, &mut out),
                    _ => {
                        html::extract_range(&text, 0..text.len(), None, &mut out);
                        Ok(())
                    }
                };
                all.extend(out);
            }
            for found in &all {
                let mut previous = 0;
                for piece in &found.pieces {
                    proptest::prop_assert!(piece.source.end <= text.len());
                    proptest::prop_assert!(text.is_char_boundary(piece.source.start));
                    proptest::prop_assert!(text.is_char_boundary(piece.source.end));
                    proptest::prop_assert!(piece.at >= previous && found.text.is_char_boundary(piece.at));
                    previous = piece.at;
                }
            }
        }
    }

    #[test]
    fn prose_is_told_from_ids_urls_and_dates() {
        for prose in [
            "Please wait a moment.",
            "请稍等",
            "您好,请您稍等。",
            "  You must fill in the form ",
        ] {
            assert!(looks_like_prose(prose), "{prose}");
        }
        for not_prose in [
            "macro-1234",
            "https://example.com/请",
            "agent@example.com",
            "2024-05-01 10:00:00",
            "",
            "42",
            "comment_value_html",
        ] {
            assert!(!looks_like_prose(not_prose), "{not_prose}");
        }
        assert!(looks_like_html("<p>你必须先填表</p>"));
        assert!(!looks_like_html("a < b and c > d"));
    }
}
