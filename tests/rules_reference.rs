//! `docs/rules-reference.md` is generated from the built-in packs; this fails when it is stale.

use std::path::Path;

#[test]
fn rules_reference_is_up_to_date() {
    let rules = replylint::RuleSet::builtin().expect("built-in packs load");
    let generated = replylint::rules::reference::markdown(&rules);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules-reference.md");
    if std::env::var_os("REPLYLINT_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write docs/rules-reference.md");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "docs/rules-reference.md is stale: regenerate it with \
         `REPLYLINT_BLESS=1 cargo test --test rules_reference`"
    );
}
