//! Finding the inputs to check and reading them safely: the first stage of a
//! [`crate::session::Session`] run.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::source::{DecodeOptions, Source, SourceError};

/// File name extensions checked when walking a directory. Files named explicitly on the
/// command line are checked whatever their extension.
pub const TEXT_EXTENSIONS: &[&str] = &[
    "txt", "text", "md", "markdown", "mdx", "html", "htm", "json", "jsonl", "ndjson", "yaml",
    "yml", "csv", "tsv", "eml", "rst", "adoc",
];

/// One thing to check.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Input {
    Stdin,
    /// A file named on the command line.
    File(PathBuf),
    /// A file found by walking a directory.
    Found(PathBuf),
}

/// `--include` and `--exclude` globs: which files a directory walk takes. Files named on the
/// command line are checked whatever they match.
#[derive(Debug, Clone, Default)]
pub struct WalkFilters {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

impl WalkFilters {
    /// The globs as the walker's overrides, relative to the walked directory (`.gitignore`
    /// syntax: `*.md`, `replies/**`).
    fn overrides(&self, root: &Path) -> Result<ignore::overrides::Override, String> {
        let mut builder = ignore::overrides::OverrideBuilder::new(root);
        for glob in &self.include {
            builder.add(glob).map_err(|error| error.to_string())?;
        }
        for glob in &self.exclude {
            builder
                .add(&format!("!{glob}"))
                .map_err(|error| error.to_string())?;
        }
        builder.build().map_err(|error| error.to_string())
    }
}

impl Input {
    /// The name findings and messages use: the path as given, or `stdin_name`.
    pub fn name(&self, stdin_name: &str) -> String {
        match self {
            Input::Stdin => stdin_name.to_string(),
            Input::File(path) | Input::Found(path) => path.display().to_string(),
        }
    }
}

/// What became of reading one input.
#[derive(Debug)]
pub enum Loaded {
    Text(Source),
    /// Passed over on purpose, with the reason: `(name, reason)`.
    Skipped(String, SkipReason),
    /// Could not be read or decoded: `(where, error)`.
    Failed(String, InputError),
}

/// Why an input was passed over.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SkipReason {
    /// Not text (a binary file met in a directory walk), with what gave it away.
    #[error("skipped: {0}")]
    Binary(String),
    /// A FIFO, socket or device met in a directory walk: never opened.
    #[error("skipped: {0}")]
    NotRegular(String),
}

/// Why an input could not be checked.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read: {0}")]
    Read(#[from] std::io::Error),
    /// Not decodable text, or not valid in its format; the error says where.
    #[error("{}", .0.message())]
    Decode(Box<SourceError>),
    #[error("no such file or directory")]
    NotFound,
    #[error("{0}")]
    Walk(String),
}

/// Expands the command-line paths into inputs, in a stable order. Problems with a path (it does
/// not exist, a directory cannot be listed) come back as `(name, message)`.
pub fn collect(
    paths: &[PathBuf],
    threads: Option<usize>,
    filters: &WalkFilters,
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
            match filters.overrides(path) {
                Ok(overrides) => walk(path, threads, overrides, &mut inputs, &mut errors),
                Err(message) => {
                    errors.push(("--include/--exclude".to_string(), InputError::Walk(message)))
                }
            }
        } else if path.exists() {
            inputs.push(Input::File(path.clone()));
        } else {
            errors.push((path.display().to_string(), InputError::NotFound));
        }
    }
    (inputs, errors)
}

