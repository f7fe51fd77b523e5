//! One run of the linter: settings and inputs in, ordered per-input outcomes out.
//!
//! A [`Session`] is what every front end calls: the CLI's `check`, and servers, streaming and
//! grading. It owns the compiled [`Linter`] and the [`Settings`], reads and decodes inputs,
//! checks or fixes them through the one filter stage, writes fixed files, and hands each
//! input's [`Outcome`] back in input order, checking inputs in parallel in bounded chunks. It
//! never prints: problems come back as typed values and the caller decides what to show.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;

use crate::config::{self, ConfigFile, Overrides, Profile, ProfileError};
use crate::diagnostic::Diagnostic;
use crate::filter::{Filtered, Filters};
use crate::fix::{self, FixLevel, FixOptions, FixOutcome, Unsettled, WriteError};
use crate::inputs::{self, Input, InputError, Loaded, SkipReason, WalkFilters};
use crate::linter::Linter;
use crate::rules::FixSafety;
use crate::source::{DecodeOptions, Source};

/// The most worker threads a session starts, whatever it is asked for: more than this only
/// costs memory on any machine replylint runs on.
pub const MAX_THREADS: usize = 256;

/// How many inputs are checked before their outcomes are handed back; bounds memory however
/// many files a run is given.
const CHUNK: usize = 4096;

/// What a session does with each input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Report findings.
    Check,
    /// Apply fixes up to a level: files are rewritten in place, standard input's fixed draft
    /// comes back in [`FixReport::output`].
    Fix(FixLevel),
    /// Compute the fixes and return them as a unified diff; write nothing.
    Diff(FixLevel),
}

/// Everything a run is configured with, whichever front end set it.
#[derive(Debug, Clone)]
pub struct Settings {
    pub mode: Mode,
    /// The filter stage every finding goes through, in `check` and in every fix pass.
    pub filters: Filters,
    /// Worker threads (`None`: one per core); capped at [`MAX_THREADS`].
    pub threads: Option<usize>,
    /// The name standard input is reported under.
    pub stdin_name: String,
    /// The most lint-then-fix passes per input.
    pub max_passes: usize,
    /// The [`crate::baseline::key`] of each of the baseline's findings, hidden from every profile's report.
    pub baseline: Option<Arc<HashSet<String>>>,
    /// How inputs are decoded and which of their parts are reply text. Keys or columns left
    /// empty here are filled in per input from its profile's `[input.*]` tables
    /// ([`Profile::read_options`]).
    pub read: DecodeOptions,
    /// `--include` / `--exclude` globs for directory walks (on top of each config's).
    pub walk: WalkFilters,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            mode: Mode::Check,
            filters: Filters::default(),
            threads: None,
            stdin_name: "<stdin>".to_string(),
            max_passes: fix::MAX_PASSES,
            baseline: None,
            read: DecodeOptions::default(),
            walk: WalkFilters::default(),
        }
    }
}

impl Settings {
    /// The thread count actually used.
    pub fn effective_threads(&self) -> Option<usize> {
        self.threads.map(|threads| threads.clamp(1, MAX_THREADS))
    }
}

/// Something about one input that the user should be told.
#[derive(Debug)]
pub enum Problem {
    /// The input was passed over or fixing stopped early; the run can still succeed.
    Note { name: String, note: Note },
    /// The input could not be checked or its fix not written; the run exits with an error.
    Error { name: String, error: ProblemError },
}

impl Problem {
    pub fn name(&self) -> &str {
        match self {
            Problem::Note { name, .. } | Problem::Error { name, .. } => name,
        }
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Problem::Error { .. })
    }

    /// The message, without the name.
    pub fn message(&self) -> String {
        match self {
            Problem::Note { note, .. } => note.to_string(),
            Problem::Error { error, .. } => error.to_string(),
        }
    }
}

/// A note about an input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Note {
    #[error(transparent)]
    Skipped(#[from] SkipReason),
    #[error("some rules' fixes undo each other; stopped at a stable text, review it")]
    FixCycle,
    #[error("fixes still applied after {0} passes; run --fix again and review the result")]
    FixPassLimit(usize),
    #[error(
        "a fix would have left the file unreadable as {0}; stopped before it (please report this)"
    )]
    FixUnreadable(String),
}

