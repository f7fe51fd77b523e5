//! The hand-graded practice replies in `tests/grading/graded/<lang>.yaml` (see its README):
//! loading them, grading them with the built-in rubrics, and the two measures of
//! `docs/grading.md`: Spearman's rank correlation between scores and hand grades per language,
//! and precision and recall of each move's recognition against the hand-marked `moves`.
//! Shared by `tests/grading_quality.rs` and `examples/grading-quality.rs`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use replylint::grade::{Graded, Grader, Reply};
use replylint::{Linter, Session, Settings};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Scenario {
    pub slug: String,
    pub customer: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GradedReply {
    pub id: String,
    pub lang: String,
    pub scenario: Scenario,
    pub trainee: String,
    pub reply: String,
    pub grade: f64,
    #[serde(default)]
    pub moves: Vec<String>,
    #[serde(default)]
    pub faults: Vec<String>,
    pub rationale: String,
    pub split: String,
}

#[derive(Deserialize)]
struct File {
    replies: Vec<GradedReply>,
}

pub const LANGUAGES: [&str; 3] = ["zh", "en", "lv"];

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/grading/graded")
}

/// Every reply of `<lang>.yaml`, in file order.
pub fn load(language: &str) -> Result<Vec<GradedReply>, String> {
    let path = root().join(format!("{language}.yaml"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file: File =
        serde_saphyr::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(file.replies)
}

/// A hand-graded reply and what replylint made of it.
pub struct Scored {
    pub reply: GradedReply,
    pub graded: Graded,
}

/// Grades every reply of `replies` with the built-in rules and rubrics.
pub fn score(replies: &[GradedReply]) -> Vec<Scored> {
    let session = Session::new(Linter::builtin().unwrap(), Settings::default());
    let grader = Grader::builtin(session.default_profile().unwrap().linter.rules()).unwrap();
    replies
        .iter()
        .map(|r| {
            let reply = Reply {
                trainee: r.trainee.clone(),
                scenario: r.scenario.slug.clone(),
                language: Some(r.lang.clone()),
                ..Reply::new(r.id.clone(), r.reply.clone())
            };
            Scored {
                reply: r.clone(),
                graded: grader.grade(&session, &reply).unwrap(),
            }
        })
        .collect()
}

/// Ranks with ties averaged (1-based).
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &index in &order[i..=j] {
            ranks[index] = rank;
        }
        i = j + 1;
    }
    ranks
}

/// Spearman's rank correlation (Pearson's on the ranks, so ties are handled).
pub fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    if va == 0.0 || vb == 0.0 {
        0.0
    } else {
        cov / (va.sqrt() * vb.sqrt())
    }
}

/// Counts for one move's recognition.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub true_positive: usize,
    pub false_positive: usize,
    pub false_negative: usize,
}

impl Counts {
    pub fn precision(&self) -> Option<f64> {
        let found = self.true_positive + self.false_positive;
        (found > 0).then(|| self.true_positive as f64 / found as f64)
    }
    pub fn recall(&self) -> Option<f64> {
        let real = self.true_positive + self.false_negative;
        (real > 0).then(|| self.true_positive as f64 / real as f64)
    }
    pub fn add(&mut self, other: Counts) {
        self.true_positive += other.true_positive;
        self.false_positive += other.false_positive;
        self.false_negative += other.false_negative;
    }
}

/// Per move id: how its recognition compares with the hand-marked moves.
pub fn move_counts(scored: &[&Scored]) -> BTreeMap<String, Counts> {
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    for s in scored {
        for m in &s.graded.moves {
            let marked = s.reply.moves.contains(&m.id);
            let entry = counts.entry(m.id.clone()).or_default();
            match (m.found(), marked) {
                (true, true) => entry.true_positive += 1,
                (true, false) => entry.false_positive += 1,
                (false, true) => entry.false_negative += 1,
                (false, false) => {}
            }
        }
    }
    counts
}

/// The rank correlation of one group of scored replies.
pub fn correlation(scored: &[&Scored]) -> f64 {
    let ours: Vec<f64> = scored.iter().map(|s| s.graded.score).collect();
    let theirs: Vec<f64> = scored.iter().map(|s| s.reply.grade).collect();
    spearman(&ours, &theirs)
}

#[cfg(test)]
mod tests {
    #[test]
    fn spearman_of_a_monotone_relation_is_one() {
        assert!((super::spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 90.0]) - 1.0).abs() < 1e-9);
        assert!((super::spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-9);
    }
}
