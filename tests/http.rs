//! `replylint serve` through the real binary on a free loopback port: the endpoints, the
//! OpenAPI document, JSON errors with the right status, and graceful shutdown on SIGTERM.

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
        r#"{"text":"You must wait.","unsafe":true}"#,
    );
    assert_eq!(status, 200);
    assert_eq!(fixed["text"], "Please wait.");

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
