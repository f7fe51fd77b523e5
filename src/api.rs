//! The request/response API every program-facing front end calls: the MCP server
//! (`replylint mcp`), the HTTP server (`replylint serve`), JSONL streaming
//! (`replylint check --jsonl`) and grading.
//!
//! An [`Api`] wraps one [`Session`] (so the rules, placeholders and filter stage a run was
//! configured with apply to every request in the same way) and answers four questions:
//!
//! - [`Api::check`]: the findings of one text, optionally restricted by a language hint or a
//!   rule selection;
//! - [`Api::fix`]: the text fixed at a safety level, the edits applied, and what remains;
//! - [`Api::explain`]: what one rule flags, why, its examples, rewrites and source;
//! - [`Api::list_rules`]: the rules in effect, filtered by language or category.
//!
//! Requests and responses are plain serde types whose JSON is the wire format of the servers;
//! findings are [`crate::report::wire::Finding`]s (the shape of `check --format json`) with
//! their span also counted in characters. Every entry point refuses a text over
//! [`MAX_TEXT_BYTES`] with [`ApiError::TextTooLarge`] instead of checking it.
//!
//! ```
//! use replylint::api::{Api, CheckRequest, FixRequest};
//! use replylint::{Linter, Session, Settings};
//!
//! let api = Api::new(Session::new(Linter::builtin()?, Settings::default()));
//! let checked = api.check(&CheckRequest::text("你必須先填寫這張表。"))?;
//! assert_eq!(checked.findings[0].finding.rule, "zh.command.you-must");
//! // Spans come in bytes (`start`/`end`) and in characters (`char_start`/`char_end`).
//! assert_eq!(checked.findings[0].char_start, 0);
//!
//! // This rule's rewrite is display-only: suggested, never applied; a human must rephrase.
//! let fixed = api.fix(&FixRequest { unsafe_fixes: true, ..FixRequest::text("你必須先填寫這張表。") })?;
//! assert_eq!(fixed.text, "你必須先填寫這張表。");
//! assert!(fixed.need_a_human >= 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::config::selector::is_segment_prefix;
use crate::config::Profile;
use crate::diagnostic::Diagnostic;
use crate::fix::{self, FixLevel, FixOptions, Unsettled};
use crate::linter::Linter;
use crate::normalize::script::{self, ScriptEvidence};
use crate::report::wire::Finding;
use crate::rules::Rule;
use crate::session::Session;
use crate::source::Source;

/// The largest text, in bytes of UTF-8, any entry point accepts (1 MiB). A customer-service
/// reply is a few hundred characters; anything near this is a mistake, and refusing it keeps
/// a server's memory and latency bounded.
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;

/// How many restricted linters (one per distinct rule selection) are kept compiled.
const SELECTION_CACHE: usize = 16;

/// The name findings of a request's text carry in their `path` field.
pub const TEXT_NAME: &str = "<text>";

/// Why a request could not be answered. Each variant is the caller's mistake; the message says
/// what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The text is longer than [`MAX_TEXT_BYTES`].
    #[error("text is {len} bytes; the limit is {limit} bytes")]
    TextTooLarge {
        /// The text's length in bytes.
        len: usize,
        /// [`MAX_TEXT_BYTES`].
        limit: usize,
    },
    /// No rule has this id.
    #[error("no such rule `{id}`{hint}")]
    UnknownRule {
        /// The id asked for.
        id: String,
        /// ", did you mean …?" or a pointer to `list_rules`.
        hint: String,
    },
    /// A language hint that is none of the supported ones.
    #[error("unknown language `{0}`: use zh, zh-hans, zh-hant, en or lv")]
    UnknownLanguage(String),
    /// A rule selector that matches no rule in effect.
    #[error(
        "rule selector `{0}` matches no rule; use a rule id or an id prefix such as `zh.command`"
    )]
    UnknownSelector(String),
    /// The configuration (a `replylint.toml`, a rule pack) could not be loaded.
    #[error("configuration: {0}")]
    Config(String),
}

impl ApiError {
    /// A stable machine-readable code for the error: `text_too_large`, `unknown_rule`,
    /// `unknown_language` or `unknown_selector`.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::TextTooLarge { .. } => "text_too_large",
            ApiError::UnknownRule { .. } => "unknown_rule",
            ApiError::UnknownLanguage(_) => "unknown_language",
            ApiError::UnknownSelector(_) => "unknown_selector",
            ApiError::Config(_) => "config",
        }
    }
}

