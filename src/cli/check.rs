//! `replylint check`, with `--fix` and `--diff`: flags become [`Settings`], a [`Session`] does the
//! run, an emitter prints it, and the findings decide the exit status.

use std::io::Write;
use std::ops::ControlFlow;

use replylint::filter::Filters;
use replylint::fix::FixLevel;
use replylint::inputs::Input;
use replylint::report::statistics::Statistics;
use replylint::report::{Emitter, InputReport, Rendered, Tally};
use replylint::session::{FixTally, Mode, Session, Settings};
use replylint::{Linter, Placeholders};

use super::emit::{self, ReportFile};
use super::output::{self, Messages, Stream};
use super::{CheckArgs, ColorChoice, Format, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

pub fn run(args: &CheckArgs) -> i32 {
    let messages = Messages::new(args.format == Format::Json);
    let level = if args.unsafe_fixes {
        FixLevel::Unsafe
    } else {
        FixLevel::Safe
    };
    let mode = match (args.fix, args.diff) {
        (_, true) => Mode::Diff(level),
        (true, false) => Mode::Fix(level),
        (false, false) if args.unsafe_fixes => {
            messages.error("--unsafe-fixes", "needs --fix or --diff");
            return EXIT_ERROR;
        }
        (false, false) => Mode::Check,
    };
    let placeholders = match Placeholders::new(!args.no_default_placeholders, &args.placeholders) {
        Ok(placeholders) => placeholders,
        Err(error) => {
            messages.error("--placeholder", &error.to_string());
            return EXIT_ERROR;
        }
    };
    let rules = match super::load_rules(&args.rules, &messages) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    if rules.is_empty() {
        messages.error(
            "rules",
            "no rules loaded: drop --no-builtin or add --rules DIR",
        );
        return EXIT_ERROR;
    }
    let rule_docs = emit::rule_docs(&rules);
    let settings = Settings {
        mode,
        filters: Filters {
            min_severity: args.min_severity,
        },
        threads: args.threads,
        stdin_name: args.stdin_filename.clone(),
        ..Settings::default()
    };
    // The process exits right after checking: freeing every rule and automaton one by one would
    // only add to the start-up-plus-check time an agent waits for on each draft.
    let session: &Session = Box::leak(Box::new(Session::new(
        Linter::new(rules).with_placeholders(placeholders),
        settings,
    )));
    let (inputs, path_problems) = session.collect(&args.paths);
    let mut had_error = !path_problems.is_empty();
    for problem in &path_problems {
        messages.problem(problem);
    }

    // With `--fix` on standard input, stdout carries the fixed draft and nothing else.
    let report_to = if matches!(mode, Mode::Fix(_)) && inputs.contains(&Input::Stdin) {
        Stream::Stderr
    } else {
        Stream::Stdout
    };
    // `--output-file` takes the report (and under --diff the diff); the terminal keeps the
    // summary, and the statistics when asked for.
    let mut report_file = match args.output_file.as_deref().map(ReportFile::create) {
        None => None,
        Some(Ok(file)) => Some(file),
        Some(Err(error)) => {
            let name = args.output_file.as_deref().unwrap_or_else(|| "".as_ref());
            messages.error(&name.display().to_string(), &error.to_string());
            return EXIT_ERROR;
        }
    };
    let color = match report_file {
        Some(_) => args.color == ColorChoice::Always,
        None => output::use_color(args.color, report_to),
    };
    let mut statistics = args.statistics.then(Statistics::default);
    let emitter = emit::emitter(
        args.format,
        color,
        rule_docs,
        args.statistics && report_file.is_none(),
    );
    let emitter: &dyn Emitter = &*emitter;
    let render = |outcome: &replylint::Outcome| -> std::io::Result<Rendered> {
        match &outcome.source {
            Some(source) if outcome.report_findings => emitter.render(&InputReport {
                source,
                diagnostics: &outcome.diagnostics,
            }),
            _ => Ok(Rendered::default()),
        }
    };

    let mut tally = Tally::default();
    let mut fix_tally = FixTally::default();
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr();
    let mut closed = false;
    // Outcomes arrive in input order and are printed at once, so output streams.
    session.run(&inputs, render, |outcome, rendered| {
        {
            for problem in &outcome.problems {
                had_error |= problem.is_error();
                messages.problem(problem);
            }
            if outcome.source.is_some() {
                tally.add(&outcome.diagnostics);
                if let Some(statistics) = statistics.as_mut().filter(|_| outcome.report_findings) {
                    statistics.add(&outcome.diagnostics);
                }
            }
            let mut written = Ok(());
            if let Some(fixed) = &outcome.fix {
                fix_tally.add(&fixed.outcome);
                written = match (&mut report_file, mode) {
                    (Some(file), Mode::Diff(_)) => file.write_all(&fixed.output),
                    _ => stdout.write_all(&fixed.output),
                };
            }
            let report: &mut dyn Write = match (&mut report_file, report_to) {
                (Some(file), _) => file,
                (None, Stream::Stderr) => &mut stderr,
                (None, Stream::Stdout) => &mut stdout,
            };
            let rendered = match rendered {
                Ok(rendered) => rendered,
                Err(error) => {
                    had_error = true;
                    let name = outcome
                        .source
                        .as_ref()
                        .map_or("<output>", |s| s.name.as_str());
                    messages.error(name, &error.to_string());
                    Rendered::default()
                }
            };
            if written
                .and_then(|()| emitter.write(report, &rendered))
                .is_err()
            {
                // The reader went away (a closed pipe): nothing more can be said.
                closed = true;
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    });
    if closed {
        return EXIT_ERROR;
    }
    let report: &mut dyn Write = match (&mut report_file, report_to) {
        (Some(file), _) => file,
        (None, Stream::Stderr) => &mut stderr,
        (None, Stream::Stdout) => &mut stdout,
    };
    let mut written = match mode {
        Mode::Diff(_) => Ok(()),
        _ => emitter.finish(report, &tally),
    };
    if let Some(file) = report_file {
        let path = file.path().to_path_buf();
        if let Err(error) = written.and_then(|()| file.commit()) {
            messages.error(&path.display().to_string(), &error.to_string());
            return EXIT_ERROR;
        }
        written = match mode {
            Mode::Check => emit::summary(args.format == Format::Json, &tally, &path),
            _ => Ok(()),
        };
    }
    if let Some(statistics) = &statistics {
        written = written
            .and_then(|()| emit::statistics(&mut stdout, args.format == Format::Json, statistics));
    }
    let report: &mut dyn Write = match report_to {
        Stream::Stderr => &mut stderr,
        Stream::Stdout => &mut stdout,
    };
    let summary = match mode {
        Mode::Check => Ok(()),
        // Machine-readable stdout stays machine-readable; the human format reads on.
        Mode::Fix(_) if args.format == Format::Human => {
            writeln!(report, "{}", fix_tally.summary(false))
        }
        Mode::Fix(_) => messages.fix_summary(&fix_tally, false),
        Mode::Diff(_) => messages.fix_summary(&fix_tally, true),
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
