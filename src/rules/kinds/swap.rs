//! `swap`: literal phrases, each replaced by a preferred rewrite.

use super::{no_captures, Fill, KindBehaviour, Need};
use crate::matcher::RuleMatch;
use crate::rules::pattern::Pattern;
use crate::rules::template::TemplatePart;
use crate::rules::{error::RewriteError, Rule};

#[derive(Debug)]
pub(super) struct Swap;

impl KindBehaviour for Swap {
    fn rewrite(&self) -> Need {
        Need::Required
    }

    fn check_hole(&self, hole: &TemplatePart, _: Option<&Pattern>) -> Result<(), RewriteError> {
        no_captures(hole, false)
    }

    fn fill(&self, _: &Rule, _: &TemplatePart, _: &RuleMatch) -> Fill {
        // A swap's rewrite is literal text; validation refuses holes.
        Fill::Unusable
    }
}