/// The writer's Chinese script, when the caller knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Script {
    /// Simplified Chinese (mainland China, Singapore).
    Simplified,
    /// Traditional Chinese (Taiwan, Hong Kong).
    Traditional,
}

/// The `language` values every request accepts, as a JSON Schema pattern (ECMA-262, so that
/// schema validators in any language read it alike): `zh`, `zh-hans`, `zh-hant` and the region
/// tags `zh-cn`, `zh-sg`, `zh-tw`, `zh-hk`, `en`, `lv`, in any case, with `-` or `_`.
pub const LANGUAGE_PATTERN: &str =
    "^([zZ][hH]([-_]([cC][nN]|[sS][gG]|[tT][wW]|[hH][kK]|[hH][aA][nN][sS]|[hH][aA][nN][tT]))?|[eE][nN]|[lL][vV])$";

/// A request to check one text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// The draft reply to check.
    pub text: String,
    /// Only rules of this language: `zh` (also `zh-hans`, `zh-hant`), `en` or `lv`. Without it
    /// every rule runs; a rule only fires on text in its language anyway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "server", schemars(regex(pattern = LANGUAGE_PATTERN)))]
    pub language: Option<String>,
    /// The writer's Chinese script, used for messages and rewrites when the text itself does
    /// not tell (it may use only characters both scripts share). `zh-hant`/`zh-hans` as the
    /// language imply it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<Script>,
    /// Only these rules: each entry is a rule id or an id prefix ending at a dot boundary
    /// (`zh.command` selects `zh.command.you-must`). Without it every rule in effect runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<String>>,
}

impl CheckRequest {
    /// A request for `text` with no hint and no selection.
    pub fn text(text: impl Into<String>) -> CheckRequest {
        CheckRequest {
            text: text.into(),
            ..CheckRequest::default()
        }
    }
}

/// One finding as the API returns it: the wire [`Finding`] (the shape of
/// `check --format json`, flattened into this object) plus its span counted in characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct ApiFinding {
    /// Every field of `check --format json`'s findings.
    #[serde(flatten)]
    pub finding: Finding,
    /// 0-based offset of the first character of the finding, counted in Unicode scalar values
    /// from the start of the text (what JavaScript's `Array.from(text)` indexes).
    pub char_start: usize,
    /// 0-based offset just after the last character, in the same units.
    pub char_end: usize,
}

/// The findings of one text, ordered by position, then rule id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct CheckResponse {
    /// The findings, after the filter stage.
    pub findings: Vec<ApiFinding>,
}

/// A request to fix one text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FixRequest {
    /// The draft reply to fix.
    pub text: String,
    /// Apply `unsafe` fixes too (they change meaning or register), not only `safe` ones.
    /// Display-only suggestions are never applied.
    #[serde(default, rename = "unsafe")]
    pub unsafe_fixes: bool,
    /// As in [`CheckRequest::language`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "server", schemars(regex(pattern = LANGUAGE_PATTERN)))]
    pub language: Option<String>,
    /// As in [`CheckRequest::rules`]: only these rules are fixed and reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<String>>,
}

impl FixRequest {
    /// A request to apply safe fixes to `text`.
    pub fn text(text: impl Into<String>) -> FixRequest {
        FixRequest {
            text: text.into(),
            ..FixRequest::default()
        }
    }
}

/// One edit a fix made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct AppliedEdit {
    /// The rule whose rewrite this is.
    pub rule: String,
    /// `safe` or `unsafe`.
    pub safety: String,
    /// The lint-then-fix pass it was made in, from 0.
    pub pass: usize,
    /// Byte range replaced, in the text as it was at the start of that pass (for pass 0, the
    /// request's text).
    pub start: usize,
    /// End of that byte range.
    pub end: usize,
    /// The text that was replaced.
    pub original: String,
    /// What replaced it.
    pub replacement: String,
}

/// What fixing one text did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct FixResponse {
    /// The fixed text (the request's text when nothing applied).
    pub text: String,
    /// Whether any fix applied.
    pub changed: bool,
    /// The edits, in the order they were applied.
    pub applied: Vec<AppliedEdit>,
    /// The findings the fixed text still has; their spans refer to `text` above.
    pub remaining: Vec<ApiFinding>,
    /// How many of `remaining` no fix level can resolve (no rewrite, or a display-only one):
    /// a human must rephrase them.
    pub need_a_human: usize,
    /// `null` when the text settled; `cycle` when some rules' fixes undo each other, or
    /// `pass_limit` when fixes still applied after the last pass. Either way, review the text.
    pub unsettled: Option<String>,
}

