//! Command-line interface: flag definitions and dispatch.

mod check;
mod config_cmd;
mod emit;
mod generate;
mod grade;
mod jsonl;
mod output;
mod rules_cmd;
#[cfg(feature = "server")]
mod server_cmd;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::sync::Arc;

use replylint::source::formats::select::MarkdownCode;
use replylint::source::{DecodeOptions, EncodingChoice, Format as InputFormat, KeyPath, Selection};
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
    Check(Box<CheckArgs>),
    /// Grade practice replies against a rubric: moves credited, lint findings deducted, a
    /// 0–100 score per reply and a class report (see docs/grading.md).
    Grade(Box<grade::GradeArgs>),
    /// Inspect and test rule packs.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Show the effective settings for a path and where each came from.
    Config {
        /// The file or directory whose settings to show (default: the working directory).
        #[arg(value_name = "PATH")]
        path: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = ConfigFormat::Human)]
        format: ConfigFormat,
        #[command(flatten)]
        config: ConfigArgs,
        #[command(flatten)]
        structured: InputArgs,
        #[command(flatten)]
        rules: RuleSources,
    },
    /// Explain a rule: what it flags, why, examples, rewrite, fix safety and source.
    Explain {
        /// The rule's id, e.g. zh.command.you-must.
        rule: String,
        #[command(flatten)]
        rules: RuleSources,
    },
    /// Serve the MCP tools check_reply, fix_reply, explain_rule and list_rules over stdio, for
    /// AI agents (see docs/agents.md).
    #[cfg(feature = "server")]
    Mcp(ServerArgs),
    /// Serve the HTTP API and the playground page (see docs/agents.md). No authentication is
    /// built in: keep it on loopback or behind a proxy that adds it.
    #[cfg(feature = "server")]
    Serve(ServeArgs),
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

/// What every server is configured with: the rules and filters `check` takes.
#[derive(Args, Clone)]
pub struct ServerArgs {
    #[command(flatten)]
    pub rules: RuleSources,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Do not report findings below this severity [default: hint].
    #[arg(long, value_name = "LEVEL", value_parser = parse_severity)]
    pub min_severity: Option<Severity>,
    /// Also treat text matching REGEX as a placeholder: never reported, never changed;
    /// repeatable.
    #[arg(long = "placeholder", value_name = "REGEX")]
    pub placeholders: Vec<String>,
    /// Do not protect the built-in placeholder syntaxes.
    #[arg(long)]
    pub no_default_placeholders: bool,
}

/// `replylint serve` flags.
#[derive(Args, Clone)]
pub struct ServeArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    /// Address to listen on; loopback unless told otherwise.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Largest request body accepted, in bytes (larger ones get 413).
    #[arg(long, value_name = "BYTES", default_value_t = 2 * 1024 * 1024)]
    pub max_body: usize,
    /// Per-request time limit in milliseconds (slower requests get 503).
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub timeout_ms: u64,
    /// Requests handled at once; further ones wait.
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub max_concurrency: usize,
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
    /// Run every rule's own bad/good examples, and every rubric's examples.
    Test {
        /// Pack directories or files to test (rubrics: `*.rubric.yaml`); the built-in packs and
        /// rubrics when none are given.
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

/// What to lint in structured files: the flags of the config file's `[input.*]` tables.
#[derive(Args, Clone, Default)]
pub struct InputArgs {
    /// In JSON and YAML, lint only the string values at PATH (`macros[].actions[].value`,
    /// `**.body`); repeatable; replaces the config's [input.json] and [input.yaml] keys.
    /// Default: every value that looks like prose.
    #[arg(long = "keys", value_name = "PATH", value_parser = parse_key_path, help_heading = "Structured inputs")]
    pub keys: Vec<KeyPath>,
    /// In CSV and TSV, lint only the column with header NAME; repeatable; replaces the config's
    /// [input.csv] columns. Default: columns named content, body, reply, text, message,
    /// description, response or answer (or *_html).
    #[arg(
        long = "columns",
        value_name = "NAME",
        help_heading = "Structured inputs"
    )]
    pub columns: Vec<String>,
}

impl InputArgs {
    /// Puts the flags where the profile of each config file picks them up.
    pub fn apply(&self, overrides: &mut replylint::config::Overrides) {
        overrides.keys = self.keys.clone();
        overrides.columns = self.columns.clone();
    }
}

