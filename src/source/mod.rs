//! Inputs: a file as read (bytes, encoding, format), and the segments of it that hold reply text.
//!
//! Decoding ([`decode`]) turns the bytes into text once; extraction (one module per format in
//! [`formats`]) cuts that text into [`Segment`]s, each with a map from segment offsets back to
//! the text and so to the exact bytes of the file. Every later stage only ever sees segments and
//! reports offsets into [`Source::text`]; [`Source::file_offset`] turns those into file bytes.

pub mod decode;
pub mod formats;
mod segment;

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

pub use decode::{DecodeOptions, Encoding, EncodingChoice};
pub use formats::{KeyPath, Selection};
pub use segment::{Landing, Outer, Piece, PieceKind, RefusedFix, Segment, SegmentMap, YamlStyle};

/// The shape of an input, which decides what in it is reply text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// The whole text is one reply.
    #[default]
    Text,
    /// String values of a JSON document.
    Json,
    /// String values of JSON Lines (`.jsonl`, `.ndjson`): one document per line.
    Jsonl,
    /// Cells of the reply columns of a comma-separated table.
    Csv,
    /// Prose of a Markdown document.
    Markdown,
    /// Text nodes and `alt`/`title` attributes of an HTML document.
    Html,
    /// Scalar values of a YAML document.
    Yaml,
    /// Cells of the reply columns of a tab-separated table.
    Tsv,
}

impl Format {
    /// Every format and the names `--input-format` accepts for it.
    pub const NAMES: &'static [(&'static str, Format)] = &[
        ("txt", Format::Text),
        ("text", Format::Text),
        ("json", Format::Json),
        ("jsonl", Format::Jsonl),
        ("ndjson", Format::Jsonl),
        ("md", Format::Markdown),
        ("markdown", Format::Markdown),
        ("mdx", Format::Markdown),
        ("html", Format::Html),
        ("htm", Format::Html),
        ("yaml", Format::Yaml),
        ("yml", Format::Yaml),
        ("csv", Format::Csv),
        ("tsv", Format::Tsv),
    ];

    /// The format a file name's extension implies; plain text for anything unknown.
    pub fn from_name(name: &str) -> Format {
        let extension = std::path::Path::new(name)
            .extension()
            .and_then(|extension| extension.to_str())
            .map(str::to_ascii_lowercase);
        extension
            .and_then(|extension| extension.parse().ok())
            .unwrap_or_default()
    }

    /// The format's name in prose: `JSON`, `CSV`, …
    pub fn describe(self) -> &'static str {
        match self {
            Format::Text => "plain text",
            Format::Json => "JSON",
            Format::Jsonl => "JSON Lines",
            Format::Csv => "CSV",
            Format::Markdown => "Markdown",
            Format::Html => "HTML",
            Format::Yaml => "YAML",
            Format::Tsv => "TSV",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Yaml => "yaml",
            Format::Tsv => "tsv",
        }
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Format::NAMES
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(name))
            .map(|&(_, format)| format)
            .ok_or_else(|| {
                let names: Vec<&str> = Format::NAMES.iter().map(|(name, _)| *name).collect();
                format!(
                    "unknown input format {name:?}; use one of {}",
                    names.join(", ")
                )
            })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an input could not be read as text of its format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("{name}: binary file (NUL byte at byte offset {offset})")]
    Binary { name: String, offset: usize },
    #[error(
        "{name}:{line}:{column}: not valid UTF-8 (byte offset {offset}){}",
        match guess {
            Some(guess) => format!("; it looks like {guess}: check it with --encoding {} or convert it to UTF-8", encoding_flag(guess)),
            None => "; convert it to UTF-8, or name its encoding with --encoding (gbk, big5, …)".to_string(),
        }
    )]
    InvalidUtf8 {
        name: String,
        line: usize,
        column: usize,
        offset: usize,
        /// The encoding the bytes most likely are, when a detector is confident.
        guess: Option<String>,
    },
    #[error("{name}: looks like {encoding} without a byte-order mark; add one, convert the file to UTF-8, or pass --encoding {}", encoding.to_ascii_lowercase())]
    Utf16WithoutBom {
        name: String,
        encoding: &'static str,
    },
    #[error("{name}:{line}:{column}: not valid {encoding} (byte offset {offset}); is --encoding right for this file?")]
    Malformed {
        name: String,
        encoding: &'static str,
        line: usize,
        column: usize,
        offset: usize,
    },
    #[error("{name}:{line}:{column}: decodes as {encoding} but would not be written back to the same bytes; convert it to UTF-8")]
    NoRoundTrip {
        name: String,
        encoding: &'static str,
        line: usize,
        column: usize,
    },
    #[error("{name}: is valid UTF-8, so --encoding {encoding} would garble it; drop --encoding for this file")]
    Utf8WhenForced {
        name: String,
        encoding: &'static str,
    },
    #[error("{name}:{line}:{column}: not valid {}: {message}", format.describe())]
    Syntax {
        name: String,
        format: Format,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{name}:{line}:{column}: {character:?} cannot be written in {encoding}")]
    Unencodable {
        name: String,
        encoding: &'static str,
        character: char,
        line: usize,
        column: usize,
    },
}

