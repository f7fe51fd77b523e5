//! Hostile inputs through the real binary, each with its documented outcome
//! (`docs/robustness.md`, "Hostile inputs"): the message, the exit status, that nothing was
//! written, that the other files were still checked, and that nothing panicked or hung.
//!
//! Large inputs are generated here into a temporary folder, never checked in. Every command runs
//! under a generous time limit (`GUARD`) so that a hang fails the test instead of blocking the
//! run; no test asserts how fast anything is (that is `benches/linearity.rs`).

#![cfg(unix)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use serde_json::Value;

mod support;

use support::fixtures;

/// Long enough for any case on a loaded two-core machine in a debug build; only a hang gets
/// near it.
const GUARD: Duration = Duration::from_secs(300);

fn replylint() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("replylint").unwrap();
    command.timeout(GUARD).env_remove("NO_COLOR");
    command
}

/// `check` with the fixer's test packs only: `sorry for the wait` has a safe fix.
fn fix_check() -> assert_cmd::Command {
    let mut command = replylint();
    command
        .args(["check", "--no-builtin", "--rules"])
        .arg(fixtures().join("fix/pack"));
    command
}

fn run(command: &mut assert_cmd::Command) -> Output {
    command.output().expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The process ended with `code` and did not panic.
fn assert_exit(output: &Output, code: i32) {
    let err = stderr(output);
    assert!(!err.contains("panicked"), "panic: {err}");
    assert_eq!(output.status.code(), Some(code), "stderr: {err}");
}

fn findings(output: &Output) -> Vec<Value> {
    serde_json::from_slice::<Value>(&output.stdout)
        .unwrap_or_else(|error| panic!("stdout is not JSON ({error}): {}", stdout(output)))
        .as_array()
        .cloned()
        .expect("a JSON array")
}

const GOOD: &str = "Thanks for writing in. Sorry for the wait.\n";
const FIXED: &str = "Thanks for writing in. Thank you for waiting.\n";

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc_geteuid() == 0 }
}

extern "C" {
    #[link_name = "geteuid"]
    fn libc_geteuid() -> u32;
}

fn leftovers(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type().unwrap().is_dir() {
                pending.push(entry.path());
            } else if name.starts_with(".replylint-") || name.ends_with(".tmp") {
                found.push(entry.path());
            }
        }
    }
    found
}

// ---------------------------------------------------------------------------------------------
// Inputs

#[test]
fn an_empty_file_is_clean_and_fixing_it_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.txt");
    fs::write(&path, "").unwrap();
    let output = run(replylint().arg("check").arg(&path));
    assert_exit(&output, 0);
    assert!(stdout(&output).contains("No problems found in 1 file."));
    let output = run(fix_check().arg("--fix").arg(&path));
    assert_exit(&output, 0);
    assert_eq!(fs::read(&path).unwrap(), b"");
}

#[test]
fn a_file_of_only_a_bom_is_clean_and_keeps_its_bom() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bom.txt");
    fs::write(&path, "\u{FEFF}").unwrap();
    assert_exit(&run(replylint().arg("check").arg(&path)), 0);
    let output = run(fix_check().arg("--fix").arg(&path));
    assert_exit(&output, 0);
    assert_eq!(fs::read(&path).unwrap(), "\u{FEFF}".as_bytes());
    // With text after it, the BOM is not a column but stays a byte of the file.
    fs::write(&path, format!("\u{FEFF}{GOOD}")).unwrap();
    let output = run(fix_check().args(["--format", "json"]).arg(&path));
    let found = findings(&output);
    assert_eq!(found[0]["line"], 1);
    assert_eq!(found[0]["column"], 24);
    assert_eq!(found[0]["start"], 3 + 23);
    assert_exit(&run(fix_check().arg("--fix").arg(&path)), 0);
    assert_eq!(
        fs::read(&path).unwrap(),
        format!("\u{FEFF}{FIXED}").as_bytes()
    );
}

