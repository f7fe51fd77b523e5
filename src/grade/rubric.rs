//! Rubric files: what a trainer expects of a practice reply, validated with the place of every
//! problem (file, line, column), as rule packs are.
//!
//! The format is documented in `docs/grading.md`. A rubric's moves are recognised by rules built
//! from their phrases and patterns ([`crate::rules::recognizer_rule`]), so a move's phrases take
//! the same `{class}` references, `{…N}` gaps and normalisation as a rule's.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;

use crate::linter::Linter;
use crate::rules::{
    self, ClassesField, PackOrigin, Recognizer, RuleError, RulePack, RuleProblem, RuleSet, Severity,
};
use crate::yaml::{self, Spanned};

/// A problem in a rubric file, pointing at the offending value.
#[derive(Clone, PartialEq)]
pub struct RubricError {
    /// The file as the user should see it named.
    pub origin: String,
    /// The whole text of the file, so the error can be shown with its context.
    pub text: Arc<str>,
    /// Byte range of the offending value in `text`.
    pub span: Range<usize>,
    pub problem: RubricProblem,
}

impl RubricError {
    /// What is wrong, without the place.
    pub fn message(&self) -> String {
        self.problem.to_string()
    }
}

impl fmt::Display for RubricError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, column) = crate::source::line_column(&self.text, self.span.start);
        write!(f, "{}:{line}:{column}: {}", self.origin, self.problem)
    }
}

impl fmt::Debug for RubricError {
    /// The place and the problem, not the whole file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RubricError({self})")
    }
}

impl std::error::Error for RubricError {}

impl From<RuleError> for RubricError {
    fn from(error: RuleError) -> RubricError {
        RubricError {
            origin: error.origin,
            text: error.text,
            span: error.span,
            problem: RubricProblem::Recognition(error.problem),
        }
    }
}

