//! `replylint check`, with `--fix` and `--diff`: flags become [`Settings`], a [`Session`] does the
//! run, an emitter prints it, and the findings decide the exit status.

use std::collections::HashSet;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;

use replylint::baseline::{self, Baseline, Entry};
use replylint::Source;

use replylint::fix::FixLevel;
use replylint::inputs::Input;
use replylint::report::statistics::Statistics;
use replylint::report::{Emitter, InputReport, Rendered, Tally};
use replylint::session::{FixTally, Mode, Session, Settings};

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
    let baseline = match &args.baseline {
        Some(path) if args.write_baseline.is_none() => match Baseline::read(path) {
            Ok(baseline) => Some(baseline),
            Err(error) => {
                messages.error("--baseline", &error.to_string());
                return EXIT_ERROR;
            }
        },
        _ => None,
    };
    let mut adoption = Adoption {
        writing: args.write_baseline.is_some(),
        baseline_keys: baseline.as_ref().map(|baseline| Arc::new(baseline.keys())),
        baseline,
        ..Adoption::default()
    };
    let mut flags = args.config.overrides(&args.rules);
    flags.fail_on = args.fail_on;
    flags.min_severity = args.min_severity;
    flags.placeholders = args.placeholders.clone();
    flags.no_default_placeholders = args.no_default_placeholders;
    args.structured.apply(&mut flags);
    let settings = Settings {
        mode,
        read: args.read_options(),
        walk: args.walk_filters(),
        threads: args.threads,
        stdin_name: args.stdin_filename.clone(),
        baseline: adoption.baseline_keys.clone(),
        ..Settings::default()
    };
    let session = match Session::configured(args.config.discovery(), flags, settings) {
        Ok(session) => session,
        Err(error) => return messages.profile_error(&error),
    };
    if args.jsonl {
        return super::jsonl::run(session, args, &messages);
    }
    // The process exits right after checking: freeing every rule and automaton one by one would
    // only add to the start-up-plus-check time an agent waits for on each draft.
    let session: &Session = Box::leak(Box::new(session));
    let rule_docs = match session.default_profile() {
        Ok(profile) if profile.linter.rules().is_empty() => {
            messages.error(
                "rules",
                "no rules loaded: drop --no-builtin or add --rules DIR",
            );
            return EXIT_ERROR;
        }
        // SARIF describes the rules of the working directory's profile.
        Ok(profile) => emit::rule_docs(profile.linter.rules()),
        Err(error) => return messages.profile_error(&error),
    };
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
    let mut failing = 0usize;
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
            if let Some(source) = &outcome.source {
                tally.add(&outcome.diagnostics);
                failing += outcome
                    .diagnostics
                    .iter()
                    .filter(|diagnostic| diagnostic.severity >= outcome.fail_on)
                    .count();
                adoption.add(source, &outcome);
                if args.add_suppressions {
                    if let replylint::inputs::Input::File(path)
                    | replylint::inputs::Input::Found(path) = &outcome.input
                    {
                        had_error |=
                            !add_suppressions(&messages, path, source, &outcome.diagnostics);
                    }
                }
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
    if let Some(path) = &args.write_baseline {
        let baseline = adoption.baseline();
        let count = baseline.entries.len();
        if let Err(error) = baseline.write(path) {
            messages.error("--write-baseline", &error.to_string());
            return EXIT_ERROR;
        }
        messages.note(
            &path.display().to_string(),
            &format!("wrote a baseline of {count} findings"),
        );
        return if had_error { EXIT_ERROR } else { EXIT_CLEAN };
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
    if let Some(unseen) = adoption.unseen_baseline_entries() {
        messages.note(
            "--baseline",
            &format!(
                "{} baseline findings hidden; {unseen} baseline entries no longer occur",
                adoption.hidden
            ),
        );
    }
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
    } else if failing > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// What adopting the linter needs from a run: the entries of a baseline being written, and the
/// counts of one being used. Nothing is fingerprinted or kept unless one of them was asked for.
#[derive(Default)]
struct Adoption {
    /// `--write-baseline` was given: every finding is recorded.
    writing: bool,
    entries: Vec<Entry>,
    /// The `--baseline` file, read once, and the keys the filter stage looks findings up in.
    baseline: Option<Baseline>,
    baseline_keys: Option<Arc<HashSet<String>>>,
    hidden: usize,
    /// Keys of the findings the baseline hid, and the paths checked.
    seen: HashSet<String>,
    checked: Vec<String>,
}

impl Adoption {
    fn add(&mut self, source: &Source, outcome: &replylint::Outcome) {
        if self.writing {
            let prints = baseline::fingerprints(&source.name, &outcome.diagnostics);
            for (diagnostic, print) in outcome.diagnostics.iter().zip(prints) {
                self.entries.push(Entry {
                    path: source.name.clone(),
                    rule: diagnostic.rule.id.to_string(),
                    fingerprint: print,
                    text: diagnostic.text.clone(),
                });
            }
        }
        if self.baseline.is_some() {
            self.hidden += outcome.baseline_hidden.len();
            for print in &outcome.baseline_hidden {
                self.seen.insert(baseline::key(&source.name, print));
            }
            self.checked.push(source.name.clone());
        }
    }

    fn baseline(&self) -> Baseline {
        Baseline {
            version: baseline::VERSION,
            entries: self.entries.clone(),
        }
    }

    /// Entries of the `--baseline` file, for the paths this run checked, that no longer occur;
    /// `None` without a baseline.
    fn unseen_baseline_entries(&self) -> Option<usize> {
        let baseline = self.baseline.as_ref()?;
        let checked: HashSet<&str> = self.checked.iter().map(String::as_str).collect();
        Some(baseline.unseen(&checked, &self.seen))
    }
}

/// Writes `replylint-disable-next-line` comments above `diagnostics` in `path`; false when the
/// file could not be written.
fn add_suppressions(
    messages: &Messages,
    path: &Path,
    source: &Source,
    diagnostics: &[replylint::Diagnostic],
) -> bool {
    use replylint::filter::suppress::{add_comments, CommentSyntax};
    if diagnostics.is_empty() {
        return true;
    }
    let Some(syntax) = CommentSyntax::of_source(source) else {
        messages.note(
            &source.name,
            &format!(
                "{} has no comment syntax; no suppressions added",
                source.format()
            ),
        );
        return true;
    };
    let index = replylint::source::LineIndex::new(&source.text);
    let findings: Vec<(usize, String)> = diagnostics
        .iter()
        .filter(|diagnostic| !diagnostic.rule.id.starts_with("replylint."))
        .map(|diagnostic| {
            let (line, _) = index.line_column(&source.text, diagnostic.span.start);
            (line, diagnostic.rule.id.to_string())
        })
        .collect();
    let (text, added, refused) = add_comments(&source.text, syntax, &findings);
    for skipped in &refused {
        messages.note(
            &format!("{}:{}", source.name, skipped.line),
            &format!("no suppression added: {}", skipped.reason),
        );
    }
    if added == 0 {
        return true;
    }
    let written = source
        .encode(&text)
        .map_err(|error| error.to_string())
        .and_then(|bytes| {
            replylint::fix::write_fixed(path, &source.bytes(), &bytes).map_err(|e| e.to_string())
        });
    match written {
        Ok(()) => {
            messages.note(&source.name, &format!("added {added} suppression comments"));
            true
        }
        Err(error) => {
            messages.error(&source.name, &error);
            false
        }
    }
}
