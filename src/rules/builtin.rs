//! The built-in packs, compiled into the binary as data.
//!
//! The packs are written in YAML under `rules/`; `tests/codegen_builtin.rs` loads and validates
//! them with the same loader as user packs and writes the result to `builtin_data.rs`, failing
//! when the checked-in copy is stale. Start-up then costs no YAML parsing and no regex
//! compilation, which is what keeps a one-draft check within a few milliseconds.

use std::borrow::Cow;
use std::sync::Arc;

use super::builtin_data::BUILTIN_PACKS;
use super::load::PackSpans;
use super::pattern::Pattern;
use super::template::Template;
use super::{Examples, FixSafety, PackOrigin, Rule, RuleKind, RulePack, RuleText, Severity};

/// A validated pack, as generated code.
pub struct PackData {
    /// The pack file's path below `rules/`.
    pub path: &'static str,
    pub name: &'static str,
    pub language: &'static str,
    pub description: &'static str,
    pub rules: &'static [RuleData],
}

/// A validated rule, as generated code; mirrors [`Rule`].
pub struct RuleData {
    pub id: &'static str,
    pub kind: RuleKind,
    pub category: &'static str,
    pub severity: Severity,
    pub message: &'static str,
    pub why: &'static str,
    pub source: &'static str,
    pub phrases: &'static [&'static str],
    pub normalized_phrases: &'static [&'static str],
    pub pattern: Option<PatternData>,
    pub rewrites: &'static [&'static str],
    pub instead: &'static [&'static str],
    pub clause: bool,
    pub exceptions: &'static [&'static str],
    pub normalized_exceptions: &'static [&'static str],
    pub fix: FixSafety,
    pub bad: &'static [&'static str],
    pub good: &'static [&'static str],
}

/// A pattern's load-time analysis, as generated code; mirrors [`Pattern`].
pub struct PatternData {
    pub source: &'static str,
    pub normalized: &'static str,
    pub captures: &'static [Option<&'static str>],
    pub prefixes: Option<&'static [&'static str]>,
}

/// The built-in packs as rule packs.
pub(super) fn packs() -> impl Iterator<Item = RulePack> {
    BUILTIN_PACKS.iter().map(|pack| RulePack {
        name: pack.name.to_string(),
        language: pack.language.to_string(),
        description: pack.description.to_string(),
        origin: PackOrigin::Builtin(pack.path),
        rules: pack
            .rules
            .iter()
            .map(|rule| Arc::new(rule.to_rule(pack)))
            .collect(),
        spans: PackSpans {
            text: Arc::from(""),
            name: 0..0,
            rule_ids: vec![0..0; pack.rules.len()],
        },
    })
}

fn texts(items: &'static [&'static str]) -> Vec<RuleText> {
    items.iter().map(|&item| Cow::Borrowed(item)).collect()
}

impl RuleData {
    fn to_rule(&'static self, pack: &'static PackData) -> Rule {
        Rule {
            id: Cow::Borrowed(self.id),
            pack: Cow::Borrowed(pack.name),
            language: Cow::Borrowed(pack.language),
            kind: self.kind,
            category: Cow::Borrowed(self.category),
            severity: self.severity,
            message: Cow::Borrowed(self.message),
            why: Cow::Borrowed(self.why),
            source: Cow::Borrowed(self.source),
            phrases: texts(self.phrases),
            normalized_phrases: texts(self.normalized_phrases),
            pattern: self.pattern.as_ref().map(|pattern| {
                Pattern::precomputed(
                    pattern.source,
                    pattern.normalized,
                    pattern
                        .captures
                        .iter()
                        .map(|name| name.map(str::to_string))
                        .collect(),
                    pattern.prefixes.map(texts),
                )
            }),
            rewrites: self
                .rewrites
                .iter()
                // Validated when generated; a template that no longer parses is a generator bug
                // that the codegen test catches, so an empty rewrite list is a safe fallback.
                .filter_map(|rewrite| Template::parse(rewrite).ok())
                .collect(),
            instead: texts(self.instead),
            clause: self.clause,
            exceptions: texts(self.exceptions),
            normalized_exceptions: texts(self.normalized_exceptions),
            fix: self.fix,
            examples: Examples {
                bad: texts(self.bad),
                good: texts(self.good),
            },
        }
    }
}
