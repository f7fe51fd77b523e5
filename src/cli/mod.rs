//! Command-line interface: flag definitions and dispatch.

mod check;
mod emit;
mod generate;
mod output;
mod rules_cmd;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use replylint::{RuleSet, Severity};

/// Exit codes, as documented in the README.
pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

#[derive(Parser)]
#[command(
    name = "replylint",
    version,
    about = "A linter for the phrasing of customer-service replies",
    long_about = "A linter for the phrasing of customer-service replies.\n\n\
        replylint checks drafts and canned responses against \"say this, not that\" rules \
        and prints each finding with its place, the reason and the suggested rewrite.\n\n\
        Exit status: 0 when nothing at or above --fail-on was found, 1 when something was, \
        2 on usage, rule-file or input errors."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check drafts: files, directories (recursively) or standard input.
    Check(CheckArgs),
    /// Inspect and test rule packs.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Explain a rule: what it flags, why, examples, rewrite, fix safety and source.
    Explain {
        /// The rule's id, e.g. zh.command.you-must.
        rule: String,
        #[command(flatten)]
        rules: RuleSources,
    },
    /// Print a shell completion script (e.g. `replylint completions bash > replylint.bash`).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page, or write one page per command into a folder.
    Man {
        /// Write replylint.1, replylint-check.1, … into DIR instead of printing replylint.1.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum RulesCommand {
    /// List the rules in effect.
    List {
        /// Only rules of this language (zh, en, lv, …).
        #[arg(long = "lang", value_name = "LANG")]
        language: Option<String>,
        /// Only rules of this category.
        #[arg(long, value_name = "CATEGORY")]
        category: Option<String>,
        #[command(flatten)]
        rules: RuleSources,
    },
    /// Run every rule's own bad/good examples.
    Test {
        /// Pack directories or files to test; the built-in packs when none are given.
        #[arg(value_name = "DIR")]
        dirs: Vec<PathBuf>,
    },
}

/// Which rule packs to load.
#[derive(Args, Clone)]
pub struct RuleSources {
    /// Load the rule packs (*.yaml) in DIR as well; repeatable.
    #[arg(long = "rules", value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Do not load the built-in packs.
    #[arg(long)]
    pub no_builtin: bool,
}

#[derive(Args)]
pub struct CheckArgs {
    /// Files or directories to check; `-` or nothing reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE (replaced whole, never left half-written) and print only the
    /// summary to the terminal.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Print how many findings each rule and category had, most first (JSON with
    /// --format json); instead of the findings, unless --output-file takes the report.
    #[arg(long)]
    pub statistics: bool,
    #[command(flatten)]
    pub rules: RuleSources,
    /// Do not report findings below this severity.
    #[arg(long, value_name = "LEVEL", default_value = "hint", value_parser = parse_severity)]
    pub min_severity: Severity,
    /// Exit with status 1 when a finding at or above this severity is reported.
    #[arg(long, value_name = "LEVEL", default_value = "warning", value_parser = parse_severity)]
    pub fail_on: Severity,
    /// When to use colours (NO_COLOR is respected with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// The name to report for standard input.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub stdin_filename: String,
    /// Worker threads for checking many files (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Apply safe fixes in place and report what remains; with standard input, print the fixed
    /// draft to stdout and the findings to stderr.
    #[arg(long, help_heading = "Fixing")]
    pub fix: bool,
    /// Apply unsafe fixes too (they change meaning or register); needs --fix or --diff.
    #[arg(long, help_heading = "Fixing")]
    pub unsafe_fixes: bool,
    /// Print a unified diff of what --fix would change, and write nothing.
    #[arg(long, help_heading = "Fixing")]
    pub diff: bool,
    /// Also treat text matching REGEX as a placeholder: never reported, never changed;
    /// repeatable.
    #[arg(long = "placeholder", value_name = "REGEX", help_heading = "Fixing")]
    pub placeholders: Vec<String>,
    /// Do not protect the built-in placeholder syntaxes ({{name}}, {0}, %s, ${var}, [数字x], …).
    #[arg(long, help_heading = "Fixing")]
    pub no_default_placeholders: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Annotated source with underlines and rewrites.
    Human,
    /// path:line:column: severity rule-id: message → rewrite
    Line,
    /// A JSON array of diagnostic objects (see docs/json-output.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers (see docs/ci.md).
    Sarif,
    /// GitHub Actions workflow commands: annotations on the changed files.
    Github,
    /// GitLab Code Quality JSON, for merge-request widgets.
    Gitlab,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    text.parse()
}

pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            };
            let _ = error.print();
            return code;
        }
    };
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Rules(RulesCommand::List {
            language,
            category,
            rules,
        }) => rules_cmd::list(&rules, language.as_deref(), category.as_deref()),
        Command::Rules(RulesCommand::Test { dirs }) => rules_cmd::test(&dirs),
        Command::Explain { rule, rules } => rules_cmd::explain(&rules, &rule),
        Command::Completions { shell } => generate::completions(shell),
        Command::Man { dir } => generate::man(dir.as_deref()),
    }
}

/// Loads the rule packs a command asked for, or prints why not.
pub fn load_rules(sources: &RuleSources, messages: &output::Messages) -> Result<RuleSet, i32> {
    let mut set = if sources.no_builtin {
        RuleSet::default()
    } else {
        RuleSet::builtin().map_err(|error| messages.rule_error(&error))?
    };
    for dir in &sources.dirs {
        set.add_dir(dir)
            .map_err(|error| messages.rule_error(&error))?;
    }
    Ok(set)
}
