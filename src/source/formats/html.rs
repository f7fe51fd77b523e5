//! HTML: text nodes and `alt`/`title` attributes, entities decoded and mapped back, read with
//! html5gum (a WHATWG tokenizer that reports spans).
//!
//! Not linted: tags, other attributes, comments, and the content of `script`, `style`, `code`,
//! `kbd`, `samp`, `template` and `textarea`. Text runs joined by inline tags (`b`, `em`, `a`,
//! `span`, …) are one segment, so a phrase split by `<b>` is still found; a fix across such a tag
//! is refused, since it would drop the tag. HTML is never an error: like a browser, the tokenizer
//! reads any input; an unclosed `<script>` makes the rest of the file script.

use std::ops::Range;

use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Span, Tokenizer};

use super::{Extracted, PieceBuilder};
use crate::source::{Landing, Outer, Piece, PieceKind};

/// Elements whose content is not prose.
const SKIPPED: &[&str] = &[
    "script", "style", "code", "kbd", "samp", "template", "textarea", "pre",
];

/// Elements that do not end a run of text.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "em", "font", "i", "mark", "q", "s", "small", "span",
    "strike", "strong", "sub", "sup", "u", "wbr",
];

/// Attributes whose values are read as text.
const TEXT_ATTRIBUTES: &[&str] = &["alt", "title"];

enum Item {
    Text(Range<usize>, String),
    Open {
        name: String,
        self_closing: bool,
    },
    Close(String),
    Attribute {
        name: String,
        value: Range<usize>,
        decoded: String,
    },
}

