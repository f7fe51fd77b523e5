//! Segments: reply text cut out of a source, with the way back to the source's own text.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use super::Encoding;

/// Reply text taken from a source.
#[derive(Debug, Clone)]
pub struct Segment<'a> {
    /// The text as a reader sees it (escapes and entities decoded).
    pub text: Cow<'a, str>,
    pub map: SegmentMap<'a>,
    /// What surrounds the segment in the source, which decides how a replacement is written.
    pub landing: Landing,
    /// The source's encoding, which a replacement must be representable in.
    pub encoding: Encoding,
    /// The record the segment belongs to (`/macros/3/title`, `row 12, column content`, …), for
    /// structured formats.
    pub locator: Option<Cow<'a, str>>,
}

/// How segment offsets relate to offsets in [`super::Source::text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentMap<'a> {
    /// The segment is a verbatim slice of the source starting at `offset`.
    Contiguous { offset: usize },
    /// The segment is made of pieces, in order, covering the whole segment text.
    Pieces(Cow<'a, [Piece]>),
}

/// A run of segment text and the source text it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// Where the piece starts in the segment text; it ends where the next one starts.
    pub at: usize,
    /// The source text it came from.
    pub source: Range<usize>,
    pub kind: PieceKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PieceKind {
    /// Segment text equal to the source text, byte for byte.
    Verbatim,
    /// A decoded escape or entity (`\u4f60`, `&amp;`, `""`): the source text is one unit that a
    /// replacement may take whole but never cut.
    Decoded,
    /// Text the format adds between two runs of reply text (a soft line break with a block
    /// quote's `> `, a folded YAML line): matched as the segment text says, but a replacement
    /// across it would drop the source text it stands for unless that is only white space.
    Joint,
}

/// How replacement text is written where a segment sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Landing {
    /// As is: plain text.
    Raw,
    /// Markdown prose: characters that would start markup are backslash-escaped.
    Markdown,
    /// Inside a JSON string literal.
    JsonString,
    /// Inside a CSV/TSV cell.
    CsvCell { quoted: bool, delimiter: u8 },
    /// An HTML text node.
    HtmlText,
    /// An HTML attribute value in `quote` (`"` or `'`).
    HtmlAttribute { quote: u8 },
    /// HTML (a text node, or an attribute value in `attribute_quote`) inside a container value:
    /// escaped for HTML, then for the container.
    HtmlIn {
        attribute_quote: Option<u8>,
        outer: Outer,
    },
    /// A YAML scalar in `style`.
    Yaml(YamlStyle),
    /// Where no replacement can be written safely, with the reason.
    Refuse(&'static str),
}

/// A container that HTML can sit inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outer {
    JsonString,
    CsvCell { quoted: bool, delimiter: u8 },
    Yaml(YamlStyle),
}

/// How a YAML scalar is written, which decides what a replacement may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|` and `>` block scalars, with the indentation of their lines.
    Literal {
        indent: usize,
    },
    Folded {
        indent: usize,
    },
}

/// Why a fix could not be written into the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedFix {
    pub reason: String,
}

impl fmt::Display for RefusedFix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fix not applied: {}", self.reason)
    }
}

impl std::error::Error for RefusedFix {}

fn refuse(reason: impl Into<String>) -> RefusedFix {
    RefusedFix {
        reason: reason.into(),
    }
}