/// One line of 50 MB: filler with a finding every 5 MB. The run ends and every finding is
/// listed, at its byte offset.
#[test]
fn a_fifty_megabyte_single_line_is_checked_with_bounded_output() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one-line.txt");
    let filler = "lorem ipsum dolor sit amet ".repeat(5 * 1024 * 1024 / 27);
    {
        let mut file = std::io::BufWriter::new(fs::File::create(&path).unwrap());
        for _ in 0..10 {
            file.write_all(filler.as_bytes()).unwrap();
            file.write_all(b"sorry for the wait ").unwrap();
        }
        file.flush().unwrap();
    }
    assert!(fs::metadata(&path).unwrap().len() >= 50_000_000);

    let output = run(fix_check().args(["--format", "json"]).arg(&path));
    assert_exit(&output, 1);
    let found = findings(&output);
    assert_eq!(found.len(), 10);
    assert!(found.iter().all(|finding| finding["line"] == 1));
    assert_eq!(found[9]["start"], 10 * filler.len() + 9 * 19);

    // The human report of such a line is cut around each span (see
    // `pathological_lines_end_with_every_finding_and_bounded_human_output`).
}

#[test]
fn nul_bytes_named_are_an_error_and_other_files_are_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    let nul = dir.path().join("nul.txt");
    let good = dir.path().join("good.txt");
    fs::write(&nul, b"Sorry for the wait\0.").unwrap();
    fs::write(&good, GOOD).unwrap();
    let output = run(fix_check().args(["--format", "line"]).arg(&nul).arg(&good));
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("nul.txt: binary file (NUL byte at byte offset 18)"));
    assert!(
        stdout(&output).contains("good.txt:1:24:"),
        "{}",
        stdout(&output)
    );

    // `--fix` writes neither the bad file nor (when it has nothing to fix) the good one.
    let output = run(fix_check().arg("--fix").arg(&nul).arg(&good));
    assert_exit(&output, 2);
    assert_eq!(fs::read(&nul).unwrap(), b"Sorry for the wait\0.");
    assert_eq!(fs::read_to_string(&good).unwrap(), FIXED);
}

/// A filter never eats a draft: on undecodable standard input `check --fix -` prints nothing
/// and exits 2, so an editor that trusts the status keeps the draft.
#[test]
fn fix_on_stdin_never_answers_an_undecodable_draft_with_empty_success() {
    for (what, draft) in [
        ("NUL byte", b"Sorry for the wait\0".to_vec()),
        (
            "UTF-16 without BOM",
            "Sorry for the wait"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect(),
        ),
        ("invalid UTF-8", b"Sorry for the wait \xff\xfe".to_vec()),
    ] {
        let output = run(fix_check().args(["--fix", "-"]).write_stdin(draft.clone()));
        assert_exit(&output, 2);
        assert!(output.stdout.is_empty(), "{what}: {}", stdout(&output));
        assert!(
            stderr(&output).contains("error:"),
            "{what}: {}",
            stderr(&output)
        );
        // JSON mode: every line on stderr is JSON.
        let output = run(fix_check()
            .args(["--fix", "--format", "json", "-"])
            .write_stdin(draft));
        assert_exit(&output, 2);
        for line in stderr(&output).lines() {
            serde_json::from_str::<Value>(line)
                .unwrap_or_else(|_| panic!("{what}: not JSON on stderr: {line}"));
        }
    }
    // A clean draft comes back whole.
    let output = run(fix_check()
        .args(["--fix", "-"])
        .write_stdin("Hello there.\n"));
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "Hello there.\n");
}

#[test]
fn invalid_utf8_mid_file_is_an_error_at_its_place_and_other_files_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.txt");
    fs::write(&bad, b"line one\nline two \xc3\x28 here\n").unwrap();
    fs::write(dir.path().join("good.txt"), GOOD).unwrap();
    let output = run(fix_check().args(["--format", "line"]).arg(dir.path()));
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("bad.txt:2:10: not valid UTF-8 (byte offset 18)"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).contains("good.txt:1:24:"));
    let output = run(fix_check().arg("--fix").arg(&bad));
    assert_exit(&output, 2);
    assert_eq!(
        fs::read(&bad).unwrap(),
        b"line one\nline two \xc3\x28 here\n"
    );
}

