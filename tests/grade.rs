//! `replylint grade` on the example class (examples/class/): the reports are byte-identical from
//! run to run, the HTML page needs nothing from the network, the Markdown report matches its
//! golden file, and the HTML page is checked in headless Chromium as a person would look at it
//! (tests/browser/grade-report.mjs; skipped, saying so, without node, playwright-core or
//! chromium).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use replylint::grade::class::ClassSummary;
use replylint::grade::replies::{read_replies, ReadOptions};
use replylint::grade::report::num;
use replylint::grade::Grader;
use replylint::{Linter, Session, Settings};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn grade(args: &[&str]) -> std::process::Output {
    let output = Command::cargo_bin("replylint")
        .unwrap()
        .current_dir(repo())
        .arg("grade")
        .arg("--isolated")
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn reports(dir: &Path) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let html = dir.join("class.html");
    let md = dir.join("class.md");
    let json = grade(&[
        "examples/class",
        "--format",
        "json",
        "--report",
        html.to_str().unwrap(),
        "--report",
        md.to_str().unwrap(),
    ])
    .stdout;
    (
        std::fs::read(html).unwrap(),
        std::fs::read(md).unwrap(),
        json,
    )
}

#[test]
fn example_class_reports_are_deterministic_and_self_contained() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    let a = reports(first.path());
    let b = reports(second.path());
    assert!(a.0 == b.0, "the HTML report differs between two runs");
    assert!(a.1 == b.1, "the Markdown report differs between two runs");
    assert!(a.2 == b.2, "the JSON output differs between two runs");

    let html = String::from_utf8(a.0).unwrap();
    for outside in ["http://", "https://", "src=", "@import", "url(", "<link"] {
        assert!(
            !html.contains(outside),
            "the HTML report refers outside itself: {outside}"
        );
    }
    assert!(html.contains("<svg"), "no inline SVG histogram");
    assert!(html.contains("@page { size: A4"), "no A4 print style");

    let json: serde_json::Value = serde_json::from_slice(&a.2).unwrap();
    let replies = json.as_array().unwrap();
    assert!(
        replies.len() >= 12,
        "the example class has 4 × 3 replies or more"
    );
    for reply in replies {
        let score = reply["score"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&score), "{reply}");
        // Every credit and every deduction traces to an id and a span of the reply.
        for m in reply["moves"].as_array().unwrap() {
            assert!(m["id"].is_string() && !m["spans"].as_array().unwrap().is_empty());
        }
        for d in reply["deductions"].as_array().unwrap() {
            assert!(d["rule"].is_string() && d["end"].as_u64() > d["start"].as_u64());
        }
    }
    let trainees: std::collections::BTreeSet<&str> = replies
        .iter()
        .map(|r| r["trainee"].as_str().unwrap())
        .collect();
    let scenarios: std::collections::BTreeSet<&str> = replies
        .iter()
        .map(|r| r["scenario"].as_str().unwrap())
        .collect();
    let languages: std::collections::BTreeSet<&str> = replies
        .iter()
        .map(|r| r["language"].as_str().unwrap())
        .collect();
    assert!(
        trainees.len() >= 4 && scenarios.len() >= 3,
        "{trainees:?} × {scenarios:?}"
    );
    assert!(
        languages.contains("zh") && languages.contains("en"),
        "{languages:?}"
    );

    support::check_golden(&support::fixtures().join("grade/class-report.md"), &a.1).unwrap();
}

/// The class mean and each trainee's mean, as the report shows them.
fn expected_means() -> serde_json::Value {
    let session = Session::new(Linter::builtin().unwrap(), Settings::default());
    let grader = Grader::builtin(session.default_profile().unwrap().linter.rules()).unwrap();
    let (replies, problems) =
        read_replies(&[repo().join("examples/class")], &ReadOptions::default());
    assert!(problems.is_empty(), "{problems:?}");
    let graded: Vec<_> = replies
        .iter()
        .map(|reply| grader.grade(&session, reply).unwrap())
        .collect();
    let summary = ClassSummary::of(&graded);
    let trainees: serde_json::Map<String, serde_json::Value> = summary
        .trainees
        .iter()
        .map(|t| (t.name.clone(), num(t.mean).into()))
        .collect();
    serde_json::json!({ "class_mean": num(summary.mean), "trainees": trainees })
}

#[test]
fn html_report_reads_right_in_chromium() {
    let browser_dir = repo().join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let has_node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let has_playwright = browser_dir
        .join("node_modules/playwright-core/package.json")
        .exists();
    if !has_node || !has_playwright || !Path::new(&chromium).exists() {
        eprintln!(
            "SKIPPED: the browser check needs node, playwright-core (npm ci in tests/browser) \
             and chromium at {chromium} (apt-get install chromium)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("class-report.html");
    grade(&["examples/class", "--report", html.to_str().unwrap()]);
    let expected = dir.path().join("expected.json");
    std::fs::write(&expected, expected_means().to_string()).unwrap();
    // The screenshot in docs/ is refreshed only when blessing: pixels differ between machines.
    let screenshot = if support::blessing() {
        repo().join("docs/grading-report.png")
    } else {
        dir.path().join("screenshot.png")
    };
    let output = Command::new("node")
        .current_dir(&browser_dir)
        .arg("grade-report.mjs")
        .arg(&html)
        .arg(&expected)
        .arg(&screenshot)
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "browser check failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(std::fs::metadata(&screenshot).unwrap().len() > 10_000);
}

/// The rubric sample in docs/grading.md is a valid rubric whose own example passes.
#[test]
fn the_documented_rubric_loads_and_passes_its_example() {
    let doc = std::fs::read_to_string(repo().join("docs/grading.md")).unwrap();
    let start = doc.find("```yaml\nrubric:").expect("a rubric sample") + "```yaml\n".len();
    let end = start + doc[start..].find("```").unwrap();
    let rubric = replylint::grade::load_rubric(&doc[start..end], "docs/grading.md")
        .unwrap_or_else(|error| panic!("{error}"));
    let session = Session::new(Linter::builtin().unwrap(), Settings::default());
    let grader = Grader::new(
        vec![rubric],
        session.default_profile().unwrap().linter.rules(),
    )
    .unwrap_or_else(|error| panic!("{error}"));
    let test = grader.test_rubric(&session, &grader.rubrics()[0]).unwrap();
    assert!(test.examples >= 3);
    assert!(test.failures.is_empty(), "{}", test.failures.join("\n"));
}
