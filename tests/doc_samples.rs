//! The output samples in README.md and docs/*.md are what the tool prints, so they cannot drift.
//!
//! - A ```` ```console ```` block holds commands, each on a line starting with `$ `, each followed
//!   by its output (standard output and standard error, as a terminal shows them). The command
//!   runs in `sh` from the repository root with the freshly built `replylint` first on `PATH`.
//!   A last output line of just `…` means "truncated here": only the lines above it are
//!   compared, with the start of the real output.
//! - A ```` ```json ```` block right after an HTML comment `<!-- output of: COMMAND -->` must
//!   parse as an array, and its elements must be, as JSON values and in order, the elements of
//!   COMMAND's output with the same `rule` (so a sample can show a few findings of many, laid out
//!   for reading).
//!
//! A drifted console sample fails with a diff of the document; `REPLYLINT_BLESS=1 cargo test
//! --test doc_samples` writes the real output into it (tests/support/mod.rs). JSON samples are
//! laid out by hand, so they only fail, with a diff of the findings.

#![cfg(unix)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod support;

const TRUNCATED: &str = "…";
const JSON_MARKER: &str = "<!-- output of: ";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every Markdown file directly under docs/ (docs/rules/ is generated and has
/// its own test).
fn documents() -> Vec<PathBuf> {
    let mut documents = vec![root().join("README.md")];
    let mut docs: Vec<PathBuf> = fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    docs.sort();
    documents.extend(docs);
    documents
}

/// What `command` prints, standard error merged into standard output the way a terminal shows
/// them.
fn run(command: &str) -> String {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_replylint"));
    let mut path = std::ffi::OsString::from(binary.parent().unwrap());
    if let Some(system) = std::env::var_os("PATH") {
        path.push(":");
        path.push(system);
    }
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("{{ {command}\n}} 2>&1"))
        .current_dir(root())
        .env("PATH", path)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .unwrap_or_else(|error| panic!("cannot run sh for `{command}`: {error}"));
    String::from_utf8(output.stdout)
        .unwrap_or_else(|_| panic!("`{command}` printed something that is not UTF-8"))
}

/// The document with the output of every console sample replaced by the real output (keeping a
/// truncated sample truncated at the same line count), and how many commands it ran.
fn with_real_console_output(text: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut commands = 0;
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        if line.trim() != "```console" {
            continue;
        }
        let indent = &line[..line.len() - line.trim_start().len()];
        // The block's lines up to its closing fence.
        let mut block: Vec<&str> = Vec::new();
        let mut closing = None;
        for line in lines.by_ref() {
            if line.trim() == "```" {
                closing = Some(line);
                break;
            }
            block.push(line);
        }
        let closing = closing.expect("a console block is closed");
        let mut index = 0;
        while index < block.len() {
            let line = block[index];
            let Some(command) = line.trim_start().strip_prefix("$ ") else {
                panic!("a console block starts with a `$ ` command line, not {line:?}");
            };
            commands += 1;
            out.push_str(line);
            index += 1;
            let mut sample = Vec::new();
            while index < block.len() && !block[index].trim_start().starts_with("$ ") {
                sample.push(block[index]);
                index += 1;
            }
            let truncated = sample
                .last()
                .filter(|last| last.trim() == TRUNCATED)
                .copied();
            let shown = sample.len() - usize::from(truncated.is_some());
            let real = run(command.trim_end());
            let real_lines: Vec<&str> = real.split_inclusive('\n').collect();
            let kept = if truncated.is_some() {
                shown.min(real_lines.len())
            } else {
                real_lines.len()
            };
            for real_line in &real_lines[..kept] {
                let content = real_line.trim_end_matches('\n');
                if content.is_empty() {
                    out.push('\n');
                } else {
                    out.push_str(indent);
                    out.push_str(content);
                    out.push('\n');
                }
            }
            if let Some(truncated) = truncated {
                out.push_str(truncated);
            }
        }
        out.push_str(closing);
    }
    (out, commands)
}

