//! The PySpark example (examples/spark/lint_replies.py) run in local mode: `rdd.pipe` through
//! `replylint check --jsonl` gives the same findings per rule as the library. Skipped, saying
//! so, when pyspark or Java is missing.

use std::collections::BTreeMap;
use std::process::Command;

use replylint::api::{Api, CheckRequest};
use replylint::{Linter, Session, Settings};

#[test]
fn pyspark_pipe_aggregates_findings_per_rule() {
    let has_pyspark = Command::new("python3")
        .args(["-c", "import pyspark"])
        .output()
        .is_ok_and(|o| o.status.success());
    let has_java = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_pyspark || !has_java {
        eprintln!("SKIPPED: needs python3 with pyspark (pip install pyspark) and Java");
        return;
    }
    let texts = [
        "你必须先填表,否则我们不能处理。",
        "你必須先填寫這張表。",
        "You must fill in the form first.",
        "Thanks for your patience.",
        "Nomierinieties, lūdzu.",
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("replies.jsonl");
    let mut lines = String::new();
    for index in 0..200 {
        lines.push_str(
            &serde_json::json!({"id": index, "text": texts[index % texts.len()]}).to_string(),
        );
        lines.push('\n');
    }
    lines.push_str("{broken\n");
    std::fs::write(&path, lines).unwrap();

    let output = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/spark/lint_replies.py"
        ))
        .arg(&path)
        .arg(env!("CARGO_BIN_EXE_replylint"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();

    let api = Api::new(Session::new(
        Linter::builtin().unwrap(),
        Settings::default(),
    ));
    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    for index in 0..200 {
        for finding in api
            .check(&CheckRequest::text(texts[index % texts.len()]))
            .unwrap()
            .findings
        {
            *expected.entry(finding.finding.rule).or_default() += 1;
        }
    }
    assert_eq!(summary["records"], 201);
    assert_eq!(
        summary["findings_per_rule"],
        serde_json::to_value(&expected).unwrap()
    );
    assert_eq!(summary["errors"].as_array().unwrap().len(), 1);
}
