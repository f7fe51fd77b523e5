//! Grading practice replies against a trainer's rubric: moves credited, lint findings deducted,
//! and a 0–100 score in which every point traces to a move or a rule and a span of the reply.
//!
//! A [`Rubric`] lists the moves a good reply makes (apologise, acknowledge the feeling, take
//! ownership, a concrete time, …), each recognised by phrases and patterns compiled into an
//! internal rule pack, so recognition shares the lint engine's normalisation (Simplified and
//! Traditional, full width, case), word classes, gaps and automaton. Deductions are the lint
//! findings of a [`crate::Session`], so a run's config files, selection and suppressions apply
//! to grading as they do to `check`. The formula is in `docs/grading.md`.
//!
//! ```
//! use replylint::grade::{Grader, Reply};
//! use replylint::{Linter, Session, Settings};
//!
//! let session = Session::new(Linter::builtin()?, Settings::default());
//! let grader = Grader::builtin(session.default_profile()?.linter.rules())?;
//! let reply = Reply::new("t1/late.txt", "王先生,非常抱歉让您久等了。我理解您的着急,我会在2小时内回复您。");
//! let graded = grader.grade(&session, &reply)?;
//! assert!(graded.found("apology").is_some());
//! assert!(graded.missing().any(|m| m.id == "thanks"));
//! assert!(graded.score > 0.0 && graded.score <= 100.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod builtin;
pub mod class;
pub mod replies;
pub mod report;
mod rubric;

use std::ops::Range;
use std::sync::Arc;

pub use replies::{PathPattern, Reply, ReplyError};
pub use rubric::{
    load_rubric, Deductions, Move, Order, OrderRule, Rubric, RubricError, RubricExample,
    RubricProblem, ScoreRange,
};

use crate::config::ProfileError;
use crate::diagnostic::Diagnostic;
use crate::normalize::script::{self, ChineseScript, ScriptEvidence};
use crate::rules::{RuleSet, Severity};
use crate::session::Session;
use crate::source::Source;

/// The rubrics of a run: the user's (`--rubric`), then the built-in defaults per language.
#[derive(Debug, Clone)]
pub struct Grader {
    rubrics: Vec<Arc<Rubric>>,
}

/// Why a reply could not be graded.
#[derive(Debug, thiserror::Error)]
pub enum GradeError {
    #[error("no rubric for language `{language}` (scenario `{scenario}`); give one with --rubric")]
    NoRubric { language: String, scenario: String },
    #[error(transparent)]
    Profile(#[from] Arc<ProfileError>),
}

impl Grader {
    /// The built-in rubrics (zh, en, lv), checked against `rules`.
    pub fn builtin(rules: &RuleSet) -> Result<Grader, RubricError> {
        Grader::new(Vec::new(), rules)
    }

    /// `rubrics` first (a rubric for a reply's scenario wins over one for every scenario), then
    /// the built-in ones; the deductions of `rubrics` are checked against `rules`, so that a
    /// misspelt rule id or category is an error.
    pub fn new(rubrics: Vec<Rubric>, rules: &RuleSet) -> Result<Grader, RubricError> {
        let mut all: Vec<Arc<Rubric>> = Vec::new();
        for rubric in rubrics.into_iter().chain(builtin::rubrics()?) {
            if let Some(owner) = all.iter().find(|known| known.name == rubric.name) {
                if owner.origin.starts_with(builtin::ORIGIN_PREFIX)
                    || !rubric.origin.starts_with(builtin::ORIGIN_PREFIX)
                {
                    if rubric.origin.starts_with(builtin::ORIGIN_PREFIX) {
                        // A user's rubric of the same name replaces the built-in one.
                        continue;
                    }
                    return Err(RubricError {
                        origin: rubric.origin.clone(),
                        text: Arc::from(""),
                        span: 0..0,
                        problem: RubricProblem::DuplicateRubric {
                            name: rubric.name.clone(),
                            owner: owner.origin.clone(),
                        },
                    });
                }
            }
            // The built-in rubrics name categories of the built-in packs; a run with other
            // packs simply has no findings in them, which is not the user's mistake.
            if !rubric.origin.starts_with(builtin::ORIGIN_PREFIX) {
                rubric.check_against(rules)?;
            }
            all.push(Arc::new(rubric));
        }
        Ok(Grader { rubrics: all })
    }

