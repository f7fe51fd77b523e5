//! Finding the inputs to check and reading them safely: the first stage of a
//! [`crate::session::Session`] run.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::source::Source;

/// File name extensions checked when walking a directory. Files named explicitly on the
/// command line are checked whatever their extension.
pub const TEXT_EXTENSIONS: &[&str] = &[
    "txt", "text", "md", "markdown", "mdx", "html", "htm", "json", "jsonl", "ndjson", "yaml",
    "yml", "csv", "tsv", "eml", "rst", "adoc",
];

/// How many leading bytes are inspected for NUL when deciding whether a file is binary; the same
/// heuristic git and ripgrep use.
const BINARY_SNIFF_LEN: usize = 8 * 1024;

/// One thing to check.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Input {
    Stdin,
    File(PathBuf),
}

/// What became of reading one input.
#[derive(Debug)]
pub enum Loaded {
    Text(Source),
    /// Passed over on purpose, with the reason: `(name, reason)`.
    Skipped(String, SkipReason),
    /// Could not be read or decoded: `(name, error)`.
    Failed(String, InputError),
}

/// Why an input was passed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SkipReason {
    #[error("skipped: binary file")]
    Binary,
}

/// Why an input could not be checked.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read: {0}")]
    Read(#[from] std::io::Error),
    #[error(
        "not valid UTF-8 (line {line}, byte offset {offset}); convert the file to UTF-8 \
         (for example with iconv -f GBK -t UTF-8) and check it again"
    )]
    NotUtf8 { line: usize, offset: usize },
    /// A binary input where text was required (standard input under `--fix`, which must give
    /// back the whole draft or fail).
    #[error("looks binary (NUL byte in the first {BINARY_SNIFF_LEN} bytes); nothing was checked")]
    Binary,
    #[error("no such file or directory")]
    NotFound,
    #[error("{0}")]
    Walk(String),
}

/// Expands the command-line paths into inputs, in a stable order. Problems with a path (it does
/// not exist, a directory cannot be listed) come back as `(name, error)`.
pub fn collect(
    paths: &[PathBuf],
    threads: Option<usize>,
) -> (Vec<Input>, Vec<(String, InputError)>) {
    if paths.is_empty() {
        return (vec![Input::Stdin], Vec::new());
    }
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
        } else if path.is_dir() {
            walk(path, threads, &mut inputs, &mut errors);
        } else if path.exists() {
            inputs.push(Input::File(path.clone()));
        } else {
            errors.push((path.display().to_string(), InputError::NotFound));
        }
    }
    (inputs, errors)
}

/// Walks a directory the way ripgrep does (`.gitignore` and `.ignore` honoured, hidden files
/// skipped), on several threads since listing a large library is a good part of checking it, then
/// sorts the files so that output never depends on which thread found what.
fn walk(
    dir: &Path,
    threads: Option<usize>,
    inputs: &mut Vec<Input>,
    errors: &mut Vec<(String, InputError)>,
) {
    let found = Mutex::new(Vec::new());
    let failed = Mutex::new(Vec::new());
    ignore::WalkBuilder::new(dir)
        .require_git(false)
        .threads(threads.unwrap_or(0))
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(entry) if is_text_file(&entry) => {
                        if let Ok(mut found) = found.lock() {
                            found.push(entry.into_path());
                        }
                    }
                    Ok(_) => {}
                    Err(error) => {
                        if let Ok(mut failed) = failed.lock() {
                            failed.push((dir.display().to_string(), error.to_string()));
                        }
                    }
                }
                ignore::WalkState::Continue
            })
        });
    let mut found = found.into_inner().unwrap_or_default();
    found.sort();
    inputs.extend(found.into_iter().map(Input::File));
    let mut failed = failed.into_inner().unwrap_or_default();
    failed.sort();
    errors.extend(
        failed
            .into_iter()
            .map(|(name, message)| (name, InputError::Walk(message))),
    );
}

fn is_text_file(entry: &ignore::DirEntry) -> bool {
    entry.file_type().is_some_and(|kind| kind.is_file())
        && entry
            .path()
            .extension()
            .and_then(|ext| ext.to_str())
            .is_some_and(|ext| TEXT_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// Reads and decodes one input; `stdin_name` is the name standard input is reported under.
pub fn read(input: &Input, stdin_name: &str) -> Loaded {
    let (name, bytes) = match input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            if let Err(error) = std::io::stdin().lock().read_to_end(&mut bytes) {
                return Loaded::Failed(stdin_name.to_string(), InputError::Read(error));
            }
            (stdin_name.to_string(), bytes)
        }
        Input::File(path) => {
            let name = path.display().to_string();
            match std::fs::read(path) {
                Ok(bytes) => (name, bytes),
                Err(error) => return Loaded::Failed(name, InputError::Read(error)),
            }
        }
    };
    decode(name, bytes)
}

fn decode(name: String, bytes: Vec<u8>) -> Loaded {
    let sniff = &bytes[..bytes.len().min(BINARY_SNIFF_LEN)];
    if memchr::memchr(0, sniff).is_some() {
        return Loaded::Skipped(name, SkipReason::Binary);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Loaded::Text(Source::new(name, text)),
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            let valid = &error.as_bytes()[..offset];
            let line = memchr::memchr_iter(b'\n', valid).count() + 1;
            Loaded::Failed(name, InputError::NotUtf8 { line, offset })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_and_invalid_text_are_told_apart() {
        assert!(matches!(
            decode("a".into(), b"ab\0cd".to_vec()),
            Loaded::Skipped(..)
        ));
        match decode("g.txt".into(), b"ok\n\xc4\xe3\xba\xc3".to_vec()) {
            Loaded::Failed(name, error) => {
                assert_eq!(name, "g.txt");
                let message = error.to_string();
                assert!(message.contains("line 2"), "{message}");
            }
            _ => panic!("GBK bytes must not decode as UTF-8"),
        }
        assert!(matches!(
            decode("u".into(), "你好".as_bytes().to_vec()),
            Loaded::Text(_)
        ));
    }
}
