//! `swap`: literal phrases, each replaced by a preferred rewrite.

use super::{no_captures, phrase_keys, Fill, KeyRole, KindBehaviour, Need, Scan};
use crate::matcher::RuleMatch;
use crate::rules::pattern::Pattern;
use crate::rules::template::TemplatePart;
use crate::rules::{error::RewriteError, Rule, RuleText};

#[derive(Debug)]
pub(super) struct Swap;

impl KindBehaviour for Swap {
    fn phrases(&self) -> Need {
        Need::Required
    }

    fn pattern(&self) -> Need {
        Need::Refused("`pattern` only applies to `pattern` rules; use `phrases` for literal text")
    }

    fn rewrite(&self) -> Need {
        Need::Required
    }

    fn check_hole(&self, hole: &TemplatePart, _: Option<&Pattern>) -> Result<(), RewriteError> {
        no_captures(hole, false)
    }

    fn keys<'r>(&self, rule: &'r Rule, out: &mut Vec<(&'r RuleText, KeyRole)>) -> Scan {
        phrase_keys(rule, out)
    }

    fn fill(&self, _: &Rule, _: &TemplatePart, _: &RuleMatch) -> Fill {
        // A swap's rewrite is literal text; validation refuses holes.
        Fill::Unusable
    }
}
