//! CLI cases as files: every folder under `tests/cases/` is one run of the real binary.
//!
//! - `cmd`: the arguments after `replylint`, on one line, split like a POSIX shell would
//!   (quotes group words). `{fixtures}` stands for the absolute path of `tests/fixtures/`.
//! - `stdin` (optional): the bytes on standard input; without it standard input is empty.
//! - `stdout`: what must come out on standard output, byte for byte.
//! - `stderr` (optional): what must come out on standard error; without it, nothing may.
//! - `status`: the exit code.
//! - any other file or folder is an input: the run happens in a temporary copy of the case,
//!   so paths in `cmd` are relative to the case, and every input must be unchanged afterwards.
//!
//! `REPLYLINT_BLESS=1 cargo test --test cli_cases` writes `stdout`, `stderr` and `status` from
//! what the binary does now (tests/support/mod.rs); review the diff before committing.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

mod support;

/// The files that describe a case rather than feed it.
const CASE_FILES: &[&str] = &["cmd", "stdin", "stdout", "stderr", "status"];

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// Copies the inputs of `case` into `work`, returning their paths relative to the case.
fn copy_inputs(case: &Path, work: &Path) -> Vec<PathBuf> {
    let mut copied = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        for entry in fs::read_dir(case.join(&relative)).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name();
            let path = relative.join(&name);
            if relative.as_os_str().is_empty()
                && CASE_FILES.iter().any(|file| name.to_str() == Some(file))
            {
                continue;
            }
            if entry.file_type().unwrap().is_dir() {
                fs::create_dir_all(work.join(&path)).unwrap();
                pending.push(path);
            } else {
                fs::copy(entry.path(), work.join(&path)).unwrap();
                copied.push(path);
            }
        }
    }
    copied.sort();
    copied
}

fn run_case(case: &Path) -> Vec<String> {
    let mut failures = Vec::new();
    let cmd = fs::read_to_string(case.join("cmd")).expect("a case has a `cmd` file");
    let cmd = cmd.trim_end_matches(['\r', '\n']);
    assert!(!cmd.contains('\n'), "{}: `cmd` is one line", case.display());
    let fixtures = tests_dir().join("fixtures");
    let args: Vec<String> = shlex::split(cmd)
        .unwrap_or_else(|| panic!("{}: unbalanced quotes in `cmd`", case.display()))
        .into_iter()
        .map(|arg| arg.replace("{fixtures}", &fixtures.to_string_lossy()))
        .collect();
    let stdin = fs::read(case.join("stdin")).unwrap_or_default();

    let work = tempfile::tempdir().unwrap();
    let inputs = copy_inputs(case, work.path());
    let output = Command::cargo_bin("replylint")
        .unwrap()
        .current_dir(work.path())
        .args(&args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .write_stdin(stdin)
        .output()
        .unwrap();

    failures.extend(support::check_golden(&case.join("stdout"), &output.stdout).err());
    let stderr_file = case.join("stderr");
    if support::blessing() && output.stderr.is_empty() {
        if stderr_file.exists() {
            fs::remove_file(&stderr_file).unwrap();
        }
    } else {
        failures.extend(support::check_golden(&stderr_file, &output.stderr).err());
    }
    let status = match output.status.code() {
        Some(code) => format!("{code}\n"),
        None => format!("killed: {:?}\n", output.status),
    };
    failures.extend(support::check_golden(&case.join("status"), status).err());
    for input in &inputs {
        if fs::read(work.path().join(input)).unwrap() != fs::read(case.join(input)).unwrap() {
            failures.push(format!("the run changed its input {}", input.display()));
        }
    }
    failures
}

#[test]
fn cli_cases() {
    let mut cases: Vec<PathBuf> = fs::read_dir(tests_dir().join("cases"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "cases went missing: {cases:?}");
    let mut report = String::new();
    for case in &cases {
        for failure in run_case(case) {
            report.push_str(&format!("\n[{}] {failure}\n", case.display()));
        }
    }
    assert!(report.is_empty(), "CLI cases failed:{report}");
}

/// The helper's diffs must show differences a terminal hides, or a CRLF case fails unreadably.
#[test]
fn golden_diffs_spell_out_invisible_differences() {
    let shown = support::diff(b"a\r\nb\n", b"a\nb");
    assert!(shown.contains("-a\\r\n-b\n+a\n"), "{shown}");
    assert!(
        shown.contains("+b\n\\ No newline at end of file\n"),
        "{shown}"
    );
}
