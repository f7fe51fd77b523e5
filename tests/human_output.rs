//! The human format, pinned as a golden file: underlines under CJK text, rewrites in the
//! writer's script, notes and the summary line. Regenerate with
//! `REPLYLINT_BLESS=1 cargo test --test human_output` and review the diff.

use std::path::Path;

use assert_cmd::Command;

mod support;

#[test]
fn human_output_matches_the_golden_file() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let output = Command::cargo_bin("replylint")
        .unwrap()
        .current_dir(fixtures.join("human"))
        .args(["check", "--color", "never", "--no-builtin", "--rules"])
        .arg(fixtures.join("packs/demo"))
        .arg("--rules")
        .arg(fixtures.join("packs/demo-en"))
        .arg("draft.txt")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    support::assert_golden(&fixtures.join("human/expected.txt"), &output.stdout);
}
