//! The generalisation sets in `tests/generalisation/<set>/*.yaml`: loading, the checks that make
//! a set well-formed, and scoring a linter against it.
//!
//! Shared by `tests/generalisation.rs` (well-formedness and a recall floor) and
//! `examples/generalisation.rs` (the report in `docs/rule-quality.md`), which include this file
//! with `#[path]` so that the library's public API stays free of test tooling.
//!
//! # How a case is scored
//!
//! - A **bad** draft is *caught at a level* when some finding of that severity or above
//!   overlaps the span of its `fault` substring: the two half-open byte ranges share at least
//!   one byte (a finding inside the fault, around it, or across one of its ends all count; one
//!   that merely touches an end does not, there is no tolerance around the span). Every
//!   occurrence of `fault` in `text` counts as the fault's span. Findings elsewhere in a bad
//!   draft do not catch it; `--misses` lists them, since the rest of a bad draft is meant to be
//!   fine.
//! - "Any level" means severity `hint` or above, i.e. any finding at all.
//! - A **good** draft is *clean* when it has no finding of severity `warning` or above;
//!   precision is the share of good drafts that are clean.

use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};

use replylint::{Linter, Severity};
use serde::Deserialize;

/// The folders under `tests/generalisation/`, in report order.
/// `holdout` was written together with `dev`, and `final` later, while the packs were rewritten;
/// both by writers who never saw the rules, and neither is ever used to tune them. `dev2` was
/// written blind after that; its first-sight score is recorded in docs/rule-quality.md, and after
/// that it is tuned on like `dev`.
pub const SETS: [&str; 4] = ["dev", "dev2", "holdout", "final"];

/// Where the sets live in this checkout.
pub fn sets_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/generalisation")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    Bad,
    Good,
}

/// The language groups a report is broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
pub enum Lang {
    #[serde(rename = "zh-Hans")]
    ZhHans,
    #[serde(rename = "zh-Hant-TW")]
    ZhHantTw,
    #[serde(rename = "zh-Hant-HK")]
    ZhHantHk,
    #[serde(rename = "en")]
    En,
    #[serde(rename = "lv")]
    Lv,
}

impl Lang {
    pub const ALL: [Lang; 5] = [
        Lang::ZhHans,
        Lang::ZhHantTw,
        Lang::ZhHantHk,
        Lang::En,
        Lang::Lv,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::ZhHans => "zh-Hans",
            Lang::ZhHantTw => "zh-Hant-TW",
            Lang::ZhHantHk => "zh-Hant-HK",
            Lang::En => "en",
            Lang::Lv => "lv",
        }
    }
}

/// The fault themes of the seed guidance; `Clean` is for good drafts that are a near-miss for
/// nothing in particular.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Theme {
    Command,
    Blame,
    Refusal,
    Policy,
    Excuse,
    Lecture,
    Confrontation,
    Doubt,
    Deflect,
    CalmDown,
    Vague,
    Overpromise,
    Negative,
    Clean,
}

impl Theme {
    /// The fault themes (every one but `Clean`), in report order.
    pub const FAULTS: [Theme; 13] = [
        Theme::Command,
        Theme::Blame,
        Theme::Refusal,
        Theme::Policy,
        Theme::Excuse,
        Theme::Lecture,
        Theme::Confrontation,
        Theme::Doubt,
        Theme::Deflect,
        Theme::CalmDown,
        Theme::Vague,
        Theme::Overpromise,
        Theme::Negative,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Command => "command",
            Theme::Blame => "blame",
            Theme::Refusal => "refusal",
            Theme::Policy => "policy",
            Theme::Excuse => "excuse",
            Theme::Lecture => "lecture",
            Theme::Confrontation => "confrontation",
            Theme::Doubt => "doubt",
            Theme::Deflect => "deflect",
            Theme::CalmDown => "calm-down",
            Theme::Vague => "vague",
            Theme::Overpromise => "overpromise",
            Theme::Negative => "negative",
            Theme::Clean => "clean",
        }
    }
}

/// One file of a set: its name (also the prefix of its ids) and the languages it may hold.
pub struct FileGroup {
    pub name: &'static str,
    pub langs: &'static [Lang],
}

