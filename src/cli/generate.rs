//! `replylint completions SHELL` and `replylint man`: shell completions and manual pages
//! generated from the one clap definition, so they never disagree with `--help`.

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, EXIT_CLEAN, EXIT_ERROR};

/// Prints the completion script for `shell` to standard output.
pub fn completions(shell: Shell) -> i32 {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "replylint", &mut script);
    print(&script)
}

/// Prints the `replylint(1)` page, or with `dir` writes one page per command there
/// (`replylint.1`, `replylint-check.1`, …).
pub fn man(dir: Option<&Path>) -> i32 {
    let pages = match pages() {
        Ok(pages) => pages,
        Err(error) => {
            eprintln!("error: man: {error}");
            return EXIT_ERROR;
        }
    };
    let Some(dir) = dir else {
        return print(&pages[0].1);
    };
    if let Err(error) = std::fs::create_dir_all(dir) {
        eprintln!("error: {}: {error}", dir.display());
        return EXIT_ERROR;
    }
    for (name, page) in &pages {
        let path = dir.join(name);
        if let Err(error) = write_atomically(&path, page) {
            eprintln!("error: {}: {error}", path.display());
            return EXIT_ERROR;
        }
    }
    EXIT_CLEAN
}

/// Every page as `(file name, roff)`, the top-level page first. Subcommands are named the way
/// `man` looks them up: `replylint-rules-list.1` (clap gives a built subcommand that display
/// name).
fn pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    fn walk(command: &clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
        let man = clap_mangen::Man::new(command.clone());
        let mut page = Vec::new();
        man.render(&mut page)?;
        out.push((man.get_filename(), page));
        for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
            walk(sub, out)?;
        }
        Ok(())
    }
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let mut out = Vec::new();
    walk(&command, &mut out)?;
    Ok(out)
}

fn print(bytes: &[u8]) -> i32 {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => EXIT_CLEAN,
        Err(_) => EXIT_ERROR,
    }
}

/// Writes through a temporary file in the same folder, so a page is whole or absent.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(bytes)?;
    file.persist(path).map_err(|error| error.error)?;
    Ok(())
}
