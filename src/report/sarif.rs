//! SARIF 2.1.0, the format GitHub code scanning and other code-review tools read.
//!
//! One run per report: `tool.driver.rules` describes every rule that has a result (sorted by
//! id), and each result carries its rule id, level, message, region (columns counted in Unicode
//! code points, as the run declares with `columnKind`), the fix `--fix` would apply when the
//! rule's fix is safe or unsafe (display-only rewrites stay in the message), and the baseline
//! fingerprint as a partial fingerprint, so code scanning tracks a finding across moves exactly
//! as `--baseline` does.
//!
//! A SARIF log is one JSON document whose rule list depends on every result, so results are
//! rendered in parallel as usual but the document is written once, by [`Emitter::finish`].

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;

use super::{Emitter, InputReport, Rendered, Tally};
use crate::baseline;
use crate::diagnostic::Diagnostic;
use crate::rules::{reference, FixSafety, Rule, Severity};
use crate::source::{LineIndex, Source};

/// The schema the log declares.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The key of the baseline fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "replylintFingerprint/v1";

/// Where the generated rule reference (`docs/rules/<pack>.md`) of the built-in packs is
/// published, for each rule's `helpUri`. Rules of other packs have no published page.
#[derive(Debug, Clone, Default)]
pub struct RuleDocs {
    /// The URL of the `docs/rules/` folder, ending in `/`.
    pub base: String,
    /// The packs that have a page there.
    pub packs: BTreeSet<String>,
}

impl RuleDocs {
    fn help_uri(&self, rule: &Rule) -> Option<String> {
        self.packs.contains(rule.pack.as_ref()).then(|| {
            format!(
                "{}{}.md#{}",
                self.base,
                rule.pack,
                reference::anchor(&rule.id)
            )
        })
    }
}

/// The SARIF emitter.
#[derive(Debug, Default)]
pub struct SarifEmitter {
    /// The tool's version, as `tool.driver.version`.
    pub version: String,
    /// The tool's home page, as `tool.driver.informationUri`.
    pub information_uri: Option<String>,
    pub rule_docs: Option<RuleDocs>,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Every rule that has a result, by id.
    rules: BTreeMap<String, Arc<Rule>>,
    /// The rendered results in input order, each already indented for its place.
    results: Vec<u8>,
    result_count: usize,
}

