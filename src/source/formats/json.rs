//! JSON and JSON Lines: string values (never keys), escapes decoded and mapped back.
//!
//! The scanner is written here rather than taken from a crate because what it must report (the
//! exact source range of every escape in every string value, and the path to it) is what JSON
//! libraries throw away; it follows RFC 8259 strictly (the tests hold it to serde_json's verdicts)
//! and keeps its nesting on an explicit stack, so depth costs heap, never call stack.

use std::borrow::Cow;
use std::ops::Range;

use super::select::{json_pointer, Step};
use super::{
    looks_like_html, looks_like_prose, Extracted, PieceBuilder, Selection, SyntaxError, MAX_DEPTH,
};
use crate::source::{Landing, Outer};

/// Where the value being read sits.
enum Frame<'a> {
    Object { key: Cow<'a, str> },
    Array { index: usize },
}

/// The string values of a JSON document (`jsonl: false`) or of every line of a JSON Lines file.
pub(crate) fn extract(
    text: &str,
    jsonl: bool,
    selection: &Selection,
    out: &mut Vec<Extracted>,
) -> Result<(), SyntaxError> {
    if !jsonl {
        let mut scanner = Scanner::new(text, 0, text.len());
        scanner.document(selection, out)?;
        return Ok(());
    }
    let mut start = 0;
    while start < text.len() {
        let end =
            memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |at| start + at);
        let line = &text[start..end];
        if !line.trim().is_empty() {
            let mut scanner = Scanner::new(text, start, end);
            scanner.document(selection, out)?;
        }
        start = end + 1;
    }
    Ok(())
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    end: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str, start: usize, end: usize) -> Scanner<'a> {
        Scanner {
            text,
            bytes: text.as_bytes(),
            pos: start,
            end,
        }
    }

    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.bytes[self.pos])
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn error(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError::new(self.pos, message)
    }

    fn unexpected(&self, expected: &str) -> SyntaxError {
        match self.peek() {
            None => self.error(format!("the JSON ends where {expected} was expected")),
            Some(_) => {
                let found = self.text[self.pos..].chars().next().unwrap_or('?');
                self.error(format!("expected {expected}, found {found:?}"))
            }
        }
    }

    /// One whole document, and nothing but white space after it.
    fn document(
        &mut self,
        selection: &Selection,
        out: &mut Vec<Extracted>,
    ) -> Result<(), SyntaxError> {
        let mut stack: Vec<Frame<'a>> = Vec::new();
        let mut need_value = true;
        loop {
            self.skip_whitespace();
            if need_value {
                match self.peek() {
                    Some(open @ (b'{' | b'[')) => {
                        if stack.len() >= MAX_DEPTH {
                            return Err(
                                self.error(format!("nested deeper than {MAX_DEPTH} levels"))
                            );
                        }
                        self.pos += 1;
                        self.skip_whitespace();
                        let close = if open == b'{' { b'}' } else { b']' };
                        if self.peek() == Some(close) {
                            self.pos += 1;
                            need_value = false;
                        } else if open == b'{' {
                            let key = self.key()?;
                            stack.push(Frame::Object { key });
                        } else {
                            stack.push(Frame::Array { index: 0 });
                        }
                    }
                    Some(b'"') => {
                        let start = self.pos;
                        self.string()?;
                        self.value_string(start..self.pos, &stack, selection, out)?;
                        need_value = false;
                    }
                    Some(b't') => {
                        self.literal("true")?;
                        need_value = false;
                    }
                    Some(b'f') => {
                        self.literal("false")?;
                        need_value = false;
                    }
                    Some(b'n') => {
                        self.literal("null")?;
                        need_value = false;
                    }
                    Some(b'-' | b'0'..=b'9') => {
                        self.number()?;
                        need_value = false;
                    }
                    _ => return Err(self.unexpected("a value")),
                }
                continue;
            }
            match stack.last_mut() {
                None => {
                    return if self.pos < self.end {
                        Err(self.unexpected("the end of the JSON"))
                    } else {
                        Ok(())
                    };
                }
                Some(Frame::Object { key }) => match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        *key = self.key()?;
                        need_value = true;
                    }
                    Some(b'}') => {
                        self.pos += 1;
                        stack.pop();
                    }
                    _ => return Err(self.unexpected("`,` or `}`")),
                },
                Some(Frame::Array { index }) => match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        *index += 1;
                        need_value = true;
                    }
                    Some(b']') => {
                        self.pos += 1;
                        stack.pop();
                    }
                    _ => return Err(self.unexpected("`,` or `]`")),
                },
            }
        }
    }

    /// An object key and the `:` after it.
    fn key(&mut self) -> Result<Cow<'a, str>, SyntaxError> {
        self.skip_whitespace();
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("a key in double quotes"));
        }
        let start = self.pos;
        self.string()?;
        let inner = start + 1..self.pos - 1;
        let key = if self.bytes[inner.clone()].contains(&b'\\') {
            Cow::Owned(decode(self.text, inner)?.text().to_string())
        } else {
            Cow::Borrowed(&self.text[inner])
        };
        self.skip_whitespace();
        if self.peek() != Some(b':') {
            return Err(self.unexpected("`:` after the key"));
        }
        self.pos += 1;
        Ok(key)
    }

    /// Moves past a string literal, checking its escapes; `pos` is at its opening quote.
    fn string(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        loop {
            // Jump to the next quote or backslash; what lies between must hold no control
            // character.
            let rest = &self.bytes[self.pos..self.end];
            let run = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
            if let Some(control) = rest[..run].iter().position(|&byte| byte < 0x20) {
                self.pos += control;
                return Err(self.error(
                    "a control character (such as a raw line break) inside a string; write it as an escape",
                ));
            }
            self.pos += run;
            let Some(byte) = self.peek() else {
                self.pos = start;
                return Err(self.error("this string is never closed"));
            };
            match byte {
                b'"' => {
                    self.pos += 1;
                    return Ok(());
                }
                b'\\' => {
                    let escape = self.pos;
                    match self.bytes.get(self.pos + 1).filter(|_| self.pos + 1 < self.end) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.pos += 2,
                        Some(b'u') => {
                            let hex = self.bytes.get(self.pos + 2..self.pos + 6);
                            if self.pos + 6 > self.end
                                || !hex.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
                            {
                                return Err(SyntaxError::new(escape, "`\\u` must be followed by four hex digits"));
                            }
                            self.pos += 6;
                        }
                        _ => return Err(SyntaxError::new(escape, "unknown escape sequence")),
                    }
                }
                0x00..=0x1F => {
                    return Err(self.error("a control character (such as a raw line break) inside a string; write it as an escape"))
                }
                _ => self.pos += 1,
            }
        }
    }

    fn literal(&mut self, word: &str) -> Result<(), SyntaxError> {
        if self.bytes[self.pos..self.end].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.unexpected("a value"))
        }
    }

    fn number(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        let digits = |scanner: &mut Scanner<'_>| {
            let from = scanner.pos;
            while let Some(b'0'..=b'9') = scanner.peek() {
                scanner.pos += 1;
            }
            scanner.pos > from
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        if self.peek() == Some(b'0') {
            self.pos += 1;
        } else if !digits(self) {
            return Err(SyntaxError::new(start, "a number must have digits"));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(SyntaxError::new(
                    start,
                    "a number's fraction must have digits",
                ));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(SyntaxError::new(
                    start,
                    "a number's exponent must have digits",
                ));
            }
        }
        Ok(())
    }

    /// A string value at `literal` (quotes included): extracted when selected.
    fn value_string(
        &self,
        literal: Range<usize>,
        stack: &[Frame<'a>],
        selection: &Selection,
        out: &mut Vec<Extracted>,
    ) -> Result<(), SyntaxError> {
        let inner = literal.start + 1..literal.end - 1;
        if inner.is_empty() {
            return Ok(());
        }
        let path: Vec<Step<'_>> = stack
            .iter()
            .map(|frame| match frame {
                Frame::Object { key } => Step::Key(key),
                Frame::Array { index } => Step::Index(*index),
            })
            .collect();
        let last_key = match stack.last() {
            Some(Frame::Object { key }) => Some(&**key),
            _ => None,
        };
        let html_key = last_key.is_some_and(|key| {
            key.len() >= 5 && key.as_bytes()[key.len() - 5..].eq_ignore_ascii_case(b"_html")
        });
        if !selection.keys.is_empty() && !selection.keys.iter().any(|keys| keys.matches(&path)) {
            return Ok(());
        }
        let pieces = decode(self.text, inner)?;
        if selection.keys.is_empty() && !html_key && !looks_like_prose(pieces.text()) {
            return Ok(());
        }
        let locator = Some(json_pointer(&path));
        if html_key || looks_like_html(pieces.text()) {
            super::html::extract_nested(pieces, Outer::JsonString, locator, out);
            return Ok(());
        }
        out.push(pieces.finish(Landing::JsonString, locator));
        Ok(())
    }
}

