//! Reading one pack file and checking everything that can be checked before matching.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use super::classes::{self, Classes, Piece};
use super::error::{RewriteError, RuleProblem};
use super::kinds::{self, KindBehaviour, Need};
use super::pattern::Pattern;
use super::template::{Template, TemplatePart};
use super::{
    ClassUse, Examples, FixSafety, Literals, PackOrigin, Reach, Rule, RuleError, RuleKind,
    RulePack, Sequence, Severity, Texts, Unless, WordBreaks,
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
    #[serde(default)]
    classes: Option<ClassesField>,
    rules: Spanned<Vec<RuleFile>>,
}

pub(crate) type ClassesField = Spanned<BTreeMap<String, Spanned<Vec<Spanned<String>>>>>;

/// A `classes.yaml` file: classes shared by every pack of one language.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassesFile {
    language: Spanned<String>,
    classes: ClassesField,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnlessFile {
    phrases: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    then: Option<Spanned<UnlessThen>>,
    #[serde(default)]
    reach: Option<Reach>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum UnlessThen {
    Skip,
    Hint,
    Info,
    Warning,
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
    #[serde(default)]
    unless: Option<Spanned<UnlessFile>>,
    #[serde(default, rename = "when-subject")]
    when_subject: Option<Vec<Spanned<String>>>,
    #[serde(default, rename = "unless-subject")]
    unless_subject: Option<Vec<Spanned<String>>>,
    #[serde(default, rename = "in-quotes")]
    in_quotes: Option<bool>,
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
    fn error(&mut self, span: Range<usize>, problem: impl Into<RuleProblem>) -> RuleError {
        let text = self
            .shared_text
            .get_or_insert_with(|| Arc::from(self.text))
            .clone();
        let end = span.end.min(text.len());
        RuleError {
            origin: self.origin.clone(),
            span: span.start.min(end)..end,
            text,
            problem: problem.into(),
        }
    }
}

/// Classes shared by the packs of each language: the built-in `rules/<language>/classes.yaml`,
/// extended by the classes files of the folders a run loads.
#[derive(Debug, Clone, Default)]
pub struct SharedClasses {
    by_language: HashMap<String, Classes>,
}

impl SharedClasses {
    /// The built-in languages' classes.
    pub fn builtin() -> &'static SharedClasses {
        static BUILTIN: OnceLock<SharedClasses> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let mut shared = SharedClasses::default();
            for (language, classes) in super::builtin::classes() {
                shared.extend(language, &classes);
            }
            shared
        })
    }

    /// Adds `classes` to `language`'s, replacing classes of the same name.
    pub fn extend(&mut self, language: &str, classes: &Classes) {
        let entry = self.by_language.entry(language.to_string()).or_default();
        *entry = entry.overlaid(classes);
    }

    /// The classes of `language`; a pack of `zh-tw` also sees those of `zh`.
    pub fn for_language(&self, language: &str) -> Classes {
        let base = language.split('-').next().unwrap_or(language);
        let mut classes = self.by_language.get(base).cloned().unwrap_or_default();
        if base != language {
            if let Some(own) = self.by_language.get(language) {
                classes = classes.overlaid(own);
            }
        }
        classes
    }
}

/// Parses and validates one pack file, with the built-in classes of its language.
pub fn load_pack(text: &str, origin: PackOrigin) -> Result<RulePack, RuleError> {
    load_pack_with(text, origin, SharedClasses::builtin())
}

/// Parses and validates a `classes.yaml` file: its language and classes.
pub fn load_classes(text: &str, origin: PackOrigin) -> Result<(String, Classes), RuleError> {
    let mut reporter = Reporter {
        origin: origin.to_string(),
        text,
        shared_text: None,
    };
    let file: ClassesFile = yaml::from_str(text).map_err(|error| {
        let offset = error.offset.unwrap_or(0).min(text.len());
        let end = next_char_end(text, offset);
        reporter.error(offset..end, RuleProblem::Yaml(error.message))
    })?;
    let language = file.language.value.trim().to_string();
    if language.is_empty() {
        return Err(reporter.error(file.language.span, RuleProblem::EmptyLanguage));
    }
    let classes = checked_classes(&mut reporter, &file.classes)?;
    Ok((language, classes))
}