/// The HTML in `text[range]`, with every segment mapped into `text`; `outer` is the container the
/// HTML sits in, if any (HTML inside a JSON string), for escaping fixes.
pub(crate) fn extract_range(
    text: &str,
    range: Range<usize>,
    outer: Option<Outer>,
    out: &mut Vec<Extracted>,
) {
    let html = &text[range.clone()];
    let base = range.start;
    let mut items: Vec<Item> = Vec::new();
    let mut tag_name = String::new();
    let mut attribute: Option<String> = None;
    let mut emitter = CallbackEmitter::new(
        |event: CallbackEvent<'_>, span: Span<usize>| -> Option<()> {
            let span = span.start.min(html.len())..span.end.min(html.len());
            match event {
                CallbackEvent::OpenStartTag { name } => {
                    tag_name = String::from_utf8_lossy(name).to_ascii_lowercase();
                    attribute = None;
                }
                CallbackEvent::AttributeName { name } => {
                    attribute = Some(String::from_utf8_lossy(name).to_ascii_lowercase());
                }
                CallbackEvent::AttributeValue { value } => {
                    if let Some(name) = &attribute {
                        let decoded = String::from_utf8_lossy(value).into_owned();
                        match items.last_mut() {
                            // A value reported in several chunks.
                            Some(Item::Attribute {
                                name: last,
                                value: range,
                                decoded: text,
                            }) if last == name && range.end == span.start + base => {
                                range.end = span.end + base;
                                text.push_str(&decoded);
                            }
                            _ => items.push(Item::Attribute {
                                name: name.clone(),
                                value: span.start + base..span.end + base,
                                decoded,
                            }),
                        }
                    }
                }
                CallbackEvent::CloseStartTag { self_closing } => items.push(Item::Open {
                    name: std::mem::take(&mut tag_name),
                    self_closing,
                }),
                CallbackEvent::EndTag { name } => items.push(Item::Close(
                    String::from_utf8_lossy(name).to_ascii_lowercase(),
                )),
                CallbackEvent::String { value } => {
                    let decoded = String::from_utf8_lossy(value).into_owned();
                    match items.last_mut() {
                        Some(Item::Text(range, text)) if range.end == span.start + base => {
                            range.end = span.end + base;
                            text.push_str(&decoded);
                        }
                        _ => items.push(Item::Text(span.start + base..span.end + base, decoded)),
                    }
                }
                CallbackEvent::Comment { .. }
                | CallbackEvent::Doctype { .. }
                | CallbackEvent::Error(_) => {}
            }
            None
        },
    );
    emitter.naively_switch_states(true);
    for _ in Tokenizer::new_with_emitter(html, emitter) {}

    let text_landing = match outer {
        Some(outer) => Landing::HtmlIn {
            attribute_quote: None,
            outer,
        },
        None => Landing::HtmlText,
    };
    let mut current = PieceBuilder::default();
    let mut skipped: Vec<String> = Vec::new();
    let flush = |current: &mut PieceBuilder, out: &mut Vec<Extracted>| {
        let pieces = std::mem::take(current);
        if !pieces.text().trim().is_empty() {
            out.push(pieces.finish(text_landing, None));
        }
    };
    for item in items {
        match item {
            Item::Text(range, decoded) if skipped.is_empty() => {
                decode_into(text, range, &decoded, &mut current);
            }
            Item::Text(..) => {}
            Item::Open { name, self_closing } => {
                if SKIPPED.contains(&name.as_str()) && !self_closing {
                    skipped.push(name);
                    flush(&mut current, out);
                } else if !INLINE.contains(&name.as_str()) {
                    flush(&mut current, out);
                }
            }
            Item::Close(name) => {
                if let Some(open) = skipped.iter().rposition(|skip| *skip == name) {
                    skipped.truncate(open);
                } else if !INLINE.contains(&name.as_str()) {
                    flush(&mut current, out);
                }
            }
            Item::Attribute {
                name,
                value,
                decoded,
            } if skipped.is_empty() && TEXT_ATTRIBUTES.contains(&name.as_str()) => {
                let quote = value
                    .start
                    .checked_sub(1)
                    .and_then(|before| text.as_bytes().get(before))
                    .copied()
                    .filter(|quote| matches!(quote, b'"' | b'\''));
                let landing = match (quote, outer) {
                    (None, _) => Landing::Refuse("the attribute value is not quoted"),
                    (Some(quote), None) => Landing::HtmlAttribute { quote },
                    (Some(quote), Some(outer)) => Landing::HtmlIn {
                        attribute_quote: Some(quote),
                        outer,
                    },
                };
                let mut pieces = PieceBuilder::default();
                decode_into(text, value, &decoded, &mut pieces);
                if !pieces.text().trim().is_empty() {
                    out.push(pieces.finish(landing, None));
                }
            }
            Item::Attribute { .. } => {}
        }
    }
    flush(&mut current, out);
}

/// Adds the raw text at `range` (which the tokenizer decoded to `decoded`) as pieces: verbatim
/// runs and one decoded piece per character reference.
fn decode_into(text: &str, range: Range<usize>, decoded: &str, pieces: &mut PieceBuilder) {
    let Some(raw) = text.get(range.clone()) else {
        return;
    };
    if raw == decoded {
        pieces.verbatim(raw, range);
        return;
    }
    let mut local = PieceBuilder::default();
    let bytes = raw.as_bytes();
    let mut run = 0;
    let mut pos = 0;
    while let Some(found) = memchr::memchr2(b'&', b'\r', &bytes[pos..]) {
        let start = pos + found;
        if bytes[start] == b'\r' {
            // CR LF and a lone CR read as one line break.
            let end = if bytes.get(start + 1) == Some(&b'\n') {
                start + 2
            } else {
                start + 1
            };
            local.verbatim(&raw[run..start], range.start + run..range.start + start);
            local.decoded("\n", range.start + start..range.start + end);
            run = end;
            pos = end;
            continue;
        }
        let mut end = start + 1;
        if bytes.get(end) == Some(&b'#') {
            end += 1;
        }
        while end < bytes.len() && bytes[end].is_ascii_alphanumeric() {
            end += 1;
        }
        if bytes.get(end) == Some(&b';') {
            end += 1;
        }
        let reference = &raw[start..end];
        let value = decode_reference(reference);
        if value != reference {
            local.verbatim(&raw[run..start], range.start + run..range.start + start);
            local.decoded(&value, range.start + start..range.start + end);
            run = end;
        }
        pos = end.max(start + 1);
    }
    local.verbatim(&raw[run..], range.start + run..range.end);
    if local.text() == decoded {
        pieces.append(local);
    } else {
        // A reference read differently in context (a legacy entity without `;`): keep the run as
        // one unit, so positions stay right at its edges and no fix cuts it.
        pieces.decoded(decoded, range);
    }
}

