//! The real binary on files in each encoding and format: what is read, where findings are
//! reported, and what a fix writes back. Encoded fixtures are generated here from Rust strings,
//! so the repository holds no file a text editor could silently re-encode.

use std::fs;
use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

mod support;

use support::{demo_check as check, fixtures};

fn json_of(output: &[u8]) -> Vec<Value> {
    let value: Value = serde_json::from_slice(output).expect("stdout is JSON");
    value.as_array().expect("a JSON array").clone()
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

#[test]
fn gbk_is_read_only_when_asked_and_offsets_are_file_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("library.txt");
    let (bytes, _, _) = encoding_rs::GBK.encode("第一行\n我看你搞错了。\n");
    fs::write(&path, &bytes).unwrap();

    check()
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("library.txt:1:1: not valid UTF-8"))
        .stderr(predicate::str::contains("--encoding gbk"));

    let output = check()
        .args(["--format", "json", "--encoding", "gbk"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let findings = json_of(&output.stdout);
    assert_eq!(findings.len(), 1, "{findings:?}");
    let finding = &findings[0];
    assert_eq!(finding["rule"], "demo.blame.you-are-wrong");
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(2), Some(3))
    );
    // 第一行\n is 7 bytes of GBK, 我看 4 more: the finding starts at byte 11 of the file.
    assert_eq!(finding["start"], 11);
    assert_eq!(finding["end"], 19);
    assert_eq!(finding["text"], "你搞错了");
}

#[test]
fn gbk_fix_is_written_back_in_gbk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("library.txt");
    let (bytes, _, _) = encoding_rs::GBK.encode("我看你搞错了。\n");
    fs::write(&path, &bytes).unwrap();
    check()
        .args([
            "--encoding",
            "gbk",
            "--fix",
            "--unsafe-fixes",
            "--format",
            "line",
        ])
        .arg(&path)
        .assert()
        .code(0);
    let written = fs::read(&path).unwrap();
    let (expected, _, _) = encoding_rs::GBK.encode("我看我觉得这里存在误解。\n");
    assert_eq!(written, &expected[..]);
}

#[test]
fn big5_is_decoded_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zh-hant.txt");
    let (bytes, _, _) = encoding_rs::BIG5.encode("請等一下。\n");
    fs::write(&path, &bytes).unwrap();
    check()
        .args(["--encoding", "big5", "--format", "line"])
        .arg(&path)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "zh-hant.txt:1:2: hint demo.waiting.thanks",
        ))
        .stdout(predicate::str::contains("請您稍等一下"));
}

#[test]
fn utf16_with_bom_is_read_and_fixed_in_utf16() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reply.txt");
    fs::write(&path, utf16le_with_bom("你搞错了。\n")).unwrap();
    let output = check()
        .args(["--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let findings = json_of(&output.stdout);
    assert_eq!(findings[0]["column"], 1, "the BOM is not a column");
    assert_eq!(findings[0]["start"], 2, "but it is a byte of the file");
    assert_eq!(findings[0]["end"], 10);

    check()
        .args(["--fix", "--unsafe-fixes"])
        .arg(&path)
        .assert()
        .code(0);
    assert_eq!(
        fs::read(&path).unwrap(),
        utf16le_with_bom("我觉得这里存在误解。\n")
    );
}

#[test]
fn utf16_without_bom_is_an_error_not_a_skip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reply.txt");
    let bytes: Vec<u8> = "Sorry, I can't do that.\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    fs::write(&path, bytes).unwrap();
    check()
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "UTF-16LE without a byte-order mark",
        ));
}

#[test]
fn binary_files_are_noted_in_walks_and_errors_when_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("image.txt");
    fs::write(&path, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    check()
        .arg(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("note:"))
        .stderr(predicate::str::contains("image.txt: skipped: binary file"));
    check()
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("image.txt: binary file"));
}

