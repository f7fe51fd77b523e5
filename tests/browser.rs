//! The playground page at `/` of `replylint serve`, end to end in headless Chromium driven by
//! Playwright (`tests/browser/playground.mjs`): typing a bad Traditional draft highlights it and
//! offers the Traditional rewrite, clicking it (or Enter on it, reached with Tab) applies it and
//! the finding disappears, and drafts in every language the page offers get findings.
//!
//! Needs node, `npm install` in tests/browser/ (playwright-core) and Chromium (/usr/bin/chromium,
//! or CHROMIUM); `.ci/run` installs them. Skipped, saying so, when one is missing.
//! The screenshot goes to a temporary folder; `REPLYLINT_BLESS=1 cargo test --test browser`
//! writes it to docs/playground.png, which the README shows.

use std::path::{Path, PathBuf};
use std::process::Command;

mod support;

use support::servers::Server;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Why the browser test cannot run here, if it cannot.
fn missing() -> Option<String> {
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !node {
        return Some("node is not installed".into());
    }
    if !root()
        .join("tests/browser/node_modules/playwright-core/package.json")
        .exists()
    {
        return Some("playwright-core is not installed (npm install in tests/browser)".into());
    }
    let chromium = chromium();
    if !chromium.exists() {
        return Some(format!(
            "no Chromium at {} (apt-get install chromium, or set CHROMIUM)",
            chromium.display()
        ));
    }
    None
}

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

#[test]
fn playground_highlights_and_applies_rewrites_in_chromium() {
    if let Some(why) = missing() {
        eprintln!("SKIPPED: {why}");
        return;
    }
    let server = Server::start(&[]);
    let shots = tempfile::tempdir().unwrap();
    let screenshot = if support::blessing() {
        root().join("docs/playground.png")
    } else {
        shots.path().join("playground.png")
    };
    let output = Command::new("node")
        .arg(root().join("tests/browser/playground.mjs"))
        .arg(format!("http://127.0.0.1:{}", server.port))
        .arg(&screenshot)
        .env("CHROMIUM", chromium())
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "the browser test failed:\n{said}");
    // The script prints a line per check; all of them must have run.
    assert_eq!(said.matches("ok: ").count(), 11, "{said}");
    let png = std::fs::read(&screenshot).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000);
}
