//! The rule reference, generated from the packs so that it is never written twice.
//!
//! `docs/rules/` is this module's output for the built-in packs: an index and one page per pack.
//! A test regenerates it and fails when the checked-in copy is stale. `replylint explain` prints
//! the same sections of one rule as plain text ([`explanation`]).

use std::fmt::Write as _;

use super::{FixSafety, Rule, RulePack, RuleSet, RuleText};

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

/// What the documentation of one rule says, in order; [`explanation`] and the Markdown
/// reference render the same sections, so the two never disagree.
struct Section<'a> {
    title: &'static str,
    blocks: Vec<Block<'a>>,
    /// Sections the Markdown reference shows elsewhere (fix safety is in its heading line).
    text_only: bool,
}

enum Block<'a> {
    Paragraph(&'a str),
    /// `label: a · b · c`.
    Labelled(&'static str, Vec<&'a str>),
    /// Wordings, one a line in text and as code in Markdown.
    Wordings(Vec<&'a str>),
    Examples {
        bad: &'a [RuleText],
        good: &'a [RuleText],
    },
}

fn sections(rule: &Rule) -> Vec<Section<'_>> {
    let mut flags = vec![Block::Paragraph(&rule.message)];
    if !rule.phrases.is_empty() {
        flags.push(Block::Labelled("Phrases", texts(&rule.phrases)));
    }
    if let Some(pattern) = &rule.pattern {
        flags.push(Block::Labelled("Pattern", vec![&pattern.source]));
    }
    if !rule.exceptions.is_empty() {
        flags.push(Block::Labelled("Not when part of", texts(&rule.exceptions)));
    }
    let section = |title, blocks| Section {
        title,
        blocks,
        text_only: false,
    };
    let mut sections = vec![
        section("What it flags", flags),
        section("Why", vec![Block::Paragraph(&rule.why)]),
    ];
    if !rule.rewrites.is_empty() {
        let rewrites = rule.rewrites.iter().map(|t| &*t.source).collect();
        sections.push(section("Rewrite", vec![Block::Wordings(rewrites)]));
    }
    if !rule.instead.is_empty() {
        sections.push(section(
            "Say instead",
            vec![Block::Wordings(texts(&rule.instead))],
        ));
    }
    sections.push(section(
        "Examples",
        vec![Block::Examples {
            bad: &rule.examples.bad,
            good: &rule.examples.good,
        }],
    ));
    sections.push(Section {
        title: "Fix safety",
        blocks: vec![Block::Paragraph(fix_safety(rule.fix))],
        text_only: true,
    });
    sections.push(section("Source", vec![Block::Paragraph(&rule.source)]));
    sections
}

fn texts(items: &[RuleText]) -> Vec<&str> {
    items.iter().map(|item| &**item).collect()
}

fn fix_safety(fix: FixSafety) -> &'static str {
    match fix {
        FixSafety::Safe => "safe: `--fix` applies the first rewrite",
        FixSafety::Unsafe => {
            "unsafe: applied only with `--unsafe-fixes`, since it changes meaning or register"
        }
        FixSafety::DisplayOnly => "display-only: a suggestion for a human to finish; never applied",
    }
}

/// The plain-text explanation `replylint explain` prints: the sections ruff gives a rule (what
/// it does, why, examples, fix safety, source).
pub fn explanation(rule: &Rule) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "{} ({}, {})", rule.id, rule.severity, rule.category);
    for section in sections(rule) {
        let _ = writeln!(text, "\n{}", section.title);
        for block in section.blocks {
            match block {
                Block::Paragraph(paragraph) => {
                    let _ = writeln!(text, "  {paragraph}");
                }
                Block::Labelled(label, items) => {
                    let _ = writeln!(text, "  {label}: {}", items.join(" · "));
                }
                Block::Wordings(wordings) => {
                    for wording in wordings {
                        let _ = writeln!(text, "  {wording}");
                    }
                }
                Block::Examples { bad, good } => {
                    for example in bad {
                        let _ = writeln!(text, "  ✗ {example}");
                    }
                    for example in good {
                        let _ = writeln!(text, "  ✓ {example}");
                    }
                }
            }
        }
    }
    text
}

/// The Markdown section of one rule in `docs/rules/`.
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
    for section in sections(rule)
        .into_iter()
        .filter(|section| !section.text_only)
    {
        for block in section.blocks {
            match block {
                Block::Paragraph(paragraph) => {
                    let _ = writeln!(out, "**{}.** {paragraph}\n", section.title);
                }
                Block::Labelled(label, items) if label == "Pattern" => {
                    let _ = writeln!(out, "{label}: `{}`\n", items.join("").replace('`', "\\`"));
                }
                Block::Labelled(label, items) => {
                    let _ = writeln!(out, "{label}: {}\n", code_list(&items));
                }
                Block::Wordings(wordings) => {
                    let _ = writeln!(out, "**{}.** {}\n", section.title, code_list(&wordings));
                }
                Block::Examples { bad, good } => {
                    let _ = writeln!(out, "**{}.**\n", section.title);
                    for example in bad {
                        let _ = writeln!(out, "- ✗ {}", cell(example));
                    }
                    for example in good {
                        let _ = writeln!(out, "- ✓ {}", cell(example));
                    }
                    out.push('\n');
                }
            }
        }
    }
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
