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

pub fn test(paths: &[PathBuf]) -> i32 {
    // Rubrics (`*.rubric.yaml`) named or found in the folders are tested beside the packs.
    let mut rubrics = Vec::new();
    let mut dirs = Vec::new();
    for path in paths {
        if replylint::rules::is_rubric_file(path) {
            rubrics.push(path.clone());
            continue;
        }
        if path.is_dir() {
            if let Ok(files) = rubric_files(path) {
                rubrics.extend(files);
            }
        }
        dirs.push(path.clone());
    }
    let (rubric_examples, rubric_failures) =
        match super::grade::test_rubrics(&rubrics, paths.is_empty()) {
            Ok(result) => result,
            Err(code) => return code,
        };
    let only_rubrics = dirs.is_empty() && !paths.is_empty();
    let sources = RuleSources {
        dirs,
        no_builtin: !paths.is_empty(),
    };
    let rules: RuleSet = match load_rules(&sources, &output::Messages::new(false)) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    let has_packs = rules.rules().next().is_some();
    if !has_packs && !only_rubrics && rubrics.is_empty() {
        output::Messages::new(false).error("rules", "no rule packs found");
        return EXIT_ERROR;
    }
    let linter = Linter::new(rules);
    let report = selftest::run(&linter, |_| true);
    for failure in &report.failures {
        println!("FAIL {failure}");
    }
    for failure in &rubric_failures {
        println!("FAIL {failure}");
    }
    let failed = report.failures.len() + rubric_failures.len();
    let verdict = if failed == 0 { "ok" } else { "FAILED" };
    let rubric_part = if rubric_examples > 0 {
        format!(", {rubric_examples} rubric examples")
    } else {
        String::new()
    };
    println!(
        "rules test {verdict}: {} rules, {} examples{rubric_part}, {failed} failed",
        report.rules, report.examples,
    );
    if failed == 0 {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    }
}

/// The rubric files below `dir`, in path order.
fn rubric_files(dir: &std::path::Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                pending.push(path);
            } else if replylint::rules::is_rubric_file(&path) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
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
