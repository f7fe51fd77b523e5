//! Baselines: adopting the linter on an old library without fixing every old finding first.
//!
//! A finding's `fingerprint` is made of what identifies the problem, not where it is: the
//! file's path, the rule, the offending text with its whitespace collapsed, and how many times
//! the same rule already matched the same text earlier in the file. So it survives the finding's
//! line moving, other replies being added or removed around it and the file being re-indented,
//! and it changes when the offending text itself changes. SARIF's `partialFingerprints` and
//! GitLab's `fingerprint` use the same value.
//!
//! The baseline file is JSON: a version, and the entries sorted by path, rule and fingerprint,
//! one object per line of the array, so that reviews show only what changed.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diagnostic::Diagnostic;

/// The baseline file format version this build writes and reads.
pub const VERSION: u32 = 1;

/// The fingerprint of each diagnostic of one file, in the same order. `diagnostics` must be in
/// position order (as the filter stage leaves them), so that the occurrence count is stable.
pub fn fingerprints(path: &str, diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut seen: HashMap<(&str, String), usize> = HashMap::new();
    diagnostics
        .iter()
        .map(|diagnostic| {
            let text = collapse_whitespace(&diagnostic.text);
            let occurrence = seen
                .entry((&diagnostic.rule.id, text.clone()))
                .and_modify(|count| *count += 1)
                .or_insert(0);
            fingerprint(path, &diagnostic.rule.id, &text, *occurrence)
        })
        .collect()
}

fn fingerprint(path: &str, rule: &str, text: &str, occurrence: usize) -> String {
    let mut hasher = Sha256::new();
    for part in [path, rule, text, &occurrence.to_string()] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hasher.finalize()[..16]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub fingerprint: String,
    /// The offending text, for people reading the file; not used for matching.
    pub text: String,
}

/// A baseline: the findings a library already had when it adopted the linter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

/// Why a baseline file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{path}: cannot read the baseline: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: not a replylint baseline: {message}")]
    Parse {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{path}: baseline version {found} is not supported (this build reads version {VERSION})"
    )]
    Version { path: String, found: u32 },
    #[error("{path}: cannot write the baseline: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

impl Baseline {
    /// Reads a baseline file.
    pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
        let name = path.display().to_string();
        let text =
            crate::inputs::read_regular_to_string(path).map_err(|source| BaselineError::Read {
                path: name.clone(),
                source,
            })?;
        let baseline: Baseline =
            serde_json::from_str(&text).map_err(|error| BaselineError::Parse {
                path: name.clone(),
                line: error.line(),
                column: error.column(),
                message: error.to_string(),
            })?;
        if baseline.version != VERSION {
            return Err(BaselineError::Version {
                path: name,
                found: baseline.version,
            });
        }
        Ok(baseline)
    }

    /// The baseline as written to disk: sorted entries, one per line.
    pub fn to_json(&self) -> String {
        let mut entries = self.entries.clone();
        entries.sort();
        entries.dedup();
        let mut out = format!("{{\n  \"version\": {},\n  \"entries\": [", self.version);
        for (index, entry) in entries.iter().enumerate() {
            out.push_str(if index == 0 { "\n    " } else { ",\n    " });
            out.push_str(&serde_json::to_string(entry).unwrap_or_default());
        }
        out.push_str(if entries.is_empty() {
            "]\n}\n"
        } else {
            "\n  ]\n}\n"
        });
        out
    }

    /// Writes the baseline atomically.
    pub fn write(&self, path: &Path) -> Result<(), BaselineError> {
        let error = |source| BaselineError::Write {
            path: path.display().to_string(),
            source,
        };
        let dir = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut file = tempfile::NamedTempFile::new_in(dir).map_err(error)?;
        std::io::Write::write_all(&mut file, self.to_json().as_bytes()).map_err(error)?;
        file.persist(path).map_err(|persist| error(persist.error))?;
        Ok(())
    }

    /// The key of every entry (see [`key`]), for the filter stage to look findings up in.
    pub fn keys(&self) -> HashSet<String> {
        self.entries
            .iter()
            .map(|entry| key(&entry.path, &entry.fingerprint))
            .collect()
    }

    /// How many entries of the `checked` paths have a key not in `seen`: findings the baseline
    /// recorded that no longer occur.
    pub fn unseen(&self, checked: &HashSet<&str>, seen: &HashSet<String>) -> usize {
        self.entries
            .iter()
            .filter(|entry| checked.contains(entry.path.as_str()))
            .filter(|entry| !seen.contains(&key(&entry.path, &entry.fingerprint)))
            .count()
    }
}

/// How a finding is looked up in a baseline: its path and fingerprint, which alone identify it.
pub fn key(path: &str, fingerprint: &str) -> String {
    format!("{path}\0{fingerprint}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Linter;

    fn prints(text: &str) -> Vec<String> {
        let linter = Linter::builtin().unwrap();
        let diagnostics = linter.check(&crate::Source::new("a.txt", text));
        fingerprints("a.txt", &diagnostics)
    }

    #[test]
    fn fingerprints_survive_moves_and_reindenting_but_not_text_changes() {
        let original = prints("Hello.\nYou must fill in the form.\n");
        assert_eq!(original.len(), 1);
        assert_eq!(
            prints("New reply first.\n\n   Hello.\n      You must fill in the form.\n"),
            original
        );
        assert_ne!(prints("Hello.\nYou have to fill in the form.\n"), original);
    }

    #[test]
    fn repeated_findings_get_distinct_fingerprints() {
        let both = prints("You must fill in the form.\nYou must fill in the form.\n");
        assert_eq!(both.len(), 2);
        assert_ne!(both[0], both[1]);
    }

    #[test]
    fn baseline_round_trips_sorted() {
        let baseline = Baseline {
            version: VERSION,
            entries: vec![
                Entry {
                    path: "b".into(),
                    rule: "r".into(),
                    fingerprint: "2".into(),
                    text: "x".into(),
                },
                Entry {
                    path: "a".into(),
                    rule: "r".into(),
                    fingerprint: "1".into(),
                    text: "y".into(),
                },
            ],
        };
        let json = baseline.to_json();
        assert!(json.find("\"a\"").unwrap() < json.find("\"b\"").unwrap());
        let back: Baseline = serde_json::from_str(&json).unwrap();
        assert_eq!(back.entries.len(), 2);
        let keys = back.keys();
        assert!(keys.contains(&key("a", "1")));
        assert!(!keys.contains(&key("a", "2")));
        let seen = HashSet::from([key("a", "1")]);
        assert_eq!(back.unseen(&HashSet::from(["a", "b"]), &seen), 1);
    }
}