fn encoding_flag(guess: &str) -> String {
    guess
        .split_whitespace()
        .next()
        .unwrap_or(guess)
        .to_ascii_lowercase()
}

impl SourceError {
    /// The input the error is about.
    pub fn name(&self) -> &str {
        match self {
            SourceError::Binary { name, .. }
            | SourceError::InvalidUtf8 { name, .. }
            | SourceError::Utf16WithoutBom { name, .. }
            | SourceError::Malformed { name, .. }
            | SourceError::NoRoundTrip { name, .. }
            | SourceError::Utf8WhenForced { name, .. }
            | SourceError::Syntax { name, .. }
            | SourceError::Unencodable { name, .. } => name,
        }
    }

    /// Where the error is: `name:line:column`, or just the name when no place is known.
    pub fn location(&self) -> String {
        let full = self.to_string();
        let after_name = full.get(self.name().len()..).unwrap_or_default();
        match after_name.find(": ") {
            Some(end) => format!("{}{}", self.name(), &after_name[..end]),
            None => self.name().to_string(),
        }
    }

    /// The message without the [`SourceError::location`], for front ends that print it apart.
    pub fn message(&self) -> String {
        let full = self.to_string();
        let location = self.location();
        full.get(location.len()..)
            .map(|rest| rest.trim_start_matches(": ").to_string())
            .unwrap_or(full)
    }

    /// Whether the input is simply not text (skipped with a note in a directory walk).
    pub fn is_binary(&self) -> bool {
        matches!(self, SourceError::Binary { .. })
    }
}

/// One input: a file, or standard input.
#[derive(Debug, Clone)]
pub struct Source {
    /// The name diagnostics use: the path as given, or `<stdin>`.
    pub name: String,
    /// The decoded text, without a byte-order mark. Diagnostic spans are offsets into it.
    pub text: String,
    format: Format,
    encoding: Encoding,
    /// The bytes as read, when they are not simply `text` (a BOM, another encoding).
    raw: Option<Arc<[u8]>>,
    /// (text offset, file offset) pairs for encodings other than UTF-8, built when first needed.
    checkpoints: OnceLock<Arc<[(usize, usize)]>>,
    /// What the format says is reply text; unused for plain text.
    extracted: Arc<[formats::Extracted]>,
    selection: Arc<Selection>,
}

impl Source {
    /// A plain-text source made from a string (UTF-8, no byte-order mark).
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Source {
        Source {
            name: name.into(),
            text: text.into(),
            format: Format::Text,
            encoding: Encoding::UTF_8,
            raw: None,
            checkpoints: OnceLock::new(),
            extracted: Arc::from(Vec::new()),
            selection: Arc::default(),
        }
    }

    /// Reads `text` as `format`: the reply text in it is cut out now, so a syntax error is
    /// reported here, with its line and column.
    pub fn from_text(
        name: impl Into<String>,
        text: impl Into<String>,
        format: Format,
        selection: Arc<Selection>,
    ) -> Result<Source, SourceError> {
        let mut source = Source::new(name, text);
        source.format = format;
        source.selection = selection;
        source.extract()?;
        Ok(source)
    }