fn checked_classes(reporter: &mut Reporter, field: &ClassesField) -> Result<Classes, RuleError> {
    let mut classes = Classes::new();
    for (name, members) in &field.value {
        if !classes::valid_class_name(name) {
            return Err(reporter.error(field.span.clone(), RuleProblem::BadClassName(name.clone())));
        }
        if members.value.is_empty() {
            return Err(reporter.error(members.span.clone(), RuleProblem::EmptyClass(name.clone())));
        }
        let mut checked = Vec::with_capacity(members.value.len());
        for member in &members.value {
            let literal = matches!(
                classes::pieces(&member.value).as_deref(),
                Ok([Piece::Text(_)])
            );
            if !literal {
                return Err(reporter.error(
                    member.span.clone(),
                    RuleProblem::MemberNotLiteral(member.value.clone()),
                ));
            }
            if normalize::normalize(member.value.trim()).is_empty() {
                return Err(reporter.error(
                    member.span.clone(),
                    RuleProblem::EmptyPhrase("class member"),
                ));
            }
            checked.push(member.value.trim().to_string());
        }
        classes.insert(name.clone(), checked);
    }
    Ok(classes)
}

/// Parses and validates one pack file; `{class}` references resolve against the pack's own
/// `classes`, then `shared`'s for the pack's language.
pub fn load_pack_with(
    text: &str,
    origin: PackOrigin,
    shared: &SharedClasses,
) -> Result<RulePack, RuleError> {
    let mut reporter = Reporter {
        origin: origin.to_string(),
        text,
        shared_text: None,
    };
    let file: PackFile = yaml::from_str(text).map_err(|error| {
        let offset = error.offset.unwrap_or(0).min(text.len());
        let end = next_char_end(text, offset);
        reporter.error(offset..end, RuleProblem::Yaml(error.message))
    })?;

    check_name(&mut reporter, &file.pack, "pack name")?;
    let language = file.language.value.trim().to_string();
    if language.is_empty() {
        return Err(reporter.error(file.language.span, RuleProblem::EmptyLanguage));
    }

    let mut classes = shared.for_language(&language);
    if let Some(own) = &file.classes {
        classes = classes.overlaid(&checked_classes(&mut reporter, own)?);
    }

    let mut seen_ids = HashSet::new();
    let mut rules = Vec::with_capacity(file.rules.value.len());
    let mut id_spans = Vec::with_capacity(file.rules.value.len());
    for raw in file.rules.value {
        if !seen_ids.insert(raw.id.value.clone()) {
            let problem = RuleProblem::DuplicateIdInPack(raw.id.value.clone());
            return Err(reporter.error(raw.id.span, problem));
        }
        id_spans.push(raw.id.span.clone());
        let rule = build_rule(&mut reporter, raw, &file.pack.value, &language, &classes)?;
        rules.push(Arc::new(rule));
    }
    if rules.is_empty() {
        return Err(reporter.error(file.rules.span, RuleProblem::NoRules));
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

/// What of a pack clashes with a pack loaded before it.
pub(super) enum Clash<'a> {
    PackName,
    RuleId(&'a str),
}

pub(super) fn duplicate_error(pack: &RulePack, clash: Clash, problem: RuleProblem) -> RuleError {
    let span = match clash {
        Clash::PackName => pack.spans.name.clone(),
        Clash::RuleId(id) => pack
            .rules
            .iter()
            .position(|rule| rule.id == id)
            .and_then(|index| pack.spans.rule_ids.get(index).cloned())
            .unwrap_or(0..0),
    };
    RuleError {
        origin: pack.origin.to_string(),
        text: pack.spans.text.clone(),
        span,
        problem,
    }
}

/// The checks every rule gets, whatever its kind; what differs between kinds is asked of the
/// kind's module ([`kinds::KindBehaviour`]).
fn build_rule(
    reporter: &mut Reporter,
    raw: RuleFile,
    pack: &str,
    language: &str,
    classes: &Classes,
) -> Result<Rule, RuleError> {
    check_id(reporter, &raw.id)?;
    let mut expander = Expander {
        classes,
        latvian: language == "lv" || language.starts_with("lv-"),
        used: Vec::new(),
        word_breaks: Vec::new(),
    };
    check_name(reporter, &raw.category, "category")?;
    for (field, value) in [
        ("message", &raw.message),
        ("why", &raw.why),
        ("source", &raw.source),
    ] {
        if value.value.trim().is_empty() {
            return Err(reporter.error(value.span.clone(), RuleProblem::EmptyField(field)));
        }
    }

    let kind = raw.kind.value;
    let clause = raw.clause.as_ref().is_some_and(|clause| clause.value);
    if let Some(clause_field) = &raw.clause {
        if clause_field.value && kind != RuleKind::Swap {
            return Err(reporter.error(
                clause_field.span.clone(),
                RuleProblem::FieldNotForKind("`clause: true` only applies to `swap` rules"),
            ));
        }
    }
    let behaviour = kinds::behaviour(kind, clause);
    let missing = |field| RuleProblem::MissingField {
        kind: kind.as_str(),
        field,
    };

    let phrases = match (&raw.phrases, behaviour.phrases()) {
        (Some(phrases), Need::Refused(instead)) => {
            return Err(reporter.error(phrases.span.clone(), RuleProblem::FieldNotForKind(instead)))
        }
        (Some(phrases), _) => {
            if phrases.value.is_empty() {
                return Err(
                    reporter.error(phrases.span.clone(), RuleProblem::EmptyField("phrases"))
                );
            }
            checked_phrases(reporter, &phrases.value, "phrase")?
        }
        (None, Need::Required) => {
            return Err(reporter.error(raw.kind.span.clone(), missing("phrases")))
        }
        (None, _) => Vec::new(),
    };

    let mut normalized_phrases = Vec::new();
    let mut sequences = Vec::new();
    if let Some(spanned) = &raw.phrases {
        for (phrase, item) in phrases.iter().zip(&spanned.value) {
            let expanded = expander
                .expand(phrase)
                .map_err(|problem| reporter.error(item.span.clone(), problem))?;
            if expanded.len() == 1 {
                normalized_phrases.extend(expanded.into_iter().flatten());
            } else if kind != RuleKind::Avoid {
                return Err(reporter.error(item.span.clone(), RuleProblem::GapNeedsAvoid));
            } else {
                sequences.push(expanded);
            }
        }
    }

    let pattern = match (&raw.pattern, behaviour.pattern()) {
        (Some(pattern), Need::Refused(instead)) => {
            return Err(reporter.error(pattern.span.clone(), RuleProblem::FieldNotForKind(instead)))
        }
        (Some(pattern), _) => {
            let (expanded, used) =
                classes::expand_in_pattern(&pattern.value, classes, normalize::normalize)
                    .map_err(|problem| reporter.error(pattern.span.clone(), problem))?;
            expander.note_used(&used);
            let latvian = expander.latvian;
            Some(
                Pattern::with_expansion(&pattern.value, &expanded, |normalized| {
                    if latvian {
                        classes::latvian_pattern(normalized)
                    } else {
                        normalized.to_string()
                    }
                })
                .map_err(|problem| reporter.error(pattern.span.clone(), problem))?,
            )
        }
        (None, Need::Required) => {
            return Err(reporter.error(raw.kind.span.clone(), missing("pattern")))
        }
        (None, _) => None,
    };

    let mut rewrite_spans = Vec::new();
    let rewrites = match (&raw.rewrite, behaviour.rewrite()) {
        (Some(rewrite), Need::Refused(instead)) => {
            return Err(reporter.error(rewrite.span.clone(), RuleProblem::FieldNotForKind(instead)))
        }
        (Some(rewrite), _) => {
            if rewrite.value.is_empty() {
                return Err(
                    reporter.error(rewrite.span.clone(), RuleProblem::EmptyField("rewrite"))
                );
            }
            let mut templates = Vec::new();
            for item in &rewrite.value {
                templates.push(checked_template(
                    reporter,
                    item,
                    behaviour,
                    pattern.as_ref(),
                )?);
                rewrite_spans.push(item.span.clone());
            }
            templates
        }
        (None, Need::Required) => {
            return Err(reporter.error(raw.kind.span.clone(), missing("rewrite")))
        }
        (None, _) => Vec::new(),
    };

    let fix = match &raw.fix {
        Some(fix) => behaviour
            .fix(Some(fix.value))
            .map_err(|problem| reporter.error(fix.span.clone(), problem))?,
        None => behaviour
            .fix(None)
            .map_err(|problem| reporter.error(raw.kind.span.clone(), problem))?,
    };
    for (template, span) in rewrites.iter().zip(&rewrite_spans) {
        behaviour
            .check_rewrite(template, fix)
            .map_err(|problem| reporter.error(span.clone(), problem))?;
    }

    let exceptions = match &raw.exceptions {
        Some(exceptions) => checked_phrases(reporter, exceptions, "exception")?,
        None => Vec::new(),
    };
    let exception_keys = match &raw.exceptions {
        Some(items) => expander.literal_keys(reporter, &exceptions, items)?,
        None => Vec::new(),
    };

    let unless = match &raw.unless {
        None => None,
        Some(unless) => {
            let written = checked_phrases(reporter, &unless.value.phrases.value, "phrase")?;
            let keys = expander.literal_keys(reporter, &written, &unless.value.phrases.value)?;
            let then = match unless
                .value
                .then
                .as_ref()
                .map(|then| (then.value, then.span.clone()))
            {
                None | Some((UnlessThen::Skip, _)) => None,
                Some((then, span)) => {
                    let severity = match then {
                        UnlessThen::Hint => Severity::Hint,
                        UnlessThen::Info => Severity::Info,
                        _ => Severity::Warning,
                    };
                    if severity >= raw.severity {
                        return Err(
                            reporter.error(span, RuleProblem::BadUnlessSeverity(raw.severity))
                        );
                    }
                    Some(severity)
                }
            };
            Some(Unless {
                phrases: literals(written, keys),
                reach: unless.value.reach.unwrap_or(Reach::NextSentence),
                then,
            })
        }
    };
    let mut subject = |items: &Option<Vec<Spanned<String>>>| -> Result<Literals, RuleError> {
        let Some(items) = items else {
            return Ok(Literals::default());
        };
        let written = checked_phrases(reporter, items, "subject")?;
        let keys = expander.literal_keys(reporter, &written, items)?;
        Ok(literals(written, keys))
    };
    let when_subject = subject(&raw.when_subject)?;
    let unless_subject = subject(&raw.unless_subject)?;

    if raw.examples.value.bad.is_empty() || raw.examples.value.good.is_empty() {
        return Err(reporter.error(raw.examples.span.clone(), RuleProblem::MissingExamples));
    }

    fn owned(items: Vec<String>) -> Texts {
        items.into_iter().map(Cow::Owned).collect()
    }
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
        normalized_phrases: owned(normalized_phrases),
        phrases: owned(phrases),
        pattern,
        rewrites: rewrites.into(),
        instead: owned(raw.instead.unwrap_or_default()),
        clause,
        normalized_exceptions: owned(exception_keys),
        exceptions: owned(exceptions),
        fix,
        examples: Examples {
            bad: owned(raw.examples.value.bad),
            good: owned(raw.examples.value.good),
        },
        sequences: sequences
            .into_iter()
            .map(|expanded| Sequence {
                gaps: expanded.gaps.into(),
                parts: expanded.parts.into_iter().map(owned).collect(),
            })
            .collect(),
        unless,
        when_subject,
        unless_subject,
        in_quotes: raw.in_quotes.unwrap_or(false),
        word_breaks: std::mem::take(&mut expander.word_breaks)
            .into_iter()
            .map(|(key, at)| WordBreaks {
                key: key.into(),
                at: at.into(),
            })
            .collect(),
        classes: expander
            .used
            .iter()
            .map(|name| ClassUse {
                name: name.clone().into(),
                members: owned(classes.get(name).unwrap_or_default().to_vec()),
            })
            .collect(),
    })
}

