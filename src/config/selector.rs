//! Rule selectors: how `select`, `ignore`, `severity` and `per-file-ignores` name rules.
//!
//! A selector is a rule id (`en.command.you-must`), an id prefix made of whole dot-separated
//! segments (`en.command`, `zh`), a category (`category:blame`) or `ALL`. When several
//! selectors name one rule, the most specific one decides: an exact id beats a longer prefix,
//! a longer prefix beats a shorter one, any prefix beats a category, and a category beats `ALL`.

use std::fmt;

use crate::rules::{Rule, RuleSet};

/// One way of naming rules.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Selector {
    All,
    Id(String),
    /// Whole leading segments of ids.
    Prefix(String),
    Category(String),
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::All => f.write_str("ALL"),
            Selector::Id(id) | Selector::Prefix(id) => f.write_str(id),
            Selector::Category(category) => write!(f, "category:{category}"),
        }
    }
}

/// A selector that names no rule in effect; `suggestion` is the closest one that does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSelector {
    pub written: String,
    pub suggestion: Option<String>,
}

impl fmt::Display for UnknownSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` names no rule in effect", self.written)?;
        if let Some(suggestion) = &self.suggestion {
            write!(f, "; did you mean `{suggestion}`?")?;
        }
        Ok(())
    }
}

impl Selector {
    /// Parses `written` against the rules in effect.
    pub fn parse(written: &str, rules: &RuleSet) -> Result<Selector, UnknownSelector> {
        let written = written.trim();
        if written == "ALL" {
            return Ok(Selector::All);
        }
        if let Some(category) = written.strip_prefix("category:") {
            if rules.rules().any(|rule| rule.category == category) {
                return Ok(Selector::Category(category.to_string()));
            }
            let categories: Vec<String> = rules
                .rules()
                .map(|rule| format!("category:{}", rule.category))
                .collect();
            return Err(unknown(written, categories.iter().map(String::as_str)));
        }
        if rules.rule(written).is_some() {
            return Ok(Selector::Id(written.to_string()));
        }
        if rules
            .rules()
            .any(|rule| is_segment_prefix(written, &rule.id))
        {
            return Ok(Selector::Prefix(written.to_string()));
        }
        let mut candidates: Vec<String> = Vec::new();
        for rule in rules.rules() {
            candidates.push(rule.id.to_string());
            let mut prefix = String::new();
            for segment in rule.id.split('.') {
                if !prefix.is_empty() {
                    prefix.push('.');
                }
                prefix.push_str(segment);
                candidates.push(prefix.clone());
            }
        }
        Err(unknown(written, candidates.iter().map(String::as_str)))
    }

    /// How specific the selector is when it names `rule`; `None` when it does not name it.
    pub fn specificity(&self, rule: &Rule) -> Option<usize> {
        match self {
            Selector::All => Some(0),
            Selector::Category(category) => (rule.category == category.as_str()).then_some(1),
            Selector::Prefix(prefix) => {
                is_segment_prefix(prefix, &rule.id).then(|| 1 + prefix.split('.').count())
            }
            Selector::Id(id) => (rule.id == id.as_str()).then_some(usize::MAX),
        }
    }

    /// Whether the selector names a rule id (the id alone, for findings of rules that are not
    /// in the rule set, such as the linter's own `replylint.*` findings).
    pub fn names_id(&self, id: &str, category: &str) -> bool {
        match self {
            Selector::All => true,
            Selector::Category(wanted) => wanted == category,
            Selector::Prefix(prefix) => is_segment_prefix(prefix, id),
            Selector::Id(wanted) => wanted == id,
        }
    }
}

/// The most specific of `selectors` that names `rule`.
pub fn most_specific<'a, T>(
    selectors: impl IntoIterator<Item = &'a (Selector, T)>,
    rule: &Rule,
) -> Option<&'a T>
where
    T: 'a,
{
    let mut best: Option<(usize, &T)> = None;
    for (selector, value) in selectors {
        if let Some(specificity) = selector.specificity(rule) {
            if best.is_none_or(|(known, _)| specificity >= known) {
                best = Some((specificity, value));
            }
        }
    }
    best.map(|(_, value)| value)
}

/// Whether `prefix` is `id` or whole leading dot-separated segments of it (`en.command` of
/// `en.command.you-must`, not `en.comm`).
pub(crate) fn is_segment_prefix(prefix: &str, id: &str) -> bool {
    id == prefix
        || (id.len() > prefix.len()
            && id.starts_with(prefix)
            && id.as_bytes()[prefix.len()] == b'.')
}

fn unknown<'a>(written: &str, candidates: impl Iterator<Item = &'a str>) -> UnknownSelector {
    let suggestion = candidates
        .map(|candidate| (strsim::jaro_winkler(written, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, candidate)| candidate.to_string());
    UnknownSelector {
        written: written.to_string(),
        suggestion,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_parse_and_rank() {
        let rules = RuleSet::builtin().unwrap();
        let rule = rules.rule("zh.command.you-must").unwrap().clone();
        let id = Selector::parse("zh.command.you-must", &rules).unwrap();
        let prefix = Selector::parse("zh.command", &rules).unwrap();
        let language = Selector::parse("zh", &rules).unwrap();
        let category = Selector::parse("category:command", &rules).unwrap();
        assert_eq!(prefix, Selector::Prefix("zh.command".into()));
        let ranks: Vec<_> = [&id, &prefix, &language, &category, &Selector::All]
            .iter()
            .map(|selector| selector.specificity(&rule).unwrap())
            .collect();
        assert!(ranks.windows(2).all(|pair| pair[0] > pair[1]), "{ranks:?}");
        // A prefix must end at a segment boundary.
        assert!(Selector::parse("zh.comm", &rules).is_err());
    }

    #[test]
    fn typos_get_a_suggestion() {
        let rules = RuleSet::builtin().unwrap();
        let error = Selector::parse("zh.command.you-mst", &rules).unwrap_err();
        assert_eq!(error.suggestion.as_deref(), Some("zh.command.you-must"));
        let error = Selector::parse("category:blam", &rules).unwrap_err();
        assert_eq!(error.suggestion.as_deref(), Some("category:blame"));
    }
}