/// A request for the rules in effect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ListRulesRequest {
    /// Only rules of this language (`zh`, `en`, `lv`; `zh-hans`/`zh-hant` mean `zh`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "server", schemars(regex(pattern = LANGUAGE_PATTERN)))]
    pub language: Option<String>,
    /// Only rules of this category (`command`, `blame`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}

/// One rule in a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct RuleSummary {
    /// The rule's stable dotted id.
    pub id: String,
    /// The language its phrases are in.
    pub language: String,
    /// Its category.
    pub category: String,
    /// `error`, `warning`, `info` or `hint`.
    pub severity: String,
    /// `swap`, `avoid` or `pattern`.
    pub kind: String,
    /// How far its fix can be trusted: `safe`, `unsafe` or `display-only`.
    pub fix: String,
    /// What it says about a finding.
    pub message: String,
}

/// The rules in effect, in pack order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct RuleList {
    /// The rules that passed the filters.
    pub rules: Vec<RuleSummary>,
    /// `rules.len()`.
    pub count: usize,
}

/// A rule's own bad and good examples.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct RuleExamples {
    /// Texts the rule fires on.
    pub bad: Vec<String>,
    /// Texts it stays quiet on.
    pub good: Vec<String>,
}

/// Everything about one rule: what `replylint explain ID` prints, as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(schemars::JsonSchema))]
pub struct RuleInfo {
    /// The rule's summary fields.
    #[serde(flatten)]
    pub summary: RuleSummary,
    /// The pack that defines it.
    pub pack: String,
    /// Why the phrasing is a problem.
    pub why: String,
    /// The literal phrases it looks for (swap and avoid rules).
    pub phrases: Vec<String>,
    /// Its regular expression (pattern rules).
    pub pattern: Option<String>,
    /// Phrases it stays quiet inside.
    pub exceptions: Vec<String>,
    /// Its rewrite templates, best first; the first is the fix.
    pub rewrites: Vec<String>,
    /// Wordings to consider instead (avoid rules), never applied.
    pub instead: Vec<String>,
    /// Its examples.
    pub examples: RuleExamples,
    /// Where the guidance comes from.
    pub source: String,
}

/// A session answering check, fix, explain and list requests. `Sync`: share one across threads
/// and tasks.
#[derive(Debug)]
pub struct Api {
    session: Session,
    /// Compiled linters for recent rule selections, most recently used last.
    selections: Mutex<Vec<(Vec<String>, Arc<Linter>)>>,
}

impl Api {
    /// An API over `session`: its linter's rules and placeholders and its filter stage apply
    /// to every request.
    pub fn new(session: Session) -> Api {
        Api {
            session,
            selections: Mutex::new(Vec::new()),
        }
    }

    /// The session requests run in.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The profile requests run under: the session's profile for the working directory (its
    /// `replylint.toml`, if any, with the flags on top).
    pub fn profile(&self) -> Result<Arc<Profile>, ApiError> {
        self.session
            .default_profile()
            .map_err(|error| ApiError::Config(error.to_string()))
    }

    /// The findings of one text.
    pub fn check(&self, request: &CheckRequest) -> Result<CheckResponse, ApiError> {
        check_size(&request.text)?;
        let language = request
            .language
            .as_deref()
            .map(parse_language)
            .transpose()?;
        let profile = self.profile()?;
        let linter = self.linter_for(
            &profile,
            language.map(|(base, _)| base),
            request.rules.as_deref(),
        )?;
        let source = Source::new(TEXT_NAME, request.text.as_str());
        let linter = linter_ref(&linter, &profile);
        let mut diagnostics = profile
            .filters
            .apply_to(&source, linter.rules(), linter.find(&source))
            .diagnostics;
        let hinted = request.script.or(language.and_then(|(_, script)| script));
        if let Some(script) = hinted {
            render_in_script(&mut diagnostics, &request.text, script);
        }
        Ok(CheckResponse {
            findings: api_findings(&source, &diagnostics),
        })
    }

