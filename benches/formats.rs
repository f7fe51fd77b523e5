//! Extraction cost: the same replies checked as plain text and as JSON Lines.
//!
//! Reads the `text` of every record in `../shared/corpus/*/replies.jsonl` (the machine-made
//! `bitext_synthetic` left out, as in the throughput suite), writes them one per line until the
//! plain text is 20 MB, writes the same replies as `{"id": N, "text": …}` records, and times
//! `Linter::check` on both (the JSON Lines time includes reading the records out). Target
//! (docs/performance.md): JSON Lines at no less than half the throughput of plain text, in
//! replies per second.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use replylint::source::{Format, Selection};
use replylint::{Linter, Source};

const PLAIN_BYTES: usize = 20_000_000;
const RUNS: usize = 5;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() -> ExitCode {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(entries) = fs::read_dir(&corpus) else {
        eprintln!("formats: skipped: {} is absent", corpus.display());
        return ExitCode::SUCCESS;
    };
    let mut folders: Vec<_> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.join("replies.jsonl").is_file() && !path.ends_with("bitext_synthetic"))
        .collect();
    folders.sort();
    let mut replies: Vec<String> = Vec::new();
    for folder in &folders {
        let Ok(text) = fs::read_to_string(folder.join("replies.jsonl")) else {
            continue;
        };
        for line in text.lines() {
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(line) {
                let reply = value["text"].as_str().unwrap_or_default().trim();
                if !reply.is_empty() {
                    replies.push(reply.replace(['\n', '\r'], " "));
                }
            }
        }
    }
    if replies.is_empty() {
        eprintln!("formats: skipped: no replies under {}", corpus.display());
        return ExitCode::SUCCESS;
    }
    let mut plain = String::with_capacity(PLAIN_BYTES + 4096);
    let mut jsonl = String::with_capacity(PLAIN_BYTES * 2);
    let mut count = 0usize;
    while plain.len() < PLAIN_BYTES {
        let reply = &replies[count % replies.len()];
        plain.push_str(reply);
        plain.push('\n');
        let record = serde_json::json!({ "id": count, "text": reply });
        let _ = writeln!(jsonl, "{record}");
        count += 1;
    }
    let linter = match Linter::builtin() {
        Ok(linter) => linter,
        Err(error) => {
            eprintln!("formats: {error}");
            return ExitCode::FAILURE;
        }
    };
    let plain_source = Source::new("large.txt", plain.clone());
    let selection = Arc::new(Selection::default());
    // Warm-up: builds the automaton once.
    let plain_findings = linter.check(&plain_source).len();
    let mut jsonl_findings = 0;
    let (mut plain_times, mut jsonl_times) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let start = Instant::now();
        std::hint::black_box(linter.check(&plain_source).len());
        plain_times.push(start.elapsed());
        // The copy stands for reading the file, which the plain-text time does not include.
        let text = jsonl.clone();
        let start = Instant::now();
        let source = Source::from_text("large.jsonl", text, Format::Jsonl, selection.clone());
        match source {
            Ok(source) => jsonl_findings = linter.check(&source).len(),
            Err(error) => {
                eprintln!("formats: {error}");
                return ExitCode::FAILURE;
            }
        }
        jsonl_times.push(start.elapsed());
    }
    let text = jsonl.clone();
    let start = Instant::now();
    let read = Source::from_text("large.jsonl", text, Format::Jsonl, selection.clone());
    let extraction = start.elapsed();
    let segments = read.as_ref().map_or(0, |source| source.segments().len());
    println!(
        "formats: reading the records out alone: {:.1} ms for {segments} segments",
        extraction.as_secs_f64() * 1e3
    );
    let (plain_time, jsonl_time) = (median(plain_times), median(jsonl_times));
    let ratio = plain_time.as_secs_f64() / jsonl_time.as_secs_f64();
    println!(
        "formats: {count} replies; plain text {:.1} MB in {:.1} ms ({plain_findings} findings); \
         JSON Lines {:.1} MB in {:.1} ms ({jsonl_findings} findings); \
         JSON Lines throughput {:.2} of plain text (target >= 0.50): {}",
        plain.len() as f64 / 1e6,
        plain_time.as_secs_f64() * 1e3,
        jsonl.len() as f64 / 1e6,
        jsonl_time.as_secs_f64() * 1e3,
        ratio,
        if ratio >= 0.5 { "pass" } else { "miss" }
    );
    ExitCode::SUCCESS
}
