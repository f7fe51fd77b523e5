//! `replylint check`, with `--fix` and `--diff`.

use std::collections::HashSet;
use std::io::{IsTerminal, Write};

use rayon::prelude::*;
use replylint::fix::{self, FixLevel, FixOptions, FixOutcome};
use replylint::render::{self, human, json, Tally};
use replylint::rules::FixSafety;
use replylint::{Diagnostic, Linter, Placeholders, Source};

use super::inputs::{self, Input, Loaded};
use super::{output, CheckArgs, ColorChoice, Format, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Check,
    Fix(FixLevel),
    Diff(FixLevel),
}

/// What checking one input produced, rendered and ready to print in input order.
struct Outcome {
    rendered: Vec<u8>,
    diagnostics: Option<Vec<Diagnostic>>,
    json: Vec<String>,
    problems: Vec<Problem>,
    fixed: Option<Fixed>,
}

enum Problem {
    Note(String, String),
    Error(String, String),
}

/// What fixing one input did.
struct Fixed {
    outcome: FixOutcome,
    /// The fixed draft (standard input with `--fix`) or the diff (`--diff`), for stdout.
    stdout: Vec<u8>,
}

/// Counts across inputs for the fix summary.
#[derive(Default)]
struct FixTally {
    safe: usize,
    unsafe_: usize,
    files_changed: usize,
    remaining: usize,
    need_a_human: usize,
    unsafe_available: usize,
}

impl FixTally {
    fn add(&mut self, outcome: &FixOutcome) {
        self.safe += outcome.applied_with(FixSafety::Safe);
        self.unsafe_ += outcome.applied_with(FixSafety::Unsafe);
        self.files_changed += usize::from(outcome.changed());
        self.remaining += outcome.remaining.len();
        self.need_a_human += outcome.need_a_human();
        self.unsafe_available += outcome
            .remaining
            .iter()
            .filter(|d| {
                d.fix
                    .as_ref()
                    .is_some_and(|f| f.safety == FixSafety::Unsafe)
            })
            .count();
    }

    /// "Applied 3 fixes (2 safe, 1 unsafe) in 2 files; 4 findings remain, 3 need a human."
    fn summary(&self, dry_run: bool) -> String {
        let applied = self.safe + self.unsafe_;
        let plural = |count: usize, one: &str, many: &str| {
            format!("{count} {}", if count == 1 { one } else { many })
        };
        let mut kinds = vec![format!("{} safe", self.safe)];
        if self.unsafe_ > 0 {
            kinds.push(format!("{} unsafe", self.unsafe_));
        }
        let mut line = if applied == 0 {
            if dry_run {
                "No fixes to apply".to_string()
            } else {
                "No fixes applied".to_string()
            }
        } else {
            format!(
                "{} {} ({}) in {}",
                if dry_run { "Would apply" } else { "Applied" },
                plural(applied, "fix", "fixes"),
                kinds.join(", "),
                plural(self.files_changed, "file", "files"),
            )
        };
        let (remain, remains) = if dry_run {
            ("would remain", "would remain")
        } else {
            ("remain", "remains")
        };
        if self.remaining == 0 {
            line.push_str("; no findings ");
            line.push_str(remain);
        } else {
            line.push_str(&format!(
                "; {} {}, {} a human",
                plural(self.remaining, "finding", "findings"),
                if self.remaining == 1 { remains } else { remain },
                if self.need_a_human == 1 {
                    "1 needs".to_string()
                } else {
                    format!("{} need", self.need_a_human)
                },
            ));
            if self.unsafe_available > 0 {
                line.push_str(&format!(
                    ", {} with --unsafe-fixes",
                    plural(self.unsafe_available, "is fixable", "are fixable")
                ));
            }
        }
        line.push('.');
        line
    }
}

/// How many inputs are checked before their output is printed.
const OUTPUT_CHUNK: usize = 4096;

