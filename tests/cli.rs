//! The real binary on real files, where a case needs Rust to build its input or judge its
//! output (directory trees, huge inputs, comparing two runs, colour bytes). The cases that read
//! better as files (arguments, stdin, expected output, exit status) are under `tests/cases/`,
//! run by tests/cli_cases.rs.
//!
//! These tests use the packs under `tests/fixtures/packs/` (with `--no-builtin`) so that they
//! pin the engine's behaviour independently of how the built-in packs evolve.

use std::fs;

use assert_cmd::Command;
use predicates::prelude::*;

mod support;

use support::demo_check as check;

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

/// A baseline hides the findings it recorded through moved lines, added replies and
/// re-indenting, and stops hiding one whose offending text changed.
#[test]
fn baseline_survives_moves_and_reindenting_but_not_changed_text() {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("replies.txt");
    let baseline = dir.path().join("baseline.json");
    fs::write(
        &library,
        "You must fill in the form.\nYou're wrong about the date.\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::cargo_bin("replylint")
            .unwrap()
            .current_dir(dir.path())
            .args(["check", "--isolated", "--format", "line"])
            .args(args)
            .arg("replies.txt")
            .output()
            .unwrap()
    };
    let written = run(&["--write-baseline", "baseline.json"]);
    assert_eq!(written.status.code(), Some(0), "{written:?}");
    let recorded = fs::read_to_string(&baseline).unwrap();
    assert!(recorded.contains("\"version\": 1"), "{recorded}");
    let entries = recorded.matches("\"fingerprint\"").count();
    assert!(entries >= 2, "{recorded}");

    // Moved, re-indented, with a new clean reply in front: nothing new to report.
    fs::write(
        &library,
        "Thanks for writing in!\n\n    You're wrong about the date.\n  You must fill in the form.\n",
    )
    .unwrap();
    let moved = run(&["--baseline", "baseline.json"]);
    assert_eq!(moved.status.code(), Some(0), "{moved:?}");
    assert!(moved.stdout.is_empty(), "{moved:?}");
    let note = String::from_utf8_lossy(&moved.stderr);
    assert!(
        note.contains(&format!(
            "{entries} baseline findings hidden; 0 baseline entries no longer occur"
        )),
        "{note}"
    );

    // The offending text changed: that finding is new, its old entry no longer occurs.
    fs::write(
        &library,
        "You have to fill in the form.\nYou're wrong about the date.\n",
    )
    .unwrap();
    let changed = run(&["--baseline", "baseline.json", "--fail-on", "info"]);
    assert_eq!(changed.status.code(), Some(1), "{changed:?}");
    let stdout = String::from_utf8_lossy(&changed.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.contains("replies.txt:1:1"), "{stdout}");
    assert!(
        String::from_utf8_lossy(&changed.stderr).contains("1 baseline entries no longer occur"),
        "{changed:?}"
    );
}

