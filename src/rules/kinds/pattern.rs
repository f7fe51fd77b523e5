//! `pattern`: a regular expression over the normalised view; its capture groups fill the
//! rewrite. The literal prefixes every match starts with are its keys in the automaton.

use super::{Fill, KeyRole, KindBehaviour, Need, Scan};
use crate::matcher::RuleMatch;
use crate::rules::error::RewriteError;
use crate::rules::pattern::Pattern;
use crate::rules::template::TemplatePart;
use crate::rules::{Rule, RuleText};

#[derive(Debug)]
pub(super) struct PatternKind;

impl KindBehaviour for PatternKind {
    fn phrases(&self) -> Need {
        Need::Refused("a `pattern` rule takes `pattern`, not `phrases`")
    }

    fn pattern(&self) -> Need {
        Need::Required
    }

    fn rewrite(&self) -> Need {
        Need::Required
    }

    fn check_hole(
        &self,
        hole: &TemplatePart,
        pattern: Option<&Pattern>,
    ) -> Result<(), RewriteError> {
        let Some(pattern) = pattern else {
            return Ok(());
        };
        match hole {
            TemplatePart::Rest => Err(RewriteError::RestWithoutClause),
            TemplatePart::Group(number) if *number >= pattern.captures.len() => {
                Err(RewriteError::NoGroup(*number))
            }
            TemplatePart::Named(name) if pattern.group_index(name).is_none() => {
                Err(RewriteError::NoNamedGroup(name.to_string()))
            }
            _ => Ok(()),
        }
    }

    fn keys<'r>(&self, rule: &'r Rule, out: &mut Vec<(&'r RuleText, KeyRole)>) -> Scan {
        match rule
            .pattern
            .as_ref()
            .and_then(|pattern| pattern.prefixes.as_ref())
        {
            Some(prefixes) => {
                out.extend(prefixes.iter().map(|key| (key, KeyRole::Prefix)));
                Scan::AtKeys
            }
            None => Scan::Everywhere,
        }
    }

    fn fill(&self, rule: &Rule, hole: &TemplatePart, found: &RuleMatch) -> Fill {
        let index = match hole {
            TemplatePart::Group(number) => Some(*number),
            TemplatePart::Named(name) => rule
                .pattern
                .as_ref()
                .and_then(|pattern| pattern.group_index(name)),
            _ => return Fill::Unusable,
        };
        match index.and_then(|index| found.captures.get(index)) {
            Some(Some(range)) => Fill::Copy(range.clone()),
            _ => Fill::Nothing,
        }
    }
}