/// Lines are counted at LF (a CRLF is one line ending; a lone CR is not a line break, as in
/// rustc and ripgrep). The human report never prints a raw CR, which would make a terminal
/// overwrite the line, and a fix keeps every line ending byte for byte.
#[test]
fn lone_cr_and_mixed_line_endings_keep_their_bytes_and_never_reach_the_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.txt");
    let text =
        "Hello.\rSorry for the wait.\r\nSorry for the delay.\nBye.\r\r\nSorry for the wait\r";
    fs::write(&path, text).unwrap();
    let output = run(fix_check().args(["--format", "json"]).arg(&path));
    assert_exit(&output, 1);
    let places: Vec<(u64, u64)> = findings(&output)
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(places, [(1, 8), (2, 1), (4, 1)]);

    let output = run(fix_check().arg("--color").arg("never").arg(&path));
    assert_exit(&output, 1);
    assert!(!output.stdout.contains(&b'\r'), "{}", stdout(&output));

    assert_exit(&run(fix_check().arg("--fix").arg(&path)), 0);
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "Hello.\rThank you for waiting.\r\nThank you for waiting.\nBye.\r\r\nThank you for waiting\r"
    );
}

#[test]
fn utf16_without_a_bom_is_an_error_named_and_in_a_walk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("utf16.txt");
    let bytes: Vec<u8> = GOOD.encode_utf16().flat_map(u16::to_le_bytes).collect();
    fs::write(&path, &bytes).unwrap();
    fs::write(dir.path().join("good.txt"), GOOD).unwrap();
    for target in [path.as_path(), dir.path()] {
        let output = run(fix_check().args(["--format", "line"]).arg(target));
        assert_exit(&output, 2);
        assert!(
            stderr(&output).contains("UTF-16LE without a byte-order mark"),
            "{}",
            stderr(&output)
        );
    }
    let output = run(fix_check().args(["--format", "line"]).arg(dir.path()));
    assert!(stdout(&output).contains("good.txt:1:24:"));
    assert_exit(&run(fix_check().arg("--fix").arg(dir.path())), 2);
    assert_eq!(fs::read(&path).unwrap(), bytes);
}

#[test]
fn binary_files_are_an_error_when_named_and_a_noted_skip_in_a_walk() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("image.txt");
    fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    fs::write(dir.path().join("good.txt"), GOOD).unwrap();
    let output = run(fix_check().arg(&png));
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("image.txt: binary file"));

    let output = run(fix_check().args(["--format", "line"]).arg(dir.path()));
    assert_exit(&output, 1);
    assert!(stderr(&output).contains("note:"), "{}", stderr(&output));
    assert!(stderr(&output).contains("image.txt: skipped: binary file"));
    assert!(stdout(&output).contains("good.txt:1:24:"));
}

fn mkfifo(path: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|status| status.success())
}

/// Only regular files are opened: a FIFO with no writer would block a read forever.
#[test]
fn a_fifo_is_refused_when_named_and_skipped_with_a_note_in_a_walk() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("reply.txt");
    if !mkfifo(&fifo) {
        eprintln!("SKIPPED: mkfifo is not available");
        return;
    }
    fs::write(dir.path().join("good.txt"), GOOD).unwrap();
    let output = run(fix_check().arg(&fifo));
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("reply.txt: cannot read: a FIFO, not a regular file"),
        "{}",
        stderr(&output)
    );
    let output = run(fix_check().args(["--format", "line"]).arg(dir.path()));
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("reply.txt: skipped: a FIFO, not a regular file"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).contains("good.txt:1:24:"));
    let output = run(fix_check().arg("--fix").arg(dir.path()));
    assert_exit(&output, 0);
}

