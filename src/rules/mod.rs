//! Rules: what a pack file says, validated and ready for the matcher.
//!
//! A rule's behaviour comes from its [`RuleKind`]; its content (phrases, rewrites, examples) is
//! data loaded from YAML packs. See `docs/rules.md` for the file format.

pub mod builtin;
mod builtin_data;
pub mod classes;
pub mod error;
pub(crate) mod kinds;
mod list;
mod load;
pub mod pattern;
pub mod reference;
pub mod template;

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Deserialize;

pub use error::{PatternError, RewriteError, RuleProblem};
pub use list::List;
pub use load::{load_classes, load_pack, load_pack_with, SharedClasses};
pub(crate) use load::{recognizer_rule, rubric_classes, ClassesField, Recognizer};
use pattern::Pattern;
use template::Template;

/// How serious a finding is. Ordered: `Hint < Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Hint,
        Severity::Info,
        Severity::Warning,
        Severity::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|severity| severity.as_str() == text)
            .ok_or_else(|| format!("unknown severity `{text}`: use hint, info, warning or error"))
    }
}

/// How far a rule's first rewrite can be trusted without a human reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixSafety {
    /// Applied by `--fix`: the rewrite keeps the meaning.
    Safe,
    /// Applied only with `--unsafe-fixes`: the rewrite changes meaning or register.
    Unsafe,
    /// Never applied: a suggestion a human has to finish.
    DisplayOnly,
}

impl FixSafety {
    pub fn as_str(self) -> &'static str {
        match self {
            FixSafety::Safe => "safe",
            FixSafety::Unsafe => "unsafe",
            FixSafety::DisplayOnly => "display-only",
        }
    }
}

/// The behaviour a rule has; see `docs/rules.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// Literal phrases with preferred rewrites.
    Swap,
    /// Literal phrases with no mechanical rewrite.
    Avoid,
    /// A regular expression whose captures feed the rewrite.
    Pattern,
}

impl RuleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Swap => "swap",
            RuleKind::Avoid => "avoid",
            RuleKind::Pattern => "pattern",
        }
    }
}

/// Text of a rule: borrowed from the binary for built-in rules, owned for rules loaded from files.
pub type RuleText = Cow<'static, str>;

/// A list of texts: borrowed from the binary for built-in rules, owned for loaded ones.
pub type Texts = List<RuleText>;

/// Texts a rule must fire on (`bad`) and must stay quiet on (`good`).
#[derive(Debug, Clone, Default)]
pub struct Examples {
    pub bad: Texts,
    pub good: Texts,
}

/// Literal texts of a rule: as written in the pack (for its documentation) and as the matcher
/// looks for them (classes expanded, normalised; with Latvian, also without diacritics).
#[derive(Debug, Clone, Default)]
pub struct Literals {
    pub written: Texts,
    pub keys: Texts,
}

impl Literals {
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// A phrase with gaps: its parts in order, each a list of literal variants (normalised), and
/// the most words allowed between one part and the next, inside one sentence.
#[derive(Debug, Clone)]
pub struct Sequence {
    pub parts: List<Texts>,
    pub gaps: List<u8>,
}

/// How far an `unless` condition looks for an alternative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reach {
    /// The sentence of the match.
    Sentence,
    /// That sentence or the one after it.
    NextSentence,
}

/// A rule's `unless`: when one of its phrases occurs near the match, the match is dropped or
/// reported at a lower severity (a refusal that offers an alternative is not a bare refusal).
#[derive(Debug, Clone)]
pub struct Unless {
    pub phrases: Literals,
    pub reach: Reach,
    /// The severity to report instead; `None` drops the match.
    pub then: Option<Severity>,
}

/// A phrase literal written with `|` marks (`你|得|先`): the offsets in `key` where a word must
/// begin or end. In Chinese text the words are those of a segmenter (jieba) run on the clause
/// around the match.
#[derive(Debug, Clone)]
pub struct WordBreaks {
    pub key: RuleText,
    pub at: List<u16>,
}

/// A class a rule uses, with its members as written, for the rule's documentation.
#[derive(Debug, Clone)]
pub struct ClassUse {
    pub name: RuleText,
    pub members: Texts,
}

