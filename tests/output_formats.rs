//! SARIF, GitHub and GitLab output, `--statistics` and `--output-file`, through the real binary on
//! a small library (`tests/fixtures/outputs/library/`: a file name with a comma and a percent
//! sign, a Chinese file name, Traditional and Simplified text, a repeated finding, a clean file).
//! The reports are pinned as golden files; regenerate them with
//! `REPLYLINT_BLESS=1 cargo test --test output_formats` and review the diff.

use std::path::Path;
use std::process::Output;

mod support;

use support::fixtures;

/// `replylint check` on the library with the two demo packs, run from the fixture folder so that
/// paths are relative.
fn check(args: &[&str]) -> Output {
    support::demo_check()
        .current_dir(fixtures().join("outputs"))
        .args(args)
        .output()
        .unwrap()
}

// A local stand-in for the shared golden-file helper of the `tests` branch (tests/support), with
// the same convention: REPLYLINT_BLESS=1 rewrites the expected file, anything else compares.
fn assert_golden(expected: &Path, actual: &[u8]) {
    if std::env::var_os("REPLYLINT_BLESS").is_some_and(|value| value == "1") {
        std::fs::write(expected, actual).unwrap();
        return;
    }
    let on_disk = std::fs::read(expected).unwrap_or_default();
    assert!(
        on_disk == actual,
        "{} differs from the output; review and bless with \
         `REPLYLINT_BLESS=1 cargo test --test output_formats`:\n--- expected\n{}\n--- actual\n{}",
        expected.display(),
        String::from_utf8_lossy(&on_disk),
        String::from_utf8_lossy(actual)
    );
}

fn golden(format: &str, expected: &str) -> Output {
    let output = check(&["--format", format, "library"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_golden(&fixtures().join("outputs").join(expected), &output.stdout);
    output
}

#[test]
fn sarif_matches_the_golden_file() {
    let output = golden("sarif", "expected.sarif");
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    // Every result's rule is described, once.
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| rule["id"].as_str().unwrap())
        .collect();
    for result in results {
        assert!(rules.contains(&result["ruleId"].as_str().unwrap()));
    }
    let mut sorted = rules.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted, rules);
    // The safe fix of 等一下 is offered as a replacement of exactly the finding's text.
    let safe = results
        .iter()
        .find(|result| result["ruleId"] == "demo.waiting.thanks")
        .expect("the safe-fix finding");
    let replacement = &safe["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "請您稍等一下");
    assert_eq!(
        replacement["deletedRegion"]["startColumn"],
        safe["locations"][0]["physicalLocation"]["region"]["startColumn"]
    );
    // A display-only rewrite is no fix.
    assert!(results
        .iter()
        .filter(|result| result["ruleId"] == "demo.command.you-must")
        .all(|result| result.get("fixes").is_none()));
}

#[test]
fn github_matches_the_golden_file() {
    let output = golden("github", "expected.github.txt");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("file=library/billing/refunds%2C 50%25 off.txt,line=2,"));
    assert!(text.lines().all(|line| line.starts_with("::")));
}

#[test]
fn gitlab_matches_the_golden_file() {
    let output = golden("gitlab", "expected.gitlab.json");
    let issues: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let repeated: Vec<&serde_json::Value> = issues
        .iter()
        .filter(|issue| issue["location"]["path"] == "library/repeated.txt")
        .collect();
    assert_eq!(repeated.len(), 2);
    assert_ne!(repeated[0]["fingerprint"], repeated[1]["fingerprint"]);
}

#[test]
fn statistics_replace_the_findings_in_human_and_json_form() {
    let human = check(&["--statistics", "library"]);
    assert_eq!(human.status.code(), Some(1));
    assert_golden(
        &fixtures().join("outputs/expected.statistics.txt"),
        &human.stdout,
    );
    let json = check(&["--statistics", "--format", "json", "library"]);
    assert_eq!(json.status.code(), Some(1));
    assert_golden(
        &fixtures().join("outputs/expected.statistics.json"),
        &json.stdout,
    );
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let findings = check(&["--format", "json", "library"]);
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&findings.stdout).unwrap();
    assert_eq!(report["total"], findings.len());
}

#[test]
fn output_file_takes_the_report_and_the_terminal_keeps_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("replylint.sarif");
    std::fs::write(&report, "an older report").unwrap();
    let output = check(&[
        "--format",
        "sarif",
        "--statistics",
        "--output-file",
        report.to_str().unwrap(),
        "library",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let written = std::fs::read(&report).unwrap();
    assert_eq!(
        written,
        std::fs::read(fixtures().join("outputs/expected.sarif")).unwrap()
    );
    // The statistics on stdout, the summary on stderr.
    assert_eq!(
        output.stdout,
        std::fs::read(fixtures().join("outputs/expected.statistics.txt")).unwrap()
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("Found 7 problems") && stderr.contains("replylint.sarif"),
        "{stderr}"
    );
    // Nothing else is left in the folder (no temporary file).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn output_file_in_json_mode_reports_the_summary_as_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("findings.json");
    let output = check(&[
        "--format",
        "json",
        "--output-file",
        report.to_str().unwrap(),
        "library",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let findings: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&output.stderr).unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["problems"], findings.len());
}

#[test]
fn an_output_file_that_cannot_be_written_is_an_error_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("missing/replylint.sarif");
    let output = check(&[
        "--format",
        "sarif",
        "--output-file",
        report.to_str().unwrap(),
        "library",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("missing/replylint.sarif"), "{stderr}");
    assert!(!report.exists());
}

#[test]
fn a_clean_library_gives_empty_reports() {
    for (format, expected) in [("gitlab", "[]\n"), ("github", "")] {
        let output = check(&["--format", format, "library/clean.txt"]);
        assert_eq!(output.status.code(), Some(0));
        assert_eq!(String::from_utf8(output.stdout).unwrap(), expected);
    }
    let sarif = check(&["--format", "sarif", "library/clean.txt"]);
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}