/// A directory where a file is expected: named as an input it is walked; as the baseline, the
/// config file or a FIFO as the baseline, it is an error naming the flag.
#[test]
fn a_directory_or_fifo_where_a_file_is_expected_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("draft.txt");
    fs::write(&draft, GOOD).unwrap();
    let output = run(fix_check().arg("--baseline").arg(dir.path()).arg(&draft));
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("a directory, not a regular file"),
        "{}",
        stderr(&output)
    );
    let output = run(fix_check().arg("--config").arg(dir.path()).arg(&draft));
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("a directory, not a regular file"),
        "{}",
        stderr(&output)
    );
    let fifo = dir.path().join("baseline.json");
    if mkfifo(&fifo) {
        let output = run(fix_check().arg("--baseline").arg(&fifo).arg(&draft));
        assert_exit(&output, 2);
        assert!(stderr(&output).contains("a FIFO, not a regular file"));
    }
    let output = run(fix_check().arg("--output-file").arg(dir.path()).arg(&draft));
    assert_exit(&output, 2);
    assert_eq!(fs::read_to_string(&draft).unwrap(), GOOD);
}

/// Root reads every file whatever its mode, so this case can only be seen as another user.
#[test]
fn an_unreadable_file_is_an_error_and_other_files_are_checked() {
    if is_root() {
        eprintln!("SKIPPED: running as root, which can read a file of mode 000");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.txt");
    fs::write(&secret, GOOD).unwrap();
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    fs::write(dir.path().join("good.txt"), GOOD).unwrap();
    let output = run(fix_check().args(["--format", "line"]).arg(dir.path()));
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("secret.txt: cannot read"));
    assert!(stdout(&output).contains("good.txt:1:24:"));
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o644)).unwrap();
}

/// Links are not followed in a walk, so a loop ends; named, the link is walked once.
#[test]
fn a_directory_symlink_loop_ends_and_every_file_is_checked_once() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("a/b");
    fs::create_dir_all(&inner).unwrap();
    std::os::unix::fs::symlink("../..", inner.join("up")).unwrap();
    std::os::unix::fs::symlink(".", dir.path().join("self")).unwrap();
    fs::write(inner.join("good.txt"), GOOD).unwrap();
    let output = run(fix_check().args(["--format", "json"]).arg(dir.path()));
    assert_exit(&output, 1);
    assert_eq!(findings(&output).len(), 1);
    let output = run(fix_check().args(["--format", "json"]).arg(inner.join("up")));
    assert_exit(&output, 1);
    assert_eq!(findings(&output).len(), 1);
}

/// A file name that is not UTF-8 is checked and fixed; it is shown with U+FFFD in its place.
#[test]
fn non_utf8_file_names_are_checked_and_fixed() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"caf\xe9-\xff.txt"));
    fs::write(&path, GOOD).unwrap();
    for target in [path.as_path(), dir.path()] {
        let output = run(fix_check().args(["--format", "json"]).arg(target));
        assert_exit(&output, 1);
        let found = findings(&output);
        assert_eq!(found.len(), 1);
        assert!(
            found[0]["path"]
                .as_str()
                .unwrap()
                .ends_with("caf\u{FFFD}-\u{FFFD}.txt"),
            "{found:?}"
        );
    }
    assert_exit(&run(fix_check().arg("--fix").arg(dir.path())), 0);
    assert_eq!(fs::read_to_string(&path).unwrap(), FIXED);
}

#[test]
fn twenty_thousand_tiny_files_are_all_checked_in_order() {
    let dir = tempfile::tempdir().unwrap();
    for folder in 0..20 {
        let folder_path = dir.path().join(format!("{folder:02}"));
        fs::create_dir(&folder_path).unwrap();
        for file in 0..1000 {
            let text = if file % 100 == 0 { GOOD } else { "Hi.\n" };
            fs::write(folder_path.join(format!("{file:04}.txt")), text).unwrap();
        }
    }
    let output = run(fix_check()
        .args(["--format", "line", "-j", "2"])
        .arg(dir.path()));
    assert_exit(&output, 1);
    let out = stdout(&output);
    let lines: Vec<&str> = out
        .lines()
        .filter(|line| line.contains(".txt:1:24:"))
        .collect();
    assert_eq!(lines.len(), 200);
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted, "output is in path order");
}

