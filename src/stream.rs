//! JSON Lines streaming for pipelines: `replylint check --jsonl`.
//!
//! Each input line is one record (a JSON object); exactly one result line comes out per input
//! line, in input order, so the output can be zipped back onto the input. A result line is
//!
//! ```json
//! {"line":1,"id":"r-1","findings":[ … ]}
//! {"line":2,"id":null,"error":"line 2, column 9: expected `:`"}
//! ```
//!
//! where `findings` are [`crate::api::ApiFinding`]s of the record's text field and a record
//! that cannot be checked (malformed JSON, no text field, a text over the size limit) gets an
//! `error` instead of stopping the stream. This is what Spark's `RDD.pipe` and Hadoop streaming
//! need.
//!
//! Memory stays constant: lines are read one at a time (a line over [`MAX_LINE_BYTES`] is
//! skipped without being held, and answered with an error), and at most a bounded number of
//! records are in flight between the reader, the workers and the writer. Records are checked
//! on several threads and written back in order; output is flushed whenever the writer would
//! otherwise wait, so a reader on a pipe sees each result as soon as it is ready.

#![deny(missing_docs)]

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError};
use std::sync::Mutex;

use serde::Serialize;
use serde_json::Value;

use crate::api::{Api, ApiFinding, CheckRequest, MAX_TEXT_BYTES};
use crate::rules::Severity;

/// The longest input line read (8 MiB: a text at [`MAX_TEXT_BYTES`] with every character
/// escaped as `\uXXXX` still fits). A longer line gets an error result and is skipped.
pub const MAX_LINE_BYTES: usize = 8 * MAX_TEXT_BYTES;

/// A dotted path into a JSON record: `text`, `reply.body`, `messages.0.text` (a number indexes
/// an array).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    source: String,
    steps: Vec<String>,
}

impl FieldPath {
    /// Parses a dotted path; empty steps (`a..b`, a leading dot) are refused.
    pub fn parse(path: &str) -> Result<FieldPath, String> {
        let steps: Vec<String> = path.split('.').map(str::to_string).collect();
        if steps.iter().any(String::is_empty) {
            return Err(format!(
                "`{path}` is not a field path: use names joined by dots, like reply.text"
            ));
        }
        Ok(FieldPath {
            source: path.to_string(),
            steps,
        })
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The value at this path, if every step exists.
    pub fn get<'a>(&self, record: &'a Value) -> Option<&'a Value> {
        self.steps
            .iter()
            .try_fold(record, |value, step| match value {
                Value::Object(map) => map.get(step),
                Value::Array(items) => step.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            })
    }
}

/// How a stream is read.
#[derive(Debug, Clone)]
pub struct StreamOptions {
    /// Where a record's id is (echoed in its result; `null` when absent).
    pub id_field: FieldPath,
    /// Where a record's text is.
    pub text_field: FieldPath,
    /// The name findings carry in their `path` field (the file, or `<stdin>`).
    pub name: String,
    /// Worker threads; `None` means one per core.
    pub threads: Option<usize>,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            id_field: FieldPath::parse("id").expect("a valid path"),
            text_field: FieldPath::parse("text").expect("a valid path"),
            name: "<stdin>".to_string(),
            threads: None,
        }
    }
}

/// Counts over one stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamTally {
    /// Input lines read (and result lines written).
    pub lines: usize,
    /// Result lines that carry an error.
    pub errors: usize,
    /// Findings written, by severity.
    pub by_severity: BTreeMap<Severity, usize>,
}

/// One result line.
#[derive(Serialize)]
struct ResultLine<'a> {
    line: usize,
    id: &'a Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    findings: Option<&'a [ApiFinding]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

/// One input line as read.
enum RawLine {
    Text(Vec<u8>),
    /// Longer than [`MAX_LINE_BYTES`]; its bytes were dropped.
    Overlong,
}

/// A checked record: its serialized result line and what to count.
struct Checked {
    bytes: Vec<u8>,
    error: bool,
    severities: Vec<Severity>,
}

