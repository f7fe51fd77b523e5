//! The same 200 drafts (Simplified, Traditional, English, Latvian) through every front end: the
//! library, `check --format json`, `check --jsonl`, the MCP tools (official Python SDK) and the
//! HTTP API must give identical findings. The MCP leg is skipped, saying so, when python3 or
//! its `mcp` package is missing.

mod support;

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

use support::servers::Server;

use replylint::api::{Api, CheckRequest};
use replylint::{Linter, Session, Settings};
use serde_json::Value;

fn replylint() -> Command {
    Command::new(env!("CARGO_BIN_EXE_replylint"))
}

/// 50 drafts per language, each an opening, a body and a closing written for this test.
fn drafts() -> Vec<String> {
    let languages: [(&[&str], &[&str], &[&str]); 4] = [
        (
            &["您好,", "亲,", "你好。", "尊敬的客户:", "您好!"],
            &[
                "你必须先填表,否则我们不能处理。",
                "这是公司规定,我们没办法。",
                "你搞错了,订单早就发出了。",
                "请您提供订单号,我们马上为您查询。",
                "你应该早点联系我们。",
                "退款需要三到五个工作日。",
                "这个问题不归我们管。",
                "感谢您的耐心等待,包裹明天送达。",
                "你必须重新下单。",
                "我们不能退款,除非您寄回商品。",
            ],
            &[
                "",
                "谢谢。",
                "祝您生活愉快!",
                "有问题随时联系我们。",
                "抱歉给您带来不便。",
            ],
        ),
        (
            &["您好,", "親,", "你好。", "親愛的客戶:", "您好!"],
            &[
                "你必須先填寫這張退貨申請表,否則我們不能處理。",
                "這是公司規定,我們沒辦法。",
                "你搞錯了,訂單早就寄出了。",
                "請您提供訂單號碼,我們馬上為您查詢。",
                "你應該早點聯絡我們。",
                "退款需要三到五個工作天。",
                "這個問題不歸我們管。",
                "感謝您的耐心等候,包裹明天送達。",
                "你必須重新下單。",
                "我們不能退款,除非您寄回商品。",
            ],
            &[
                "",
                "謝謝。",
                "祝您生活愉快!",
                "有問題隨時聯絡我們。",
                "抱歉造成您的不便。",
            ],
        ),
        (
            &[
                "Hi,\n",
                "Hello Anna,\n",
                "Dear customer,\n",
                "Hi there! ",
                "Good morning. ",
            ],
            &[
                "You must fill in the form first.",
                "That's not our policy, calm down.",
                "You are wrong, the parcel was shipped.",
                "We can't refund you unless you send it back.",
                "Sorry for the delay, your order ships today.",
                "Unfortunately there is nothing we can do.",
                "You should have read the terms.",
                "Thanks for your patience, the refund is on its way.",
                "As I already told you, you need to wait.",
                "It is not my job to check that.",
            ],
            &[
                "",
                "\nThanks.",
                " Have a nice day!",
                "\nBest regards, Tom",
                " Let me know if that helps.",
            ],
        ),
        (
            &[
                "Labdien,\n",
                "Sveiki! ",
                "Cienījamais klient,\n",
                "Labrīt. ",
                "Sveiks,\n",
            ],
            &[
                "Jums jāaizpilda veidlapa.",
                "Nomierinieties, lūdzu.",
                "Jūs kļūdāties, sūtījums ir nosūtīts.",
                "Mēs neko nevaram darīt.",
                "Paldies par pacietību, pasūtījums ir ceļā.",
                "Tā nav mūsu problēma.",
                "Jums vajadzēja izlasīt noteikumus.",
                "Atvainojiet par kavēšanos.",
                "Kā jau teicu, jums jāgaida.",
                "Diemžēl atmaksa nav iespējama.",
            ],
            &[
                "",
                "\nPaldies.",
                " Jauku dienu!",
                "\nAr cieņu, Anna",
                " Sazinieties ar mums.",
            ],
        ),
    ];
    let mut drafts = Vec::new();
    for (openings, bodies, closings) in languages {
        for index in 0..50 {
            drafts.push(format!(
                "{}{}{}",
                openings[index % openings.len()],
                bodies[index % bodies.len()],
                closings[(index / 10) % closings.len()]
            ));
        }
    }
    drafts
}

/// A finding as every front end must agree on it: the CLI's fields, without the path.
fn comparable(finding: &Value) -> Value {
    let mut finding = finding.clone();
    let object = finding.as_object_mut().unwrap();
    object.remove("path");
    object.remove("char_start");
    object.remove("char_end");
    finding
}

