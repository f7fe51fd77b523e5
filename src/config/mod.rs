//! Configuration: `replylint.toml` (or `.replylint.toml`), found by walking up from each checked
//! file's directory the way ruff does: the nearest file wins, and command-line flags win over
//! it. A config file and the flags resolve into a [`Profile`]: the compiled linter, the filter
//! stage and the run settings that apply to the files under that config. See `docs/config.md`.

pub mod inputs;
pub mod selector;

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::filter::{Filters, PerFileIgnore, Selection};
use crate::linter::Linter;
use crate::placeholder::Placeholders;
use crate::rules::{RuleError, RuleSet, Severity};
use crate::source::{DecodeOptions, KeyPath};
pub use inputs::InputMappings;
use selector::Selector;

/// The names a config file may have, in the order they are looked for in each directory.
pub const FILE_NAMES: [&str; 2] = ["replylint.toml", ".replylint.toml"];

/// A problem in a config file, pointing at the offending value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}:{line}:{column}: {message}", line = self.line_column().0, column = self.line_column().1)]
pub struct ConfigError {
    /// The file as the user should see it named.
    pub origin: String,
    /// The whole text of the file, so the error can be rendered with its context.
    pub text: Arc<str>,
    /// Byte range of the offending value in `text`.
    pub span: Range<usize>,
    pub message: String,
}

impl ConfigError {
    fn at(file: &ConfigFile, span: Range<usize>, message: impl Into<String>) -> ConfigError {
        ConfigError {
            origin: display_path(&file.path),
            text: file.text.clone(),
            span,
            message: message.into(),
        }
    }

    /// 1-based line and column of the offending value.
    pub fn line_column(&self) -> (usize, usize) {
        crate::source::line_column(&self.text, self.span.start)
    }
}

/// Why a profile could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Rules(#[from] RuleError),
    /// A flag's value is wrong.
    #[error("{flag}: {message}")]
    Usage { flag: String, message: String },
}

/// A config file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    packs: Option<Vec<Spanned<String>>>,
    rules: Option<Vec<Spanned<String>>>,
    select: Option<Vec<Spanned<String>>>,
    extend_select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    severity: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    fail_on: Option<Spanned<String>>,
    min_severity: Option<Spanned<String>>,
    per_file_ignores: Option<BTreeMap<Spanned<String>, Vec<Spanned<String>>>>,
    include: Option<Vec<Spanned<String>>>,
    exclude: Option<Vec<Spanned<String>>>,
    placeholders: Option<Vec<Spanned<String>>>,
    /// The JSON field or CSV column listing rules to ignore for its record.
    ignore_field: Option<Spanned<String>>,
    /// What to lint in structured files (`[input.json] keys = […]`), see [`inputs`].
    input: Option<inputs::RawInputs>,
}

/// A parsed config file.
#[derive(Debug)]
pub struct ConfigFile {
    pub path: PathBuf,
    /// The directory relative paths and globs in the file are relative to.
    pub dir: PathBuf,
    text: Arc<str>,
    raw: RawConfig,
}

impl ConfigFile {
    /// Reads and parses a config file (not yet checked against the rules).
    pub fn read(path: &Path) -> Result<ConfigFile, ConfigError> {
        let text = crate::inputs::read_regular_to_string(path).map_err(|error| ConfigError {
            origin: path.display().to_string(),
            text: Arc::from(""),
            span: 0..0,
            message: format!("cannot read the config file: {error}"),
        })?;
        ConfigFile::parse(path, &text)
    }

    /// Parses config text that was read from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, ConfigError> {
        let text: Arc<str> = Arc::from(text);
        let raw: RawConfig = toml::from_str(&text).map_err(|error| ConfigError {
            origin: display_path(path),
            text: text.clone(),
            span: error.span().unwrap_or(0..0),
            message: error.message().trim().to_string(),
        })?;
        let dir = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
        Ok(ConfigFile {
            path: path.to_path_buf(),
            dir,
            text,
            raw,
        })
    }
}