    fn extract(&mut self) -> Result<(), SourceError> {
        let mut extracted = Vec::new();
        let result = match self.format {
            Format::Text => Ok(()),
            Format::Json | Format::Jsonl => formats::json::extract(
                &self.text,
                self.format == Format::Jsonl,
                &self.selection,
                &mut extracted,
            ),
            Format::Markdown => {
                formats::markdown::extract(&self.text, &self.selection, &mut extracted)
            }
            Format::Yaml => formats::yaml::extract(&self.text, &self.selection, &mut extracted),
            Format::Html => {
                formats::html::extract_range(&self.text, 0..self.text.len(), None, &mut extracted);
                Ok(())
            }
            Format::Csv | Format::Tsv => formats::csv::extract(
                &self.text,
                if self.format == Format::Csv {
                    b','
                } else {
                    b'\t'
                },
                &self.selection,
                &mut extracted,
            ),
        };
        if let Err(error) = result {
            let (line, column) = line_column(&self.text, error.offset);
            return Err(SourceError::Syntax {
                name: self.name.clone(),
                format: self.format,
                line,
                column,
                message: error.message,
            });
        }
        self.extracted = Arc::from(extracted);
        Ok(())
    }

    /// Decodes the bytes of a file (see [`decode`] for the policy) and reads it as
    /// `options.format`, or as the format its name implies.
    pub fn from_bytes(
        name: impl Into<String>,
        bytes: Vec<u8>,
        options: &DecodeOptions,
    ) -> Result<Source, SourceError> {
        let name = name.into();
        let format = options.format.unwrap_or_else(|| Format::from_name(&name));
        let (text, encoding) = decode::decode(&name, &bytes, options)?;
        let raw = (encoding != Encoding::UTF_8).then(|| Arc::from(bytes));
        let mut source = Source {
            name,
            text,
            format,
            encoding,
            raw,
            checkpoints: OnceLock::new(),
            extracted: Arc::from(Vec::new()),
            selection: options.selection.clone(),
        };
        source.extract()?;
        Ok(source)
    }

    /// The same input holding `text` instead: same name, format and encoding. The fixer uses it
    /// between passes; [`Source::bytes`] of the result is `text` encoded, not the file as read.
    pub fn with_text(&self, text: String) -> Result<Source, SourceError> {
        let mut source = Source {
            name: self.name.clone(),
            text,
            format: self.format,
            encoding: self.encoding,
            raw: None,
            checkpoints: OnceLock::new(),
            extracted: Arc::from(Vec::new()),
            selection: self.selection.clone(),
        };
        source.extract()?;
        Ok(source)
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The bytes of the file as read (for a source made from text, the text in its encoding).
    pub fn bytes(&self) -> Cow<'_, [u8]> {
        match &self.raw {
            Some(raw) => Cow::Borrowed(raw),
            None if self.encoding == Encoding::UTF_8 => Cow::Borrowed(self.text.as_bytes()),
            None => Cow::Owned(self.encoding.encode(&self.text).unwrap_or_default()),
        }
    }

    /// `text` as file bytes in this source's encoding, with its byte-order mark: what a fixed
    /// file is written as. Fails on a character the encoding cannot represent.
    pub fn encode(&self, text: &str) -> Result<Vec<u8>, SourceError> {
        self.encoding.encode(text).map_err(|character| {
            let offset = text.find(character).unwrap_or(0);
            let (line, column) = line_column(text, offset);
            SourceError::Unencodable {
                name: self.name.clone(),
                encoding: self.encoding.name(),
                character,
                line,
                column,
            }
        })
    }

    /// The byte offset in the file of byte `offset` of [`Source::text`].
    pub fn file_offset(&self, offset: usize) -> usize {
        if self.encoding.is_utf8() {
            return self.encoding.file_offset(&self.text, &[], offset);
        }
        let checkpoints = self
            .checkpoints
            .get_or_init(|| Arc::from(self.encoding.checkpoints(&self.text)));
        self.encoding.file_offset(&self.text, checkpoints, offset)
    }

