//! `replylint rules list`, `rules test` and `explain`: tools for rule authors.

use std::fmt::Write as _;
use std::path::PathBuf;

use replylint::rules::Rule;
use replylint::{selftest, Linter, RuleSet};

use super::{load_rules, output, RuleSources, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

pub fn list(sources: &RuleSources, language: Option<&str>, category: Option<&str>) -> i32 {
    let rules = match load_rules(sources, &output::Messages::new(false)) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    let selected: Vec<_> = rules
        .rules()
        .filter(|rule| language.is_none_or(|wanted| rule.language == wanted))
        .filter(|rule| category.is_none_or(|wanted| rule.category == wanted))
        .collect();
    let id_width = selected.iter().map(|rule| rule.id.len()).max().unwrap_or(0);
    let mut text = String::new();
    for rule in &selected {
        let _ = writeln!(
            text,
            "{:<id_width$}  {:<7}  {:<7}  {:<12}  {}",
            rule.id,
            rule.severity.as_str(),
            rule.kind.as_str(),
            rule.fix.as_str(),
            rule.message
        );
    }
    let _ = writeln!(text, "{} rules", selected.len());
    print!("{text}");
    EXIT_CLEAN
}

pub fn test(dirs: &[PathBuf]) -> i32 {
    let sources = RuleSources {
        dirs: dirs.to_vec(),
        no_builtin: !dirs.is_empty(),
    };
    let rules: RuleSet = match load_rules(&sources, &output::Messages::new(false)) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    if rules.is_empty() {
        output::Messages::new(false).error("rules", "no rule packs found");
        return EXIT_ERROR;
    }
    let linter = Linter::new(rules);
    let report = selftest::run(&linter, |_| true);
    for failure in &report.failures {
        println!("FAIL {failure}");
    }
    let verdict = if report.failures.is_empty() {
        "ok"
    } else {
        "FAILED"
    };
    println!(
        "rules test {verdict}: {} rules, {} examples, {} failed",
        report.rules,
        report.examples,
        report.failures.len()
    );
    if report.failures.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    }
}

pub fn explain(sources: &RuleSources, id: &str) -> i32 {
    let rules = match load_rules(sources, &output::Messages::new(false)) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    match rules.rule(id) {
        Some(rule) => {
            print!("{}", explanation(rule));
            EXIT_CLEAN
        }
        None => {
            let near: Vec<&str> = rules
                .rules()
                .map(|rule| &*rule.id)
                .filter(|known| known.contains(id) || id.contains(*known))
                .take(5)
                .collect();
            let hint = if near.is_empty() {
                "run `replylint rules list` to see every id".to_string()
            } else {
                format!("did you mean {}?", near.join(", "))
            };
            output::Messages::new(false).error(id, &format!("no such rule; {hint}"));
            EXIT_ERROR
        }
    }
}

/// What `explain` prints: the same sections as the rule's page in `docs/rules/`.
pub fn explanation(rule: &Rule) -> String {
    replylint::rules::reference::explanation(rule)
}
