//! Reading one pack file and checking everything that can be checked before matching.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;

use super::pattern::Pattern;
use super::template::{Template, TemplatePart};
use super::{
    Examples, FixSafety, PackOrigin, Rule, RuleError, RuleKind, RulePack, RuleText, Severity,
};
use crate::normalize;
use crate::yaml::{self, Spanned};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    pack: Spanned<String>,
    language: Spanned<String>,
    #[serde(default)]
    description: Option<String>,
    rules: Spanned<Vec<RuleFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    id: Spanned<String>,
    kind: Spanned<RuleKind>,
    category: Spanned<String>,
    severity: Severity,
    message: Spanned<String>,
    why: Spanned<String>,
    source: Spanned<String>,
    #[serde(default)]
    phrases: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pattern: Option<Spanned<String>>,
    #[serde(default)]
    rewrite: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    instead: Option<Vec<String>>,
    #[serde(default)]
    clause: Option<Spanned<bool>>,
    #[serde(default)]
    exceptions: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    fix: Option<Spanned<FixSafety>>,
    examples: Spanned<ExamplesFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExamplesFile {
    #[serde(default)]
    bad: Vec<String>,
    #[serde(default)]
    good: Vec<String>,
}

/// Builds errors that point into one pack file.
struct Reporter<'a> {
    origin: String,
    text: &'a str,
    shared_text: Option<Arc<str>>,
}

impl Reporter<'_> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>) -> RuleError {
        let text = self
            .shared_text
            .get_or_insert_with(|| Arc::from(self.text))
            .clone();
        let end = span.end.min(text.len());
        RuleError {
            origin: self.origin.clone(),
            span: span.start.min(end)..end,
            text,
            message: message.into(),
        }
    }
}

/// Parses and validates one pack file.
pub fn load_pack(text: &str, origin: PackOrigin) -> Result<RulePack, RuleError> {
    let mut reporter = Reporter {
        origin: origin.to_string(),
        text,
        shared_text: None,
    };
    let file: PackFile = yaml::from_str(text).map_err(|error| {
        let offset = error.offset.unwrap_or(0).min(text.len());
        let end = next_char_end(text, offset);
        reporter.error(offset..end, error.message)
    })?;

    check_name(&mut reporter, &file.pack, "pack name")?;
    let language = file.language.value.trim().to_string();
    if language.is_empty() {
        return Err(reporter.error(file.language.span, "`language` must not be empty"));
    }

    let mut seen_ids = HashSet::new();
    let mut rules = Vec::with_capacity(file.rules.value.len());
    let mut id_spans = Vec::with_capacity(file.rules.value.len());
    for raw in file.rules.value {
        if !seen_ids.insert(raw.id.value.clone()) {
            return Err(reporter.error(
                raw.id.span,
                format!("duplicate rule id `{}` in this pack", raw.id.value),
            ));
        }
        id_spans.push(raw.id.span.clone());
        let rule = build_rule(&mut reporter, raw, &file.pack.value, &language)?;
        rules.push(Arc::new(rule));
    }
    if rules.is_empty() {
        return Err(reporter.error(file.rules.span, "a pack needs at least one rule"));
    }

    Ok(RulePack {
        name: file.pack.value,
        language,
        description: file.description.unwrap_or_default(),
        origin,
        rules,
        spans: PackSpans {
            text: reporter.shared_text.unwrap_or_else(|| Arc::from(text)),
            name: file.pack.span,
            rule_ids: id_spans,
        },
    })
}

/// Where a pack's name and rule ids are, so that a clash found later (between packs) can
/// still point at the right line.
#[derive(Debug, Clone)]
pub struct PackSpans {
    pub(crate) text: Arc<str>,
    pub(crate) name: Range<usize>,
    pub(crate) rule_ids: Vec<Range<usize>>,
}

pub(super) fn duplicate_error(
    pack: &RulePack,
    what: &str,
    value: &str,
    message: &str,
) -> RuleError {
    let span = match what {
        "pack" => pack.spans.name.clone(),
        _ => pack
            .rules
            .iter()
            .position(|rule| rule.id == value)
            .and_then(|index| pack.spans.rule_ids.get(index).cloned())
            .unwrap_or(0..0),
    };
    RuleError {
        origin: pack.origin.to_string(),
        text: pack.spans.text.clone(),
        span,
        message: message.to_string(),
    }
}