#[test]
fn config_command_shows_each_setting_and_its_origin() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("replylint.toml"),
        "fail-on = \"error\"\nignore = [\"zh.command\"]\n",
    )
    .unwrap();
    let output = Command::cargo_bin("replylint")
        .unwrap()
        .current_dir(dir.path())
        .args(["config", "--format", "json", "--min-severity-placeholder"])
        .output()
        .unwrap();
    // Unknown flags are usage errors.
    assert_eq!(output.status.code(), Some(2));
    let output = Command::cargo_bin("replylint")
        .unwrap()
        .current_dir(dir.path())
        .args(["config", "--format", "json", "--select", "zh"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(report["config"]
        .as_str()
        .unwrap()
        .ends_with("replylint.toml"));
    let origin = |name: &str| {
        report["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|setting| setting["name"] == name)
            .map(|setting| setting["origin"]["kind"].as_str().unwrap().to_string())
    };
    assert_eq!(origin("fail-on").as_deref(), Some("file"));
    assert_eq!(origin("select").as_deref(), Some("flag"));
    assert_eq!(origin("min-severity").as_deref(), Some("default"));
}

/// `[input.*]` tables show in `replylint config` as the file's, and a flag that replaces one as
/// the command line's, while the tables it does not cover stay the file's.
#[test]
fn config_command_shows_where_input_mappings_come_from() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("replylint.toml"),
        "[input.json]\nkeys = [\"macros[].body\"]\n[input.json.per-file]\n\"legacy/*.json\" = [\"**.text\"]\n\
         [input.csv]\ncolumns = [\"answer\"]\n",
    )
    .unwrap();
    let settings = |extra: &[&str]| -> Vec<serde_json::Value> {
        let output = Command::cargo_bin("replylint")
            .unwrap()
            .current_dir(dir.path())
            .args(["config", "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        report["settings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|setting| setting["name"].as_str().unwrap().starts_with("input."))
            .cloned()
            .collect()
    };
    let from_file = settings(&[]);
    assert_eq!(from_file.len(), 2, "{from_file:?}");
    assert_eq!(from_file[0]["name"], "input.json");
    assert_eq!(
        from_file[0]["value"],
        serde_json::json!({"keys": ["macros[].body"], "per-file": {"legacy/*.json": ["**.text"]}})
    );
    assert_eq!(from_file[1]["name"], "input.csv");
    assert!(from_file
        .iter()
        .all(|setting| setting["origin"]["kind"] == "file"));

    let with_flag = settings(&["--columns", "body"]);
    let csv = with_flag.iter().find(|s| s["name"] == "input.csv").unwrap();
    assert_eq!(csv["value"], serde_json::json!({"columns": ["body"]}));
    assert_eq!(csv["origin"]["kind"], "flag");
    let json = with_flag
        .iter()
        .find(|s| s["name"] == "input.json")
        .unwrap();
    assert_eq!(json["origin"]["kind"], "file");

    let with_keys = settings(&["--keys", "**.body"]);
    let names: Vec<&str> = with_keys
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["input.json", "input.yaml", "input.csv"]);
    assert!(with_keys[..2]
        .iter()
        .all(|s| s["origin"]["kind"] == "flag"
            && s["value"] == serde_json::json!({"keys": ["**.body"]})));
}

/// `--add-suppressions` silences today's findings with comments in the file's own syntax, so a
/// second run is clean, and every character of the original survives.
#[test]
fn add_suppressions_makes_the_next_run_clean() {
    let dir = tempfile::tempdir().unwrap();
    let markdown = dir.path().join("replies.md");
    let original = "# Refunds\n\nThanks for writing.\n你必须先填表。\n\n你搞错了。\n";
    fs::write(&markdown, original).unwrap();
    let yaml = dir.path().join("macros.yaml");
    let original_yaml = "macros:\n  - body: 你必须先填表。\n";
    fs::write(&yaml, original_yaml).unwrap();
    let run = |extra: &[&str]| {
        Command::cargo_bin("replylint")
            .unwrap()
            .current_dir(dir.path())
            .args(["check", "--isolated", "--format", "line"])
            .args(extra)
            .args(["replies.md", "macros.yaml"])
            .output()
            .unwrap()
    };
    assert_eq!(run(&[]).status.code(), Some(1));
    let added = run(&["--add-suppressions"]);
    assert!(
        String::from_utf8_lossy(&added.stderr).contains("added 2 suppression comments"),
        "{added:?}"
    );
    let again = run(&[]);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    assert!(again.stdout.is_empty(), "{again:?}");
    for (path, before) in [(&markdown, original), (&yaml, original_yaml)] {
        let after = fs::read_to_string(path).unwrap();
        let mut rest = after.as_str();
        for c in before.chars() {
            let at = rest
                .find(c)
                .expect("every original character survives in order");
            rest = &rest[at + c.len_utf8()..];
        }
    }
    assert!(fs::read_to_string(&yaml)
        .unwrap()
        .contains("  # replylint-disable-next-line zh.command.you-must\n  - body:"));
}
