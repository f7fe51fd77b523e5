//! `replylint mcp` driven by a real MCP client, the official Python SDK (`pip install mcp`):
//! every tool is listed with schemas and called on Simplified, Traditional and English drafts,
//! check_reply agrees with `check --format json`, and bad calls are errors, never a crash.
//! Skipped, saying so, when python3 or its `mcp` package is missing.

mod support;

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{json, Value};

fn client_available() -> bool {
    let available = support::servers::mcp_client_available();
    if !available {
        eprintln!("SKIPPED: python3 with the `mcp` package is not installed (pip install mcp)");
    }
    available
}

fn cli_json(text: &str) -> Vec<Value> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_replylint"))
        .args(["check", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn tools_answer_like_the_cli_and_refuse_bad_calls() {
    if !client_available() {
        return;
    }
    let drafts = [
        "您好,你必须先填表,否则我们不能处理。",
        "您好,你必須先填寫這張表,否則我們不能處理。",
        "Hi, you must fill in the form first. That's not our policy.",
    ];
    let mut calls = Vec::new();
    for draft in drafts {
        calls.push(json!({"tool": "check_reply", "arguments": {"text": draft}}));
        calls.push(json!({"tool": "fix_reply", "arguments": {"text": draft, "unsafe": true}}));
    }
    calls.push(json!({"tool": "explain_rule", "arguments": {"id": "zh.command.you-must"}}));
    calls.push(json!({"tool": "list_rules", "arguments": {"language": "en"}}));
    calls.push(json!({"tool": "check_reply", "arguments": {"text": 5}}));
    calls.push(json!({"tool": "explain_rule", "arguments": {"id": "no.such.rule"}}));
    calls.push(json!({"tool": "check_reply", "arguments": {"text": "a".repeat(1024 * 1024 + 1)}}));
    calls.push(json!({"tool": "check_reply", "arguments": {"text": "You must wait."}}));
    let answer = support::servers::run_mcp_client(&Value::Array(calls));

    let tools = answer["tools"].as_array().unwrap();
    let mut names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["check_reply", "explain_rule", "fix_reply", "list_rules"]
    );
    for tool in tools {
        assert_eq!(tool["input_schema"]["type"], "object");
        assert_eq!(tool["output_schema"]["type"], "object", "{}", tool["name"]);
    }

    let results = answer["results"].as_array().unwrap();
    for (index, draft) in drafts.iter().enumerate() {
        let checked = &results[index * 2];
        assert_eq!(checked["is_error"], false);
        let findings = checked["structured"]["findings"].as_array().unwrap();
        let cli = cli_json(draft);
        assert!(!cli.is_empty(), "{draft}");
        assert_eq!(findings.len(), cli.len(), "{draft}");
        for (mcp, cli) in findings.iter().zip(&cli) {
            for (key, value) in cli.as_object().unwrap() {
                if key != "path" {
                    assert_eq!(&mcp[key], value, "{key} differs on {draft}");
                }
            }
        }
        let fixed = &results[index * 2 + 1]["structured"];
        assert_eq!(
            fixed["changed"],
            !fixed["applied"].as_array().unwrap().is_empty()
        );
        assert!(fixed["remaining"].is_array());
    }
    // The Traditional draft gets its rewrites in Traditional.
    let traditional = &results[2]["structured"]["findings"][0];
    assert!(traditional["suggestions"][0]
        .as_str()
        .unwrap()
        .contains('請'));

    let explained = &results[6]["structured"];
    assert_eq!(explained["id"], "zh.command.you-must");
    assert!(!explained["examples"]["bad"].as_array().unwrap().is_empty());
    let listed = &results[7]["structured"];
    assert!(listed["rules"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["language"] == "en"));

    assert_eq!(results[8]["is_error"], true, "wrong type: {}", results[8]);
    assert_eq!(results[9]["is_error"], true);
    assert!(results[9]["text"]
        .as_str()
        .unwrap()
        .contains("unknown_rule"));
    assert_eq!(results[10]["is_error"], true);
    assert!(results[10]["text"]
        .as_str()
        .unwrap()
        .contains("text_too_large"));
    // Still serving after all of that.
    assert_eq!(results[11]["is_error"], false);
    assert!(!results[11]["structured"]["findings"]
        .as_array()
        .unwrap()
        .is_empty());
}
