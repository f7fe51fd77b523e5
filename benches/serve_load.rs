//! Load on `replylint serve` from a second process on loopback, against the in-process check.
//!
//! Starts the release `replylint serve` as a child process, then, from this process, sends
//! `POST /v1/check` requests with 300-character drafts (Simplified, Traditional, English and
//! Latvian, each with findings) over keep-alive HTTP/1.1 connections: one connection, then 64 at
//! once. Reports requests per second and p50/p99 latency, each as a ratio against
//! `Api::check` on the same drafts in this process (one thread for the one connection, one
//! thread per core for 64), and the server's resident memory (VmRSS) every 10,000 requests
//! over a run of 100,000, to show whether it stays flat.
//!
//! Run with `nice -n 19 cargo bench --bench serve_load` (docs/performance.md). Settings:
//! `REPLYLINT_LOAD_REQUESTS` (default 100,000: the 64-connection run, and the memory series),
//! `REPLYLINT_LOAD_SINGLE` (default 20,000: the one-connection run).
//!
//! The client is a small blocking HTTP/1.1 client, one thread per connection, so its own cost is
//! on the same two cores as the server's: the 64-connection numbers are a floor, not the
//! server's ceiling.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use replylint::api::{Api, CheckRequest};
use replylint::{Linter, Session, Settings};

const DRAFT_CHARS: usize = 300;

/// Sentences with findings and without, per language; drafts are cut from them.
const SOURCES: [&[&str]; 4] = [
    &[
        "您好，感谢您的耐心等待。",
        "你必须先填写这张退货申请表，否则我们不能处理。",
        "这是公司规定，我没办法。",
        "我们已经为您查询了物流信息，包裹预计明天送达。",
        "你搞错了，订单号不是这个。",
        "如有其他问题，欢迎随时联系我们。",
    ],
    &[
        "您好，感謝您的耐心等待。",
        "你必須先填寫這張退貨申請表，否則我們不能處理。",
        "這是公司規定，我沒辦法。",
        "我們已經為您查詢了物流資訊，包裹預計明天送達。",
        "你搞錯了，訂單號不是這個。",
        "如有其他問題，歡迎隨時聯繫我們。",
    ],
    &[
        "Thanks for writing to us about your order. ",
        "You must fill in the return form first. ",
        "Sorry for the delay, that's company policy. ",
        "I can't refund it unless you send it back. ",
        "We have checked the tracking and the parcel arrives tomorrow. ",
        "Calm down, please. ",
    ],
    &[
        "Paldies, ka sazinājāties ar mums. ",
        "Jums jāaizpilda veidlapa. ",
        "Nomierinieties, lūdzu. ",
        "Mēs pārbaudījām sūtījumu, tas pienāks rīt. ",
        "Tā ir uzņēmuma politika. ",
    ],
];

/// Drafts of exactly `DRAFT_CHARS` characters, several per language.
fn drafts() -> Vec<String> {
    let mut drafts = Vec::new();
    for sentences in SOURCES {
        for start in 0..sentences.len() {
            let mut draft = String::new();
            let mut index = start;
            while draft.chars().count() < DRAFT_CHARS {
                draft.push_str(sentences[index % sentences.len()]);
                index += 1;
            }
            drafts.push(draft.chars().take(DRAFT_CHARS).collect());
        }
    }
    drafts
}

fn bodies(drafts: &[String]) -> Vec<Vec<u8>> {
    drafts
        .iter()
        .map(|draft| serde_json::to_vec(&serde_json::json!({ "text": draft })).unwrap())
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

/// Throughput and latency of one run.
struct Measured {
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

impl Measured {
    fn of(mut latencies: Vec<Duration>, wall: Duration) -> Measured {
        latencies.sort();
        Measured {
            per_second: latencies.len() as f64 / wall.as_secs_f64(),
            p50: percentile(&latencies, 0.50),
            p99: percentile(&latencies, 0.99),
        }
    }
}

/// `Api::check` on `threads` threads, `count` checks in all.
fn in_process(api: &Arc<Api>, drafts: &[String], threads: usize, count: usize) -> Measured {
    let requests: Vec<CheckRequest> = drafts.iter().map(CheckRequest::text).collect();
    let requests = Arc::new(requests);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (api, requests, next) = (api.clone(), requests.clone(), next.clone());
            std::thread::spawn(move || {
                let mut latencies = Vec::new();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= count {
                        return latencies;
                    }
                    let start = Instant::now();
                    let answer = api.check(&requests[index % requests.len()]).unwrap();
                    std::hint::black_box(answer);
                    latencies.push(start.elapsed());
                }
            })
        })
        .collect();
    let latencies: Vec<Duration> = handles
        .into_iter()
        .flat_map(|handle| handle.join().unwrap())
        .collect();
    Measured::of(latencies, started.elapsed())
}

/// One keep-alive connection to the server.
struct Connection {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    head: Vec<u8>,
}

impl Connection {
    fn open(port: u16) -> Connection {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_nodelay(true).unwrap();
        Connection {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
            head: Vec::new(),
        }
    }