pub const FILE_GROUPS: [FileGroup; 4] = [
    FileGroup {
        name: "zh-hans",
        langs: &[Lang::ZhHans],
    },
    FileGroup {
        name: "zh-hant",
        langs: &[Lang::ZhHantTw, Lang::ZhHantHk],
    },
    FileGroup {
        name: "en",
        langs: &[Lang::En],
    },
    FileGroup {
        name: "lv",
        langs: &[Lang::Lv],
    },
];

/// What a set must hold, per file group and label.
pub struct Minimums {
    /// (file group name, minimum bad drafts, minimum good drafts).
    pub per_file: &'static [(&'static str, usize, usize)],
    /// Minimum zh-Hant-HK drafts of each label in `zh-hant.yaml`.
    pub hong_kong_per_label: usize,
    /// Minimum bad drafts of every fault theme in every file group.
    pub bad_per_theme: usize,
}

/// The counts the issue and the set-writers' brief ask for; `None` for an unknown set.
pub fn minimums(set: &str) -> Option<Minimums> {
    match set {
        "dev" => Some(Minimums {
            per_file: &[
                ("zh-hans", 100, 100),
                ("zh-hant", 70, 70),
                ("en", 90, 90),
                ("lv", 50, 50),
            ],
            hong_kong_per_label: 25,
            bad_per_theme: 3,
        }),
        "dev2" => Some(Minimums {
            per_file: &[
                ("zh-hans", 120, 120),
                ("zh-hant", 90, 90),
                ("en", 120, 120),
                ("lv", 70, 70),
            ],
            hong_kong_per_label: 35,
            bad_per_theme: 4,
        }),
        "holdout" => Some(Minimums {
            per_file: &[
                ("zh-hans", 35, 35),
                ("zh-hant", 30, 30),
                ("en", 35, 35),
                ("lv", 25, 25),
            ],
            hong_kong_per_label: 0,
            bad_per_theme: 2,
        }),
        "final" => Some(Minimums {
            per_file: &[
                ("zh-hans", 30, 30),
                ("zh-hant", 25, 25),
                ("en", 30, 30),
                ("lv", 20, 20),
            ],
            hong_kong_per_label: 10,
            bad_per_theme: 1,
        }),
        _ => None,
    }
}

/// Share of the good drafts of a file group that must be deliberate near-misses (a theme other
/// than `clean`), and share of `zh-hant.yaml` that must be Hong Kong drafts.
const NEAR_MISS_SHARE: f64 = 0.4;
const HONG_KONG_SHARE: f64 = 1.0 / 3.0;

/// One draft of a set, as checked.
#[derive(Debug, Clone)]
pub struct Case {
    pub file: PathBuf,
    /// Line and column (1-based) of the case's `id` value.
    pub line: u64,
    pub column: u64,
    pub id: String,
    pub label: Label,
    pub lang: Lang,
    pub theme: Theme,
    pub source: String,
    pub fault: Option<String>,
    pub text: String,
    pub note: Option<String>,
}

impl Case {
    fn place(&self) -> String {
        format!("{}:{}:{}", self.file.display(), self.line, self.column)
    }

    /// Byte ranges of every occurrence of the fault in the text (none for a good draft).
    pub fn fault_spans(&self) -> Vec<Range<usize>> {
        match &self.fault {
            Some(fault) if !fault.is_empty() => self
                .text
                .match_indices(fault.as_str())
                .map(|(start, found)| start..start + found.len())
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    cases: Vec<RawCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    id: serde_saphyr::Spanned<String>,
    label: Label,
    lang: Lang,
    theme: Theme,
    source: String,
    fault: Option<String>,
    text: String,
    note: Option<String>,
}

/// Loads and checks one set. `Ok(None)` when its folder does not exist; otherwise every problem
/// found, each starting with `file:line:column` where there is one.
pub fn load_set(root: &Path, set: &str) -> Result<Option<Vec<Case>>, Vec<String>> {
    let folder = root.join(set);
    if !folder.is_dir() {
        return Ok(None);
    }
    let mut problems = Vec::new();
    let Some(minimums) = minimums(set) else {
        return Err(vec![format!(
            "{}: unknown set {set:?} (known: {})",
            folder.display(),
            SETS.join(", ")
        )]);
    };
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&folder) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
            .collect(),
        Err(error) => return Err(vec![format!("{}: {error}", folder.display())]),
    };
    files.sort();
    let mut cases = Vec::new();
    for group in &FILE_GROUPS {
        let path = folder.join(format!("{}.yaml", group.name));
        if !files.contains(&path) {
            problems.push(format!("{}: missing", path.display()));
        }
    }
    for path in &files {
        let stem = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or("");
        let Some(group) = FILE_GROUPS.iter().find(|group| group.name == stem) else {
            problems.push(format!(
                "{}: unexpected file (a set holds {})",
                path.display(),
                FILE_GROUPS
                    .map(|group| format!("{}.yaml", group.name))
                    .join(", ")
            ));
            continue;
        };
        let (mut loaded, mut found) = load_file(group, path);
        cases.append(&mut loaded);
        problems.append(&mut found);
    }
    check_set(set, &cases, &minimums, &mut problems);
    if problems.is_empty() {
        Ok(Some(cases))
    } else {
        Err(problems)
    }
}

