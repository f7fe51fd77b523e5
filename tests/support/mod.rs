//! Golden files, shared by every integration test that compares output with a checked-in file.
//!
//! One meaning everywhere: `REPLYLINT_BLESS=1 cargo test [--test NAME]` rewrites the expected
//! files from what the code does now (review them with `git diff` before committing). Without
//! it, or with any other value, nothing is written and a mismatch fails with a unified diff in
//! which invisible characters (`\r`, tabs, a byte-order mark, zero-width spaces) are spelled out.
//!
//! Files are compared byte for byte: a golden file pins line endings too.
//!
//! It also holds what several CLI tests start from: the fixtures folder and `replylint check`
//! with only the demo packs.

// Each test crate compiles this module on its own and uses only some of the helpers.
#![allow(dead_code)]

pub mod servers;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// `tests/fixtures/`.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// `replylint check` with only the demo packs loaded (`--no-builtin`), so that a test pins the
/// engine's behaviour whatever the built-in packs say, and with `NO_COLOR` unset.
pub fn demo_check() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("replylint").unwrap();
    command
        .arg("check")
        .arg("--no-builtin")
        .arg("--rules")
        .arg(fixtures().join("packs/demo"))
        .arg("--rules")
        .arg(fixtures().join("packs/demo-en"))
        .env_remove("NO_COLOR");
    command
}

/// The environment variable that turns comparing into rewriting.
pub const BLESS_VARIABLE: &str = "REPLYLINT_BLESS";

/// Whether this run rewrites expected files instead of comparing with them.
pub fn blessing() -> bool {
    std::env::var_os(BLESS_VARIABLE).is_some_and(|value| value == "1")
}

/// The command that blesses the test crate this module is compiled into.
pub fn bless_command() -> String {
    format!(
        "{BLESS_VARIABLE}=1 cargo test --test {}",
        env!("CARGO_CRATE_NAME")
    )
}

/// Compares `actual` with the file at `expected`, or writes it there when blessing. A missing
/// file counts as empty, so a new case fails until it is blessed. `Err` describes the mismatch.
pub fn check_golden(expected: &Path, actual: impl AsRef<[u8]>) -> Result<(), String> {
    let actual = actual.as_ref();
    if blessing() {
        if let Some(parent) = expected.parent() {
            fs::create_dir_all(parent)
                .unwrap_or_else(|error| panic!("cannot create {}: {error}", parent.display()));
        }
        fs::write(expected, actual)
            .unwrap_or_else(|error| panic!("cannot write {}: {error}", expected.display()));
        return Ok(());
    }
    let (on_disk, missing) = match fs::read(expected) {
        Ok(bytes) => (bytes, false),
        Err(_) => (Vec::new(), true),
    };
    if on_disk == actual {
        return Ok(());
    }
    Err(format!(
        "{} {}; if the new output is right, bless it with `{}`\n{}",
        expected.display(),
        if missing {
            "does not exist"
        } else {
            "differs from the output"
        },
        bless_command(),
        diff(&on_disk, actual)
    ))
}

/// [`check_golden`], failing the test on a mismatch.
pub fn assert_golden(expected: &Path, actual: impl AsRef<[u8]>) {
    if let Err(mismatch) = check_golden(expected, actual) {
        panic!("{mismatch}");
    }
}

/// Like [`assert_golden`] for a folder that holds exactly `files` (name, content): blessing
/// also removes files that are no longer produced, and comparing fails on them.
pub fn assert_golden_dir(dir: &Path, files: &[(String, String)]) {
    let produced = |name: &str| files.iter().any(|(file, _)| file == name);
    let mut extra = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries {
            let entry = entry.expect("readable directory entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            if !produced(&name) {
                extra.push(name);
            }
        }
    }
    extra.sort();
    let mut failures = Vec::new();
    for name in &extra {
        if blessing() {
            fs::remove_file(dir.join(name)).unwrap_or_else(|error| {
                panic!("cannot remove {}: {error}", dir.join(name).display())
            });
        } else {
            failures.push(format!(
                "{} is no longer produced; bless with `{}` to remove it",
                dir.join(name).display(),
                bless_command()
            ));
        }
    }
    for (name, text) in files {
        failures.extend(check_golden(&dir.join(name), text).err());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The most diff lines a failure prints; the rest is summarised.
const MAX_DIFF_LINES: usize = 200;

/// A unified diff from `expected` to `actual`, with invisible characters made visible.
pub fn diff(expected: &[u8], actual: &[u8]) -> String {
    let expected = String::from_utf8_lossy(expected);
    let actual = String::from_utf8_lossy(actual);
    let diff = similar::TextDiff::from_lines(expected.as_ref(), actual.as_ref());
    let mut out = String::from("--- expected\n+++ actual\n");
    let mut lines = 0;
    for group in diff.grouped_ops(3) {
        let first = group.first().expect("a group has an operation");
        let last = group.last().expect("a group has an operation");
        let old = first.old_range().start..last.old_range().end;
        let new = first.new_range().start..last.new_range().end;
        let _ = writeln!(
            out,
            "@@ -{},{} +{},{} @@",
            old.start + 1,
            old.len(),
            new.start + 1,
            new.len()
        );
        for op in &group {
            for change in diff.iter_changes(op) {
                lines += 1;
                if lines > MAX_DIFF_LINES {
                    continue;
                }
                let sign = match change.tag() {
                    similar::ChangeTag::Equal => ' ',
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                };
                let line = change.value();
                let _ = writeln!(
                    out,
                    "{sign}{}",
                    visible(line.strip_suffix('\n').unwrap_or(line))
                );
                if !line.ends_with('\n') {
                    out.push_str("\\ No newline at end of file\n");
                }
            }
        }
    }
    if lines > MAX_DIFF_LINES {
        let _ = writeln!(out, "… and {} more lines", lines - MAX_DIFF_LINES);
    }
    out
}

/// `line` with the characters a terminal would not show escaped.
fn visible(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{00a0}' => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}