#[test]
fn console_samples_show_the_real_output() {
    let mut commands = 0;
    let mut failures = Vec::new();
    for document in documents() {
        let text = fs::read_to_string(&document).unwrap();
        let (real, ran) = with_real_console_output(&text);
        commands += ran;
        failures.extend(support::check_golden(&document, real).err());
    }
    assert!(
        commands >= 1,
        "no console samples found: the test would check nothing"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every ```json block after an `<!-- output of: … -->` comment: (command, block text).
fn json_samples(text: &str) -> Vec<(String, String)> {
    let mut samples = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(rest) = line.trim().strip_prefix(JSON_MARKER) else {
            continue;
        };
        let command = rest
            .strip_suffix("-->")
            .expect("the marker comment ends on its line")
            .trim()
            .to_string();
        let fence = lines.next().unwrap_or_default();
        assert_eq!(
            fence.trim(),
            "```json",
            "`{line}` must be followed by a ```json block"
        );
        let block: Vec<&str> = lines
            .by_ref()
            .take_while(|line| line.trim() != "```")
            .collect();
        samples.push((command, block.join("\n")));
    }
    samples
}

#[test]
fn json_samples_are_real_findings() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for document in documents() {
        let text = fs::read_to_string(&document).unwrap();
        for (command, block) in json_samples(&text) {
            checked += 1;
            let sample: Value = serde_json::from_str(&block).unwrap_or_else(|error| {
                panic!(
                    "{}: the sample of `{command}` is not JSON: {error}",
                    document.display()
                )
            });
            let sample = sample
                .as_array()
                .expect("a JSON sample is an array")
                .clone();
            let output = run(&command);
            let real: Value = serde_json::from_str(&output).unwrap_or_else(|error| {
                panic!("`{command}` did not print JSON ({error}):\n{output}")
            });
            let shown_rules: Vec<&Value> = sample.iter().map(|finding| &finding["rule"]).collect();
            let real: Vec<Value> = real
                .as_array()
                .expect("the output is an array")
                .iter()
                .filter(|finding| shown_rules.contains(&&finding["rule"]))
                .cloned()
                .collect();
            if sample != real {
                let pretty = |value: &[Value]| serde_json::to_string_pretty(value).unwrap();
                failures.push(format!(
                    "{}: the JSON sample of `{command}` is not what it prints (findings of the \
                     same rules):\n{}",
                    document.display(),
                    support::diff(pretty(&sample).as_bytes(), pretty(&real).as_bytes())
                ));
            }
        }
    }
    assert!(
        checked >= 1,
        "no JSON samples found: docs/json-output.md should have one"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

const PACK_MARKER: &str = "<!-- tested pack -->";

/// The ```` ```yaml ```` block after each `<!-- tested pack -->` marker.
fn tested_packs(text: &str) -> Vec<String> {
    text.match_indices(PACK_MARKER)
        .map(|(at, _)| {
            let rest = &text[at + PACK_MARKER.len()..];
            let body = rest
                .trim_start()
                .strip_prefix("```yaml\n")
                .unwrap_or_else(|| panic!("{PACK_MARKER} must be followed by a ```yaml block"));
            body[..body.find("```").expect("unterminated ```yaml block")].to_string()
        })
        .collect()
}

/// A pack shown as complete in the docs loads, and every one of its examples passes the
/// self-test, so the documented rule language cannot drift from the loader.
#[test]
fn documented_packs_load_and_pass_their_examples() {
    let mut checked = 0;
    for document in documents() {
        let text = fs::read_to_string(&document).unwrap();
        for pack in tested_packs(&text) {
            let origin = replylint::rules::PackOrigin::File(document.clone());
            let pack = replylint::rules::load_pack(&pack, origin)
                .unwrap_or_else(|error| panic!("{error}"));
            let mut rules = replylint::RuleSet::default();
            rules.add(pack).unwrap();
            let report = replylint::selftest::run(&replylint::Linter::new(rules), |_| true);
            assert!(
                report.failures.is_empty(),
                "{}: {:#?}",
                document.display(),
                report.failures
            );
            checked += 1;
        }
    }
    assert!(checked >= 1, "docs/rules.md should show a tested pack");
}