#[test]
fn utf8_bom_is_not_a_column_but_is_a_byte() {
    let output = check()
        .args(["--format", "json"])
        .write_stdin("\u{FEFF}你搞错了")
        .output()
        .unwrap();
    let findings = json_of(&output.stdout);
    assert_eq!(findings[0]["column"], 1);
    assert_eq!(findings[0]["start"], 3);
}

#[test]
fn unknown_encodings_and_formats_are_usage_errors() {
    check()
        .args(["--encoding", "klingon"])
        .write_stdin("ok")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown encoding"));
    check()
        .args(["--input-format", "docx"])
        .write_stdin("ok")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown input format"));
}

fn line_output(args: &[&str], path: &Path) -> String {
    let output = check()
        .args(["--format", "line"])
        .args(args)
        .arg(path)
        .output()
        .unwrap();
    assert!(output.status.code().unwrap_or(2) < 2, "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// Runs `--fix --unsafe-fixes` on a copy of `fixture` and returns (before, after).
fn fixed_copy(fixture: &str, args: &[&str]) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(fixture);
    let before = fs::read_to_string(fixtures().join("inputs").join(fixture)).unwrap();
    fs::write(&path, &before).unwrap();
    let output = check()
        .args(["--fix", "--unsafe-fixes", "--format", "line"])
        .args(args)
        .arg(&path)
        .output()
        .unwrap();
    assert!(output.status.code().unwrap_or(2) < 2, "{output:?}");
    (before, fs::read_to_string(&path).unwrap())
}

#[test]
fn json_values_are_linted_at_their_place_in_the_file() {
    let path = fixtures().join("inputs/macros.json");
    let output = line_output(&[], &path);
    let name = path.display().to_string();
    let lines: Vec<String> = output
        .lines()
        .map(|line| line.replacen(&name, "macros.json", 1))
        .collect();
    assert_eq!(
        lines,
        [
            "macros.json:5:25: [/macros/0/title] info demo-en.command.must: Ask, don't order. → could you please send the receipt?",
            "macros.json:9:85: [/macros/0/actions/1/value] warning demo-en.negative.i-cant: Say what you can do, not what you can't. → Here's what I can do",
            "macros.json:14:17: [/macros/1/title] warning demo.blame.you-are-wrong: 直接说客户错了会引起对抗。 → 我觉得这里存在误解",
            "macros.json:16:50: [/macros/1/actions/0/value] hint demo.waiting.thanks: 感谢等待比道歉更积极。 → 请您稍等一下",
        ],
        "{output}"
    );
    // With a selection only the selected values are linted.
    let selected = line_output(&["--keys", "macros[].title"], &path);
    assert_eq!(selected.lines().count(), 2, "{selected}");
    assert!(
        selected.lines().all(|line| line.contains("/title]")),
        "{selected}"
    );
}

#[test]
fn json_fixes_are_escaped_and_the_file_still_parses() {
    let (before, after) = fixed_copy("macros.json", &[]);
    let before: Value = serde_json::from_str(&before).unwrap();
    let after: Value = serde_json::from_str(&after).expect("the fixed file is still JSON");
    assert_eq!(
        after["macros"][1]["title"],
        "我觉得这里存在误解 (escaped title)"
    );
    assert_eq!(
        after["macros"][0]["actions"][1]["value"],
        "Hi {{ticket.requester.first_name}},\n\nHere's what I can do refund this yet: \"you must send the receipt\" first."
    );
    // Values no fix touched are unchanged.
    assert_eq!(after["macros"][0]["url"], before["macros"][0]["url"]);
    assert_eq!(
        after["macros"][1]["你搞错了"],
        before["macros"][1]["你搞错了"]
    );
    assert_eq!(after["macros"][0]["id"], before["macros"][0]["id"]);
}

#[test]
fn broken_json_is_an_error_with_its_place_and_other_files_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.json");
    fs::write(&broken, "{\"macros\": [{\"title\": \"你搞错了\"}\n").unwrap();
    let good = dir.path().join("good.jsonl");
    fs::write(&good, "{\"text\": \"你搞错了\"}\n").unwrap();
    check()
        .args(["--format", "line"])
        .arg(&broken)
        .arg(&good)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken.json:2:1: not valid JSON"))
        .stdout(predicate::str::contains("good.jsonl:1:11: [/text] warning"));
}