    /// Sends one `POST /v1/check` and reads the whole answer; the status must be 200.
    fn check(&mut self, body: &[u8]) {
        self.head.clear();
        write!(
            self.head,
            "POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n",
            body.len()
        )
        .unwrap();
        self.head.extend_from_slice(body);
        self.writer.write_all(&self.head).unwrap();
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        let mut length = 0usize;
        loop {
            line.clear();
            self.reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap();
                }
            }
        }
        let mut answer = vec![0; length];
        self.reader.read_exact(&mut answer).unwrap();
        std::hint::black_box(answer);
    }
}

/// The server's resident memory, in kB.
fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// `count` requests over `connections` connections; RSS sampled every `sample_every` requests.
fn over_http(
    port: u16,
    pid: u32,
    bodies: &Arc<Vec<Vec<u8>>>,
    connections: usize,
    count: usize,
    sample_every: usize,
) -> (Measured, Vec<(usize, u64)>) {
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let samples = Arc::new(Mutex::new(vec![(0, rss_kb(pid))]));
    let started = Instant::now();
    let handles: Vec<_> = (0..connections)
        .map(|_| {
            let (bodies, next, done, samples) =
                (bodies.clone(), next.clone(), done.clone(), samples.clone());
            std::thread::spawn(move || {
                let mut connection = Connection::open(port);
                let mut latencies = Vec::new();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= count {
                        return latencies;
                    }
                    let start = Instant::now();
                    connection.check(&bodies[index % bodies.len()]);
                    latencies.push(start.elapsed());
                    let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if finished % sample_every == 0 {
                        samples.lock().unwrap().push((finished, rss_kb(pid)));
                    }
                }
            })
        })
        .collect();
    let latencies: Vec<Duration> = handles
        .into_iter()
        .flat_map(|handle| handle.join().unwrap())
        .collect();
    let wall = started.elapsed();
    let mut samples = samples.lock().unwrap().clone();
    samples.sort();
    (Measured::of(latencies, wall), samples)
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn ms(duration: Duration) -> String {
    format!("{:.3} ms", duration.as_secs_f64() * 1000.0)
}

fn main() -> ExitCode {
    if std::env::args().any(|arg| arg == "--list") {
        return ExitCode::SUCCESS;
    }
    let total = setting("REPLYLINT_LOAD_REQUESTS", 100_000);
    let single = setting("REPLYLINT_LOAD_SINGLE", 20_000);
    let drafts = drafts();
    assert!(drafts.iter().all(|d| d.chars().count() == DRAFT_CHARS));
    let bodies = Arc::new(bodies(&drafts));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());

    let api = Arc::new(Api::new(Session::new(
        Linter::builtin().unwrap(),
        Settings::default(),
    )));
    let findings: usize = drafts
        .iter()
        .map(|draft| {
            api.check(&CheckRequest::text(draft))
                .unwrap()
                .findings
                .len()
        })
        .sum();
    assert!(findings >= drafts.len(), "the drafts should have findings");
    in_process(&api, &drafts, 1, 2_000); // warm-up
    let local_one = in_process(&api, &drafts, 1, single);
    let local_all = in_process(&api, &drafts, cores, total.min(50_000));

    let mut child = Command::new(env!("CARGO_BIN_EXE_replylint"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut banner)
        .unwrap();
    let port: u16 = banner.trim().rsplit(':').next().unwrap().parse().unwrap();
    let pid = child.id();
    let _server = Server(child);

    let (_, _) = over_http(port, pid, &bodies, 4, 2_000, usize::MAX); // warm-up
    let (http_one, _) = over_http(port, pid, &bodies, 1, single, usize::MAX);
    let (http_64, rss) = over_http(port, pid, &bodies, 64, total, 10_000);

    println!(
        "{} drafts of {DRAFT_CHARS} characters ({findings} findings in all), {cores} cores\n",
        drafts.len()
    );
    println!("| run | requests/s | p50 | p99 | requests/s vs in-process | p50 vs in-process |");
    println!("|---|---|---|---|---|---|");
    for (name, measured, local) in [
        ("in-process `Api::check`, 1 thread", &local_one, &local_one),
        (
            &*format!("in-process `Api::check`, {cores} threads"),
            &local_all,
            &local_all,
        ),
        ("HTTP, 1 connection", &http_one, &local_one),
        ("HTTP, 64 connections", &http_64, &local_all),
    ] {
        println!(
            "| {name} | {:.0} | {} | {} | {:.2} | {:.1}× |",
            measured.per_second,
            ms(measured.p50),
            ms(measured.p99),
            measured.per_second / local.per_second,
            measured.p50.as_secs_f64() / local.p50.as_secs_f64(),
        );
    }
    println!("\nServer RSS over the 64-connection run:\n");
    println!("| requests | RSS |");
    println!("|---|---|");
    for (requests, kb) in &rss {
        println!("| {requests} | {:.1} MB |", *kb as f64 / 1024.0);
    }
    let settled = rss.iter().find(|(requests, _)| *requests >= 20_000);
    if let (Some((_, settled)), Some((_, last))) = (settled, rss.last()) {
        println!(
            "\nGrowth from 20,000 requests to the end: {:+.1} MB",
            (*last as f64 - *settled as f64) / 1024.0
        );
    }
    ExitCode::SUCCESS
}
