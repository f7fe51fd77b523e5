//! The packs under `rules/`, embedded so the binary needs no files at run time.

/// `(path below rules/, file text)` of every built-in pack, in path order.
///
/// A test checks that this list and the `rules/` directory agree, so a new pack cannot be
/// forgotten here.
pub static BUILTIN_PACKS: &[(&str, &str)] = &[];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pack_file_is_embedded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut on_disk = Vec::new();
        let mut pending = if root.is_dir() {
            vec![root.clone()]
        } else {
            Vec::new()
        };
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else if path
                    .extension()
                    .is_some_and(|ext| ext == "yaml" || ext == "yml")
                {
                    let relative = path.strip_prefix(&root).unwrap();
                    on_disk.push(relative.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        on_disk.sort();
        let embedded: Vec<String> = BUILTIN_PACKS
            .iter()
            .map(|(path, _)| path.to_string())
            .collect();
        assert_eq!(
            embedded, on_disk,
            "update BUILTIN_PACKS in src/rules/builtin.rs"
        );
    }
}