#[test]
fn input_format_overrides_the_extension_also_for_stdin() {
    check()
        .args(["--format", "line", "--input-format", "json"])
        .write_stdin("{\"你搞错了\": \"你搞错了\"}")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "<stdin>:1:11: [/你搞错了] warning",
        ));
    check()
        .args(["--format", "line", "--stdin-filename", "reply.json"])
        .write_stdin("{\"你搞错了\": 1}")
        .assert()
        .code(0);
}

#[test]
fn csv_cells_of_reply_columns_are_linted_at_their_place() {
    let path = fixtures().join("inputs/canned.csv");
    let output = line_output(&[], &path);
    let name = path.display().to_string();
    let lines: Vec<String> = output
        .lines()
        .map(|line| line.replacen(&name, "canned.csv", 1))
        .collect();
    assert_eq!(
        lines,
        [
            "canned.csv:2:50: [row 2, column content_html] warning demo-en.negative.i-cant: Say what you can do, not what you can't. → here's what I can do",
            "canned.csv:4:2: [row 3, column content_html] hint demo.waiting.thanks: 感谢等待比道歉更积极。 → 请您稍等一下",
            "canned.csv:5:35: [row 4, column content_html] info demo-en.command.must: Ask, don't order. → Could you please restart the app?",
        ],
        "{output}"
    );
    // The title column is not a reply column.
    let titles = line_output(&["--columns", "title"], &path);
    assert_eq!(titles.lines().count(), 1, "{titles}");
    assert!(titles.contains("[row 3, column title]"), "{titles}");
}

#[test]
fn csv_fixes_keep_the_table() {
    let (before, after) = fixed_copy("canned.csv", &[]);
    let read = |text: &str| -> Vec<Vec<String>> {
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|record| record.unwrap().iter().map(str::to_string).collect())
            .collect()
    };
    let (before, after) = (read(&before), read(&after));
    assert_eq!(before.len(), after.len());
    assert_eq!(
        after[0][2],
        "Hi {{ticket.requester.name}}, here's what I can do refund before the item arrives."
    );
    assert_eq!(
        after[1][2],
        // A phrase in quotes is a quotation, not the agent's own words: it is not linted.
        "您好,\"你搞错了\"这句话不要说。\n请请您稍等一下,我们马上处理。"
    );
    for (row_before, row_after) in before.iter().zip(&after) {
        assert_eq!(row_before[0], row_after[0]);
        assert_eq!(row_before[1], row_after[1], "titles are not fixed");
        assert_eq!(row_before[3], row_after[3]);
    }
}

#[test]
fn unbalanced_csv_quotes_are_an_error_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.csv");
    fs::write(&path, "id,content\n1,\"never closed\n2,fine\n").unwrap();
    check()
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "broken.csv:2:3: not valid CSV: this quoted cell is never closed",
        ));
}

/// The line-format findings of a fixture, with its directory dropped from the path.
fn fixture_findings(fixture: &str, args: &[&str]) -> Vec<String> {
    let path = fixtures().join("inputs").join(fixture);
    let prefix = format!("{}/", fixtures().join("inputs").display());
    line_output(args, &path)
        .lines()
        .map(|line| line.replacen(&prefix, "", 1))
        .collect()
}

/// Lines that differ between two texts of the same line count.
fn changed_lines(before: &str, after: &str) -> Vec<usize> {
    assert_eq!(before.lines().count(), after.lines().count());
    before
        .lines()
        .zip(after.lines())
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(index, _)| index + 1)
        .collect()
}