/// The cases of one file and the problems found in it. Cases with problems are kept, so that
/// the set-level checks (duplicate ids, counts) still see them.
fn load_file(group: &FileGroup, path: &Path) -> (Vec<Case>, Vec<String>) {
    let raw = match parse_file(path) {
        Ok(raw) => raw,
        Err(problem) => return (Vec::new(), vec![problem]),
    };
    let mut problems = Vec::new();
    let mut cases = Vec::with_capacity(raw.cases.len());
    for raw in raw.cases {
        let case = Case {
            file: path.to_path_buf(),
            line: raw.id.referenced.line(),
            column: raw.id.referenced.column(),
            id: raw.id.value,
            label: raw.label,
            lang: raw.lang,
            theme: raw.theme,
            source: raw.source,
            fault: raw.fault,
            text: raw.text,
            note: raw.note,
        };
        check_case(group, &case, &mut problems);
        cases.push(case);
    }
    (cases, problems)
}

fn parse_file(path: &Path) -> Result<RawFile, String> {
    let text =
        std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?;
    serde_saphyr::from_str(&text).map_err(|error| {
        let place = match error.location() {
            Some(location) => format!(
                "{}:{}:{}",
                path.display(),
                location.line(),
                location.column()
            ),
            None => path.display().to_string(),
        };
        let message = error
            .without_snippet()
            .render_with_options(serde_saphyr::render_options! {
                snippets: serde_saphyr::SnippetMode::Off,
            });
        format!("{place}: {}", strip_location_suffix(&message))
    })
}

/// serde-saphyr ends plain messages with " at line L column C"; the place is already in front.
fn strip_location_suffix(message: &str) -> &str {
    let message = message.trim_end();
    match message.rfind(" at line ") {
        Some(index) if message[index..].contains(" column ") => &message[..index],
        _ => message,
    }
}