    pub fn rubrics(&self) -> &[Arc<Rubric>] {
        &self.rubrics
    }

    /// The rubric for a reply: the first for its language and scenario, else the first for its
    /// language and every scenario.
    pub fn rubric_for(&self, language: &str, scenario: &str) -> Option<&Arc<Rubric>> {
        let base = |lang: &str| lang.split('-').next().unwrap_or(lang).to_string();
        let language = base(language);
        let of_language = |rubric: &&Arc<Rubric>| base(&rubric.language) == language;
        self.rubrics
            .iter()
            .filter(of_language)
            .find(|rubric| !rubric.scenarios.is_empty() && rubric.covers(scenario))
            .or_else(|| {
                self.rubrics
                    .iter()
                    .filter(of_language)
                    .find(|rubric| rubric.scenarios.is_empty())
            })
    }

    /// Grades one reply: its findings under the session's profile for it, its moves under its
    /// rubric.
    pub fn grade(&self, session: &Session, reply: &Reply) -> Result<Graded, GradeError> {
        let source = Source::new(reply.name.clone(), reply.text.clone());
        let profile = match &reply.input {
            Some(input) => session.profile_for(input)?,
            None => session.default_profile()?,
        };
        let findings = profile
            .filters
            .apply_to(
                &source,
                profile.linter.rules(),
                profile.linter.find(&source),
            )
            .diagnostics;
        self.grade_with(reply, &findings)
    }

    /// Grades one reply given its lint findings (from any [`Session`] or [`crate::Linter`]).
    pub fn grade_with(&self, reply: &Reply, findings: &[Diagnostic]) -> Result<Graded, GradeError> {
        let language = reply
            .language
            .clone()
            .unwrap_or_else(|| detect_language(&reply.text).to_string());
        let rubric = self
            .rubric_for(&language, &reply.scenario)
            .ok_or_else(|| GradeError::NoRubric {
                language: language.clone(),
                scenario: reply.scenario.clone(),
            })?
            .clone();
        Ok(score(reply, language, rubric, findings))
    }

    /// Grades a reply under a given rubric, whatever its language.
    pub fn grade_under(
        &self,
        rubric: &Arc<Rubric>,
        reply: &Reply,
        findings: &[Diagnostic],
    ) -> Graded {
        let language = reply
            .language
            .clone()
            .unwrap_or_else(|| rubric.language.clone());
        score(reply, language, rubric.clone(), findings)
    }

