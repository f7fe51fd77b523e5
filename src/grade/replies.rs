//! Practice replies to grade: one file per reply (trainee and scenario from its path), records
//! of a CSV/TSV or JSON Lines file, or one reply on standard input.

use std::path::{Path, PathBuf};

use crate::inputs::{self, Input, InputError, Loaded, WalkFilters};
use crate::source::{DecodeOptions, Format};

/// One practice reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Where it came from: a path, `FILE:LINE` for a record, or the stdin name.
    pub name: String,
    pub trainee: String,
    pub scenario: String,
    /// The practice session, when the path pattern or the records say.
    pub session: Option<String>,
    pub text: String,
    /// The language, when the records say; otherwise detected from the text.
    pub language: Option<String>,
    /// The input it was read from, for its config file; `None` uses the working directory's.
    pub input: Option<Input>,
}

impl Reply {
    /// A reply with no trainee or scenario (standard input, a program's own text).
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Reply {
        Reply {
            name: name.into(),
            trainee: String::new(),
            scenario: String::new(),
            session: None,
            text: text.into(),
            language: None,
            input: None,
        }
    }
}

/// Why replies could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    #[error("{name}: {error}")]
    Input { name: String, error: InputError },
    #[error("{name}: the path pattern `{pattern}` needs {needed} path components for trainee and scenario; use --path-pattern")]
    Pattern {
        name: String,
        pattern: String,
        needed: usize,
    },
    #[error("{name}: {message}")]
    Record { name: String, message: String },
}