impl SarifEmitter {
    pub fn new(
        version: impl Into<String>,
        information_uri: Option<String>,
        rule_docs: Option<RuleDocs>,
    ) -> SarifEmitter {
        SarifEmitter {
            version: version.into(),
            information_uri,
            rule_docs,
            state: Mutex::default(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is only ever appended to, so a panic elsewhere leaves it usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Indentation of a result inside the log (`runs[0].results[i]`).
const RESULT_INDENT: &str = "        ";
/// Indentation of the tool object inside the log (`runs[0].tool`).
const TOOL_INDENT: &str = "      ";

impl Emitter for SarifEmitter {
    fn render(&self, report: &InputReport<'_>) -> io::Result<Rendered> {
        let results = results(report.source, report.diagnostics);
        let mut bytes = Vec::new();
        for (index, result) in results.iter().enumerate() {
            if index > 0 {
                bytes.extend_from_slice(b",\n");
            }
            bytes.extend_from_slice(RESULT_INDENT.as_bytes());
            bytes.extend_from_slice(indented(&to_pretty(result)?, RESULT_INDENT).as_bytes());
        }
        if !report.diagnostics.is_empty() {
            let mut state = self.state();
            for diagnostic in report.diagnostics {
                state
                    .rules
                    .entry(diagnostic.rule.id.to_string())
                    .or_insert_with(|| diagnostic.rule.clone());
            }
        }
        Ok(Rendered {
            bytes,
            items: results.len(),
        })
    }

    fn write(&self, _out: &mut dyn Write, rendered: &Rendered) -> io::Result<()> {
        if rendered.items == 0 {
            return Ok(());
        }
        let mut state = self.state();
        if state.result_count > 0 {
            state.results.extend_from_slice(b",\n");
        }
        state.results.extend_from_slice(&rendered.bytes);
        state.result_count += rendered.items;
        Ok(())
    }

    fn finish(&self, out: &mut dyn Write, _tally: &Tally) -> io::Result<()> {
        let state = self.state();
        let tool = Tool {
            driver: Driver {
                name: "replylint",
                version: &self.version,
                semantic_version: &self.version,
                information_uri: self.information_uri.as_deref(),
                rules: state
                    .rules
                    .values()
                    .map(|rule| descriptor(rule, self.rule_docs.as_ref()))
                    .collect(),
            },
        };
        writeln!(out, "{{")?;
        writeln!(
            out,
            "  \"$schema\": {},",
            serde_json::to_string(SCHEMA_URI)?
        )?;
        writeln!(out, "  \"version\": \"2.1.0\",")?;
        writeln!(out, "  \"runs\": [")?;
        writeln!(out, "    {{")?;
        writeln!(
            out,
            "{TOOL_INDENT}\"tool\": {},",
            indented(&to_pretty(&tool)?, TOOL_INDENT)
        )?;
        writeln!(out, "{TOOL_INDENT}\"columnKind\": \"unicodeCodePoints\",")?;
        if state.result_count == 0 {
            writeln!(out, "{TOOL_INDENT}\"results\": []")?;
        } else {
            writeln!(out, "{TOOL_INDENT}\"results\": [")?;
            out.write_all(&state.results)?;
            writeln!(out, "\n{TOOL_INDENT}]")?;
        }
        writeln!(out, "    }}")?;
        writeln!(out, "  ]")?;
        writeln!(out, "}}")
    }
}

fn to_pretty(value: &impl Serialize) -> io::Result<String> {
    serde_json::to_string_pretty(value).map_err(io::Error::other)
}

/// Pretty JSON moved right by `indent` on every line but the first (JSON strings never hold a
/// raw line break, so only structure is touched).
fn indented(json: &str, indent: &str) -> String {
    json.replace('\n', &format!("\n{indent}"))
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'a str,
    version: &'a str,
    semantic_version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'a str>,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

fn text(text: impl Into<String>) -> Text {
    Text { text: text.into() }
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleProperties {
    /// GitHub code scanning filters by tags.
    tags: Vec<String>,
    /// replylint's own severity: SARIF has no level for a hint.
    severity: &'static str,
    fix_safety: &'static str,
}

/// The SARIF level of a severity: SARIF has `note` for both of replylint's mildest levels.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// `en.blame.you-are-wrong` → `EnBlameYouAreWrong`: SARIF's friendly rule names are single
/// Pascal-case identifiers.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_alphanumeric())
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .into_iter()
                .flat_map(char::to_uppercase)
                .chain(chars)
        })
        .collect()
}

fn descriptor(rule: &Rule, docs: Option<&RuleDocs>) -> ReportingDescriptor {
    let rewrites: Vec<&str> = rule.rewrites.iter().map(|t| &*t.source).collect();
    let instead: Vec<&str> = rule.instead.iter().map(AsRef::as_ref).collect();
    let mut help_text = format!("{}\n\n{}", rule.message, rule.why);
    let mut help_markdown = format!("{}\n\n{}", rule.message, rule.why);
    if !rewrites.is_empty() {
        help_text.push_str(&format!("\n\nRewrite: {}", rewrites.join(" | ")));
        help_markdown.push_str(&format!("\n\n**Rewrite:** {}", code_list(&rewrites)));
    }
    if !instead.is_empty() {
        help_text.push_str(&format!("\n\nSay instead: {}", instead.join(" | ")));
        help_markdown.push_str(&format!("\n\n**Say instead:** {}", code_list(&instead)));
    }
    if let (Some(bad), Some(good)) = (rule.examples.bad.first(), rule.examples.good.first()) {
        help_text.push_str(&format!("\n\nFlagged: {bad}\nFine: {good}"));
        help_markdown.push_str(&format!("\n\n- ✗ {bad}\n- ✓ {good}"));
    }
    if !rule.source.is_empty() {
        help_text.push_str(&format!("\n\nSource: {}", rule.source));
        help_markdown.push_str(&format!("\n\n*Source:* {}", rule.source));
    }
    ReportingDescriptor {
        id: rule.id.to_string(),
        name: pascal_case(&rule.id),
        short_description: text(rule.message.as_ref()),
        full_description: text(format!("{}\n\n{}", rule.message, rule.why)),
        help: Help {
            text: help_text,
            markdown: help_markdown,
        },
        help_uri: docs.and_then(|docs| docs.help_uri(rule)),
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        properties: RuleProperties {
            tags: vec![
                rule.category.to_string(),
                rule.language.to_string(),
                rule.pack.to_string(),
            ],
            severity: rule.severity.as_str(),
            fix_safety: rule.fix.as_str(),
        },
    }
}

fn code_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|item| format!("`{}`", item.replace('`', "'")))
        .collect::<Vec<_>>()
        .join(" · ")
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    properties: ResultProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    /// The same place in bytes: unambiguous for any consumer, whatever it counts columns in.
    byte_offset: usize,
    byte_length: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: Vec<ArtifactChange>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties {
    /// replylint's own severity (the level folds hint and info into `note`).
    severity: &'static str,
    category: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suggestions: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    alternatives: Vec<String>,
}

fn region(
    source: &Source,
    index: &LineIndex,
    range: std::ops::Range<usize>,
    snippet: bool,
) -> Region {
    let (start_line, start_column) = index.line_column(&source.text, range.start);
    let (end_line, end_column) = index.line_column(&source.text, range.end);
    Region {
        start_line,
        start_column,
        end_line,
        end_column,
        byte_offset: range.start,
        byte_length: range.len(),
        snippet: snippet.then(|| text(&source.text[range])),
    }
}

/// The results of one input, in the diagnostics' order.
fn results(source: &Source, diagnostics: &[Diagnostic]) -> Vec<SarifResult> {
    if diagnostics.is_empty() {
        return Vec::new();
    }
    let index = LineIndex::new(&source.text);
    let artifact = artifact_location(&source.name);
    let fingerprints = baseline::fingerprints(&source.name, diagnostics);
    diagnostics
        .iter()
        .zip(fingerprints)
        .map(|(diagnostic, fingerprint)| {
            let mut message = diagnostic.message.clone();
            if let Some(first) = diagnostic.suggestions.first() {
                message.push_str(&format!(" Suggested rewrite: “{first}”."));
            }
            let fixes = diagnostic
                .fix
                .iter()
                .filter(|fix| fix.safety != FixSafety::DisplayOnly)
                .map(|fix| SarifFix {
                    description: text(match fix.safety {
                        FixSafety::Safe => format!("Replace with “{}”", fix.replacement),
                        _ => format!(
                            "Replace with “{}” (unsafe: changes meaning or register; review it)",
                            fix.replacement
                        ),
                    }),
                    artifact_changes: vec![ArtifactChange {
                        artifact_location: artifact.clone(),
                        replacements: vec![Replacement {
                            deleted_region: region(source, &index, fix.range.clone(), false),
                            inserted_content: text(fix.replacement.as_str()),
                        }],
                    }],
                })
                .collect();
            SarifResult {
                rule_id: diagnostic.rule.id.to_string(),
                level: level(diagnostic.severity),
                message: text(message),
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: artifact.clone(),
                        region: region(source, &index, diagnostic.span.clone(), true),
                    },
                }],
                fixes,
                partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint)]),
                properties: ResultProperties {
                    severity: diagnostic.severity.as_str(),
                    category: diagnostic.rule.category.to_string(),
                    suggestions: diagnostic.suggestions.clone(),
                    alternatives: diagnostic.alternatives.clone(),
                },
            }
        })
        .collect()
}