#[test]
fn markdown_prose_and_reply_fences_but_not_code_urls_or_comments() {
    assert_eq!(
        fixture_findings("SAVED_REPLIES.md", &[]),
        [
            "SAVED_REPLIES.md:8:14: [Saved replies > Refunds > Waiting for the receipt] warning demo-en.negative.i-cant: Say what you can do, not what you can't. → here's what I can do",
            "SAVED_REPLIES.md:15:4: [Saved replies > Refunds > 中文回复] warning demo.blame.you-are-wrong: 直接说客户错了会引起对抗。 → 我觉得这里存在误解",
            "SAVED_REPLIES.md:15:13: [Saved replies > Refunds > 中文回复] hint demo.waiting.thanks: 感谢等待比道歉更积极。 → 请您稍等一下",
            "SAVED_REPLIES.md:23:3: [Saved replies > Notes for agents] warning demo-en.negative.i-cant: Say what you can do, not what you can't. → Here's what I can do",
        ]
    );
    let skipped = fixture_findings("SAVED_REPLIES.md", &["--markdown-code", "skip"]);
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    let prose = fixture_findings("SAVED_REPLIES.md", &["--markdown-code", "prose"]);
    assert!(
        prose
            .iter()
            .any(|line| line.starts_with("SAVED_REPLIES.md:27:")),
        "{prose:?}"
    );
}

#[test]
fn markdown_fixes_touch_only_the_fixed_lines() {
    let (before, after) = fixed_copy("SAVED_REPLIES.md", &[]);
    assert_eq!(changed_lines(&before, &after), [8, 15, 23]);
    assert!(after.contains("> Here's what I can do promise a date,"));
}

#[test]
fn html_text_and_alt_but_not_attributes_scripts_or_styles() {
    assert_eq!(
        fixture_findings("reply.html", &[]),
        [
            "reply.html:5:21: warning demo.blame.you-are-wrong: 直接说客户错了会引起对抗。 → 我觉得这里存在误解",
            "reply.html:5:34: hint demo.waiting.thanks: 感谢等待比道歉更积极。 → 请您稍等一下",
            "reply.html:6:4: warning demo-en.negative.i-cant: Say what you can do, not what you can't. → Here's what I can do",
            "reply.html:6:40: warning demo-en.negative.i-cant: Say what you can do, not what you can't. → here's what I can do",
            "reply.html:7:30: warning demo.blame.you-are-wrong: 直接说客户错了会引起对抗。 → 我觉得这里存在误解",
        ]
    );
}

#[test]
fn html_fixes_replace_entities_whole_and_refuse_to_cross_tags() {
    let (before, after) = fixed_copy("reply.html", &[]);
    assert_eq!(changed_lines(&before, &after), [5, 6, 7]);
    assert!(
        after.contains("<p class=\"you must\">我觉得这里存在误解,"),
        "{after}"
    );
    assert!(
        after.contains("<p>I <b>can't</b> help"),
        "the fix across <b> is refused: {after}"
    );
    assert!(after.contains("alt=\"我觉得这里存在误解\""), "{after}");
    // The refusal is explained.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reply.html");
    fs::write(&path, "<p>I <b>can't</b> help</p>").unwrap();
    check()
        .args(["--format", "human", "--color", "never"])
        .arg(&path)
        .assert()
        .stdout(predicate::str::contains(
            "fix not applied: the rewrite spans markup",
        ));
}

#[test]
fn html_inside_json_points_into_the_json_file_and_fixes_keep_it_valid() {
    assert_eq!(
        fixture_findings("zendesk.json", &[]),
        [
            "zendesk.json:1:102: [/macros/0/actions/0/value] warning demo.blame.you-are-wrong: 直接说客户错了会引起对抗。 → 我觉得这里存在误解",
            "zendesk.json:1:138: [/macros/0/actions/0/value] hint demo.waiting.thanks: 感谢等待比道歉更积极。 → 请您稍等一下",
        ]
    );
    let (_, after) = fixed_copy("zendesk.json", &[]);
    let value: Value = serde_json::from_str(&after).unwrap();
    assert_eq!(
        value["macros"][0]["actions"][0]["value"],
        "<p>您好,<br>我觉得这里存在误解订单号。</p><p class=\"note\">请请您稍等一下</p>"
    );
}