/// Walks a directory the way ripgrep does (`.gitignore` and `.ignore` honoured), but into hidden
/// folders other than `.git`, on several threads since listing a large library is a good part of checking it, then
/// sorts the files so that output never depends on which thread found what.
fn walk(
    dir: &Path,
    threads: Option<usize>,
    overrides: ignore::overrides::Override,
    inputs: &mut Vec<Input>,
    errors: &mut Vec<(String, InputError)>,
) {
    let found = Mutex::new(Vec::new());
    let failed = Mutex::new(Vec::new());
    ignore::WalkBuilder::new(dir)
        .require_git(false)
        // Hidden folders can hold libraries (GitHub keeps saved replies in `.github/`); only
        // version-control folders are passed over.
        .hidden(false)
        .overrides(overrides)
        .filter_entry(|entry| {
            !(entry.depth() > 0
                && entry.file_type().is_some_and(|kind| kind.is_dir())
                && matches!(entry.file_name().to_str(), Some(".git" | ".hg" | ".svn")))
        })
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
    inputs.extend(found.into_iter().map(Input::Found));
    let mut failed = failed.into_inner().unwrap_or_default();
    failed.sort();
    errors.extend(
        failed
            .into_iter()
            .map(|(name, message)| (name, InputError::Walk(message))),
    );
}

/// A walked entry with a text extension that is a file: a regular one, or a FIFO, socket or
/// device, which [`read`] then passes over with a note instead of opening (a silent skip would
/// look like a pass). Symbolic links are not followed in a walk.
fn is_text_file(entry: &ignore::DirEntry) -> bool {
    entry
        .file_type()
        .is_some_and(|kind| !kind.is_dir() && !kind.is_symlink())
        && entry
            .path()
            .extension()
            .and_then(|ext| ext.to_str())
            .is_some_and(|ext| TEXT_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// Reads and decodes one input (see `docs/inputs.md` for the decoding policy). A binary file met
/// in a directory walk is passed over with a note; named on the command line, it is an error.
pub fn read(input: &Input, stdin_name: &str, options: &DecodeOptions) -> Loaded {
    let name = input.name(stdin_name);
    let read = match input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .map(|_| bytes)
        }
        Input::File(path) | Input::Found(path) => read_regular(path),
    };
    let walked = matches!(input, Input::Found(_));
    let bytes = match read {
        Ok(bytes) => bytes,
        // Only `read_regular` says InvalidInput: not a regular file.
        Err(error) if walked && error.kind() == std::io::ErrorKind::InvalidInput => {
            return Loaded::Skipped(name, SkipReason::NotRegular(error.to_string()))
        }
        Err(error) => return Loaded::Failed(name, InputError::Read(error)),
    };
    match Source::from_bytes(name, bytes, options) {
        Ok(source) => Loaded::Text(source),
        Err(error) if error.is_binary() && walked => {
            Loaded::Skipped(error.location(), SkipReason::Binary(error.message()))
        }
        Err(error) => Loaded::Failed(error.location(), InputError::Decode(Box::new(error))),
    }
}

/// The bytes of the regular file at `path` (a symbolic link is followed). Anything else, a FIFO
/// or socket named `reply.txt`, a device, a directory, is refused without a read, so that a
/// hostile path cannot block a run forever or stream without end: the file is opened
/// non-blocking (opening a FIFO with no writer would otherwise wait for one) and its type is
/// checked on the open handle, so nothing can be swapped in between the check and the read.
pub fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    #[cfg(not(target_os = "linux"))]
    check_regular(&std::fs::metadata(path)?)?;
    let mut file = options.open(path)?;
    let metadata = file.metadata()?;
    check_regular(&metadata)?;
    // Regular files ignore O_NONBLOCK; the hint only sizes the buffer.
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// [`read_regular`], as UTF-8 text (config and baseline files).
pub fn read_regular_to_string(path: &Path) -> std::io::Result<String> {
    String::from_utf8(read_regular(path)?).map_err(|error| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "not valid UTF-8 (byte offset {})",
                error.utf8_error().valid_up_to()
            ),
        )
    })
}

fn check_regular(metadata: &std::fs::Metadata) -> std::io::Result<()> {
    if metadata.is_file() {
        return Ok(());
    }
    let kind = if metadata.is_dir() {
        "a directory"
    } else {
        special_kind(metadata)
    };
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!("{kind}, not a regular file; only regular files are read"),
    ))
}