// ---------------------------------------------------------------------------------------------
// Rule packs

fn pack_check(pack: &Path) -> assert_cmd::Command {
    let mut command = replylint();
    command
        .args(["check", "--no-builtin", "--rules"])
        .arg(pack)
        .write_stdin(GOOD);
    command
}

const RULE: &str = "  - id: t.x.RULE_NAME
    kind: swap
    category: x
    severity: warning
    message: m
    why: w
    source: s
    PHRASES
    rewrite: [r]
    fix: safe
    examples:
      bad: [\"sorry for the wait\"]
      good: [\"thanks\"]
";

fn pack_with(rules: &[(&str, &str)]) -> String {
    let mut text = String::from("pack: t\nlanguage: en\nrules:\n");
    for (name, phrases) in rules {
        text.push_str(&RULE.replace("RULE_NAME", name).replace("PHRASES", phrases));
    }
    text
}

fn assert_pack_error(pack_text: &str, expected: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("p.yaml"), pack_text).unwrap();
    let output = run(&mut pack_check(dir.path()));
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(err.contains(expected), "expected {expected:?} in {err}");
    assert!(output.stdout.is_empty(), "{}", stdout(&output));
    err
}

#[test]
fn a_pack_with_duplicate_ids_is_refused_at_the_second() {
    let pack = pack_with(&[
        ("one", "phrases: [sorry for the wait]"),
        ("one", "phrases: [sorry for the delay]"),
    ]);
    let err = assert_pack_error(&pack, "duplicate rule id `t.x.one`");
    assert!(err.contains("p.yaml:17:9"), "{err}");
}

#[test]
fn empty_phrases_are_refused() {
    for phrases in ["phrases: [\"\"]", "phrases: [\"  \"]", "phrases: []"] {
        assert_pack_error(&pack_with(&[("one", phrases)]), "p.yaml:");
    }
}

#[test]
fn uncompilable_and_oversized_patterns_are_load_errors() {
    let pattern = |pattern: &str| {
        format!(
            "pack: t\nlanguage: en\nrules:\n  - id: t.x.p\n    kind: pattern\n    category: x\n    \
             severity: warning\n    message: m\n    why: w\n    source: s\n    pattern: '{pattern}'\n    \
             examples:\n      bad: [\"calm down\"]\n      good: [\"ok\"]\n"
        )
    };
    assert_pack_error(&pattern("calm (down"), "unclosed group");
    // Could never match within the engine's limits: refused, not loaded as a silent rule.
    assert_pack_error(&pattern("a{100000}"), "p.yaml:11:14");
    assert_pack_error(&pattern("(a{1000}){1000}"), "too complex");
    assert_pack_error(&pattern("(?:)"), "p.yaml:11:14");
}

/// Aliases that double at every level would expand to 2^30 nodes; the YAML reader's budget
/// stops it with an error, in bounded memory.
#[test]
fn a_yaml_alias_bomb_is_refused() {
    let mut pack = String::from("a0: &a0 [\"lol\", \"lol\"]\n");
    for level in 1..30 {
        let previous = level - 1;
        pack.push_str(&format!(
            "a{level}: &a{level} [*a{previous}, *a{previous}]\n"
        ));
    }
    pack.push_str("pack: t\nlanguage: en\nrules: [*a29]\n");
    assert_pack_error(&pack, "p.yaml");
}

/// A pack file that is a symbolic link out of its folder is refused by name; the target (here a
/// `.env` with a password) is never read, so no error can quote it.
#[test]
fn a_pack_symlink_out_of_its_folder_is_refused_without_reading_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.env");
    fs::write(&secret, "DATABASE_URL=postgres://app:hunter2@db/prod\n").unwrap();
    let rules = dir.path().join("rules");
    fs::create_dir(&rules).unwrap();
    std::os::unix::fs::symlink(&secret, rules.join("pack.yaml")).unwrap();
    let output = run(&mut pack_check(&rules));
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(err.contains("pack.yaml"), "{err}");
    assert!(err.contains("leads outside"), "{err}");
    assert!(
        !err.contains("hunter2") && !err.contains("DATABASE_URL"),
        "{err}"
    );

    // Two links back to the folder are a loop, reported, not walked without end.
    fs::remove_file(rules.join("pack.yaml")).unwrap();
    std::os::unix::fs::symlink(".", rules.join("again")).unwrap();
    std::os::unix::fs::symlink(".", rules.join("more")).unwrap();
    let output = run(&mut pack_check(&rules));
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("already read"),
        "{}",
        stderr(&output)
    );
}

