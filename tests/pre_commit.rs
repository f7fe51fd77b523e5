//! `.pre-commit-hooks.yaml`: its hooks are what the issue promises and name real CLI flags, and
//! the real `pre-commit` (from PyPI) runs them in a temporary git repository, blocking a commit
//! with a bad reply and fixing it with `replylint-fix`.
//!
//! The hooks are `language: rust`, which pre-commit installs with `cargo install --path .` from
//! a clone of this repository: minutes of building and a registry. The run here stays offline
//! and fast by copying each hook into a `repo: local` config as a `language: system` hook whose
//! entry is the binary under test: everything else (file patterns, arguments, how pre-commit
//! passes file names) is the hook file's own. Skipped, saying so, without pre-commit or git.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde::Deserialize;

/// One hook as `.pre-commit-hooks.yaml` defines it (the keys this repository uses; any other
/// key is a mistake, which `deny_unknown_fields` catches).
#[derive(Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct Hook {
    id: String,
    name: String,
    description: String,
    entry: String,
    language: String,
    files: String,
    types: Vec<String>,
}

fn hooks() -> Vec<Hook> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

fn replylint(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_replylint"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn hook_file_defines_both_hooks_with_real_flags() {
    let hooks = hooks();
    let ids: Vec<&str> = hooks.iter().map(|hook| hook.id.as_str()).collect();
    assert_eq!(ids, ["replylint", "replylint-fix"]);
    let dir = tempfile::tempdir().unwrap();
    for hook in &hooks {
        assert_eq!(
            hook.language, "rust",
            "{}: built from this repository",
            hook.id
        );
        let words: Vec<&str> = hook.entry.split_whitespace().collect();
        // `cargo install --bins` installs the binary by its [[bin]] name.
        assert_eq!(words[0], "replylint", "{}", hook.id);
        // The entry's arguments parse: the same run on a clean file succeeds.
        std::fs::write(dir.path().join("clean.md"), "Thanks for writing to us.\n").unwrap();
        let mut args = words[1..].to_vec();
        args.push("clean.md");
        let output = replylint(&args, dir.path());
        assert_eq!(output.status.code(), Some(0), "{}: {output:?}", hook.id);
        // Every extension a directory walk reads is one the hook's pattern passes on.
        let pattern = regex::Regex::new(&hook.files).unwrap();
        for name in [
            "a.txt",
            "a.md",
            "a.markdown",
            "a.mdx",
            "a.html",
            "a.htm",
            "a.json",
            "a.jsonl",
            "a.ndjson",
            "a.yaml",
            "a.yml",
            "a.csv",
            "a.tsv",
            "a.eml",
            "a.rst",
            "a.adoc",
        ] {
            assert!(pattern.is_match(name), "{}: {name}", hook.id);
        }
        assert!(!pattern.is_match("main.rs"), "{}", hook.id);
    }
    assert!(hooks[1].entry.contains("--fix"));
    assert!(!hooks[0].entry.contains("--fix"));
}

/// A git repository in a temporary folder, with pre-commit's cache inside it too.
struct Repo {
    dir: tempfile::TempDir,
    home: PathBuf,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join(".pre-commit-home");
        let repo = Repo { dir, home };
        repo.git(&["init", "--quiet", "--initial-branch", "main"]);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self, program: &str, args: &[&str]) -> Output {
        Command::new(program)
            .args(args)
            .current_dir(self.path())
            .env("PRE_COMMIT_HOME", &self.home)
            .env("GIT_AUTHOR_NAME", "replylint test")
            .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
            .env("GIT_COMMITTER_NAME", "replylint test")
            .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }

    fn git(&self, args: &[&str]) -> Output {
        let output = self.command("git", args);
        assert!(output.status.success(), "git {args:?}: {output:?}");
        output
    }
}

fn tool_works(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success())
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn pre_commit_blocks_a_bad_reply_and_the_fix_hook_repairs_it() {
    if !tool_works("git") || !tool_works("pre-commit") {
        eprintln!("SKIPPED: needs git and pre-commit on PATH (pip install pre-commit)");
        return;
    }
    let repo = Repo::new();
    // The hooks as pre-commit would install them, with the binary under test as the entry.
    let binary = env!("CARGO_BIN_EXE_replylint");
    let local: Vec<serde_json::Value> = hooks()
        .iter()
        .map(|hook| {
            let mut value = serde_json::to_value(hook).unwrap();
            let args = hook.entry.strip_prefix("replylint").unwrap();
            value["entry"] = format!("{binary}{args}").into();
            value["language"] = "system".into();
            // A team runs one of the two on commit; the fixer is kept for when it is asked for.
            if hook.id == "replylint-fix" {
                value["stages"] = serde_json::json!(["manual"]);
            }
            value
        })
        .collect();
    // JSON is YAML, so the config can be written with serde_json.
    let config = serde_json::json!({"repos": [{"repo": "local", "hooks": local}]});
    std::fs::write(
        repo.path().join(".pre-commit-config.yaml"),
        serde_json::to_string_pretty(&config).unwrap(),
    )
    .unwrap();
    // The team's config, found from each file as in any run, with a pack of the test's own
    // (kept outside the repository, where pre-commit would pass it on as YAML to check): the
    // test does not depend on what the built-in packs say today.
    let pack = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fix/pack/fix-en.yaml");
    std::fs::write(
        repo.path().join("replylint.toml"),
        format!(
            "rules = [{}]\nselect = [\"fix.positive\"]\n",
            serde_json::json!(pack.display().to_string())
        ),
    )
    .unwrap();
    std::fs::create_dir(repo.path().join("library")).unwrap();
    std::fs::write(
        repo.path().join("library/refunds.md"),
        "# Refunds\n\nSorry for the wait. We have sent the refund.\n",
    )
    .unwrap();
    std::fs::write(repo.path().join("notes.rs"), "// Sorry for the wait.\n").unwrap();
    let installed = repo.command("pre-commit", &["install"]);
    assert!(installed.status.success(), "{}", text(&installed));
    repo.git(&["add", "-A"]);

    // The commit is blocked, and the reason names the rule and the file.
    let commit = repo.command("git", &["commit", "--quiet", "-m", "add replies"]);
    let said = text(&commit);
    assert!(
        !commit.status.success(),
        "the bad reply was committed: {said}"
    );
    assert!(said.contains("library/refunds.md:3:1"), "{said}");
    assert!(said.contains("fix.positive.sorry-wait"), "{said}");
    // Only the reply library is passed: a Rust file is not a reply.
    assert!(!said.contains("notes.rs"), "{said}");

    // The fix hook rewrites the file (so pre-commit fails the run, as for any fixer), and then
    // the check passes and the commit goes through.
    let fixed = repo.command(
        "pre-commit",
        &[
            "run",
            "--hook-stage",
            "manual",
            "replylint-fix",
            "--all-files",
        ],
    );
    let said = text(&fixed);
    assert_eq!(fixed.status.code(), Some(1), "{said}");
    assert!(said.contains("files were modified by this hook"), "{said}");
    let reply = std::fs::read_to_string(repo.path().join("library/refunds.md")).unwrap();
    assert_eq!(
        reply,
        "# Refunds\n\nThank you for waiting. We have sent the refund.\n"
    );
    repo.git(&["add", "-A"]);
    let commit = repo.command("git", &["commit", "--quiet", "-m", "add replies"]);
    assert!(commit.status.success(), "{}", text(&commit));
}