    /// Fixes one text at the level the request asks for; nothing is written anywhere.
    pub fn fix(&self, request: &FixRequest) -> Result<FixResponse, ApiError> {
        check_size(&request.text)?;
        let language = request
            .language
            .as_deref()
            .map(parse_language)
            .transpose()?;
        let profile = self.profile()?;
        let linter = self.linter_for(
            &profile,
            language.map(|(base, _)| base),
            request.rules.as_deref(),
        )?;
        let options = FixOptions {
            level: if request.unsafe_fixes {
                FixLevel::Unsafe
            } else {
                FixLevel::Safe
            },
            filters: profile.filters.clone(),
            max_passes: self.session.settings().max_passes,
        };
        let source = Source::new(TEXT_NAME, request.text.as_str());
        let outcome = fix::apply_fixes(linter_ref(&linter, &profile), &source, &options);
        let fixed = Source::new(TEXT_NAME, outcome.text.as_str());
        Ok(FixResponse {
            changed: outcome.changed(),
            applied: outcome
                .applied
                .iter()
                .map(|edit| AppliedEdit {
                    rule: edit.rule.id.to_string(),
                    safety: edit.safety.as_str().to_string(),
                    pass: edit.pass,
                    start: edit.range.start,
                    end: edit.range.end,
                    original: edit.original.clone(),
                    replacement: edit.replacement.clone(),
                })
                .collect(),
            remaining: api_findings(&fixed, &outcome.remaining),
            need_a_human: outcome.need_a_human(),
            unsettled: outcome.unsettled.map(|why| {
                match why {
                    Unsettled::Cycle => "cycle",
                    Unsettled::PassLimit => "pass_limit",
                    Unsettled::Unreadable => "unreadable",
                }
                .to_string()
            }),
            text: outcome.text,
        })
    }

    /// The rule selectors requests may name (`rules`), as a JSON Schema pattern: every id in
    /// effect and every prefix of one ending at a dot boundary, with any number of trailing
    /// dots, exactly what [`Api::check`] accepts. Servers put it in the schemas they publish.
    pub fn selector_pattern(&self) -> Result<String, ApiError> {
        let profile = self.profile()?;
        let mut selectors = std::collections::BTreeSet::new();
        for rule in profile.linter.rules().rules() {
            let id: &str = &rule.id;
            selectors.extend(
                id.match_indices('.')
                    .map(|(at, _)| &id[..at])
                    .chain([id])
                    .filter(|prefix| !prefix.is_empty()),
            );
        }
        let escaped: Vec<String> = selectors
            .iter()
            .map(|selector| {
                selector.chars().fold(String::new(), |mut out, c| {
                    if "^$\\.*+?()[]{}|/".contains(c) {
                        out.push('\\');
                    }
                    out.push(c);
                    out
                })
            })
            .collect();
        Ok(format!("^({})\\.*$", escaped.join("|")))
    }

    /// Everything about the rule `id`.
    pub fn explain(&self, id: &str) -> Result<RuleInfo, ApiError> {
        let profile = self.profile()?;
        let rules = profile.linter.rules();
        match rules.rule(id) {
            Some(rule) => Ok(rule_info(rule)),
            None => {
                let near: Vec<&str> = rules
                    .rules()
                    .map(|rule| &*rule.id)
                    .filter(|known| !id.is_empty() && (known.contains(id) || id.contains(*known)))
                    .take(5)
                    .collect();
                let hint = if near.is_empty() {
                    "; list_rules gives every id".to_string()
                } else {
                    format!("; did you mean {}?", near.join(", "))
                };
                Err(ApiError::UnknownRule {
                    id: id.to_string(),
                    hint,
                })
            }
        }
    }

    /// The rules in effect that pass the request's filters.
    pub fn list_rules(&self, request: &ListRulesRequest) -> Result<RuleList, ApiError> {
        let language = request
            .language
            .as_deref()
            .map(parse_language)
            .transpose()?;
        let profile = self.profile()?;
        let rules: Vec<RuleSummary> = profile
            .linter
            .rules()
            .rules()
            .filter(|rule| language.is_none_or(|(base, _)| rule_language_base(rule) == base))
            .filter(|rule| {
                request
                    .category
                    .as_deref()
                    .is_none_or(|wanted| rule.category == wanted)
            })
            .map(|rule| rule_summary(rule))
            .collect();
        Ok(RuleList {
            count: rules.len(),
            rules,
        })
    }

