//! `--statistics`: how many findings each rule and each category had, most frequent first, for
//! people (an aligned table) and programs (JSON).

use std::collections::HashMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::diagnostic::Diagnostic;

/// One rule's count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    pub rule: String,
    pub category: String,
    pub count: usize,
    /// How many of them have a fix `--fix` (or `--unsafe-fixes`) could apply.
    pub fixable: usize,
}

/// One category's count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryCount {
    pub category: String,
    pub count: usize,
}

/// Counts gathered over a run.
#[derive(Debug, Clone, Default)]
pub struct Statistics {
    /// Rule id → (category, count, fixable).
    rules: HashMap<String, (String, usize, usize)>,
}

/// The statistics as they are reported: sorted by count, most first, then by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub rules: Vec<RuleCount>,
    pub categories: Vec<CategoryCount>,
    pub total: usize,
    pub fixable: usize,
}

impl Statistics {
    pub fn add(&mut self, diagnostics: &[Diagnostic]) {
        for diagnostic in diagnostics {
            let entry = self
                .rules
                .entry(diagnostic.rule.id.to_string())
                .or_insert_with(|| (diagnostic.rule.category.to_string(), 0, 0));
            entry.1 += 1;
            if diagnostic
                .fix
                .as_ref()
                .is_some_and(|fix| fix.safety != crate::FixSafety::DisplayOnly)
            {
                entry.2 += 1;
            }
        }
    }

    pub fn report(&self) -> Report {
        let mut rules: Vec<RuleCount> = self
            .rules
            .iter()
            .map(|(rule, (category, count, fixable))| RuleCount {
                rule: rule.clone(),
                category: category.clone(),
                count: *count,
                fixable: *fixable,
            })
            .collect();
        rules.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.rule.cmp(&b.rule)));
        let mut by_category: HashMap<&str, usize> = HashMap::new();
        for rule in &rules {
            *by_category.entry(&rule.category).or_default() += rule.count;
        }
        let mut categories: Vec<CategoryCount> = by_category
            .into_iter()
            .map(|(category, count)| CategoryCount {
                category: category.to_string(),
                count,
            })
            .collect();
        categories.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.category.cmp(&b.category))
        });
        Report {
            total: rules.iter().map(|rule| rule.count).sum(),
            fixable: rules.iter().map(|rule| rule.fixable).sum(),
            rules,
            categories,
        }
    }
}

impl Report {
    /// The table people read:
    ///
    /// ```text
    /// count  fixable  rule                      category
    ///     3        1  en.blame.you-are-wrong    blame
    /// ```
    pub fn human(&self) -> String {
        let mut out = String::new();
        if self.total == 0 {
            out.push_str("No findings.\n");
            return out;
        }
        let rule_width = self
            .rules
            .iter()
            .map(|rule| rule.rule.chars().count())
            .chain(["rule".len()])
            .max()
            .unwrap_or(0);
        let _ = writeln!(out, "count  fixable  {:<rule_width$}  category", "rule");
        for rule in &self.rules {
            let _ = writeln!(
                out,
                "{:>5}  {:>7}  {:<rule_width$}  {}",
                rule.count, rule.fixable, rule.rule, rule.category
            );
        }
        let category_width = self
            .categories
            .iter()
            .map(|category| category.category.chars().count())
            .chain(["category".len()])
            .max()
            .unwrap_or(0);
        let _ = writeln!(out, "\ncount  {:<category_width$}", "category");
        for category in &self.categories {
            let _ = writeln!(out, "{:>5}  {}", category.count, category.category);
        }
        let _ = writeln!(
            out,
            "\n{} {} ({} fixable) from {} {}.",
            self.total,
            if self.total == 1 {
                "finding"
            } else {
                "findings"
            },
            self.fixable,
            self.rules.len(),
            if self.rules.len() == 1 {
                "rule"
            } else {
                "rules"
            },
        );
        out
    }

    /// One JSON object on one line.
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default() + "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_sorted_most_first_then_by_name() {
        let linter = crate::Linter::builtin().unwrap();
        let mut statistics = Statistics::default();
        for text in [
            "You must fill in the form. You must fill in the form.",
            "Calm down.",
            "You must reply.",
        ] {
            statistics.add(&linter.check(&crate::Source::new("a.txt", text)));
        }
        let report = statistics.report();
        assert!(report.total >= 4, "{report:?}");
        assert_eq!(
            report.total,
            report.rules.iter().map(|r| r.count).sum::<usize>()
        );
        assert_eq!(
            report.total,
            report.categories.iter().map(|c| c.count).sum::<usize>()
        );
        for pair in report.rules.windows(2) {
            assert!(
                pair[0].count > pair[1].count
                    || pair[0].count == pair[1].count && pair[0].rule < pair[1].rule
            );
        }
        let human = report.human();
        assert!(human.starts_with("count  fixable  rule"), "{human}");
        assert!(human.contains(&report.rules[0].rule));
        let back: serde_json::Value = serde_json::from_str(&report.json()).unwrap();
        assert_eq!(back["total"], report.total);
        assert_eq!(back["rules"][0]["rule"], report.rules[0].rule.as_str());
    }

    #[test]
    fn no_findings_says_so() {
        let report = Statistics::default().report();
        assert_eq!(report.human(), "No findings.\n");
        assert_eq!(
            report.json(),
            "{\"rules\":[],\"categories\":[],\"total\":0,\"fixable\":0}\n"
        );
    }
}
