//! `replylint check`.

use std::io::Write;

use rayon::prelude::*;
use replylint::render::{self, human, json, Tally};
use replylint::{Diagnostic, Linter};

use super::inputs::{self, Input, Loaded};
use super::{output, CheckArgs, Format, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

/// What checking one input produced, rendered and ready to print in input order.
struct Outcome {
    rendered: Vec<u8>,
    diagnostics: Option<Vec<Diagnostic>>,
    json: Vec<String>,
    problem: Option<Problem>,
}

enum Problem {
    Note(String, String),
    Error(String, String),
}

pub fn run(args: &CheckArgs) -> i32 {
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
    let linter = Linter::new(rules);
    let (inputs, path_errors) = inputs::collect(&args.paths);
    let mut had_error = !path_errors.is_empty();
    for (name, message) in &path_errors {
        output::input_error(name, message);
    }

    let color = args.format == Format::Human && output::stdout_color(args.color);
    let check_one = |input: &Input| check_input(&linter, args, input, color);
    let outcomes: Vec<Outcome> = if inputs.len() > 1 && args.threads != Some(1) {
        match thread_pool(args.threads) {
            Ok(pool) => pool.install(|| inputs.par_iter().map(check_one).collect()),
            Err(message) => {
                output::input_error("threads", &message);
                return EXIT_ERROR;
            }
        }
    } else {
        inputs.iter().map(check_one).collect()
    };

    let mut tally = Tally::default();
    let mut stdout = std::io::stdout().lock();
    let mut json_objects = Vec::new();
    for outcome in outcomes {
        match &outcome.problem {
            Some(Problem::Note(name, message)) => output::input_note(name, message),
            Some(Problem::Error(name, message)) => {
                had_error = true;
                output::input_error(name, message);
            }
            None => {}
        }
        if let Some(diagnostics) = &outcome.diagnostics {
            tally.add(diagnostics);
        }
        json_objects.extend(outcome.json);
        if stdout.write_all(&outcome.rendered).is_err() {
            // The reader went away (a closed pipe): nothing more can be said.
            return EXIT_ERROR;
        }
    }
    let written = match args.format {
        Format::Json => writeln!(stdout, "[{}]", json_objects.join(",")),
        Format::Human => writeln!(stdout, "{}", tally.summary()),
        Format::Line => Ok(()),
    };
    if written.and_then(|()| stdout.flush()).is_err() {
        return EXIT_ERROR;
    }

    if had_error {
        EXIT_ERROR
    } else if tally.at_least(args.fail_on) > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, String> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = threads {
        builder = builder.num_threads(threads);
    }
    builder.build().map_err(|error| error.to_string())
}

fn check_input(linter: &Linter, args: &CheckArgs, input: &Input, color: bool) -> Outcome {
    let mut outcome = Outcome {
        rendered: Vec::new(),
        diagnostics: None,
        json: Vec::new(),
        problem: None,
    };
    let source = match inputs::read(input, &args.stdin_filename) {
        Loaded::Text(source) => source,
        Loaded::Skipped(name, message) => {
            outcome.problem = Some(Problem::Note(name, message));
            return outcome;
        }
        Loaded::Failed(name, message) => {
            outcome.problem = Some(Problem::Error(name, message));
            return outcome;
        }
    };
    let mut diagnostics = linter.check(&source);
    diagnostics.retain(|diagnostic| diagnostic.severity >= args.min_severity);
    let rendered = match args.format {
        Format::Human => {
            let mut buffer = output::buffer(color);
            human::render(&mut buffer, &source, &diagnostics).map(|()| buffer.into_inner())
        }
        Format::Line => {
            let mut buffer = Vec::new();
            render::line::render(&mut buffer, &source, &diagnostics).map(|()| buffer)
        }
        Format::Json => {
            outcome.json = json::objects(&source, &diagnostics)
                .iter()
                .filter_map(|object| serde_json::to_string(object).ok())
                .collect();
            Ok(Vec::new())
        }
    };
    match rendered {
        Ok(bytes) => outcome.rendered = bytes,
        Err(error) => {
            outcome.problem = Some(Problem::Error(source.name.clone(), error.to_string()));
        }
    }
    outcome.diagnostics = Some(diagnostics);
    outcome
}
