//! YAML: scalar values (plain, quoted and block), never keys or comments, read with
//! granit-parser (the parser under serde-saphyr), whose events carry each scalar's style and
//! source span.
//!
//! Each scalar's source is decoded here once more, piece by piece (folded line breaks, `''`,
//! escapes, block indentation), so that positions are exact; the result is checked against the
//! parser's own value, and where they differ (an exotic escape) the scalar is linted as one unit:
//! findings point at its start and no fix is offered.

use std::ops::Range;

use granit_parser::{Event, Parser, ScalarStyle, ScanError};

use super::select::Step;
use super::{
    looks_like_html, looks_like_prose, Extracted, PieceBuilder, Selection, SyntaxError, MAX_DEPTH,
};
use crate::source::{Landing, Outer, YamlStyle};

enum Frame {
    Mapping {
        key: Option<String>,
        expect_key: bool,
    },
    Sequence {
        index: usize,
    },
    /// A collection used as a mapping key: nothing in it is a value.
    Key,
}

pub(crate) fn extract(
    text: &str,
    selection: &Selection,
    out: &mut Vec<Extracted>,
) -> Result<(), SyntaxError> {
    let mut stack: Vec<Frame> = Vec::new();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|error| scan_error(text, &error))?;
        let start = byte_offset(text, span.start.byte_offset(), span.start.index());
        let end = byte_offset(text, span.end.byte_offset(), span.end.index());
        match event {
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(SyntaxError::new(
                        start,
                        format!("nested deeper than {MAX_DEPTH} levels"),
                    ));
                }
                let is_key = in_key(&stack) || take_key_slot(&mut stack);
                stack.push(match (is_key, event) {
                    (true, _) => Frame::Key,
                    (false, Event::MappingStart(..)) => Frame::Mapping {
                        key: None,
                        expect_key: true,
                    },
                    (false, _) => Frame::Sequence { index: 0 },
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                after_value(&mut stack);
            }
            Event::Scalar(value, style, _, _) => {
                if in_key(&stack) {
                    continue;
                }
                if let Some(Frame::Mapping {
                    key,
                    expect_key: expect @ true,
                }) = stack.last_mut()
                {
                    *key = Some(value.into_owned());
                    *expect = false;
                    continue;
                }
                scalar(text, start..end, &value, style, &stack, selection, out);
                after_value(&mut stack);
            }
            Event::Alias(_) => {
                // An alias as a key takes the key slot; as a value it moves the collection on.
                let is_key = in_key(&stack) || take_key_slot(&mut stack);
                if !is_key {
                    after_value(&mut stack);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn in_key(stack: &[Frame]) -> bool {
    stack.iter().any(|frame| matches!(frame, Frame::Key))
}

/// Whether the next node is a mapping key (and, if so, that the slot is now taken).
fn take_key_slot(stack: &mut [Frame]) -> bool {
    match stack.last_mut() {
        Some(Frame::Mapping {
            key,
            expect_key: expect @ true,
        }) => {
            *key = None;
            *expect = false;
            true
        }
        _ => false,
    }
}

/// Moves the innermost collection on past the value just read.
fn after_value(stack: &mut [Frame]) {
    match stack.last_mut() {
        Some(Frame::Mapping { expect_key, .. }) => *expect_key = true,
        Some(Frame::Sequence { index }) => *index += 1,
        _ => {}
    }
}

fn byte_offset(text: &str, bytes: Option<usize>, chars: usize) -> usize {
    bytes
        .unwrap_or_else(|| {
            text.char_indices()
                .nth(chars)
                .map_or(text.len(), |(at, _)| at)
        })
        .min(text.len())
}

fn scan_error(text: &str, error: &ScanError) -> SyntaxError {
    let marker = error.marker();
    SyntaxError::new(
        byte_offset(text, marker.byte_offset(), marker.index()),
        error.info(),
    )
}

/// The path of a value, `replies[2].body`.
fn yaml_path(path: &[Step<'_>]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Step::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

fn scalar(
    text: &str,
    span: Range<usize>,
    value: &str,
    style: ScalarStyle,
    stack: &[Frame],
    selection: &Selection,
    out: &mut Vec<Extracted>,
) {
    if value.trim().is_empty() || text.get(span.clone()).is_none() {
        return;
    }
    let path: Vec<Step<'_>> = stack
        .iter()
        .filter_map(|frame| match frame {
            Frame::Mapping { key, .. } => Some(Step::Key(key.as_deref().unwrap_or(""))),
            Frame::Sequence { index } => Some(Step::Index(*index)),
            Frame::Key => None,
        })
        .collect();
    let html_key =
        matches!(path.last(), Some(Step::Key(key)) if key.to_ascii_lowercase().ends_with("_html"));
    if selection.keys.is_empty() {
        if !html_key && !looks_like_prose(value) {
            return;
        }
    } else if !selection.keys.iter().any(|keys| keys.matches(&path)) {
        return;
    }
    let locator = Some(yaml_path(&path));
    let (pieces, style) = match decode(text, span.clone(), style) {
        Some((pieces, style)) if pieces.text() == value => (pieces, Some(style)),
        _ => {
            let mut whole = PieceBuilder::default();
            whole.decoded(value, span);
            (whole, None)
        }
    };
    let Some(style) = style else {
        out.push(pieces.finish(
            Landing::Refuse("this YAML scalar's escapes are not mapped one by one"),
            locator,
        ));
        return;
    };
    if html_key || looks_like_html(pieces.text()) {
        super::html::extract_nested(pieces, Outer::Yaml(style), locator, out);
        return;
    }
    out.push(pieces.finish(Landing::Yaml(style), locator));
}

/// The pieces of the scalar at `span` and its style, or `None` for what this decoder does not
/// follow (the caller then checks its text against the parser's).
fn decode(text: &str, span: Range<usize>, style: ScalarStyle) -> Option<(PieceBuilder, YamlStyle)> {
    let raw = text.get(span.clone())?;
    match style {
        ScalarStyle::Plain => Some((fold(text, span, FlowKind::Plain)?, YamlStyle::Plain)),
        ScalarStyle::SingleQuoted => {
            let inner = span.start + 1..span.end.checked_sub(1)?;
            (raw.starts_with('\'') && raw.ends_with('\'') && raw.len() >= 2)
                .then(|| fold(text, inner, FlowKind::Single))?
                .map(|pieces| (pieces, YamlStyle::SingleQuoted))
        }
        ScalarStyle::DoubleQuoted => {
            let inner = span.start + 1..span.end.checked_sub(1)?;
            (raw.starts_with('"') && raw.ends_with('"') && raw.len() >= 2)
                .then(|| fold(text, inner, FlowKind::Double))?
                .map(|pieces| (pieces, YamlStyle::DoubleQuoted))
        }
        ScalarStyle::Literal | ScalarStyle::Folded => {
            block(text, span, style == ScalarStyle::Folded)
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FlowKind {
    Plain,
    Single,
    Double,
}

/// A flow scalar's lines folded (a single line break is a space, each further one a `\n`), with
/// the quoting of `kind` decoded.
fn fold(text: &str, range: Range<usize>, kind: FlowKind) -> Option<PieceBuilder> {
    let mut pieces = PieceBuilder::default();
    let raw = &text[range.clone()];
    // (start, end) of each line's content, in the source.
    let mut lines: Vec<Range<usize>> = Vec::new();
    let mut offset = range.start;
    for line in raw.split('\n') {
        let start = offset;
        offset += line.len() + 1;
        let content = line.trim_end_matches('\r');
        let leading = if lines.is_empty() {
            0
        } else {
            content.len() - content.trim_start_matches([' ', '\t']).len()
        };
        let trailing = content.len() - content.trim_end_matches([' ', '\t']).len();
        let trimmed_end =
            if kind == FlowKind::Double && content.trim_end_matches([' ', '\t']).ends_with('\\') {
                // An escaped line break keeps what precedes it.
                content.len()
            } else {
                content.len() - trailing
            };
        lines.push(start + leading..start + trimmed_end.max(leading));
    }
    let count = lines.len();
    let mut index = 0;
    while index < count {
        let line = lines[index].clone();
        let mut escaped_break = false;
        let mut content = line.clone();
        if kind == FlowKind::Double && index + 1 < count && text[content.clone()].ends_with('\\') {
            escaped_break = true;
            content.end -= 1;
        }
        quoted_run(text, content.clone(), kind, &mut pieces)?;
        // Fold the break(s) after this line.
        let mut next = index + 1;
        while next < count - 1 && lines[next].is_empty() {
            next += 1;
        }
        if next < count {
            let empty = next - index - 1;
            let folded = if escaped_break {
                String::new()
            } else if empty == 0 {
                " ".to_string()
            } else {
                "\n".repeat(empty)
            };
            let gap = content.end + usize::from(escaped_break)..lines[next].start;
            pieces.decoded(&folded, gap);
        }
        index = next;
    }
    Some(pieces)
}

/// One line of a flow scalar: `''` in single quotes and escapes in double quotes decoded.
fn quoted_run(
    text: &str,
    range: Range<usize>,
    kind: FlowKind,
    pieces: &mut PieceBuilder,
) -> Option<()> {
    let raw = &text[range.clone()];
    let bytes = raw.as_bytes();
    let mut run = 0;
    let mut pos = 0;
    let special = match kind {
        FlowKind::Plain => {
            pieces.verbatim(raw, range);
            return Some(());
        }
        FlowKind::Single => b'\'',
        FlowKind::Double => b'\\',
    };
    while let Some(found) = memchr::memchr(special, &bytes[pos..]) {
        let at = pos + found;
        pieces.verbatim(&raw[run..at], range.start + run..range.start + at);
        let (decoded, len): (String, usize) = if kind == FlowKind::Single {
            if bytes.get(at + 1) != Some(&b'\'') {
                return None;
            }
            ("'".to_string(), 2)
        } else {
            let escape = *bytes.get(at + 1)?;
            let hex = |digits: usize| -> Option<(String, usize)> {
                let code = u32::from_str_radix(raw.get(at + 2..at + 2 + digits)?, 16).ok()?;
                Some((char::from_u32(code)?.to_string(), 2 + digits))
            };
            match escape {
                b'0' => ("\0".into(), 2),
                b'a' => ("\u{7}".into(), 2),
                b'b' => ("\u{8}".into(), 2),
                b't' | b'\t' => ("\t".into(), 2),
                b'n' => ("\n".into(), 2),
                b'v' => ("\u{b}".into(), 2),
                b'f' => ("\u{c}".into(), 2),
                b'r' => ("\r".into(), 2),
                b'e' => ("\u{1b}".into(), 2),
                b' ' => (" ".into(), 2),
                b'"' => ("\"".into(), 2),
                b'/' => ("/".into(), 2),
                b'\\' => ("\\".into(), 2),
                b'N' => ("\u{85}".into(), 2),
                b'_' => ("\u{a0}".into(), 2),
                b'L' => ("\u{2028}".into(), 2),
                b'P' => ("\u{2029}".into(), 2),
                b'x' => hex(2)?,
                b'u' => hex(4)?,
                b'U' => hex(8)?,
                _ => return None,
            }
        };
        pieces.decoded(&decoded, range.start + at..range.start + at + len);
        pos = at + len;
        run = pos;
    }
    pieces.verbatim(&raw[run..], range.start + run..range.end);
    Some(())
}

/// A `|` or `>` block scalar: its lines without their indentation, joined by line breaks
/// (literal) or folded (folded), with the final line break clipped, kept or stripped.
fn block(text: &str, span: Range<usize>, folded: bool) -> Option<(PieceBuilder, YamlStyle)> {
    // The span starts at the first content character; the header (`|`, `>-`, …) ends an
    // earlier line.
    let line_start = text[..span.start].rfind('\n').map_or(0, |at| at + 1);
    let indent = span.start - line_start;
    if !text[line_start..span.start]
        .bytes()
        .all(|byte| byte == b' ')
    {
        return None;
    }
    let before = text[..line_start].trim_end();
    let header_line = &before[before.rfind('\n').map_or(0, |at| at + 1)..];
    let header_line = header_line.split(" #").next().unwrap_or("");
    let indicator = header_line.rfind(['|', '>'])?;
    let header = header_line[indicator + 1..].trim();
    if header.bytes().any(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let keep = header.contains('+');
    let strip = header.contains('-');
    let end = span.end.min(text.len());
    // Content lines (source ranges without indentation); empty lines as empty ranges.
    let mut lines: Vec<Range<usize>> = Vec::new();
    let mut offset = line_start;
    for line in text[line_start..end].split('\n') {
        let content = line.trim_end_matches('\r');
        let skip = indent.min(content.len());
        lines.push(offset + skip..offset + content.len());
        offset += line.len() + 1;
    }
    let last_content = lines.iter().rposition(|line| !line.is_empty())?;
    let trailing_breaks = lines.len() - 1 - last_content;
    let mut pieces = PieceBuilder::default();
    for (index, line) in lines[..=last_content].iter().enumerate() {
        if index > 0 {
            let previous = &lines[index - 1];
            let more_indented = |line: &Range<usize>| text[line.clone()].starts_with([' ', '\t']);
            let joiner = if !folded || more_indented(previous) || more_indented(line) {
                "\n"
            } else if previous.is_empty() {
                // The break before an empty line is folded away; the empty line is the `\n`.
                ""
            } else if line.is_empty() {
                "\n"
            } else {
                " "
            };
            pieces.decoded(joiner, previous.end..line.start);
        }
        pieces.verbatim(&text[line.clone()], line.clone());
    }
    let last = &lines[last_content];
    if !strip {
        let breaks = if keep { trailing_breaks.max(1) } else { 1 };
        let break_len = if text[last.end..].starts_with("\r\n") {
            2
        } else if text[last.end..].starts_with('\n') {
            1
        } else {
            return None;
        };
        pieces.decoded(&"\n".repeat(breaks), last.end..last.end + break_len);
    }
    let style = if folded {
        YamlStyle::Folded { indent }
    } else {
        YamlStyle::Literal { indent }
    };
    Some((pieces, style))
}

/// `text` written into a scalar of `style`, or why it cannot be without changing the scalar's
/// style (which would touch text outside the fix).
pub(crate) fn escape(style: YamlStyle, text: &str) -> Result<String, &'static str> {
    match style {
        YamlStyle::DoubleQuoted => {
            let mut out = String::with_capacity(text.len());
            for c in text.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
                    c => out.push(c),
                }
            }
            Ok(out)
        }
        YamlStyle::SingleQuoted => {
            if text.contains(['\n', '\r']) {
                return Err(
                    "a line break cannot be written into a single-quoted YAML scalar as is",
                );
            }
            Ok(text.replace('\'', "''"))
        }
        YamlStyle::Plain => {
            // A plain scalar ends at `: ` or ` #` and changes meaning with a leading indicator.
            let ambiguous = text.contains(": ")
                || text.contains(" #")
                || text.ends_with(':')
                || text.contains(['\n', '\r', '\t'])
                || text.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c) || c == ' ')
                || text.ends_with(' ');
            if ambiguous {
                return Err("the rewrite would make the plain YAML scalar ambiguous; quote the value by hand");
            }
            Ok(text.to_string())
        }
        YamlStyle::Literal { indent } => {
            let mut out = String::with_capacity(text.len());
            for (index, line) in text.split('\n').enumerate() {
                if index > 0 {
                    out.push('\n');
                    if !line.is_empty() {
                        out.push_str(&" ".repeat(indent));
                    }
                }
                out.push_str(line);
            }
            Ok(out)
        }
        YamlStyle::Folded { .. } => {
            if text.contains(['\n', '\r']) {
                return Err("a line break cannot be written into a folded YAML scalar as is");
            }
            Ok(text.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Segment;

    fn scalars(text: &str) -> Vec<Extracted> {
        let mut out = Vec::new();
        extract(text, &Selection::default(), &mut out).unwrap();
        out
    }

    fn segment(found: &Extracted) -> Segment<'_> {
        found.segment(crate::source::Encoding::UTF_8)
    }

    #[test]
    fn values_of_every_style_but_never_keys_or_comments() {
        let text = "# you must not lint comments\nreplies:\n  - title: 你搞错了 key stays\n    plain: you must wait\n    single: 'it''s 你搞错了'\n    double: \"\\u4f60搞错了 \\\"now\\\"\"\n    literal: |\n      first line\n      你搞错了\n    folded: >\n      one\n      two\n    \"你搞错了 key\": 1\n";
        let found = scalars(text);
        let texts: Vec<&str> = found.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "你搞错了 key stays",
                "you must wait",
                "it's 你搞错了",
                "你搞错了 \"now\"",
                "first line\n你搞错了\n",
                "one two\n"
            ]
        );
        assert_eq!(found[1].locator.as_deref(), Some("replies[0].plain"));
        for value in &found {
            let segment = segment(value);
            if let Some(start) = value.text.find("你搞错了") {
                let source = &text[segment.to_source(start..start + 12)];
                assert!(
                    source == "你搞错了" || source == "\\u4f60搞错了",
                    "{source:?}"
                );
            }
        }
        assert_eq!(found[2].landing, Landing::Yaml(YamlStyle::SingleQuoted));
        assert_eq!(
            found[4].landing,
            Landing::Yaml(YamlStyle::Literal { indent: 6 })
        );
    }

    #[test]
    fn fixes_follow_each_style() {
        let text = "a: 'it''s you'\nb: plain text here\nc: |\n  line one\n  line two\n";
        let found = scalars(text);
        let quoted = segment(&found[0]);
        assert_eq!(quoted.replacement(0..4, "it's").unwrap().1, "it''s");
        let plain = segment(&found[1]);
        assert!(
            plain.replacement(0..5, "note: this").is_err(),
            "would become a mapping"
        );
        assert_eq!(plain.replacement(0..5, "simple").unwrap().1, "simple");
        let literal = segment(&found[2]);
        let (range, written) = literal.replacement(0..8, "first\nsecond").unwrap();
        assert_eq!(&text[range], "line one");
        assert_eq!(written, "first\n  second");
    }

    #[test]
    fn folded_plain_scalars_map_across_lines() {
        let text = "body: you must\n  wait here\n";
        let found = scalars(text);
        assert_eq!(found[0].text, "you must wait here");
        let segment = segment(&found[0]);
        let wait = found[0].text.find("wait").unwrap();
        assert_eq!(&text[segment.to_source(wait..wait + 4)], "wait");
    }

    #[test]
    fn tab_errors_and_deep_nesting_are_errors_with_a_place() {
        let mut out = Vec::new();
        let error = extract("a:\n\tb: 1\n", &Selection::default(), &mut out).unwrap_err();
        assert!(
            (3..=4).contains(&error.offset),
            "on the tab's line: {error:?}"
        );
        let deep = "[".repeat(5000) + &"]".repeat(5000);
        let error = extract(&deep, &Selection::default(), &mut out).unwrap_err();
        assert!(error.offset > 0, "{error:?}");
    }

    proptest::proptest! {
        #[test]
        fn escaped_scalars_decode_and_map_back(value in "[a-z你 \"'\\\\\t\n]{1,30}", double in proptest::bool::ANY) {
            proptest::prop_assume!(value.trim() == value && !value.is_empty() && !value.contains('<'));
            let (style, quote) = if double {
                (YamlStyle::DoubleQuoted, '"')
            } else {
                proptest::prop_assume!(!value.contains('\n'));
                (YamlStyle::SingleQuoted, '\'')
            };
            let written = escape(style, &value).unwrap();
            let text = format!("k: {quote}{written}{quote}\n");
            let selection = Selection { keys: vec!["k".parse().unwrap()], ..Selection::default() };
            let mut out = Vec::new();
            extract(&text, &selection, &mut out).unwrap();
            proptest::prop_assert_eq!(&out[0].text, &value);
            proptest::prop_assert_eq!(out[0].landing, Landing::Yaml(style));
            let segment = segment(&out[0]);
            for (start, c) in value.char_indices() {
                let source = &text[segment.to_source(start..start + c.len_utf8())];
                let again = escape(style, &c.to_string()).unwrap();
                proptest::prop_assert_eq!(source, again.as_str());
            }
        }
    }
}