/// What can be wrong with a rubric. The wording lives here and nowhere else.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RubricProblem {
    /// Not YAML, or not shaped like a rubric (the YAML library's own words).
    #[error("{0}")]
    Yaml(String),
    #[error("cannot read rubric: {0}")]
    Io(String),
    #[error("{what} `{name}` must be lowercase letters, digits and `-`, starting with a letter or digit")]
    BadName { what: &'static str, name: String },
    #[error("`{0}` must not be empty")]
    EmptyField(&'static str),
    #[error("a rubric needs at least one move")]
    NoMoves,
    #[error("duplicate move id `{0}`")]
    DuplicateMove(String),
    #[error("`{what}` must be a number from 0 to {max}, not {value}")]
    BadNumber {
        what: &'static str,
        value: f64,
        max: f64,
    },
    #[error("a move's weight must be above 0 (drop the move instead)")]
    ZeroWeight,
    #[error("move `{0}` has neither `phrases` nor `patterns`: nothing could show it")]
    NothingToRecognise(String),
    #[error("move `{0}` needs at least one `suggest` wording for replies that miss it")]
    NoSuggestion(String),
    #[error("unknown move `{0}`; the rubric's moves are: {1}")]
    UnknownMove(String, String),
    #[error("`first` and `then` of an order rule must each name at least one move")]
    EmptyOrderRule,
    #[error("move `{0}` is on both sides of an order rule")]
    OrderSelfReference(String),
    #[error("an `order` with weight 0 would never count; drop it or give it a weight")]
    ZeroOrderWeight,
    #[error("`{0}` is not a score or range: write `85` or `70..90` (0 to 100)")]
    BadScore(String),
    #[error("`deductions.rule`: no rule `{0}` among the rules in effect")]
    UnknownRule(String),
    #[error("`deductions.category`: no rule of category `{0}` among the rules in effect")]
    UnknownCategory(String),
    #[error("`full-marks` must be above 0 (a percentage of the possible points)")]
    ZeroFullMarks,
    #[error("`floor` ({floor}) must be below 100")]
    BadFloor { floor: f64 },
    #[error("rubric `{name}` is already defined in {owner}")]
    DuplicateRubric { name: String, owner: String },
    #[error("in a move's phrases or patterns: {0}")]
    Recognition(RuleProblem),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RubricFile {
    rubric: Spanned<String>,
    language: Spanned<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    scenarios: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    classes: Option<ClassesField>,
    moves: Spanned<Vec<MoveFile>>,
    #[serde(default)]
    order: Option<Spanned<OrderFile>>,
    #[serde(default)]
    deductions: Option<DeductionsFile>,
    #[serde(default)]
    examples: Vec<Spanned<ExampleFile>>,
    #[serde(default, rename = "full-marks")]
    full_marks: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MoveFile {
    id: Spanned<String>,
    weight: Spanned<f64>,
    description: Spanned<String>,
    source: Spanned<String>,
    #[serde(default)]
    phrases: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    patterns: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    exceptions: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    suggest: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrderFile {
    weight: Spanned<f64>,
    source: Spanned<String>,
    rules: Spanned<Vec<Spanned<OrderRuleFile>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrderRuleFile {
    first: Vec<Spanned<String>>,
    then: Vec<Spanned<String>>,
    description: Spanned<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DeductionsFile {
    #[serde(default)]
    severity: Option<SeverityPointsFile>,
    #[serde(default)]
    category: BTreeMap<String, Spanned<f64>>,
    #[serde(default)]
    rule: BTreeMap<String, Spanned<f64>>,
    #[serde(default)]
    max: Option<Spanned<f64>>,
    #[serde(default)]
    floor: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeverityPointsFile {
    #[serde(default)]
    error: Option<Spanned<f64>>,
    #[serde(default)]
    warning: Option<Spanned<f64>>,
    #[serde(default)]
    info: Option<Spanned<f64>>,
    #[serde(default)]
    hint: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExampleFile {
    text: Spanned<String>,
    score: Spanned<ScoreField>,
    #[serde(default)]
    scenario: Option<String>,
    #[serde(default)]
    moves: Vec<Spanned<String>>,
    #[serde(default)]
    missing: Vec<Spanned<String>>,
}

/// `score: 85` or `score: 70..90`.
#[derive(Deserialize)]
#[serde(untagged)]
enum ScoreField {
    Number(f64),
    Text(String),
}

/// One expected move of a rubric.
#[derive(Debug, Clone)]
pub struct Move {
    pub id: String,
    pub weight: f64,
    pub description: String,
    /// Where the move comes from (`<seed file> · <section>` or the team's own reference).
    pub source: String,
    /// The phrases as written (for documentation and `rules test` messages).
    pub phrases: Vec<String>,
    pub patterns: Vec<String>,
    /// Wordings to suggest when a reply lacks the move; the first is shown first.
    pub suggest: Vec<String>,
}

/// A rule of the optional move order: the earliest of `first` must come before the earliest of
/// `then`, when the reply shows at least one of each.
#[derive(Debug, Clone)]
pub struct OrderRule {
    pub first: Vec<String>,
    pub then: Vec<String>,
    pub description: String,
}

/// The optional move order and what it is worth.
#[derive(Debug, Clone)]
pub struct Order {
    pub weight: f64,
    pub source: String,
    pub rules: Vec<OrderRule>,
}

/// Points each lint finding costs: the most specific of rule, category and severity.
#[derive(Debug, Clone)]
pub struct Deductions {
    pub severity: BTreeMap<Severity, f64>,
    pub category: BTreeMap<String, f64>,
    pub rule: BTreeMap<String, f64>,
    /// The most points findings can take off one reply.
    pub max: f64,
    /// The lowest score a reply can get.
    pub floor: f64,
}

impl Default for Deductions {
    fn default() -> Deductions {
        Deductions {
            severity: [
                (Severity::Error, 15.0),
                (Severity::Warning, 8.0),
                (Severity::Info, 4.0),
                (Severity::Hint, 1.0),
            ]
            .into_iter()
            .collect(),
            category: BTreeMap::new(),
            rule: BTreeMap::new(),
            max: 60.0,
            floor: 0.0,
        }
    }
}

impl Deductions {
    /// What one finding of `rule` (with its `category`) at `severity` costs.
    pub fn points(&self, rule: &str, category: &str, severity: Severity) -> f64 {
        self.rule
            .get(rule)
            .or_else(|| self.category.get(category))
            .or_else(|| self.severity.get(&severity))
            .copied()
            .unwrap_or(0.0)
    }
}

/// The score an example expects: a closed range (an exact score is a range of one point).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreRange {
    pub min: f64,
    pub max: f64,
}

impl ScoreRange {
    pub fn contains(&self, score: f64) -> bool {
        // Scores are shown to one decimal; an exact expectation allows that rounding.
        score >= self.min - 0.05 && score <= self.max + 0.05
    }
}

impl fmt::Display for ScoreRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.min == self.max {
            write!(f, "{}", self.min)
        } else {
            write!(f, "{}..{}", self.min, self.max)
        }
    }
}

/// A reply a rubric carries with the score and moves it must get.
#[derive(Debug, Clone)]
pub struct RubricExample {
    pub text: String,
    pub score: ScoreRange,
    pub scenario: Option<String>,
    /// Moves that must be credited.
    pub moves: Vec<String>,
    /// Moves that must be reported missing.
    pub missing: Vec<String>,
    /// Line of the example in the rubric file, for `rules test` messages.
    pub line: usize,
}

/// A validated rubric, with the linter that recognises its moves.
#[derive(Debug, Clone)]
pub struct Rubric {
    pub name: String,
    pub language: String,
    pub description: String,
    /// The scenarios this rubric is for; empty: every scenario of its language.
    pub scenarios: Vec<String>,
    pub moves: Vec<Move>,
    pub order: Option<Order>,
    pub deductions: Deductions,
    /// The share of the possible points, in percent, that already earns 100 before deductions
    /// (`full-marks`, default 100): no reply needs every move of the rubric to be excellent.
    pub full_marks: f64,
    pub examples: Vec<RubricExample>,
    pub origin: String,
    /// Finds the moves: one rule per move's phrases and one per pattern, ids `move.<id>…`.
    pub(crate) recognizer: Linter,
    /// The rubric file's text and where its deduction keys are, checked against the rules in
    /// effect once they are known ([`Rubric::check_against`]).
    text: Arc<str>,
    deduction_spans: Vec<(DeductionKey, Range<usize>)>,
}

#[derive(Debug, Clone)]
enum DeductionKey {
    Rule(String),
    Category(String),
}

/// The rule id prefix under which a move's matches come back.
pub(crate) fn move_of_rule(rule_id: &str) -> Option<&str> {
    let rest = rule_id.strip_prefix("move.")?;
    Some(rest.split('.').next().unwrap_or(rest))
}

fn valid_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

struct Reporter<'a> {
    origin: &'a str,
    text: Arc<str>,
}

impl Reporter<'_> {
    fn error(&self, span: Range<usize>, problem: RubricProblem) -> RubricError {
        let end = span.end.min(self.text.len());
        RubricError {
            origin: self.origin.to_string(),
            text: self.text.clone(),
            span: span.start.min(end)..end,
            problem,
        }
    }

    fn number(
        &self,
        value: &Spanned<f64>,
        what: &'static str,
        max: f64,
    ) -> Result<f64, RubricError> {
        if value.value.is_finite() && (0.0..=max).contains(&value.value) {
            Ok(value.value)
        } else {
            Err(self.error(
                value.span.clone(),
                RubricProblem::BadNumber {
                    what,
                    value: value.value,
                    max,
                },
            ))
        }
    }

    fn not_empty(
        &self,
        value: &Spanned<String>,
        what: &'static str,
    ) -> Result<String, RubricError> {
        let trimmed = value.value.trim();
        if trimmed.is_empty() {
            return Err(self.error(value.span.clone(), RubricProblem::EmptyField(what)));
        }
        Ok(trimmed.to_string())
    }
}

fn parse_score(text: &str) -> Option<ScoreRange> {
    let number = |part: &str| {
        part.trim()
            .parse::<f64>()
            .ok()
            .filter(|value| (0.0..=100.0).contains(value))
    };
    let range = match text.split_once("..") {
        Some((min, max)) => ScoreRange {
            min: number(min)?,
            max: number(max)?,
        },
        None => {
            let exact = number(text)?;
            ScoreRange {
                min: exact,
                max: exact,
            }
        }
    };
    (range.min <= range.max).then_some(range)
}

/// Parses and validates one rubric file. `origin` names it in errors.
pub fn load_rubric(text: &str, origin: &str) -> Result<Rubric, RubricError> {
    let reporter = Reporter {
        origin,
        text: Arc::from(text),
    };
    let file: RubricFile = yaml::from_str(text).map_err(|error| {
        let offset = error.offset.unwrap_or(0).min(text.len());
        let end = text[offset..]
            .chars()
            .next()
            .map_or(offset, |c| offset + c.len_utf8());
        reporter.error(offset..end, RubricProblem::Yaml(error.message))
    })?;

    let name = file.rubric.value.trim().to_string();
    if !valid_name(&name) {
        return Err(reporter.error(
            file.rubric.span.clone(),
            RubricProblem::BadName {
                what: "rubric name",
                name,
            },
        ));
    }
    let language = reporter.not_empty(&file.language, "language")?;
    let scenarios = file
        .scenarios
        .iter()
        .flatten()
        .map(|scenario| reporter.not_empty(scenario, "scenario"))
        .collect::<Result<Vec<_>, _>>()?;
    let classes = rules::rubric_classes(text, origin, &language, file.classes.as_ref())?;

    if file.moves.value.is_empty() {
        return Err(reporter.error(file.moves.span.clone(), RubricProblem::NoMoves));
    }
    let mut moves = Vec::with_capacity(file.moves.value.len());
    let mut recognizers = Vec::new();
    let mut seen = HashSet::new();
    let pack_name = format!("rubric-{name}");
    for raw in &file.moves.value {
        let id = raw.id.value.trim().to_string();
        if !valid_name(&id) {
            return Err(reporter.error(
                raw.id.span.clone(),
                RubricProblem::BadName {
                    what: "move id",
                    name: id,
                },
            ));
        }
        if !seen.insert(id.clone()) {
            return Err(reporter.error(raw.id.span.clone(), RubricProblem::DuplicateMove(id)));
        }
        let weight = reporter.number(&raw.weight, "weight", 1000.0)?;
        if weight == 0.0 {
            return Err(reporter.error(raw.weight.span.clone(), RubricProblem::ZeroWeight));
        }
        let description = reporter.not_empty(&raw.description, "description")?;
        let source = reporter.not_empty(&raw.source, "source")?;
        let patterns = raw.patterns.as_deref().unwrap_or_default();
        let has_phrases = raw
            .phrases
            .as_ref()
            .is_some_and(|phrases| !phrases.value.is_empty());
        if !has_phrases && patterns.is_empty() {
            return Err(reporter.error(raw.id.span.clone(), RubricProblem::NothingToRecognise(id)));
        }
        let suggest: Vec<String> = raw
            .suggest
            .iter()
            .map(|text| text.trim().to_string())
            .filter(|text| !text.is_empty())
            .collect();
        if suggest.is_empty() {
            return Err(reporter.error(raw.id.span.clone(), RubricProblem::NoSuggestion(id)));
        }
        if has_phrases {
            recognizers.push(rules::recognizer_rule(
                text,
                origin,
                &pack_name,
                &language,
                &classes,
                Recognizer {
                    id: format!("move.{id}"),
                    span: raw.id.span.clone(),
                    phrases: raw.phrases.as_ref(),
                    pattern: None,
                    exceptions: raw.exceptions.as_deref(),
                    message: description.clone(),
                    source: source.clone(),
                },
            )?);
        }
        for (index, pattern) in patterns.iter().enumerate() {
            recognizers.push(rules::recognizer_rule(
                text,
                origin,
                &pack_name,
                &language,
                &classes,
                Recognizer {
                    id: format!("move.{id}.pattern-{}", index + 1),
                    span: raw.id.span.clone(),
                    phrases: None,
                    pattern: Some(pattern),
                    exceptions: raw.exceptions.as_deref(),
                    message: description.clone(),
                    source: source.clone(),
                },
            )?);
        }
        moves.push(Move {
            id,
            weight,
            description,
            source,
            phrases: raw
                .phrases
                .iter()
                .flat_map(|phrases| &phrases.value)
                .map(|phrase| phrase.value.clone())
                .collect(),
            patterns: patterns
                .iter()
                .map(|pattern| pattern.value.clone())
                .collect(),
            suggest,
        });
    }
    let move_ids: Vec<&str> = moves.iter().map(|m| m.id.as_str()).collect();
    let known = |reference: &Spanned<String>| -> Result<String, RubricError> {
        let id = reference.value.trim();
        if move_ids.contains(&id) {
            Ok(id.to_string())
        } else {
            Err(reporter.error(
                reference.span.clone(),
                RubricProblem::UnknownMove(id.to_string(), move_ids.join(", ")),
            ))
        }
    };

    let order = match &file.order {
        None => None,
        Some(order) => {
            let weight = reporter.number(&order.value.weight, "order.weight", 1000.0)?;
            if weight == 0.0 {
                return Err(reporter.error(
                    order.value.weight.span.clone(),
                    RubricProblem::ZeroOrderWeight,
                ));
            }
            let source = reporter.not_empty(&order.value.source, "order.source")?;
            if order.value.rules.value.is_empty() {
                return Err(reporter.error(
                    order.value.rules.span.clone(),
                    RubricProblem::EmptyField("order.rules"),
                ));
            }
            let mut rules = Vec::new();
            for rule in &order.value.rules.value {
                if rule.value.first.is_empty() || rule.value.then.is_empty() {
                    return Err(reporter.error(rule.span.clone(), RubricProblem::EmptyOrderRule));
                }
                let first = rule
                    .value
                    .first
                    .iter()
                    .map(known)
                    .collect::<Result<Vec<_>, _>>()?;
                let mut then = Vec::new();
                for reference in &rule.value.then {
                    let id = known(reference)?;
                    if first.contains(&id) {
                        return Err(reporter.error(
                            reference.span.clone(),
                            RubricProblem::OrderSelfReference(id),
                        ));
                    }
                    then.push(id);
                }
                rules.push(OrderRule {
                    first,
                    then,
                    description: reporter.not_empty(&rule.value.description, "description")?,
                });
            }
            Some(Order {
                weight,
                source,
                rules,
            })
        }
    };

    let mut deductions = Deductions::default();
    let mut deduction_spans = Vec::new();
    if let Some(raw) = &file.deductions {
        if let Some(severity) = &raw.severity {
            for (level, value) in [
                (Severity::Error, &severity.error),
                (Severity::Warning, &severity.warning),
                (Severity::Info, &severity.info),
                (Severity::Hint, &severity.hint),
            ] {
                if let Some(value) = value {
                    deductions
                        .severity
                        .insert(level, reporter.number(value, "deductions.severity", 100.0)?);
                }
            }
        }
        for (category, value) in &raw.category {
            let points = reporter.number(value, "deductions.category", 100.0)?;
            deductions.category.insert(category.clone(), points);
            deduction_spans.push((DeductionKey::Category(category.clone()), value.span.clone()));
        }
        for (rule, value) in &raw.rule {
            let points = reporter.number(value, "deductions.rule", 100.0)?;
            deductions.rule.insert(rule.clone(), points);
            deduction_spans.push((DeductionKey::Rule(rule.clone()), value.span.clone()));
        }
        if let Some(max) = &raw.max {
            deductions.max = reporter.number(max, "deductions.max", 100.0)?;
        }
        if let Some(floor) = &raw.floor {
            deductions.floor = reporter.number(floor, "deductions.floor", 100.0)?;
            if deductions.floor >= 100.0 {
                return Err(reporter.error(
                    floor.span.clone(),
                    RubricProblem::BadFloor {
                        floor: deductions.floor,
                    },
                ));
            }
        }
    }

    let mut examples = Vec::new();
    for example in &file.examples {
        let raw = &example.value;
        let score_text = match &raw.score.value {
            ScoreField::Number(number) => number.to_string(),
            ScoreField::Text(text) => text.clone(),
        };
        let score = parse_score(&score_text).ok_or_else(|| {
            reporter.error(raw.score.span.clone(), RubricProblem::BadScore(score_text))
        })?;
        let text_value = reporter.not_empty(&raw.text, "text")?;
        examples.push(RubricExample {
            text: text_value,
            score,
            scenario: raw.scenario.clone(),
            moves: raw.moves.iter().map(known).collect::<Result<_, _>>()?,
            missing: raw.missing.iter().map(known).collect::<Result<_, _>>()?,
            line: crate::source::line_column(text, example.span.start).0,
        });
    }

    let full_marks = match &file.full_marks {
        Some(value) => {
            let percent = reporter.number(value, "full-marks", 100.0)?;
            if percent == 0.0 {
                return Err(reporter.error(value.span.clone(), RubricProblem::ZeroFullMarks));
            }
            percent
        }
        None => 100.0,
    };

    let mut set = RuleSet::default();
    set.add(RulePack::internal(
        pack_name,
        language.clone(),
        PackOrigin::File(origin.into()),
        recognizers,
    ))?;
    Ok(Rubric {
        name,
        language,
        description: file.description.unwrap_or_default().trim().to_string(),
        scenarios,
        moves,
        order,
        deductions,
        full_marks,
        examples,
        origin: origin.to_string(),
        recognizer: Linter::new(set),
        text: reporter.text.clone(),
        deduction_spans,
    })
}

impl Rubric {
    /// Checks the rubric's per-rule and per-category deductions against the rules a run
    /// lints with, so that a misspelt rule id is an error rather than a deduction that never
    /// applies.
    pub fn check_against(&self, rules: &RuleSet) -> Result<(), RubricError> {
        for (key, span) in &self.deduction_spans {
            let problem = match key {
                DeductionKey::Rule(id) if rules.rule(id).is_none() => {
                    RubricProblem::UnknownRule(id.clone())
                }
                DeductionKey::Category(category)
                    if !rules.rules().any(|rule| rule.category == *category) =>
                {
                    RubricProblem::UnknownCategory(category.clone())
                }
                _ => continue,
            };
            return Err(RubricError {
                origin: self.origin.clone(),
                text: self.text.clone(),
                span: span.clone(),
                problem,
            });
        }
        Ok(())
    }

    /// The total of the move weights and the order weight: what a perfect reply earns.
    pub fn possible(&self) -> f64 {
        self.moves.iter().map(|m| m.weight).sum::<f64>()
            + self.order.as_ref().map_or(0.0, |order| order.weight)
    }

    pub fn move_by_id(&self, id: &str) -> Option<&Move> {
        self.moves.iter().find(|m| m.id == id)
    }

    /// Whether this rubric is for `scenario` (a rubric without scenarios is for all).
    pub fn covers(&self, scenario: &str) -> bool {
        self.scenarios.is_empty() || self.scenarios.iter().any(|s| s == scenario)
    }
}