/// A path as the user should see it: relative to the working directory when it is inside it.
fn display_path(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The config file that governs `dir`: the nearest `replylint.toml` or `.replylint.toml` in it
/// or an ancestor.
pub fn find(dir: &Path) -> Option<PathBuf> {
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    dir.ancestors().find_map(|ancestor| {
        FILE_NAMES
            .iter()
            .map(|name| ancestor.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// Settings given as command-line flags; each one, when given, wins over every config file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Built-in packs to use, by language or pack name.
    pub packs: Option<Vec<String>>,
    pub no_builtin: bool,
    /// Extra pack directories (added to the config file's).
    pub rules: Vec<PathBuf>,
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    /// `SELECTOR=LEVEL` severity overrides (applied after the config file's).
    pub severity: Vec<(String, Severity)>,
    pub fail_on: Option<Severity>,
    pub min_severity: Option<Severity>,
    pub placeholders: Vec<String>,
    /// `GLOB:SELECTOR[,SELECTOR…]` per-file ignores, globs relative to the working directory
    /// (added to the config file's).
    pub per_file_ignores: Vec<(String, Vec<String>)>,
    /// The record-level ignore field or column (replaces the config file's).
    pub ignore_field: Option<String>,
    pub no_default_placeholders: bool,
    /// `--keys`: the JSON and YAML values to lint (replaces every `[input.json]` and
    /// `[input.yaml]` key).
    pub keys: Vec<KeyPath>,
    /// `--columns`: the CSV and TSV columns to lint (replaces every `[input.csv]` column).
    pub columns: Vec<String>,
}

/// Where the value of a setting came from, for `replylint config`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", content = "path", rename_all = "lowercase")]
pub enum Origin {
    Default,
    File(PathBuf),
    Flag,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::File(path) => write!(f, "{}", path.display()),
            Origin::Flag => f.write_str("command line"),
        }
    }
}

/// One effective setting, for `replylint config`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Effective {
    pub name: &'static str,
    pub value: serde_json::Value,
    pub origin: Origin,
}

/// A pack a config file or flag asks for, with where it was written.
type WantedPack = (String, Option<Range<usize>>);

/// Everything that applies to the files under one config file (or to every file, without one).
#[derive(Debug)]
pub struct Profile {
    pub linter: Linter,
    pub filters: Filters,
    pub fail_on: Severity,
    /// The config file, if any.
    pub config: Option<ConfigFile>,
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
    /// What to lint in structured files: the `[input.*]` tables, or the `--keys` and `--columns`
    /// flags that replace them.
    pub inputs: InputMappings,
    /// The settings in effect and where each came from.
    pub effective: Vec<Effective>,
}

impl Profile {
    /// A profile without a config file, from a linter and filters built by hand.
    pub fn from_parts(linter: Linter, filters: Filters, fail_on: Severity) -> Profile {
        Profile {
            linter,
            filters,
            fail_on,
            config: None,
            include: None,
            exclude: None,
            inputs: InputMappings::default(),
            effective: Vec::new(),
        }
    }

    /// Builds the profile of `config` (or of the defaults) with the flags on top.
    pub fn build(config: Option<ConfigFile>, flags: &Overrides) -> Result<Profile, ProfileError> {
        let raw = config.as_ref().map(|file| &file.raw);
        let file_origin = || {
            config
                .as_ref()
                .map_or(Origin::Default, |file| Origin::File(file.path.clone()))
        };
        let mut effective = Vec::new();
        let mut note = |name: &'static str, value: serde_json::Value, origin: Origin| {
            effective.push(Effective {
                name,
                value,
                origin,
            });
        };

        // Rules: the built-in packs (all, or those chosen), then extra directories.
        let mut rules = if flags.no_builtin {
            RuleSet::default()
        } else {
            RuleSet::builtin()?
        };
        let packs: Option<(Vec<WantedPack>, Origin)> =
            match (&flags.packs, raw.and_then(|raw| raw.packs.as_ref())) {
                (Some(packs), _) => Some((
                    packs.iter().map(|pack| (pack.clone(), None)).collect(),
                    Origin::Flag,
                )),
                (None, Some(packs)) => Some((
                    packs
                        .iter()
                        .map(|pack| (pack.get_ref().clone(), Some(pack.span())))
                        .collect(),
                    file_origin(),
                )),
                (None, None) => None,
            };
        if let Some((wanted, origin)) = &packs {
            for (name, span) in wanted {
                let known = rules
                    .packs
                    .iter()
                    .any(|pack| pack.name == *name || pack.language == *name);
                if !known {
                    let candidates: Vec<String> = rules
                        .packs
                        .iter()
                        .flat_map(|pack| [pack.name.clone(), pack.language.clone()])
                        .collect();
                    let message = format!(
                        "`{name}` is neither a built-in pack nor a language of one{}",
                        suggest(name, &candidates)
                    );
                    return Err(match (span, &config) {
                        (Some(span), Some(file)) => {
                            ConfigError::at(file, span.clone(), message).into()
                        }
                        _ => ProfileError::Usage {
                            flag: "--packs".to_string(),
                            message: message.to_string(),
                        },
                    });
                }
            }
            rules.retain_packs(|pack| {
                wanted
                    .iter()
                    .any(|(name, _)| pack.name == *name || pack.language == *name)
            });
            note(
                "packs",
                serde_json::json!(wanted.iter().map(|(name, _)| name).collect::<Vec<_>>()),
                origin.clone(),
            );
        } else {
            note("packs", serde_json::json!("all built-in"), Origin::Default);
        }
        let mut rule_dirs: Vec<(PathBuf, Origin)> = Vec::new();
        if let (Some(file), Some(dirs)) = (&config, raw.and_then(|raw| raw.rules.as_ref())) {
            for dir in dirs {
                let path = file.dir.join(dir.get_ref());
                if !path.exists() {
                    return Err(ConfigError::at(
                        file,
                        dir.span(),
                        format!("no such rules directory: {}", path.display()),
                    )
                    .into());
                }
                rule_dirs.push((path, file_origin()));
            }
        }
        rule_dirs.extend(flags.rules.iter().map(|dir| (dir.clone(), Origin::Flag)));
        for (dir, _) in &rule_dirs {
            rules.add_dir(dir)?;
        }
        for (dir, origin) in &rule_dirs {
            note("rules", serde_json::json!(dir), origin.clone());
        }

        // Placeholders.
        let mut placeholder_patterns: Vec<String> = Vec::new();
        if let (Some(file), Some(patterns)) =
            (&config, raw.and_then(|raw| raw.placeholders.as_ref()))
        {
            for pattern in patterns {
                Placeholders::new(false, std::slice::from_ref(pattern.get_ref()))
                    .map_err(|error| ConfigError::at(file, pattern.span(), error.to_string()))?;
                placeholder_patterns.push(pattern.get_ref().clone());
            }
            note(
                "placeholders",
                serde_json::json!(placeholder_patterns),
                file_origin(),
            );
        }
        placeholder_patterns.extend(flags.placeholders.iter().cloned());
        let placeholders = Placeholders::new(!flags.no_default_placeholders, &placeholder_patterns)
            .map_err(|error| ProfileError::Usage {
                flag: "--placeholder".to_string(),
                message: error.to_string(),
            })?;

        // Selection.
        let parse_all = |written: &[Spanned<String>]| -> Result<Vec<Selector>, ProfileError> {
            written
                .iter()
                .map(|item| {
                    Selector::parse(item.get_ref(), &rules).map_err(|unknown| {
                        let file = config.as_ref().expect("spanned values come from a file");
                        ConfigError::at(file, item.span(), unknown.to_string()).into()
                    })
                })
                .collect()
        };
        let parse_flags = |flag: &str, written: &[String]| -> Result<Vec<Selector>, ProfileError> {
            written
                .iter()
                .map(|item| {
                    Selector::parse(item, &rules).map_err(|unknown| ProfileError::Usage {
                        flag: flag.to_string(),
                        message: unknown.to_string(),
                    })
                })
                .collect()
        };
        let mut selection = Selection::default();
        if let Some(select) = &flags.select {
            selection.select = Some(parse_flags("--select", select)?);
            note("select", serde_json::json!(select), Origin::Flag);
        } else if let Some(select) = raw.and_then(|raw| raw.select.as_ref()) {
            selection.select = Some(parse_all(select)?);
            note("select", spanned_list(select), file_origin());
        }
        // `extend-select` and `ignore` add up: the file's list, then the flag's.
        let mut additive = |name: &'static str,
                            written: Option<&Vec<Spanned<String>>>,
                            flag: &str,
                            given: &[String]|
         -> Result<Vec<Selector>, ProfileError> {
            let mut selectors = Vec::new();
            if let Some(written) = written {
                selectors = parse_all(written)?;
                note(name, spanned_list(written), file_origin());
            }
            if !given.is_empty() {
                selectors.extend(parse_flags(flag, given)?);
                note(name, serde_json::json!(given), Origin::Flag);
            }
            Ok(selectors)
        };
        selection.extend_select = additive(
            "extend-select",
            raw.and_then(|raw| raw.extend_select.as_ref()),
            "--extend-select",
            &flags.extend_select,
        )?;
        selection.ignore = additive(
            "ignore",
            raw.and_then(|raw| raw.ignore.as_ref()),
            "--ignore",
            &flags.ignore,
        )?;

        // Severities.
        let mut severity = Vec::new();
        if let (Some(file), Some(table)) = (&config, raw.and_then(|raw| raw.severity.as_ref())) {
            for (key, level) in table {
                let selector = Selector::parse(key.get_ref(), &rules)
                    .map_err(|unknown| ConfigError::at(file, key.span(), unknown.to_string()))?;
                let level = parse_severity(file, level)?;
                note_severity(&mut note, key.get_ref(), level, file_origin());
                severity.push((selector, level));
            }
        }
        for (key, level) in &flags.severity {
            let selector = Selector::parse(key, &rules).map_err(|unknown| ProfileError::Usage {
                flag: "--severity".to_string(),
                message: unknown.to_string(),
            })?;
            note_severity(&mut note, key, *level, Origin::Flag);
            severity.push((selector, *level));
        }
        let level_setting = |flag: Option<Severity>,
                             written: Option<&Spanned<String>>,
                             default: Severity|
         -> Result<(Severity, Origin), ProfileError> {
            match (flag, written, &config) {
                (Some(level), _, _) => Ok((level, Origin::Flag)),
                (None, Some(written), Some(file)) => {
                    Ok((parse_severity(file, written)?, file_origin()))
                }
                _ => Ok((default, Origin::Default)),
            }
        };
        let (fail_on, fail_on_origin) = level_setting(
            flags.fail_on,
            raw.and_then(|raw| raw.fail_on.as_ref()),
            Severity::Warning,
        )?;
        note(
            "fail-on",
            serde_json::json!(fail_on.as_str()),
            fail_on_origin,
        );
        let (min_severity, min_origin) = level_setting(
            flags.min_severity,
            raw.and_then(|raw| raw.min_severity.as_ref()),
            Severity::Hint,
        )?;
        note(
            "min-severity",
            serde_json::json!(min_severity.as_str()),
            min_origin,
        );

        // Per-file ignores and the walk's include/exclude globs.
        let mut per_file_ignores = Vec::new();
        let mut include = None;
        let mut exclude = None;
        if let Some(file) = &config {
            if let Some(table) = raw.and_then(|raw| raw.per_file_ignores.as_ref()) {
                for (glob, ids) in table {
                    let matcher = compile_glob(file, glob)?.compile_matcher();
                    per_file_ignores.push(PerFileIgnore {
                        glob: matcher,
                        base: file.dir.clone(),
                        rules: parse_all(ids)?,
                    });
                    note(
                        "per-file-ignores",
                        serde_json::json!({ glob.get_ref(): spanned_list(ids) }),
                        file_origin(),
                    );
                }
            }
            if let Some(globs) = raw.and_then(|raw| raw.include.as_ref()) {
                include = Some(glob_set(file, globs)?);
                note("include", spanned_list(globs), file_origin());
            }
            if let Some(globs) = raw.and_then(|raw| raw.exclude.as_ref()) {
                exclude = Some(glob_set(file, globs)?);
                note("exclude", spanned_list(globs), file_origin());
            }
        }
        for (glob, ids) in &flags.per_file_ignores {
            let usage = |message: String| ProfileError::Usage {
                flag: "--per-file-ignores".to_string(),
                message,
            };
            let matcher = globset::GlobBuilder::new(glob)
                .build()
                .map_err(|error| usage(format!("invalid glob `{glob}`: {}", error.kind())))?
                .compile_matcher();
            let rules = parse_flags("--per-file-ignores", ids)?;
            per_file_ignores.push(PerFileIgnore {
                glob: matcher,
                base: std::env::current_dir().unwrap_or_default(),
                rules,
            });
            note(
                "per-file-ignores",
                serde_json::json!({ glob: ids }),
                Origin::Flag,
            );
        }
        let mut filters = Filters {
            selection,
            severity,
            per_file_ignores,
            min_severity,
            ..Filters::default()
        };
        if let Some(field) = &flags.ignore_field {
            filters.ignore_field = field.clone();
            note("ignore-field", serde_json::json!(field), Origin::Flag);
        } else if let Some(field) = raw.and_then(|raw| raw.ignore_field.as_ref()) {
            filters.ignore_field = field.get_ref().clone();
            note(
                "ignore-field",
                serde_json::json!(field.get_ref()),
                file_origin(),
            );
        }

        // What to lint in structured files: the file's `[input.*]`, with each flag replacing the
        // formats it covers.
        let mut input_mappings = match (&config, raw.and_then(|raw| raw.input.as_ref())) {
            (Some(file), Some(written)) => InputMappings::compile(file, written)?,
            _ => InputMappings::default(),
        };
        input_mappings.replace_with_flags(&flags.keys, &flags.columns);
        for (name, value, from_flag) in input_mappings.describe() {
            note(
                name,
                value,
                if from_flag {
                    Origin::Flag
                } else {
                    file_origin()
                },
            );
        }
        Ok(Profile {
            linter: Linter::new(rules).with_placeholders(placeholders),
            filters,
            fail_on,
            config,
            include,
            exclude,
            inputs: input_mappings,
            effective,
        })
    }

    /// How to read the input named `name` under this profile: `read` (the session's options)
    /// with the `[input.*]` keys or columns for its format filled in where `read` chose none.
    /// Borrowed unchanged when nothing applies.
    pub fn read_options<'a>(
        &self,
        read: &'a DecodeOptions,
        name: &str,
    ) -> std::borrow::Cow<'a, DecodeOptions> {
        match self.inputs.read_options(read, name) {
            Some(options) => std::borrow::Cow::Owned(options),
            None => std::borrow::Cow::Borrowed(read),
        }
    }

    /// Whether a file met in a directory walk is checked under this profile's include/exclude
    /// globs (files named on the command line are always checked).
    pub fn walks_into(&self, path: &Path) -> bool {
        let Some(file) = &self.config else {
            return true;
        };
        let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let relative = absolute.strip_prefix(&file.dir).unwrap_or(path);
        if self
            .exclude
            .as_ref()
            .is_some_and(|exclude| exclude.is_match(relative))
        {
            return false;
        }
        self.include
            .as_ref()
            .is_none_or(|include| include.is_match(relative))
    }
}