pub fn run(args: &CheckArgs) -> i32 {
    let level = if args.unsafe_fixes {
        FixLevel::Unsafe
    } else {
        FixLevel::Safe
    };
    let mode = match (args.fix, args.diff) {
        (_, true) => Mode::Diff(level),
        (true, false) => Mode::Fix(level),
        (false, false) if args.unsafe_fixes => {
            output::input_error("--unsafe-fixes", "needs --fix or --diff");
            return EXIT_ERROR;
        }
        (false, false) => Mode::Check,
    };
    let placeholders = match Placeholders::new(!args.no_default_placeholders, &args.placeholders) {
        Ok(placeholders) => placeholders,
        Err(error) => {
            output::input_error("--placeholder", &error.to_string());
            return EXIT_ERROR;
        }
    };
    let rules = match super::load_rules(&args.rules) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    if rules.is_empty() {
        output::input_error(
            "rules",
            "no rules loaded: drop --no-builtin or add --rules DIR",
        );
        return EXIT_ERROR;
    }
    // The process exits right after checking: freeing every rule and automaton one by one would
    // only add to the start-up-plus-check time an agent waits for on each draft.
    let linter: &Linter = Box::leak(Box::new(Linter::new(rules).with_placeholders(placeholders)));
    let (mut inputs, path_errors) =
        inputs::collect(&args.paths, args.threads, &args.walk_filters());
    if mode != Mode::Check {
        // The same file named twice would be fixed twice, and the second write would find it
        // changed since it was read.
        let mut seen = HashSet::new();
        inputs.retain(|input| match input {
            Input::File(path) | Input::Found(path) => {
                seen.insert(std::fs::canonicalize(path).unwrap_or(path.clone()))
            }
            Input::Stdin => true,
        });
    }
    let mut had_error = !path_errors.is_empty();
    for (name, message) in &path_errors {
        output::input_error(name, message);
    }

    // With `--fix` on standard input, stdout carries the fixed draft and nothing else.
    let report_to_stderr = matches!(mode, Mode::Fix(_)) && inputs.contains(&Input::Stdin);
    let color = args.format == Format::Human && use_color(args.color, report_to_stderr);
    let check_one = |input: &Input| check_input(linter, args, mode, input, color);
    let pool = if inputs.len() > 1 && args.threads != Some(1) {
        match thread_pool(args.threads) {
            Ok(pool) => Some(pool),
            Err(message) => {
                output::input_error("threads", &message);
                return EXIT_ERROR;
            }
        }
    } else {
        None
    };

    let mut tally = Tally::default();
    let mut fix_tally = FixTally::default();
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr();
    let mut json_written = 0usize;
    // Inputs are checked a chunk at a time, in parallel within a chunk and printed in input
    // order, so memory stays bounded however many files a run is given.
    for chunk in inputs.chunks(OUTPUT_CHUNK) {
        let outcomes: Vec<Outcome> = match &pool {
            Some(pool) => pool.install(|| chunk.par_iter().map(check_one).collect()),
            None => chunk.iter().map(check_one).collect(),
        };
        for outcome in outcomes {
            for problem in &outcome.problems {
                match problem {
                    Problem::Note(name, message) => output::input_note(name, message),
                    Problem::Error(name, message) => {
                        had_error = true;
                        output::input_error(name, message);
                    }
                }
            }
            if let Some(diagnostics) = &outcome.diagnostics {
                tally.add(diagnostics);
            }
            let mut written = Ok(());
            if let Some(fixed) = &outcome.fixed {
                fix_tally.add(&fixed.outcome);
                written = stdout.write_all(&fixed.stdout);
            }
            let report: &mut dyn Write = if report_to_stderr {
                &mut stderr
            } else {
                &mut stdout
            };
            for object in &outcome.json {
                let separator: &[u8] = if json_written == 0 { b"[" } else { b"," };
                json_written += 1;
                written = written
                    .and_then(|()| report.write_all(separator))
                    .and_then(|()| report.write_all(object.as_bytes()));
            }
            if written
                .and_then(|()| report.write_all(&outcome.rendered))
                .is_err()
            {
                // The reader went away (a closed pipe): nothing more can be said.
                return EXIT_ERROR;
            }
        }
    }
    let report: &mut dyn Write = if report_to_stderr {
        &mut stderr
    } else {
        &mut stdout
    };
    let written = match (args.format, mode) {
        (_, Mode::Diff(_)) => Ok(()),
        (Format::Json, _) if json_written == 0 => writeln!(report, "[]"),
        (Format::Json, _) => writeln!(report, "]"),
        (Format::Human, _) => writeln!(report, "{}", tally.summary()),
        (Format::Line, _) => Ok(()),
    };
    let summary = match mode {
        Mode::Check => Ok(()),
        // Machine-readable stdout stays machine-readable; the human format reads on.
        Mode::Fix(_) if args.format == Format::Human => {
            writeln!(report, "{}", fix_tally.summary(false))
        }
        Mode::Fix(_) => writeln!(std::io::stderr(), "{}", fix_tally.summary(false)),
        Mode::Diff(_) => writeln!(std::io::stderr(), "{}", fix_tally.summary(true)),
    };
    if written.and(summary).and_then(|()| stdout.flush()).is_err() {
        return EXIT_ERROR;
    }

    // After --fix the verdict is about what is left; --diff wrote nothing, so the findings as
    // they stand decide.
    if had_error {
        EXIT_ERROR
    } else if tally.at_least(args.fail_on) > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn use_color(choice: ColorChoice, stderr: bool) -> bool {
    if !stderr {
        return output::stdout_color(choice);
    }
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                && std::io::stderr().is_terminal()
        }
    }
}

fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, String> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = threads {
        builder = builder.num_threads(threads);
    }
    builder.build().map_err(|error| error.to_string())
}

fn check_input(
    linter: &Linter,
    args: &CheckArgs,
    mode: Mode,
    input: &Input,
    color: bool,
) -> Outcome {
    let mut outcome = Outcome {
        rendered: Vec::new(),
        diagnostics: None,
        json: Vec::new(),
        problems: Vec::new(),
        fixed: None,
    };
    let source = match inputs::read(input, &args.stdin_filename, &args.read_options()) {
        Loaded::Text(source) => source,
        Loaded::Skipped(name, message) => {
            outcome.problems.push(Problem::Note(name, message));
            return outcome;
        }
        Loaded::Failed(name, message) => {
            outcome.problems.push(Problem::Error(name, message));
            return outcome;
        }
    };
    let lint = |source: &Source| {
        let mut diagnostics = linter.check(source);
        diagnostics.retain(|diagnostic| diagnostic.severity >= args.min_severity);
        diagnostics
    };
    let (level, dry_run) = match mode {
        Mode::Check => {
            let diagnostics = lint(&source);
            render_into(&mut outcome, args.format, color, &source, diagnostics);
            return outcome;
        }
        Mode::Fix(level) => (level, false),
        Mode::Diff(level) => (level, true),
    };
    let options = FixOptions {
        level,
        min_severity: args.min_severity,
        ..FixOptions::default()
    };
    let fixed = fix::apply_fixes(linter, &source, &options);
    let unsettled = match fixed.unsettled {
        Some(fix::Unsettled::Cycle) => Some(
            "some rules' fixes undo each other; stopped at a stable text, review it".to_string(),
        ),
        Some(fix::Unsettled::PassLimit) => Some(format!(
            "fixes still applied after {} passes; run --fix again and review the result",
            options.max_passes
        )),
        Some(fix::Unsettled::Unreadable) => Some(format!(
            "a fix would have left the file unreadable as {}; stopped before it (please report this)",
            source.format()
        )),
        None => None,
    };
    if let Some(message) = unsettled {
        outcome
            .problems
            .push(Problem::Note(source.name.clone(), message));
    }
    if dry_run {
        let diff = fix::unified_diff(&source.name, &source.text, &fixed.text);
        outcome.diagnostics = Some(lint(&source));
        outcome.fixed = Some(Fixed {
            outcome: fixed,
            stdout: diff.into_bytes(),
        });
        return outcome;
    }
    // Written back in the input's own encoding, byte-order mark included.
    let encoded = match source.encode(&fixed.text) {
        Ok(encoded) => encoded,
        Err(error) => {
            outcome
                .problems
                .push(Problem::Error(source.name.clone(), error.message()));
            let diagnostics = lint(&source);
            render_into(&mut outcome, args.format, color, &source, diagnostics);
            return outcome;
        }
    };
    let stdout = match input {
        Input::Stdin => encoded,
        Input::File(path) | Input::Found(path) => {
            if fixed.changed() {
                if let Err(error) = fix::write_fixed(path, &source.bytes(), &encoded) {
                    // Nothing was written, so the findings are the ones the file still has.
                    outcome
                        .problems
                        .push(Problem::Error(source.name.clone(), error.to_string()));
                    let diagnostics = lint(&source);
                    render_into(&mut outcome, args.format, color, &source, diagnostics);
                    return outcome;
                }
            }
            Vec::new()
        }
    };
    let fixed_source = source
        .with_text(fixed.text.clone())
        .unwrap_or_else(|_| Source::new(source.name.clone(), fixed.text.clone()));
    render_into(
        &mut outcome,
        args.format,
        color,
        &fixed_source,
        fixed.remaining.clone(),
    );
    outcome.fixed = Some(Fixed {
        outcome: fixed,
        stdout,
    });
    outcome
}

fn render_into(
    outcome: &mut Outcome,
    format: Format,
    color: bool,
    source: &Source,
    diagnostics: Vec<Diagnostic>,
) {
    let rendered = match format {
        Format::Human => {
            let mut buffer = output::buffer(color);
            human::render(&mut buffer, source, &diagnostics).map(|()| buffer.into_inner())
        }
        Format::Line => {
            let mut buffer = Vec::new();
            render::line::render(&mut buffer, source, &diagnostics).map(|()| buffer)
        }
        Format::Json => {
            outcome.json = json::objects(source, &diagnostics)
                .iter()
                .filter_map(|object| serde_json::to_string(object).ok())
                .collect();
            Ok(Vec::new())
        }
    };
    match rendered {
        Ok(bytes) => outcome.rendered = bytes,
        Err(error) => outcome
            .problems
            .push(Problem::Error(source.name.clone(), error.to_string())),
    }
    outcome.diagnostics = Some(diagnostics);
}