    /// Checks a rubric's own examples (score range, moves credited and missing) and that each
    /// move's suggested wordings show the move, through `session`'s rules; what failed, in
    /// rubric order.
    pub fn test_rubric(
        &self,
        session: &Session,
        rubric: &Arc<Rubric>,
    ) -> Result<RubricTest, GradeError> {
        let mut test = RubricTest::default();
        let profile = session.default_profile()?;
        let findings = |text: &str| {
            let source = Source::new("<example>", text);
            profile
                .filters
                .apply_to(
                    &source,
                    profile.linter.rules(),
                    profile.linter.find(&source),
                )
                .diagnostics
        };
        for example in &rubric.examples {
            test.examples += 1;
            let reply = Reply {
                scenario: example.scenario.clone().unwrap_or_default(),
                ..Reply::new(
                    format!("{}:{}", rubric.origin, example.line),
                    example.text.clone(),
                )
            };
            let graded = self.grade_under(rubric, &reply, &findings(&example.text));
            let mut problems = Vec::new();
            if !example.score.contains(graded.score) {
                problems.push(format!(
                    "scored {} ({}), expected {}",
                    report::num(graded.score),
                    report::terminal::formula(&graded),
                    example.score
                ));
            }
            for id in &example.moves {
                if graded.found(id).is_none() {
                    problems.push(format!("move `{id}` not recognised"));
                }
            }
            for id in &example.missing {
                if graded.found(id).is_some() {
                    problems.push(format!("move `{id}` recognised, expected missing"));
                }
            }
            for problem in problems {
                test.failures.push(format!(
                    "{}:{}: {problem}: {}",
                    rubric.origin, example.line, example.text
                ));
            }
        }
        for m in &rubric.moves {
            for wording in &m.suggest {
                test.examples += 1;
                let graded =
                    self.grade_under(rubric, &Reply::new("<suggestion>", wording.clone()), &[]);
                if graded.found(&m.id).is_none() {
                    test.failures.push(format!(
                        "{}: move `{}`: its suggestion does not show the move: {wording}",
                        rubric.origin, m.id
                    ));
                }
                let flagged: Vec<String> = findings(wording)
                    .into_iter()
                    .filter(|d| d.severity >= Severity::Warning)
                    .map(|d| d.rule.id.to_string())
                    .collect();
                if !flagged.is_empty() {
                    test.failures.push(format!(
                        "{}: move `{}`: its suggestion is flagged by {}: {wording}",
                        rubric.origin,
                        m.id,
                        flagged.join(", ")
                    ));
                }
            }
        }
        Ok(test)
    }
}

/// What [`Grader::test_rubric`] found.
#[derive(Debug, Clone, Default)]
pub struct RubricTest {
    /// Examples and suggestions checked.
    pub examples: usize,
    /// One line per failure, naming the rubric file and line.
    pub failures: Vec<String>,
}

/// Where a credit or deduction is in the reply: byte offsets and the text there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub range: Range<usize>,
    pub text: String,
}

/// One move of the rubric and what the reply did about it.
#[derive(Debug, Clone)]
pub struct MoveResult {
    pub id: String,
    pub description: String,
    pub weight: f64,
    /// Every place the move shows, in order; empty when it is missing.
    pub spans: Vec<Span>,
    /// For a missing move: the rubric's first suggestion, in the writer's Chinese script.
    pub suggestion: Option<String>,
}

impl MoveResult {
    pub fn found(&self) -> bool {
        !self.spans.is_empty()
    }
}

/// Whether one order rule held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderStatus {
    Kept,
    Broken,
    /// The reply lacks every move on one side, so the rule says nothing.
    NotApplicable,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Kept => "kept",
            OrderStatus::Broken => "broken",
            OrderStatus::NotApplicable => "not-applicable",
        }
    }
}

#[derive(Debug, Clone)]
pub struct OrderRuleResult {
    pub description: String,
    pub status: OrderStatus,
    /// The earliest move of each side, when found: (move id, span).
    pub first: Option<(String, Span)>,
    pub then: Option<(String, Span)>,
}

#[derive(Debug, Clone)]
pub struct OrderResult {
    pub weight: f64,
    pub credit: f64,
    pub rules: Vec<OrderRuleResult>,
}

impl OrderResult {
    /// Whether any rule applied; if none did, the order is left out of the possible points.
    pub fn applicable(&self) -> bool {
        self.rules
            .iter()
            .any(|rule| rule.status != OrderStatus::NotApplicable)
    }
}

/// One lint finding and what it cost.
#[derive(Debug, Clone)]
pub struct Deduction {
    pub rule: String,
    pub category: String,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// The rule's first rewrite or suggestion, if it has one.
    pub rewrite: Option<String>,
    pub points: f64,
}

