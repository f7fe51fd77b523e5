//! Applying fixes: the rewritten text, what was applied, and what is left for a human.
//!
//! [`apply_fixes`] is pure: it takes a source and returns the fixed text, it never prints or
//! touches the file system. [`write_fixed`] is the one place that writes a fixed file, and it
//! does so atomically. The order in which competing fixes are chosen is documented in
//! `docs/fixing.md`; change both together.

use std::fmt;
use std::io::Write;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use crate::rules::{FixSafety, Rule, Severity};
use crate::{Diagnostic, Fix, Linter, Source};

/// The most fixes a run may apply to one text, in passes of lint-then-fix. One pass is enough
/// for almost every text; the rest are for fixes deferred because they touched another one, and
/// for rewrites that expose a new finding.
pub const MAX_PASSES: usize = 10;

/// Which fixes may be applied. Display-only suggestions never are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FixLevel {
    /// Only fixes marked `safe`.
    Safe,
    /// `safe` and `unsafe` fixes (`--unsafe-fixes`).
    Unsafe,
}

impl FixLevel {
    pub fn allows(self, safety: FixSafety) -> bool {
        match safety {
            FixSafety::Safe => true,
            FixSafety::Unsafe => self == FixLevel::Unsafe,
            FixSafety::DisplayOnly => false,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct FixOptions {
    pub level: FixLevel,
    /// Findings below this severity are neither fixed nor counted as remaining, as in `check`.
    pub min_severity: Severity,
    pub max_passes: usize,
}

impl Default for FixOptions {
    fn default() -> Self {
        FixOptions {
            level: FixLevel::Safe,
            min_severity: Severity::Hint,
            max_passes: MAX_PASSES,
        }
    }
}

/// One fix that was applied.
#[derive(Debug, Clone)]
pub struct AppliedFix {
    pub rule: Arc<Rule>,
    pub safety: FixSafety,
    /// The pass it was applied in, from 0.
    pub pass: usize,
    /// Byte range in the text as it was at the start of that pass (for pass 0, the source).
    pub range: Range<usize>,
    pub original: String,
    pub replacement: String,
}

/// Why fixing stopped before no fix applied any more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsettled {
    /// Fixes kept undoing each other; the text is the first (in byte order) of the texts they
    /// cycle through, so that fixing again gives the same text.
    Cycle,
    /// [`FixOptions::max_passes`] passes all applied something.
    PassLimit,
    /// A pass produced text that no longer reads in the source's format; the text is the one
    /// before that pass.
    Unreadable,
}

#[derive(Debug, Clone)]
pub struct FixOutcome {
    pub text: String,
    pub applied: Vec<AppliedFix>,
    /// Findings in the fixed text, at or above the minimum severity.
    pub remaining: Vec<Diagnostic>,
    /// `None` when the text settled: no fix allowed by the level applies to it any more.
    pub unsettled: Option<Unsettled>,
}

impl FixOutcome {
    pub fn changed(&self) -> bool {
        !self.applied.is_empty()
    }

    pub fn applied_with(&self, safety: FixSafety) -> usize {
        self.applied
            .iter()
            .filter(|fix| fix.safety == safety)
            .count()
    }

    /// Remaining findings no `--fix` level can resolve: no rewrite, or a display-only one.
    pub fn need_a_human(&self) -> usize {
        self.remaining
            .iter()
            .filter(|diagnostic| {
                diagnostic
                    .fix
                    .as_ref()
                    .is_none_or(|fix| fix.safety == FixSafety::DisplayOnly)
            })
            .count()
    }
}

/// Fixes `source` with the fixes `options` allow, re-linting after each pass until none applies
/// (or the pass limit). Bytes outside the replaced ranges are never changed.
pub fn apply_fixes(linter: &Linter, source: &Source, options: &FixOptions) -> FixOutcome {
    let lint = |source: &Source| -> Vec<Diagnostic> {
        let mut diagnostics = linter.check(source);
        diagnostics.retain(|diagnostic| diagnostic.severity >= options.min_severity);
        diagnostics
    };
    // Every text the passes went through, to notice fixes that undo each other. Each is re-read
    // through the source's format (`with_text`), so a JSON string or CSV cell is cut out, and its
    // fixes escaped, the same way after an edit as before it.
    let mut history: Vec<Source> = vec![source.clone()];
    let mut applied: Vec<AppliedFix> = Vec::new();
    for pass in 0..options.max_passes {
        let current = history.last().unwrap_or(source);
        let text = current.text.as_str();
        let diagnostics = lint(current);
        let chosen = choose(text, &diagnostics, options.level);
        if chosen.is_empty() {
            return FixOutcome {
                text: history.pop().map(|source| source.text).unwrap_or_default(),
                applied,
                remaining: diagnostics,
                unsettled: None,
            };
        }
        let mut fixed = String::with_capacity(text.len());
        let mut cursor = 0;
        let mut applied_now = Vec::with_capacity(chosen.len());
        for (diagnostic, fix) in &chosen {
            fixed.push_str(&text[cursor..fix.range.start]);
            fixed.push_str(&fix.replacement);
            cursor = fix.range.end;
            applied_now.push(AppliedFix {
                rule: diagnostic.rule.clone(),
                safety: fix.safety,
                pass,
                range: fix.range.clone(),
                original: text[fix.range.clone()].to_string(),
                replacement: fix.replacement.clone(),
            });
        }
        fixed.push_str(&text[cursor..]);

        if let Some(first) = history.iter().position(|seen| seen.text == fixed) {
            applied.extend(applied_now);
            // Passes `first..` cycle. Settle on the smallest text of the cycle: whichever of them
            // a later run starts from, it walks the same cycle and settles on the same text.
            let (offset, settled) = history[first..]
                .iter()
                .enumerate()
                .min_by(|a, b| a.1.text.cmp(&b.1.text))
                .map(|(offset, settled)| (offset, settled.clone()))
                .unwrap_or_else(|| (0, source.clone()));
            let settled_pass = first + offset;
            applied.retain(|fix| fix.pass < settled_pass);
            let remaining = lint(&settled);
            return FixOutcome {
                text: settled.text,
                applied,
                remaining,
                unsettled: Some(Unsettled::Cycle),
            };
        }
        match current.with_text(fixed) {
            Ok(next) => {
                applied.extend(applied_now);
                history.push(next);
            }
            Err(_) => {
                // Replacements are escaped for where they land, so this means a format's
                // escaping has a bug; keep the last text that still reads.
                let remaining = diagnostics;
                return FixOutcome {
                    text: history.pop().map(|source| source.text).unwrap_or_default(),
                    applied,
                    remaining,
                    unsettled: Some(Unsettled::Unreadable),
                };
            }
        }
    }
    let last = history.pop().unwrap_or_else(|| source.clone());
    let remaining = lint(&last);
    let unsettled = remaining
        .iter()
        .any(|diagnostic| {
            diagnostic
                .fix
                .as_ref()
                .is_some_and(|fix| options.level.allows(fix.safety))
        })
        .then_some(Unsettled::PassLimit);
    FixOutcome {
        text: last.text,
        applied,
        remaining,
        unsettled,
    }
}

/// The fixes to apply in one pass, in text order: candidates sorted by (start, end, rule id),
/// each taken unless it overlaps or touches one already taken. Touching means nothing but
/// spaces and quote marks stand between them; such a fix waits for the next pass, because its
/// rewrite (a sentence-initial capital, say) depends on the text just before it.
fn choose<'a>(
    text: &str,
    diagnostics: &'a [Diagnostic],
    level: FixLevel,
) -> Vec<(&'a Diagnostic, &'a Fix)> {
    let mut candidates: Vec<(&Diagnostic, &Fix)> = diagnostics
        .iter()
        .filter_map(|diagnostic| {
            let fix = diagnostic.fix.as_ref()?;
            let valid = fix.range.start <= fix.range.end && text.get(fix.range.clone()).is_some();
            (valid && level.allows(fix.safety)).then_some((diagnostic, fix))
        })
        .collect();
    candidates.sort_by(|(a, a_fix), (b, b_fix)| {
        (a_fix.range.start, a_fix.range.end, &a.rule.id).cmp(&(
            b_fix.range.start,
            b_fix.range.end,
            &b.rule.id,
        ))
    });
    let mut chosen: Vec<(&Diagnostic, &Fix)> = Vec::new();
    for (diagnostic, fix) in candidates {
        if let Some((_, last)) = chosen.last() {
            let conflicts = fix.range.start < last.range.end
                || text[last.range.end..fix.range.start].chars().all(is_filler);
            if conflicts {
                continue;
            }
        }
        chosen.push((diagnostic, fix));
    }
    chosen
}

fn is_filler(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '"' | '\'' | '(' | '[' | '\u{201C}' | '\u{2018}' | '\u{FEFF}'
        )
}