fn build_rule(
    reporter: &mut Reporter,
    raw: RuleFile,
    pack: &str,
    language: &str,
) -> Result<Rule, RuleError> {
    check_id(reporter, &raw.id)?;
    check_name(reporter, &raw.category, "category")?;
    for (field, value) in [
        ("message", &raw.message),
        ("why", &raw.why),
        ("source", &raw.source),
    ] {
        if value.value.trim().is_empty() {
            return Err(reporter.error(value.span.clone(), format!("`{field}` must not be empty")));
        }
    }

    let kind = raw.kind.value;
    let clause = raw.clause.as_ref().is_some_and(|clause| clause.value);
    if let Some(clause_field) = &raw.clause {
        if clause_field.value && kind != RuleKind::Swap {
            return Err(reporter.error(
                clause_field.span.clone(),
                "`clause: true` only applies to `swap` rules",
            ));
        }
    }

    let phrases = match (&raw.phrases, kind) {
        (Some(phrases), RuleKind::Swap | RuleKind::Avoid) => {
            if phrases.value.is_empty() {
                return Err(reporter.error(phrases.span.clone(), "`phrases` must not be empty"));
            }
            checked_phrases(reporter, &phrases.value, "phrase")?
        }
        (None, RuleKind::Swap | RuleKind::Avoid) => {
            return Err(reporter.error(
                raw.kind.span.clone(),
                format!("a `{}` rule needs `phrases`", kind.as_str()),
            ))
        }
        (Some(phrases), RuleKind::Pattern) => {
            return Err(reporter.error(
                phrases.span.clone(),
                "a `pattern` rule takes `pattern`, not `phrases`",
            ))
        }
        (None, RuleKind::Pattern) => Vec::new(),
    };

    let pattern = match (&raw.pattern, kind) {
        (Some(pattern), RuleKind::Pattern) => Some(compile_pattern(reporter, pattern)?),
        (None, RuleKind::Pattern) => {
            return Err(reporter.error(raw.kind.span.clone(), "a `pattern` rule needs `pattern`"))
        }
        (Some(pattern), _) => {
            return Err(reporter.error(
                pattern.span.clone(),
                "`pattern` only applies to `pattern` rules; use `phrases` for literal text",
            ))
        }
        (None, _) => None,
    };

    let rewrites = match (&raw.rewrite, kind) {
        (Some(rewrite), RuleKind::Avoid) => return Err(reporter.error(
            rewrite.span.clone(),
            "an `avoid` rule has no rewrite; use `instead` for suggestions, or make it a `swap`",
        )),
        (Some(rewrite), _) => {
            if rewrite.value.is_empty() {
                return Err(reporter.error(rewrite.span.clone(), "`rewrite` must not be empty"));
            }
            let mut templates = Vec::new();
            for item in &rewrite.value {
                templates.push(checked_template(reporter, item, clause, pattern.as_ref())?);
            }
            templates
        }
        (None, RuleKind::Avoid) => Vec::new(),
        (None, _) => {
            return Err(reporter.error(
                raw.kind.span.clone(),
                format!("a `{}` rule needs `rewrite`", kind.as_str()),
            ))
        }
    };

    let fix = match (&raw.fix, kind) {
        (Some(fix), RuleKind::Avoid) if fix.value != FixSafety::DisplayOnly => {
            return Err(reporter.error(
                fix.span.clone(),
                "an `avoid` rule has nothing to apply; drop `fix` or use `display-only`",
            ))
        }
        (Some(fix), _) => fix.value,
        (None, RuleKind::Avoid) => FixSafety::DisplayOnly,
        (None, _) => {
            return Err(reporter.error(
                raw.kind.span.clone(),
                "say how safe the rewrite is: `fix: safe`, `unsafe` or `display-only`",
            ))
        }
    };

    let exceptions = match &raw.exceptions {
        Some(exceptions) => checked_phrases(reporter, exceptions, "exception")?,
        None => Vec::new(),
    };

    if raw.examples.value.bad.is_empty() || raw.examples.value.good.is_empty() {
        return Err(reporter.error(
            raw.examples.span.clone(),
            "`examples` needs at least one `bad` and one `good` text",
        ));
    }

    let owned =
        |items: Vec<String>| -> Vec<RuleText> { items.into_iter().map(Cow::Owned).collect() };
    Ok(Rule {
        id: raw.id.value.into(),
        pack: pack.to_string().into(),
        language: language.to_string().into(),
        kind,
        category: raw.category.value.into(),
        severity: raw.severity,
        message: raw.message.value.trim().to_string().into(),
        why: raw.why.value.trim().to_string().into(),
        source: raw.source.value.trim().to_string().into(),
        normalized_phrases: owned(
            phrases
                .iter()
                .map(|phrase| normalize::normalize(phrase))
                .collect(),
        ),
        phrases: owned(phrases),
        pattern,
        rewrites,
        instead: owned(raw.instead.unwrap_or_default()),
        clause,
        normalized_exceptions: owned(
            exceptions
                .iter()
                .map(|item| normalize::normalize(item))
                .collect(),
        ),
        exceptions: owned(exceptions),
        fix,
        examples: Examples {
            bad: owned(raw.examples.value.bad),
            good: owned(raw.examples.value.good),
        },
    })
}