/// Checks every record of `input` and writes one result line per input line to `output`, in
/// order. Returns the counts, or the first I/O error reading the input or writing the output
/// (a closed pipe ends the stream).
pub fn run<R, W>(
    api: &Api,
    input: R,
    output: &mut W,
    options: &StreamOptions,
) -> io::Result<StreamTally>
where
    R: BufRead + Send,
    W: Write + ?Sized,
{
    let threads = options
        .threads
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
        .clamp(1, crate::session::MAX_THREADS);
    if threads == 1 {
        return run_serial(api, input, output, options);
    }
    let mut tally = StreamTally::default();
    // Bounded queues: with these capacities at most `4 * threads` records are in flight, so
    // memory does not grow with the input however slow the writer's reader is.
    let (line_sender, line_receiver) = mpsc::sync_channel::<(usize, RawLine)>(threads * 2);
    let (result_sender, result_receiver) = mpsc::sync_channel::<(usize, Checked)>(threads * 2);
    let line_receiver = Mutex::new(line_receiver);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || read_lines(input, line_sender));
        for _ in 0..threads {
            let result_sender = result_sender.clone();
            let line_receiver = &line_receiver;
            scope.spawn(move || worker(api, options, line_receiver, result_sender));
        }
        drop(result_sender);
        let written = write_in_order(result_receiver, output, &mut tally);
        // On a write error the receiver is gone, so workers and the reader stop on their own.
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the input reader panicked")));
        written.and(read)
    })?;
    Ok(tally)
}

fn run_serial<R, W>(
    api: &Api,
    mut input: R,
    output: &mut W,
    options: &StreamOptions,
) -> io::Result<StreamTally>
where
    R: BufRead,
    W: Write + ?Sized,
{
    let mut tally = StreamTally::default();
    let mut buffer = Vec::new();
    let mut number = 0;
    while let Some(raw) = read_line(&mut input, &mut buffer)? {
        number += 1;
        let checked = check_line(api, options, number, &raw);
        count(&mut tally, &checked);
        output.write_all(&checked.bytes)?;
        output.flush()?;
    }
    Ok(tally)
}

fn read_lines<R: BufRead>(mut input: R, sender: SyncSender<(usize, RawLine)>) -> io::Result<()> {
    let mut buffer = Vec::new();
    let mut number = 0;
    while let Some(raw) = read_line(&mut input, &mut buffer)? {
        number += 1;
        if sender.send((number, raw)).is_err() {
            break;
        }
    }
    Ok(())
}

fn worker(
    api: &Api,
    options: &StreamOptions,
    lines: &Mutex<Receiver<(usize, RawLine)>>,
    results: SyncSender<(usize, Checked)>,
) {
    loop {
        let next = lines
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .recv();
        let Ok((number, raw)) = next else { return };
        let checked = check_line(api, options, number, &raw);
        if results.send((number, checked)).is_err() {
            return;
        }
    }
}

fn write_in_order<W: Write + ?Sized>(
    results: Receiver<(usize, Checked)>,
    output: &mut W,
    tally: &mut StreamTally,
) -> io::Result<()> {
    let mut pending: BTreeMap<usize, Checked> = BTreeMap::new();
    let mut next = 1;
    loop {
        let received = match results.try_recv() {
            Ok(result) => Some(result),
            Err(TryRecvError::Empty) => {
                // Nothing is ready: whatever was written goes out before waiting.
                output.flush()?;
                results.recv().ok()
            }
            Err(TryRecvError::Disconnected) => None,
        };
        let Some((number, checked)) = received else {
            break;
        };
        pending.insert(number, checked);
        while let Some(checked) = pending.remove(&next) {
            count(tally, &checked);
            output.write_all(&checked.bytes)?;
            next += 1;
        }
    }
    output.flush()
}

fn count(tally: &mut StreamTally, checked: &Checked) {
    tally.lines += 1;
    tally.errors += usize::from(checked.error);
    for severity in &checked.severities {
        *tally.by_severity.entry(*severity).or_default() += 1;
    }
}

