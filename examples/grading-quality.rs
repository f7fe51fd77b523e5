//! How well the built-in rubrics agree with a trainer: on the hand-graded practice replies in
//! `tests/grading/graded/` (written blind, see its README), Spearman's rank correlation between
//! replylint's scores and the hand grades per language, and each move's recognition precision and
//! recall against the hand-marked moves, for the `dev` half (tuned on) and the `holdout` half
//! (never tuned on). Produces the tables of `docs/grading.md`.
//!
//! ```sh
//! cargo run --example grading-quality                  # plain tables
//! cargo run --example grading-quality -- --markdown    # the tables of docs/grading.md
//! cargo run --example grading-quality -- --worst dev   # the replies it disagrees with most
//! cargo run --example grading-quality -- --misses dev  # moves missed or wrongly credited
//! ```

#[path = "../tests/support/graded_set.rs"]
mod graded_set;

use graded_set::{correlation, load, move_counts, score, Counts, Scored, LANGUAGES};

fn percent(value: Option<f64>) -> String {
    value.map_or("—".to_string(), |v| format!("{:.0}%", v * 100.0))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let markdown = args.iter().any(|a| a == "--markdown");
    let worst = args
        .iter()
        .position(|a| a == "--worst")
        .map(|i| args.get(i + 1).cloned().unwrap_or_else(|| "dev".into()));

    let mut all: Vec<Scored> = Vec::new();
    for language in LANGUAGES {
        match load(language) {
            Ok(replies) => all.extend(score(&replies)),
            Err(error) => {
                eprintln!("error: {error}");
                std::process::exit(2);
            }
        }
    }
    let splits = ["dev", "holdout"];
    let group = |language: &str, split: &str| -> Vec<&Scored> {
        all.iter()
            .filter(|s| s.reply.lang.starts_with(language) && s.reply.split == split)
            .collect()
    };

    if let Some(i) = args.iter().position(|a| a == "--misses") {
        let split = args.get(i + 1).map_or("dev", String::as_str);
        for s in all.iter().filter(|s| s.reply.split == split) {
            for m in &s.graded.moves {
                let marked = s.reply.moves.contains(&m.id);
                let verdict = match (m.found(), marked) {
                    (true, false) => "credited, not marked",
                    (false, true) => "marked, missed",
                    _ => continue,
                };
                let at = m
                    .spans
                    .first()
                    .map_or(String::new(), |span| format!(" at «{}»", span.text));
                println!(
                    "{} {}: {verdict}{at}\n  {}",
                    s.reply.id, m.id, s.reply.reply
                );
            }
        }
        return;
    }

    if let Some(split) = worst {
        let mut rows: Vec<&Scored> = all.iter().filter(|s| s.reply.split == split).collect();
        rows.sort_by(|a, b| {
            let da = (a.graded.score - a.reply.grade).abs();
            let db = (b.graded.score - b.reply.grade).abs();
            db.total_cmp(&da)
        });
        for s in rows.iter().take(25) {
            let found: Vec<&str> = s
                .graded
                .moves
                .iter()
                .filter(|m| m.found())
                .map(|m| m.id.as_str())
                .collect();
            let rules: Vec<&str> = s
                .graded
                .deductions
                .iter()
                .map(|d| d.rule.as_str())
                .collect();
            println!(
                "{} hand {} ours {:.1}\n  marked {:?} faults {:?}\n  found  {:?} deductions {:?}\n  {}\n",
                s.reply.id, s.reply.grade, s.graded.score, s.reply.moves, s.reply.faults, found, rules, s.reply.reply
            );
        }
        return;
    }

    if markdown {
        println!("| language | dev: replies | dev: rank correlation | dev: mean abs. difference | holdout: replies | holdout: rank correlation | holdout: mean abs. difference |");
        println!("|---|---:|---:|---:|---:|---:|---:|");
    } else {
        println!("Spearman rank correlation, scores vs hand grades");
    }
    for language in LANGUAGES {
        let cells: Vec<String> = splits
            .iter()
            .flat_map(|split| {
                let g = group(language, split);
                let difference = g
                    .iter()
                    .map(|s| (s.graded.score - s.reply.grade).abs())
                    .sum::<f64>()
                    / g.len().max(1) as f64;
                [
                    g.len().to_string(),
                    format!("{:.2}", correlation(&g)),
                    format!("{difference:.1}"),
                ]
            })
            .collect();
        if markdown {
            println!("| {language} | {} |", cells.join(" | "));
        } else {
            println!(
                "  {language:<3} dev n={} ρ={} |Δ|={}   holdout n={} ρ={} |Δ|={}",
                cells[0], cells[1], cells[2], cells[3], cells[4], cells[5]
            );
        }
    }

    let counts: Vec<_> = splits
        .iter()
        .map(|split| {
            let selected: Vec<&Scored> = all.iter().filter(|s| s.reply.split == *split).collect();
            move_counts(&selected)
        })
        .collect();
    println!();
    if markdown {
        println!("| move | dev: precision | dev: recall | holdout: precision | holdout: recall |");
        println!("|---|---:|---:|---:|---:|");
    } else {
        println!("Move recognition (all languages)        dev P / R        holdout P / R");
    }
    let mut totals = [Counts::default(), Counts::default()];
    for id in counts[0].keys() {
        let dev = counts[0].get(id).copied().unwrap_or_default();
        let holdout = counts[1].get(id).copied().unwrap_or_default();
        totals[0].add(dev);
        totals[1].add(holdout);
        let cells = [
            percent(dev.precision()),
            percent(dev.recall()),
            percent(holdout.precision()),
            percent(holdout.recall()),
        ];
        if markdown {
            println!("| `{id}` | {} |", cells.join(" | "));
        } else {
            println!(
                "  {id:<14} {:>5} / {:<5}    {:>5} / {:<5}",
                cells[0], cells[1], cells[2], cells[3]
            );
        }
    }
    let cells = [
        percent(totals[0].precision()),
        percent(totals[0].recall()),
        percent(totals[1].precision()),
        percent(totals[1].recall()),
    ];
    if markdown {
        println!("| **all moves** | {} |", cells.join(" | "));
    } else {
        println!(
            "  {:<14} {:>5} / {:<5}    {:>5} / {:<5}",
            "all moves", cells[0], cells[1], cells[2], cells[3]
        );
    }
}