fn check_case(group: &FileGroup, case: &Case, problems: &mut Vec<String>) {
    let place = case.place();
    // `<group>-<label>-NNN`, optionally after a tag naming the set (the held-out set uses
    // `hold-zh-hans-bad-001`).
    let id_core = format!("{}-{}-", group.name, case.label);
    let well_formed_id = case.id.match_indices(&id_core).any(|(at, _)| {
        let (tag, number) = (&case.id[..at], &case.id[at + id_core.len()..]);
        let tag_ok = tag.is_empty()
            || tag.strip_suffix('-').is_some_and(|tag| {
                !tag.is_empty()
                    && tag
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        tag_ok && number.len() >= 3 && number.bytes().all(|b| b.is_ascii_digit())
    });
    if !well_formed_id {
        problems.push(format!(
            "{place}: id {:?} should be {id_core}NNN (file group, label, number), optionally after a set tag like `hold-`",
            case.id
        ));
    }
    if !group.langs.contains(&case.lang) {
        problems.push(format!(
            "{place}: {}: lang {} does not belong in {}.yaml",
            case.id,
            case.lang.as_str(),
            group.name
        ));
    }
    if case.text.trim().is_empty() {
        problems.push(format!("{place}: {}: empty text", case.id));
    }
    if !is_seed_source(&case.source) {
        problems.push(format!(
            "{place}: {}: source {:?} should start with a seed file number and \" · \" (\"004 · …\")",
            case.id, case.source
        ));
    }
    match (case.label, &case.fault) {
        (Label::Bad, None) => {
            problems.push(format!("{place}: {}: a bad draft needs `fault`", case.id))
        }
        (Label::Bad, Some(fault)) if fault.trim().is_empty() => {
            problems.push(format!("{place}: {}: empty fault", case.id))
        }
        (Label::Bad, Some(fault)) if !case.text.contains(fault.as_str()) => problems.push(format!(
            "{place}: {}: fault {fault:?} is not a substring of the text",
            case.id
        )),
        (Label::Good, Some(_)) => {
            problems.push(format!("{place}: {}: a good draft has no `fault`", case.id))
        }
        _ => {}
    }
    if case.label == Label::Bad && case.theme == Theme::Clean {
        problems.push(format!(
            "{place}: {}: theme `clean` is for good drafts only",
            case.id
        ));
    }
}

/// `NNN · …` where NNN names one of the seed files (`../shared/seeds/NNN_*.txt`).
fn is_seed_source(source: &str) -> bool {
    let mut chars = source.chars();
    let number: String = chars.by_ref().take(3).collect();
    number.len() == 3
        && number.bytes().all(|b| b.is_ascii_digit())
        && chars.as_str().starts_with(" · ")
        && chars.as_str().len() > " · ".len()
}

fn check_set(set: &str, cases: &[Case], minimums: &Minimums, problems: &mut Vec<String>) {
    let mut first_place: HashMap<&str, String> = HashMap::new();
    for case in cases {
        if let Some(first) = first_place.get(case.id.as_str()) {
            problems.push(format!(
                "{}: duplicate id {} (first at {first})",
                case.place(),
                case.id
            ));
        } else {
            first_place.insert(&case.id, case.place());
        }
    }
    for group in &FILE_GROUPS {
        let in_group: Vec<&Case> = cases
            .iter()
            .filter(|case| group.langs.contains(&case.lang))
            .collect();
        let count = |label: Label| in_group.iter().filter(|case| case.label == label).count();
        if let Some(&(_, bad, good)) = minimums
            .per_file
            .iter()
            .find(|(name, ..)| *name == group.name)
        {
            for (label, wanted) in [(Label::Bad, bad), (Label::Good, good)] {
                let have = count(label);
                if have < wanted {
                    problems.push(format!(
                        "{set}/{}.yaml: {have} {label} drafts, at least {wanted} wanted",
                        group.name
                    ));
                }
            }
        }
        for theme in Theme::FAULTS {
            let have = in_group
                .iter()
                .filter(|case| case.label == Label::Bad && case.theme == theme)
                .count();
            if have < minimums.bad_per_theme {
                problems.push(format!(
                    "{set}/{}.yaml: {have} bad drafts of theme {}, at least {} wanted",
                    group.name,
                    theme.as_str(),
                    minimums.bad_per_theme
                ));
            }
        }
        let good = count(Label::Good);
        let near_misses = in_group
            .iter()
            .filter(|case| case.label == Label::Good && case.theme != Theme::Clean)
            .count();
        if good > 0 && (near_misses as f64) < NEAR_MISS_SHARE * good as f64 {
            problems.push(format!(
                "{set}/{}.yaml: {near_misses} of {good} good drafts are near-misses, at least {:.0}% wanted",
                group.name,
                NEAR_MISS_SHARE * 100.0
            ));
        }
        if group.langs.contains(&Lang::ZhHantHk) {
            let hong_kong = |label: Label| {
                in_group
                    .iter()
                    .filter(|case| case.lang == Lang::ZhHantHk && case.label == label)
                    .count()
            };
            for label in [Label::Bad, Label::Good] {
                if hong_kong(label) < minimums.hong_kong_per_label {
                    problems.push(format!(
                        "{set}/{}.yaml: {} {label} zh-Hant-HK drafts, at least {} wanted",
                        group.name,
                        hong_kong(label),
                        minimums.hong_kong_per_label
                    ));
                }
            }
            let all_hong_kong = hong_kong(Label::Bad) + hong_kong(Label::Good);
            if (all_hong_kong as f64) < HONG_KONG_SHARE * in_group.len() as f64 {
                problems.push(format!(
                    "{set}/{}.yaml: {all_hong_kong} of {} drafts are zh-Hant-HK, at least a third wanted",
                    group.name,
                    in_group.len()
                ));
            }
        }
    }
}

/// One finding on a case, reduced to what scoring needs.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub span: Range<usize>,
    /// Whether it overlaps the fault (always false on a good draft).
    pub on_fault: bool,
}

/// A case and what the linter found in it.
#[derive(Debug, Clone)]
pub struct Outcome<'a> {
    pub case: &'a Case,
    pub findings: Vec<Finding>,
}