/// A 100 MB pack is refused from its size before a byte of it is read (the file here is
/// sparse, so the test costs no disk).
#[test]
fn a_hundred_megabyte_pack_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let file = fs::File::create(dir.path().join("huge.yaml")).unwrap();
    file.set_len(100 * 1024 * 1024).unwrap();
    let output = run(&mut pack_check(dir.path()));
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("more than the 16777216 a pack file may have"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_fifo_pack_is_refused_unopened() {
    let dir = tempfile::tempdir().unwrap();
    if !mkfifo(&dir.path().join("pack.yaml")) {
        eprintln!("SKIPPED: mkfifo is not available");
        return;
    }
    let output = run(&mut pack_check(dir.path()));
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("not a regular file"),
        "{}",
        stderr(&output)
    );
}

// ---------------------------------------------------------------------------------------------
// Writing fixes

#[test]
fn fix_on_a_read_only_file_leaves_it_and_fixes_the_others() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked.txt");
    let open = dir.path().join("open.txt");
    fs::write(&locked, GOOD).unwrap();
    fs::write(&open, GOOD).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o444)).unwrap();
    let output = run(fix_check().arg("--fix").arg(dir.path()));
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("locked.txt: is read-only; not overwritten"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fs::read_to_string(&locked).unwrap(), GOOD);
    assert_eq!(fs::read_to_string(&open).unwrap(), FIXED);
    assert!(leftovers(dir.path()).is_empty());
}

/// Root may create files in a folder of mode 555, so the case is only seen as another user.
#[test]
fn fix_in_a_read_only_directory_leaves_the_file() {
    if is_root() {
        eprintln!("SKIPPED: running as root, which can write into a folder of mode 555");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("locked");
    fs::create_dir(&folder).unwrap();
    let path = folder.join("reply.txt");
    fs::write(&path, GOOD).unwrap();
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o555)).unwrap();
    let output = run(fix_check().arg("--fix").arg(&path));
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).unwrap();
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("cannot create a file in"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), GOOD);
    assert!(leftovers(dir.path()).is_empty());
}

/// The link's target is edited and the link is kept.
#[test]
fn fix_through_a_symlink_edits_the_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target.txt");
    let link = dir.path().join("link.txt");
    fs::write(&target, GOOD).unwrap();
    std::os::unix::fs::symlink("target.txt", &link).unwrap();
    assert_exit(&run(fix_check().arg("--fix").arg(&link)), 0);
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("target.txt"));
    assert_eq!(fs::read_to_string(&target).unwrap(), FIXED);
}

/// The fixed name becomes a file of its own; the other hard link keeps the original text (as
/// with an editor's safe write).
#[test]
fn fix_on_a_hard_link_replaces_that_name_only() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.txt");
    let second = dir.path().join("second.txt");
    fs::write(&first, GOOD).unwrap();
    fs::hard_link(&first, &second).unwrap();
    assert_exit(&run(fix_check().arg("--fix").arg(&first)), 0);
    assert_eq!(fs::read_to_string(&first).unwrap(), FIXED);
    assert_eq!(fs::read_to_string(&second).unwrap(), GOOD);
    assert_eq!(fs::metadata(&second).unwrap().nlink(), 1);
}

