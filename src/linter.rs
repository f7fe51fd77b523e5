//! The engine, compiled once: a rule set, its automaton and the placeholder syntaxes. It turns a
//! [`Source`] into raw findings; what is reported of them is decided by the filter stage
//! ([`crate::filter`]), and a whole run over many inputs by [`crate::session::Session`].

use crate::diagnostic::{Diagnostic, DiagnosticBuilder};
use crate::filter::Filters;
use crate::matcher::Matcher;
use crate::placeholder::{self, Placeholders};
use crate::rules::{RuleError, RuleSet};
use crate::source::Source;

/// A rule set compiled for matching. Build it once and check many sources with it; it is
/// `Sync`, so sources can be checked in parallel.
#[derive(Debug, Clone)]
pub struct Linter {
    rules: RuleSet,
    matcher: Matcher,
    placeholders: Placeholders,
}

impl Linter {
    /// A linter that protects the default placeholder syntaxes (see [`placeholder`]).
    pub fn new(rules: RuleSet) -> Linter {
        let all: Vec<_> = rules.rules().cloned().collect();
        // The built-in packs, unchanged, come with generated literal tables: grouping their
        // thousands of literals was most of the start-up of a one-draft check.
        let matcher = match crate::rules::builtin::literal_tables_for(&rules) {
            Some(tables) => Matcher::with_tables(all, tables),
            None => Matcher::new(all),
        };
        Linter {
            rules,
            matcher,
            placeholders: Placeholders::default(),
        }
    }

    /// Replaces the placeholder syntaxes that are never reported or fixed.
    pub fn with_placeholders(mut self, placeholders: Placeholders) -> Linter {
        self.placeholders = placeholders;
        self
    }

    /// A linter with only the rules `keep` accepts, the same placeholder syntaxes, and no
    /// other change: what a front end checks with when a request selects rules.
    pub fn restricted(&self, keep: impl Fn(&crate::Rule) -> bool) -> Linter {
        let mut rules = RuleSet::default();
        for pack in &self.rules.packs {
            let mut pack = pack.clone();
            pack.rules.retain(|rule| keep(rule));
            if !pack.rules.is_empty() {
                // Every id was unique in the full set, so a subset cannot collide.
                let _ = rules.add(pack);
            }
        }
        Linter::new(rules).with_placeholders(self.placeholders.clone())
    }

    /// A linter with the built-in packs only.
    pub fn builtin() -> Result<Linter, RuleError> {
        Ok(Linter::new(RuleSet::builtin()?))
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Whether the matcher's literal tables equal a fresh build from its rules (generated
    /// built-in tables must).
    #[cfg(test)]
    pub(crate) fn matcher_tables_are_fresh(&self) -> bool {
        self.matcher.tables_are_fresh()
    }

    /// The diagnostics a source gets with the default filters (one finding per problem, every
    /// severity), ordered by position, then rule id. A [`crate::session::Session`] applies its
    /// own [`Filters`] instead.
    pub fn check(&self, source: &Source) -> Vec<Diagnostic> {
        Filters::default().apply(self.find(source))
    }

    /// Every finding the engine makes, before the filter stage, in no particular order.
    pub fn find(&self, source: &Source) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        for segment in source.segments() {
            let matches = self.matcher.find(&segment.text);
            if matches.is_empty() {
                continue;
            }
            let spans: Vec<_> = matches.iter().map(|found| found.span.clone()).collect();
            let placeholders =
                placeholder::Spans::new(self.placeholders.find_near(&segment.text, &spans));
            let mut builder = DiagnosticBuilder::new(&segment, placeholders);
            for found in matches {
                let rule = &self.matcher.rules()[found.rule];
                if let Some(diagnostic) = builder.build(rule, &found) {
                    diagnostics.push(diagnostic);
                }
            }
        }
        diagnostics
    }

    /// Shorthand for checking a string that did not come from a file.
    pub fn check_text(&self, text: &str) -> Vec<Diagnostic> {
        self.check(&Source::new("<text>", text))
    }
}