    /// The pieces of the source that hold reply text.
    pub fn segments(&self) -> Vec<Segment<'_>> {
        match self.format {
            Format::Text => vec![Segment::contiguous(&self.text, 0, self.encoding)],
            _ => self
                .extracted
                .iter()
                .map(|extracted| extracted.segment(self.encoding))
                .collect(),
        }
    }
}

/// Line starts of a text, for turning byte offsets into 1-based line and column.
///
/// A column counts characters from the start of the line; on a long line (a minified export)
/// counting from the line start for every finding was quadratic, so lines longer than
/// [`CHECKPOINT_BYTES`] also keep checkpoints: the column at every `CHECKPOINT_BYTES` bytes. A
/// column then costs a binary search and at most that many bytes of counting.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// `(byte offset, 0-based column)` of character boundaries inside long lines, in order.
    checkpoints: Vec<(usize, usize)>,
}

/// The distance between column checkpoints on long lines.
pub const CHECKPOINT_BYTES: usize = 4096;

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|index| index + 1));
        let mut checkpoints = Vec::new();
        for (line, &start) in starts.iter().enumerate() {
            let end = starts.get(line + 1).map_or(text.len(), |&next| next - 1);
            let mut at = start;
            let mut column = 0;
            while end - at > CHECKPOINT_BYTES {
                let next = floor_char_boundary(text, at + CHECKPOINT_BYTES);
                if next <= at {
                    break;
                }
                column += text[at..next].chars().count();
                checkpoints.push((next, column));
                at = next;
            }
        }
        LineIndex {
            starts,
            checkpoints,
        }
    }

    /// 1-based line and 1-based column in characters of byte `offset`.
    pub fn line_column(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let line_start = self.starts[line];
        let after = self
            .checkpoints
            .partition_point(|&(checkpoint, _)| checkpoint <= offset);
        let (from, counted) = match after.checked_sub(1).map(|index| self.checkpoints[index]) {
            Some((checkpoint, column)) if checkpoint > line_start => (checkpoint, column),
            _ => (line_start, 0),
        };
        let column = counted
            + text
                .get(from..offset)
                .map_or(offset - from, |prefix| prefix.chars().count());
        (line + 1, column + 1)
    }

    /// Byte range of the 1-based `line`, without its line ending.
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.starts.get(line - 1).copied().unwrap_or(text.len());
        let end = self.starts.get(line).map_or(text.len(), |&next| next - 1);
        let end = if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        start..end.max(start)
    }
}

/// The largest character boundary at or before `offset` (clamped to the text).
pub(crate) fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The smallest character boundary at or after `offset` (clamped to the text).
pub(crate) fn ceil_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// 1-based line and column (in characters) of `offset`, without building an index.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    LineIndex::new(text).line_column(text, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let text = "第一行\n你必须先填表\r\nlast";
        let index = LineIndex::new(text);
        let offset = text.find("先").unwrap();
        assert_eq!(index.line_column(text, offset), (2, 4));
        assert_eq!(&text[index.line_range(text, 2)], "你必须先填表");
        assert_eq!(index.line_column(text, text.len()), (3, 5));
    }

    #[test]
    fn columns_on_long_lines_agree_with_counting_from_the_line_start() {
        let text = format!(
            "short\n{}\n{}x",
            "你必须先填表 ".repeat(3000),
            "ab".repeat(CHECKPOINT_BYTES)
        );
        let index = LineIndex::new(&text);
        assert!(!index.checkpoints.is_empty());
        for offset in (0..=text.len()).step_by(997).chain([text.len()]) {
            let offset = floor_char_boundary(&text, offset);
            let line_start = text[..offset].rfind('\n').map_or(0, |at| at + 1);
            let line = text[..offset].matches('\n').count() + 1;
            let column = text[line_start..offset].chars().count() + 1;
            assert_eq!(
                index.line_column(&text, offset),
                (line, column),
                "at {offset}"
            );
        }
    }
}