fn literals(written: Vec<String>, keys: Vec<String>) -> Literals {
    Literals {
        written: written.into_iter().map(Cow::Owned).collect(),
        keys: keys.into_iter().map(Cow::Owned).collect(),
    }
}

/// Turns phrases as written into what the matcher looks for: classes expanded, each variant
/// normalised, and for Latvian each variant also without diacritics.
struct Expander<'a> {
    classes: &'a Classes,
    latvian: bool,
    /// The classes used so far, in order of first use.
    used: Vec<String>,
    /// Keys written with `|` word-boundary marks, and where the marks were (byte offsets in
    /// the key).
    word_breaks: Vec<(String, Vec<u16>)>,
}

/// `text` normalised piece by piece between `|` marks, and the offsets of the marks in the
/// result.
fn with_word_breaks(text: &str, normalize: impl Fn(&str) -> String) -> (String, Vec<u16>) {
    let mut key = String::with_capacity(text.len());
    let mut breaks = Vec::new();
    let mut pieces = text.split('|').peekable();
    while let Some(piece) = pieces.next() {
        key.push_str(&normalize(piece));
        if pieces.peek().is_some() {
            breaks.push(u16::try_from(key.len()).unwrap_or(u16::MAX));
        }
    }
    (key, breaks)
}

/// The sequence a phrase denotes: its parts, each a list of normalised literal variants, and
/// the gaps between them.
struct ExpandedPhrase {
    parts: Vec<Vec<String>>,
    gaps: Vec<u8>,
}

