//! Rule self-tests for the built-in packs: every rule's `bad` examples fire it, its `good`
//! examples don't, and no recommended wording (a rewrite or an `instead` text) is flagged at
//! warning or above by any rule of its language. Runs through the real engine with every
//! built-in rule active, as users run it.

use replylint::{selftest, Linter, RuleSet};

#[test]
fn every_builtin_rule_passes_its_own_examples() {
    let linter = Linter::new(RuleSet::builtin().expect("built-in packs load"));
    let report = selftest::run(&linter, |_| true);
    let failures: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
    assert!(
        failures.is_empty(),
        "{} of {} examples failed:\n{}",
        failures.len(),
        report.examples,
        failures.join("\n")
    );
}

#[test]
fn every_builtin_rule_has_two_examples_of_each_kind_and_a_source() {
    let rules = RuleSet::builtin().expect("built-in packs load");
    for rule in rules.rules() {
        assert!(
            rule.examples.bad.len() >= 2,
            "{}: fewer than two bad examples",
            rule.id
        );
        assert!(
            rule.examples.good.len() >= 2,
            "{}: fewer than two good examples",
            rule.id
        );
        assert!(!rule.source.trim().is_empty(), "{}: no source", rule.id);
    }
}

/// A sentence that a broad rule and a more specific rule of the same category both match is one
/// problem, reported once, by the specific rule.
#[test]
fn a_specific_finding_absorbs_a_broader_one_of_the_same_category() {
    let linter = Linter::new(RuleSet::builtin().expect("built-in packs load"));
    let found = linter.check_text("We can't refund you unless you return the item.");
    let specific = found
        .iter()
        .find(|diagnostic| diagnostic.rule.id == "en.negative.cant-unless")
        .expect("the specific rule fires");
    for other in &found {
        let inside = other.span.start >= specific.span.start
            && other.span.end <= specific.span.end
            && other.span != specific.span;
        assert!(
            !(inside && other.rule.category == specific.rule.category),
            "{} lies inside {} with the same category",
            other.rule.id,
            specific.rule.id
        );
    }
}
