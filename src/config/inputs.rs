//! `[input.*]`: what to lint in structured files under one config file, the config-file form of
//! `--keys` and `--columns`.
//!
//! ```toml
//! [input.json]                  # JSON and JSON Lines
//! keys = ["**.body"]
//! [input.json.per-file]         # files matching a glob use these keys instead
//! "macros/*.json" = ["macros[].actions[].value"]
//!
//! [input.yaml]                  # YAML
//! keys = ["replies[].text"]
//!
//! [input.csv]                   # CSV and TSV
//! columns = ["answer"]
//! ```
//!
//! A flag wins for the whole run: `--keys` replaces every `[input.json]` and `[input.yaml]` key,
//! `--columns` every `[input.csv]` column.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use globset::GlobMatcher;
use serde::Deserialize;
use toml::Spanned;

use super::{compile_glob, ConfigError, ConfigFile};
use crate::source::{DecodeOptions, Format, KeyPath, Selection};

/// `[input]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawInputs {
    json: Option<RawMapping>,
    yaml: Option<RawMapping>,
    csv: Option<RawMapping>,
}

/// One `[input.FORMAT]` table as written. `values` is `keys` (JSON, YAML) or `columns` (CSV);
/// which one a format takes is checked when the mapping is compiled, so the error can point at
/// the wrong name.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawMapping {
    keys: Option<Spanned<Vec<Spanned<String>>>>,
    columns: Option<Spanned<Vec<Spanned<String>>>>,
    per_file: Option<BTreeMap<Spanned<String>, Vec<Spanned<String>>>>,
}

/// The values of one format's mapping: for every file, and for files matching a glob.
#[derive(Debug, Clone)]
struct Mapping<T> {
    all: Vec<T>,
    per_file: Vec<(GlobMatcher, Vec<T>)>,
    /// Whether a flag gave the values (and replaced the config file's).
    from_flag: bool,
}

impl<T> Default for Mapping<T> {
    fn default() -> Self {
        Mapping {
            all: Vec::new(),
            per_file: Vec::new(),
            from_flag: false,
        }
    }
}

impl<T> Mapping<T> {
    fn is_empty(&self) -> bool {
        self.all.is_empty() && self.per_file.is_empty()
    }
}

impl<T: Clone> Mapping<T> {
    /// The values for the file `given` (as named on the command line): those of every glob it
    /// matches, relative to `base` or as given, in the order the globs sort; when it matches
    /// none, the values for every file.
    fn for_path(&self, base: &Path, given: &Path) -> Vec<T> {
        if self.per_file.is_empty() {
            return self.all.clone();
        }
        let cwd = std::env::current_dir().unwrap_or_default();
        let absolute = std::fs::canonicalize(cwd.join(given)).unwrap_or_else(|_| cwd.join(given));
        let relative = absolute.strip_prefix(base).unwrap_or(given);
        let mut matched = false;
        let mut values = Vec::new();
        for (glob, listed) in &self.per_file {
            if glob.is_match(relative) || glob.is_match(given) {
                matched = true;
                values.extend(listed.iter().cloned());
            }
        }
        if matched {
            values
        } else {
            self.all.clone()
        }
    }
}

/// The compiled `[input.*]` tables of one config file.
#[derive(Debug, Clone, Default)]
pub struct InputMappings {
    /// The directory globs are relative to (the config file's).
    base: std::path::PathBuf,
    json: Mapping<KeyPath>,
    yaml: Mapping<KeyPath>,
    csv: Mapping<String>,
}

