//! The real binary on real files: inputs, formats, exit codes and errors.
//!
//! These tests use the packs under `tests/fixtures/packs/` (with `--no-builtin`) so that they
//! pin the engine's behaviour independently of how the built-in packs evolve.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// `replylint check` with only the demo packs loaded.
fn check() -> Command {
    let mut command = Command::cargo_bin("replylint").unwrap();
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

fn json_of(output: &[u8]) -> Vec<Value> {
    let value: Value = serde_json::from_slice(output).expect("stdout is JSON");
    value.as_array().expect("a JSON array").clone()
}

#[test]
fn stdin_draft_gets_verdict_rewrite_and_exit_code() {
    check()
        .write_stdin("你好,你必须先填表。\n")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("warning[demo.command.you-must]"))
        .stdout(predicate::str::contains("<stdin>:1:4"))
        .stdout(predicate::str::contains("try: 请您先填表,您看行吗?"))
        .stdout(predicate::str::contains(
            "Found 1 problem (1 warning) in 1 of 1 file.",
        ));
}

#[test]
fn dash_means_stdin_and_stdin_filename_names_it() {
    check()
        .args(["--format", "line", "--stdin-filename", "draft.txt", "-"])
        .write_stdin("你搞错了")
        .assert()
        .code(1)
        .stdout("draft.txt:1:1: warning demo.blame.you-are-wrong: 直接说客户错了会引起对抗。 → 我觉得这里存在误解\n");
}

#[test]
fn clean_draft_exits_zero() {
    check()
        .write_stdin("非常感谢您的耐心等待,我们马上为您处理。")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("No problems found in 1 file."));
}

#[test]
fn traditional_draft_gets_traditional_rewrite() {
    let output = check()
        .args(["--format", "json"])
        .write_stdin("您好。\n你必須先填寫這張表格。")
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let diagnostics = json_of(&output);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0]["text"], "你必須先填寫這張表格");
    assert_eq!(
        diagnostics[0]["message"], "命令口吻會讓客戶覺得沒有選擇的餘地。",
        "a Chinese rule's message follows the writer's script too"
    );
    assert_eq!(
        diagnostics[0]["suggestions"][0],
        "請您先填寫這張表格,您看行嗎?"
    );
}

#[test]
fn json_has_the_documented_fields_with_character_columns_and_byte_offsets() {
    let draft = "第一行\nI can’t refund it. 你搞错了。\n";
    let output = check()
        .args(["--format", "json"])
        .write_stdin(draft)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let diagnostics = json_of(&output);
    assert_eq!(diagnostics.len(), 2);
    let first = &diagnostics[0];
    assert_eq!(first["path"], "<stdin>");
    assert_eq!(first["rule"], "demo-en.negative.i-cant");
    assert_eq!(first["severity"], "warning");
    assert_eq!(first["line"], 2);
    assert_eq!(first["column"], 1);
    assert_eq!(first["text"], "I can’t");
    let start = first["start"].as_u64().unwrap() as usize;
    let end = first["end"].as_u64().unwrap() as usize;
    assert_eq!(&draft[start..end], "I can’t");
    assert_eq!(first["suggestions"][0], "Here's what I can do");

    let second = &diagnostics[1];
    assert_eq!(second["line"], 2);
    assert_eq!(second["column"], 20, "columns count characters, not bytes");
    assert_eq!(second["text"], "你搞错了");
    for field in [
        "message",
        "category",
        "source",
        "end_line",
        "end_column",
        "fix",
    ] {
        assert!(second.get(field).is_some(), "missing {field}");
    }
}

#[test]
fn exceptions_and_word_boundaries_hold() {
    check()
        .write_stdin("I can't wait to see it! We can't thank you enough. Scan't you must mustard.")
        .args(["--format", "line"])
        .assert()
        .stdout(predicate::str::contains("i-cant").not())
        .stdout(predicate::str::contains("demo-en.command.must"));
}