fn all_comparable(findings: &Value) -> Vec<Value> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(comparable)
        .collect()
}

#[test]
fn every_front_end_gives_the_same_findings() {
    let drafts = drafts();
    assert_eq!(drafts.len(), 200);

    // The library.
    let api = Api::new(Session::new(
        Linter::builtin().unwrap(),
        Settings::default(),
    ));
    let library: Vec<Value> = drafts
        .iter()
        .map(|draft| {
            let response = api.check(&CheckRequest::text(draft.as_str())).unwrap();
            serde_json::to_value(response.findings).unwrap()
        })
        .collect();
    let total: usize = library.iter().map(|f| f.as_array().unwrap().len()).sum();
    assert!(
        total > 100,
        "the drafts should give many findings, got {total}"
    );

    // check --format json over the drafts as files.
    let dir = tempfile::tempdir().unwrap();
    for (index, draft) in drafts.iter().enumerate() {
        std::fs::write(dir.path().join(format!("{index:03}.txt")), draft).unwrap();
    }
    let output = replylint()
        .args(["check", "--format", "json", "--fail-on", "error"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.code().unwrap() < 2,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut by_file: BTreeMap<usize, Vec<Value>> = BTreeMap::new();
    for finding in serde_json::from_slice::<Vec<Value>>(&output.stdout).unwrap() {
        let path = finding["path"].as_str().unwrap().to_string();
        let stem = std::path::Path::new(&path)
            .file_stem()
            .unwrap()
            .to_str()
            .unwrap();
        by_file
            .entry(stem.parse().unwrap())
            .or_default()
            .push(comparable(&finding));
    }
    for (index, findings) in library.iter().enumerate() {
        let cli = by_file.remove(&index).unwrap_or_default();
        assert_eq!(
            all_comparable(findings),
            cli,
            "CLI JSON differs on draft {index}: {}",
            drafts[index]
        );
    }

    // check --jsonl.
    let mut child = replylint()
        .args(["check", "--jsonl", "-j", "2"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = String::new();
    for (index, draft) in drafts.iter().enumerate() {
        input.push_str(&serde_json::json!({"id": index, "text": draft}).to_string());
        input.push('\n');
    }
    let writer = {
        let mut stdin = child.stdin.take().unwrap();
        std::thread::spawn(move || stdin.write_all(input.as_bytes()))
    };
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let lines: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 200);
    for (index, line) in lines.iter().enumerate() {
        assert_eq!(line["id"], index);
        assert_eq!(
            all_comparable(&line["findings"]),
            all_comparable(&library[index]),
            "--jsonl differs on draft {index}"
        );
        assert_eq!(
            line["findings"].as_array().unwrap().len(),
            library[index].as_array().unwrap().len()
        );
        for (streamed, direct) in line["findings"]
            .as_array()
            .unwrap()
            .iter()
            .zip(library[index].as_array().unwrap())
        {
            assert_eq!(streamed["char_start"], direct["char_start"]);
            assert_eq!(streamed["char_end"], direct["char_end"]);
        }
    }

    // The HTTP API, on a free loopback port.
    let server = Server::start(&[]);
    for (index, draft) in drafts.iter().enumerate() {
        let body = serde_json::json!({"text": draft}).to_string();
        let (status, response) = server.json("POST", "/v1/check", &body);
        assert_eq!(status, 200);
        assert_eq!(
            response["findings"], library[index],
            "HTTP differs on draft {index}"
        );
    }
    let (status, error) = server.json("POST", "/v1/check", "{\"text\": ");
    assert_eq!(status, 400);
    assert_eq!(error["error"], "bad_request");
    drop(server);

    // The MCP tools, through the official Python SDK.
    if !support::servers::mcp_client_available() {
        eprintln!("SKIPPED the MCP leg: python3 with the `mcp` package is not installed (pip install mcp)");
        return;
    }
    let calls: Vec<Value> = drafts
        .iter()
        .map(|draft| serde_json::json!({"tool": "check_reply", "arguments": {"text": draft}}))
        .collect();
    let answer = support::servers::run_mcp_client(&Value::Array(calls));
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), 200);
    for (index, result) in results.iter().enumerate() {
        assert_eq!(result["is_error"], false);
        assert_eq!(
            result["structured"]["findings"], library[index],
            "MCP differs on draft {index}"
        );
    }
}
