//! The built-in rubrics against the hand-graded practice replies (tests/grading/graded/): the
//! rank correlation per language and the move recognition precision must not fall below what
//! docs/grading.md reports (less a small margin), on either half. Numbers and how they were
//! obtained: `cargo run --example grading-quality -- --markdown`.

mod support;

#[path = "support/graded_set.rs"]
mod graded_set;

use graded_set::{correlation, load, move_counts, score, Counts, Scored, LANGUAGES};

/// (language, split, lowest rank correlation accepted).
const CORRELATION_FLOORS: [(&str, &str, f64); 6] = [
    ("zh", "dev", 0.85),
    ("zh", "holdout", 0.78),
    ("en", "dev", 0.90),
    ("en", "holdout", 0.88),
    ("lv", "dev", 0.85),
    ("lv", "holdout", 0.75),
];

#[test]
fn scores_rank_replies_as_the_hand_grades_do() {
    let mut all: Vec<Scored> = Vec::new();
    for language in LANGUAGES {
        all.extend(score(&load(language).unwrap()));
    }
    assert_eq!(
        all.len(),
        96,
        "the graded set holds 40 zh, 40 en and 16 lv replies"
    );
    let mut failures = Vec::new();
    for (language, split, floor) in CORRELATION_FLOORS {
        let group: Vec<&Scored> = all
            .iter()
            .filter(|s| s.reply.lang.starts_with(language) && s.reply.split == split)
            .collect();
        let rho = correlation(&group);
        if rho < floor {
            failures.push(format!(
                "{language} {split}: rank correlation {rho:.2} < {floor}"
            ));
        }
    }
    for split in ["dev", "holdout"] {
        let group: Vec<&Scored> = all.iter().filter(|s| s.reply.split == split).collect();
        let mut total = Counts::default();
        for counts in move_counts(&group).values() {
            total.add(*counts);
        }
        let precision = total.precision().unwrap();
        if precision < 0.90 {
            failures.push(format!("{split}: move precision {precision:.2} < 0.90"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
