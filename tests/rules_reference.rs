//! `docs/rules/` is generated from the built-in packs; this fails when it is stale.

use std::path::Path;

#[test]
fn rules_reference_is_up_to_date() {
    let rules = replylint::RuleSet::builtin().expect("built-in packs load");
    let pages = replylint::rules::reference::pages(&rules);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    if std::env::var_os("REPLYLINT_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create docs/rules");
        for (name, text) in &pages {
            std::fs::write(dir.join(name), text).expect("write a reference page");
        }
        return;
    }
    let mut stale = Vec::new();
    for (name, text) in &pages {
        let checked_in = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        if &checked_in != text {
            stale.push(name.clone());
        }
    }
    let on_disk = std::fs::read_dir(&dir).map_or(0, |entries| entries.count());
    assert!(
        stale.is_empty() && on_disk == pages.len(),
        "docs/rules/ is stale ({}; {on_disk} files on disk, {} generated): regenerate it with \
         `REPLYLINT_BLESS=1 cargo test --test rules_reference`",
        stale.join(", "),
        pages.len()
    );
}
