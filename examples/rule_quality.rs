//! Per-rule hit counts of the built-in packs on the real corpora, and hit samples to review by
//! hand. Produces the tables in `docs/rule-quality.md`.
//!
//! ```sh
//! cargo run --release --example rule_quality                 # table on stdout
//! cargo run --release --example rule_quality -- --samples 20 # also write samples for review
//! ```
//!
//! The corpora are read from `../shared/corpus/*/replies.jsonl` (or `$REPLYLINT_CORPUS`); they may
//! not be copied into the repository, so samples go to `target/rule-quality/`, which git ignores.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use replylint::{Linter, RuleSet};

struct Options {
    corpus: PathBuf,
    samples: usize,
    out: PathBuf,
}

fn options() -> Result<Options, String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut options = Options {
        corpus: std::env::var_os("REPLYLINT_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| manifest.join("../shared/corpus")),
        samples: 0,
        out: manifest.join("target/rule-quality"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--samples" => {
                options.samples = value()?.parse().map_err(|_| "--samples takes a number")?
            }
            "--corpus" => options.corpus = PathBuf::from(value()?),
            "--out" => options.out = PathBuf::from(value()?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(options)
}

fn main() {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("rule_quality: {message}");
            std::process::exit(2);
        }
    };
    let mut corpora: Vec<PathBuf> = match std::fs::read_dir(&options.corpus) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|entry| entry.path().join("replies.jsonl"))
            .filter(|path| path.is_file())
            .collect(),
        Err(_) => {
            eprintln!(
                "rule_quality: skipping: no corpus at {} (set REPLYLINT_CORPUS)",
                options.corpus.display()
            );
            return;
        }
    };
    corpora.sort();

    let linter = Linter::new(RuleSet::builtin().expect("built-in packs load"));
    // rule id → corpus name → hits; and rule id → sampled hits.
    let mut hits: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let mut samples: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut replies_per_corpus = BTreeMap::new();
    for path in &corpora {
        let corpus = path
            .parent()
            .and_then(|dir| dir.file_name())
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let mut replies = 0;
        for line in text.lines() {
            let Ok(record) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let Some(reply) = record.get("text").and_then(|text| text.as_str()) else {
                continue;
            };
            replies += 1;
            for diagnostic in linter.check_text(reply) {
                let id = diagnostic.rule.id.to_string();
                *hits
                    .entry(id.clone())
                    .or_default()
                    .entry(corpus.clone())
                    .or_default() += 1;
                let kept = samples.entry(id).or_default();
                // Every reply is a candidate; keeping a spread rather than the first few avoids
                // reviewing one conversation's repetitions only.
                if kept.len() < options.samples * 50 {
                    kept.push(format!(
                        "[{corpus}] «{}» in: {}",
                        diagnostic.text,
                        reply.replace('\n', " ")
                    ));
                }
            }
        }
        replies_per_corpus.insert(corpus, replies);
    }

    print!("{}", table(&linter, &hits, &replies_per_corpus));
    if options.samples > 0 {
        write_samples(&options, &samples);
    }
}

fn table(
    linter: &Linter,
    hits: &BTreeMap<String, BTreeMap<String, usize>>,
    replies: &BTreeMap<String, usize>,
) -> String {
    let corpora: Vec<&String> = replies.keys().collect();
    let mut out = String::new();
    out.push_str("| rule | severity |");
    for corpus in &corpora {
        let _ = write!(out, " {corpus} |");
    }
    out.push_str(" total |\n|---|---|");
    for _ in &corpora {
        out.push_str("---:|");
    }
    out.push_str("---:|\n| *replies* | |");
    for corpus in &corpora {
        let _ = write!(out, " {} |", replies[*corpus]);
    }
    let _ = writeln!(out, " {} |", replies.values().sum::<usize>());
    for rule in linter.rules().rules() {
        let counts = hits.get(&*rule.id);
        let _ = write!(out, "| `{}` | {} |", rule.id, rule.severity);
        let mut total = 0;
        for corpus in &corpora {
            let count = counts
                .and_then(|counts| counts.get(*corpus))
                .copied()
                .unwrap_or(0);
            total += count;
            let _ = write!(out, " {count} |");
        }
        let _ = writeln!(out, " {total} |");
    }
    out
}

fn write_samples(options: &Options, samples: &BTreeMap<String, Vec<String>>) {
    if let Err(error) = std::fs::create_dir_all(&options.out) {
        eprintln!(
            "rule_quality: cannot create {}: {error}",
            options.out.display()
        );
        return;
    }
    for (id, candidates) in samples {
        let step = (candidates.len() / options.samples.max(1)).max(1);
        let picked: Vec<&String> = candidates
            .iter()
            .step_by(step)
            .take(options.samples)
            .collect();
        let text: String = picked.iter().map(|line| format!("{line}\n")).collect();
        let path = options.out.join(format!("{id}.txt"));
        if let Err(error) = std::fs::write(&path, text) {
            eprintln!("rule_quality: cannot write {}: {error}", path.display());
        }
    }
    eprintln!("rule_quality: samples written to {}", options.out.display());
}