/// The artifact location of an input name: a relative path becomes a URI reference relative to
/// the checkout (`%SRCROOT%`, as code scanning expects), an absolute one a `file:` URI.
fn artifact_location(name: &str) -> ArtifactLocation {
    let path = if cfg!(windows) {
        name.replace('\\', "/")
    } else {
        name.to_string()
    };
    if let Some(absolute) = path.strip_prefix('/') {
        return ArtifactLocation {
            uri: format!("file:///{}", percent_encode(absolute)),
            uri_base_id: None,
        };
    }
    let mut relative = path.as_str();
    while let Some(rest) = relative.strip_prefix("./") {
        relative = rest;
    }
    ArtifactLocation {
        uri: percent_encode(relative),
        uri_base_id: Some("%SRCROOT%"),
    }
}

/// Percent-encodes everything but unreserved characters and `/`, byte by byte (RFC 3986), so
/// that spaces, `#`, `%` and non-ASCII names make a valid URI.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Linter;

    fn log(text: &str, docs: Option<RuleDocs>) -> serde_json::Value {
        let linter = Linter::builtin().unwrap();
        let source = Source::new("replies/a b.txt", text);
        let diagnostics = linter.check(&source);
        let emitter = SarifEmitter::new("1.2.3", None, docs);
        let rendered = emitter
            .render(&InputReport {
                source: &source,
                diagnostics: &diagnostics,
            })
            .unwrap();
        let mut out = Vec::new();
        emitter.write(&mut out, &rendered).unwrap();
        emitter.finish(&mut out, &Tally::default()).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn results_carry_region_fingerprint_and_rule_descriptor() {
        let log = log(
            "Hello.\nYou must fill in the form.\n",
            Some(RuleDocs {
                base: "https://example.org/docs/rules/".into(),
                packs: crate::RuleSet::builtin()
                    .unwrap()
                    .packs
                    .iter()
                    .map(|pack| pack.name.clone())
                    .collect(),
            }),
        );
        let run = &log["runs"][0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let result = &run["results"][0];
        let rule_id = result["ruleId"].as_str().unwrap();
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "replies/a%20b.txt");
        assert_eq!(location["region"]["startLine"], 2);
        assert_eq!(location["region"]["startColumn"], 1);
        assert_eq!(
            result["partialFingerprints"][FINGERPRINT_KEY],
            baseline::fingerprints(
                "replies/a b.txt",
                &Linter::builtin()
                    .unwrap()
                    .check(&Source::new("x", "Hello.\nYou must fill in the form.\n"))
            )[0]
        );
        let rule = &run["tool"]["driver"]["rules"][0];
        assert_eq!(rule["id"], rule_id);
        let help_uri = rule["helpUri"].as_str().unwrap();
        assert!(
            help_uri.starts_with("https://example.org/docs/rules/en-")
                && help_uri.ends_with(&format!(".md#{}", rule_id.replace('.', ""))),
            "{help_uri}"
        );
    }

    #[test]
    fn an_empty_run_is_still_a_log() {
        let log = log("Thank you for waiting.\n", None);
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
        assert_eq!(
            log["runs"][0]["tool"]["driver"]["rules"],
            serde_json::json!([])
        );
    }

    #[test]
    fn uris_are_encoded_and_based() {
        let relative = artifact_location("./回复/a#1.txt");
        assert_eq!(relative.uri, "%E5%9B%9E%E5%A4%8D/a%231.txt");
        assert_eq!(relative.uri_base_id, Some("%SRCROOT%"));
        let absolute = artifact_location("/tmp/a.txt");
        assert_eq!(absolute.uri, "file:///tmp/a.txt");
        assert_eq!(absolute.uri_base_id, None);
    }

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(pascal_case("en.blame.you-are-wrong"), "EnBlameYouAreWrong");
        assert_eq!(pascal_case("zh.command.you-must"), "ZhCommandYouMust");
    }
}
