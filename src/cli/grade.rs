//! `replylint grade`: flags become read options and a [`Grader`]; the library grades, a renderer
//! prints, and `--report` files are written whole or not at all.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use termcolor::{Buffer, WriteColor};

use replylint::grade::replies::{read_replies, ReadOptions, RecordFields};
use replylint::grade::report::{self, num};
use replylint::grade::{load_rubric, Grader, PathPattern, Rubric, RubricError};
use replylint::session::{Session, Settings};
use replylint::source::EncodingChoice;

use super::output::{self, Messages, Stream};
use super::{ColorChoice, ConfigArgs, RuleSources, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

#[derive(Args)]
pub struct GradeArgs {
    /// Reply files or directories of them (trainee and scenario from the path), CSV/TSV or
    /// JSON Lines files of replies, or `-`/nothing for one reply on standard input.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Grade with this rubric (YAML, see docs/grading.md) before the built-in ones; repeatable.
    /// A rubric with `scenarios:` is used for those scenarios only.
    #[arg(long = "rubric", value_name = "FILE")]
    pub rubrics: Vec<PathBuf>,
    /// What to print: every reply annotated (human), a JSON array, or a CSV table. With
    /// --report and no --format, only a summary line is printed.
    #[arg(long, value_enum)]
    pub format: Option<GradeFormat>,
    /// Write the class report to FILE: HTML for `.html`/`.htm`, Markdown for `.md`;
    /// repeatable.
    #[arg(long = "report", value_name = "FILE")]
    pub reports: Vec<PathBuf>,
    /// The class report's title.
    #[arg(long, value_name = "TEXT", default_value = "Class report")]
    pub title: String,
    /// Which path components of a reply file are its trainee, scenario and session.
    #[arg(long, value_name = "PATTERN", default_value = "{trainee}/{scenario}")]
    pub path_pattern: PathPattern,
    /// The CSV column or JSON field (dotted path) with the trainee.
    #[arg(long, value_name = "NAME", default_value = "trainee")]
    pub trainee_field: String,
    /// The CSV column or JSON field with the scenario.
    #[arg(long, value_name = "NAME", default_value = "scenario")]
    pub scenario_field: String,
    /// The CSV column or JSON field with the reply text.
    #[arg(long, value_name = "NAME", default_value = "reply")]
    pub reply_field: String,
    /// The language of every reply (zh, en, lv); by default each reply's is detected, or
    /// taken from a record's `lang` field.
    #[arg(long = "lang", value_name = "LANG")]
    pub language: Option<String>,
    /// The trainee of a reply on standard input.
    #[arg(long, value_name = "NAME", default_value = "")]
    pub trainee: String,
    /// The scenario of a reply on standard input.
    #[arg(long, value_name = "NAME", default_value = "")]
    pub scenario: String,
    /// Exit with status 1 when a reply scores below SCORE.
    #[arg(long, value_name = "SCORE")]
    pub fail_under: Option<f64>,
    #[command(flatten)]
    pub rules: RuleSources,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// When to use colours (NO_COLOR is respected with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// The name to report for standard input.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub stdin_filename: String,
    /// The encoding of inputs without a byte-order mark (see docs/inputs.md).
    #[arg(long, value_name = "NAME", default_value = "auto", value_parser = super::parse_encoding)]
    pub encoding: EncodingChoice,
    /// When walking directories, grade only files matching GLOB; repeatable.
    #[arg(long = "include", value_name = "GLOB")]
    pub include: Vec<String>,
    /// When walking directories, skip files and folders matching GLOB; repeatable.
    #[arg(long = "exclude", value_name = "GLOB")]
    pub exclude: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GradeFormat {
    /// Each reply with its score, credited moves, deductions and missing moves.
    Human,
    /// A JSON array, one object per reply (see docs/grading.md).
    Json,
    /// One row per reply: trainee, scenario, score, each move 0/1, deductions.
    Csv,
}

enum ReportKind {
    Html,
    Markdown,
}

fn report_kind(path: &Path) -> Option<ReportKind> {
    match path
        .extension()
        .and_then(|ext| ext.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("html" | "htm") => Some(ReportKind::Html),
        Some("md" | "markdown") => Some(ReportKind::Markdown),
        _ => None,
    }
}

fn rubric_error(messages: &Messages, error: &RubricError) -> i32 {
    messages.file_error(
        &error.origin,
        &error.text,
        error.span.clone(),
        &error.message(),
    )
}

pub fn run(args: &GradeArgs) -> i32 {
    let messages = Messages::new(args.format == Some(GradeFormat::Json));
    for path in &args.reports {
        if report_kind(path).is_none() {
            messages.error(
                &path.display().to_string(),
                "--report needs a file ending in .html or .md",
            );
            return EXIT_ERROR;
        }
    }
    let flags = args.config.overrides(&args.rules);
    let settings = Settings {
        stdin_name: args.stdin_filename.clone(),
        ..Settings::default()
    };
    let session = match Session::configured(args.config.discovery(), flags, settings) {
        Ok(session) => session,
        Err(error) => return messages.profile_error(&error),
    };
    let profile = match session.default_profile() {
        Ok(profile) => profile,
        Err(error) => return messages.profile_error(&error),
    };
    let mut rubrics: Vec<Rubric> = Vec::new();
    for path in &args.rubrics {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) => {
                messages.error(
                    &path.display().to_string(),
                    &format!("cannot read rubric: {error}"),
                );
                return EXIT_ERROR;
            }
        };
        match load_rubric(&text, &path.display().to_string()) {
            Ok(rubric) => rubrics.push(rubric),
            Err(error) => return rubric_error(&messages, &error),
        }
    }
    let grader = match Grader::new(rubrics, profile.linter.rules()) {
        Ok(grader) => grader,
        Err(error) => return rubric_error(&messages, &error),
    };

    let decode = replylint::source::DecodeOptions {
        encoding: args.encoding,
        ..Default::default()
    };
    let options = ReadOptions {
        pattern: args.path_pattern.clone(),
        fields: RecordFields {
            trainee: args.trainee_field.clone(),
            scenario: args.scenario_field.clone(),
            reply: args.reply_field.clone(),
            ..RecordFields::default()
        },
        decode,
        walk: replylint::inputs::WalkFilters {
            include: args.include.clone(),
            exclude: args.exclude.clone(),
        },
        stdin_name: args.stdin_filename.clone(),
        stdin_trainee: args.trainee.clone(),
        stdin_scenario: args.scenario.clone(),
    };
    let (mut replies, problems) = read_replies(&args.inputs, &options);
    let mut failed = !problems.is_empty();
    for problem in &problems {
        messages.error("grade", &problem.to_string());
    }
    if let Some(language) = &args.language {
        for reply in &mut replies {
            reply.language = Some(language.clone());
        }
    }
    let mut graded = Vec::with_capacity(replies.len());
    for reply in &replies {
        match grader.grade(&session, reply) {
            Ok(result) => graded.push(result),
            Err(error) => {
                messages.error(&reply.name, &error.to_string());
                failed = true;
            }
        }
    }

    for path in &args.reports {
        let text = match report_kind(path) {
            Some(ReportKind::Html) => report::html::render(&graded, &args.title),
            _ => report::markdown::render(&graded, &args.title),
        };
        let written = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| super::generate::write_atomically(path, text.as_bytes()));
        if let Err(error) = written {
            messages.error(
                &path.display().to_string(),
                &format!("cannot write report: {error}"),
            );
            return EXIT_ERROR;
        }
    }

    let mut stdout = std::io::stdout().lock();
    let printed = match (args.format, args.reports.is_empty()) {
        (Some(GradeFormat::Json), _) => stdout.write_all(report::json::render(&graded).as_bytes()),
        (Some(GradeFormat::Csv), _) => stdout.write_all(report::csv::render(&graded).as_bytes()),
        (Some(GradeFormat::Human), _) | (None, true) => {
            let color = output::use_color(args.color, Stream::Stdout);
            let mut buffer = if color {
                Buffer::ansi()
            } else {
                Buffer::no_color()
            };
            let mut result = Ok(());
            for g in &graded {
                result = result.and_then(|()| report::terminal::render(&mut buffer, g));
            }
            result
                .and_then(|()| report::terminal::summary(&mut buffer, &graded))
                .and_then(|()| {
                    buffer.reset()?;
                    stdout.write_all(buffer.as_slice())
                })
        }
        (None, false) => report::terminal::summary(&mut stdout, &graded).and_then(|()| {
            for path in &args.reports {
                writeln!(stdout, "wrote {}", path.display())?;
            }
            Ok(())
        }),
    };
    if let Err(error) = printed.and_then(|()| stdout.flush()) {
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            messages.error("stdout", &error.to_string());
            return EXIT_ERROR;
        }
    }
    if failed {
        return EXIT_ERROR;
    }
    match args.fail_under {
        Some(threshold) if graded.iter().any(|g| g.score < threshold) => {
            let below = graded.iter().filter(|g| g.score < threshold).count();
            messages.error(
                "--fail-under",
                &format!("{below} replies scored below {}", num(threshold)),
            );
            EXIT_FINDINGS
        }
        _ => EXIT_CLEAN,
    }
}

