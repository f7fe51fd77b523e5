//! `--format sarif` output is valid against the official SARIF 2.1.0 JSON schema, vendored in
//! `tests/fixtures/sarif/` (see its README for source and licence), formats included: the
//! golden log, an empty one and one from the built-in packs on every language, all produced by
//! the real binary.

use std::path::Path;

use assert_cmd::Command;

mod support;

use support::fixtures;

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_slice(
        &std::fs::read(fixtures().join("sarif/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, log: &[u8], what: &str) {
    let log: serde_json::Value =
        serde_json::from_slice(log).unwrap_or_else(|error| panic!("{what}: not JSON: {error}"));
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} breaks the SARIF schema:\n{}",
        errors.join("\n")
    );
}

fn sarif(current_dir: &Path, args: &[&str], stdin: &str) -> Vec<u8> {
    let output = Command::cargo_bin("replylint")
        .unwrap()
        .current_dir(current_dir)
        .args(["check", "--format", "sarif"])
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    assert!(
        output.status.code().is_some_and(|code| code < 2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

#[test]
fn the_schema_rejects_a_broken_log() {
    // Guards the test itself: a schema that accepted anything would prove nothing.
    let validator = validator();
    let broken =
        serde_json::json!({"version": "2.1.0", "runs": [{"results": [{"level": "loud"}]}]});
    assert!(!validator.is_valid(&broken));
    // Formats are checked too: a relative help URI is no `uri`.
    let mut log: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixtures().join("outputs/expected.sarif")).unwrap())
            .unwrap();
    assert!(validator.is_valid(&log));
    log["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = "docs/rules/x.md".into();
    assert!(!validator.is_valid(&log));
}

#[test]
fn the_golden_log_is_valid() {
    let validator = validator();
    let log = std::fs::read(fixtures().join("outputs/expected.sarif")).unwrap();
    assert!(!log.is_empty(), "bless tests/output_formats.rs first");
    assert_valid(&validator, &log, "tests/fixtures/outputs/expected.sarif");
}

#[test]
fn logs_from_the_builtin_packs_are_valid() {
    let validator = validator();
    let dir = tempfile::tempdir().unwrap();
    let drafts = [
        ("en.txt", "Sorry for the delay. You must fill in the form. Calm down, that's not my job.\nI can't refund it unless you send it back.\n"),
        ("zh/回复 1.txt", "你必须先填写这张表格。\n我不能给你退款，除非你寄回商品。\n你搞错了。等一下。\n"),
        ("lv.txt", "Jums jāaizpilda veidlapa. Nomierinieties!\n"),
        ("clean.txt", "Thank you for waiting.\n"),
    ];
    for (name, text) in drafts {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let log = sarif(dir.path(), &["."], "");
    let parsed: serde_json::Value = serde_json::from_slice(&log).unwrap();
    assert!(
        parsed["runs"][0]["results"].as_array().unwrap().len() >= 5,
        "expected findings in the drafts"
    );
    assert_valid(&validator, &log, "a log of the built-in packs");
    let absolute = dir.path().join("en.txt");
    assert_valid(
        &validator,
        &sarif(dir.path(), &[absolute.to_str().unwrap()], ""),
        "a log with an absolute path",
    );
    assert_valid(
        &validator,
        &sarif(dir.path(), &["-"], "You must reply.\n"),
        "a log of standard input",
    );
    assert_valid(
        &validator,
        &sarif(dir.path(), &["clean.txt"], ""),
        "an empty log",
    );
}

/// What the SARIF Multitool (`npm install -g @microsoft/sarif-multitool`), the SARIF SDK's own
/// validator, says about a log: `(level, rule id)` of each of its results, or `None` when it is
/// not installed or cannot run on this machine.
fn multitool_verdict(dir: &Path, log: &[u8]) -> Option<Vec<(String, String)>> {
    let input = dir.join("input.sarif");
    let output = dir.join("verdict.sarif");
    std::fs::write(&input, log).unwrap();
    let _ = std::fs::remove_file(&output);
    // The npm wrapper passes its arguments through a shell, so paths are given relative to
    // `dir`, which holds nothing a shell would mangle.
    let run = std::process::Command::new("sarif-multitool")
        .args(["validate", "input.sarif", "--output", "verdict.sarif"])
        .current_dir(dir)
        .output()
        .ok()?;
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    if !output.exists() {
        // A log it cannot even deserialise makes it exit 1 without a verdict; anything else
        // without a verdict means the tool itself did not run (no .NET runtime support).
        assert!(
            !said.contains("Analyzing"),
            "the multitool could not read the log: {said}"
        );
        return None;
    }
    assert!(run.status.success(), "{said}");
    let verdict: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&output).unwrap()).unwrap();
    let results = verdict["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    Some(
        results
            .iter()
            .map(|result| {
                (
                    result["level"].as_str().unwrap_or("warning").to_string(),
                    result["ruleId"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect(),
    )
}

#[test]
fn the_sarif_multitool_accepts_our_logs() {
    let work = tempfile::tempdir().unwrap();
    let tool_dir = work.path().join("multitool");
    std::fs::create_dir(&tool_dir).unwrap();
    // Guards the test: the tool must find the errors of a broken log, or its silence means
    // nothing.
    let broken = br#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","version":"1"}},"results":[{"ruleId":"a","message":{"text":"a"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.txt"},"region":{"startLine":0}}}]}]}]}"#;
    let Some(verdict) = multitool_verdict(&tool_dir, broken) else {
        eprintln!(
            "SKIPPED: the SARIF Multitool is not installed (npm install -g @microsoft/sarif-multitool)"
        );
        return;
    };
    assert!(
        verdict.iter().any(|(level, _)| level == "error"),
        "the multitool found nothing wrong with a broken log: {verdict:?}"
    );

    let library = work.path().join("library");
    let drafts = [
        ("en.txt", "Sorry for the delay. You must fill in the form. Calm down.\nI can't refund it unless you send it back.\n"),
        ("zh/回复 1.txt", "你必须先填写这张表格。\n你搞错了。\n"),
        ("macros.json", "{\"macros\": [{\"body\": \"你必须先填表。\"}]}\n"),
        ("replies.md", "# Refunds\n\nSorry for the wait. Don't hesitate to ask.\n"),
        ("faq.csv", "question,answer\nWhy?,你搞错了。\n"),
    ];
    for (name, text) in drafts {
        let path = library.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    for (what, args) in [
        ("a library of every format", vec!["."]),
        ("an empty log", vec!["en.txt", "--select", "lv"]),
    ] {
        let log = sarif(&library, &args, "");
        let parsed: serde_json::Value = serde_json::from_slice(&log).unwrap();
        let driver = &parsed["runs"][0]["tool"]["driver"];
        let verdict = multitool_verdict(&tool_dir, &log).expect("the multitool ran before");
        let problems: Vec<&(String, String)> = verdict
            .iter()
            // Without a repository in Cargo.toml there is no home page to name: the one
            // piece of advice (a warning, not an error) that is expected then.
            .filter(|(_, rule)| !(rule == "SARIF2005" && driver["informationUri"].is_null()))
            .collect();
        assert!(problems.is_empty(), "{what}: {problems:?}");
    }
}