impl ExpandedPhrase {
    fn len(&self) -> usize {
        self.parts.len()
    }
}

impl IntoIterator for ExpandedPhrase {
    type Item = Vec<String>;
    type IntoIter = std::vec::IntoIter<Vec<String>>;
    fn into_iter(self) -> Self::IntoIter {
        self.parts.into_iter()
    }
}

impl Expander<'_> {
    fn note_used(&mut self, names: &[String]) {
        for name in names {
            if !self.used.contains(name) {
                self.used.push(name.clone());
            }
        }
    }

    fn expand(&mut self, phrase: &str) -> Result<ExpandedPhrase, RuleProblem> {
        let expanded = classes::expand(phrase, self.classes)?;
        self.note_used(&expanded.classes_used);
        let mut parts = Vec::with_capacity(expanded.parts.len());
        for variants in expanded.parts {
            let mut keys: Vec<String> = Vec::with_capacity(variants.len());
            let mut seen = HashSet::new();
            for variant in variants {
                let (key, breaks) = with_word_breaks(variant.trim(), normalize::normalize);
                if key.is_empty() {
                    return Err(RuleProblem::EmptyPhrase("phrase"));
                }
                let folded = if self.latvian {
                    classes::latvian_without_diacritics(&key).map(|_| {
                        with_word_breaks(variant.trim(), |piece| {
                            let piece = normalize::normalize(piece);
                            classes::latvian_without_diacritics(&piece).unwrap_or(piece)
                        })
                    })
                } else {
                    None
                };
                for (key, breaks) in std::iter::once((key, breaks)).chain(folded) {
                    if !breaks.is_empty() {
                        self.word_breaks.push((key.clone(), breaks));
                    }
                    if seen.insert(key.clone()) {
                        keys.push(key);
                    }
                }
            }
            parts.push(keys);
        }
        Ok(ExpandedPhrase {
            parts,
            gaps: expanded.gaps,
        })
    }

    /// The keys of texts that may use classes but not gaps.
    fn literal_keys(
        &mut self,
        reporter: &mut Reporter,
        written: &[String],
        items: &[Spanned<String>],
    ) -> Result<Vec<String>, RuleError> {
        let mut keys = Vec::new();
        for (text, item) in written.iter().zip(items) {
            let expanded = self
                .expand(text)
                .map_err(|problem| reporter.error(item.span.clone(), problem))?;
            if expanded.len() != 1 {
                return Err(reporter.error(item.span.clone(), RuleProblem::GapNotAllowed));
            }
            keys.extend(expanded.into_iter().flatten());
        }
        Ok(keys)
    }
}