/// Config file discovery and the settings every config file has, as flags (flags win).
#[derive(Args, Clone, Default)]
pub struct ConfigArgs {
    /// Use this config file for every input instead of the nearest replylint.toml.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "isolated",
        help_heading = "Configuration"
    )]
    pub config: Option<PathBuf>,
    /// Ignore every config file.
    #[arg(long, help_heading = "Configuration")]
    pub isolated: bool,
    /// Only these built-in packs, by language or pack name (comma-separated).
    #[arg(
        long,
        value_name = "PACK",
        value_delimiter = ',',
        help_heading = "Configuration"
    )]
    pub packs: Option<Vec<String>>,
    /// Only these rules: ids, id prefixes (en.command) or category:NAME (comma-separated).
    #[arg(
        long,
        value_name = "RULE",
        value_delimiter = ',',
        help_heading = "Configuration"
    )]
    pub select: Option<Vec<String>>,
    /// Rules to add to the selection (comma-separated).
    #[arg(
        long,
        value_name = "RULE",
        value_delimiter = ',',
        help_heading = "Configuration"
    )]
    pub extend_select: Vec<String>,
    /// Rules not to report (comma-separated).
    #[arg(
        long,
        value_name = "RULE",
        value_delimiter = ',',
        help_heading = "Configuration"
    )]
    pub ignore: Vec<String>,
    /// Override a severity: SELECTOR=LEVEL, e.g. category:blame=error; repeatable.
    #[arg(long, value_name = "RULE=LEVEL", value_parser = parse_severity_override, help_heading = "Configuration")]
    pub severity: Vec<(String, Severity)>,
    /// Rules not to report in files matching a glob: GLOB:RULE[,RULE…]; repeatable.
    #[arg(long, value_name = "GLOB:RULES", value_parser = parse_per_file_ignore, help_heading = "Configuration")]
    pub per_file_ignores: Vec<(String, Vec<String>)>,
    /// The JSON field or CSV column that lists rules to ignore for its record
    /// [default: replylint_ignore].
    #[arg(long, value_name = "NAME", help_heading = "Configuration")]
    pub ignore_field: Option<String>,
}

fn parse_per_file_ignore(text: &str) -> Result<(String, Vec<String>), String> {
    // The first colon ends the glob: selectors such as `category:blame` have colons of their own.
    let (glob, rules) = text
        .split_once(':')
        .ok_or_else(|| format!("`{text}` is not GLOB:RULE[,RULE…]"))?;
    let rules: Vec<String> = rules
        .split(',')
        .map(str::trim)
        .filter(|rule| !rule.is_empty())
        .map(str::to_string)
        .collect();
    if rules.is_empty() {
        return Err(format!("`{text}` names no rule after the colon"));
    }
    Ok((glob.to_string(), rules))
}