/// A validated rule.
///
/// The built-in packs are this type written out as Rust literals (`builtin_data.rs`), each
/// ending in `..Rule::DEFAULT`; so a new field needs only a value in [`Rule::DEFAULT`] for the
/// generated file to keep compiling until it is regenerated.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: RuleText,
    pub pack: RuleText,
    pub language: RuleText,
    pub kind: RuleKind,
    pub category: RuleText,
    pub severity: Severity,
    pub message: RuleText,
    pub why: RuleText,
    pub source: RuleText,
    pub phrases: Texts,
    /// `phrases` as the matcher sees them, folded by [`crate::normalize::normalize`].
    pub normalized_phrases: Texts,
    /// A `pattern` rule's regex, matched against the normalised view.
    pub pattern: Option<Pattern>,
    pub rewrites: List<Template>,
    pub instead: Texts,
    pub clause: bool,
    pub exceptions: Texts,
    /// `exceptions`, folded like `normalized_phrases`.
    pub normalized_exceptions: Texts,
    pub fix: FixSafety,
    pub examples: Examples,
    /// Phrases with gaps (`{you}{…4}{must}`), found part by part.
    pub sequences: List<Sequence>,
    pub unless: Option<Unless>,
    /// When not empty, a match counts only if one of these comes before it in its clause.
    pub when_subject: Literals,
    /// A match does not count if one of these comes before it in its clause.
    pub unless_subject: Literals,
    /// Whether the rule also fires inside quotation marks and title marks (“…”, 「…」, 《…》,
    /// "…"), which usually quote a product name, a title or someone else's words.
    pub in_quotes: bool,
    /// The classes the rule's texts use, for its documentation.
    pub classes: List<ClassUse>,
    /// Phrase literals that must not split a word, and where.
    pub word_breaks: List<WordBreaks>,
}

impl Rule {
    /// The value of every field a generated rule does not spell out. The fields every rule has
    /// (id, texts, kind, severity, fix) are always written by the generator; the defaults of
    /// the others are what a pack file means by leaving them out.
    pub const DEFAULT: Rule = Rule {
        id: Cow::Borrowed(""),
        pack: Cow::Borrowed(""),
        language: Cow::Borrowed(""),
        kind: RuleKind::Avoid,
        category: Cow::Borrowed(""),
        severity: Severity::Info,
        message: Cow::Borrowed(""),
        why: Cow::Borrowed(""),
        source: Cow::Borrowed(""),
        phrases: List(Cow::Borrowed(&[])),
        normalized_phrases: List(Cow::Borrowed(&[])),
        pattern: None,
        rewrites: List(Cow::Borrowed(&[])),
        instead: List(Cow::Borrowed(&[])),
        clause: false,
        exceptions: List(Cow::Borrowed(&[])),
        normalized_exceptions: List(Cow::Borrowed(&[])),
        fix: FixSafety::DisplayOnly,
        examples: Examples {
            bad: List(Cow::Borrowed(&[])),
            good: List(Cow::Borrowed(&[])),
        },
        sequences: List(Cow::Borrowed(&[])),
        unless: None,
        when_subject: Literals {
            written: List(Cow::Borrowed(&[])),
            keys: List(Cow::Borrowed(&[])),
        },
        unless_subject: Literals {
            written: List(Cow::Borrowed(&[])),
            keys: List(Cow::Borrowed(&[])),
        },
        in_quotes: false,
        classes: List(Cow::Borrowed(&[])),
        word_breaks: List(Cow::Borrowed(&[])),
    };

    /// What this rule's kind does: its keys for the automaton and how it fills a rewrite.
    pub(crate) fn behaviour(&self) -> &'static dyn kinds::KindBehaviour {
        kinds::behaviour(self.kind, self.clause)
    }

    /// Whether rewrites should come back in the writer's Chinese script.
    pub fn adapts_chinese_script(&self) -> bool {
        self.language == "zh" || self.language.starts_with("zh-")
    }
}

/// Where a pack came from, for error messages and `rules list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackOrigin {
    /// Embedded in the binary; the path is relative to the repository's `rules/`.
    Builtin(&'static str),
    File(std::path::PathBuf),
}

impl fmt::Display for PackOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackOrigin::Builtin(path) => write!(f, "<builtin>/rules/{path}"),
            PackOrigin::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// One pack file, validated.
#[derive(Debug, Clone)]
pub struct RulePack {
    pub name: String,
    pub language: String,
    pub description: String,
    pub origin: PackOrigin,
    pub rules: Vec<Arc<Rule>>,
    pub(crate) spans: load::PackSpans,
}

impl RulePack {
    /// A pack built in code rather than read from a file (a rubric's move recognisers).
    pub(crate) fn internal(
        name: String,
        language: String,
        origin: PackOrigin,
        rules: Vec<Rule>,
    ) -> RulePack {
        let rule_ids = vec![0..0; rules.len()];
        RulePack {
            name,
            language,
            description: String::new(),
            origin,
            rules: rules.into_iter().map(Arc::new).collect(),
            spans: load::PackSpans {
                text: Arc::from(""),
                name: 0..0,
                rule_ids,
            },
        }
    }
}

