//! Rule self-tests: every rule's own examples, run through the real engine.
//!
//! Examples are checked with every loaded rule active, because that is how rules meet real
//! text: a longer phrase of another rule can shadow a shorter one, and a test in isolation would
//! not show it.

use std::fmt;

use crate::rules::{Rule, Severity};
use crate::Linter;

/// What kind of example failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleKind {
    /// A `bad` example that the rule did not fire on.
    Bad,
    /// A `good` example that the rule fired on.
    Good,
    /// A recommended wording (a rewrite or an `instead` text) that some rule of the same
    /// language flags at warning or above.
    Recommended,
    /// A `bad` example with the rule's fix put in place, which some rule of the same language
    /// flags at warning or above where the rewrite landed: the fix would trade one finding for
    /// another.
    FixedInPlace,
}

/// One example that did not behave as its rule says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    pub rule: String,
    pub origin: String,
    pub kind: ExampleKind,
    pub text: String,
    /// The rules that fired, for `Good` and `Recommended` failures.
    pub fired: Vec<String>,
}

impl fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ExampleKind::Bad => write!(
                f,
                "{}: {}: bad example does not fire: {:?}",
                self.origin, self.rule, self.text
            ),
            ExampleKind::Good => write!(
                f,
                "{}: {}: good example fires: {:?}",
                self.origin, self.rule, self.text
            ),
            ExampleKind::Recommended => write!(
                f,
                "{}: {}: recommended wording {:?} is flagged by {}",
                self.origin,
                self.rule,
                self.text,
                self.fired.join(", ")
            ),
            ExampleKind::FixedInPlace => write!(
                f,
                "{}: {}: the fix of a bad example reads {:?}, which {} flags",
                self.origin,
                self.rule,
                self.text,
                self.fired.join(", ")
            ),
        }
    }
}

/// Totals of a self-test run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelfTestReport {
    pub rules: usize,
    pub examples: usize,
    pub failures: Vec<ExampleFailure>,
}

/// Runs the examples of every rule for which `include` is true.
pub fn run(linter: &Linter, include: impl Fn(&Rule) -> bool) -> SelfTestReport {
    let mut report = SelfTestReport::default();
    for pack in &linter.rules().packs {
        for rule in pack.rules.iter().filter(|rule| include(rule)) {
            report.rules += 1;
            let origin = pack.origin.to_string();
            let failure = |kind, text: &str, fired: Vec<String>| ExampleFailure {
                rule: rule.id.to_string(),
                origin: origin.clone(),
                kind,
                text: text.to_string(),
                fired,
            };
            for text in &rule.examples.bad {
                report.examples += 1;
                let diagnostics = linter.check_text(text);
                let Some(finding) = diagnostics.iter().find(|d| d.rule.id == rule.id) else {
                    report
                        .failures
                        .push(failure(ExampleKind::Bad, text, Vec::new()));
                    continue;
                };
                if let Some((fixed, flagged)) = flagged_after_fix(linter, rule, text, finding) {
                    report
                        .failures
                        .push(failure(ExampleKind::FixedInPlace, &fixed, flagged));
                }
            }
            for text in &rule.examples.good {
                report.examples += 1;
                let fired = fired_ids(linter, text);
                if fired.iter().any(|id| *id == rule.id) {
                    report
                        .failures
                        .push(failure(ExampleKind::Good, text, fired));
                }
            }
            for text in recommended_wordings(rule) {
                report.examples += 1;
                let flagged: Vec<String> = linter
                    .check_text(&text)
                    .into_iter()
                    .filter(|diagnostic| {
                        diagnostic.severity >= Severity::Warning
                            && diagnostic.rule.language == rule.language
                    })
                    .map(|diagnostic| diagnostic.rule.id.to_string())
                    .collect();
                if !flagged.is_empty() {
                    report
                        .failures
                        .push(failure(ExampleKind::Recommended, &text, flagged));
                }
            }
        }
    }
    report
}

/// Puts `finding`'s fix in place in `text` and lints the result: the fixed text and the rules
/// of `rule`'s language that flag, at warning or above, a span touching the rewrite. `None` when
/// the finding has no fix or nothing flags it.
fn flagged_after_fix(
    linter: &Linter,
    rule: &Rule,
    text: &str,
    finding: &crate::Diagnostic,
) -> Option<(String, Vec<String>)> {
    let fix = finding.fix.as_ref()?;
    let mut fixed = String::with_capacity(text.len() + fix.replacement.len());
    fixed.push_str(&text[..fix.range.start]);
    fixed.push_str(&fix.replacement);
    fixed.push_str(&text[fix.range.end..]);
    let landed = fix.range.start..fix.range.start + fix.replacement.len();
    let flagged: Vec<String> = linter
        .check_text(&fixed)
        .into_iter()
        .filter(|diagnostic| {
            diagnostic.severity >= Severity::Warning
                && diagnostic.rule.language == rule.language
                && diagnostic.span.start <= landed.end
                && landed.start <= diagnostic.span.end
        })
        .map(|diagnostic| diagnostic.rule.id.to_string())
        .collect();
    (!flagged.is_empty()).then_some((fixed, flagged))
}

fn fired_ids(linter: &Linter, text: &str) -> Vec<String> {
    linter
        .check_text(text)
        .into_iter()
        .map(|diagnostic| diagnostic.rule.id.to_string())
        .collect()
}

/// The rule's rewrites (holes shown as the seeds' "……") and `instead` texts.
fn recommended_wordings(rule: &Rule) -> Vec<String> {
    let mut wordings: Vec<String> = rule
        .rewrites
        .iter()
        .map(|template| {
            let mut text = String::new();
            for part in &template.parts {
                match part {
                    crate::rules::template::TemplatePart::Literal(literal) => {
                        text.push_str(literal)
                    }
                    _ => text.push_str("……"),
                }
            }
            text
        })
        .collect();
    wordings.extend(rule.instead.iter().map(|text| text.to_string()));
    wordings
}