/// Why an input failed.
#[derive(Debug, thiserror::Error)]
pub enum ProblemError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    Profile(Arc<ProfileError>),
}

/// What fixing one input did.
#[derive(Debug, Clone)]
pub struct FixReport {
    pub outcome: FixOutcome,
    /// For standard input under [`Mode::Fix`], the whole fixed (possibly unchanged) draft; under
    /// [`Mode::Diff`], the unified diff; otherwise empty.
    pub output: Vec<u8>,
}

/// What became of one input, in the order inputs were given.
#[derive(Debug)]
pub struct Outcome {
    pub input: Input,
    /// The text the diagnostics refer to: the input as read, or after `--fix` the fixed text.
    /// `None` when the input could not be read.
    pub source: Option<Source>,
    /// The findings to report: after the filter stage; after `--fix`, those that remain.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the findings are to be shown (not under `--diff`, where the diff is the report).
    pub report_findings: bool,
    pub fix: Option<FixReport>,
    pub problems: Vec<Problem>,
    /// The severity at which this input's findings fail the run (its profile's `fail-on`).
    pub fail_on: crate::Severity,
    /// How many findings suppression comments silenced.
    pub suppressed: usize,
    /// Fingerprints of findings the baseline hid.
    pub baseline_hidden: Vec<String>,
}

/// A linter and the settings of a run.
/// How a session finds the configuration of each input.
#[derive(Debug, Clone)]
pub enum Discovery {
    /// The nearest `replylint.toml` above each input (standard input: above the working
    /// directory).
    Nearest,
    /// One config file for every input (`--config FILE`).
    File(PathBuf),
    /// No config file (`--isolated`).
    Isolated,
}

/// A built profile, or why it could not be built (shared by every input under that config).
type BuiltProfile = Result<Arc<Profile>, Arc<ProfileError>>;

#[derive(Debug)]
enum Profiles {
    /// One profile for every input.
    Fixed(Arc<Profile>),
    /// A profile per config file, built on first use.
    Nearest(Box<NearestProfiles>),
}

#[derive(Debug)]
struct NearestProfiles {
    flags: Overrides,
    /// Directory → the config file governing it.
    dirs: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Config file (or none) → its profile, or the error building it gave.
    built: Mutex<HashMap<Option<PathBuf>, BuiltProfile>>,
    baseline: Option<Arc<HashSet<String>>>,
}

#[derive(Debug)]
pub struct Session {
    profiles: Profiles,
    settings: Settings,
    /// Built on the first run with more than one input: checking one draft, the case an agent
    /// waits on, starts no threads.
    pool: OnceLock<Option<rayon::ThreadPool>>,
}

impl Session {
    /// A session with one linter and the filters of `settings` for every input, and no config
    /// files.
    pub fn new(linter: Linter, settings: Settings) -> Session {
        let mut filters = settings.filters.clone();
        if settings.baseline.is_some() {
            filters.baseline = settings.baseline.clone();
        }
        let profile = Profile::from_parts(linter, filters, crate::Severity::Warning);
        Session {
            profiles: Profiles::Fixed(Arc::new(profile)),
            settings,
            pool: OnceLock::new(),
        }
    }

    /// A session whose inputs are checked under their config files, with `flags` on top.
    /// `settings.filters` is not used: the filters come from the profiles. A forced config
    /// file (or none) is loaded here, so its errors come back at once.
    pub fn configured(
        discovery: Discovery,
        flags: Overrides,
        settings: Settings,
    ) -> Result<Session, ProfileError> {
        let with_baseline = |mut profile: Profile| {
            if settings.baseline.is_some() {
                profile.filters.baseline = settings.baseline.clone();
            }
            Arc::new(profile)
        };
        let profiles = match discovery {
            Discovery::Isolated => Profiles::Fixed(with_baseline(Profile::build(None, &flags)?)),
            Discovery::File(path) => {
                let file = ConfigFile::read(&path)?;
                Profiles::Fixed(with_baseline(Profile::build(Some(file), &flags)?))
            }
            Discovery::Nearest => Profiles::Nearest(Box::new(NearestProfiles {
                flags,
                dirs: Mutex::new(HashMap::new()),
                built: Mutex::new(HashMap::new()),
                baseline: settings.baseline.clone(),
            })),
        };
        Ok(Session {
            profiles,
            settings,
            pool: OnceLock::new(),
        })
    }

