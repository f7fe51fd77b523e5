//! Turning the bytes of a file into text, and text back into the file's own bytes.
//!
//! The policy (documented in `docs/inputs.md`): a byte-order mark always wins; without one a file
//! must be UTF-8 unless an encoding was asked for. A legacy encoding (GBK, GB18030, Big5, …) is
//! never guessed silently, because a wrong guess decodes to plausible-looking garbage that would
//! then be linted and "fixed"; instead the error names the best guess and the flag that accepts
//! it. Every decoded file must encode back to exactly the bytes it came from, so that fixes can be
//! written in the file's own encoding without touching a byte outside the edited spans.

use std::fmt;
use std::str::FromStr;

use super::SourceError;

/// How many leading bytes are inspected when guessing at UTF-16 without a byte-order mark.
const SNIFF_LEN: usize = 8 * 1024;

/// Text offsets between two recorded pairs of (text offset, file offset): bounds the work of
/// [`Encoding::file_offset`] to re-encoding this much text.
const CHECKPOINT_EVERY: usize = 4 * 1024;

/// A character encoding a source was read in, and whether the file began with a byte-order mark.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Encoding {
    inner: &'static encoding_rs::Encoding,
    bom: bool,
}

impl fmt::Debug for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.name(), if self.bom { " (BOM)" } else { "" })
    }
}

impl Encoding {
    /// UTF-8 without a byte-order mark: what every source made from a string is.
    pub const UTF_8: Encoding = Encoding {
        inner: encoding_rs::UTF_8,
        bom: false,
    };

    /// The encoding's WHATWG name (`UTF-8`, `GBK`, `Big5`, `UTF-16LE`, …).
    pub fn name(&self) -> &'static str {
        self.inner.name()
    }

    pub fn has_bom(&self) -> bool {
        self.bom
    }

    /// Whether text offsets and file offsets differ by nothing more than the byte-order mark.
    pub fn is_utf8(&self) -> bool {
        self.inner == encoding_rs::UTF_8
    }

    fn bom_bytes(&self) -> &'static [u8] {
        match (self.bom, self.inner.name()) {
            (false, _) => b"",
            (true, "UTF-16LE") => b"\xFF\xFE",
            (true, "UTF-16BE") => b"\xFE\xFF",
            (true, _) => b"\xEF\xBB\xBF",
        }
    }

    /// `text` in this encoding, byte-order mark included. Fails with the first character the
    /// encoding cannot represent.
    pub fn encode(&self, text: &str) -> Result<Vec<u8>, char> {
        let mut bytes = Vec::with_capacity(text.len() + 3);
        bytes.extend_from_slice(self.bom_bytes());
        self.encode_into(text, &mut bytes)?;
        Ok(bytes)
    }

    /// The first character of `text` this encoding cannot represent, if any.
    pub fn unencodable(&self, text: &str) -> Option<char> {
        if self.is_utf8()
            || self.inner == encoding_rs::UTF_16LE
            || self.inner == encoding_rs::UTF_16BE
        {
            return None;
        }
        self.encode_into(text, &mut Vec::new()).err()
    }

    fn encode_into(&self, text: &str, out: &mut Vec<u8>) -> Result<(), char> {
        if self.is_utf8() {
            out.extend_from_slice(text.as_bytes());
            return Ok(());
        }
        // encoding_rs encodes only into ASCII-compatible encodings (the WHATWG rule), so UTF-16
        // is written here; it is a direct transcription either way.
        if self.inner == encoding_rs::UTF_16LE || self.inner == encoding_rs::UTF_16BE {
            let little = self.inner == encoding_rs::UTF_16LE;
            for unit in text.encode_utf16() {
                out.extend_from_slice(&if little {
                    unit.to_le_bytes()
                } else {
                    unit.to_be_bytes()
                });
            }
            return Ok(());
        }
        let mut encoder = self.inner.new_encoder();
        let mut rest = text;
        loop {
            let needed = encoder
                .max_buffer_length_from_utf8_without_replacement(rest.len())
                .unwrap_or(rest.len() * 4 + 16);
            let start = out.len();
            out.resize(start + needed, 0);
            let (result, read, written) =
                encoder.encode_from_utf8_without_replacement(rest, &mut out[start..], true);
            out.truncate(start + written);
            rest = &rest[read..];
            match result {
                encoding_rs::EncoderResult::InputEmpty => return Ok(()),
                encoding_rs::EncoderResult::OutputFull => continue,
                encoding_rs::EncoderResult::Unmappable(c) => return Err(c),
            }
        }
    }

    /// Byte offset in the file of byte `offset` of the decoded text, given the checkpoints
    /// recorded for that text.
    pub(crate) fn file_offset(
        &self,
        text: &str,
        checkpoints: &[(usize, usize)],
        offset: usize,
    ) -> usize {
        let bom = self.bom_bytes().len();
        if self.is_utf8() {
            return bom + offset;
        }
        let offset = super::floor_char_boundary(text, offset);
        let index = checkpoints.partition_point(|&(at, _)| at <= offset);
        let (at, file) = index
            .checked_sub(1)
            .map_or((0, bom), |index| checkpoints[index]);
        let mut scratch = Vec::new();
        // Characters a fixed text holds that the encoding lacks never reach a file (such fixes are
        // refused), so counting them as nothing only matters for text that is never written.
        let _ = self.encode_into(&text[at..offset], &mut scratch);
        file + scratch.len()
    }

    /// The (text offset, file offset) pairs every [`CHECKPOINT_EVERY`] bytes of text, for a text
    /// that encodes cleanly; empty for UTF-8, whose offsets need none.
    pub(crate) fn checkpoints(&self, text: &str) -> Vec<(usize, usize)> {
        if self.is_utf8() {
            return Vec::new();
        }
        let mut checkpoints = Vec::with_capacity(text.len() / CHECKPOINT_EVERY + 1);
        let mut file = self.bom_bytes().len();
        let mut at = 0;
        let mut scratch = Vec::new();
        while at < text.len() {
            let next = super::floor_char_boundary(text, at + CHECKPOINT_EVERY)
                .max(super::ceil_char_boundary(text, at + 1));
            scratch.clear();
            let _ = self.encode_into(&text[at..next], &mut scratch);
            file += scratch.len();
            at = next;
            checkpoints.push((at, file));
        }
        checkpoints
    }
}

