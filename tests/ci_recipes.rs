//! The CI recipes work as written: `action.yml`'s steps run the way a GitHub runner runs a
//! composite action (bash with `-eo pipefail`, `GITHUB_OUTPUT`, inputs substituted), and every
//! `replylint` command in the YAML of docs/ci.md is accepted by the binary under test.
//!
//! Two steps are not run here: building replylint with `cargo install` (the binary under test
//! stands in for it) and `github/codeql-action/upload-sarif`, which needs GitHub; the test
//! checks that they are wired to the right paths instead.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn yaml(text: &str) -> Value {
    serde_saphyr::from_str(text).unwrap()
}

fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_replylint"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn path_with_replylint() -> std::ffi::OsString {
    let mut path = bin_dir().into_os_string();
    if let Some(system) = std::env::var_os("PATH") {
        path.push(":");
        path.push(system);
    }
    path
}

/// A workspace with a library of one bad reply and one clean one.
fn workspace(bad: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("library")).unwrap();
    let reply = if bad {
        "# Refunds\n\n你必须先填表。\n"
    } else {
        "# Refunds\n\n感谢您的耐心等待。\n"
    };
    std::fs::write(dir.path().join("library/refunds.md"), reply).unwrap();
    std::fs::write(
        dir.path().join("library/thanks.txt"),
        "Thank you for waiting.\n",
    )
    .unwrap();
    dir
}

/// Replaces the `${{ … }}` expressions the action uses: `inputs.NAME` and
/// `steps.ID.outputs.NAME`; any other expression is a test failure, so that a new one is not
/// silently left in a script.
fn substitute(
    text: &str,
    inputs: &BTreeMap<String, String>,
    outputs: &BTreeMap<String, String>,
) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("an expression is closed") + start;
        let expression = rest[start + 3..end].trim();
        let value = if let Some((left, right)) = expression.split_once("==") {
            // `inputs.X == 'true'`
            let left = substitute(&format!("${{{{ {} }}}}", left.trim()), inputs, outputs);
            (left == right.trim().trim_matches('\'')).to_string()
        } else if let Some(name) = expression.strip_prefix("inputs.") {
            inputs
                .get(name)
                .cloned()
                .unwrap_or_else(|| panic!("no input {name}"))
        } else if let Some(path) = expression.strip_prefix("steps.") {
            let (step, name) = path.split_once(".outputs.").expect("steps.ID.outputs.NAME");
            outputs
                .get(&format!("{step}.{name}"))
                .cloned()
                .unwrap_or_default()
        } else {
            panic!("an expression the test does not know: {expression}")
        };
        out.push_str(&value);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// What running the action did.
struct Run {
    /// `(step name, exit status, stdout and stderr)` of each step run, in order.
    steps: Vec<(String, i32, String)>,
    outputs: BTreeMap<String, String>,
    /// The `uses:` steps, with their `with:` inputs after substitution.
    uses: Vec<(String, BTreeMap<String, String>)>,
}

fn run_action(workspace: &Path, given: &[(&str, &str)]) -> Run {
    let action = yaml(&std::fs::read_to_string(root().join("action.yml")).unwrap());
    let mut inputs: BTreeMap<String, String> = action["inputs"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, input)| {
            let default = input["default"].as_str().unwrap_or_default().to_string();
            (name.clone(), default)
        })
        .collect();
    for (name, value) in given {
        assert!(inputs.contains_key(*name), "the action has no input {name}");
        inputs.insert(name.to_string(), value.to_string());
    }
    assert_eq!(action["runs"]["using"], "composite");
    let temp = tempfile::tempdir().unwrap();
    let mut run = Run {
        steps: Vec::new(),
        outputs: BTreeMap::new(),
        uses: Vec::new(),
    };
    for step in action["runs"]["steps"].as_array().unwrap() {
        let name = step["name"].as_str().unwrap().to_string();
        if let Some(condition) = step["if"].as_str() {
            if substitute(condition, &inputs, &run.outputs) != "true" {
                continue;
            }
        }
        if let Some(uses) = step["uses"].as_str() {
            let with = step["with"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(key, value)| {
                    let value = substitute(value.as_str().unwrap(), &inputs, &run.outputs);
                    (key.clone(), value)
                })
                .collect();
            run.uses.push((uses.to_string(), with));
            continue;
        }
        let script = substitute(step["run"].as_str().unwrap(), &inputs, &run.outputs);
        if script.contains("cargo install") {
            // The build: the binary under test is what it would have installed.
            assert!(
                script.contains("--path \"$GITHUB_ACTION_PATH\""),
                "{script}"
            );
            assert!(script.contains("--locked"), "{script}");
            continue;
        }
        assert_eq!(
            step["shell"], "bash",
            "{name}: composite steps need a shell"
        );
        let output_file = temp.path().join(format!("output-{}", run.steps.len()));
        std::fs::write(&output_file, "").unwrap();
        let mut command = Command::new("bash");
        command
            // What a runner runs `shell: bash` with.
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &script])
            .current_dir(workspace)
            .env("PATH", path_with_replylint())
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_PATH", temp.path().join("path"))
            .env("RUNNER_TEMP", temp.path())
            .env_remove("NO_COLOR");
        for (key, value) in step["env"].as_object().into_iter().flatten() {
            command.env(
                key,
                substitute(value.as_str().unwrap(), &inputs, &run.outputs),
            );
        }
        let output = command.output().unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let status = output.status.code().unwrap_or(-1);
        if let Some(id) = step["id"].as_str() {
            for line in std::fs::read_to_string(&output_file).unwrap().lines() {
                let (key, value) = line.split_once('=').unwrap();
                run.outputs.insert(format!("{id}.{key}"), value.to_string());
            }
        }
        run.steps.push((name, status, said));
        if status != 0 {
            // A failing step ends the job (the upload is not marked `if: always()`).
            break;
        }
    }
    run
}

