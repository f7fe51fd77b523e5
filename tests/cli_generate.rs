//! `replylint completions SHELL` and `replylint man`, through the real binary: both come from
//! the one clap definition, so what they offer must be what `check --help` accepts.

use assert_cmd::Command;

fn replylint(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("replylint")
        .unwrap()
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn completions_offer_the_subcommands_flags_and_formats() {
    // Long flags without their dashes: fish writes them as `-l output-file`. PowerShell and
    // elvish complete flag names only, not their values.
    for (shell, words) in [
        (
            "bash",
            &[
                "check",
                "explain",
                "output-file",
                "statistics",
                "sarif",
                "gitlab",
            ][..],
        ),
        (
            "zsh",
            &[
                "check",
                "explain",
                "output-file",
                "statistics",
                "sarif",
                "gitlab",
            ],
        ),
        (
            "fish",
            &[
                "check",
                "explain",
                "output-file",
                "statistics",
                "sarif",
                "gitlab",
            ],
        ),
        ("elvish", &["check", "explain", "output-file", "statistics"]),
        (
            "powershell",
            &["check", "explain", "output-file", "statistics"],
        ),
    ] {
        let output = replylint(&["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(output.stdout).unwrap();
        for word in words {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
    }
}

#[test]
fn bash_completions_are_valid_bash() {
    let output = replylint(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("replylint.bash");
    std::fs::write(&script, &output.stdout).unwrap();
    match std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
    {
        Ok(check) => assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stderr)
        ),
        Err(_) => eprintln!("skipped: bash is not installed"),
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let output = replylint(&["completions", "tcsh"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("tcsh"));
}

#[test]
fn man_prints_the_top_page_and_writes_one_per_command() {
    let output = replylint(&["man"]);
    assert_eq!(output.status.code(), Some(0));
    let page = String::from_utf8(output.stdout).unwrap();
    assert!(page.contains(".TH replylint 1"), "{page}");
    assert!(page.contains("customer\\-service replies"));

    let dir = tempfile::tempdir().unwrap();
    let output = replylint(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for expected in [
        "replylint.1",
        "replylint-check.1",
        "replylint-rules-list.1",
        "replylint-completions.1",
    ] {
        assert!(names.iter().any(|name| name == expected), "{names:?}");
    }
    let check = std::fs::read_to_string(dir.path().join("replylint-check.1")).unwrap();
    assert!(check.contains("\\-\\-output\\-file"), "{check}");
    assert!(check.contains("sarif"));
}

#[test]
fn man_into_an_unwritable_place_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "").unwrap();
    let output = replylint(&["man", "--dir", blocker.join("sub").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&output.stderr).is_empty());
}
