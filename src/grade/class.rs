//! What a class report shows, computed once from the graded replies: the distribution, the
//! trainees × scenarios table, each trainee's most frequent problems and missing moves, and how
//! much of the class shows each move. Every list has a fixed order (counts, then names), so the
//! same replies always give the same report.

use std::collections::BTreeMap;

use super::{round1, Graded};

/// How many problems and missing moves are listed per trainee.
pub const TOP: usize = 3;

/// Ten bins of ten points; the last holds 90 to 100.
pub const BINS: usize = 10;

/// A lint rule that keeps costing a trainee points.
#[derive(Debug, Clone)]
pub struct Problem {
    pub rule: String,
    pub message: String,
    pub count: usize,
    /// The reply and the text of its first occurrence.
    pub example_reply: String,
    pub example_text: String,
    pub rewrite: Option<String>,
}

/// A move a trainee keeps leaving out.
#[derive(Debug, Clone)]
pub struct MissingMove {
    pub id: String,
    pub description: String,
    pub count: usize,
    /// Of how many replies.
    pub of: usize,
    pub example_reply: String,
    pub suggestion: String,
}

#[derive(Debug, Clone)]
pub struct Trainee {
    pub name: String,
    pub mean: f64,
    pub replies: usize,
    /// Scenario → the scores of its replies, in input order.
    pub scores: BTreeMap<String, Vec<f64>>,
    pub problems: Vec<Problem>,
    pub missing: Vec<MissingMove>,
}

/// How much of the class shows a move.
#[derive(Debug, Clone)]
pub struct MoveCoverage {
    pub id: String,
    pub description: String,
    pub shown: usize,
    /// Replies graded by a rubric that has the move.
    pub of: usize,
}

impl MoveCoverage {
    pub fn percent(&self) -> f64 {
        if self.of == 0 {
            0.0
        } else {
            round1(100.0 * self.shown as f64 / self.of as f64)
        }
    }
}

#[derive(Debug, Clone)]
pub struct ClassSummary {
    pub replies: usize,
    pub mean: f64,
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub histogram: [usize; BINS],
    pub scenarios: Vec<String>,
    pub trainees: Vec<Trainee>,
    pub moves: Vec<MoveCoverage>,
}

fn mean(scores: &[f64]) -> f64 {
    if scores.is_empty() {
        0.0
    } else {
        round1(scores.iter().sum::<f64>() / scores.len() as f64)
    }
}

/// The bin of a score: `[0,10)`, …, `[80,90)`, `[90,100]`.
pub fn bin(score: f64) -> usize {
    ((score / 10.0).floor().max(0.0) as usize).min(BINS - 1)
}

/// A trainee's display name (replies read from standard input have none).
pub fn trainee_name(graded: &Graded) -> String {
    if graded.reply.trainee.is_empty() {
        "(unnamed)".to_string()
    } else {
        graded.reply.trainee.clone()
    }
}

/// A reply's scenario for the table (with its session, when there is one).
pub fn scenario_name(graded: &Graded) -> String {
    let scenario = if graded.reply.scenario.is_empty() {
        "(none)"
    } else {
        &graded.reply.scenario
    };
    match &graded.reply.session {
        Some(session) => format!("{session}/{scenario}"),
        None => scenario.to_string(),
    }
}

impl ClassSummary {
    pub fn of(graded: &[Graded]) -> ClassSummary {
        let scores: Vec<f64> = graded.iter().map(|g| g.score).collect();
        let mut sorted = scores.clone();
        sorted.sort_by(f64::total_cmp);
        let median = match sorted.len() {
            0 => 0.0,
            n if n % 2 == 1 => sorted[n / 2],
            n => round1((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
        };
        let mut histogram = [0; BINS];
        for score in &scores {
            histogram[bin(*score)] += 1;
        }
        let mut scenarios: Vec<String> = graded.iter().map(scenario_name).collect();
        scenarios.sort();
        scenarios.dedup();

        let mut by_trainee: BTreeMap<String, Vec<&Graded>> = BTreeMap::new();
        for g in graded {
            by_trainee.entry(trainee_name(g)).or_default().push(g);
        }
        let trainees = by_trainee
            .into_iter()
            .map(|(name, replies)| trainee(name, &replies))
            .collect();

        let mut coverage: BTreeMap<String, MoveCoverage> = BTreeMap::new();
        let mut first_seen: Vec<String> = Vec::new();
        for g in graded {
            for m in &g.moves {
                let entry = coverage.entry(m.id.clone()).or_insert_with(|| {
                    first_seen.push(m.id.clone());
                    MoveCoverage {
                        id: m.id.clone(),
                        description: m.description.clone(),
                        shown: 0,
                        of: 0,
                    }
                });
                entry.of += 1;
                entry.shown += usize::from(m.found());
            }
        }
        let moves = first_seen
            .iter()
            .filter_map(|id| coverage.remove(id))
            .collect();
        ClassSummary {
            replies: graded.len(),
            mean: mean(&scores),
            median,
            min: sorted.first().copied().unwrap_or(0.0),
            max: sorted.last().copied().unwrap_or(0.0),
            histogram,
            scenarios,
            trainees,
            moves,
        }
    }
}

fn trainee(name: String, replies: &[&Graded]) -> Trainee {
    let mut scores: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for g in replies {
        scores.entry(scenario_name(g)).or_default().push(g.score);
    }
    let all: Vec<f64> = replies.iter().map(|g| g.score).collect();

    let mut problems: BTreeMap<String, Problem> = BTreeMap::new();
    for g in replies {
        for d in &g.deductions {
            problems
                .entry(d.rule.clone())
                .and_modify(|p| p.count += 1)
                .or_insert_with(|| Problem {
                    rule: d.rule.clone(),
                    message: d.message.clone(),
                    count: 1,
                    example_reply: g.reply.name.clone(),
                    example_text: d.span.text.clone(),
                    rewrite: d.rewrite.clone(),
                });
        }
    }
    let mut problems: Vec<Problem> = problems.into_values().collect();
    problems.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.rule.cmp(&b.rule)));
    problems.truncate(TOP);

    let mut missing: BTreeMap<String, MissingMove> = BTreeMap::new();
    for g in replies {
        for m in &g.moves {
            let entry = missing.entry(m.id.clone()).or_insert_with(|| MissingMove {
                id: m.id.clone(),
                description: m.description.clone(),
                count: 0,
                of: 0,
                example_reply: String::new(),
                suggestion: String::new(),
            });
            entry.of += 1;
            if !m.found() {
                entry.count += 1;
                if entry.example_reply.is_empty() {
                    entry.example_reply = g.reply.name.clone();
                    entry.suggestion = m.suggestion.clone().unwrap_or_default();
                }
            }
        }
    }
    let mut missing: Vec<MissingMove> = missing.into_values().filter(|m| m.count > 0).collect();
    missing.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.id.cmp(&b.id)));
    missing.truncate(TOP);

    Trainee {
        name,
        mean: mean(&all),
        replies: replies.len(),
        scores,
        problems,
        missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_cover_zero_to_a_hundred() {
        assert_eq!(bin(0.0), 0);
        assert_eq!(bin(9.9), 0);
        assert_eq!(bin(10.0), 1);
        assert_eq!(bin(89.9), 8);
        assert_eq!(bin(90.0), 9);
        assert_eq!(bin(100.0), 9);
    }
}