/// The decoded text of the string literal whose inside is `inner`, with a piece per escape.
fn decode(text: &str, inner: Range<usize>) -> Result<PieceBuilder, SyntaxError> {
    let bytes = text.as_bytes();
    let mut pieces = PieceBuilder::with_capacity(inner.len());
    let mut run = inner.start;
    let mut pos = inner.start;
    while pos < inner.end {
        let Some(found) = memchr::memchr(b'\\', &bytes[pos..inner.end]) else {
            break;
        };
        let escape = pos + found;
        pieces.verbatim(&text[run..escape], run..escape);
        let (decoded, len) = match bytes[escape + 1] {
            b'"' => ('"', 2),
            b'\\' => ('\\', 2),
            b'/' => ('/', 2),
            b'b' => ('\u{8}', 2),
            b'f' => ('\u{c}', 2),
            b'n' => ('\n', 2),
            b'r' => ('\r', 2),
            b't' => ('\t', 2),
            _ => {
                let unit = |at: usize| {
                    u16::from_str_radix(text.get(at + 2..at + 6).unwrap_or(""), 16).ok()
                };
                let first =
                    unit(escape).ok_or_else(|| SyntaxError::new(escape, "bad `\\u` escape"))?;
                let paired = || -> Option<char> {
                    if bytes.get(escape + 6..escape + 8) != Some(b"\\u") || escape + 12 > inner.end
                    {
                        return None;
                    }
                    let second = unit(escape + 6)?;
                    char::decode_utf16([first, second]).next()?.ok()
                };
                match char::from_u32(u32::from(first)) {
                    Some(c) => (c, 6),
                    None => match paired() {
                        Some(c) => (c, 12),
                        None => {
                            return Err(SyntaxError::new(
                                escape,
                                "a lone UTF-16 surrogate in a `\\u` escape",
                            ))
                        }
                    },
                }
            }
        };
        let mut buffer = [0u8; 4];
        pieces.decoded(decoded.encode_utf8(&mut buffer), escape..escape + len);
        pos = escape + len;
        run = pos;
    }
    pieces.verbatim(&text[run..inner.end], run..inner.end);
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Segment;

    fn values(text: &str, keys: &[&str]) -> Vec<Extracted> {
        let selection = Selection {
            keys: keys.iter().map(|key| key.parse().unwrap()).collect(),
            ..Selection::default()
        };
        let mut out = Vec::new();
        extract(text, false, &selection, &mut out).unwrap();
        out
    }

    fn segment(found: &Extracted) -> Segment<'_> {
        found.segment(crate::source::Encoding::UTF_8)
    }

    #[test]
    fn string_values_only_never_keys() {
        let text = r#"{"你搞错了 key": "你搞错了", "id": "abc-123", "n": 1, "list": ["请 等一下", true, null]}"#;
        let found = values(text, &[]);
        let texts: Vec<&str> = found.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["你搞错了", "请 等一下"]);
        assert_eq!(found[0].locator.as_deref(), Some("/你搞错了 key"));
        assert_eq!(found[1].locator.as_deref(), Some("/list/0"));
    }

    #[test]
    fn positions_run_through_escapes_and_surrogate_pairs() {
        let text = r#"{"a": "x\"\u4f60\n\ud83d\ude00必须"}"#;
        let found = values(text, &["a"]);
        let value = &found[0];
        assert_eq!(value.text, "x\"你\n😀必须");
        let segment = segment(value);
        let at = |needle: &str| {
            let start = value.text.find(needle).unwrap();
            segment.to_source(start..start + needle.len())
        };
        assert_eq!(&text[at("你")], "\\u4f60");
        assert_eq!(&text[at("😀")], "\\ud83d\\ude00");
        assert_eq!(&text[at("必须")], "必须");
        assert_eq!(&text[at("\"你")], "\\\"\\u4f60");
        // A replacement lands escaped.
        let start = value.text.find('你').unwrap();
        let (range, written) = segment.replacement(start..start + 3, "您\"").unwrap();
        assert_eq!(&text[range], "\\u4f60");
        assert_eq!(written, "您\\\"");
    }

    #[test]
    fn key_paths_select_values() {
        let text = r#"{"macros":[{"id":"1","title":"Refund policy","actions":[{"field":"comment_value","value":"Please wait."},{"field":"x","value":"Sorry"}]}]}"#;
        let found = values(text, &["macros[].actions[].value"]);
        let texts: Vec<&str> = found.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["Please wait.", "Sorry"]);
        assert_eq!(
            found[1].locator.as_deref(),
            Some("/macros/0/actions/1/value")
        );
        let titles = values(text, &["**.title"]);
        assert_eq!(titles.len(), 1);
    }

    #[test]
    fn jsonl_reads_each_line() {
        let text = "{\"text\": \"你搞错了\"}\n\n{\"text\": \"请 等一下\"}\r\n";
        let mut out = Vec::new();
        extract(text, true, &Selection::default(), &mut out).unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(&text[out[1].pieces[0].source.clone()], "请 等一下");
        let mut out = Vec::new();
        let error = extract(
            "{\"a\": 1}\n{\"a\": \n",
            true,
            &Selection::default(),
            &mut out,
        )
        .unwrap_err();
        assert_eq!(error.offset, 15);
    }

    #[test]
    fn agrees_with_serde_json_on_what_is_json() {
        let cases = [
            r#"{"a": [1, -2.5e3, true, false, null, "x"]}"#,
            r#"  "top"  "#,
            r#"[]"#,
            r#"{}"#,
            r#"{"a": 01}"#,
            r#"{"a": 1,}"#,
            r#"[1 2]"#,
            r#"{"a" 1}"#,
            r#"{"a": "\x"}"#,
            r#"{"a": "\ud800"}"#,
            r#"{"a": "\u12"}"#,
            r#"{"a": tru}"#,
            r#"{"a": 1} x"#,
            r#"[-]"#,
            r#"[1.]"#,
            r#"[1e]"#,
            "[\"a\tb\"]",
            r#"{"a": "ok"#,
            "",
        ];
        for case in cases {
            let ours = extract(case, false, &Selection::default(), &mut Vec::new()).is_ok();
            let theirs = serde_json::from_str::<serde_json::Value>(case).is_ok();
            assert_eq!(ours, theirs, "{case}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(200_000) + &"]".repeat(200_000);
        let error = extract(&deep, false, &Selection::default(), &mut Vec::new()).unwrap_err();
        assert!(error.message.contains("nested deeper"), "{error:?}");
        let fine = "[".repeat(500) + "\"你 好\"" + &"]".repeat(500);
        assert_eq!(values(&fine, &[]).len(), 1);
    }

    proptest::proptest! {
        #[test]
        fn escaped_strings_decode_and_map_back(value in "[^<\\p{C}]{0,40}") {
            // serde_json escapes quotes, backslashes and control characters; add \u escapes for
            // everything non-ASCII by hand to exercise surrogate pairs.
            let mut literal = String::from("{\"k\": \"");
            for c in value.chars() {
                match c {
                    '"' => literal.push_str("\\\""),
                    '\\' => literal.push_str("\\\\"),
                    c if (c as u32) < 0x20 || !c.is_ascii() => {
                        let mut units = [0u16; 2];
                        for unit in c.encode_utf16(&mut units) {
                            literal.push_str(&format!("\\u{unit:04X}"));
                        }
                    }
                    c => literal.push(c),
                }
            }
            literal.push_str("\"}");
            let selection = Selection { keys: vec!["k".parse().unwrap()], ..Selection::default() };
            let mut out = Vec::new();
            extract(&literal, false, &selection, &mut out).unwrap();
            if value.is_empty() {
                proptest::prop_assert!(out.is_empty());
                return Ok(());
            }
            let found = &out[0];
            proptest::prop_assert_eq!(&found.text, &value);
            let parsed: serde_json::Value = serde_json::from_str(&literal).unwrap();
            proptest::prop_assert_eq!(parsed["k"].as_str().unwrap(), value.as_str());
            // Every character maps to source text that decodes to exactly that character.
            let segment = segment(found);
            for (start, c) in value.char_indices() {
                let range = segment.to_source(start..start + c.len_utf8());
                let piece = format!("\"{}\"", &literal[range]);
                let decoded: String = serde_json::from_str(&piece).unwrap();
                proptest::prop_assert_eq!(decoded, c.to_string());
            }
        }
    }
}
