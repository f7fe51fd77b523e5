//! Writing to the terminal: colour decisions and error reports.

use std::io::{IsTerminal, Write};

use termcolor::{Buffer, ColorChoice as TermColor, StandardStream};

use super::{ColorChoice, EXIT_ERROR};
use replylint::render::human;
use replylint::RuleError;

/// Whether output to stdout should be coloured.
pub fn stdout_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

pub fn buffer(color: bool) -> Buffer {
    if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    }
}

fn stderr_stream() -> StandardStream {
    let color = std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
        && std::io::stderr().is_terminal();
    StandardStream::stderr(if color {
        TermColor::Auto
    } else {
        TermColor::Never
    })
}

/// Prints a rule-file error with its context; returns the exit code for it.
pub fn rule_error(error: &RuleError) -> i32 {
    let mut stream = stderr_stream();
    if human::render_rule_error(&mut stream, error).is_err() {
        eprintln!("error: {error}");
    }
    EXIT_ERROR
}

/// An error about one input, printed in the `path: message` shape tools expect.
pub fn input_error(name: &str, message: &str) {
    let _ = writeln!(std::io::stderr(), "error: {name}: {message}");
}

/// A note about an input that was passed over on purpose.
pub fn input_note(name: &str, message: &str) {
    let _ = writeln!(std::io::stderr(), "note: {name}: {message}");
}