/// A run killed at an arbitrary moment leaves every file either as it was or fully fixed, and
/// no temporary file.
#[test]
fn a_fix_run_killed_mid_way_leaves_no_truncated_or_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let body = GOOD.repeat(2000);
    let fixed = FIXED.repeat(2000);
    for index in 0..400 {
        fs::write(dir.path().join(format!("{index:03}.txt")), &body).unwrap();
    }
    let binary = assert_cmd::cargo::cargo_bin("replylint");
    for delay_ms in [30u64, 120, 400] {
        let mut child = std::process::Command::new(&binary)
            .args(["check", "--no-builtin", "--rules"])
            .arg(fixtures().join("fix/pack"))
            .args(["--fix", "-j", "2"])
            .arg(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        for entry in fs::read_dir(dir.path()).unwrap() {
            let path = entry.unwrap().path();
            let text = fs::read_to_string(&path).unwrap();
            assert!(
                text == body || text == fixed,
                "{} is neither the original nor the fixed text ({} bytes)",
                path.display(),
                text.len()
            );
        }
        assert_eq!(leftovers(dir.path()), Vec::<PathBuf>::new());
    }
}

// ---------------------------------------------------------------------------------------------
// Pathological shapes (sizes are kept small enough for a debug build; the 1x/2x/4x timings of
// the same shapes at megabytes are in `benches/linearity.rs`).

#[test]
fn pathological_lines_end_with_every_finding_and_bounded_human_output() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("zh.txt", "你必须先填表 ".repeat(4000), true),
        ("en.txt", "you must wait, ".repeat(8000), true),
        ("a.txt", "a".repeat(4 * 1024 * 1024), false),
        ("dots.txt", "。".repeat(400_000), false),
    ];
    for (name, text, fires) in cases {
        let path = dir.path().join(name);
        fs::write(&path, &text).unwrap();
        let output = run(replylint().args(["check", "--format", "json"]).arg(&path));
        let found = findings(&output);
        assert_exit(
            &output,
            if found
                .iter()
                .any(|f| f["severity"] != "info" && f["severity"] != "hint")
            {
                1
            } else {
                0
            },
        );
        assert_eq!(!found.is_empty(), fires, "{name}");
        let output = run(replylint().args(["check", "--color", "never"]).arg(&path));
        assert!(
            output.status.code().unwrap_or(2) < 2,
            "{name}: {}",
            stderr(&output)
        );
        // At most MAX_FINDINGS_PER_LINE excerpts of a few hundred characters each.
        assert!(
            output.stdout.len() < 100_000,
            "{name}: human output of {} bytes",
            output.stdout.len()
        );
    }
}

#[test]
fn deep_nesting_in_every_structured_format_is_refused_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 100_000;
    let cases = [
        (
            "deep.json",
            format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
        ),
        (
            "deep.jsonl",
            format!("{}{}\n", "{\"a\":".repeat(depth), "}".repeat(depth)),
        ),
        (
            "deep.yaml",
            format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
        ),
        ("deep.md", format!("{} I can't\n", "> ".repeat(depth))),
        ("deep-list.md", format!("{}I can't\n", "- ".repeat(depth))),
        ("deep.html", format!("{}I can't", "<div>".repeat(depth))),
        (
            "deep.csv",
            format!("content\n\"{}\"\n", "\"\"".repeat(depth)),
        ),
    ];
    for (name, text) in cases {
        let path = dir.path().join(name);
        fs::write(&path, &text).unwrap();
        fs::write(dir.path().join("good.txt"), GOOD).unwrap();
        let output = run(fix_check()
            .args(["--format", "line"])
            .arg(&path)
            .arg(dir.path().join("good.txt")));
        let code = output.status.code();
        assert!(
            !stderr(&output).contains("panicked"),
            "{name}: {}",
            stderr(&output)
        );
        assert!(
            code == Some(1) || code == Some(2),
            "{name}: {code:?} {}",
            stderr(&output)
        );
        if code == Some(2) {
            assert!(
                stderr(&output).contains(&format!("{name}:1:")),
                "{name}: {}",
                stderr(&output)
            );
        }
        assert!(stdout(&output).contains("good.txt:1:24:"), "{name}");
    }
}
