//! `replylint serve` through the real binary on a free loopback port: the endpoints, the
//! OpenAPI document (also through schemathesis), JSON errors with the right status, and graceful
//! shutdown on SIGTERM.

mod support;

use std::process::Command;

use support::servers::Server;

#[test]
fn endpoints_answer_and_errors_are_json_with_the_right_status() {
    let server = Server::start(&["--max-body", "65536"]);
    let (status, health) = server.json("GET", "/healthz", "");
    assert_eq!((status, health["status"].as_str()), (200, Some("ok")));

    let (status, checked) = server.json(
        "POST",
        "/v1/check",
        r#"{"text":"你必須先填寫這張表。","language":"zh-hant"}"#,
    );
    assert_eq!(status, 200);
    assert_eq!(checked["findings"][0]["rule"], "zh.command.you-must");
    assert_eq!(checked["findings"][0]["char_end"], 9);

    let (status, fixed) = server.json(
        "POST",
        "/v1/fix",
        r#"{"text":"Sorry for the delay.","unsafe":true}"#,
    );
    assert_eq!(status, 200);
    assert_eq!(fixed["text"], "Thank you for your patience.");

    let (status, rules) = server.json("GET", "/v1/rules?language=lv", "");
    assert_eq!(status, 200);
    assert!(rules["count"].as_u64().unwrap() > 0);
    let (status, rule) = server.json("GET", "/v1/rules/zh.command.you-must", "");
    assert_eq!(
        (status, rule["id"].as_str()),
        (200, Some("zh.command.you-must"))
    );

    for (method, path, body, expected, code) in [
        ("POST", "/v1/check", "{\"text\":", 400, "bad_request"),
        ("POST", "/v1/check", "{\"text\":5}", 400, "bad_request"),
        (
            "POST",
            "/v1/check",
            "{\"text\":\"a\",\"colour\":1}",
            400,
            "bad_request",
        ),
        (
            "POST",
            "/v1/check",
            "{\"text\":\"a\",\"rules\":[\"zz\"]}",
            400,
            "unknown_selector",
        ),
        ("GET", "/v1/rules?language=xx", "", 400, "unknown_language"),
        ("GET", "/v1/rules/no.such.rule", "", 404, "unknown_rule"),
        ("GET", "/nowhere", "", 404, "not_found"),
    ] {
        let (status, error) = server.json(method, path, body);
        assert_eq!(
            (status, error["error"].as_str()),
            (expected, Some(code)),
            "{method} {path} {body}"
        );
        assert!(!error["message"].as_str().unwrap().is_empty());
    }
    let big = format!("{{\"text\":\"{}\"}}", "a".repeat(100_000));
    let (status, error) = server.json("POST", "/v1/check", &big);
    assert_eq!(
        (status, error["error"].as_str()),
        (413, Some("payload_too_large"))
    );
    let (status, _, _) = server.request("POST", "/v1/check", "text/plain", b"{\"text\":\"a\"}");
    assert_eq!(status, 415);

    let (status, content_type, page) = server.request("GET", "/", "text/plain", b"");
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/html"));
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains("<textarea") && page.contains("/v1/check"));
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "the page loads nothing external"
    );
}

#[test]
fn openapi_document_describes_the_served_paths() {
    let server = Server::start(&[]);
    let (status, document) = server.json("GET", "/openapi.json", "");
    assert_eq!(status, 200);
    assert_eq!(document["openapi"], "3.0.3");
    let paths = document["paths"].as_object().unwrap();
    for (path, method) in [
        ("/v1/check", "post"),
        ("/v1/fix", "post"),
        ("/v1/rules", "get"),
        ("/v1/rules/{id}", "get"),
        ("/healthz", "get"),
    ] {
        assert!(paths[path][method].is_object(), "{method} {path}");
    }
    // Every documented success response is what the server sends for a valid request.
    let request = document["components"]["schemas"]["CheckRequest"]["required"].clone();
    assert_eq!(request, serde_json::json!(["text"]));
}

#[cfg(unix)]
#[test]
fn sigterm_shuts_down_cleanly() {
    let mut server = Server::start(&[]);
    let (status, _) = server.json("GET", "/healthz", "");
    assert_eq!(status, 200);
    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let exit = server.child.wait().unwrap();
    assert_eq!(exit.code(), Some(0));
}

/// schemathesis (`pip install schemathesis`) generates requests from `/openapi.json` and checks
/// the server's answers against it: schema-valid requests accepted, invalid ones refused,
/// statuses, content types and bodies as documented. Bounded by a fixed seed and a small number
/// of examples per operation; skipped, saying so, when it is not installed.
#[test]
fn schemathesis_finds_the_server_as_its_openapi_document_says() {
    let installed = Command::new("schemathesis")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !installed {
        eprintln!("SKIPPED: schemathesis is not installed (pip install schemathesis)");
        return;
    }
    let server = Server::start(&[]);
    let base = format!("http://127.0.0.1:{}", server.port);
    let work = tempfile::tempdir().unwrap();
    let schemathesis = |location: &str, extra: &[&str]| {
        let mut child = Command::new("schemathesis")
            .args(["run", location, "--url", &base])
            .args(["--checks", "all", "--seed", "1", "--max-examples", "15"])
            .args(["--workers", "1", "--request-timeout", "10", "--no-color"])
            .args(["--generation-database", "none"])
            .args(extra)
            .current_dir(work.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // A hung run must not hang the suite: give it a few minutes at most.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(240);
        while child.try_wait().unwrap().is_none() {
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("schemathesis ran for over 4 minutes");
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        let output = child.wait_with_output().unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.code(), said)
    };

    // Guards the test: the document without the selector pattern (any string allowed as a rule
    // selector) does not match the server, and schemathesis must say so.
    let (_, mut document) = server.json("GET", "/openapi.json", "");
    let items =
        &mut document["components"]["schemas"]["CheckRequest"]["properties"]["rules"]["items"];
    assert!(items["pattern"].is_string(), "{items}");
    items.as_object_mut().unwrap().remove("pattern");
    let loose = work.path().join("loose.json");
    std::fs::write(&loose, document.to_string()).unwrap();
    let (status, said) = schemathesis(
        loose.to_str().unwrap(),
        &["--phases", "coverage", "--include-path", "/v1/check"],
    );
    assert_ne!(status, Some(0), "a loose document went unnoticed:\n{said}");
    assert!(said.contains("Schema-valid request rejected"), "{said}");

    let (status, said) = schemathesis(&format!("{base}/openapi.json"), &[]);
    assert_eq!(status, Some(0), "schemathesis found mismatches:\n{said}");
    assert!(said.contains("No issues found"), "{said}");
}
