//! Inputs: a whole file as read, and the segments of it that hold reply text.
//!
//! Plain text is one segment covering the file. Structured formats (JSON strings, CSV cells,
//! Markdown paragraphs) will yield several segments, each with its own map from segment offsets
//! back to file offsets; every later stage only ever sees segments and reports file offsets.

use std::borrow::Cow;
use std::ops::Range;

/// One input: a file, or standard input.
#[derive(Debug, Clone)]
pub struct Source {
    /// The name diagnostics use: the path as given, or `<stdin>`.
    pub name: String,
    pub text: String,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Source {
        Source {
            name: name.into(),
            text: text.into(),
        }
    }

    /// The pieces of the source that hold reply text.
    pub fn segments(&self) -> Vec<Segment<'_>> {
        vec![Segment {
            text: Cow::Borrowed(&self.text),
            map: SegmentMap::Contiguous { offset: 0 },
        }]
    }
}

/// Reply text taken from a source.
#[derive(Debug, Clone)]
pub struct Segment<'a> {
    pub text: Cow<'a, str>,
    pub map: SegmentMap,
}

/// How segment offsets relate to source offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentMap {
    /// The segment is a verbatim slice of the source starting at `offset`.
    Contiguous { offset: usize },
}

impl Segment<'_> {
    /// Maps a range of the segment's text to the source.
    pub fn to_source(&self, range: Range<usize>) -> Range<usize> {
        match self.map {
            SegmentMap::Contiguous { offset } => range.start + offset..range.end + offset,
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