/// Which parts of a reply file's path are the trainee, scenario and session:
/// `{session}/{trainee}/{scenario}` matches the last three components of
/// `class/session1/t3/late-delivery.txt` (the extension dropped). `*` or any other text in a
/// component must match as written (`*` matches anything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathPattern {
    written: String,
    components: Vec<Component>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Component {
    Field(Field),
    Any,
    Literal(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Trainee,
    Scenario,
    Session,
}

impl Default for PathPattern {
    fn default() -> PathPattern {
        "{trainee}/{scenario}"
            .parse()
            .expect("the default pattern is valid")
    }
}

impl std::str::FromStr for PathPattern {
    type Err = String;
    fn from_str(text: &str) -> Result<PathPattern, String> {
        let mut components = Vec::new();
        for part in text.trim_matches('/').split('/') {
            let component = match part {
                "{trainee}" => Component::Field(Field::Trainee),
                "{scenario}" => Component::Field(Field::Scenario),
                "{session}" => Component::Field(Field::Session),
                "*" | "{*}" => Component::Any,
                "" => return Err(format!("`{text}` has an empty path component")),
                other if other.contains('{') || other.contains('}') => {
                    return Err(format!(
                        "`{other}`: a component is one of {{trainee}}, {{scenario}}, {{session}}, * or literal text"
                    ))
                }
                other => Component::Literal(other.to_string()),
            };
            components.push(component);
        }
        for field in [Field::Trainee, Field::Scenario] {
            if !components.contains(&Component::Field(field)) {
                return Err(format!(
                    "`{text}` must contain {{trainee}} and {{scenario}}"
                ));
            }
        }
        Ok(PathPattern {
            written: text.to_string(),
            components,
        })
    }
}

impl PathPattern {
    /// `(trainee, scenario, session)` of a path, or `None` when the path is too short or a
    /// literal component differs.
    pub fn fields(&self, path: &Path) -> Option<(String, String, Option<String>)> {
        let mut parts: Vec<String> = path
            .components()
            .filter_map(|component| match component {
                std::path::Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        if let Some(last) = parts.last_mut() {
            if let Some(stem) = Path::new(last.as_str()).file_stem() {
                *last = stem.to_string_lossy().into_owned();
            }
        }
        if parts.len() < self.components.len() {
            return None;
        }
        let tail = &parts[parts.len() - self.components.len()..];
        let (mut trainee, mut scenario, mut session) = (String::new(), String::new(), None);
        for (component, part) in self.components.iter().zip(tail) {
            match component {
                Component::Field(Field::Trainee) => trainee = part.clone(),
                Component::Field(Field::Scenario) => scenario = part.clone(),
                Component::Field(Field::Session) => session = Some(part.clone()),
                Component::Any => {}
                Component::Literal(text) if text == part => {}
                Component::Literal(_) => return None,
            }
        }
        Some((trainee, scenario, session))
    }
}

/// Field names of records (`--trainee-field`, …); dotted paths reach into JSON objects.
#[derive(Debug, Clone)]
pub struct RecordFields {
    pub trainee: String,
    pub scenario: String,
    pub reply: String,
    /// Optional fields: used when present.
    pub session: String,
    pub language: String,
}

impl Default for RecordFields {
    fn default() -> RecordFields {
        RecordFields {
            trainee: "trainee".into(),
            scenario: "scenario".into(),
            reply: "reply".into(),
            session: "session".into(),
            language: "lang".into(),
        }
    }
}

/// How to read replies.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub pattern: PathPattern,
    pub fields: RecordFields,
    pub decode: DecodeOptions,
    pub walk: WalkFilters,
    pub stdin_name: String,
    /// Trainee and scenario of a reply on standard input.
    pub stdin_trainee: String,
    pub stdin_scenario: String,
}

fn record_format(path: &Path) -> Option<Format> {
    match Format::from_name(&path.to_string_lossy()) {
        format @ (Format::Csv | Format::Tsv | Format::Jsonl) => Some(format),
        _ => None,
    }
}

/// Reads every reply under `paths` (directories walked in path order; `-` or nothing is standard
/// input), in a stable order. Problems come back beside the replies read.
pub fn read_replies(paths: &[PathBuf], options: &ReadOptions) -> (Vec<Reply>, Vec<ReplyError>) {
    let (inputs, errors) = inputs::collect(paths, Some(1), &options.walk);
    let mut problems: Vec<ReplyError> = errors
        .into_iter()
        .map(|(name, error)| ReplyError::Input { name, error })
        .collect();
    let mut replies = Vec::new();
    for input in inputs {
        let records = match &input {
            Input::File(path) | Input::Found(path) => record_format(path),
            Input::Stdin => None,
        };
        let mut decode = options.decode.clone();
        // A reply file is one reply, whatever markup it has; a records file is parsed here.
        decode.format = Some(Format::Text);
        let source = match inputs::read(&input, &options.stdin_name, &decode) {
            Loaded::Text(source) => source,
            Loaded::Skipped(_, _) => continue,
            Loaded::Failed(name, error) => {
                problems.push(ReplyError::Input { name, error });
                continue;
            }
        };
        let name = input.name(&options.stdin_name);
        match (records, &input) {
            (Some(format), _) => match read_records(&name, &source.text, format, options) {
                Ok(found) => replies.extend(found.into_iter().map(|mut reply| {
                    reply.input = Some(input.clone());
                    reply
                })),
                Err(problem) => problems.push(problem),
            },
            (None, Input::Stdin) => replies.push(Reply {
                trainee: options.stdin_trainee.clone(),
                scenario: options.stdin_scenario.clone(),
                input: Some(Input::Stdin),
                ..Reply::new(name, source.text)
            }),
            (None, Input::File(path) | Input::Found(path)) => match options.pattern.fields(path) {
                Some((trainee, scenario, session)) => replies.push(Reply {
                    trainee,
                    scenario,
                    session,
                    input: Some(input.clone()),
                    ..Reply::new(name, source.text)
                }),
                None => problems.push(ReplyError::Pattern {
                    name,
                    pattern: options.pattern.written.clone(),
                    needed: options.pattern.components.len(),
                }),
            },
        }
    }
    (replies, problems)
}

fn record_error(name: &str, line: u64, message: impl Into<String>) -> ReplyError {
    ReplyError::Record {
        name: format!("{name}:{line}"),
        message: message.into(),
    }
}

/// The replies of a CSV, TSV or JSON Lines file, named `FILE:LINE`.
pub fn read_records(
    name: &str,
    text: &str,
    format: Format,
    options: &ReadOptions,
) -> Result<Vec<Reply>, ReplyError> {
    let fields = &options.fields;
    let mut replies = Vec::new();
    if format == Format::Jsonl {
        for (index, line) in text.lines().enumerate() {
            let number = index as u64 + 1;
            if line.trim().is_empty() {
                continue;
            }
            let value: serde_json::Value = serde_json::from_str(line)
                .map_err(|error| record_error(name, number, format!("not JSON: {error}")))?;
            let get = |path: &str| -> Option<String> {
                let mut current = &value;
                for key in path.split('.') {
                    current = current.get(key)?;
                }
                match current {
                    serde_json::Value::String(text) => Some(text.clone()),
                    serde_json::Value::Number(number) => Some(number.to_string()),
                    _ => None,
                }
            };
            let required = |path: &str| {
                get(path)
                    .ok_or_else(|| record_error(name, number, format!("no string field `{path}`")))
            };
            replies.push(Reply {
                trainee: required(&fields.trainee)?,
                scenario: required(&fields.scenario)?,
                session: get(&fields.session),
                language: get(&fields.language),
                ..Reply::new(format!("{name}:{number}"), required(&fields.reply)?)
            });
        }
        return Ok(replies);
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if format == Format::Tsv { b'\t' } else { b',' })
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|error| record_error(name, 1, error.to_string()))?
        .clone();
    let column = |field: &str| headers.iter().position(|header| header.trim() == field);
    let required = |field: &str| {
        column(field).ok_or_else(|| {
            let known: Vec<&str> = headers.iter().collect();
            record_error(
                name,
                1,
                format!("no column `{field}` (columns: {})", known.join(", ")),
            )
        })
    };
    let (trainee, scenario, reply) = (
        required(&fields.trainee)?,
        required(&fields.scenario)?,
        required(&fields.reply)?,
    );
    let (session, language) = (column(&fields.session), column(&fields.language));
    for record in reader.records() {
        let record = record.map_err(|error| {
            let line = error.position().map_or(0, |position| position.line());
            record_error(name, line, error.to_string())
        })?;
        let line = record.position().map_or(0, |position| position.line());
        let cell = |index: usize| record.get(index).unwrap_or_default().to_string();
        let optional = |index: Option<usize>| {
            index
                .map(cell)
                .map(|text| text.trim().to_string())
                .filter(|text| !text.is_empty())
        };
        replies.push(Reply {
            trainee: cell(trainee).trim().to_string(),
            scenario: cell(scenario).trim().to_string(),
            session: optional(session),
            language: optional(language),
            ..Reply::new(format!("{name}:{line}"), cell(reply))
        });
    }
    Ok(replies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_takes_the_last_components() {
        let pattern = PathPattern::default();
        assert_eq!(
            pattern.fields(Path::new("class/t1/late-delivery.txt")),
            Some(("t1".into(), "late-delivery".into(), None))
        );
        let pattern: PathPattern = "{session}/{trainee}/{scenario}".parse().unwrap();
        assert_eq!(
            pattern.fields(Path::new("x/session1/t3/late.txt")),
            Some(("t3".into(), "late".into(), Some("session1".into())))
        );
        assert_eq!(pattern.fields(Path::new("t3/late.txt")), None);
        assert!("{trainee}".parse::<PathPattern>().is_err());
        assert!("{trainee}/x{scenario}".parse::<PathPattern>().is_err());
    }

    #[test]
    fn records_from_csv_and_jsonl() {
        let options = ReadOptions::default();
        let csv = "trainee,scenario,reply\nann,late,\"Sorry, Ann.\"\nbob,late,好的\n";
        let replies = read_records("c.csv", csv, Format::Csv, &options).unwrap();
        assert_eq!(replies.len(), 2);
        assert_eq!(replies[0].name, "c.csv:2");
        assert_eq!(replies[0].text, "Sorry, Ann.");
        assert_eq!(replies[1].trainee, "bob");
        let jsonl = "{\"trainee\":\"ann\",\"scenario\":\"late\",\"reply\":\"Hi\"}\n\n{\"trainee\":\"bob\"}\n";
        let error = read_records("r.jsonl", jsonl, Format::Jsonl, &options).unwrap_err();
        assert_eq!(error.to_string(), "r.jsonl:3: no string field `scenario`");
        let missing = read_records("c.csv", "who,reply\n", Format::Csv, &options).unwrap_err();
        assert!(
            missing.to_string().contains("no column `trainee`"),
            "{missing}"
        );
    }
}
