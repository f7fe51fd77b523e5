//! The fuzz targets' checks (`fuzz/src/lib.rs`) on the stable toolchain, without libFuzzer: every
//! hand-written seed under `fuzz/seeds/TARGET/` and every input a fuzz run once failed on,
//! saved under `fuzz/regressions/TARGET/`, goes through the same target function and must pass
//! its assertions. How the fuzzers are run and what they found: docs/robustness.md.

use std::fs;
use std::path::Path;

#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod fuzz_checks;

fn replay(folder: &str) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(folder);
    let mut replayed = 0;
    for target in fuzz_checks::TARGETS {
        let Ok(entries) = fs::read_dir(root.join(target)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.flatten().map(|entry| entry.path()).collect();
        paths.sort();
        for path in paths {
            let data = fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| fuzz_checks::run(target, &data));
            assert!(outcome.is_ok(), "{target} fails on {}", path.display());
            replayed += 1;
        }
    }
    replayed
}

#[test]
fn every_seed_and_saved_failure_passes_its_target() {
    let seeds = replay("seeds");
    // Each of the ten targets has at least one seed.
    assert!(seeds >= fuzz_checks::TARGETS.len(), "only {seeds} seeds");
    replay("regressions");
}

/// The fifth `fix` fuzz failure (docs/robustness.md): a TSV cell with a comma before the
/// finding, re-quoted whole because the rewrite holds a `"`. The engine was right; the
/// harness took the comma for a cell boundary. The built-in packs no longer have a rewrite that
/// forces the re-quoting, so this replays the shape with a pack of its own.
#[test]
fn a_requoted_tsv_cell_may_hold_commas() {
    use replylint::fix::{apply_fixes, FixLevel, FixOptions};
    use replylint::rules::{load_pack, PackOrigin};
    use replylint::source::{DecodeOptions, Format};
    use replylint::{Linter, RuleSet, Source};

    let pack = r#"
pack: requote
language: en
rules:
  - id: requote.thanks
    kind: swap
    category: positive
    severity: warning
    message: Thank people for waiting.
    why: An apology dwells on the wait.
    source: fuzz regression fix/tsv-comma-in-requoted-cell
    phrases: ["sorry for the delay"]
    rewrite: ['thank you for your "patience"']
    fix: safe
    examples:
      bad: ["Sorry for the delay."]
      good: ["Thank you for waiting."]
"#;
    let mut rules = RuleSet::default();
    rules
        .add(load_pack(pack, PackOrigin::File("requote.yaml".into())).unwrap())
        .unwrap();
    let linter = Linter::new(rules);
    let input = "id\treply\n1\tOk, I can't help, sorry for the delay.\n";
    let options = DecodeOptions {
        format: Some(Format::Tsv),
        ..DecodeOptions::default()
    };
    let source = Source::from_bytes("cells.tsv", input.as_bytes().to_vec(), &options).unwrap();

    // The shape under test: the fix replaces the whole cell, quoted.
    let outcome = apply_fixes(&linter, &source, &FixOptions::default());
    assert_eq!(
        outcome.text,
        "id\treply\n1\t\"Ok, I can't help, thank you for your \"\"patience\"\".\"\n"
    );
    let cell_start = input.find("Ok,").unwrap();
    assert_eq!(outcome.applied.len(), 1);
    assert_eq!(outcome.applied[0].range.start, cell_start);

    // And every invariant of the `fix` target holds on it.
    fuzz_checks::check_fix(&linter, &source, FixLevel::Safe, false);
}