#[test]
fn the_action_annotates_uploads_sarif_and_fails_on_findings() {
    let library = workspace(true);
    std::fs::create_dir(library.path().join("out")).unwrap();
    let run = run_action(
        library.path(),
        &[("paths", "library"), ("sarif-file", "out/replylint.sarif")],
    );
    let step = |name: &str| {
        run.steps
            .iter()
            .find(|(step, _, _)| step == name)
            .unwrap_or_else(|| panic!("step {name} did not run: {:?}", run.steps))
    };
    let (_, status, said) = step("Check (annotations)");
    assert_eq!(*status, 0, "{said}");
    assert!(
        said.contains("::warning file=library/refunds.md,line=3,col=1,"),
        "{said}"
    );
    assert_eq!(run.outputs["annotate.exit-code"], "1");
    let (_, status, said) = step("Check (SARIF)");
    assert_eq!(*status, 0, "{said}");
    let log: Value =
        serde_json::from_slice(&std::fs::read(library.path().join("out/replylint.sarif")).unwrap())
            .unwrap();
    assert_eq!(
        log["runs"][0]["results"][0]["ruleId"],
        "zh.command.you-must"
    );
    let (uses, with) = &run.uses[0];
    assert!(
        uses.starts_with("github/codeql-action/upload-sarif@"),
        "{uses}"
    );
    assert_eq!(with["sarif_file"], "out/replylint.sarif");
    assert_eq!(with["category"], "replylint");
    // The verdict: the findings fail the job, after the upload.
    let (_, status, _) = step("Verdict");
    assert_eq!(*status, 1);

    let action = yaml(&std::fs::read_to_string(root().join("action.yml")).unwrap());
    assert_eq!(
        action["outputs"]["exit-code"]["value"],
        "${{ steps.annotate.outputs.exit-code }}"
    );
}

#[test]
fn the_action_passes_a_clean_library_and_stops_on_errors() {
    let clean = workspace(false);
    let run = run_action(
        clean.path(),
        &[("paths", "library"), ("upload-sarif", "false")],
    );
    assert!(
        run.steps.iter().all(|(_, status, _)| *status == 0),
        "{:?}",
        run.steps
    );
    assert_eq!(run.outputs["annotate.exit-code"], "0");
    assert!(run.uses.is_empty(), "upload-sarif: false skips the upload");
    assert!(clean.path().join("replylint.sarif").exists());

    // An error (here a bad flag in `args`) fails at once, with replylint's message.
    let run = run_action(
        clean.path(),
        &[("paths", "library"), ("args", "--fail-on loud")],
    );
    let (name, status, said) = run.steps.last().unwrap();
    assert_eq!(
        (name.as_str(), *status),
        ("Check (annotations)", 2),
        "{said}"
    );
    assert!(said.contains("loud"), "{said}");
}

/// The YAML blocks of docs/ci.md, parsed.
fn doc_blocks() -> Vec<Value> {
    let text = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```yaml") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(yaml(block));
                current = None;
            }
            (Some(block), line) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

/// Every string in a YAML value that is a shell command running replylint.
fn replylint_commands(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::String(text) if text.starts_with("replylint ") => found.push(text.clone()),
        Value::Array(items) => items
            .iter()
            .for_each(|item| replylint_commands(item, found)),
        Value::Object(map) => map
            .values()
            .for_each(|item| replylint_commands(item, found)),
        _ => {}
    }
}

#[test]
fn the_recipes_in_docs_ci_md_parse_and_their_commands_run() {
    let blocks = doc_blocks();
    assert!(
        blocks.len() >= 5,
        "docs/ci.md lost a recipe: {}",
        blocks.len()
    );
    let mut commands = Vec::new();
    for block in &blocks {
        replylint_commands(block, &mut commands);
    }
    assert!(commands.len() >= 3, "{commands:?}");
    for command in &commands {
        let library = workspace(true);
        let output = Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", command])
            .current_dir(library.path())
            .env("PATH", path_with_replylint())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&output.stderr);
        // Findings (1) are the point of the sample library; a usage error (2) is a broken recipe.
        let status = output.status.code();
        assert!(
            status == Some(0) || status == Some(1),
            "`{command}` exited {status:?}: {said}"
        );
    }
    // The pre-commit recipes name the hooks the repository defines.
    let hooks: Vec<Value> = serde_saphyr::from_str(
        &std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap(),
    )
    .unwrap();
    let ids: Vec<&str> = hooks
        .iter()
        .map(|hook| hook["id"].as_str().unwrap())
        .collect();
    for block in &blocks {
        for repo in block["repos"].as_array().into_iter().flatten() {
            if repo["repo"] == "local" {
                continue;
            }
            for hook in repo["hooks"].as_array().unwrap() {
                assert!(ids.contains(&hook["id"].as_str().unwrap()), "{hook}");
            }
        }
    }
}
