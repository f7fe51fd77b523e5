//! Clause templates: a `swap` with `clause: true` matches its phrase and the rest of the clause
//! after it, which the rewrite carries on as `${rest}` (the seeds' "……").

use super::{no_captures, Fill, KindBehaviour, Need};
use crate::matcher::RuleMatch;
use crate::rules::error::RewriteError;
use crate::rules::pattern::Pattern;
use crate::rules::template::{Template, TemplatePart};
use crate::rules::{FixSafety, Rule};

#[derive(Debug)]
pub(super) struct Clause;

impl KindBehaviour for Clause {
    fn rewrite(&self) -> Need {
        Need::Required
    }

    fn check_hole(&self, hole: &TemplatePart, _: Option<&Pattern>) -> Result<(), RewriteError> {
        no_captures(hole, true)
    }

    /// The match, and so the fix, covers the whole clause: a rewrite that may be applied must
    /// carry the rest of it, or applying it deletes what the writer wrote there.
    fn check_rewrite(&self, template: &Template, fix: FixSafety) -> Result<(), RewriteError> {
        if fix != FixSafety::DisplayOnly && !template.uses_rest() {
            return Err(RewriteError::DropsRestOfClause);
        }
        Ok(())
    }

    fn fill(&self, _: &Rule, hole: &TemplatePart, found: &RuleMatch) -> Fill {
        match (hole, &found.rest) {
            // A clause template without a clause to carry would produce a broken sentence.
            (TemplatePart::Rest, Some(rest)) if !rest.is_empty() => Fill::Copy(rest.clone()),
            _ => Fill::Unusable,
        }
    }
}
