//! The terminal view of one graded reply: its score and how it was reached, the reply with each
//! credited move as a note and each deduction as a warning with its rewrite (codespan, as
//! `check` prints findings), and the missing moves with a suggested wording for each.

use std::fmt::Write as _;
use std::io::{self, Write};

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as ReportSeverity};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config};
use termcolor::{Color, ColorSpec, WriteColor};

use super::num;
use crate::grade::class::{scenario_name, trainee_name};
use crate::grade::{Graded, OrderStatus};
use crate::rules::Severity;

fn severity(severity: Severity) -> ReportSeverity {
    match severity {
        Severity::Error => ReportSeverity::Error,
        Severity::Warning => ReportSeverity::Warning,
        Severity::Info => ReportSeverity::Note,
        Severity::Hint => ReportSeverity::Help,
    }
}

/// How the score was reached, in one line: `72.5 = 100 × 80/110 − 8`.
pub fn formula(graded: &Graded) -> String {
    let full = graded.rubric.full_marks;
    let mut text = if full < 100.0 {
        format!(
            "{} = 100 × {}/({} × {}%)",
            num(graded.score),
            num(graded.earned),
            num(graded.possible),
            num(full)
        )
    } else {
        format!(
            "{} = 100 × {}/{}",
            num(graded.score),
            num(graded.earned),
            num(graded.possible)
        )
    };
    if graded.positive >= 100.0 && graded.earned < graded.possible {
        text.push_str(" capped at 100");
    }
    if graded.deducted > 0.0 {
        let _ = write!(text, " − {}", num(graded.deducted));
        if graded.deducted < graded.deductions_total() {
            let _ = write!(text, " (deductions capped at {})", num(graded.deducted));
        }
    }
    if graded.score == graded.rubric.deductions.floor
        && graded.positive - graded.deducted < graded.score
    {
        let _ = write!(text, ", raised to the floor");
    }
    text
}

pub fn render(out: &mut dyn WriteColor, graded: &Graded) -> io::Result<()> {
    let file = SimpleFile::new(graded.reply.name.as_str(), graded.reply.text.as_str());
    let config = Config::default();
    let emit = |out: &mut dyn WriteColor, report: &Report<()>| {
        term::emit_to_write_style(out, &config, &file, report).map_err(io::Error::other)
    };

    out.set_color(ColorSpec::new().set_bold(true))?;
    write!(out, "{}", graded.reply.name)?;
    out.reset()?;
    writeln!(
        out,
        "  trainee {} · scenario {} · rubric {}",
        trainee_name(graded),
        scenario_name(graded),
        graded.rubric.name
    )?;
    out.set_color(
        ColorSpec::new()
            .set_bold(true)
            .set_fg(Some(score_color(graded.score))),
    )?;
    write!(out, "score {}/100", num(graded.score))?;
    out.reset()?;
    writeln!(out, "  ({})", formula(graded))?;

    // Credited moves in the order the reply makes them.
    let mut credited: Vec<_> = graded.moves.iter().filter(|m| m.found()).collect();
    credited.sort_by_key(|m| (m.spans[0].range.start, m.id.clone()));
    for m in credited {
        let labels = m
            .spans
            .iter()
            .enumerate()
            .map(|(index, span)| {
                if index == 0 {
                    Label::primary((), span.range.clone())
                        .with_message(format!("+{}", num(m.weight)))
                } else {
                    Label::secondary((), span.range.clone()).with_message("also")
                }
            })
            .collect();
        let report = Report::note()
            .with_code(format!("move.{}", m.id))
            .with_message(format!("{} (+{})", m.description, num(m.weight)))
            .with_labels(labels);
        emit(out, &report)?;
    }
    if let Some(order) = &graded.order {
        for rule in &order.rules {
            let (status, detail) = match rule.status {
                OrderStatus::Kept => ("kept", format!("+{}", num(order.credit))),
                OrderStatus::Broken => ("broken", "+0".to_string()),
                OrderStatus::NotApplicable => ("not applicable", "not counted".to_string()),
            };
            let mut report = Report::note()
                .with_message(format!("order {status} ({detail}): {}", rule.description));
            if rule.status == OrderStatus::Broken {
                let mut labels = Vec::new();
                if let Some((id, span)) = &rule.then {
                    labels.push(
                        Label::primary((), span.range.clone())
                            .with_message(format!("{id} comes first")),
                    );
                }
                if let Some((id, span)) = &rule.first {
                    labels.push(
                        Label::secondary((), span.range.clone())
                            .with_message(format!("{id} only here")),
                    );
                }
                report = Report::warning()
                    .with_message(format!(
                        "order broken (+0 of {}): {}",
                        num(order.weight),
                        rule.description
                    ))
                    .with_labels(labels);
            }
            emit(out, &report)?;
        }
    }
    for deduction in &graded.deductions {
        let mut report = Report::new(severity(deduction.severity))
            .with_code(deduction.rule.clone())
            .with_message(format!(
                "{} (−{})",
                deduction.message,
                num(deduction.points)
            ))
            .with_labels(vec![Label::primary((), deduction.span.range.clone())
                .with_message(match &deduction.rewrite {
                    Some(rewrite) => format!("try: {rewrite}"),
                    None => String::new(),
                })]);
        if deduction.rewrite.is_none() {
            report = report.with_notes(vec![format!("category: {}", deduction.category)]);
        }
        emit(out, &report)?;
    }
    let missing: Vec<_> = graded.missing().collect();
    if !missing.is_empty() {
        let notes = missing
            .iter()
            .map(|m| {
                format!(
                    "{} (worth {}, {}): {}",
                    m.id,
                    num(m.weight),
                    m.description,
                    m.suggestion.as_deref().unwrap_or_default()
                )
            })
            .collect();
        let report = Report::help()
            .with_message(format!("missing moves ({})", missing.len()))
            .with_notes(notes);
        emit(out, &report)?;
    }
    writeln!(out)
}

/// Green from 80, yellow from 50, red below.
fn score_color(score: f64) -> Color {
    if score >= 80.0 {
        Color::Green
    } else if score >= 50.0 {
        Color::Yellow
    } else {
        Color::Red
    }
}

/// The closing summary line: replies, class mean and range.
pub fn summary(out: &mut dyn Write, graded: &[Graded]) -> io::Result<()> {
    let summary = crate::grade::class::ClassSummary::of(graded);
    writeln!(
        out,
        "{} replies graded · class mean {} · median {} · range {}–{}",
        summary.replies,
        num(summary.mean),
        num(summary.median),
        num(summary.min),
        num(summary.max)
    )
}