/// A unified diff of a fix, with `a/` and `b/` headers; empty when nothing changed. Lines keep
/// their own endings, so a CRLF file's diff shows CRLF lines.
pub fn unified_diff(name: &str, before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// Why a fixed file was not written.
#[derive(Debug)]
pub enum WriteError {
    /// The file on disk is no longer what was read and fixed.
    Changed,
    /// The file is marked read-only.
    ReadOnly,
    Io(std::io::Error),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Changed => {
                write!(f, "changed on disk since it was read; not overwritten")
            }
            WriteError::ReadOnly => write!(f, "is read-only; not overwritten"),
            WriteError::Io(error) => write!(f, "cannot write the fixed file: {error}"),
        }
    }
}

impl std::error::Error for WriteError {}

impl From<std::io::Error> for WriteError {
    fn from(error: std::io::Error) -> Self {
        WriteError::Io(error)
    }
}

/// Replaces the file at `path`, whose content was `original` when it was read, with `fixed`.
///
/// The new content goes to a temporary file in the same directory, which takes the original's
/// permissions and is then renamed over it, so a reader (or a crash) sees either the old file or
/// the new one, never a half-written one. Just before the rename the file is read again, and if
/// it no longer holds `original` (an editor saved it meanwhile) nothing is written. A symbolic
/// link is written through, so the link stays a link.
pub fn write_fixed(path: &Path, original: &[u8], fixed: &[u8]) -> Result<(), WriteError> {
    let target = std::fs::canonicalize(path)?;
    let metadata = std::fs::metadata(&target)?;
    if metadata.permissions().readonly() {
        return Err(WriteError::ReadOnly);
    }
    let directory = target
        .parent()
        .ok_or_else(|| std::io::Error::other("the file has no parent directory"))?;
    let mut temporary = tempfile::Builder::new()
        .prefix(".replylint-")
        .suffix(".tmp")
        .tempfile_in(directory)?;
    temporary.write_all(fixed)?;
    temporary
        .as_file()
        .set_permissions(metadata.permissions())?;
    temporary.as_file().sync_all()?;
    if std::fs::read(&target)? != original {
        return Err(WriteError::Changed);
    }
    temporary
        .persist(&target)
        .map_err(|error| WriteError::Io(error.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_allow_what_they_say() {
        assert!(FixLevel::Safe.allows(FixSafety::Safe));
        assert!(!FixLevel::Safe.allows(FixSafety::Unsafe));
        assert!(FixLevel::Unsafe.allows(FixSafety::Unsafe));
        assert!(!FixLevel::Unsafe.allows(FixSafety::DisplayOnly));
    }

    #[test]
    fn diff_has_headers_and_keeps_line_endings() {
        let diff = unified_diff("d.txt", "a\r\nb\r\n", "a\r\nc\r\n");
        assert!(diff.starts_with("--- a/d.txt\n+++ b/d.txt\n"), "{diff}");
        assert!(diff.contains("-b\r\n+c\r\n"), "{diff:?}");
        assert_eq!(unified_diff("d.txt", "same", "same"), "");
    }

    #[test]
    fn changed_files_are_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("draft.txt");
        std::fs::write(&path, "new").unwrap();
        assert!(matches!(
            write_fixed(&path, b"old", b"fixed"),
            Err(WriteError::Changed)
        ));
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        write_fixed(&path, b"new", b"fixed").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"fixed");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }
}
