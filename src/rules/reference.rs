//! The rule reference, generated from the packs so that it is never written twice.
//!
//! `docs/rules/` is this module's output for the built-in packs: an index and one page per pack.
//! A test regenerates it and fails when the checked-in copy is stale.

use std::fmt::Write as _;

use super::{Rule, RulePack, RuleSet};

const GENERATED: &str =
    "<!-- @generated from rules/ by tests/rules_reference.rs; do not edit.\n     \
     Regenerate with: REPLYLINT_BLESS=1 cargo test --test rules_reference -->\n\n";

/// The reference as `(file name, Markdown)` pages: `README.md` (the index), then one page per
/// pack, named after it.
pub fn pages(rules: &RuleSet) -> Vec<(String, String)> {
    let mut index = String::from(GENERATED);
    index.push_str("# Built-in rules\n\n");
    let _ = writeln!(
        index,
        "{} rules in {} packs. `replylint explain ID` prints the same for one rule; \
         [../rules.md](../rules.md) explains the format.\n",
        rules.len(),
        rules.packs.len()
    );
    index.push_str("| pack | language | rules | description |\n|---|---|---|---|\n");
    for pack in &rules.packs {
        let _ = writeln!(
            index,
            "| [`{}`]({}.md) | {} | {} | {} |",
            pack.name,
            pack.name,
            pack.language,
            pack.rules.len(),
            cell(&pack.description)
        );
    }
    index.push_str("\n| rule | severity | kind | fix | message |\n|---|---|---|---|---|\n");
    for pack in &rules.packs {
        for rule in &pack.rules {
            let _ = writeln!(
                index,
                "| [`{}`]({}.md#{}) | {} | {} | {} | {} |",
                rule.id,
                pack.name,
                anchor(&rule.id),
                rule.severity,
                rule.kind.as_str(),
                rule.fix.as_str(),
                cell(&rule.message)
            );
        }
    }
    let mut pages = vec![("README.md".to_string(), index)];
    pages.extend(
        rules
            .packs
            .iter()
            .map(|pack| (format!("{}.md", pack.name), pack_page(pack))),
    );
    pages
}

fn pack_page(pack: &RulePack) -> String {
    let mut out = String::from(GENERATED);
    let _ = writeln!(out, "# Pack `{}`\n", pack.name);
    if !pack.description.is_empty() {
        let _ = writeln!(out, "{}\n", pack.description.trim());
    }
    let _ = writeln!(
        out,
        "Language `{}`, defined in `{}`. [All packs](README.md).\n",
        pack.language, pack.origin
    );
    for rule in &pack.rules {
        rule_section(&mut out, rule);
    }
    out
}

/// The anchor GitHub-style Markdown gives a `### \`id\`` heading (SARIF's `helpUri` links to
/// it too).
pub fn anchor(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_alphanumeric() || *c == '-')
        .collect()
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