/// Which encoding to read inputs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EncodingChoice {
    /// A byte-order mark if there is one, otherwise UTF-8; anything else is an error that names
    /// the likely encoding.
    #[default]
    Auto,
    /// This encoding, unless the file starts with a byte-order mark (which is unambiguous).
    Named(&'static encoding_rs::Encoding),
}

impl FromStr for EncodingChoice {
    type Err = String;

    fn from_str(label: &str) -> Result<Self, Self::Err> {
        if label.eq_ignore_ascii_case("auto") {
            return Ok(EncodingChoice::Auto);
        }
        match encoding_rs::Encoding::for_label(label.trim().as_bytes()) {
            // Stateful or pseudo-encodings: offsets inside them cannot be mapped piece by piece,
            // and nobody keeps reply libraries in them.
            Some(encoding)
                if encoding == encoding_rs::ISO_2022_JP
                    || encoding == encoding_rs::REPLACEMENT
                    || encoding == encoding_rs::X_USER_DEFINED =>
            {
                Err(format!("the {} encoding is not supported", encoding.name()))
            }
            Some(encoding) => Ok(EncodingChoice::Named(encoding)),
            None => Err(format!(
                "unknown encoding {label:?}; use auto, utf-8, utf-16le, utf-16be, gbk, gb18030, \
                 big5, shift_jis, euc-kr or another WHATWG encoding label"
            )),
        }
    }
}

/// How inputs are read: their encoding, their format, and what in them to lint.
#[derive(Debug, Clone, Default)]
pub struct DecodeOptions {
    pub encoding: EncodingChoice,
    /// The format of every input; by file name extension when `None`.
    pub format: Option<super::Format>,
    pub selection: std::sync::Arc<super::Selection>,
}