#[test]
fn directories_are_walked_in_order_skipping_binary_and_ignored_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("b/nested")).unwrap();
    fs::write(root.join("a.txt"), "你搞错了\n").unwrap();
    fs::write(root.join("b/nested/c.md"), "Text.\n\nYou must wait here.\n").unwrap();
    fs::write(root.join("b/image.txt"), b"\x89PNG\0\0binary").unwrap();
    fs::write(root.join("b/code.rs"), "// 你搞错了 is not a reply\n").unwrap();
    fs::write(root.join(".gitignore"), "ignored.txt\n").unwrap();
    fs::write(root.join("ignored.txt"), "你搞错了\n").unwrap();

    let assert = check()
        .args(["--format", "line"])
        .arg(root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("image.txt: skipped: binary file"));
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].contains("a.txt:1:1: warning demo.blame.you-are-wrong"));
    assert!(lines[1].contains("c.md:3:1: info demo-en.command.must"));
}

#[test]
fn parallel_and_serial_runs_print_the_same() {
    let dir = tempfile::tempdir().unwrap();
    for index in 0..40 {
        let text = if index % 3 == 0 {
            "你搞错了。"
        } else {
            "好的,谢谢。"
        };
        fs::write(dir.path().join(format!("{index:03}.txt")), text).unwrap();
    }
    let serial = check()
        .args(["--format", "line", "-j", "1"])
        .arg(dir.path())
        .output()
        .unwrap();
    let parallel = check()
        .args(["--format", "line", "-j", "4"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(serial.stdout, parallel.stdout);
    assert_eq!(String::from_utf8_lossy(&serial.stdout).lines().count(), 14);
}

#[test]
fn severity_filters_and_fail_on() {
    let draft = "我不能给你退款,除非你寄回商品。";
    // The pattern rule is `info`: reported, but below the default --fail-on warning.
    check()
        .write_stdin(draft)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("demo.negative.cannot-unless"));
    check()
        .args(["--fail-on", "info"])
        .write_stdin(draft)
        .assert()
        .code(1);
    check()
        .args(["--min-severity", "warning"])
        .write_stdin(draft)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("No problems found"));
    check()
        .args(["--fail-on", "loud"])
        .write_stdin(draft)
        .assert()
        .code(2);
}

#[test]
fn non_utf8_file_is_an_error_but_other_files_are_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    let gbk = dir.path().join("gbk.txt");
    // "你搞错了" in GBK.
    fs::write(&gbk, b"\xc4\xe3\xb8\xe3\xb4\xed\xc1\xcb").unwrap();
    let good = dir.path().join("good.txt");
    fs::write(&good, "你搞错了").unwrap();
    check()
        .args(["--format", "line"])
        .arg(&gbk)
        .arg(&good)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("gbk.txt:1:1: not valid UTF-8"))
        .stderr(predicate::str::contains("--encoding gbk"))
        .stdout(predicate::str::contains(
            "good.txt:1:1: warning demo.blame.you-are-wrong",
        ));
}

#[test]
fn missing_path_is_a_usage_error() {
    check()
        .arg("does/not/exist.txt")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "does/not/exist.txt: no such file or directory",
        ));
}

#[test]
fn color_always_emits_ansi_and_never_does_not() {
    let colored = check()
        .args(["--color", "always"])
        .write_stdin("你搞错了")
        .output()
        .unwrap();
    assert!(colored.stdout.contains(&0x1b));
    let plain = check()
        .args(["--color", "never"])
        .write_stdin("你搞错了")
        .output()
        .unwrap();
    assert!(!plain.stdout.contains(&0x1b));
}

#[test]
fn huge_single_line_input_is_handled() {
    let mut draft = "好的".repeat(200_000);
    draft.push_str("你搞错了");
    draft.push_str(&"谢谢".repeat(200_000));
    check()
        .args(["--format", "line"])
        .write_stdin(draft)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "<stdin>:1:400001: warning demo.blame.you-are-wrong",
        ));
}

fn malformed(pack: &str) -> (String, i32) {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("bad.yaml"), pack).unwrap();
    let output = Command::cargo_bin("replylint")
        .unwrap()
        .args(["check", "--no-builtin", "--rules"])
        .arg(dir.path())
        .write_stdin("text")
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code().unwrap(),
    )
}

const VALID_RULE: &str = "pack: t
language: en
rules:
  - id: t.x.one
    kind: swap
    category: x
    severity: warning
    message: m
    why: w
    source: s
    phrases: [calm down]
    rewrite: [I understand]
    fix: unsafe
    examples: {bad: [calm down], good: [fine]}