#[cfg(unix)]
fn special_kind(metadata: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = metadata.file_type();
    if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::Metadata) -> &'static str {
    "a special file"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_file(path: &Path, walked: bool) -> Loaded {
        let input = if walked {
            Input::Found(path.to_path_buf())
        } else {
            Input::File(path.to_path_buf())
        };
        read(&input, "<stdin>", &DecodeOptions::default())
    }

    #[test]
    fn hidden_library_folders_are_walked_but_not_git() {
        let dir = tempfile::tempdir().unwrap();
        for folder in [".github", ".git", "replies"] {
            std::fs::create_dir(dir.path().join(folder)).unwrap();
            std::fs::write(dir.path().join(folder).join("SAVED_REPLIES.md"), "你好").unwrap();
        }
        let (inputs, errors) = collect(
            &[dir.path().to_path_buf()],
            Some(1),
            &WalkFilters::default(),
        );
        assert!(errors.is_empty());
        let found: Vec<String> = inputs
            .iter()
            .filter_map(|input| match input {
                Input::Found(path) => path
                    .strip_prefix(dir.path())
                    .ok()
                    .map(|p| p.display().to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(
            found,
            [".github/SAVED_REPLIES.md", "replies/SAVED_REPLIES.md"]
        );

        std::fs::write(dir.path().join("replies/a.json"), "{}").unwrap();
        let only = |filters: WalkFilters| -> Vec<String> {
            collect(&[dir.path().to_path_buf()], Some(1), &filters)
                .0
                .iter()
                .filter_map(|input| match input {
                    Input::Found(path) => path
                        .strip_prefix(dir.path())
                        .ok()
                        .map(|p| p.display().to_string()),
                    _ => None,
                })
                .collect()
        };
        let include = WalkFilters {
            include: vec!["*.json".into()],
            exclude: Vec::new(),
        };
        assert_eq!(only(include), ["replies/a.json"]);
        let exclude = WalkFilters {
            include: Vec::new(),
            exclude: vec![".github/".into()],
        };
        assert_eq!(
            only(exclude),
            ["replies/SAVED_REPLIES.md", "replies/a.json"]
        );
    }

    #[test]
    fn binary_files_are_skipped_in_walks_and_refused_when_named() {
        let dir = tempfile::tempdir().unwrap();
        let binary = dir.path().join("a.txt");
        std::fs::write(&binary, b"ab\0cd").unwrap();
        assert!(matches!(read_file(&binary, true), Loaded::Skipped(..)));
        assert!(matches!(read_file(&binary, false), Loaded::Failed(..)));

        let gbk = dir.path().join("g.txt");
        std::fs::write(&gbk, b"ok\n\xc4\xe3\xba\xc3").unwrap();
        match read_file(&gbk, true) {
            Loaded::Failed(name, error) => {
                let message = error.to_string();
                assert!(name.ends_with("g.txt:2:1"), "{name} {message}");
                assert!(message.starts_with("not valid UTF-8"), "{message}");
            }
            _ => panic!("GBK bytes must not decode as UTF-8"),
        }
        let utf8 = dir.path().join("u.txt");
        std::fs::write(&utf8, "你好").unwrap();
        assert!(matches!(read_file(&utf8, false), Loaded::Text(_)));
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_unread_instead_of_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("reply.txt");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !status.is_ok_and(|status| status.success()) {
            eprintln!("SKIPPED: mkfifo is not available");
            return;
        }
        // No writer ever opens it: a blocking open or read would hang this test.
        let error = read_regular(&fifo).unwrap_err();
        assert!(
            error.to_string().contains("a FIFO, not a regular file"),
            "{error}"
        );
        let error = read_regular(dir.path()).unwrap_err();
        assert!(error.to_string().contains("a directory"), "{error}");
    }
}
