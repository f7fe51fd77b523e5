//! Record-level suppressions for formats without comments: in a JSON, JSON Lines, CSV or TSV
//! library, a field (JSON) or column (CSV) named `replylint_ignore` (configurable with
//! `ignore-field`) lists the rules not to report for that record, as a string of comma-separated
//! selectors or (JSON) an array of them.
//!
//! A record is a JSON Lines line, a JSON object that holds the field (with everything inside
//! it), or a CSV row. Findings are matched to records by the locator the extractor gave them.

use crate::source::{Format, Source};

/// The default name of the field or column.
pub const DEFAULT_FIELD: &str = "replylint_ignore";

/// Which findings a record-level list applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A JSON Lines line (1-based).
    Line(usize),
    /// A JSON object, by its JSON pointer (`""` for the root).
    Pointer(String),
    /// A CSV or TSV row, numbered as the extractor's locators are (the header is row 1).
    Row(usize),
}

impl Record {
    /// Whether a finding at `line` with `locator` belongs to this record.
    pub fn holds(&self, line: usize, locator: Option<&str>) -> bool {
        match self {
            Record::Line(wanted) => *wanted == line,
            Record::Pointer(pointer) => locator.is_some_and(|locator| {
                locator == pointer
                    || (locator.starts_with(pointer.as_str())
                        && locator[pointer.len()..].starts_with('/'))
            }),
            Record::Row(row) => {
                locator.is_some_and(|locator| locator.starts_with(&format!("row {row},")))
            }
        }
    }
}

/// Every record of `source` that lists rules to ignore, with the names it lists.
pub fn ignore_lists(source: &Source, field: &str) -> Vec<(Record, Vec<String>)> {
    if memchr::memmem::find(source.text.as_bytes(), field.as_bytes()).is_none() {
        return Vec::new();
    }
    match source.format() {
        Format::Jsonl => source
            .text
            .lines()
            .enumerate()
            .filter(|(_, line)| line.contains(field))
            .filter_map(|(number, line)| {
                let value: serde_json::Value = serde_json::from_str(line).ok()?;
                let names = names_of(value.get(field)?);
                Some((Record::Line(number + 1), names))
            })
            .collect(),
        Format::Json => {
            let Ok(value) = serde_json::from_str::<serde_json::Value>(&source.text) else {
                return Vec::new();
            };
            let mut out = Vec::new();
            collect_objects(&value, String::new(), field, &mut out);
            out
        }
        Format::Csv | Format::Tsv => {
            let delimiter = if source.format() == Format::Tsv {
                b'\t'
            } else {
                b','
            };
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .flexible(true)
                .from_reader(source.text.as_bytes());
            let Ok(headers) = reader.headers().cloned() else {
                return Vec::new();
            };
            let Some(column) = headers.iter().position(|name| name.trim() == field) else {
                return Vec::new();
            };
            reader
                .records()
                .enumerate()
                .filter_map(|(index, record)| {
                    let record = record.ok()?;
                    let cell = record.get(column)?;
                    let names = split(cell);
                    (!names.is_empty()).then_some((Record::Row(index + 2), names))
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

fn collect_objects(
    value: &serde_json::Value,
    pointer: String,
    field: &str,
    out: &mut Vec<(Record, Vec<String>)>,
) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(list) = map.get(field) {
                out.push((Record::Pointer(pointer.clone()), names_of(list)));
            }
            for (key, child) in map {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                collect_objects(child, format!("{pointer}/{escaped}"), field, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect_objects(child, format!("{pointer}/{index}"), field, out);
            }
        }
        _ => {}
    }
}

fn names_of(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::String(text) => split(text),
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(|item| item.as_str())
            .flat_map(split)
            .collect(),
        _ => Vec::new(),
    }
}

fn split(text: &str) -> Vec<String> {
    text.split([',', ' ', ';'])
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(name: &str, format: Format, text: &str) -> Source {
        Source::from_text(name, text, format, Default::default()).unwrap()
    }

    #[test]
    fn jsonl_lines_json_objects_and_csv_rows() {
        let jsonl = source(
            "a.jsonl",
            Format::Jsonl,
            "{\"text\":\"你必须先填表。\"}\n{\"text\":\"你必须先填表。\",\"replylint_ignore\":\"zh.command\"}\n",
        );
        assert_eq!(
            ignore_lists(&jsonl, DEFAULT_FIELD),
            vec![(Record::Line(2), vec!["zh.command".to_string()])]
        );
        let json = source(
            "a.json",
            Format::Json,
            r#"{"macros":[{"body":"x"},{"body":"y","replylint_ignore":["zh.command","category:blame"]}]}"#,
        );
        let lists = ignore_lists(&json, DEFAULT_FIELD);
        assert_eq!(lists[0].0, Record::Pointer("/macros/1".into()));
        assert!(lists[0].0.holds(1, Some("/macros/1/body")));
        assert!(!lists[0].0.holds(1, Some("/macros/10/body")));
        let csv = source(
            "a.csv",
            Format::Csv,
            "id,reply,replylint_ignore\n1,\"你必须先填表。\",\n2,你必须先填表。,\"zh.command, zh.clarify\"\n",
        );
        assert_eq!(
            ignore_lists(&csv, DEFAULT_FIELD),
            vec![(
                Record::Row(3),
                vec!["zh.command".to_string(), "zh.clarify".to_string()]
            )]
        );
    }
}
