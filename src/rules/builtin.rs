//! The built-in packs, compiled into the binary as data.
//!
//! The packs are written in YAML under `rules/`; `tests/codegen_builtin.rs` loads and validates
//! them with the same loader as user packs and writes the result to `builtin_data.rs`, failing
//! when the checked-in copy is stale. Start-up then costs no YAML parsing and no regex
//! compilation, which is what keeps a one-draft check within a few milliseconds.

use std::borrow::Cow;
use std::sync::Arc;

use super::builtin_data::{BUILTIN_CLASSES, BUILTIN_LITERALS, BUILTIN_PACKS};
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

/// The generated literal tables, if `rules` is exactly the built-in packs in their own order,
/// each rule as compiled in (so not a subset, not a pack replaced from a file, not a rule edited
/// in place through the library): the only rule set they were generated from.
pub(crate) fn literal_tables_for(
    rules: &super::RuleSet,
) -> Option<&'static crate::matcher::LiteralTables> {
    let tables = BUILTIN_LITERALS.as_ref()?;
    if rules.packs.len() != BUILTIN_PACKS.len() {
        return None;
    }
    let unchanged = rules.packs.iter().zip(BUILTIN_PACKS).all(|(pack, data)| {
        matches!(pack.origin, PackOrigin::Builtin(path) if path == data.path)
            && pack.rules.len() == data.rules.len()
            && pack
                .rules
                .iter()
                .zip(data.rules)
                .all(|(rule, compiled)| same_keys(rule, compiled))
    });
    unchanged.then_some(tables)
}

/// Whether `rule` still has the literal sources of `compiled`: the very same static lists,
/// compared by address, since a built-in rule borrows them from the binary.
fn same_keys(rule: &Rule, compiled: &Rule) -> bool {
    fn same<T>(a: &[T], b: &[T]) -> bool {
        std::ptr::eq(a, b)
    }
    same(&rule.normalized_phrases, &compiled.normalized_phrases)
        && same(&rule.sequences, &compiled.sequences)
        && same(&rule.when_subject.keys, &compiled.when_subject.keys)
        && same(&rule.unless_subject.keys, &compiled.unless_subject.keys)
        && match (&rule.unless, &compiled.unless) {
            (Some(a), Some(b)) => same(&a.phrases.keys, &b.phrases.keys),
            (None, None) => true,
            _ => false,
        }
        && match (&rule.pattern, &compiled.pattern) {
            (Some(a), Some(b)) => match (&a.prefixes, &b.prefixes) {
                (Some(a), Some(b)) => same(a, b),
                (None, None) => true,
                _ => false,
            },
            (None, None) => true,
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use crate::Linter;

    /// The generated tables must be what a fresh build from the built-in rules gives, or
    /// matching with them would silently differ from matching with the same rules loaded from
    /// their YAML (`tests/codegen_builtin.rs` regenerates both together).
    #[test]
    fn generated_literal_tables_are_fresh() {
        let linter = Linter::builtin().unwrap();
        assert!(super::literal_tables_for(linter.rules()).is_some());
        assert!(linter.matcher_tables_are_fresh());
    }

    #[test]
    fn a_subset_of_the_builtin_rules_builds_its_own_tables() {
        let linter = Linter::builtin().unwrap();
        let subset = linter.restricted(|rule| rule.language == "en");
        assert!(super::literal_tables_for(subset.rules()).is_none());
    }
}
