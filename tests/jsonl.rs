//! `replylint check --jsonl` through the real binary: one result line per input line, in order,
//! errors in place, nested fields, and a result visible on a pipe before the input ends.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use serde_json::Value;

fn replylint() -> Command {
    Command::new(env!("CARGO_BIN_EXE_replylint"))
}

fn parse_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8(stdout.to_vec())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn file_of_records_gives_one_line_each_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("replies.jsonl");
    let mut text = String::new();
    for index in 0..500 {
        if index % 7 == 3 {
            text.push_str("{\"reply\": {\"body\": 12}}\n");
        } else if index % 11 == 5 {
            text.push_str("{\"reply\": \n");
        } else {
            text.push_str(&format!(
                "{{\"meta\":{{\"key\":\"k{index}\"}},\"reply\":{{\"body\":\"{}\"}}}}\n",
                [
                    "你必须先填表。",
                    "You must wait.",
                    "謝謝您的耐心。",
                    "Jums jāgaida."
                ][index % 4]
            ));
        }
    }
    std::fs::write(&path, &text).unwrap();
    let output = replylint()
        .args([
            "check",
            "--jsonl",
            "--id-field",
            "meta.key",
            "--text-field",
            "reply.body",
            "-j",
            "2",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results = parse_lines(&output.stdout);
    assert_eq!(results.len(), 500);
    for (index, result) in results.iter().enumerate() {
        assert_eq!(result["line"], index + 1);
        if index % 7 == 3 {
            assert!(result["error"]
                .as_str()
                .unwrap()
                .contains("`reply.body` is a number"));
        } else if index % 11 == 5 {
            assert!(
                result["error"].as_str().unwrap().contains("EOF"),
                "{result}"
            );
        } else {
            assert_eq!(result["id"], format!("k{index}"));
            let findings = result["findings"].as_array().unwrap();
            for finding in findings {
                assert_eq!(finding["path"], path.display().to_string());
            }
            if index % 4 == 0 {
                assert_eq!(findings[0]["rule"], "zh.command.you-must");
            }
        }
    }
}

#[test]
fn jsonl_findings_equal_format_json_on_the_same_text() {
    let text = "您好,你必须先提供订单号,否则我们没办法处理。";
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("draft.txt");
    std::fs::write(&draft, text).unwrap();
    let json = replylint()
        .args(["check", "--format", "json"])
        .arg(&draft)
        .output()
        .unwrap();
    let expected: Vec<Value> = serde_json::from_slice(&json.stdout).unwrap();
    assert!(!expected.is_empty());
    let mut child = replylint()
        .args(["check", "--jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let record = serde_json::json!({"id": "x", "text": text});
    writeln!(child.stdin.take().unwrap(), "{record}").unwrap();
    let output = child.wait_with_output().unwrap();
    let result = &parse_lines(&output.stdout)[0];
    let streamed = result["findings"].as_array().unwrap();
    assert_eq!(streamed.len(), expected.len());
    for (streamed, expected) in streamed.iter().zip(&expected) {
        for (key, value) in expected.as_object().unwrap() {
            if key != "path" {
                assert_eq!(&streamed[key], value, "field {key}");
            }
        }
    }
}

#[test]
fn each_result_is_flushed_before_the_input_ends() {
    let mut child = replylint()
        .args(["check", "--jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    for index in 0..3 {
        writeln!(stdin, "{{\"id\":{index},\"text\":\"You must wait.\"}}").unwrap();
        stdin.flush().unwrap();
        // Standard input is still open: the answer must arrive anyway.
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let result: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(result["id"], index);
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn jsonl_refuses_fix_and_bad_field_paths() {
    let output = replylint()
        .args(["check", "--jsonl", "--fix"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = replylint()
        .args(["check", "--jsonl", "--text-field", "a..b"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--text-field"));
}