fn parse_severity_override(text: &str) -> Result<(String, Severity), String> {
    let (selector, level) = text
        .rsplit_once('=')
        .ok_or_else(|| format!("`{text}` is not SELECTOR=LEVEL"))?;
    Ok((selector.trim().to_string(), level.trim().parse()?))
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
    /// Do not report findings below this severity [default: hint].
    #[arg(long, value_name = "LEVEL", value_parser = parse_severity)]
    pub min_severity: Option<Severity>,
    /// Exit with status 1 when a finding at or above this severity is reported [default:
    /// warning].
    #[arg(long, value_name = "LEVEL", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Report (and fail on) only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE", help_heading = "Adopting")]
    pub baseline: Option<PathBuf>,
    /// Record every current finding in FILE (sorted JSON) and exit 0.
    #[arg(long, value_name = "FILE", help_heading = "Adopting")]
    pub write_baseline: Option<PathBuf>,
    /// Write `replylint-disable-next-line` comments above current findings, in formats with
    /// comments (Markdown, HTML, YAML).
    #[arg(long, help_heading = "Adopting", conflicts_with_all = ["fix", "diff"])]
    pub add_suppressions: bool,
    /// When to use colours (NO_COLOR is respected with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Read every input as FORMAT instead of going by its extension (standard input is plain
    /// text unless --stdin-filename has an extension or this is given).
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    pub input_format: Option<InputFormat>,
    /// The encoding of inputs without a byte-order mark: auto (UTF-8), or a name such as gbk,
    /// gb18030, big5, utf-16le; see docs/inputs.md.
    #[arg(long, value_name = "NAME", default_value = "auto", value_parser = parse_encoding)]
    pub encoding: EncodingChoice,
    #[command(flatten)]
    pub structured: InputArgs,
    /// Markdown fenced code blocks: skip, prose, or auto (lint fences with no language or
    /// text/markdown, skip those in a programming language).
    #[arg(long, value_name = "MODE", default_value = "auto", value_parser = parse_markdown_code, help_heading = "Structured inputs")]
    pub markdown_code: MarkdownCode,
    /// When walking directories, check only files matching GLOB (`*.md`, `replies/**`);
    /// repeatable. Files named on the command line are always checked.
    #[arg(long = "include", value_name = "GLOB")]
    pub include: Vec<String>,
    /// When walking directories, skip files and folders matching GLOB; repeatable.
    #[arg(long = "exclude", value_name = "GLOB")]
    pub exclude: Vec<String>,
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
    /// Read JSON Lines (standard input or the files given) and write one result line per input
    /// line, in order: {"line","id","findings"} or {"line","id","error"} (see docs/spark.md).
    /// Exits 0 whatever was found; 2 only when input or output fails.
    #[arg(long, help_heading = "Streaming", conflicts_with_all = ["fix", "diff", "unsafe_fixes"])]
    pub jsonl: bool,
    /// With --jsonl: the field holding a record's id (dotted path; echoed as is).
    #[arg(
        long,
        value_name = "PATH",
        default_value = "id",
        help_heading = "Streaming",
        requires = "jsonl"
    )]
    pub id_field: String,
    /// With --jsonl: the field holding the text to check (dotted path, e.g. reply.body).
    #[arg(
        long,
        value_name = "PATH",
        default_value = "text",
        help_heading = "Streaming",
        requires = "jsonl"
    )]
    pub text_field: String,
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
pub enum ConfigFormat {
    Human,
    Json,
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

fn parse_format(text: &str) -> Result<InputFormat, String> {
    text.parse()
}

fn parse_key_path(text: &str) -> Result<KeyPath, String> {
    text.parse()
}

fn parse_markdown_code(text: &str) -> Result<MarkdownCode, String> {
    text.parse()
}

pub(crate) fn parse_encoding(text: &str) -> Result<EncodingChoice, String> {
    text.parse()
}

impl CheckArgs {
    /// Which files a directory walk takes.
    pub fn walk_filters(&self) -> replylint::inputs::WalkFilters {
        replylint::inputs::WalkFilters {
            include: self.include.clone(),
            exclude: self.exclude.clone(),
        }
    }

    /// How to read each input.
    pub fn read_options(&self) -> DecodeOptions {
        DecodeOptions {
            encoding: self.encoding,
            format: self.input_format,
            // Keys and columns reach the extractors through each input's profile, where they
            // replace the config file's `[input.*]` (see `InputArgs::apply`).
            selection: Arc::new(Selection {
                markdown_code: self.markdown_code,
                ..Selection::default()
            }),
        }
    }
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
        Command::Grade(args) => grade::run(&args),
        Command::Rules(RulesCommand::List {
            language,
            category,
            rules,
        }) => rules_cmd::list(&rules, language.as_deref(), category.as_deref()),
        Command::Rules(RulesCommand::Test { dirs }) => rules_cmd::test(&dirs),
        Command::Explain { rule, rules } => rules_cmd::explain(&rules, &rule),
        Command::Config {
            path,
            format,
            config,
            structured,
            rules,
        } => config_cmd::show(path.as_deref(), format, &config, &structured, &rules),
        #[cfg(feature = "server")]
        Command::Mcp(args) => server_cmd::mcp(&args),
        #[cfg(feature = "server")]
        Command::Serve(args) => server_cmd::serve(&args),
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

impl ConfigArgs {
    /// How config files are found.
    pub fn discovery(&self) -> replylint::session::Discovery {
        use replylint::session::Discovery;
        match (&self.config, self.isolated) {
            (Some(path), _) => Discovery::File(path.clone()),
            (None, true) => Discovery::Isolated,
            (None, false) => Discovery::Nearest,
        }
    }

    /// The flags that win over config files.
    pub fn overrides(&self, rules: &RuleSources) -> replylint::config::Overrides {
        replylint::config::Overrides {
            packs: self.packs.clone(),
            no_builtin: rules.no_builtin,
            rules: rules.dirs.clone(),
            select: self.select.clone(),
            extend_select: self.extend_select.clone(),
            ignore: self.ignore.clone(),
            severity: self.severity.clone(),
            per_file_ignores: self.per_file_ignores.clone(),
            ignore_field: self.ignore_field.clone(),
            ..replylint::config::Overrides::default()
        }
    }
}