impl Outcome<'_> {
    /// A bad draft with a finding at `level` or above on its fault.
    pub fn caught(&self, level: Severity) -> bool {
        self.findings
            .iter()
            .any(|finding| finding.on_fault && finding.severity >= level)
    }

    /// A good draft with no finding at warning or above.
    pub fn clean(&self) -> bool {
        !self
            .findings
            .iter()
            .any(|finding| finding.severity >= Severity::Warning)
    }
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Runs the linter over every case.
pub fn score<'a>(linter: &Linter, cases: &'a [Case]) -> Vec<Outcome<'a>> {
    cases
        .iter()
        .map(|case| {
            let fault_spans = case.fault_spans();
            let findings = linter
                .check_text(&case.text)
                .into_iter()
                .map(|diagnostic| Finding {
                    on_fault: fault_spans
                        .iter()
                        .any(|fault| overlaps(fault, &diagnostic.span)),
                    rule: diagnostic.rule.id.to_string(),
                    severity: diagnostic.severity,
                    span: diagnostic.span,
                })
                .collect();
            Outcome { case, findings }
        })
        .collect()
}

/// Counts for one row of a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub bad: usize,
    pub caught_at_warning: usize,
    pub caught_at_any: usize,
    pub good: usize,
    pub good_clean: usize,
}

impl Tally {
    fn add(&mut self, outcome: &Outcome) {
        match outcome.case.label {
            Label::Bad => {
                self.bad += 1;
                self.caught_at_warning += usize::from(outcome.caught(Severity::Warning));
                self.caught_at_any += usize::from(outcome.caught(Severity::Hint));
            }
            Label::Good => {
                self.good += 1;
                self.good_clean += usize::from(outcome.clean());
            }
        }
    }

    pub fn recall_at_warning(&self) -> Option<f64> {
        ratio(self.caught_at_warning, self.bad)
    }

    pub fn recall_at_any(&self) -> Option<f64> {
        ratio(self.caught_at_any, self.bad)
    }

    pub fn precision(&self) -> Option<f64> {
        ratio(self.good_clean, self.good)
    }
}

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Tallies by language group, by theme and overall.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub by_lang: BTreeMap<Lang, Tally>,
    /// Good drafts are counted under the theme they are a near-miss for (or `clean`).
    pub by_theme: BTreeMap<Theme, Tally>,
    pub overall: Tally,
}

impl Report {
    pub fn new(outcomes: &[Outcome]) -> Report {
        let mut report = Report::default();
        for outcome in outcomes {
            report
                .by_lang
                .entry(outcome.case.lang)
                .or_default()
                .add(outcome);
            report
                .by_theme
                .entry(outcome.case.theme)
                .or_default()
                .add(outcome);
            report.overall.add(outcome);
        }
        report
    }

    /// Two tables, by language group and by theme, each with an overall row; Markdown for
    /// `docs/rule-quality.md` or aligned plain text for a terminal.
    pub fn render(&self, title: &str, markdown: bool) -> String {
        let mut out = String::new();
        let langs = Lang::ALL
            .iter()
            .filter_map(|lang| self.by_lang.get(lang).map(|tally| (lang.as_str(), tally)));
        let themes = Theme::FAULTS
            .iter()
            .chain([&Theme::Clean])
            .filter_map(|theme| {
                self.by_theme
                    .get(theme)
                    .map(|tally| (theme.as_str(), tally))
            });
        for (heading, rows) in [
            ("language", langs.collect::<Vec<_>>()),
            ("theme", themes.collect::<Vec<_>>()),
        ] {
            let mut table = vec![vec![
                heading.to_string(),
                "bad".to_string(),
                "recall at warning".to_string(),
                "recall at any level".to_string(),
                "good".to_string(),
                "good without warning".to_string(),
            ]];
            for (name, tally) in rows.into_iter().chain([("overall", &self.overall)]) {
                table.push(row(name, tally, markdown));
            }
            if markdown {
                let _ = writeln!(out, "**{title}, by {heading}**\n");
            } else {
                let _ = writeln!(out, "{title}, by {heading}:");
            }
            out.push_str(&render_table(&table, markdown));
            out.push('\n');
        }
        out
    }
}