fn check_id(reporter: &mut Reporter, id: &Spanned<String>) -> Result<(), RuleError> {
    let segment_ok = |segment: &str| {
        segment.starts_with(is_id_char) && segment.chars().all(|c| is_id_char(c) || c == '-')
    };
    if id.value.split('.').count() >= 2 && id.value.split('.').all(segment_ok) {
        Ok(())
    } else {
        Err(reporter.error(
            id.span.clone(),
            format!(
                "rule id `{}` must be lowercase and dotted, like `zh.command.you-must`",
                id.value
            ),
        ))
    }
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

fn check_name(
    reporter: &mut Reporter,
    name: &Spanned<String>,
    what: &str,
) -> Result<(), RuleError> {
    let valid = !name.value.is_empty()
        && name
            .value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if valid {
        Ok(())
    } else {
        Err(reporter.error(
            name.span.clone(),
            format!(
                "{what} `{}` must be lowercase letters, digits and `-`",
                name.value
            ),
        ))
    }
}

fn checked_phrases(
    reporter: &mut Reporter,
    phrases: &[Spanned<String>],
    what: &str,
) -> Result<Vec<String>, RuleError> {
    let mut checked = Vec::with_capacity(phrases.len());
    for phrase in phrases {
        if normalize::normalize(phrase.value.trim()).is_empty() {
            return Err(reporter.error(
                phrase.span.clone(),
                format!("empty {what}: it would match everywhere"),
            ));
        }
        checked.push(phrase.value.trim().to_string());
    }
    Ok(checked)
}

fn compile_pattern(
    reporter: &mut Reporter,
    pattern: &Spanned<String>,
) -> Result<Pattern, RuleError> {
    Pattern::new(&pattern.value).map_err(|detail| {
        let message = if detail.starts_with("empty pattern") || detail.contains("empty string") {
            detail
        } else {
            format!("invalid pattern: {detail}")
        };
        reporter.error(pattern.span.clone(), message)
    })
}

fn checked_template(
    reporter: &mut Reporter,
    item: &Spanned<String>,
    clause: bool,
    pattern: Option<&Pattern>,
) -> Result<Template, RuleError> {
    let template = Template::parse(&item.value).map_err(|error| {
        reporter.error(
            item.span.clone(),
            format!("invalid rewrite: {}", error.message),
        )
    })?;
    if template.parts.is_empty() {
        return Err(reporter.error(item.span.clone(), "empty rewrite"));
    }
    for part in &template.parts {
        let problem = match (part, pattern) {
            (TemplatePart::Rest, _) if !clause => {
                Some("`${rest}` needs `clause: true`".to_string())
            }
            (TemplatePart::Group(number), Some(pattern)) if *number >= pattern.captures.len() => {
                Some(format!("the pattern has no capture group {number}"))
            }
            (TemplatePart::Named(name), Some(pattern)) if pattern.group_index(name).is_none() => {
                Some(format!("the pattern has no capture group named `{name}`"))
            }
            (TemplatePart::Group(_) | TemplatePart::Named(_), None) => {
                Some("capture groups only exist in `pattern` rules".to_string())
            }
            _ => None,
        };
        if let Some(problem) = problem {
            return Err(reporter.error(item.span.clone(), format!("invalid rewrite: {problem}")));
        }
    }
    Ok(template)
}

fn next_char_end(text: &str, offset: usize) -> usize {
    text[offset..]
        .chars()
        .next()
        .map_or(offset, |c| offset + c.len_utf8())
}
