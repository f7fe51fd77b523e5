//! `replylint serve` through the real binary on a free loopback port: the endpoints, the
//! OpenAPI document, JSON errors with the right status, and graceful shutdown on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_replylint"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut banner = String::new();
        BufReader::new(child.stderr.take().unwrap())
            .read_line(&mut banner)
            .unwrap();
        let port = banner.trim().rsplit(':').next().unwrap().parse().unwrap();
        Server { child, port }
    }

    /// Status, content type and body of one request.
    fn request(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &[u8],
    ) -> (u16, String, Vec<u8>) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {content_type}\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .unwrap();
        // The server may answer 413 before reading the whole body.
        let _ = stream.write_all(body);
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&response[..split]).to_string();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        let content_type = head
            .lines()
            .find_map(|line| {
                line.to_ascii_lowercase()
                    .strip_prefix("content-type: ")
                    .map(str::to_string)
            })
            .unwrap_or_default();
        let mut body = response[split + 4..].to_vec();
        if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            body = dechunk(&body);
        }
        (status, content_type, body)
    }

    fn json(&self, method: &str, path: &str, body: &str) -> (u16, Value) {
        let (status, content_type, body) =
            self.request(method, path, "application/json", body.as_bytes());
        assert!(
            content_type.starts_with("application/json"),
            "{path}: {content_type}"
        );
        (status, serde_json::from_slice(&body).unwrap())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&body[..line_end]).unwrap().trim(), 16)
                .unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[line_end + 2..line_end + 2 + size]);
        body = &body[line_end + 4 + size..];
    }
}

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
