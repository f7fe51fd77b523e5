//! Recall and precision of the built-in rules on the generalisation sets of issue 9
//! (`tests/generalisation/<set>/*.yaml`): drafts written fresh from the seed guidance by someone
//! who had not seen the rules. Produces the generalisation tables of `docs/rule-quality.md`.
//!
//! ```sh
//! cargo run --release --example generalisation                     # the dev set, plain tables
//! cargo run --release --example generalisation -- --set all --markdown
//! cargo run --release --example generalisation -- --set dev --misses  # what was missed and why
//! ```
//!
//! Per language group (zh-Hans, zh-Hant-TW, zh-Hant-HK, en, lv) and per theme it prints recall at
//! warning level, recall at any level and precision on good drafts ("good without warning"), with
//! overall rows. How a case is scored is documented at the top of
//! `tests/support/generalisation_set.rs`: a bad draft is caught when a finding of the level
//! overlaps its `fault` substring by at least one byte.
//!
//! `--rules DIR` scores the packs under `DIR` instead of the built-in ones (no rebuild needed while
//! writing rules: `--rules rules/` reads the YAML as it is now). `--lang PREFIX` keeps only the
//! cases whose language starts with `PREFIX` (`zh`, `zh-Hant`, `en`, `lv`), and `--theme command,blame` only those themes.
//!
//! `--misses` adds, per set, each bad draft not caught at warning level (with what fired on or
//! off the fault) and each good draft with a warning (with the rules that fired).
//! Exit status: 0 on success, 2 on a usage error or a set that is missing or not well-formed.

#[path = "../tests/support/generalisation_set.rs"]
mod generalisation_set;

use generalisation_set::{load_set, misses, score, sets_root, Report, SETS};
use replylint::{Linter, RuleSet};

struct Options {
    sets: Vec<&'static str>,
    markdown: bool,
    misses: bool,
    rules: Option<std::path::PathBuf>,
    lang: Option<String>,
    themes: Vec<String>,
}

const USAGE: &str = "usage: generalisation [--set dev|holdout|all] [--markdown] [--misses] [--rules DIR] [--lang PREFIX] [--theme T,T]";

fn options() -> Result<Options, String> {
    let mut options = Options {
        sets: vec!["dev"],
        markdown: false,
        misses: false,
        rules: None,
        lang: None,
        themes: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--set" => {
                let value = args.next().ok_or("--set needs a value")?;
                options.sets = match value.as_str() {
                    "all" => SETS.to_vec(),
                    name => match SETS.iter().find(|set| **set == name) {
                        Some(set) => vec![*set],
                        None => return Err(format!("unknown set {name:?}")),
                    },
                };
            }
            "--markdown" => options.markdown = true,
            "--misses" => options.misses = true,
            "--rules" => {
                options.rules = Some(args.next().ok_or("--rules needs a directory")?.into())
            }
            "--theme" => {
                let value = args.next().ok_or("--theme needs a list of themes")?;
                options.themes = value.split(',').map(str::to_string).collect();
            }
            "--lang" => options.lang = Some(args.next().ok_or("--lang needs a prefix")?),
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(options)
}

fn main() {
    let options = options().unwrap_or_else(|message| {
        eprintln!("generalisation: {message}\n{USAGE}");
        std::process::exit(2);
    });
    let linter = match &options.rules {
        None => Linter::builtin(),
        Some(dir) => {
            let mut rules = RuleSet::default();
            rules.add_dir(dir).map(|()| Linter::new(rules))
        }
    }
    .unwrap_or_else(|error| {
        eprintln!("generalisation: the packs do not load: {error}");
        std::process::exit(2);
    });
    let root = sets_root();
    let mut reported = 0;
    for set in &options.sets {
        let cases = match load_set(&root, set) {
            Ok(Some(mut cases)) => {
                if let Some(prefix) = &options.lang {
                    cases.retain(|case| case.lang.as_str().starts_with(prefix.as_str()));
                }
                if !options.themes.is_empty() {
                    cases.retain(|case| {
                        options
                            .themes
                            .iter()
                            .any(|theme| theme == case.theme.as_str())
                    });
                }
                cases
            }
            Ok(None) => {
                eprintln!(
                    "generalisation: skipping the {set} set: {} does not exist",
                    root.join(set).display()
                );
                continue;
            }
            Err(problems) => {
                for problem in problems {
                    eprintln!("{problem}");
                }
                eprintln!("generalisation: the {set} set is not well-formed");
                std::process::exit(2);
            }
        };
        let outcomes = score(&linter, &cases);
        let title = format!("Built-in rules on the {set} set ({} drafts)", cases.len());
        print!(
            "{}",
            Report::new(&outcomes).render(&title, options.markdown)
        );
        if options.misses {
            let listed = misses(&outcomes);
            if options.markdown {
                println!("<details><summary>{set}: misses and false positives</summary>\n\n```text\n{listed}```\n\n</details>\n");
            } else {
                println!("{set}: misses and false positives:\n{listed}");
            }
        }
        reported += 1;
    }
    if reported == 0 {
        eprintln!("generalisation: no set to report");
        std::process::exit(2);
    }
}
