//! `avoid`: literal phrases with no mechanical rewrite; `instead` offers wordings to a human.

use super::{no_captures, Fill, KindBehaviour, Need};
use crate::matcher::RuleMatch;
use crate::rules::error::{RewriteError, RuleProblem};
use crate::rules::pattern::Pattern;
use crate::rules::template::TemplatePart;
use crate::rules::{FixSafety, Rule};

#[derive(Debug)]
pub(super) struct Avoid;

impl KindBehaviour for Avoid {
    fn rewrite(&self) -> Need {
        Need::Refused(
            "an `avoid` rule has no rewrite; use `instead` for suggestions, or make it a `swap`",
        )
    }

    fn fix(&self, written: Option<FixSafety>) -> Result<FixSafety, RuleProblem> {
        match written {
            None | Some(FixSafety::DisplayOnly) => Ok(FixSafety::DisplayOnly),
            Some(_) => Err(RuleProblem::FieldNotForKind(
                "an `avoid` rule has nothing to apply; drop `fix` or use `display-only`",
            )),
        }
    }

    fn check_hole(&self, hole: &TemplatePart, _: Option<&Pattern>) -> Result<(), RewriteError> {
        no_captures(hole, false)
    }

    fn fill(&self, _: &Rule, _: &TemplatePart, _: &RuleMatch) -> Fill {
        Fill::Unusable
    }
}