fn row(name: &str, tally: &Tally, markdown: bool) -> Vec<String> {
    let name = if markdown && name == "overall" {
        "**overall**".to_string()
    } else {
        name.to_string()
    };
    vec![
        name,
        tally.bad.to_string(),
        share(tally.caught_at_warning, tally.recall_at_warning()),
        share(tally.caught_at_any, tally.recall_at_any()),
        tally.good.to_string(),
        share(tally.good_clean, tally.precision()),
    ]
}

fn share(count: usize, ratio: Option<f64>) -> String {
    match ratio {
        Some(ratio) => format!("{:.1}% ({count})", ratio * 100.0),
        None => "–".to_string(),
    }
}

fn render_table(rows: &[Vec<String>], markdown: bool) -> String {
    let mut out = String::new();
    if markdown {
        for (index, row) in rows.iter().enumerate() {
            let _ = writeln!(out, "| {} |", row.join(" | "));
            if index == 0 {
                let rule: Vec<&str> = (0..row.len())
                    .map(|column| if column == 0 { "---" } else { "---:" })
                    .collect();
                let _ = writeln!(out, "|{}|", rule.join("|"));
            }
        }
        return out;
    }
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|column| {
            rows.iter()
                .map(|row| row[column].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let mut line = String::new();
        for (column, cell) in row.iter().enumerate() {
            let pad = widths[column] - cell.chars().count();
            if column == 0 {
                let _ = write!(line, "{cell}{}", " ".repeat(pad));
            } else {
                let _ = write!(line, "  {}{cell}", " ".repeat(pad));
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

/// Bad drafts not caught at warning level and good drafts with a warning, one per line:
/// the id, what fired (rule id and severity; `elsewhere` for a bad draft's findings off the
/// fault), the fault, and the text.
pub fn misses(outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    for outcome in outcomes {
        let case = outcome.case;
        let describe = |findings: &mut dyn Iterator<Item = &Finding>| -> String {
            let fired: Vec<String> = findings
                .map(|finding| {
                    let found = case.text.get(finding.span.clone()).unwrap_or("");
                    format!("{} ({}) «{found}»", finding.rule, finding.severity)
                })
                .collect();
            if fired.is_empty() {
                "nothing".to_string()
            } else {
                fired.join(", ")
            }
        };
        match case.label {
            Label::Bad if !outcome.caught(Severity::Warning) => {
                let on_fault = describe(&mut outcome.findings.iter().filter(|f| f.on_fault));
                let elsewhere: Vec<&Finding> =
                    outcome.findings.iter().filter(|f| !f.on_fault).collect();
                let _ = write!(
                    out,
                    "missed {} [{}]: on fault: {on_fault}",
                    case.id,
                    case.theme.as_str()
                );
                if !elsewhere.is_empty() {
                    let _ = write!(out, "; elsewhere: {}", describe(&mut elsewhere.into_iter()));
                }
                let _ = writeln!(
                    out,
                    "\n    fault:  {}\n    text:   {}\n    source: {}",
                    case.fault.as_deref().unwrap_or(""),
                    case.text,
                    case.source
                );
            }
            Label::Good if !outcome.clean() => {
                let fired = describe(
                    &mut outcome
                        .findings
                        .iter()
                        .filter(|f| f.severity >= Severity::Warning),
                );
                let _ = writeln!(
                    out,
                    "false positive {} [{}]: {fired}\n    text:   {}",
                    case.id,
                    case.theme.as_str(),
                    case.text
                );
                if let Some(note) = &case.note {
                    let _ = writeln!(out, "    note:   {note}");
                }
            }
            _ => {}
        }
    }
    out
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Label::Bad => "bad",
            Label::Good => "good",
        })
    }
}