#[test]
fn jsonl_records_are_linted_and_fixed() {
    assert_eq!(
        fixture_findings("replies.jsonl", &[]),
        [
            "replies.jsonl:1:30: [/text] warning demo-en.negative.i-cant: Say what you can do, not what you can't. → here's what I can do",
            "replies.jsonl:2:23: [/text] warning demo.blame.you-are-wrong: 直接说客户错了会引起对抗。 → 我觉得这里存在误解",
            "replies.jsonl:2:29: [/text] hint demo.waiting.thanks: 感谢等待比道歉更积极。 → 请您稍等一下",
        ]
    );
    let (_, after) = fixed_copy("replies.jsonl", &[]);
    for line in after.lines() {
        let record: Value = serde_json::from_str(line).expect("every line is still JSON");
        assert!(record["id"].is_string());
    }
}

#[test]
fn gbk_json_is_located_in_file_bytes_and_fixed_in_gbk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("library.json");
    let (bytes, _, _) = encoding_rs::GBK.encode("{\"text\": \"你搞错了\"}\n");
    fs::write(&path, &bytes).unwrap();
    let output = check()
        .args(["--encoding", "gbk", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let findings = json_of(&output.stdout);
    assert_eq!(findings[0]["locator"], "/text");
    assert_eq!(findings[0]["start"], 10, "a byte offset into the GBK file");
    check()
        .args(["--encoding", "gbk", "--fix", "--unsafe-fixes"])
        .arg(&path)
        .assert()
        .code(0);
    let written = fs::read(&path).unwrap();
    let (text, _, malformed) = encoding_rs::GBK.decode(&written);
    assert!(!malformed);
    assert_eq!(text, "{\"text\": \"我觉得这里存在误解\"}\n");
}

#[test]
fn yaml_scalars_of_every_style_are_linted_and_fixed_in_their_style() {
    assert_eq!(
        fixture_findings("saved-replies.yaml", &[]),
        [
            "saved-replies.yaml:7:7: [replies[0].body] warning demo-en.negative.i-cant: Say what you can do, not what you can't. → Here's what I can do",
            "saved-replies.yaml:9:13: [replies[1].title] warning demo.blame.you-are-wrong: 直接说客户错了会引起对抗。 → 我觉得这里存在误解",
            "saved-replies.yaml:11:11: [replies[1].body] hint demo.waiting.thanks: 感谢等待比道歉更积极。 → 请您稍等一下",
            "saved-replies.yaml:14:12: [replies[2].body] warning demo.blame.you-are-wrong: 直接说客户错了会引起对抗。 → 我觉得这里存在误解",
            "saved-replies.yaml:14:23: [replies[2].body] hint demo.waiting.thanks: 感谢等待比道歉更积极。 → 请您稍等一下",
        ]
    );
    let (before, after) = fixed_copy("saved-replies.yaml", &[]);
    assert_eq!(changed_lines(&before, &after), [7, 9, 11, 14]);
    let read = |text: &str| -> Value { serde_saphyr::from_str(text).expect("still YAML") };
    let (before, after) = (read(&before), read(&after));
    assert_eq!(
        after["replies"][0]["body"],
        "Hi {{name}},\nHere's what I can do speed this up, but it will arrive soon.\n"
    );
    assert_eq!(
        after["replies"][2]["body"],
        "我觉得这里存在误解,请请您稍等一下。"
    );
    for index in 0..3 {
        assert_eq!(
            after["replies"][index]["id"],
            before["replies"][index]["id"]
        );
    }
}

#[test]
fn a_yaml_tab_error_has_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("replies.yaml");
    fs::write(&path, "replies:\n\t- body: you must wait\n").unwrap();
    check()
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("replies.yaml:2:"))
        .stderr(predicate::str::contains("not valid YAML"));
}
