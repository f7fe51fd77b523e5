//! The built-in packs, compiled into the binary as data.
//!
//! The packs are written in YAML under `rules/`; `tests/codegen_builtin.rs` loads and validates
//! them with the same loader as user packs and writes the result to `builtin_data.rs`, failing
//! when the checked-in copy is stale. Start-up then costs no YAML parsing and no regex
//! compilation, which is what keeps a one-draft check within a few milliseconds.

use std::borrow::Cow;
use std::sync::Arc;

use super::builtin_data::{BUILTIN_CLASSES, BUILTIN_PACKS};
use super::classes::Classes;
use super::load::PackSpans;
use super::{PackOrigin, Rule, RulePack};

/// A validated pack, as generated code.
pub struct PackData {
    /// The pack file's path below `rules/`.
    pub path: &'static str,
    pub name: &'static str,
    pub language: &'static str,
    pub description: &'static str,
    /// The rules, without their `pack` and `language`, which `packs` fills in.
    pub rules: &'static [Rule],
}

/// The built-in packs as rule packs. Every text stays borrowed from the binary, so this costs
/// one allocation per rule.
pub(super) fn packs() -> impl Iterator<Item = RulePack> {
    BUILTIN_PACKS.iter().map(|pack| RulePack {
        name: pack.name.to_string(),
        language: pack.language.to_string(),
        description: pack.description.to_string(),
        origin: PackOrigin::Builtin(pack.path),
        rules: pack
            .rules
            .iter()
            .map(|rule| {
                Arc::new(Rule {
                    pack: Cow::Borrowed(pack.name),
                    language: Cow::Borrowed(pack.language),
                    ..rule.clone()
                })
            })
            .collect(),
        spans: PackSpans {
            text: Arc::from(""),
            name: 0..0,
            rule_ids: vec![0..0; pack.rules.len()],
        },
    })
}

/// A language's classes (`rules/<language>/classes.yaml`), as generated code.
pub struct ClassesData {
    pub language: &'static str,
    pub classes: &'static [(&'static str, &'static [&'static str])],
}

/// The built-in classes by language, for user packs to use.
pub(super) fn classes() -> impl Iterator<Item = (&'static str, Classes)> {
    BUILTIN_CLASSES.iter().map(|data| {
        let mut classes = Classes::new();
        for (name, members) in data.classes {
            classes.insert(
                name.to_string(),
                members.iter().map(|member| member.to_string()).collect(),
            );
        }
        (data.language, classes)
    })
}