/// What shows one move of a grading rubric (`crate::grade`), with spans into the rubric file:
/// its phrases (with classes and gaps) and exceptions, or one pattern. It becomes an ordinary
/// rule, so a move is recognised by the same normalisation, classes, sequences and automaton as
/// a fault.
pub(crate) struct Recognizer<'a> {
    /// The rule id the move's matches come back under.
    pub id: String,
    /// Where errors about the move as a whole point (its `id`).
    pub span: Range<usize>,
    pub phrases: Option<&'a Spanned<Vec<Spanned<String>>>>,
    pub pattern: Option<&'a Spanned<String>>,
    pub exceptions: Option<&'a [Spanned<String>]>,
    pub message: String,
    pub source: String,
}

/// The classes a rubric's phrases see: the built-in ones of its language under its own.
pub(crate) fn rubric_classes(
    text: &str,
    origin: &str,
    language: &str,
    own: Option<&ClassesField>,
) -> Result<Classes, RuleError> {
    let mut reporter = Reporter {
        origin: origin.to_string(),
        text,
        shared_text: None,
    };
    let mut classes = SharedClasses::builtin().for_language(language);
    if let Some(own) = own {
        classes = classes.overlaid(&checked_classes(&mut reporter, own)?);
    }
    Ok(classes)
}

