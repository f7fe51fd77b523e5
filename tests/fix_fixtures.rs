//! Golden tests of `check --fix`, in the style of clippy's UI tests.
//!
//! Each folder under `tests/fixtures/fix/` that holds an `input.txt` is a case:
//!
//! - `expected.txt`: `check --format line` on the input, as `input.txt:line:col: …` lines;
//! - `input.fixed.txt`: the file after `check --fix --unsafe-fixes` (byte for byte);
//! - `args.txt` (optional): extra arguments for every run, one per line (`#` lines ignored);
//! - `fix-args.txt` (optional): the fixing arguments, instead of `--fix --unsafe-fixes`.
//!
//! Every case is also fixed a second time (nothing may change), through standard input (the
//! same bytes must come out) and with `--diff` (nothing may be written). Run with
//! `REPLYLINT_BLESS=1` to rewrite the expectations from what the binary does now
//! (tests/support/mod.rs).

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

mod support;

use support::fixtures;

fn check(dir: &Path, args: &[String]) -> Command {
    let mut command = Command::cargo_bin("replylint").unwrap();
    command
        .current_dir(dir)
        .arg("check")
        .arg("--no-builtin")
        .arg("--color")
        .arg("never");
    for pack in ["packs/demo", "packs/demo-en", "fix/pack"] {
        command.arg("--rules").arg(fixtures().join(pack));
    }
    command.args(args);
    command
}

fn arg_lines(path: &Path) -> Option<Vec<String>> {
    let text = fs::read_to_string(path).ok()?;
    Some(
        text.lines()
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(str::to_string)
            .collect(),
    )
}

fn run_case(case: &Path) -> Vec<String> {
    let mut failures = Vec::new();
    let input = fs::read(case.join("input.txt")).unwrap();
    let args = arg_lines(&case.join("args.txt")).unwrap_or_default();
    let fix_args = arg_lines(&case.join("fix-args.txt"))
        .unwrap_or_else(|| vec!["--fix".into(), "--unsafe-fixes".into()]);
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("input.txt");
    fs::write(&file, &input).unwrap();

    let lint = check(work.path(), &args)
        .args(["--format", "line", "input.txt"])
        .output()
        .unwrap();
    failures.extend(support::check_golden(&case.join("expected.txt"), &lint.stdout).err());

    let diff_run = check(work.path(), &args)
        .args(&fix_args)
        .args(["--diff", "input.txt"])
        .output()
        .unwrap();
    if fs::read(&file).unwrap() != input {
        failures.push("--diff changed the file".into());
    }

    let fixing = check(work.path(), &args)
        .args(&fix_args)
        .args(["--format", "line", "input.txt"])
        .output()
        .unwrap();
    if !matches!(fixing.status.code(), Some(0 | 1)) {
        failures.push(format!(
            "--fix exited with {:?}: {}",
            fixing.status.code(),
            String::from_utf8_lossy(&fixing.stderr)
        ));
    }
    let fixed = fs::read(&file).unwrap();
    failures.extend(support::check_golden(&case.join("input.fixed.txt"), &fixed).err());
    if diff_run.stdout.is_empty() != (fixed == input) {
        failures.push(format!(
            "--diff printed {:?} although --fix {} the file",
            String::from_utf8_lossy(&diff_run.stdout),
            if fixed == input { "left" } else { "changed" }
        ));
    }

    let again = check(work.path(), &args)
        .args(&fix_args)
        .args(["--format", "line", "input.txt"])
        .output()
        .unwrap();
    if fs::read(&file).unwrap() != fixed {
        failures.push("fixing a second time changed the text again".into());
    }
    if !String::from_utf8_lossy(&again.stderr).contains("No fixes applied") {
        failures.push(format!(
            "second --fix did not say so: {}",
            String::from_utf8_lossy(&again.stderr)
        ));
    }

    let piped = check(work.path(), &args)
        .args(&fix_args)
        .arg("-")
        .write_stdin(input.clone())
        .output()
        .unwrap();
    if piped.stdout != fixed {
        failures.push(format!(
            "`--fix -` printed {:?}, the file became {:?}",
            String::from_utf8_lossy(&piped.stdout),
            String::from_utf8_lossy(&fixed)
        ));
    }
    failures
}

#[test]
fn fix_fixtures() {
    let mut cases: Vec<PathBuf> = fs::read_dir(fixtures().join("fix"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("input.txt").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "fixture cases went missing: {cases:?}");
    let mut report = String::new();
    for case in &cases {
        for failure in run_case(case) {
            report.push_str(&format!("\n[{}] {failure}\n", case.display()));
        }
    }
    assert!(report.is_empty(), "fix fixtures failed:{report}");
}

// CLI behaviour around the fixtures: streams, summaries, exit codes and file handling.

fn demo_check() -> Command {
    check(&fixtures(), &[])
}

#[test]
fn files_are_fixed_in_place_with_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "Sorry for the wait. 你搞错了。\n").unwrap();
    fs::write(dir.path().join("b.txt"), "等一下。请你冷静一下。\n").unwrap();
    fs::write(dir.path().join("c.txt"), "Thank you.\n").unwrap();
    let output = demo_check()
        .args(["--fix", "--unsafe-fixes"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("demo.anger.calm-down"), "{stdout}");
    assert!(
        stdout.ends_with(
            "Found 1 problem (1 warning) in 1 of 3 files.\n\
             Applied 3 fixes (2 safe, 1 unsafe) in 2 files; 1 finding remains, 1 needs a human.\n"
        ),
        "{stdout}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("a.txt")).unwrap(),
        "Thank you for waiting. 我觉得这里存在误解。\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("b.txt")).unwrap(),
        "请您稍等一下。请你冷静一下。\n"
    );
}

#[cfg(unix)]
#[test]
fn permissions_links_and_read_only_files() {
    use std::os::unix::fs::{symlink, PermissionsExt};

    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.txt");
    fs::write(&real, "Sorry for the wait.\n").unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.txt");
    symlink(&real, &link).unwrap();
    demo_check()
        .arg("--fix")
        .arg(&link)
        .arg(&real)
        .assert()
        .code(0);
    assert_eq!(
        fs::read_to_string(&real).unwrap(),
        "Thank you for waiting.\n"
    );
    let mode = fs::metadata(&real).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let entries = fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(entries, 2, "no temporary files are left behind");

    let locked = dir.path().join("locked.txt");
    fs::write(&locked, "Sorry for the wait.\n").unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o444)).unwrap();
    demo_check()
        .arg("--fix")
        .arg(&locked)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is read-only; not overwritten"));
    assert_eq!(
        fs::read_to_string(&locked).unwrap(),
        "Sorry for the wait.\n"
    );
}
