//! The class report as Markdown: the same tables as the HTML page, for a wiki or a pull request.

use std::fmt::Write as _;

use super::num;
use crate::grade::class::{scenario_name, trainee_name, ClassSummary, BINS};
use crate::grade::report::terminal::formula;
use crate::grade::Graded;

/// Makes text safe inside a table cell: no pipes or line breaks.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

pub fn render(graded: &[Graded], title: &str) -> String {
    let summary = ClassSummary::of(graded);
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", cell(title));
    let _ = writeln!(
        out,
        "Class mean **{}** · median {} · range {}–{} · {} replies · {} trainees\n",
        num(summary.mean),
        num(summary.median),
        num(summary.min),
        num(summary.max),
        summary.replies,
        summary.trainees.len()
    );

    out.push_str("## Score distribution\n\n| score | replies |\n|---|---:|\n");
    for (index, count) in summary.histogram.iter().enumerate() {
        let label = if index == BINS - 1 {
            "90–100".to_string()
        } else {
            format!("{}–{}", index * 10, index * 10 + 9)
        };
        let _ = writeln!(out, "| {label} | {count} |");
    }

    out.push_str("\n## Trainees × scenarios\n\n| trainee |");
    for scenario in &summary.scenarios {
        let _ = write!(out, " {} |", cell(scenario));
    }
    out.push_str(" mean |\n|---|");
    for _ in &summary.scenarios {
        out.push_str("---:|");
    }
    out.push_str("---:|\n");
    for trainee in &summary.trainees {
        let _ = write!(out, "| {} |", cell(&trainee.name));
        for scenario in &summary.scenarios {
            match trainee.scores.get(scenario) {
                Some(scores) => {
                    let shown: Vec<String> = scores.iter().map(|s| num(*s)).collect();
                    let _ = write!(out, " {} |", shown.join(" / "));
                }
                None => out.push_str(" — |"),
            }
        }
        let _ = writeln!(out, " **{}** |", num(trainee.mean));
    }

    out.push_str("\n## Moves across the class\n\n| move | description | shown | share |\n|---|---|---:|---:|\n");
    for m in &summary.moves {
        let _ = writeln!(
            out,
            "| `{}` | {} | {}/{} | {}% |",
            m.id,
            cell(&m.description),
            m.shown,
            m.of,
            num(m.percent())
        );
    }

    out.push_str("\n## Per trainee\n");
    for trainee in &summary.trainees {
        let _ = writeln!(
            out,
            "\n### {} · mean {} over {} replies\n",
            cell(&trainee.name),
            num(trainee.mean),
            trainee.replies
        );
        out.push_str("| most frequent problems | count | example | try |\n|---|---:|---|---|\n");
        if trainee.problems.is_empty() {
            out.push_str("| no lint findings | 0 | | |\n");
        }
        for problem in &trainee.problems {
            let _ = writeln!(
                out,
                "| `{}` {} | {} | “{}” in {} | {} |",
                problem.rule,
                cell(&problem.message),
                problem.count,
                cell(&problem.example_text),
                cell(&problem.example_reply),
                cell(problem.rewrite.as_deref().unwrap_or(""))
            );
        }
        out.push_str(
            "\n| most often missing moves | missing in | example | try |\n|---|---:|---|---|\n",
        );
        if trainee.missing.is_empty() {
            out.push_str("| every move shown | 0 | | |\n");
        }
        for missing in &trainee.missing {
            let _ = writeln!(
                out,
                "| `{}` {} | {} of {} | {} | {} |",
                missing.id,
                cell(&missing.description),
                missing.count,
                missing.of,
                cell(&missing.example_reply),
                cell(&missing.suggestion)
            );
        }
    }

    out.push_str("\n## Replies\n\n| reply | trainee | scenario | score | how | moves | deductions |\n|---|---|---|---:|---|---|---|\n");
    for g in graded {
        let moves: Vec<String> = g
            .moves
            .iter()
            .filter(|m| m.found())
            .map(|m| format!("`{}`", m.id))
            .collect();
        let deductions: Vec<String> = g
            .deductions
            .iter()
            .map(|d| format!("`{}` −{} “{}”", d.rule, num(d.points), cell(&d.span.text)))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            cell(&g.reply.name),
            cell(&trainee_name(g)),
            cell(&scenario_name(g)),
            num(g.score),
            cell(&formula(g)),
            moves.join(" "),
            deductions.join("; ")
        );
    }
    out
}