fn spanned<T>(value: T, span: &Range<usize>) -> Spanned<T> {
    Spanned {
        value,
        span: span.clone(),
    }
}

/// Builds the rule that recognises one move, checked like a pack's rule (an `avoid` rule for
/// phrases, a `pattern` rule for a pattern); errors point into the rubric's `text`.
pub(crate) fn recognizer_rule(
    text: &str,
    origin: &str,
    pack: &str,
    language: &str,
    classes: &Classes,
    spec: Recognizer,
) -> Result<Rule, RuleError> {
    let mut reporter = Reporter {
        origin: origin.to_string(),
        text,
        shared_text: None,
    };
    let span = spec.span.clone();
    let at = |value: String| spanned(value, &span);
    let is_pattern = spec.pattern.is_some();
    let kind = if is_pattern {
        RuleKind::Pattern
    } else {
        RuleKind::Avoid
    };
    let raw = RuleFile {
        id: at(spec.id),
        kind: spanned(kind, &span),
        category: at("move".to_string()),
        severity: Severity::Info,
        message: at(spec.message),
        why: at("-".to_string()),
        source: at(spec.source),
        phrases: spec.phrases.cloned(),
        pattern: spec.pattern.cloned(),
        // A pattern rule must have a rewrite; a recognised move is never rewritten.
        rewrite: is_pattern.then(|| spanned(vec![at("-".to_string())], &span)),
        instead: None,
        clause: None,
        exceptions: spec.exceptions.map(<[_]>::to_vec),
        fix: is_pattern.then(|| spanned(FixSafety::DisplayOnly, &span)),
        unless: None,
        when_subject: None,
        unless_subject: None,
        // A move quoted back to the customer still shows it.
        in_quotes: Some(true),
        // Rubric examples are whole replies, checked by the grader's own tests.
        examples: spanned(
            ExamplesFile {
                bad: vec![String::new()],
                good: vec![String::new()],
            },
            &span,
        ),
    };
    let mut rule = build_rule(&mut reporter, raw, pack, language, classes)?;
    rule.examples = Examples::default();
    Ok(rule)
}

fn check_id(reporter: &mut Reporter, id: &Spanned<String>) -> Result<(), RuleError> {
    let segment_ok = |segment: &str| {
        segment.starts_with(is_id_char) && segment.chars().all(|c| is_id_char(c) || c == '-')
    };
    if id.value.split('.').count() >= 2 && id.value.split('.').all(segment_ok) {
        Ok(())
    } else {
        Err(reporter.error(id.span.clone(), RuleProblem::BadId(id.value.clone())))
    }
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

fn check_name(
    reporter: &mut Reporter,
    name: &Spanned<String>,
    what: &'static str,
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
            RuleProblem::BadName {
                what,
                name: name.value.clone(),
            },
        ))
    }
}

fn checked_phrases(
    reporter: &mut Reporter,
    phrases: &[Spanned<String>],
    what: &'static str,
) -> Result<Vec<String>, RuleError> {
    let mut checked = Vec::with_capacity(phrases.len());
    for phrase in phrases {
        if normalize::normalize(phrase.value.trim()).is_empty() {
            return Err(reporter.error(phrase.span.clone(), RuleProblem::EmptyPhrase(what)));
        }
        checked.push(phrase.value.trim().to_string());
    }
    Ok(checked)
}