/// The text of `bytes`, and the encoding it was read in.
pub fn decode(
    name: &str,
    bytes: &[u8],
    options: &DecodeOptions,
) -> Result<(String, Encoding), SourceError> {
    if let Some((inner, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let encoding = Encoding { inner, bom: true };
        let text = decode_strict(name, encoding, &bytes[bom_len..])?;
        return Ok((text, encoding));
    }
    let forced = match options.encoding {
        EncodingChoice::Named(inner) if inner != encoding_rs::UTF_8 => Some(inner),
        _ => None,
    };
    if let Some(inner) = forced {
        let encoding = Encoding { inner, bom: false };
        let is_utf16 = inner == encoding_rs::UTF_16LE || inner == encoding_rs::UTF_16BE;
        if !is_utf16 {
            if let Some(offset) = memchr::memchr(0, bytes) {
                return Err(SourceError::Binary {
                    name: name.to_string(),
                    offset,
                });
            }
            // Valid UTF-8 with non-ASCII in it is, in practice, never text in another encoding;
            // decoding it as one would garble every CJK character without an error.
            if !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() {
                return Err(SourceError::Utf8WhenForced {
                    name: name.to_string(),
                    encoding: inner.name(),
                });
            }
        }
        let text = decode_strict(name, encoding, bytes)?;
        return Ok((text, encoding));
    }

    if let Some(offset) = memchr::memchr(0, bytes) {
        if let Some(inner) = utf16_without_bom(bytes).filter(|_| !stray_nuls(bytes)) {
            return Err(SourceError::Utf16WithoutBom {
                name: name.to_string(),
                encoding: inner.name(),
            });
        }
        return Err(SourceError::Binary {
            name: name.to_string(),
            offset,
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text.to_string(), Encoding::UTF_8)),
        Err(error) => {
            let offset = error.valid_up_to();
            let (line, column) = line_column_of_valid_prefix(&bytes[..offset]);
            let guess = utf16_without_bom(bytes)
                .map(|inner| format!("{} without a byte-order mark", inner.name()))
                .or_else(|| legacy_guess(bytes).map(|inner| inner.name().to_string()));
            Err(SourceError::InvalidUtf8 {
                name: name.to_string(),
                line,
                column,
                offset,
                guess,
            })
        }
    }
}

/// Decodes `bytes` (without a byte-order mark) in `encoding`, failing at the first malformed
/// sequence and on text that would not encode back to the same bytes.
fn decode_strict(name: &str, encoding: Encoding, bytes: &[u8]) -> Result<String, SourceError> {
    if encoding.is_utf8() {
        return match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.to_string()),
            Err(error) => {
                let offset = error.valid_up_to();
                let (line, column) = line_column_of_valid_prefix(&bytes[..offset]);
                Err(SourceError::InvalidUtf8 {
                    name: name.to_string(),
                    line,
                    column,
                    offset: offset + encoding.bom_bytes().len(),
                    guess: None,
                })
            }
        };
    }
    let mut decoder = encoding.inner.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len() * 3),
    );
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut text, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => {}
        encoding_rs::DecoderResult::Malformed(bad, later) => {
            let offset = read - bad as usize - later as usize;
            let (line, column) = super::line_column(&text, text.len());
            return Err(SourceError::Malformed {
                name: name.to_string(),
                encoding: encoding.name(),
                line,
                column,
                offset: offset + encoding.bom_bytes().len(),
            });
        }
        encoding_rs::DecoderResult::OutputFull => {
            return Err(SourceError::Malformed {
                name: name.to_string(),
                encoding: encoding.name(),
                line: 0,
                column: 0,
                offset: read,
            })
        }
    }
    // A few legacy byte sequences decode to a character that encodes back differently (Big5's
    // duplicate code points); such a file could not be written back unchanged.
    let plain = Encoding {
        inner: encoding.inner,
        bom: false,
    };
    match plain.encode(&text) {
        Ok(again) if again == bytes => Ok(text),
        _ => {
            let prefix = again_prefix(&plain, &text, bytes);
            let (line, column) = super::line_column(&text, prefix);
            Err(SourceError::NoRoundTrip {
                name: name.to_string(),
                encoding: encoding.name(),
                line,
                column,
            })
        }
    }
}

/// The text offset of the first character that does not encode back to the file's bytes.
fn again_prefix(encoding: &Encoding, text: &str, bytes: &[u8]) -> usize {
    let mut file = 0;
    let mut scratch = Vec::new();
    for (offset, c) in text.char_indices() {
        scratch.clear();
        let mut buffer = [0u8; 4];
        if encoding
            .encode_into(c.encode_utf8(&mut buffer), &mut scratch)
            .is_err()
            || bytes.get(file..file + scratch.len()) != Some(&scratch[..])
        {
            return offset;
        }
        file += scratch.len();
    }
    text.len()
}

