//! Linearity on pathological inputs: each shape at 1x, 2x and 4x its base size, checked with the
//! built-in packs and rendered in the human format (into memory), with the time ratios printed.
//! Linear cost means a doubled input takes about twice as long: ratios near 2.0 (noise on a
//! shared machine moves them by 10 to 20 %), where quadratic cost would show 4.0.
//!
//! ```sh
//! cargo bench --bench linearity                        # base 1 MB, medians of 3
//! REPLYLINT_LINEARITY_MB=10 cargo bench --bench linearity   # the issue's 10 MB inputs (x4: 40 MB)
//! ```
//!
//! `REPLYLINT_LINEARITY_MB` sets the base size in megabytes (default 1), `REPLYLINT_LINEARITY_REPS`
//! the repetitions (default 3; the median is reported), and a first argument keeps only the
//! shapes whose name contains it. Inputs are generated in memory; nothing is read from disk.
//! Results and how to read them: docs/performance.md, "Linearity".

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use replylint::report::human;
use replylint::source::{Format, Selection};
use replylint::{Linter, Source};

/// One pathological shape: a name, its format, and a generator for about `bytes` bytes.
struct Shape {
    name: &'static str,
    format: Format,
    make: fn(usize) -> String,
}

fn repeat_to(unit: &str, bytes: usize) -> String {
    unit.repeat((bytes / unit.len()).max(1))
}

fn shapes() -> Vec<Shape> {
    vec![
        Shape {
            name: "zh: one line of one repeated order",
            format: Format::Text,
            make: |bytes| repeat_to("你必须先填表 ", bytes),
        },
        Shape {
            name: "en: one line of one repeated order",
            format: Format::Text,
            make: |bytes| repeat_to("you must wait, ", bytes),
        },
        Shape {
            name: "en: one line, matches with exceptions",
            format: Format::Text,
            make: |bytes| {
                repeat_to(
                    "I can't wait to help, sorry for the wait and I can't ",
                    bytes,
                )
            },
        },
        Shape {
            name: "one character repeated (a)",
            format: Format::Text,
            make: |bytes| "a".repeat(bytes),
        },
        Shape {
            name: "one character repeated (。)",
            format: Format::Text,
            make: |bytes| repeat_to("。", bytes),
        },
        Shape {
            name: "minified JSON export",
            format: Format::Json,
            make: |bytes| {
                let mut text = String::from("[");
                let mut id = 0;
                while text.len() < bytes {
                    let _ = write!(
                        text,
                        "{{\"id\":{id},\"title\":\"Refund\",\"body\":\"你必须先填表,我不能给你退款. \
                         Sorry for the wait, you must send it ASAP\",\"tags\":[\"a\",\"b\"]}},"
                    );
                    id += 1;
                }
                text.pop();
                text.push(']');
                text
            },
        },
        Shape {
            name: "JSON nested 900 deep, repeated",
            format: Format::Json,
            make: |bytes| {
                let one = format!("{}\"you must wait\"{}", "[".repeat(900), "]".repeat(900));
                let mut text = String::from("[");
                while text.len() < bytes {
                    text.push_str(&one);
                    text.push(',');
                }
                text.pop();
                text.push(']');
                text
            },
        },
        Shape {
            name: "JSON Lines nested 900 deep",
            format: Format::Jsonl,
            make: |bytes| {
                let one = format!(
                    "{}\"you must wait\"{}\n",
                    "{\"a\":".repeat(900),
                    "}".repeat(900)
                );
                repeat_to(&one, bytes)
            },
        },
        Shape {
            name: "YAML flow nested 200 deep",
            format: Format::Yaml,
            make: |bytes| {
                let one = format!("- {}you must wait{}\n", "[".repeat(200), "]".repeat(200));
                repeat_to(&one, bytes)
            },
        },
        Shape {
            name: "Markdown quotes nested 900 deep",
            format: Format::Markdown,
            make: |bytes| repeat_to(&format!("{} you must wait\n", "> ".repeat(900)), bytes),
        },
        Shape {
            name: "HTML divs nested without end",
            format: Format::Html,
            make: |bytes| repeat_to("<div>you must wait ", bytes),
        },
        Shape {
            name: "CSV: one cell of escaped quotes",
            format: Format::Csv,
            make: |bytes| {
                format!(
                    "id,content\n1,\"{}\"\n",
                    repeat_to("\"\"you must wait\"\" ", bytes)
                )
            },
        },
    ]
}

/// Reads, checks and renders one input; returns the findings and the rendered size.
fn run(linter: &Linter, format: Format, text: &str) -> (usize, usize) {
    let source = Source::from_text("input", text, format, Arc::new(Selection::default()))
        .expect("the shape is valid in its format");
    let diagnostics = linter.check(&source);
    let mut out = termcolor::NoColor::new(Vec::new());
    human::render(&mut out, &source, &diagnostics).expect("renders");
    (diagnostics.len(), out.into_inner().len())
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let mb: f64 = std::env::var("REPLYLINT_LINEARITY_MB")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(1.0);
    let reps: usize = std::env::var("REPLYLINT_LINEARITY_REPS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(3)
        .max(1);
    // `cargo bench` passes `--bench`; any other argument filters the shapes.
    let filter = std::env::args().skip(1).find(|arg| !arg.starts_with("--"));
    let base = (mb * 1_000_000.0) as usize;
    let linter = Linter::builtin().expect("built-in packs");
    // Build the automaton and compile patterns before timing anything.
    let _ = run(
        &linter,
        Format::Text,
        &"你必须先填表 you must wait ".repeat(20_000),
    );

    println!("base size {mb} MB, median of {reps}");
    println!(
        "| shape | 1x time | 2x time | 4x time | 2x/1x | 4x/2x | MB/s at 4x | findings at 4x | human output at 4x |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for shape in shapes() {
        if filter.as_deref().is_some_and(|f| !shape.name.contains(f)) {
            continue;
        }
        let mut times = Vec::new();
        let mut last = (0, 0, 0);
        for factor in [1, 2, 4] {
            let text = (shape.make)(base * factor);
            let mut samples = Vec::new();
            for _ in 0..reps {
                let started = Instant::now();
                let (findings, rendered) = run(&linter, shape.format, &text);
                samples.push(started.elapsed());
                last = (text.len(), findings, rendered);
            }
            times.push(median(samples));
        }
        let seconds = |d: Duration| d.as_secs_f64();
        println!(
            "| {} | {:.3} s | {:.3} s | {:.3} s | {:.2} | {:.2} | {:.1} | {} | {} bytes |",
            shape.name,
            seconds(times[0]),
            seconds(times[1]),
            seconds(times[2]),
            seconds(times[1]) / seconds(times[0]),
            seconds(times[2]) / seconds(times[1]),
            last.0 as f64 / 1e6 / seconds(times[2]),
            last.1,
            last.2,
        );
    }
}
