//! Writing to the terminal: the one colour decision, and messages about inputs and rules.
//!
//! With `--format json` every message on standard error is a JSON object on its own line (JSON
//! Lines), so a program can parse everything it is given; the shapes are in
//! docs/json-output.md.

use std::io::{IsTerminal, Write};
use std::ops::Range;

use serde::Serialize;
use termcolor::{ColorChoice as TermColor, StandardStream};

use super::{ColorChoice, EXIT_ERROR};
use replylint::config::ProfileError;
use replylint::report::human;
use replylint::session::{FixTally, Problem, ProblemError};
use replylint::RuleError;

/// Where a report goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Whether to colour output to `stream`: `--color`, then `NO_COLOR`, then whether it is a
/// terminal.
pub fn use_color(choice: ColorChoice, stream: Stream) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                && match stream {
                    Stream::Stdout => std::io::stdout().is_terminal(),
                    Stream::Stderr => std::io::stderr().is_terminal(),
                }
        }
    }
}

/// A message on standard error in JSON mode.
#[derive(Serialize)]
struct JsonMessage<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonFixSummary<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    dry_run: bool,
    #[serde(flatten)]
    tally: &'a FixTally,
    message: &'a str,
}

/// Messages to standard error, plain or as JSON Lines.
#[derive(Debug, Clone, Copy)]
pub struct Messages {
    json: bool,
}

impl Messages {
    pub fn new(json: bool) -> Messages {
        Messages { json }
    }

    fn emit(&self, kind: &str, name: &str, position: Option<(usize, usize)>, message: &str) {
        let mut stderr = std::io::stderr().lock();
        if self.json {
            let object = JsonMessage {
                kind,
                path: name,
                line: position.map(|(line, _)| line),
                column: position.map(|(_, column)| column),
                message,
            };
            if let Ok(line) = serde_json::to_string(&object) {
                let _ = writeln!(stderr, "{line}");
            }
        } else {
            let _ = writeln!(stderr, "{kind}: {name}: {message}");
        }
    }

    /// An error about one input or flag, in the `path: message` shape tools expect.
    pub fn error(&self, name: &str, message: &str) {
        self.emit("error", name, None, message);
    }

    /// A note about the run.
    pub fn note(&self, name: &str, message: &str) {
        self.emit("note", name, None, message);
    }

    /// A config or rule problem that stops the run; returns the exit code for it.
    pub fn profile_error(&self, error: &ProfileError) -> i32 {
        match error {
            ProfileError::Config(error) => self.file_error(
                &error.origin,
                &error.text,
                error.span.clone(),
                &error.message,
            ),
            ProfileError::Rules(error) => self.rule_error(error),
            ProfileError::Usage { flag, message } => {
                self.error(flag, message);
                EXIT_ERROR
            }
        }
    }

    /// A problem an input had.
    pub fn problem(&self, problem: &Problem) {
        if let Problem::Error {
            error: ProblemError::Profile(error),
            ..
        } = problem
        {
            self.profile_error(error);
            return;
        }
        let kind = if problem.is_error() { "error" } else { "note" };
        self.emit(kind, problem.name(), None, &problem.message());
    }

    /// The summary of a fix run.
    pub fn fix_summary(&self, tally: &FixTally, dry_run: bool) -> std::io::Result<()> {
        let message = tally.summary(dry_run);
        let mut stderr = std::io::stderr().lock();
        if self.json {
            let object = JsonFixSummary {
                kind: "fix-summary",
                dry_run,
                tally,
                message: &message,
            };
            let line = serde_json::to_string(&object).map_err(std::io::Error::other)?;
            writeln!(stderr, "{line}")
        } else {
            writeln!(stderr, "{message}")
        }
    }

    /// A rule-file error with its context; returns the exit code for it.
    pub fn rule_error(&self, error: &RuleError) -> i32 {
        self.file_error(
            &error.origin,
            &error.text,
            error.span.clone(),
            &error.message(),
        )
    }

    /// An error in a file of the user's (a rule pack, a config file), shown with its context;
    /// returns the exit code for it.
    pub fn file_error(&self, origin: &str, text: &str, span: Range<usize>, message: &str) -> i32 {
        if self.json {
            let (line, column) = replylint::source::line_column(text, span.start);
            let position = (!text.is_empty()).then_some((line, column));
            self.emit("error", origin, position, message);
            return EXIT_ERROR;
        }
        let color = use_color(ColorChoice::Auto, Stream::Stderr);
        let mut stream = StandardStream::stderr(if color {
            TermColor::Auto
        } else {
            TermColor::Never
        });
        if human::render_file_error(&mut stream, origin, text, span, message).is_err() {
            eprintln!("error: {origin}: {message}");
        }
        EXIT_ERROR
    }
}