fn line_column_of_valid_prefix(valid: &[u8]) -> (usize, usize) {
    // `valid` is the longest valid UTF-8 prefix, so this never fails.
    let prefix = std::str::from_utf8(valid).unwrap_or_default();
    super::line_column(prefix, prefix.len())
}

/// UTF-16 without a byte-order mark: the sniffed prefix decodes as UTF-16 in one byte order to
/// text that is almost all letters, CJK, punctuation and line breaks.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let sniff = &bytes[..bytes.len().min(SNIFF_LEN) & !1];
    if bytes.len() % 2 != 0 || sniff.len() < 8 {
        return None;
    }
    // In UTF-16 text a NUL byte is the high half of an ASCII character, so all of them fall on
    // the same side of each pair.
    let nul_at = |parity: usize| sniff.iter().skip(parity).step_by(2).any(|&byte| byte == 0);
    if nul_at(0) && nul_at(1) {
        return None;
    }
    [encoding_rs::UTF_16LE, encoding_rs::UTF_16BE]
        .into_iter()
        .find(|&encoding| {
            let units = sniff.chunks_exact(2).map(|pair| {
                if encoding == encoding_rs::UTF_16LE {
                    u16::from_le_bytes([pair[0], pair[1]])
                } else {
                    u16::from_be_bytes([pair[0], pair[1]])
                }
            });
            let mut plausible = 0usize;
            let mut total = 0usize;
            for decoded in char::decode_utf16(units) {
                total += 1;
                match decoded {
                    Ok(c) if is_plausible_text(c) => plausible += 1,
                    Ok(_) => {}
                    Err(_) => return false,
                }
            }
            plausible * 100 >= total * 95
        })
}

/// Whether the NUL bytes of `bytes` are strays in 8-bit text rather than the halves of UTF-16
/// units: few of them (UTF-16 of ASCII text is half NULs), and the rest valid UTF-8. Pairs of
/// ASCII letters read as UTF-16 land among the CJK ideographs, so `Sorry\0` alone would
/// otherwise pass for UTF-16.
fn stray_nuls(bytes: &[u8]) -> bool {
    let sniff = &bytes[..bytes.len().min(SNIFF_LEN)];
    let nuls = memchr::memchr_iter(0, sniff).count();
    let rest: Vec<u8> = sniff.iter().copied().filter(|&byte| byte != 0).collect();
    let valid = match std::str::from_utf8(&rest) {
        Ok(_) => true,
        // A character cut at the end of the sniffed prefix is still text.
        Err(error) => error.error_len().is_none(),
    };
    valid && nuls * 16 < sniff.len()
}

fn is_plausible_text(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~')
        || matches!(c as u32,
            0x00A0..=0x024F          // Latin-1 and Latin Extended (Latvian)
            | 0x2000..=0x206F        // general punctuation
            | 0x3000..=0x303F        // CJK punctuation
            | 0x3400..=0x4DBF        // CJK extension A
            | 0x4E00..=0x9FFF        // CJK unified ideographs
            | 0xFF00..=0xFFEF) // full-width forms
}