impl<'a> Segment<'a> {
    /// A verbatim slice of plain text starting at `offset` in the source.
    pub fn contiguous(text: &'a str, offset: usize, encoding: Encoding) -> Segment<'a> {
        Segment {
            text: Cow::Borrowed(text),
            map: SegmentMap::Contiguous { offset },
            landing: Landing::Raw,
            encoding,
            locator: None,
        }
    }

    /// Maps a range of the segment's text to the source: from where the source text of its
    /// first character starts to where that of its last character ends.
    pub fn to_source(&self, range: Range<usize>) -> Range<usize> {
        match &self.map {
            SegmentMap::Contiguous { offset } => range.start + offset..range.end + offset,
            SegmentMap::Pieces(pieces) => {
                let start = self.map_start(pieces, range.start);
                if range.is_empty() {
                    return start..start;
                }
                start..self.map_end(pieces, range.end).max(start)
            }
        }
    }

    fn piece_end(&self, pieces: &[Piece], index: usize) -> usize {
        pieces
            .get(index + 1)
            .map_or(self.text.len(), |next| next.at)
    }

    fn map_start(&self, pieces: &[Piece], offset: usize) -> usize {
        let Some(index) = pieces
            .partition_point(|piece| piece.at <= offset)
            .checked_sub(1)
        else {
            return pieces.first().map_or(0, |piece| piece.source.start);
        };
        let piece = &pieces[index];
        match piece.kind {
            PieceKind::Verbatim => (piece.source.start + offset - piece.at).min(piece.source.end),
            // Past the end of the segment.
            _ if offset >= self.piece_end(pieces, index) => piece.source.end,
            // A character inside a piece that is one unit starts where the unit does.
            _ => piece.source.start,
        }
    }

    fn map_end(&self, pieces: &[Piece], offset: usize) -> usize {
        // The piece holding the last character of the range.
        let index = pieces.partition_point(|piece| piece.at < offset);
        let Some(piece) = index.checked_sub(1).map(|index| &pieces[index]) else {
            return pieces.first().map_or(0, |piece| piece.source.start);
        };
        match piece.kind {
            PieceKind::Verbatim => (piece.source.start + offset - piece.at).min(piece.source.end),
            _ => piece.source.end,
        }
    }

    /// The source range and the source text that replace segment range `range` with
    /// `replacement`: the replacement written for where the segment sits (escaped, quoted) and
    /// checked against the source's encoding. Refused when that cannot be done without changing
    /// text outside the range or breaking the file.
    pub fn replacement(
        &self,
        range: Range<usize>,
        replacement: &str,
    ) -> Result<(Range<usize>, String), RefusedFix> {
        if let Landing::Refuse(reason) = self.landing {
            return Err(refuse(reason));
        }
        if let SegmentMap::Pieces(pieces) = &self.map {
            let mut previous_end: Option<usize> = None;
            for (index, piece) in pieces.iter().enumerate() {
                let end = self.piece_end(pieces, index);
                if end <= range.start || piece.at >= range.end {
                    continue;
                }
                let whole = range.start <= piece.at && end <= range.end;
                if previous_end.is_some_and(|previous| previous != piece.source.start) {
                    return Err(refuse(
                        "the rewrite spans markup (a tag, a line prefix); edit it by hand",
                    ));
                }
                previous_end = Some(piece.source.end);
                match piece.kind {
                    PieceKind::Verbatim => {}
                    PieceKind::Decoded if whole => {}
                    PieceKind::Decoded => {
                        return Err(refuse("the rewrite would cut an escape sequence in two"))
                    }
                    PieceKind::Joint => {
                        return Err(refuse(
                            "the rewrite spans a line break that carries markup; edit it by hand",
                        ))
                    }
                }
            }
        }
        if let Landing::CsvCell {
            quoted: false,
            delimiter,
        } = self.landing
        {
            let needs_quotes = |text: &str| {
                text.bytes()
                    .any(|byte| matches!(byte, b'"' | b'\n' | b'\r') || byte == delimiter)
            };
            if needs_quotes(replacement) {
                // The cell must become a quoted one: rewrite it whole, which changes no text
                // but the replaced range.
                let cell = format!(
                    "{}{}{}",
                    &self.text[..range.start],
                    replacement,
                    &self.text[range.end..]
                );
                let written = format!("\"{}\"", cell.replace('"', "\"\""));
                if let Some(character) = self.encoding.unencodable(&written) {
                    return Err(refuse(format!(
                        "{character:?} cannot be written in {}, the file's encoding",
                        self.encoding.name()
                    )));
                }
                return Ok((self.to_source(0..self.text.len()), written));
            }
        }
        let written = self.escape(replacement)?;
        if let Some(character) = self.encoding.unencodable(&written) {
            return Err(refuse(format!(
                "{character:?} cannot be written in {}, the file's encoding",
                self.encoding.name()
            )));
        }
        Ok((self.to_source(range), written))
    }

    fn escape(&self, text: &str) -> Result<String, RefusedFix> {
        let encoding = self.encoding;
        match self.landing {
            Landing::HtmlIn {
                attribute_quote,
                outer,
            } => {
                let html = escape(&Landing::html(attribute_quote), text, encoding)?;
                escape(&Landing::from(outer), &html, encoding)
            }
            landing => escape(&landing, text, encoding),
        }
    }
}

impl Landing {
    fn html(attribute_quote: Option<u8>) -> Landing {
        match attribute_quote {
            Some(quote) => Landing::HtmlAttribute { quote },
            None => Landing::HtmlText,
        }
    }
}

impl From<Outer> for Landing {
    fn from(outer: Outer) -> Landing {
        match outer {
            Outer::JsonString => Landing::JsonString,
            Outer::CsvCell { quoted, delimiter } => Landing::CsvCell { quoted, delimiter },
            Outer::Yaml(style) => Landing::Yaml(style),
        }
    }
}

/// `text` written for `landing`; characters the encoding lacks become escapes where the
/// container has them.
fn escape(landing: &Landing, text: &str, encoding: super::Encoding) -> Result<String, RefusedFix> {
    let encodable = |c: char| {
        let mut buffer = [0u8; 4];
        encoding.unencodable(c.encode_utf8(&mut buffer)).is_none()
    };
    Ok(match *landing {
        Landing::Raw | Landing::Refuse(_) => text.to_string(),
        Landing::Markdown => {
            let mut out = String::with_capacity(text.len());
            for c in text.chars() {
                if matches!(c, '\\' | '`' | '*' | '_' | '<' | '[' | ']') {
                    out.push('\\');
                }
                out.push(c);
            }
            out
        }
        Landing::JsonString => {
            let mut out = String::with_capacity(text.len() + 2);
            for c in text.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c if (c as u32) < 0x20 || !encodable(c) => {
                        let mut units = [0u16; 2];
                        for unit in c.encode_utf16(&mut units) {
                            out.push_str(&format!("\\u{unit:04x}"));
                        }
                    }
                    c => out.push(c),
                }
            }
            out
        }
        Landing::CsvCell { quoted: true, .. } => text.replace('"', "\"\""),
        Landing::CsvCell {
            quoted: false,
            delimiter,
        } => {
            // `Segment::replacement` quotes a whole top-level cell when the text needs it; inside
            // HTML in an unquoted cell that would change text outside the fix.
            if text
                .bytes()
                .any(|byte| matches!(byte, b'"' | b'\n' | b'\r') || byte == delimiter)
            {
                return Err(refuse(
                    "the rewrite would need the unquoted cell to be quoted",
                ));
            }
            text.to_string()
        }
        Landing::HtmlText | Landing::HtmlAttribute { .. } | Landing::HtmlIn { .. } => {
            let quote = match *landing {
                Landing::HtmlAttribute { quote } => Some(quote as char),
                _ => None,
            };
            let mut out = String::with_capacity(text.len());
            for c in text.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' if quote.is_none() => out.push_str("&gt;"),
                    '"' if quote == Some('"') => out.push_str("&quot;"),
                    '\'' if quote == Some('\'') => out.push_str("&#39;"),
                    c if !encodable(c) => out.push_str(&format!("&#x{:X};", c as u32)),
                    c => out.push(c),
                }
            }
            out
        }
        Landing::Yaml(style) => super::formats::yaml::escape(style, text).map_err(refuse)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `"a\u4f60b"` in a JSON file: a, an escape for 你, b.
    fn escaped() -> Segment<'static> {
        let pieces = vec![
            Piece {
                at: 0,
                source: 10..11,
                kind: PieceKind::Verbatim,
            },
            Piece {
                at: 1,
                source: 11..17,
                kind: PieceKind::Decoded,
            },
            Piece {
                at: 4,
                source: 17..18,
                kind: PieceKind::Verbatim,
            },
        ];
        Segment {
            text: Cow::Borrowed("a你b"),
            map: SegmentMap::Pieces(Cow::Owned(pieces)),
            landing: Landing::JsonString,
            encoding: Encoding::UTF_8,
            locator: None,
        }
    }

    #[test]
    fn pieces_map_to_the_source_text_of_each_character() {
        let segment = escaped();
        assert_eq!(segment.to_source(1..4), 11..17, "the escape as a whole");
        assert_eq!(segment.to_source(0..5), 10..18);
        assert_eq!(segment.to_source(4..5), 17..18);
        assert_eq!(segment.to_source(4..4), 17..17);
        assert_eq!(segment.to_source(0..1), 10..11);
    }

    #[test]
    fn replacements_are_escaped_for_where_they_land() {
        let segment = escaped();
        let (range, written) = segment.replacement(1..4, "say \"hi\"\n").unwrap();
        assert_eq!(range, 11..17);
        assert_eq!(written, "say \\\"hi\\\"\\n");
        let csv = Segment {
            landing: Landing::CsvCell {
                quoted: true,
                delimiter: b',',
            },
            ..Segment::contiguous("x", 0, Encoding::UTF_8)
        };
        assert_eq!(csv.replacement(0..1, "a \"b\"").unwrap().1, "a \"\"b\"\"");
        let bare = Segment {
            landing: Landing::CsvCell {
                quoted: false,
                delimiter: b',',
            },
            ..csv.clone()
        };
        assert_eq!(bare.replacement(0..1, "a, b").unwrap().1, "\"a, b\"");
        let html = Segment {
            landing: Landing::HtmlAttribute { quote: b'"' },
            ..csv.clone()
        };
        assert_eq!(
            html.replacement(0..1, "<a & \"b\">").unwrap().1,
            "&lt;a &amp; &quot;b&quot;>"
        );
    }

    #[test]
    fn unencodable_replacements_are_refused_or_escaped() {
        let gbk = "gbk".parse::<super::super::EncodingChoice>().unwrap();
        let super::super::EncodingChoice::Named(inner) = gbk else {
            unreachable!()
        };
        let (bytes, _, _) = inner.encode("你好");
        let (_, encoding) = super::super::decode::decode(
            "g",
            &bytes,
            &super::super::DecodeOptions {
                encoding: gbk,
                ..Default::default()
            },
        )
        .unwrap();
        let plain = Segment::contiguous("你好", 0, encoding);
        let refused = plain.replacement(0..3, "😀").unwrap_err();
        assert!(refused.reason.contains("GBK"), "{refused}");
        let json = Segment {
            landing: Landing::JsonString,
            ..plain.clone()
        };
        assert_eq!(json.replacement(0..3, "😀").unwrap().1, "\\ud83d\\ude00");
    }
}
