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