    /// The profile of an input: the one its config file gives.
    pub fn profile_for(&self, input: &Input) -> BuiltProfile {
        let NearestProfiles {
            flags,
            dirs,
            built,
            baseline,
        } = match &self.profiles {
            Profiles::Fixed(profile) => return Ok(profile.clone()),
            Profiles::Nearest(nearest) => &**nearest,
        };
        let dir = match input {
            Input::Stdin => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            Input::File(path) | Input::Found(path) => path
                .parent()
                .filter(|parent| !parent.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        };
        let config = {
            let mut dirs = dirs.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            dirs.entry(dir.clone())
                .or_insert_with(|| config::find(&dir))
                .clone()
        };
        let mut built = built
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        built
            .entry(config.clone())
            .or_insert_with(|| {
                let build = || -> Result<Profile, ProfileError> {
                    let file = config.as_deref().map(ConfigFile::read).transpose()?;
                    Profile::build(file, flags)
                };
                let mut profile = build().map_err(Arc::new)?;
                profile.filters.baseline = baseline.clone();
                Ok(Arc::new(profile))
            })
            .clone()
    }

    /// The profile of standard input and of the working directory (what a server uses).
    pub fn default_profile(&self) -> Result<Arc<Profile>, Arc<ProfileError>> {
        self.profile_for(&Input::Stdin)
    }

    fn pool(&self) -> Option<&rayon::ThreadPool> {
        self.pool
            .get_or_init(|| {
                let threads = self.settings.effective_threads();
                if threads == Some(1) {
                    return None;
                }
                let mut builder = rayon::ThreadPoolBuilder::new();
                if let Some(threads) = threads {
                    builder = builder.num_threads(threads);
                }
                // A pool that cannot be built (a process out of threads) means checking on the
                // calling thread, not failing the run.
                builder.build().ok()
            })
            .as_ref()
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The reported findings of one source under the default profile: the engine's findings
    /// through the filter stage.
    pub fn check(&self, source: &Source) -> Result<Vec<Diagnostic>, Arc<ProfileError>> {
        Ok(check_with(&*self.default_profile()?, source).diagnostics)
    }

    /// Shorthand for checking a string that did not come from a file.
    pub fn check_text(&self, text: &str) -> Result<Vec<Diagnostic>, Arc<ProfileError>> {
        self.check(&Source::new("<text>", text))
    }

    /// Fixes one source at `level` under the default profile, through the same filter stage;
    /// nothing is written.
    pub fn fix(&self, source: &Source, level: FixLevel) -> Result<FixOutcome, Arc<ProfileError>> {
        Ok(fix_with(
            &*self.default_profile()?,
            source,
            level,
            self.settings.max_passes,
        ))
    }

    /// Expands paths into inputs (directories walked, `-` is standard input, none means standard
    /// input). Problems with a path come back beside the inputs found.
    pub fn collect(&self, paths: &[PathBuf]) -> (Vec<Input>, Vec<Problem>) {
        let (mut inputs, errors) = inputs::collect(
            paths,
            self.settings.effective_threads(),
            &self.settings.walk,
        );
        if self.settings.mode != Mode::Check {
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
        // A config's include/exclude globs choose among the files a walk found; a file named on
        // the command line is always checked.
        inputs.retain(|input| match input {
            Input::Found(path) => self
                .profile_for(input)
                .map_or(true, |profile| profile.walks_into(path)),
            _ => true,
        });
        let problems = errors
            .into_iter()
            .map(|(name, error)| Problem::Error {
                name,
                error: error.into(),
            })
            .collect();
        (inputs, problems)
    }

    /// Processes `inputs` and hands each outcome, in input order, to `sink` together with what
    /// `render` made of it. `render` runs on the worker threads (so output formatting is
    /// parallel too); `sink` runs on the calling thread and may stop the run early.
    pub fn run<R, F, S>(&self, inputs: &[Input], render: F, mut sink: S)
    where
        R: Send,
        F: Fn(&Outcome) -> R + Sync,
        S: FnMut(Outcome, R) -> ControlFlow<()>,
    {
        let one = |input: &Input| {
            let outcome = self.process(input);
            let rendered = render(&outcome);
            (outcome, rendered)
        };
        for chunk in inputs.chunks(CHUNK) {
            let pool = if chunk.len() > 1 { self.pool() } else { None };
            let results: Vec<(Outcome, R)> = match pool {
                Some(pool) => pool.install(|| chunk.par_iter().map(one).collect()),
                None => chunk.iter().map(one).collect(),
            };
            for (outcome, rendered) in results {
                if sink(outcome, rendered).is_break() {
                    return;
                }
            }
        }
    }

    /// Reads, checks and (by the mode) fixes one input.
    pub fn process(&self, input: &Input) -> Outcome {
        let mut outcome = Outcome {
            input: input.clone(),
            source: None,
            diagnostics: Vec::new(),
            report_findings: true,
            fix: None,
            problems: Vec::new(),
            fail_on: crate::Severity::Warning,
            suppressed: 0,
            baseline_hidden: Vec::new(),
        };
        let profile = match self.profile_for(input) {
            Ok(profile) => profile,
            Err(error) => {
                outcome.problems.push(Problem::Error {
                    name: input.name(&self.settings.stdin_name),
                    error: ProblemError::Profile(error),
                });
                return outcome;
            }
        };
        outcome.fail_on = profile.fail_on;
        let name = input.name(&self.settings.stdin_name);
        let read = profile.read_options(&self.settings.read, &name);
        let source = match inputs::read(input, &self.settings.stdin_name, &read) {
            Loaded::Text(source) => source,
            // Standard input under --fix must come back whole or fail: a filter that printed
            // nothing and exited 0 would replace the draft with nothing.
            Loaded::Skipped(name, reason) => {
                outcome.problems.push(Problem::Note {
                    name,
                    note: reason.into(),
                });
                return outcome;
            }
            Loaded::Failed(name, error) => {
                outcome.problems.push(Problem::Error {
                    name,
                    error: error.into(),
                });
                return outcome;
            }
        };
        let (level, dry_run) = match self.settings.mode {
            Mode::Check => {
                let filtered = check_with(&profile, &source);
                outcome.diagnostics = filtered.diagnostics;
                outcome.suppressed = filtered.suppressed;
                outcome.baseline_hidden = filtered.baseline_hidden;
                outcome.source = Some(source);
                return outcome;
            }
            Mode::Fix(level) => (level, false),
            Mode::Diff(level) => (level, true),
        };
        let fixed = fix_with(&profile, &source, level, self.settings.max_passes);
        let note = match fixed.unsettled {
            Some(Unsettled::Cycle) => Some(Note::FixCycle),
            Some(Unsettled::PassLimit) => Some(Note::FixPassLimit(self.settings.max_passes)),
            Some(Unsettled::Unreadable) => Some(Note::FixUnreadable(source.format().to_string())),
            None => None,
        };
        if let Some(note) = note {
            outcome.problems.push(Problem::Note {
                name: source.name.clone(),
                note,
            });
        }
        if dry_run {
            let diff = fix::unified_diff(&source.name, &source.text, &fixed.text);
            let filtered = check_with(&profile, &source);
            outcome.diagnostics = filtered.diagnostics;
            outcome.baseline_hidden = filtered.baseline_hidden;
            outcome.report_findings = false;
            outcome.source = Some(source);
            outcome.fix = Some(FixReport {
                outcome: fixed,
                output: diff.into_bytes(),
            });
            return outcome;
        }
        // Written back in the input's own encoding, byte-order mark included.
        let encoded = match source.encode(&fixed.text) {
            Ok(encoded) => encoded,
            Err(error) => {
                outcome.problems.push(Problem::Error {
                    name: source.name.clone(),
                    error: InputError::Decode(Box::new(error)).into(),
                });
                outcome.diagnostics = check_with(&profile, &source).diagnostics;
                outcome.source = Some(source);
                return outcome;
            }
        };
        let output = match input {
            Input::Stdin => encoded,
            Input::File(path) | Input::Found(path) => {
                if fixed.changed() {
                    if let Err(error) = fix::write_fixed(path, &source.bytes(), &encoded) {
                        // Nothing was written, so the findings are the ones the file still has.
                        outcome.problems.push(Problem::Error {
                            name: source.name.clone(),
                            error: error.into(),
                        });
                        outcome.diagnostics = check_with(&profile, &source).diagnostics;
                        outcome.source = Some(source);
                        return outcome;
                    }
                }
                Vec::new()
            }
        };
        let fixed_source = source
            .with_text(fixed.text.clone())
            .unwrap_or_else(|_| Source::new(source.name.clone(), fixed.text.clone()));
        if profile.filters.baseline.is_some() {
            outcome.baseline_hidden = check_with(&profile, &fixed_source).baseline_hidden;
        }
        outcome.source = Some(fixed_source);
        outcome.diagnostics = fixed.remaining.clone();
        outcome.fix = Some(FixReport {
            outcome: fixed,
            output,
        });
        outcome
    }
}

fn check_with(profile: &Profile, source: &Source) -> Filtered {
    profile
        .filters
        .apply_to(source, profile.linter.rules(), profile.linter.find(source))
}

fn fix_with(profile: &Profile, source: &Source, level: FixLevel, max_passes: usize) -> FixOutcome {
    let options = FixOptions {
        level,
        filters: profile.filters.clone(),
        max_passes,
    };
    fix::apply_fixes(&profile.linter, source, &options)
}

/// Counts across a run's fixes, for the fix summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FixTally {
    pub safe: usize,
    #[serde(rename = "unsafe")]
    pub unsafe_: usize,
    pub files_changed: usize,
    pub remaining: usize,
    pub need_a_human: usize,
    pub unsafe_available: usize,
}

impl FixTally {
    pub fn add(&mut self, outcome: &FixOutcome) {
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
    pub fn summary(&self, dry_run: bool) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn session(mode: Mode) -> Session {
        let settings = Settings {
            mode,
            threads: Some(1),
            ..Settings::default()
        };
        Session::new(Linter::builtin().unwrap(), settings)
    }

    #[test]
    fn check_goes_through_the_filter_stage() {
        let mut settings = Settings::default();
        settings.filters.min_severity = crate::Severity::Error;
        let strict = Session::new(Linter::builtin().unwrap(), settings);
        let text = "你必须先填表。";
        assert!(!session(Mode::Check).check_text(text).unwrap().is_empty());
        assert!(strict
            .check_text(text)
            .unwrap()
            .iter()
            .all(|d| d.severity >= crate::Severity::Error));
    }

    #[test]
    fn outcomes_come_back_in_input_order_and_sink_can_stop() {
        let dir = tempfile::tempdir().unwrap();
        let mut inputs = Vec::new();
        for index in 0..5 {
            let path = dir.path().join(format!("{index}.txt"));
            std::fs::write(&path, "你必须先填表。").unwrap();
            inputs.push(Input::File(path));
        }
        let session = Session::new(
            Linter::builtin().unwrap(),
            Settings {
                threads: Some(2),
                ..Settings::default()
            },
        );
        let mut seen = Vec::new();
        session.run(
            &inputs,
            |outcome| outcome.diagnostics.len(),
            |outcome, count| {
                assert!(count > 0);
                seen.push(outcome.input);
                if seen.len() == 3 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        );
        assert_eq!(seen, inputs[..3]);
    }

    #[test]
    fn threads_are_capped() {
        let settings = Settings {
            threads: Some(100_000),
            ..Settings::default()
        };
        assert_eq!(settings.effective_threads(), Some(MAX_THREADS));
    }

    #[test]
    fn fix_summary_counts() {
        let session = session(Mode::Fix(FixLevel::Unsafe));
        let outcome = session
            .fix(&Source::new("d", "你必须先填表。"), FixLevel::Unsafe)
            .unwrap();
        let mut tally = FixTally::default();
        tally.add(&outcome);
        assert_eq!(tally.safe + tally.unsafe_, outcome.applied.len());
        assert!(tally.summary(false).ends_with('.'));
    }
}