fn note_severity(
    note: &mut impl FnMut(&'static str, serde_json::Value, Origin),
    key: &str,
    level: Severity,
    origin: Origin,
) {
    note(
        "severity",
        serde_json::json!({ key: level.as_str() }),
        origin,
    );
}

fn spanned_list(items: &[Spanned<String>]) -> serde_json::Value {
    serde_json::json!(items.iter().map(|item| item.get_ref()).collect::<Vec<_>>())
}

fn parse_severity(file: &ConfigFile, written: &Spanned<String>) -> Result<Severity, ConfigError> {
    written
        .get_ref()
        .parse()
        .map_err(|message: String| ConfigError::at(file, written.span(), message))
}

fn compile_glob(file: &ConfigFile, glob: &Spanned<String>) -> Result<Glob, ConfigError> {
    globset::GlobBuilder::new(glob.get_ref())
        .literal_separator(false)
        .build()
        .map_err(|error| {
            ConfigError::at(file, glob.span(), format!("invalid glob: {}", error.kind()))
        })
}

fn glob_set(file: &ConfigFile, globs: &[Spanned<String>]) -> Result<GlobSet, ConfigError> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        builder.add(compile_glob(file, glob)?);
    }
    builder
        .build()
        .map_err(|error| ConfigError::at(file, 0..0, format!("invalid globs: {error}")))
}