/// A graded reply.
#[derive(Debug, Clone)]
pub struct Graded {
    pub reply: Reply,
    pub language: String,
    pub rubric: Arc<Rubric>,
    /// Every move of the rubric, in rubric order.
    pub moves: Vec<MoveResult>,
    pub order: Option<OrderResult>,
    pub deductions: Vec<Deduction>,
    /// Points the moves and order earned, and the most they could.
    pub earned: f64,
    pub possible: f64,
    /// `100 × earned / (possible × full-marks %)`, at most 100: the score before deductions.
    pub positive: f64,
    /// Points taken off: the deductions' sum, capped at the rubric's `max`.
    pub deducted: f64,
    /// The final score, 0–100, to one decimal.
    pub score: f64,
}

impl Graded {
    /// The result of a move the reply shows.
    pub fn found(&self, id: &str) -> Option<&MoveResult> {
        self.moves.iter().find(|m| m.id == id && m.found())
    }

    pub fn missing(&self) -> impl Iterator<Item = &MoveResult> {
        self.moves.iter().filter(|m| !m.found())
    }

    /// Sum of the deductions before the cap.
    pub fn deductions_total(&self) -> f64 {
        self.deductions.iter().map(|d| d.points).sum::<f64>() + 0.0
    }
}

/// Rounds to one decimal, the precision scores are shown with.
pub fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

fn span_of(text: &str, range: Range<usize>) -> Span {
    Span {
        text: text.get(range.clone()).unwrap_or_default().to_string(),
        range,
    }
}

fn score(reply: &Reply, language: String, rubric: Arc<Rubric>, findings: &[Diagnostic]) -> Graded {
    let text = &reply.text;
    let source = Source::new(reply.name.clone(), text.clone());
    let mut found: Vec<(String, Range<usize>)> = rubric
        .recognizer
        .find(&source)
        .into_iter()
        .filter_map(|diagnostic| {
            rubric::move_of_rule(&diagnostic.rule.id)
                .map(|id| (id.to_string(), diagnostic.span.clone()))
        })
        .collect();
    found.sort_by(|a, b| (a.1.start, a.1.end, &a.0).cmp(&(b.1.start, b.1.end, &b.0)));
    found.dedup();
    let traditional = rubric.language.starts_with("zh")
        && ScriptEvidence::of(text).verdict() == Some(ChineseScript::Traditional);

    let moves: Vec<MoveResult> = rubric
        .moves
        .iter()
        .map(|m| {
            let mut spans: Vec<Span> = Vec::new();
            for (_, range) in found.iter().filter(|(id, _)| *id == m.id) {
                // Overlapping matches of one move (a phrase and a pattern) are one place.
                if spans
                    .last()
                    .is_some_and(|last| last.range.end > range.start)
                {
                    continue;
                }
                spans.push(span_of(text, range.clone()));
            }
            let suggestion = spans.is_empty().then(|| {
                let first = m.suggest[0].clone();
                if traditional {
                    script::to_traditional(&first)
                } else {
                    first
                }
            });
            MoveResult {
                id: m.id.clone(),
                description: m.description.clone(),
                weight: m.weight,
                spans,
                suggestion,
            }
        })
        .collect();

    let earliest = |ids: &[String]| -> Option<(String, Span)> {
        ids.iter()
            .filter_map(|id| {
                let result = moves.iter().find(|m| m.id == *id)?;
                result.spans.first().map(|span| (id.clone(), span.clone()))
            })
            .min_by_key(|(id, span)| (span.range.start, id.clone()))
    };
    let order = rubric.order.as_ref().map(|order| {
        let rules: Vec<OrderRuleResult> = order
            .rules
            .iter()
            .map(|rule| {
                let first = earliest(&rule.first);
                let then = earliest(&rule.then);
                let status = match (&first, &then) {
                    (Some((_, a)), Some((_, b))) if a.range.start < b.range.start => {
                        OrderStatus::Kept
                    }
                    (Some(_), Some(_)) => OrderStatus::Broken,
                    _ => OrderStatus::NotApplicable,
                };
                OrderRuleResult {
                    description: rule.description.clone(),
                    status,
                    first,
                    then,
                }
            })
            .collect();
        let applicable = rules
            .iter()
            .filter(|rule| rule.status != OrderStatus::NotApplicable)
            .count();
        let kept = rules
            .iter()
            .filter(|rule| rule.status == OrderStatus::Kept)
            .count();
        let credit = if applicable == 0 {
            0.0
        } else {
            order.weight * kept as f64 / applicable as f64
        };
        OrderResult {
            weight: order.weight,
            credit,
            rules,
        }
    });

    let deductions: Vec<Deduction> = findings
        .iter()
        .map(|finding| Deduction {
            rule: finding.rule.id.to_string(),
            category: finding.rule.category.to_string(),
            severity: finding.severity,
            message: finding.message.clone(),
            span: span_of(text, finding.span.clone()),
            rewrite: finding
                .suggestions
                .first()
                .or_else(|| finding.alternatives.first())
                .cloned(),
            points: rubric.deductions.points(
                &finding.rule.id,
                &finding.rule.category,
                finding.severity,
            ),
        })
        .collect();

    let mut earned: f64 = moves
        .iter()
        .filter(|m| m.found())
        .map(|m| m.weight)
        .sum::<f64>()
        + 0.0;
    let mut possible: f64 = rubric.moves.iter().map(|m| m.weight).sum::<f64>() + 0.0;
    if let Some(order) = order.as_ref().filter(|order| order.applicable()) {
        earned += order.credit;
        possible += order.weight;
    }
    let positive = if possible > 0.0 {
        (100.0 * earned / (possible * rubric.full_marks / 100.0)).min(100.0)
    } else {
        0.0
    };
    // `+ 0.0`: the sum of nothing is −0, which would print as `-0`.
    let total: f64 = deductions.iter().map(|d| d.points).sum::<f64>() + 0.0;
    let deducted = total.min(rubric.deductions.max);
    let score = round1((positive - deducted).clamp(rubric.deductions.floor, 100.0));
    Graded {
        reply: reply.clone(),
        language,
        rubric,
        moves,
        order,
        deductions,
        earned,
        possible,
        positive,
        deducted,
        score,
    }
}

