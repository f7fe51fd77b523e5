//! Rule kinds as modules: each kind says which fields of a pack entry it takes, which literals
//! it contributes to the one literal automaton, and where the holes of its rewrites are filled
//! from. The checks every kind shares (ids, texts, exceptions, examples, template syntax) are
//! made once, by the loader (`super::load`), which asks the kind only about what differs.

mod avoid;
mod clause;
mod pattern;
mod swap;

use std::fmt;
use std::ops::Range;

use super::error::{RewriteError, RuleProblem};
use super::pattern::Pattern;
use super::template::{Template, TemplatePart};
use super::{FixSafety, Rule, RuleKind, RuleText};
use crate::matcher::RuleMatch;

/// Whether a kind takes a field of the pack entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    Required,
    /// Not taken; the text tells the author what to write instead.
    Refused(&'static str),
}

/// What a literal a rule contributes to the automaton is to that rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum KeyRole {
    /// A phrase: an occurrence is a candidate match.
    Phrase,
    /// A prefix of a pattern: an occurrence is where to run the pattern.
    Prefix,
    /// A literal of one part of a sequence (a phrase with gaps).
    Part,
    /// A phrase of an `unless` condition.
    Unless,
    /// A phrase of `when-subject`.
    Subject,
    /// A phrase of `unless-subject`.
    NotSubject,
    /// One of the rule's `exceptions`: an occurrence overlapping a match drops it.
    Exception,
}

impl KeyRole {
    pub(crate) const ALL: [KeyRole; 7] = [
        KeyRole::Phrase,
        KeyRole::Prefix,
        KeyRole::Part,
        KeyRole::Unless,
        KeyRole::Subject,
        KeyRole::NotSubject,
        KeyRole::Exception,
    ];
}

/// How the matcher finds a rule's candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scan {
    /// Only where one of the keys it gave occurs.
    AtKeys,
    /// Everywhere: the rule has no literal every match starts with.
    Everywhere,
}

/// What one hole of a rewrite takes from a match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fill {
    /// This range of the segment, copied as the writer wrote it.
    Copy(Range<usize>),
    /// Nothing (an optional capture group that did not take part).
    Nothing,
    /// The rewrite cannot be used for this match: it would not read as a sentence.
    Unusable,
}

/// The behaviour of one kind of rule.
///
/// The defaults describe a kind matched by literal phrases (`swap`, `avoid`, clause templates);
/// `pattern` overrides them.
pub(crate) trait KindBehaviour: fmt::Debug + Sync {
    fn phrases(&self) -> Need {
        Need::Required
    }

    fn pattern(&self) -> Need {
        Need::Refused("`pattern` only applies to `pattern` rules; use `phrases` for literal text")
    }

    fn rewrite(&self) -> Need;

    /// The fix safety when the rule does not say, or the problem with what it says.
    fn fix(&self, written: Option<FixSafety>) -> Result<FixSafety, RuleProblem> {
        written.ok_or(RuleProblem::MissingFix)
    }

    /// Whether this kind can fill a hole of a rewrite (`${rest}`, `$1`, `${name}`).
    fn check_hole(
        &self,
        hole: &TemplatePart,
        pattern: Option<&Pattern>,
    ) -> Result<(), RewriteError>;

    /// A check of a whole rewrite once the rule's fix safety is known.
    fn check_rewrite(&self, _template: &Template, _fix: FixSafety) -> Result<(), RewriteError> {
        Ok(())
    }

    /// Adds the literals the rule contributes to the automaton: by default its phrases.
    fn keys<'r>(&self, rule: &'r Rule, out: &mut Vec<(&'r RuleText, KeyRole)>) -> Scan {
        phrase_keys(rule, out)
    }

    /// What a hole of a rewrite takes from `found`.
    fn fill(&self, rule: &Rule, hole: &TemplatePart, found: &RuleMatch) -> Fill;
}

/// The behaviour of a rule of `kind`, with or without `clause: true`.
pub(crate) fn behaviour(kind: RuleKind, clause: bool) -> &'static dyn KindBehaviour {
    match (kind, clause) {
        (RuleKind::Swap, false) => &swap::Swap,
        (RuleKind::Swap, true) => &clause::Clause,
        (RuleKind::Avoid, _) => &avoid::Avoid,
        (RuleKind::Pattern, _) => &pattern::PatternKind,
    }
}

/// The phrases of a phrase-based rule, as keys.
fn phrase_keys<'r>(rule: &'r Rule, out: &mut Vec<(&'r RuleText, KeyRole)>) -> Scan {
    out.extend(
        rule.normalized_phrases
            .iter()
            .map(|key| (key, KeyRole::Phrase)),
    );
    Scan::AtKeys
}

/// The check of holes for kinds that fill none but `${rest}` where they say so.
fn no_captures(hole: &TemplatePart, rest_allowed: bool) -> Result<(), RewriteError> {
    match hole {
        TemplatePart::Rest if !rest_allowed => Err(RewriteError::RestWithoutClause),
        TemplatePart::Group(_) | TemplatePart::Named(_) => Err(RewriteError::GroupOutsidePattern),
        _ => Ok(()),
    }
}