/// A problem in a rule file, pointing at the offending value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// The file as the user should see it named.
    pub origin: String,
    /// The whole text of the file, so the error can be rendered with its context.
    pub text: Arc<str>,
    /// Byte range of the offending value in `text`.
    pub span: Range<usize>,
    pub problem: RuleProblem,
}

impl RuleError {
    /// What is wrong, without the place.
    pub fn message(&self) -> String {
        self.problem.to_string()
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, column) = crate::source::line_column(&self.text, self.span.start);
        write!(f, "{}:{line}:{column}: {}", self.origin, self.problem)
    }
}

impl std::error::Error for RuleError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.problem)
    }
}

/// Every rule in effect for a run, from built-in and user packs, with unique ids.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub packs: Vec<RulePack>,
    /// Every rule id and the pack that defines it, so adding a pack stays linear.
    ids: std::collections::HashMap<String, String>,
}

impl RuleSet {
    /// The packs embedded in the binary.
    pub fn builtin() -> Result<RuleSet, RuleError> {
        let mut set = RuleSet::default();
        for pack in builtin::packs() {
            set.add(pack)?;
        }
        Ok(set)
    }

    /// Loads every `*.yaml`/`*.yml` file below `dir` (or `dir` itself if it is a file), in
    /// path order so that results never depend on directory listing order.
    pub fn add_dir(&mut self, dir: &Path) -> Result<(), RuleError> {
        let files = pack_files(dir).map_err(|error| io_rule_error(dir, &error))?;
        // Classes files (`classes.yaml`) define classes for every pack of their language, so
        // they are read first; the built-in classes are the base they extend.
        let (class_files, pack_files): (Vec<_>, Vec<_>) =
            files.into_iter().partition(|path| is_classes_file(path));
        let mut shared = SharedClasses::builtin().clone();
        for path in class_files {
            let text = crate::inputs::read_regular_to_string(&path)
                .map_err(|error| io_rule_error(&path, &error))?;
            let (language, classes) = load_classes(&text, PackOrigin::File(path))?;
            shared.extend(&language, &classes);
        }
        // Parsing is most of the cost of a large custom rule set, and files are independent, so
        // they are parsed in parallel and then added in path order: errors and results stay the
        // same whatever the thread scheduling.
        let packs: Vec<Result<RulePack, RuleError>> = pack_files
            .into_par_iter()
            .map(|path| {
                let text = crate::inputs::read_regular_to_string(&path)
                    .map_err(|error| io_rule_error(&path, &error))?;
                load_pack_with(&text, PackOrigin::File(path), &shared)
            })
            .collect();
        for pack in packs {
            self.add(pack?)?;
        }
        Ok(())
    }

    /// Adds a pack, rejecting a pack name or rule id that is already taken. A pack loaded from a
    /// file replaces a built-in pack of the same name, so a team can copy a built-in pack, adapt
    /// it and load it with `--rules`.
    pub fn add(&mut self, pack: RulePack) -> Result<(), RuleError> {
        let replaced = self.packs.iter().position(|known| known.name == pack.name);
        if let Some(position) = replaced {
            let existing = &self.packs[position];
            let replaces_builtin = matches!(existing.origin, PackOrigin::Builtin(_))
                && matches!(pack.origin, PackOrigin::File(_));
            if !replaces_builtin {
                let problem = RuleProblem::DuplicatePack {
                    name: pack.name.clone(),
                    owner: existing.origin.to_string(),
                };
                return Err(load::duplicate_error(&pack, load::Clash::PackName, problem));
            }
        }
        for rule in &pack.rules {
            // Ids of the pack being replaced are free to reuse; pack names are unique, so those
            // are exactly the ids registered under this pack's name.
            if let Some(existing) = self.ids.get(&*rule.id).filter(|owner| **owner != pack.name) {
                let problem = RuleProblem::DuplicateId {
                    id: rule.id.to_string(),
                    pack: existing.clone(),
                };
                return Err(load::duplicate_error(
                    &pack,
                    load::Clash::RuleId(&rule.id),
                    problem,
                ));
            }
        }
        if let Some(position) = replaced {
            let old = self.packs.remove(position);
            for rule in &old.rules {
                self.ids.remove(&*rule.id);
            }
        }
        for rule in &pack.rules {
            self.ids.insert(rule.id.to_string(), pack.name.clone());
        }
        self.packs.push(pack);
        Ok(())
    }