";

#[test]
fn malformed_rule_files_point_at_the_offending_value() {
    let cases = [
        (
            VALID_RULE.replace("phrases:", "phrasez:"),
            "bad.yaml:11:5",
            "phrasez",
        ),
        (
            VALID_RULE.replace("[calm down]", "[\"\"]"),
            "bad.yaml:11:15",
            "empty phrase",
        ),
        (
            VALID_RULE
                .replace("kind: swap", "kind: pattern")
                .replace("phrases: [calm down]", "pattern: 'calm (down'"),
            "bad.yaml:11:14",
            "invalid pattern",
        ),
        (
            VALID_RULE.replace("rules:\n", "rules:\n  - [oops\n"),
            "bad.yaml:",
            "error",
        ),
        (
            format!(
                "{VALID_RULE}{}",
                &VALID_RULE[VALID_RULE.find("  - id").unwrap()..]
            ),
            "bad.yaml:15:9",
            "duplicate rule id `t.x.one`",
        ),
        (
            VALID_RULE.replace("t.x.one", "T.X"),
            "bad.yaml:4:9",
            "must be lowercase and dotted",
        ),
        (
            VALID_RULE.replace("[I understand]", "[\"${rest} ok\"]"),
            "bad.yaml:12:15",
            "needs `clause: true`",
        ),
        (
            VALID_RULE
                .replace("kind: swap", "kind: pattern")
                .replace("phrases: [calm down]", "pattern: '(a{1000}){1000}'"),
            "bad.yaml:11:14",
            "too complex",
        ),
    ];
    for (pack, place, message) in cases {
        let (stderr, code) = malformed(&pack);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains(place), "expected {place} in:\n{stderr}");
        assert!(
            stderr.contains(message),
            "expected {message:?} in:\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn duplicate_ids_across_packs_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.yaml"), VALID_RULE).unwrap();
    fs::write(
        dir.path().join("b.yaml"),
        VALID_RULE.replace("pack: t", "pack: u"),
    )
    .unwrap();
    Command::cargo_bin("replylint")
        .unwrap()
        .args(["check", "--no-builtin", "--rules"])
        .arg(dir.path())
        .write_stdin("text")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("b.yaml:4:9"))
        .stderr(predicate::str::contains(
            "duplicate rule id `t.x.one`: already defined in pack `t`",
        ));
}

#[test]
fn rules_test_passes_good_packs_and_names_failing_examples() {
    Command::cargo_bin("replylint")
        .unwrap()
        .args(["rules", "test"])
        .arg(fixtures().join("packs/demo"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("rules test ok"));

    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("p.yaml"),
        VALID_RULE.replace("good: [fine]", "good: [please calm down]"),
    )
    .unwrap();
    Command::cargo_bin("replylint")
        .unwrap()
        .args(["rules", "test"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "t.x.one: good example fires: \"please calm down\"",
        ));
}

#[test]
fn explain_prints_every_section() {
    Command::cargo_bin("replylint")
        .unwrap()
        .args([
            "explain",
            "demo.command.you-must",
            "--no-builtin",
            "--rules",
        ])
        .arg(fixtures().join("packs/demo"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("What it flags"))
        .stdout(predicate::str::contains("请您${rest},您看行吗?"))
        .stdout(predicate::str::contains("display-only"))
        .stdout(predicate::str::contains("004_dbab5343dffe8185.txt"));
    Command::cargo_bin("replylint")
        .unwrap()
        .args(["explain", "no.such.rule"])
        .assert()
        .code(2);
}

#[test]
fn a_user_pack_replaces_the_builtin_pack_of_the_same_name() {
    let dir = tempfile::tempdir().unwrap();
    let pack = VALID_RULE
        .replace("pack: t", "pack: en-angry-customers")
        .replace("t.x.one", "team.anger.calm-down");
    fs::write(dir.path().join("angry.yaml"), pack).unwrap();
    let output = Command::cargo_bin("replylint")
        .unwrap()
        .args(["check", "--format", "line", "--rules"])
        .arg(dir.path())
        .write_stdin("Please calm down.")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("team.anger.calm-down"), "{stdout}");
    assert!(!stdout.contains("en.anger.calm-down"), "{stdout}");
}