    /// The linter for a request: the session's own when nothing is restricted, otherwise a
    /// compiled subset, cached by the rule ids it keeps.
    fn linter_for(
        &self,
        profile: &Profile,
        language: Option<&'static str>,
        selectors: Option<&[String]>,
    ) -> Result<Option<Arc<Linter>>, ApiError> {
        if language.is_none() && selectors.is_none() {
            return Ok(None);
        }
        let rules = profile.linter.rules();
        if let Some(selectors) = selectors {
            for selector in selectors {
                if !rules.rules().any(|rule| selects(selector, &rule.id)) {
                    return Err(ApiError::UnknownSelector(selector.clone()));
                }
            }
        }
        let keep = |rule: &Rule| {
            language.is_none_or(|base| rule_language_base(rule) == base)
                && selectors.is_none_or(|selectors| selectors.iter().any(|s| selects(s, &rule.id)))
        };
        let ids: Vec<String> = rules
            .rules()
            .filter(|rule| keep(rule))
            .map(|rule| rule.id.to_string())
            .collect();
        let mut cache = self
            .selections
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(position) = cache.iter().position(|(known, _)| *known == ids) {
            let entry = cache.remove(position);
            let linter = entry.1.clone();
            cache.push(entry);
            return Ok(Some(linter));
        }
        // Compiling happens under the lock so that a burst of identical requests compiles once.
        let linter = Arc::new(profile.linter.restricted(keep));
        if cache.len() >= SELECTION_CACHE {
            cache.remove(0);
        }
        cache.push((ids, linter.clone()));
        Ok(Some(linter))
    }
}

fn linter_ref<'a>(restricted: &'a Option<Arc<Linter>>, profile: &'a Profile) -> &'a Linter {
    restricted.as_deref().unwrap_or(&profile.linter)
}

fn check_size(text: &str) -> Result<(), ApiError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(ApiError::TextTooLarge {
            len: text.len(),
            limit: MAX_TEXT_BYTES,
        });
    }
    Ok(())
}

/// A language hint as `(base language, implied script)`.
fn parse_language(hint: &str) -> Result<(&'static str, Option<Script>), ApiError> {
    match hint.to_ascii_lowercase().replace('_', "-").as_str() {
        "zh" | "zh-cn" => Ok(("zh", None)),
        "zh-hans" | "zh-sg" => Ok(("zh", Some(Script::Simplified))),
        "zh-hant" | "zh-tw" | "zh-hk" => Ok(("zh", Some(Script::Traditional))),
        "en" => Ok(("en", None)),
        "lv" => Ok(("lv", None)),
        _ => Err(ApiError::UnknownLanguage(hint.to_string())),
    }
}

fn rule_language_base(rule: &Rule) -> &str {
    rule.language.split('-').next().unwrap_or_default()
}

/// Whether `selector` (an id, or a prefix ending at a dot boundary) selects `id`.
fn selects(selector: &str, id: &str) -> bool {
    is_segment_prefix(selector.trim_end_matches('.'), id)
}

/// Renders Chinese messages and rewrites in the hinted script when the text itself gave the
/// engine no verdict (the engine then keeps the rules' own Simplified wording).
fn render_in_script(diagnostics: &mut [Diagnostic], text: &str, script: Script) {
    // Rules are written in Simplified, so only a Traditional hint changes anything.
    if script != Script::Traditional || ScriptEvidence::of(text).verdict().is_some() {
        return;
    }
    for diagnostic in diagnostics {
        if !diagnostic.rule.adapts_chinese_script() {
            continue;
        }
        diagnostic.message = script::to_traditional(&diagnostic.message);
        for suggestion in &mut diagnostic.suggestions {
            *suggestion = script::to_traditional(suggestion);
        }
        for alternative in &mut diagnostic.alternatives {
            *alternative = script::to_traditional(alternative);
        }
        if let Some(fix) = &mut diagnostic.fix {
            fix.replacement = script::to_traditional(&fix.replacement);
        }
    }
}

