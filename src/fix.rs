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

use crate::diagnostic::{Diagnostic, Fix};
use crate::filter::Filters;
use crate::linter::Linter;
use crate::rules::{FixSafety, Rule};
use crate::source::Source;

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

#[derive(Debug, Clone)]
pub struct FixOptions {
    pub level: FixLevel,
    /// The filter stage every pass goes through, the same one `check` uses: a finding it hides
    /// is neither fixed nor counted as remaining.
    pub filters: Filters,
    pub max_passes: usize,
}

impl Default for FixOptions {
    fn default() -> Self {
        FixOptions {
            level: FixLevel::Safe,
            filters: Filters::default(),
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
        options
            .filters
            .apply_to(source, linter.rules(), linter.find(source))
            .diagnostics
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
/// The new content is written and synced to disk in the target's directory, with the original's
/// permissions (and, best effort, owner), and then renamed over it, so a reader or a crash sees
/// either the old file or the new one, never a truncated one. On Linux it is written to an
/// unnamed file (`O_TMPFILE`) that is given a `.replylint-*.tmp` name only for the instant
/// before the rename, so a run killed at any point leaves no temporary file behind; elsewhere, or
/// where the file system cannot do that, a named temporary file is used, which only a kill
/// during the write can leave behind. Just before the rename the file is read again, and if it
/// no longer holds `original` (an editor saved it meanwhile) nothing is written.
///
/// - A symbolic link is written through: the link's target is replaced, the link is kept.
/// - A file with other hard links becomes a file of its own: the other names keep the original
///   text (as with most editors' safe-write mode).
/// - A read-only file ([`WriteError::ReadOnly`]) or a directory where no file can be created
///   ([`WriteError::Io`]) is left as it was.
pub fn write_fixed(path: &Path, original: &[u8], fixed: &[u8]) -> Result<(), WriteError> {
    let target = std::fs::canonicalize(path)?;
    let metadata = std::fs::metadata(&target)?;
    if metadata.permissions().readonly() {
        return Err(WriteError::ReadOnly);
    }
    let directory = target
        .parent()
        .ok_or_else(|| std::io::Error::other("the file has no parent directory"))?;
    let staged = Staged::write(directory, &metadata, fixed).map_err(|error| {
        WriteError::Io(std::io::Error::new(
            error.kind(),
            format!("cannot create a file in `{}`: {error}", directory.display()),
        ))
    })?;
    if std::fs::read(&target)? != original {
        return Err(WriteError::Changed);
    }
    staged.persist(directory, &target)?;
    Ok(())
}

/// The fixed content, written and synced but not yet in place.
enum Staged {
    /// An `O_TMPFILE` file: it has no name, so it vanishes if the process dies.
    #[cfg(target_os = "linux")]
    Unnamed(std::fs::File),
    Named(tempfile::NamedTempFile),
}

impl Staged {
    fn write(
        directory: &Path,
        metadata: &std::fs::Metadata,
        fixed: &[u8],
    ) -> std::io::Result<Staged> {
        #[cfg(target_os = "linux")]
        if let Ok(file) = unnamed::create(directory) {
            let mut file = file;
            file.write_all(fixed)?;
            finish(&file, metadata)?;
            return Ok(Staged::Unnamed(file));
        }
        let mut temporary = tempfile::Builder::new()
            .prefix(".replylint-")
            .suffix(".tmp")
            .tempfile_in(directory)?;
        temporary.write_all(fixed)?;
        finish(temporary.as_file(), metadata)?;
        Ok(Staged::Named(temporary))
    }

    fn persist(self, directory: &Path, target: &Path) -> std::io::Result<()> {
        match self {
            #[cfg(target_os = "linux")]
            Staged::Unnamed(file) => match unnamed::link(&file, directory) {
                Ok(name) => std::fs::rename(&name, target).inspect_err(|_| {
                    let _ = std::fs::remove_file(&name);
                }),
                // Linking an unnamed file needs /proc; without it, fall back to a named copy.
                Err(_) => {
                    let mut temporary = tempfile::Builder::new()
                        .prefix(".replylint-")
                        .suffix(".tmp")
                        .tempfile_in(directory)?;
                    let mut source = &file;
                    std::io::Seek::rewind(&mut source)?;
                    std::io::copy(&mut source, temporary.as_file_mut())?;
                    finish(temporary.as_file(), &file.metadata()?)?;
                    temporary
                        .persist(target)
                        .map(drop)
                        .map_err(|error| error.error)
                }
            },
            Staged::Named(temporary) => temporary
                .persist(target)
                .map(drop)
                .map_err(|error| error.error),
        }
    }
}

/// Gives the new file the original's permissions and owner, and syncs it.
fn finish(file: &std::fs::File, metadata: &std::fs::Metadata) -> std::io::Result<()> {
    file.set_permissions(metadata.permissions())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Only root can give a file away; for anyone else the file is theirs already.
        let _ = std::os::unix::fs::fchown(file, Some(metadata.uid()), Some(metadata.gid()));
    }
    file.sync_all()
}

#[cfg(target_os = "linux")]
mod unnamed {
    use std::ffi::CString;
    use std::fs::File;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::io::AsRawFd;
    use std::path::{Path, PathBuf};

    pub(super) fn create(directory: &Path) -> std::io::Result<File> {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .mode(0o600)
            .custom_flags(libc::O_TMPFILE)
            .open(directory)
    }

    /// Gives the unnamed file a fresh `.replylint-*.tmp` name in `directory`.
    pub(super) fn link(file: &File, directory: &Path) -> std::io::Result<PathBuf> {
        let source = CString::new(format!("/proc/self/fd/{}", file.as_raw_fd()))
            .map_err(std::io::Error::other)?;
        for attempt in 0..16u32 {
            let name = directory.join(format!(
                ".replylint-{}-{}-{attempt}.tmp",
                std::process::id(),
                nanos()
            ));
            let target =
                CString::new(name.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
            // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
            let linked = unsafe {
                libc::linkat(
                    libc::AT_FDCWD,
                    source.as_ptr(),
                    libc::AT_FDCWD,
                    target.as_ptr(),
                    libc::AT_SYMLINK_FOLLOW,
                )
            };
            if linked == 0 {
                return Ok(name);
            }
            let error = std::io::Error::last_os_error();
            if error.kind() != std::io::ErrorKind::AlreadyExists {
                return Err(error);
            }
        }
        Err(std::io::Error::other("no free temporary name"))
    }

    fn nanos() -> u32 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos())
    }
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

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_written_through_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.txt");
        let link = dir.path().join("link.txt");
        std::fs::write(&target, "old").unwrap();
        std::os::unix::fs::symlink("target.txt", &link).unwrap();
        write_fixed(&link, b"old", b"fixed").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&target).unwrap(), b"fixed");
        assert_eq!(names_in(dir.path()), ["link.txt", "target.txt"]);
    }

    #[test]
    fn a_hard_link_becomes_a_file_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("first.txt");
        let second = dir.path().join("second.txt");
        std::fs::write(&first, "old").unwrap();
        std::fs::hard_link(&first, &second).unwrap();
        write_fixed(&first, b"old", b"fixed").unwrap();
        assert_eq!(std::fs::read(&first).unwrap(), b"fixed");
        assert_eq!(std::fs::read(&second).unwrap(), b"old");
    }

    #[test]
    fn a_read_only_file_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("draft.txt");
        std::fs::write(&path, "old").unwrap();
        let mut permissions = std::fs::metadata(&path).unwrap().permissions();
        permissions.set_readonly(true);
        std::fs::set_permissions(&path, permissions).unwrap();
        assert!(matches!(
            write_fixed(&path, b"old", b"fixed"),
            Err(WriteError::ReadOnly)
        ));
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(names_in(dir.path()), ["draft.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn the_fixed_file_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("draft.txt");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_fixed(&path, b"old", b"fixed").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        assert_eq!(names_in(dir.path()), ["draft.txt"]);
    }
}