/// `rules test` for rubric files: their examples and suggestions.
pub fn test_rubrics(paths: &[PathBuf], with_builtin: bool) -> Result<(usize, Vec<String>), i32> {
    let messages = Messages::new(false);
    let session = Session::new(
        match replylint::Linter::builtin() {
            Ok(linter) => linter,
            Err(error) => return Err(messages.rule_error(&error)),
        },
        Settings::default(),
    );
    let mut rubrics = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(path).map_err(|error| {
            messages.error(
                &path.display().to_string(),
                &format!("cannot read rubric: {error}"),
            );
            EXIT_ERROR
        })?;
        rubrics.push(
            load_rubric(&text, &path.display().to_string())
                .map_err(|error| rubric_error(&messages, &error))?,
        );
    }
    let own = rubrics.len();
    let rules = match session.default_profile() {
        Ok(profile) => profile,
        Err(error) => return Err(messages.profile_error(&error)),
    };
    let grader = Grader::new(rubrics, rules.linter.rules())
        .map_err(|error| rubric_error(&messages, &error))?;
    let mut examples = 0;
    let mut failures = Vec::new();
    let tested = if with_builtin {
        grader.rubrics().len()
    } else {
        own
    };
    for rubric in grader.rubrics().iter().take(tested) {
        let test = grader.test_rubric(&session, rubric).map_err(|error| {
            messages.error("rules test", &error.to_string());
            EXIT_ERROR
        })?;
        examples += test.examples;
        failures.extend(test.failures);
    }
    Ok((examples, failures))
}