impl InputMappings {
    /// Compiles the `[input.*]` tables of `file`, checking every key path and glob.
    pub(super) fn compile(
        file: &ConfigFile,
        raw: &RawInputs,
    ) -> Result<InputMappings, ConfigError> {
        Ok(InputMappings {
            base: file.dir.clone(),
            json: keys_mapping(file, "json", raw.json.as_ref())?,
            yaml: keys_mapping(file, "yaml", raw.yaml.as_ref())?,
            csv: columns_mapping(file, raw.csv.as_ref())?,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.json.is_empty() && self.yaml.is_empty() && self.csv.is_empty()
    }

    /// Lets `--keys` replace every JSON and YAML mapping, and `--columns` every CSV one; an
    /// empty flag leaves the config file's.
    pub fn replace_with_flags(&mut self, keys: &[KeyPath], columns: &[String]) {
        if !keys.is_empty() {
            let flag = Mapping {
                all: keys.to_vec(),
                per_file: Vec::new(),
                from_flag: true,
            };
            self.json = flag.clone();
            self.yaml = flag;
        }
        if !columns.is_empty() {
            self.csv = Mapping {
                all: columns.to_vec(),
                per_file: Vec::new(),
                from_flag: true,
            };
        }
    }

    /// How to read the input named `name` (a path as given, or standard input's
    /// `--stdin-filename`): `flags` with this config's keys or columns filled in for its format
    /// where the flags chose none. `None` when the flags' options apply unchanged.
    pub fn read_options(&self, flags: &DecodeOptions, name: &str) -> Option<DecodeOptions> {
        if self.is_empty() {
            return None;
        }
        let format = flags.format.unwrap_or_else(|| Format::from_name(name));
        let given = Path::new(name);
        let mut selection: Selection = (*flags.selection).clone();
        match format {
            Format::Json | Format::Jsonl if flags.selection.keys.is_empty() => {
                selection.keys = self.json.for_path(&self.base, given);
            }
            Format::Yaml if flags.selection.keys.is_empty() => {
                selection.keys = self.yaml.for_path(&self.base, given);
            }
            Format::Csv | Format::Tsv if flags.selection.columns.is_empty() => {
                selection.columns = self.csv.for_path(&self.base, given);
            }
            _ => return None,
        }
        if selection == *flags.selection {
            return None;
        }
        Some(DecodeOptions {
            selection: Arc::new(selection),
            ..flags.clone()
        })
    }

    /// The tables as `replylint config` shows them (`input.json`, `input.yaml`, `input.csv`),
    /// each with whether a flag gave it.
    pub(super) fn describe(&self) -> Vec<(&'static str, serde_json::Value, bool)> {
        fn describe<T: ToString>(mapping: &Mapping<T>, name: &str) -> Option<serde_json::Value> {
            if mapping.is_empty() {
                return None;
            }
            let list = |values: &[T]| values.iter().map(T::to_string).collect::<Vec<_>>();
            let mut object = serde_json::Map::new();
            if !mapping.all.is_empty() {
                object.insert(name.to_string(), serde_json::json!(list(&mapping.all)));
            }
            if !mapping.per_file.is_empty() {
                let per_file: serde_json::Map<String, serde_json::Value> = mapping
                    .per_file
                    .iter()
                    .map(|(glob, values)| {
                        (
                            glob.glob().glob().to_string(),
                            serde_json::json!(list(values)),
                        )
                    })
                    .collect();
                object.insert("per-file".to_string(), serde_json::Value::Object(per_file));
            }
            Some(serde_json::Value::Object(object))
        }
        [
            ("input.json", describe(&self.json, "keys")),
            ("input.yaml", describe(&self.yaml, "keys")),
            ("input.csv", describe(&self.csv, "columns")),
        ]
        .into_iter()
        .zip([self.json.from_flag, self.yaml.from_flag, self.csv.from_flag])
        .filter_map(|((name, value), from_flag)| Some((name, value?, from_flag)))
        .collect()
    }
}

/// `[input.json]` or `[input.yaml]`: key paths.
fn keys_mapping(
    file: &ConfigFile,
    format: &str,
    raw: Option<&RawMapping>,
) -> Result<Mapping<KeyPath>, ConfigError> {
    let Some(raw) = raw else {
        return Ok(Mapping::default());
    };
    if let Some(columns) = &raw.columns {
        return Err(ConfigError::at(
            file,
            columns.span(),
            format!("`[input.{format}]` takes `keys` (key paths); `columns` is for `[input.csv]`"),
        ));
    }
    let parse = |written: &[Spanned<String>]| -> Result<Vec<KeyPath>, ConfigError> {
        written
            .iter()
            .map(|path| {
                path.get_ref()
                    .parse()
                    .map_err(|message: String| ConfigError::at(file, path.span(), message))
            })
            .collect()
    };
    mapping(file, raw.keys.as_ref(), raw.per_file.as_ref(), parse)
}

/// `[input.csv]`: column names.
fn columns_mapping(
    file: &ConfigFile,
    raw: Option<&RawMapping>,
) -> Result<Mapping<String>, ConfigError> {
    let Some(raw) = raw else {
        return Ok(Mapping::default());
    };
    if let Some(keys) = &raw.keys {
        return Err(ConfigError::at(
            file,
            keys.span(),
            "`[input.csv]` takes `columns` (header names); `keys` is for `[input.json]` and \
             `[input.yaml]`",
        ));
    }
    let parse = |written: &[Spanned<String>]| -> Result<Vec<String>, ConfigError> {
        written
            .iter()
            .map(|column| {
                let name = column.get_ref().trim();
                if name.is_empty() {
                    Err(ConfigError::at(
                        file,
                        column.span(),
                        "a column name is empty",
                    ))
                } else {
                    Ok(name.to_string())
                }
            })
            .collect()
    };
    mapping(file, raw.columns.as_ref(), raw.per_file.as_ref(), parse)
}

type PerFile = BTreeMap<Spanned<String>, Vec<Spanned<String>>>;

fn mapping<T>(
    file: &ConfigFile,
    all: Option<&Spanned<Vec<Spanned<String>>>>,
    per_file: Option<&PerFile>,
    parse: impl Fn(&[Spanned<String>]) -> Result<Vec<T>, ConfigError>,
) -> Result<Mapping<T>, ConfigError> {
    let mut mapping = Mapping {
        all: all
            .map(|all| parse(all.get_ref()))
            .transpose()?
            .unwrap_or_default(),
        per_file: Vec::new(),
        from_flag: false,
    };
    for (glob, values) in per_file.into_iter().flatten() {
        let matcher = compile_glob(file, glob)?.compile_matcher();
        mapping.per_file.push((matcher, parse(values)?));
    }
    Ok(mapping)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Overrides, Profile, ProfileError};

    fn profile(text: &str, flags: &Overrides) -> Result<Profile, ProfileError> {
        let file = ConfigFile::parse(Path::new("replylint.toml"), text)?;
        Profile::build(Some(file), flags)
    }

    fn keys(options: &DecodeOptions) -> Vec<String> {
        options
            .selection
            .keys
            .iter()
            .map(KeyPath::to_string)
            .collect()
    }

    #[test]
    fn each_format_takes_its_table_and_globs_replace_the_default() {
        let text = "[input.json]\nkeys = [\"a.b\"]\n[input.json.per-file]\n\"legacy/*.json\" = [\"**.text\"]\n\"legacy/x*\" = [\"x\"]\n[input.yaml]\nkeys = [\"y\"]\n[input.csv]\ncolumns = [\"answer\"]\n";
        let profile = profile(text, &Overrides::default()).unwrap();
        let read = DecodeOptions::default();
        assert_eq!(keys(&profile.read_options(&read, "macros.json")), ["a.b"]);
        assert_eq!(keys(&profile.read_options(&read, "m.jsonl")), ["a.b"]);
        assert_eq!(
            keys(&profile.read_options(&read, "legacy/old.json")),
            ["**.text"]
        );
        assert_eq!(
            keys(&profile.read_options(&read, "legacy/x.json")),
            ["**.text", "x"]
        );
        assert_eq!(keys(&profile.read_options(&read, "r.yml")), ["y"]);
        assert_eq!(
            profile.read_options(&read, "faq.tsv").selection.columns,
            ["answer"]
        );
        // Formats without a table, and plain text, read as the session says.
        assert!(matches!(
            profile.read_options(&read, "notes.md"),
            std::borrow::Cow::Borrowed(_)
        ));
        // `--input-format` decides the format, not the name.
        let as_csv = DecodeOptions {
            format: Some(Format::Csv),
            ..DecodeOptions::default()
        };
        assert_eq!(
            profile.read_options(&as_csv, "<stdin>").selection.columns,
            ["answer"]
        );
    }

    #[test]
    fn flags_replace_the_tables_they_cover() {
        let text = "[input.json]\nkeys = [\"a\"]\n[input.csv]\ncolumns = [\"answer\"]\n";
        let flags = Overrides {
            keys: vec!["z".parse().unwrap()],
            ..Overrides::default()
        };
        let profile = profile(text, &flags).unwrap();
        let read = DecodeOptions::default();
        assert_eq!(keys(&profile.read_options(&read, "m.json")), ["z"]);
        assert_eq!(keys(&profile.read_options(&read, "m.yaml")), ["z"]);
        assert_eq!(
            profile.read_options(&read, "f.csv").selection.columns,
            ["answer"]
        );
        // A selection the session was given directly (a library caller's) wins too.
        let given = DecodeOptions {
            selection: Arc::new(Selection {
                keys: vec!["own".parse().unwrap()],
                ..Selection::default()
            }),
            ..DecodeOptions::default()
        };
        assert_eq!(keys(&profile.read_options(&given, "m.json")), ["own"]);
    }

    #[test]
    fn mistakes_point_at_the_value() {
        let error = |text: &str| match profile(text, &Overrides::default()) {
            Err(ProfileError::Config(error)) => error,
            other => panic!("expected a config error, got {other:?}"),
        };
        let bad = error("[input.json]\nkeys = [\"a..b\"]\n");
        assert_eq!(bad.line_column(), (2, 9));
        assert!(bad.message.contains("a step is empty"), "{}", bad.message);
        let bad = error("[input.csv]\nkeys = [\"a\"]\n");
        assert_eq!(bad.line_column(), (2, 8));
        let bad = error("[input.yaml]\ncolumns = [\"a\"]\n");
        assert!(bad.message.contains("takes `keys`"), "{}", bad.message);
        let bad = error("[input.xml]\nkeys = [\"a\"]\n");
        assert!(bad.message.contains("xml"), "{}", bad.message);
        let bad = error("[input.json.per-file]\n\"a[\" = [\"b\"]\n");
        assert_eq!(bad.line_column(), (2, 1));
        let bad = error("[input.csv]\ncolumns = [\" \"]\n");
        assert!(bad.message.contains("empty"), "{}", bad.message);
    }
}