fn suggest(written: &str, candidates: &[String]) -> String {
    candidates
        .iter()
        .map(|candidate| (strsim::jaro_winkler(written, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map_or_else(String::new, |(_, candidate)| {
            format!("; did you mean `{candidate}`?")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Profile, ProfileError> {
        let file = ConfigFile::parse(Path::new("replylint.toml"), text)?;
        Profile::build(Some(file), &Overrides::default())
    }

    fn config_error(text: &str) -> ConfigError {
        match parse(text) {
            Err(ProfileError::Config(error)) => error,
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn unknown_keys_and_wrong_types_point_at_the_value() {
        let error = config_error("selcet = [\"zh\"]\n");
        assert_eq!(error.line_column(), (1, 1));
        assert!(error.message.contains("selcet"), "{}", error.message);
        let error = config_error("fail-on = 3\n");
        assert_eq!(error.line_column(), (1, 11));
        let error = config_error("fail-on = \"loud\"\n");
        assert_eq!(error.line_column(), (1, 11));
    }

    #[test]
    fn misspelt_rule_ids_get_a_suggestion() {
        let error = config_error("\n\nignore = [\"zh.command.you-mst\"]\n");
        assert_eq!(error.line_column(), (3, 11));
        assert!(
            error.message.contains("did you mean `zh.command.you-must`"),
            "{}",
            error.message
        );
    }

    #[test]
    fn settings_resolve_with_flags_winning() {
        let text = "packs = [\"zh\"]\nfail-on = \"error\"\nmin-severity = \"info\"\n[severity]\n\"category:command\" = \"error\"\n";
        let file = ConfigFile::parse(Path::new("replylint.toml"), text).unwrap();
        let flags = Overrides {
            fail_on: Some(Severity::Info),
            ..Overrides::default()
        };
        let profile = Profile::build(Some(file), &flags).unwrap();
        assert!(profile
            .linter
            .rules()
            .rules()
            .all(|rule| rule.language == "zh"));
        assert_eq!(profile.fail_on, Severity::Info);
        assert_eq!(profile.filters.min_severity, Severity::Info);
        let origin = |name: &str| {
            profile
                .effective
                .iter()
                .find(|setting| setting.name == name)
                .map(|setting| setting.origin.clone())
        };
        assert_eq!(origin("fail-on"), Some(Origin::Flag));
        assert!(matches!(origin("min-severity"), Some(Origin::File(_))));
        let found = profile.linter.check_text("你必须先填表。");
        let filtered = profile.filters.apply(found);
        assert!(filtered.iter().any(|d| d.severity == Severity::Error));
    }

    #[test]
    fn bad_globs_and_regexes_are_errors() {
        let error = config_error("exclude = [\"a[\"]\n");
        assert_eq!(error.line_column(), (1, 12));
        let error = config_error("placeholders = [\"(\"]\n");
        assert_eq!(error.line_column(), (1, 17));
        let error = config_error("packs = [\"zh-wordin\"]\n");
        assert!(
            error.message.contains("did you mean `zh-wording`"),
            "{}",
            error.message
        );
    }
}