/// The API form of one source's diagnostics: wire findings with character offsets, computed
/// in one pass over the text however many findings there are.
pub fn api_findings(source: &Source, diagnostics: &[Diagnostic]) -> Vec<ApiFinding> {
    let findings = Finding::all(source, diagnostics);
    // Byte offsets to convert, in order; diagnostics are sorted by start but not by end.
    let mut offsets: Vec<usize> = findings.iter().flat_map(|f| [f.start, f.end]).collect();
    offsets.sort_unstable();
    offsets.dedup();
    let mut chars = Vec::with_capacity(offsets.len());
    let (mut byte, mut count) = (0usize, 0usize);
    for &offset in &offsets {
        let offset = offset.min(source.text.len());
        count += source
            .text
            .get(byte..offset)
            .map_or(0, |s| s.chars().count());
        byte = offset;
        chars.push(count);
    }
    let char_of = |offset: usize| chars[offsets.binary_search(&offset).unwrap_or(0)];
    findings
        .into_iter()
        .map(|finding| ApiFinding {
            char_start: char_of(finding.start),
            char_end: char_of(finding.end),
            finding,
        })
        .collect()
}

/// The listing form of a rule.
pub fn rule_summary(rule: &Rule) -> RuleSummary {
    RuleSummary {
        id: rule.id.to_string(),
        language: rule.language.to_string(),
        category: rule.category.to_string(),
        severity: rule.severity.as_str().to_string(),
        kind: rule.kind.as_str().to_string(),
        fix: rule.fix.as_str().to_string(),
        message: rule.message.to_string(),
    }
}

