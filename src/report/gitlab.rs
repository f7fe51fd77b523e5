//! GitLab Code Quality reports: a JSON array of Code Climate issues, which a merge request shows
//! in its Code Quality widget and diff.
//!
//! Each issue has a `description`, the rule as `check_name`, the baseline fingerprint as
//! `fingerprint` (so GitLab tracks a finding across moves exactly as `--baseline` does), a
//! severity from GitLab's scale and the file and lines as `location`.

use std::io::{self, Write};

use serde::Serialize;

use super::{ArrayLayout, Emitter, InputReport, JsonArray, Position, Rendered, Tally};
use crate::baseline;
use crate::rules::Severity;
use crate::source::LineIndex;

/// GitLab's severity for ours: `info`, `minor`, `major`, `critical` and `blocker` exist; a
/// phrasing problem is at most a major one.
pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info | Severity::Hint => "info",
    }
}

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation<'a>,
}

#[derive(Serialize)]
struct IssueLocation<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// The Code Quality emitter: one issue per line inside the array.
#[derive(Debug)]
pub struct GitlabEmitter {
    array: JsonArray,
}

impl Default for GitlabEmitter {
    fn default() -> Self {
        GitlabEmitter {
            array: JsonArray::new(ArrayLayout {
                open: "[\n",
                separator: ",\n",
                indent: "  ",
                close: "\n]",
            }),
        }
    }
}

impl Emitter for GitlabEmitter {
    fn render(&self, report: &InputReport<'_>) -> io::Result<Rendered> {
        if report.diagnostics.is_empty() {
            return Ok(Rendered::default());
        }
        let source = report.source;
        let index = LineIndex::new(&source.text);
        let fingerprints = baseline::fingerprints(&source.name, report.diagnostics);
        let mut issues = Vec::with_capacity(report.diagnostics.len());
        for (diagnostic, fingerprint) in report.diagnostics.iter().zip(fingerprints) {
            let position = Position::of(&index, source, diagnostic);
            let mut description = diagnostic.message.clone();
            if let Some(first) = diagnostic.suggestions.first() {
                description.push_str(&format!(" → {first}"));
            }
            let issue = Issue {
                description,
                check_name: &diagnostic.rule.id,
                fingerprint,
                severity: severity(diagnostic.severity),
                location: IssueLocation {
                    path: &source.name,
                    lines: Lines {
                        begin: position.line,
                        end: position.end_line,
                    },
                },
            };
            issues.push(issue);
        }
        self.array.render(&issues)
    }

    fn write(&self, out: &mut dyn Write, rendered: &Rendered) -> io::Result<()> {
        self.array.write(out, rendered)
    }

    fn finish(&self, out: &mut dyn Write, _tally: &Tally) -> io::Result<()> {
        self.array.finish(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_form_one_array_with_distinct_fingerprints() {
        let linter = crate::Linter::builtin().unwrap();
        let emitter = GitlabEmitter::default();
        let mut out = Vec::new();
        for (name, text) in [
            (
                "a.txt",
                "You must fill in the form.\nYou must fill in the form.\n",
            ),
            ("b.txt", "Thank you.\n"),
            ("c.txt", "Hi.\nYou must fill in the form.\n"),
        ] {
            let source = crate::Source::new(name, text);
            let diagnostics = linter.check(&source);
            let rendered = emitter
                .render(&InputReport {
                    source: &source,
                    diagnostics: &diagnostics,
                })
                .unwrap();
            emitter.write(&mut out, &rendered).unwrap();
        }
        emitter.finish(&mut out, &Tally::default()).unwrap();
        let issues: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
        assert!(issues.len() >= 3, "{issues:?}");
        let mut fingerprints: Vec<&str> = issues
            .iter()
            .map(|issue| issue["fingerprint"].as_str().unwrap())
            .collect();
        fingerprints.sort_unstable();
        fingerprints.dedup();
        assert_eq!(fingerprints.len(), issues.len());
        let last = issues.last().unwrap();
        assert_eq!(last["location"]["path"], "c.txt");
        assert_eq!(last["location"]["lines"]["begin"], 2);
    }

    #[test]
    fn an_empty_report_is_an_empty_array() {
        let mut out = Vec::new();
        GitlabEmitter::default()
            .finish(&mut out, &Tally::default())
            .unwrap();
        assert_eq!(out, b"[]\n");
    }
}