/// Reads one line (without its `\n` or `\r\n`) into a fresh buffer, holding at most
/// [`MAX_LINE_BYTES`]; `None` at the end of the input.
fn read_line<R: BufRead + ?Sized>(
    input: &mut R,
    buffer: &mut Vec<u8>,
) -> io::Result<Option<RawLine>> {
    buffer.clear();
    let mut overlong = false;
    let mut any = false;
    loop {
        let available = match input.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if available.is_empty() {
            break;
        }
        any = true;
        let (chunk, done) = match memchr::memchr(b'\n', available) {
            Some(end) => (&available[..end], Some(end + 1)),
            None => (available, None),
        };
        if !overlong {
            if buffer.len() + chunk.len() > MAX_LINE_BYTES {
                overlong = true;
                buffer.clear();
                buffer.shrink_to(64 * 1024);
            } else {
                buffer.extend_from_slice(chunk);
            }
        }
        let consumed = done.unwrap_or(available.len());
        input.consume(consumed);
        if done.is_some() {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if overlong {
        return Ok(Some(RawLine::Overlong));
    }
    if buffer.last() == Some(&b'\r') {
        buffer.pop();
    }
    Ok(Some(RawLine::Text(std::mem::take(buffer))))
}

fn check_line(api: &Api, options: &StreamOptions, number: usize, raw: &RawLine) -> Checked {
    let null = Value::Null;
    let error_line = |id: &Value, message: &str| Checked {
        bytes: serialize(&ResultLine {
            line: number,
            id,
            findings: None,
            error: Some(message),
        }),
        error: true,
        severities: Vec::new(),
    };
    let bytes = match raw {
        RawLine::Overlong => {
            return error_line(
                &null,
                &format!("line {number}: longer than {MAX_LINE_BYTES} bytes; skipped"),
            )
        }
        RawLine::Text(bytes) => bytes,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return error_line(
            &null,
            &format!("line {number}: empty line, expected a JSON object"),
        );
    }
    let record: Value = match serde_json::from_slice(bytes) {
        Ok(record) => record,
        Err(error) => {
            // serde_json's message ends with its own "at line 1 column N"; the record's line
            // number in the stream is the useful one.
            let message = error.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(message, _)| message);
            return error_line(
                &null,
                &format!("line {number}, column {}: {message}", error.column()),
            );
        }
    };
    let id = options.id_field.get(&record).unwrap_or(&null);
    let text = match options.text_field.get(&record) {
        Some(Value::String(text)) => text,
        Some(other) => {
            return error_line(
                id,
                &format!(
                    "line {number}: field `{}` is {}, expected a string",
                    options.text_field.as_str(),
                    kind_of(other)
                ),
            )
        }
        None => {
            return error_line(
                id,
                &format!(
                    "line {number}: no field `{}` (choose it with --text-field)",
                    options.text_field.as_str()
                ),
            )
        }
    };
    match api.check(&CheckRequest::text(text.as_str())) {
        Ok(response) => {
            let mut findings = response.findings;
            for finding in &mut findings {
                finding.finding.path.clone_from(&options.name);
            }
            let severities = findings
                .iter()
                .filter_map(|f| f.finding.severity.parse().ok())
                .collect();
            Checked {
                bytes: serialize(&ResultLine {
                    line: number,
                    id,
                    findings: Some(&findings),
                    error: None,
                }),
                error: false,
                severities,
            }
        }
        Err(error) => error_line(id, &format!("line {number}: {error}")),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn serialize(line: &ResultLine<'_>) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(line).unwrap_or_else(|error| {
        // Serializing owned strings and numbers cannot fail; say so rather than lose the line.
        format!(
            "{{\"line\":{},\"id\":null,\"error\":\"cannot serialize result: {}\"}}",
            line.line,
            error.to_string().replace('"', "'")
        )
        .into_bytes()
    });
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Linter, Session, Settings};

    fn api() -> Api {
        Api::new(Session::new(
            Linter::builtin().unwrap(),
            Settings::default(),
        ))
    }

    fn lines(output: &[u8]) -> Vec<Value> {
        output
            .split(|&b| b == b'\n')
            .filter(|line| !line.is_empty())
            .map(|line| serde_json::from_slice(line).unwrap())
            .collect()
    }

    #[test]
    fn one_result_per_line_in_order_with_errors_in_place() {
        let api = api();
        let mut input = String::new();
        for index in 0..300 {
            match index % 5 {
                0 => input.push_str(&format!("{{\"id\":{index},\"text\":\"你必须先填表。\"}}\n")),
                1 => input.push_str("{not json\n"),
                2 => input.push_str(&format!("{{\"id\":\"r{index}\",\"text\":7}}\r\n")),
                3 => input.push('\n'),
                _ => input.push_str(&format!(
                    "{{\"id\":{index},\"msg\":{{\"body\":\"You must wait.\"}}}}\n"
                )),
            }
        }
        for threads in [1, 3] {
            let options = StreamOptions {
                threads: Some(threads),
                ..StreamOptions::default()
            };
            let mut output = Vec::new();
            let tally = run(&api, input.as_bytes(), &mut output, &options).unwrap();
            let results = lines(&output);
            assert_eq!(results.len(), 300);
            assert_eq!(tally.lines, 300);
            for (index, result) in results.iter().enumerate() {
                assert_eq!(result["line"], index + 1);
                match index % 5 {
                    0 => {
                        assert_eq!(result["id"], index);
                        assert!(!result["findings"].as_array().unwrap().is_empty());
                    }
                    1 => assert!(result["error"].as_str().unwrap().contains("column 2")),
                    2 => assert!(result["error"].as_str().unwrap().contains("a number")),
                    3 => assert!(result["error"].as_str().unwrap().contains("empty line")),
                    _ => assert!(result["error"]
                        .as_str()
                        .unwrap()
                        .contains("no field `text`")),
                }
            }
        }
    }

    #[test]
    fn nested_text_field_and_findings_match_the_api() {
        let api = api();
        let options = StreamOptions {
            text_field: FieldPath::parse("msg.body").unwrap(),
            id_field: FieldPath::parse("meta.ids.1").unwrap(),
            threads: Some(2),
            ..StreamOptions::default()
        };
        let input = "{\"meta\":{\"ids\":[\"a\",\"b\"]},\"msg\":{\"body\":\"You must wait.\"}}\n";
        let mut output = Vec::new();
        run(&api, input.as_bytes(), &mut output, &options).unwrap();
        let result = &lines(&output)[0];
        assert_eq!(result["id"], "b");
        let direct = api.check(&CheckRequest::text("You must wait.")).unwrap();
        let mut expected = serde_json::to_value(&direct.findings).unwrap();
        for finding in expected.as_array_mut().unwrap() {
            finding["path"] = "<stdin>".into();
        }
        assert_eq!(result["findings"], expected);
    }

    #[test]
    fn overlong_line_is_answered_and_skipped() {
        let api = api();
        let mut input = Vec::new();
        input.extend_from_slice(b"{\"text\":\"");
        input.resize(MAX_LINE_BYTES + 100, b'a');
        input.extend_from_slice(b"\"}\n{\"id\":2,\"text\":\"ok\"}");
        let mut output = Vec::new();
        run(
            &api,
            input.as_slice(),
            &mut output,
            &StreamOptions {
                threads: Some(1),
                ..StreamOptions::default()
            },
        )
        .unwrap();
        let results = lines(&output);
        assert_eq!(results.len(), 2);
        assert!(results[0]["error"]
            .as_str()
            .unwrap()
            .contains("longer than"));
        assert_eq!(results[1]["id"], 2);
        assert_eq!(results[1]["findings"], serde_json::json!([]));
    }

    #[test]
    fn field_paths_refuse_empty_steps() {
        assert!(FieldPath::parse("a..b").is_err());
        assert!(FieldPath::parse(".a").is_err());
        assert!(FieldPath::parse("a.b").is_ok());
    }
}