fn checked_template(
    reporter: &mut Reporter,
    item: &Spanned<String>,
    behaviour: &dyn KindBehaviour,
    pattern: Option<&Pattern>,
) -> Result<Template, RuleError> {
    let template = Template::parse(&item.value)
        .map_err(|error| reporter.error(item.span.clone(), RewriteError::Syntax(error)))?;
    if template.parts.is_empty() {
        return Err(reporter.error(item.span.clone(), RuleProblem::EmptyRewrite));
    }
    for part in &template.parts {
        if let TemplatePart::Literal(_) = part {
            continue;
        }
        behaviour
            .check_hole(part, pattern)
            .map_err(|problem| reporter.error(item.span.clone(), problem))?;
    }
    Ok(template)
}

fn next_char_end(text: &str, offset: usize) -> usize {
    text[offset..]
        .chars()
        .next()
        .map_or(offset, |c| offset + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::error::PatternError;

    const PACK: &str = "\
pack: t
language: en
rules:
  - id: t.x.one
    kind: swap
    category: x
    severity: warning
    message: m
    why: w
    source: s
    phrases: [you must]
    clause: true
    rewrite: [\"please ${rest}\"]
    fix: unsafe
    examples: {bad: [you must wait], good: [please wait]}
";

    fn load(text: &str) -> Result<RulePack, RuleError> {
        load_pack(text, PackOrigin::File("t.yaml".into()))
    }

    #[test]
    fn a_valid_clause_rule_loads() {
        let pack = load(PACK).unwrap();
        assert!(pack.rules[0].clause);
    }

    /// Issue 10: a clause rule's fix replaces the whole clause, so an applicable rewrite that
    /// does not carry `${rest}` would delete the writer's text.
    #[test]
    fn a_clause_fix_that_drops_the_rest_is_refused_where_it_is_written() {
        let pack = PACK.replace("[\"please ${rest}\"]", "[\"please ${rest}\", please wait.]");
        let error = load(&pack).unwrap_err();
        assert_eq!(
            error.problem,
            RuleProblem::Rewrite(RewriteError::DropsRestOfClause)
        );
        assert!(
            error
                .to_string()
                .starts_with("t.yaml:13:33: invalid rewrite: a clause rule's fix"),
            "{error}"
        );
        // A suggestion that is never applied deletes nothing.
        let display_only = pack.replace("fix: unsafe", "fix: display-only");
        assert!(load(&display_only).is_ok());
    }

    #[test]
    fn a_pattern_beyond_the_engine_limits_is_a_load_error() {
        let pack = PACK
            .replace("kind: swap", "kind: pattern")
            .replace("phrases: [you must]", "pattern: 'a{100000}'")
            .replace("    clause: true\n", "")
            .replace("[\"please ${rest}\"]", "[b]");
        let error = load(&pack).unwrap_err();
        assert!(matches!(
            error.problem,
            RuleProblem::Pattern(PatternError::BeyondEngineLimits { .. })
        ));
        assert!(
            error
                .to_string()
                .starts_with("t.yaml:11:14: invalid pattern: it can never match"),
            "{error}"
        );
    }

    /// The wording of each problem is its `Display`; the loader never builds messages itself.
    #[test]
    fn kind_specific_fields_are_refused_with_a_hint() {
        let cases = [
            (
                PACK.replace("kind: swap", "kind: avoid"),
                "t.yaml:12:13: `clause: true` only applies to `swap` rules",
            ),
            (
                PACK.replace("    clause: true\n", "")
                    .replace("kind: swap", "kind: avoid"),
                "t.yaml:12:14: an `avoid` rule has no rewrite; use `instead` for suggestions, or \
                 make it a `swap`",
            ),
            (
                PACK.replace("    rewrite: [\"please ${rest}\"]\n", ""),
                "t.yaml:5:11: a `swap` rule needs `rewrite`",
            ),
            (
                PACK.replace("    fix: unsafe\n", ""),
                "t.yaml:5:11: say how safe the rewrite is: `fix: safe`, `unsafe` or `display-only`",
            ),
            (
                PACK.replace("[\"please ${rest}\"]", "[\"please $3\"]"),
                "t.yaml:13:15: invalid rewrite: capture groups only exist in `pattern` rules",
            ),
        ];
        for (pack, expected) in cases {
            assert_eq!(load(&pack).unwrap_err().to_string(), expected);
        }
    }
}