/// The language of a reply, for choosing its rubric: `zh` when Han characters make up a good
/// part of its letters, `lv` when it has Latvian letters or words, otherwise `en`.
pub fn detect_language(text: &str) -> &'static str {
    let mut han = 0usize;
    let mut letters = 0usize;
    let mut latvian = 0usize;
    for c in text.chars() {
        if matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
        {
            han += 1;
            letters += 1;
        } else if c.is_alphabetic() {
            letters += 1;
            if "āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ".contains(c) {
                latvian += 1;
            }
        }
    }
    if han > 0 && han * 5 >= letters {
        return "zh";
    }
    if latvian > 0 {
        return "lv";
    }
    let lower = text.to_lowercase();
    const LATVIAN_WORDS: [&str; 6] = ["paldies", "lūdzu", "ludzu", "jums", "mēs", "atvainojam"];
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect();
    if words
        .iter()
        .any(|word| LATVIAN_WORDS.iter().any(|lv| word.starts_with(lv)))
    {
        return "lv";
    }
    "en"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_told_apart() {
        assert_eq!(detect_language("非常抱歉,我们马上处理。"), "zh");
        assert_eq!(detect_language("非常抱歉讓您久等了"), "zh");
        assert_eq!(detect_language("Sorry for the wait, Anna."), "en");
        assert_eq!(detect_language("Atvainojamies par kavēšanos."), "lv");
        assert_eq!(detect_language("Paldies par paciecibu"), "lv");
        assert_eq!(detect_language("订单 ABC-12345 已发货"), "zh");
    }
}
