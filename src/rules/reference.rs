//! The rule reference, generated from the packs so that it is never written twice.
//!
//! `docs/rules-reference.md` is this module's output for the built-in packs; a test regenerates
//! it and fails when the checked-in copy is stale.

use std::fmt::Write as _;

use super::{Rule, RuleSet};

/// Markdown describing every rule of every pack, in pack order.
pub fn markdown(rules: &RuleSet) -> String {
    let mut out = String::new();
    out.push_str(
        "<!-- @generated from rules/ by tests/rules_reference.rs; do not edit.\n     \
         Regenerate with: REPLYLINT_BLESS=1 cargo test --test rules_reference -->\n\n",
    );
    out.push_str("# Built-in rules\n\n");
    let _ = writeln!(
        out,
        "{} rules in {} packs. `replylint explain ID` prints the same for one rule; \
         [rules.md](rules.md) explains the format.\n",
        rules.len(),
        rules.packs.len()
    );
    out.push_str("| pack | language | rules | description |\n|---|---|---|---|\n");
    for pack in &rules.packs {
        let _ = writeln!(
            out,
            "| [`{}`](#pack-{}) | {} | {} | {} |",
            pack.name,
            pack.name,
            pack.language,
            pack.rules.len(),
            cell(&pack.description)
        );
    }
    for pack in &rules.packs {
        let _ = writeln!(
            out,
            "\n<a id=\"pack-{}\"></a>\n## Pack `{}`\n",
            pack.name, pack.name
        );
        if !pack.description.is_empty() {
            let _ = writeln!(out, "{}\n", pack.description.trim());
        }
        let _ = writeln!(out, "Defined in `{}`.\n", pack.origin);
        for rule in &pack.rules {
            rule_section(&mut out, rule);
        }
    }
    out
}

fn rule_section(out: &mut String, rule: &Rule) {
    let _ = writeln!(out, "### `{}`\n", rule.id);
    let _ = writeln!(
        out,
        "*{}* · {} · {} · fix: {}\n",
        rule.severity,
        rule.kind.as_str(),
        rule.category,
        rule.fix.as_str()
    );
    let _ = writeln!(out, "**What it flags.** {}\n", rule.message);
    if !rule.phrases.is_empty() {
        let _ = writeln!(out, "Phrases: {}\n", code_list(&rule.phrases));
    }
    if let Some(pattern) = &rule.pattern {
        let _ = writeln!(out, "Pattern: `{}`\n", pattern.source.replace('`', "\\`"));
    }
    if !rule.exceptions.is_empty() {
        let _ = writeln!(out, "Not when part of: {}\n", code_list(&rule.exceptions));
    }
    let _ = writeln!(out, "**Why.** {}\n", rule.why);
    if !rule.rewrites.is_empty() {
        let rewrites: Vec<String> = rule.rewrites.iter().map(|t| t.source.clone()).collect();
        let _ = writeln!(out, "**Rewrite.** {}\n", code_list(&rewrites));
    }
    if !rule.instead.is_empty() {
        let _ = writeln!(out, "**Say instead.** {}\n", code_list(&rule.instead));
    }
    out.push_str("**Examples.**\n\n");
    for bad in &rule.examples.bad {
        let _ = writeln!(out, "- ✗ {}", cell(bad));
    }
    for good in &rule.examples.good {
        let _ = writeln!(out, "- ✓ {}", cell(good));
    }
    let _ = writeln!(out, "\n**Source.** {}\n", rule.source);
}

fn code_list(items: &[impl AsRef<str>]) -> String {
    items
        .iter()
        .map(|item| format!("`{}`", item.as_ref().replace('`', "'")))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Text safe inside a Markdown table cell or list item.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}