/// The legacy encoding the bytes most likely are, when the detector is confident.
fn legacy_guess(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let (encoding, confident) = detector.guess_assess(None, false);
    (confident && encoding != encoding_rs::UTF_8).then_some(encoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auto(bytes: &[u8]) -> Result<(String, Encoding), SourceError> {
        decode("f", bytes, &DecodeOptions::default())
    }

    fn forced(label: &str, bytes: &[u8]) -> Result<(String, Encoding), SourceError> {
        let encoding = label.parse().unwrap();
        decode(
            "f",
            bytes,
            &DecodeOptions {
                encoding,
                ..DecodeOptions::default()
            },
        )
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(
            auto("你好".as_bytes()).unwrap(),
            ("你好".into(), Encoding::UTF_8)
        );
        let (text, encoding) = auto(b"\xEF\xBB\xBFok").unwrap();
        assert_eq!(text, "ok", "the BOM is not text");
        assert!(encoding.has_bom());
        assert_eq!(encoding.encode("ok").unwrap(), b"\xEF\xBB\xBFok");
    }

    #[test]
    fn utf16_with_bom_decodes_and_round_trips() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("你必须\nok".encode_utf16().flat_map(u16::to_le_bytes));
        let (text, encoding) = auto(&bytes).unwrap();
        assert_eq!(text, "你必须\nok");
        assert_eq!(encoding.name(), "UTF-16LE");
        assert_eq!(encoding.encode(&text).unwrap(), bytes);
        let checkpoints = encoding.checkpoints(&text);
        assert_eq!(
            encoding.file_offset(&text, &checkpoints, text.find('o').unwrap()),
            2 + 8
        );

        let mut big = vec![0xFE, 0xFF];
        big.extend("好".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(auto(&big).unwrap().0, "好");
    }

    #[test]
    fn utf16_without_bom_is_an_error_not_binary() {
        let bytes: Vec<u8> = "Please wait.\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(matches!(
            auto(&bytes),
            Err(SourceError::Utf16WithoutBom {
                encoding: "UTF-16LE",
                ..
            })
        ));
        let cjk: Vec<u8> = "你必须先填表,然后我们处理。"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        match auto(&cjk) {
            Err(SourceError::Utf16WithoutBom { .. }) | Err(SourceError::InvalidUtf8 { .. }) => {}
            other => panic!("UTF-16BE without BOM must be refused, got {other:?}"),
        }
    }

    #[test]
    fn binary_and_invalid_utf8() {
        assert!(matches!(
            auto(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(SourceError::Binary { .. })
        ));
        // Letter pairs read as UTF-16 look like CJK; one stray NUL must not make text UTF-16.
        assert!(matches!(
            auto(b"Sorry for the wait\0."),
            Err(SourceError::Binary { offset: 18, .. })
        ));
        match auto(b"ok\nab\xC4\xE3\xBA\xC3") {
            Err(SourceError::InvalidUtf8 {
                line,
                column,
                offset,
                ..
            }) => {
                assert_eq!((line, column, offset), (2, 3, 5));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn legacy_encodings_only_when_asked() {
        let (gbk, _, _) =
            encoding_rs::GBK.encode("你必须先填写这张表格,否则我们无法处理您的申请。");
        match auto(&gbk) {
            Err(error @ SourceError::InvalidUtf8 { .. }) => {
                assert!(error.to_string().contains("--encoding"), "{error}");
            }
            other => panic!("{other:?}"),
        }
        let (text, encoding) = forced("gbk", &gbk).unwrap();
        assert!(text.starts_with("你必须"));
        assert_eq!(encoding.name(), "GBK");
        assert_eq!(encoding.encode(&text).unwrap(), &gbk[..]);
        let offset = text.find("先").unwrap();
        assert_eq!(
            encoding.file_offset(&text, &encoding.checkpoints(&text), offset),
            6
        );
        assert_eq!(encoding.unencodable("你好😀"), Some('😀'));

        let (big5, _, _) = encoding_rs::BIG5.encode("您必須先填表");
        assert_eq!(forced("big5", &big5).unwrap().0, "您必須先填表");
        // GBK bytes cut in the middle of a character.
        match forced("gbk", &gbk[..gbk.len() - 1]) {
            Err(SourceError::Malformed { line: 1, .. }) => {}
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            forced("gbk", "你好".as_bytes()),
            Err(SourceError::Utf8WhenForced { .. })
        ));
        assert!("iso-2022-jp".parse::<EncodingChoice>().is_err());
        assert!("klingon".parse::<EncodingChoice>().is_err());
    }

    #[test]
    fn offsets_on_long_lines_use_checkpoints() {
        let text = "测试".repeat(5000);
        let encoding = Encoding {
            inner: encoding_rs::GB18030,
            bom: false,
        };
        let checkpoints = encoding.checkpoints(&text);
        assert!(checkpoints.len() > 2);
        let offset = text.len() - 3;
        // Every character is three bytes of UTF-8 and two of GB18030.
        assert_eq!(
            encoding.file_offset(&text, &checkpoints, offset),
            offset / 3 * 2
        );
    }
}
