//! CSV and TSV: the cells of the reply columns, with doubled quotes mapped back.
//!
//! The scanner follows RFC 4180 (quoted cells may hold delimiters, doubled quotes and line
//! breaks; records end in LF or CRLF) and is written here because what it must report, the
//! source range of every cell and of every doubled quote in it, is what CSV readers discard; the
//! tests hold it to the `csv` crate's reading of the same tables. A quoted cell that is never
//! closed, or text after a closing quote, is an error at its place.

use std::ops::Range;

use super::{looks_like_html, looks_like_prose, Extracted, PieceBuilder, Selection, SyntaxError};
use crate::source::{Landing, Outer};

/// Header names whose columns are linted when `--columns` is not given (case-insensitive, also
/// with `_html` appended).
pub const DEFAULT_COLUMNS: &[&str] = &[
    "content",
    "body",
    "reply",
    "text",
    "message",
    "description",
    "response",
    "answer",
];

#[derive(Debug, Clone)]
struct Cell {
    /// The cell as written, quotes included.
    raw: Range<usize>,
    quoted: bool,
}

/// The reply cells of a CSV (`delimiter` `,`) or TSV (`\t`) text.
pub(crate) fn extract(
    text: &str,
    delimiter: u8,
    selection: &Selection,
    out: &mut Vec<Extracted>,
) -> Result<(), SyntaxError> {
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        pos: 0,
        delimiter,
    };
    let Some(header) = scanner.record()? else {
        return Ok(());
    };
    let names: Vec<String> = header
        .iter()
        .map(|cell| decode(text, cell).text().trim().to_string())
        .collect();
    let wanted = |name: &str| {
        let name = name.to_ascii_lowercase();
        let base = name.strip_suffix("_html").unwrap_or(&name);
        if selection.columns.is_empty() {
            DEFAULT_COLUMNS.contains(&base)
        } else {
            selection.columns.iter().any(|column| {
                column.eq_ignore_ascii_case(&name) || column.eq_ignore_ascii_case(base)
            })
        }
    };
    let selected: Vec<bool> = names.iter().map(|name| wanted(name)).collect();
    let any_selected = selected.iter().any(|&yes| yes);
    if !selection.columns.is_empty() && !any_selected {
        return Err(SyntaxError::new(
            0,
            format!(
                "no column named {} in the header row ({})",
                selection.columns.join(" or "),
                names.join(", ")
            ),
        ));
    }
    let mut row = 1;
    while let Some(record) = scanner.record()? {
        row += 1;
        for (index, cell) in record.iter().enumerate() {
            let name = names.get(index).map(String::as_str).unwrap_or("");
            if any_selected && !selected.get(index).copied().unwrap_or(false) {
                continue;
            }
            let pieces = decode(text, cell);
            if pieces.text().is_empty() || !any_selected && !looks_like_prose(pieces.text()) {
                continue;
            }
            let column = if name.is_empty() {
                (index + 1).to_string()
            } else {
                name.to_string()
            };
            let locator = Some(format!("row {row}, column {column}"));
            let landing = Landing::CsvCell {
                quoted: cell.quoted,
                delimiter,
            };
            if name.to_ascii_lowercase().ends_with("_html") || looks_like_html(pieces.text()) {
                let outer = Outer::CsvCell {
                    quoted: cell.quoted,
                    delimiter,
                };
                super::html::extract_nested(pieces, outer, locator, out);
                continue;
            }
            out.push(pieces.finish(landing, locator));
        }
    }
    Ok(())
}

/// The cell's text and pieces: a quoted cell without its quotes, each `""` one decoded `"`.
fn decode(text: &str, cell: &Cell) -> PieceBuilder {
    let mut pieces = PieceBuilder::default();
    if !cell.quoted {
        pieces.verbatim(&text[cell.raw.clone()], cell.raw.clone());
        return pieces;
    }
    let inner = cell.raw.start + 1..cell.raw.end - 1;
    let mut run = inner.start;
    let bytes = text.as_bytes();
    let mut pos = inner.start;
    while let Some(found) = memchr::memchr(b'"', &bytes[pos..inner.end]) {
        let quote = pos + found;
        pieces.verbatim(&text[run..quote], run..quote);
        pieces.decoded("\"", quote..quote + 2);
        pos = quote + 2;
        run = pos;
    }
    pieces.verbatim(&text[run..inner.end], run..inner.end);
    pieces
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    delimiter: u8,
}

