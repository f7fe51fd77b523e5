//! The generalisation sets of issue 9 (`tests/generalisation/<set>/*.yaml`) are well-formed, and
//! the built-in rules keep at least the recall they had on the development set.
//!
//! The full report (per language group and theme, both sets, Markdown for
//! `docs/rule-quality.md`) is `cargo run --release --example generalisation -- --set all`.

#[path = "support/generalisation_set.rs"]
mod generalisation_set;

use generalisation_set::{load_set, misses, score, sets_root, Lang, Report, SETS};
use replylint::Linter;

#[test]
fn the_sets_are_well_formed() {
    let root = sets_root();
    for set in SETS {
        match load_set(&root, set) {
            Ok(Some(cases)) => println!("{set}: {} cases, well-formed", cases.len()),
            Ok(None) if set == "dev" => {
                panic!(
                    "the development set is missing: {}",
                    root.join(set).display()
                )
            }
            // The held-out set is written in parallel and may not have landed yet.
            Ok(None) => println!(
                "skipping the {set} set: {} does not exist",
                root.join(set).display()
            ),
            Err(problems) => panic!("the {set} set is not well-formed:\n{}", problems.join("\n")),
        }
    }
}

/// Recall floors of the built-in rules on the development set, in percent of the bad drafts of
/// each language group: (group, caught at warning, caught at any level). They are the recall
/// measured when the set was added (2026-12-02) minus about three points, so that rule work
/// cannot lose recall unnoticed while a single changed case does not fail the build.
///
/// To raise them after improving the rules: run
/// `cargo run --release --example generalisation -- --set dev`, and set each floor to the new
/// recall of its row minus three points (round down). Never raise a floor above what is
/// measured, and never lower one to make a change pass without saying why in the commit.
const DEV_RECALL_FLOORS: [(Lang, f64, f64); 5] = [
    // Measured after the packs were rewritten as faults (2026-12-02): 100% and 100% in every
    // group (the rule writers tuned on this set; docs/rule-quality.md has the held-out numbers).
    (Lang::ZhHans, 97.0, 97.0),
    (Lang::ZhHantTw, 97.0, 97.0),
    (Lang::ZhHantHk, 96.0, 96.0),
    (Lang::En, 97.0, 97.0),
    (Lang::Lv, 97.0, 97.0),
];

#[test]
fn builtin_recall_on_the_dev_set_does_not_regress() {
    let cases = match load_set(&sets_root(), "dev") {
        Ok(Some(cases)) => cases,
        Ok(None) => panic!("the development set is missing"),
        Err(problems) => panic!("the dev set is not well-formed:\n{}", problems.join("\n")),
    };
    let linter = Linter::builtin().expect("the built-in packs load");
    let outcomes = score(&linter, &cases);
    let report = Report::new(&outcomes);
    println!("{}", report.render("Built-in rules on the dev set", false));

    let mut regressions = Vec::new();
    for (lang, floor_at_warning, floor_at_any) in DEV_RECALL_FLOORS {
        let tally = report.by_lang.get(&lang).copied().unwrap_or_default();
        let percent = |ratio: Option<f64>| ratio.unwrap_or(0.0) * 100.0;
        let at_warning = percent(tally.recall_at_warning());
        let at_any = percent(tally.recall_at_any());
        if at_warning < floor_at_warning {
            regressions.push(format!(
                "{}: recall at warning {at_warning:.1}% is below its floor {floor_at_warning}%",
                lang.as_str()
            ));
        }
        if at_any < floor_at_any {
            regressions.push(format!(
                "{}: recall at any level {at_any:.1}% is below its floor {floor_at_any}%",
                lang.as_str()
            ));
        }
    }
    assert!(
        regressions.is_empty(),
        "{}\n\nmisses and false positives:\n{}",
        regressions.join("\n"),
        misses(&outcomes)
    );
}

/// The checks themselves: a broken set is reported with the place of each problem.
#[test]
fn a_broken_set_is_reported_with_places() {
    let root = tempfile::tempdir().expect("temporary directory");
    let dev = root.path().join("dev");
    std::fs::create_dir(&dev).unwrap();
    let write = |name: &str, text: &str| std::fs::write(dev.join(name), text).unwrap();
    write(
        "en.yaml",
        "\
cases:
  - id: en-bad-001
    label: bad
    lang: en
    theme: command
    source: \"004 · 五、是帮助、交流,不是下命令\"
    fault: \"you must\"
    text: \"Hi, You must reply today.\"
  - id: en-bad-001
    label: bad
    lang: en-GB
    theme: command
    source: \"004 · 五\"
    fault: \"you must\"
    text: \"Hi, you must reply today.\"
",
    );
    write(
        "lv.yaml",
        "\
cases:
  - id: lv-good-1
    label: good
    lang: en
    theme: clean
    source: \"somewhere\"
    fault: \"x\"
    text: \"Paldies!\"
",
    );
    write("notes.yaml", "cases: []\n");

    let problems = load_set(root.path(), "dev").expect_err("the set is broken");
    let en = dev.join("en.yaml").display().to_string();
    let lv = dev.join("lv.yaml").display().to_string();
    let expect = |needle: &str| {
        assert!(
            problems.iter().any(|problem| problem.contains(needle)),
            "no problem mentions {needle:?}:\n{}",
            problems.join("\n")
        )
    };
    // An unknown language is a schema error, reported where it is.
    expect(&format!("{en}:11:11: unknown variant `en-GB`"));
    expect("en-GB");
    expect(&format!("{lv}:2:9: id \"lv-good-1\" should be lv-good-NNN"));
    expect("lang en does not belong in lv.yaml");
    expect("source \"somewhere\" should start with a seed file number");
    expect("a good draft has no `fault`");
    expect("notes.yaml: unexpected file");
    expect("zh-hans.yaml: missing");
    expect("dev/lv.yaml: 0 bad drafts, at least 50 wanted");

    // With the schema error fixed, the case-level checks of en.yaml run too.
    write(
        "en.yaml",
        &std::fs::read_to_string(dev.join("en.yaml"))
            .unwrap()
            .replace("en-GB", "en"),
    );
    let problems = load_set(root.path(), "dev").expect_err("the set is still broken");
    let expect = |needle: &str| {
        assert!(
            problems.iter().any(|problem| problem.contains(needle)),
            "no problem mentions {needle:?}:\n{}",
            problems.join("\n")
        )
    };
    expect(&format!(
        "{en}:2:9: en-bad-001: fault \"you must\" is not a substring of the text"
    ));
    expect(&format!(
        "{en}:9:9: duplicate id en-bad-001 (first at {en}:2:9)"
    ));
    expect("dev/en.yaml: 0 bad drafts of theme refusal, at least 3 wanted");

    // A set that does not exist is not an error: the held-out set may not have landed yet.
    assert!(load_set(&root.path().join("elsewhere"), "holdout")
        .unwrap()
        .is_none());
}