    /// Keeps only the packs `keep` accepts (a config file's `packs`).
    pub fn retain_packs(&mut self, mut keep: impl FnMut(&RulePack) -> bool) {
        self.packs.retain(|pack| keep(pack));
        let packs = &self.packs;
        self.ids
            .retain(|_, owner| packs.iter().any(|pack| pack.name == *owner));
    }

    pub fn rules(&self) -> impl Iterator<Item = &Arc<Rule>> {
        self.packs.iter().flat_map(|pack| pack.rules.iter())
    }

    pub fn rule(&self, id: &str) -> Option<&Arc<Rule>> {
        self.rules().find(|rule| rule.id == id)
    }

    pub fn len(&self) -> usize {
        self.packs.iter().map(|pack| pack.rules.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The largest pack file loaded (16 MiB, hundreds of times the built-in packs): a larger one is
/// refused before it is read, so a stray export cannot exhaust memory in the YAML parser.
pub const MAX_PACK_BYTES: u64 = 16 * 1024 * 1024;

/// The pack files (`*.yaml`, `*.yml`) below `dir`, or `dir` itself if it is a file, sorted.
///
/// A rules folder may come from somewhere untrusted (a repository under review), so the walk is
/// contained: a symbolic link is followed only when it leads to somewhere inside `dir` (one
/// leading out is an error that names the link and never reads its target, which could be a
/// `.env` file whose first line an error would otherwise quote), a folder reached twice (a
/// symlink loop) is an error, and only regular files are returned (a FIFO named `x.yaml` would
/// block the run forever). `dir` itself is what the user named, and is followed wherever it
/// leads.
pub fn pack_files(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    use std::io::{Error, ErrorKind};
    let metadata = std::fs::metadata(dir)?;
    if !metadata.is_dir() {
        check_pack_file(dir, &metadata)?;
        return Ok(vec![dir.to_path_buf()]);
    }
    let root = std::fs::canonicalize(dir)?;
    let mut visited = std::collections::HashSet::from([root.clone()]);
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            let path = entry.path();
            let file_type = entry.file_type()?;
            let is_pack = matches!(
                path.extension().and_then(|ext| ext.to_str()),
                Some("yaml" | "yml")
            ) && !is_rubric_file(&path);
            let target_metadata = if file_type.is_symlink() {
                let outside = || {
                    Error::new(
                        ErrorKind::PermissionDenied,
                        format!(
                            "`{}` is a symbolic link that leads outside `{}`; not followed",
                            path.display(),
                            dir.display()
                        ),
                    )
                };
                let Ok(target) = std::fs::canonicalize(&path) else {
                    if is_pack {
                        return Err(Error::new(
                            ErrorKind::NotFound,
                            format!("`{}` is a symbolic link to nothing", path.display()),
                        ));
                    }
                    continue;
                };
                if !target.starts_with(&root) {
                    return Err(outside());
                }
                std::fs::metadata(&target)?
            } else {
                entry.metadata()?
            };
            if target_metadata.is_dir() && !visited.insert(std::fs::canonicalize(&path)?) {
                return Err(Error::other(format!(
                    "`{}` leads to a folder already read (a symbolic link loop, or a second \
                     link to one folder)",
                    path.display()
                )));
            }
            if target_metadata.is_dir() {
                pending.push(path);
            } else if is_pack {
                check_pack_file(&path, &target_metadata)?;
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// A pack file must be a regular file of a sane size; anything else is refused unopened.
fn check_pack_file(path: &Path, metadata: &std::fs::Metadata) -> std::io::Result<()> {
    if !metadata.is_file() {
        return Err(std::io::Error::other(format!(
            "`{}` is not a regular file; not read",
            path.display()
        )));
    }
    if metadata.len() > MAX_PACK_BYTES {
        return Err(std::io::Error::other(format!(
            "`{}` is {} bytes, more than the {MAX_PACK_BYTES} a pack file may have",
            path.display(),
            metadata.len()
        )));
    }
    Ok(())
}

/// Whether a file below a rules folder defines classes rather than a pack.
/// Whether a file is a grading rubric (`*.rubric.yaml`, see `docs/grading.md`), which pack
/// folders may hold beside their packs.
pub fn is_rubric_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.ends_with(".rubric.yaml") || name.ends_with(".rubric.yml"))
}

pub fn is_classes_file(path: &Path) -> bool {
    matches!(
        path.file_name().and_then(|name| name.to_str()),
        Some("classes.yaml" | "classes.yml")
    )
}

fn io_rule_error(path: &Path, error: &std::io::Error) -> RuleError {
    RuleError {
        origin: path.display().to_string(),
        text: Arc::from(""),
        span: 0..0,
        problem: RuleProblem::Io(error.to_string()),
    }
}

#[cfg(test)]
mod language_tests;