impl Scanner<'_> {
    /// The next record's cells, or `None` at the end of the text. A blank line is a record of one
    /// empty cell, as in RFC 4180.
    fn record(&mut self) -> Result<Option<Vec<Cell>>, SyntaxError> {
        if self.pos >= self.bytes.len() {
            return Ok(None);
        }
        let mut cells = Vec::new();
        loop {
            let cell = self.cell()?;
            cells.push(cell);
            match self.bytes.get(self.pos) {
                Some(&byte) if byte == self.delimiter => self.pos += 1,
                Some(b'\r') if self.bytes.get(self.pos + 1) == Some(&b'\n') => {
                    self.pos += 2;
                    return Ok(Some(cells));
                }
                Some(b'\n') => {
                    self.pos += 1;
                    return Ok(Some(cells));
                }
                None => return Ok(Some(cells)),
                // `cell` stops only at a delimiter, a line break or the end.
                Some(_) => return Err(SyntaxError::new(self.pos, "unexpected text in a cell")),
            }
        }
    }

    fn cell(&mut self) -> Result<Cell, SyntaxError> {
        let start = self.pos;
        if self.bytes.get(start) != Some(&b'"') {
            while let Some(&byte) = self.bytes.get(self.pos) {
                if byte == self.delimiter
                    || byte == b'\n'
                    || byte == b'\r' && self.bytes.get(self.pos + 1) == Some(&b'\n')
                {
                    break;
                }
                self.pos += 1;
            }
            return Ok(Cell {
                raw: start..self.pos,
                quoted: false,
            });
        }
        self.pos += 1;
        loop {
            let Some(found) = memchr::memchr(b'"', &self.bytes[self.pos..]) else {
                return Err(SyntaxError::new(
                    start,
                    "this quoted cell is never closed (a `\"` inside a cell must be doubled: `\"\"`)",
                ));
            };
            self.pos += found + 1;
            if self.bytes.get(self.pos) == Some(&b'"') {
                self.pos += 1;
                continue;
            }
            match self.bytes.get(self.pos) {
                None | Some(b'\n') => {}
                Some(b'\r') if self.bytes.get(self.pos + 1) == Some(&b'\n') => {}
                Some(&byte) if byte == self.delimiter => {}
                Some(_) => {
                    return Err(SyntaxError::new(
                        self.pos,
                        "text after the closing quote of a cell (a `\"` inside a cell must be doubled: `\"\"`)",
                    ))
                }
            }
            return Ok(Cell {
                raw: start..self.pos,
                quoted: true,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Segment;

    fn cells(text: &str, columns: &[&str]) -> Vec<Extracted> {
        let selection = Selection {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            ..Selection::default()
        };
        let mut out = Vec::new();
        extract(text, b',', &selection, &mut out).unwrap();
        out
    }

    fn segment(found: &Extracted) -> Segment<'_> {
        found.segment(crate::source::Encoding::UTF_8)
    }

    #[test]
    fn default_columns_doubled_quotes_and_line_breaks() {
        let text = "id,title,content_html,folder\r\n7,你搞错了,\"He said \"\"你搞错了\"\",\r\nsorry\",General\n";
        let found = cells(text, &[]);
        assert_eq!(found.len(), 1, "only the content column: {found:?}");
        let cell = &found[0];
        // The column holds HTML (its name says so), where CR LF reads as one line break.
        assert_eq!(cell.text, "He said \"你搞错了\",\nsorry");
        assert_eq!(cell.locator.as_deref(), Some("row 2, column content_html"));
        let segment = segment(cell);
        let start = cell.text.find('你').unwrap();
        assert_eq!(&text[segment.to_source(start..start + 12)], "你搞错了");
        let quote = cell.text.find('"').unwrap();
        assert_eq!(&text[segment.to_source(quote..quote + 4)], "\"\"你");
        let (range, written) = segment.replacement(start..start + 12, "说 \"对\"").unwrap();
        assert_eq!(&text[range], "你搞错了");
        assert_eq!(written, "说 \"\"对\"\"");
    }

    #[test]
    fn without_reply_columns_prose_cells_are_linted() {
        let text = "key,zh\ngreeting,您好 请稍等\nid,abc-123\n";
        let found = cells(text, &[]);
        let texts: Vec<&str> = found.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["您好 请稍等"]);
        assert_eq!(found[0].locator.as_deref(), Some("row 2, column zh"));
        let named = cells(text, &["ZH"]);
        assert_eq!(named.len(), 2);
        let mut out = Vec::new();
        let error = extract(
            text,
            b',',
            &Selection {
                columns: vec!["body".into()],
                ..Selection::default()
            },
            &mut out,
        )
        .unwrap_err();
        assert!(error.message.contains("no column named body"), "{error:?}");
    }

    #[test]
    fn unbalanced_quotes_are_errors_at_their_place() {
        let mut out = Vec::new();
        let text = "content\n\"ok\"\n\"never closed\n";
        let error = extract(text, b',', &Selection::default(), &mut out).unwrap_err();
        assert_eq!(error.offset, 13);
        let text = "content\n\"a\"b\n";
        let error = extract(text, b',', &Selection::default(), &mut out).unwrap_err();
        assert_eq!(error.offset, 11);
    }

    #[test]
    fn unquoted_cells_that_would_need_quotes_are_quoted_whole() {
        let text = "content\nyou must wait\n";
        let found = cells(text, &[]);
        let segment = segment(&found[0]);
        let (range, written) = segment.replacement(0..9, "please, ").unwrap();
        assert_eq!(&text[range], "you must wait");
        assert_eq!(written, "\"please, wait\"");
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_the_csv_crate(rows in proptest::collection::vec(
            proptest::collection::vec("[a-z你\" ,\r\n]{0,8}", 3), 1..6)
        ) {
            let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
            writer.write_record(["content", "body", "reply"]).unwrap();
            for row in &rows {
                writer.write_record(row).unwrap();
            }
            let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
            let selection = Selection::default();
            let mut out = Vec::new();
            extract(&text, b',', &selection, &mut out).unwrap();
            let expected: Vec<&String> = rows.iter().flatten().filter(|cell| !cell.is_empty()).collect();
            let ours: Vec<&String> = out.iter().map(|cell| &cell.text).collect();
            proptest::prop_assert_eq!(ours, expected);
            // Every character maps back to source text that is that character (or `""`).
            for cell in &out {
                let segment = segment(cell);
                for (start, c) in cell.text.char_indices() {
                    let source = &text[segment.to_source(start..start + c.len_utf8())];
                    let expected = if c == '"' { "\"\"".to_string() } else { c.to_string() };
                    proptest::prop_assert_eq!(source, expected);
                }
            }
        }
    }
}
