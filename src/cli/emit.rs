//! Where and how `check` reports: the emitter for `--format`, the `--output-file` that receives
//! the report, and the `--statistics` table.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use replylint::report::github::GithubEmitter;
use replylint::report::gitlab::GitlabEmitter;
use replylint::report::human::HumanEmitter;
use replylint::report::json::JsonEmitter;
use replylint::report::line::LineEmitter;
use replylint::report::sarif::{RuleDocs, SarifEmitter};
use replylint::report::statistics::Statistics;
use replylint::report::{Emitter, InputReport, Rendered, Tally};
use replylint::rules::PackOrigin;
use replylint::RuleSet;
use serde::Serialize;

use super::Format;

/// The emitter for a format. `silent` (for `--statistics` without `--output-file`, where the
/// table replaces the findings) renders nothing.
pub fn emitter(
    format: Format,
    color: bool,
    rule_docs: Option<RuleDocs>,
    silent: bool,
) -> Box<dyn Emitter> {
    if silent {
        return Box::new(Silent);
    }
    match format {
        Format::Human => Box::new(HumanEmitter { color }),
        Format::Line => Box::new(LineEmitter),
        Format::Json => Box::new(JsonEmitter::default()),
        Format::Sarif => Box::new(SarifEmitter::new(
            env!("CARGO_PKG_VERSION"),
            repository().map(str::to_string),
            rule_docs,
        )),
        Format::Github => Box::new(GithubEmitter),
        Format::Gitlab => Box::new(GitlabEmitter::default()),
    }
}

/// The repository the package metadata names, if any.
fn repository() -> Option<&'static str> {
    Some(env!("CARGO_PKG_REPOSITORY").trim_end_matches('/')).filter(|url| !url.is_empty())
}

/// Where the generated pages of the built-in packs are published: `docs/rules/` of the
/// repository in the package metadata, on its main branch. Without a repository there is no
/// page to link to, and SARIF rules go without `helpUri`.
pub fn rule_docs(rules: &RuleSet) -> Option<RuleDocs> {
    let repository = repository()?;
    Some(RuleDocs {
        base: format!("{repository}/blob/main/docs/rules/"),
        packs: rules
            .packs
            .iter()
            .filter(|pack| matches!(pack.origin, PackOrigin::Builtin(_)))
            .map(|pack| pack.name.clone())
            .collect(),
    })
}

/// Renders nothing: the report is the statistics table.
struct Silent;

impl Emitter for Silent {
    fn render(&self, _report: &InputReport<'_>) -> io::Result<Rendered> {
        Ok(Rendered::default())
    }
}

/// The `--output-file` being written: a temporary file beside the target, renamed over it only
/// once the whole report is in, so a reader never sees half a report and a failed run leaves
/// the previous one.
pub struct ReportFile {
    path: PathBuf,
    file: io::BufWriter<tempfile::NamedTempFile>,
}

impl ReportFile {
    pub fn create(path: &Path) -> io::Result<ReportFile> {
        let dir = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let file = tempfile::NamedTempFile::new_in(dir)?;
        Ok(ReportFile {
            path: path.to_path_buf(),
            file: io::BufWriter::new(file),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Puts the finished report in place.
    pub fn commit(self) -> io::Result<()> {
        let file = self.file.into_inner().map_err(|error| error.into_error())?;
        file.as_file().sync_all()?;
        file.persist(&self.path).map_err(|error| error.error)?;
        Ok(())
    }
}

impl Write for ReportFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[derive(Serialize)]
struct JsonSummary<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    problems: usize,
    files_checked: usize,
    files_with_findings: usize,
    report: String,
    message: &'a str,
}

/// The run's one-line summary on standard error, for when the report went to a file (a JSON
/// Lines object with `--format json`, like every other message there).
pub fn summary(json: bool, tally: &Tally, report: &Path) -> io::Result<()> {
    let message = tally.summary();
    let mut stderr = io::stderr().lock();
    if json {
        let object = JsonSummary {
            kind: "summary",
            problems: tally.total(),
            files_checked: tally.files_checked,
            files_with_findings: tally.files_with_findings,
            report: report.display().to_string(),
            message: &message,
        };
        let line = serde_json::to_string(&object).map_err(io::Error::other)?;
        writeln!(stderr, "{line}")
    } else {
        writeln!(stderr, "{message} Report written to {}.", report.display())
    }
}

/// The `--statistics` table (or JSON object) on standard output.
pub fn statistics(out: &mut dyn Write, json: bool, statistics: &Statistics) -> io::Result<()> {
    let report = statistics.report();
    out.write_all(if json { report.json() } else { report.human() }.as_bytes())
}
