//! `docs/rules/` is generated from the built-in packs; this fails when it is stale.

use std::path::Path;

mod support;

#[test]
fn rules_reference_is_up_to_date() {
    let rules = replylint::RuleSet::builtin().expect("built-in packs load");
    let pages = replylint::rules::reference::pages(&rules);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    support::assert_golden_dir(&dir, &pages);
}