/// Everything about a rule, as data.
pub fn rule_info(rule: &Rule) -> RuleInfo {
    let strings = |items: &[crate::rules::RuleText]| items.iter().map(|s| s.to_string()).collect();
    RuleInfo {
        summary: rule_summary(rule),
        pack: rule.pack.to_string(),
        why: rule.why.to_string(),
        phrases: strings(&rule.phrases),
        pattern: rule
            .pattern
            .as_ref()
            .map(|pattern| pattern.source.to_string()),
        exceptions: strings(&rule.exceptions),
        rewrites: rule.rewrites.iter().map(|t| t.source.to_string()).collect(),
        instead: strings(&rule.instead),
        examples: RuleExamples {
            bad: strings(&rule.examples.bad),
            good: strings(&rule.examples.good),
        },
        source: rule.source.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Settings;

    fn api() -> Api {
        Api::new(Session::new(
            Linter::builtin().unwrap(),
            Settings::default(),
        ))
    }

    /// The published patterns say exactly what the API accepts, so a schema-driven client (or
    /// fuzzer) never sends a "valid" request that is refused, nor an invalid one that passes.
    #[test]
    fn published_patterns_agree_with_what_requests_accept() {
        let language = regex::Regex::new(LANGUAGE_PATTERN).unwrap();
        for hint in [
            "zh", "ZH", "zh-hans", "zh_Hant", "zh-TW", "zh-hk", "zh-cn", "zh-sg", "en", "En", "lv",
            "", "zh-", "zh-hantx", "eng", "lv-lv", " en", "fr",
        ] {
            assert_eq!(
                language.is_match(hint),
                parse_language(hint).is_ok(),
                "language {hint:?}"
            );
        }
        let api = api();
        let selectors = regex::Regex::new(&api.selector_pattern().unwrap()).unwrap();
        for selector in [
            "zh",
            "zh.",
            "zh.command",
            "zh.command..",
            "zh.command.you-must",
            "en",
            "zh.comm",
            "",
            ".",
            "zh.command.you-must.x",
            "zh.command.you_must",
            "ZH",
            "zh.*",
            "category:blame",
        ] {
            let accepted = api
                .check(&CheckRequest {
                    rules: Some(vec![selector.to_string()]),
                    ..CheckRequest::text("你必须先填表。")
                })
                .is_ok();
            assert_eq!(
                selectors.is_match(selector),
                accepted,
                "selector {selector:?}"
            );
        }
    }

    #[test]
    fn check_matches_the_session_and_counts_characters() {
        let api = api();
        let text = "您好!你必须先填表。";
        let response = api.check(&CheckRequest::text(text)).unwrap();
        let direct = api.session().check_text(text).unwrap();
        assert_eq!(response.findings.len(), direct.len());
        let first = &response.findings[0];
        assert_eq!(first.finding.start, text.find('你').unwrap());
        assert_eq!(first.char_start, 3);
        let chars: Vec<char> = text.chars().collect();
        let by_chars: String = chars[first.char_start..first.char_end].iter().collect();
        assert_eq!(by_chars, first.finding.text);
    }

    #[test]
    fn selection_and_language_restrict_rules() {
        let api = api();
        let text = "你必须先填表。You must fill in the form.";
        let all = api.check(&CheckRequest::text(text)).unwrap().findings;
        assert!(all.iter().any(|f| f.finding.rule.starts_with("zh.")));
        assert!(all.iter().any(|f| f.finding.rule.starts_with("en.")));
        let english = api
            .check(&CheckRequest {
                language: Some("en".into()),
                ..CheckRequest::text(text)
            })
            .unwrap()
            .findings;
        assert!(!english.is_empty());
        assert!(english.iter().all(|f| f.finding.rule.starts_with("en.")));
        let selected = api
            .check(&CheckRequest {
                rules: Some(vec!["zh.command".into()]),
                ..CheckRequest::text(text)
            })
            .unwrap()
            .findings;
        assert!(!selected.is_empty());
        assert!(selected
            .iter()
            .all(|f| f.finding.rule.starts_with("zh.command.")));
        let unknown = api.check(&CheckRequest {
            rules: Some(vec!["zh.comm".into()]),
            ..CheckRequest::text(text)
        });
        assert_eq!(
            unknown.unwrap_err(),
            ApiError::UnknownSelector("zh.comm".into())
        );
    }

    #[test]
    fn oversized_text_is_refused() {
        let text = "a".repeat(MAX_TEXT_BYTES + 1);
        let error = api().check(&CheckRequest::text(text)).unwrap_err();
        assert_eq!(error.code(), "text_too_large");
    }

    #[test]
    fn fix_reports_edits_and_what_remains() {
        let api = api();
        let text = "你必须先填表。";
        let safe = api.fix(&FixRequest::text(text)).unwrap();
        let unsafe_ = api
            .fix(&FixRequest {
                unsafe_fixes: true,
                ..FixRequest::text(text)
            })
            .unwrap();
        assert!(unsafe_.applied.len() >= safe.applied.len());
        for response in [&safe, &unsafe_] {
            assert_eq!(response.changed, !response.applied.is_empty());
            for finding in &response.remaining {
                assert_eq!(
                    &response.text[finding.finding.start..finding.finding.end],
                    finding.finding.text
                );
            }
        }
    }

    #[test]
    fn explain_and_list() {
        let api = api();
        let info = api.explain("zh.command.you-must").unwrap();
        assert_eq!(info.summary.id, "zh.command.you-must");
        assert!(!info.examples.bad.is_empty());
        let error = api.explain("zh.command.you-mus").unwrap_err();
        assert_eq!(error.code(), "unknown_rule");
        assert!(error.to_string().contains("did you mean"), "{error}");
        assert!(error.to_string().contains("zh.command.you-must"), "{error}");
        let listed = api
            .list_rules(&ListRulesRequest {
                language: Some("zh-hant".into()),
                category: None,
            })
            .unwrap();
        assert_eq!(listed.count, listed.rules.len());
        assert!(listed
            .rules
            .iter()
            .all(|rule| rule.language.starts_with("zh")));
    }

    #[test]
    fn traditional_hint_renders_rewrites_when_the_text_does_not_tell() {
        let api = api();
        // A bad example written only in characters both scripts share: the engine alone answers
        // in the rules' Simplified.
        let profile = api.profile().unwrap();
        let text = profile
            .linter
            .rules()
            .rules()
            .filter(|rule| rule.adapts_chinese_script())
            .flat_map(|rule| rule.examples.bad.iter())
            .find(|bad| {
                ScriptEvidence::of(bad).verdict().is_none()
                    && api
                        .check(&CheckRequest::text(bad.to_string()))
                        .unwrap()
                        .findings
                        .iter()
                        .any(|f| {
                            f.finding
                                .suggestions
                                .iter()
                                .any(|s| script::to_traditional(s) != *s)
                        })
            })
            .expect("a built-in bad example in shared characters")
            .to_string();
        let plain = api.check(&CheckRequest::text(text.clone())).unwrap();
        let hinted = api
            .check(&CheckRequest {
                language: Some("zh-hant".into()),
                ..CheckRequest::text(text)
            })
            .unwrap();
        assert_eq!(plain.findings.len(), hinted.findings.len());
        for (plain, hinted) in plain.findings.iter().zip(&hinted.findings) {
            let expected: Vec<String> = plain
                .finding
                .suggestions
                .iter()
                .map(|s| script::to_traditional(s))
                .collect();
            assert_eq!(hinted.finding.suggestions, expected);
        }
    }
}