/// One character reference decoded as the tokenizer reads it in text.
fn decode_reference(reference: &str) -> String {
    let mut decoded = String::new();
    let mut emitter =
        CallbackEmitter::new(|event: CallbackEvent<'_>, _: Span<usize>| -> Option<()> {
            if let CallbackEvent::String { value } = event {
                decoded.push_str(&String::from_utf8_lossy(value));
            }
            None
        });
    emitter.naively_switch_states(false);
    for _ in Tokenizer::new_with_emitter(reference, emitter) {}
    decoded
}

/// The HTML inside a value already cut out of a container (`pieces`, mapped to the source),
/// with the offsets composed so that every segment maps to the source.
pub(crate) fn extract_nested(
    pieces: PieceBuilder,
    outer: Outer,
    locator: Option<String>,
    out: &mut Vec<Extracted>,
) {
    let (value, outer_pieces) = pieces.into_parts();
    let mut inner = Vec::new();
    extract_range(&value, 0..value.len(), Some(outer), &mut inner);
    for found in inner {
        out.push(Extracted {
            pieces: compose(&found.pieces, &outer_pieces, value.len()),
            text: found.text,
            landing: found.landing,
            locator: locator.clone(),
        });
    }
}

/// Maps pieces whose sources are offsets into a value onto the source, through the value's own
/// pieces.
fn compose(inner: &[Piece], outer: &[Piece], value_len: usize) -> Vec<Piece> {
    let outer_end = |index: usize| outer.get(index + 1).map_or(value_len, |next| next.at);
    let locate = |offset: usize| {
        outer
            .partition_point(|piece| piece.at <= offset)
            .saturating_sub(1)
    };
    let start_of = |offset: usize| {
        let index = locate(offset);
        let piece = &outer[index];
        match piece.kind {
            PieceKind::Verbatim => piece.source.start + (offset - piece.at),
            _ if offset >= outer_end(index) => piece.source.end,
            _ => piece.source.start,
        }
    };
    let end_of = |offset: usize| {
        let index = outer
            .partition_point(|piece| piece.at < offset)
            .saturating_sub(1);
        let piece = &outer[index];
        match piece.kind {
            PieceKind::Verbatim => piece.source.start + (offset - piece.at).min(piece.source.len()),
            _ => piece.source.end,
        }
    };
    let mut composed = Vec::with_capacity(inner.len());
    for piece in inner {
        if outer.is_empty() || piece.source.is_empty() {
            continue;
        }
        if piece.kind != PieceKind::Verbatim {
            composed.push(Piece {
                at: piece.at,
                source: start_of(piece.source.start)..end_of(piece.source.end),
                kind: piece.kind,
            });
            continue;
        }
        // A verbatim run of the value may cross the value's escapes: split it where they are.
        let mut offset = piece.source.start;
        while offset < piece.source.end {
            let index = locate(offset);
            let outer_piece = &outer[index];
            let until = outer_end(index).min(piece.source.end);
            let kind = outer_piece.kind;
            composed.push(Piece {
                at: piece.at + (offset - piece.source.start),
                source: start_of(offset)..end_of(until),
                kind,
            });
            offset = until;
        }
    }
    composed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Encoding, Segment};

    fn html(text: &str) -> Vec<Extracted> {
        let mut out = Vec::new();
        extract_range(text, 0..text.len(), None, &mut out);
        out
    }

    fn segment(found: &Extracted) -> Segment<'_> {
        found.segment(crate::source::Encoding::UTF_8)
    }

    #[test]
    fn text_and_titles_but_not_scripts_styles_or_other_attributes() {
        let text = "<p class=\"you must\" title=\"请 等一下\">I <b>can't</b> help&nbsp;you</p><script>you must()</script><style>.must{}</style><!-- you must --><img alt='你必须' src=\"must.png\">";
        let found = html(text);
        let texts: Vec<&str> = found.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["请 等一下", "I can't help\u{a0}you", "你必须"]);
        assert_eq!(found[0].landing, Landing::HtmlAttribute { quote: b'"' });
        assert_eq!(found[2].landing, Landing::HtmlAttribute { quote: b'\'' });
        // A fix across the <b> would drop it.
        let paragraph = segment(&found[1]);
        assert!(paragraph.replacement(0..7, "here's").is_err());
        assert!(paragraph.replacement(2..7, "won't").is_ok());
    }

    #[test]
    fn entity_runs_map_back_exactly() {
        let text = "<p>&#x4F60;&#20320;&amp;必须 &lt;b&gt;</p>";
        let found = html(text);
        let value = &found[0];
        assert_eq!(value.text, "你你&必须 <b>");
        let segment = segment(value);
        let char_at = |needle: &str, nth: usize| {
            let start = value.text.match_indices(needle).nth(nth).unwrap().0;
            segment.to_source(start..start + needle.len())
        };
        assert_eq!(&text[char_at("你", 0)], "&#x4F60;");
        assert_eq!(&text[char_at("你", 1)], "&#20320;");
        assert_eq!(&text[char_at("&", 0)], "&amp;");
        assert_eq!(&text[char_at("必须", 0)], "必须");
        assert_eq!(&text[char_at("<b>", 0)], "&lt;b&gt;");
        let (range, written) = segment
            .replacement(
                value.text.find('你').unwrap()..value.text.find('&').unwrap(),
                "<您>",
            )
            .unwrap();
        assert_eq!(&text[range], "&#x4F60;&#20320;");
        assert_eq!(written, "&lt;您&gt;");
    }

    #[test]
    fn html_inside_a_json_string_maps_to_the_file() {
        let file = r#"{"value": "<p class=\"x\">\u4f60必须 &amp; A</p>"}"#;
        let selection = super::super::Selection::default();
        let mut out = Vec::new();
        super::super::json::extract(file, false, &selection, &mut out).unwrap();
        assert_eq!(out.len(), 1, "{out:?}");
        let value = &out[0];
        assert_eq!(value.text, "你必须 & A");
        let segment = segment(value);
        assert_eq!(&file[segment.to_source(0..3)], "\\u4f60");
        assert_eq!(&file[segment.to_source(3..9)], "必须");
        assert_eq!(&file[segment.to_source(10..11)], "&amp;");
        let (range, written) = segment.replacement(0..9, "请您\"一定\"").unwrap();
        assert_eq!(&file[range], "\\u4f60必须");
        assert_eq!(
            written, "请您\\\"一定\\\"",
            "escaped for HTML text, then for JSON"
        );
    }

    #[test]
    fn unclosed_script_swallows_the_rest() {
        let found = html("<p>你好 朋友</p><script>var x = '你必须'");
        assert_eq!(found.len(), 1);
    }

    proptest::proptest! {
        #[test]
        fn escaped_text_decodes_and_maps_back(value in "[a-z你 &<>\"';#]{1,30}") {
            proptest::prop_assume!(!value.trim().is_empty());
            let plain = Segment::contiguous("x", 0, Encoding::UTF_8);
            let segment = Segment { landing: Landing::HtmlText, ..plain };
            let (_, written) = segment.replacement(0..1, &value).unwrap();
            let text = format!("<p>{written}</p>");
            let found = html(&text);
            proptest::prop_assert_eq!(&found[0].text, &value);
            let segment = self::segment(&found[0]);
            for (start, c) in value.char_indices() {
                let source = &text[segment.to_source(start..start + c.len_utf8())];
                proptest::prop_assert_eq!(decode_reference(source), c.to_string());
            }
        }
    }
}
