//! What to lint in a structured file: key paths (`--keys`), CSV columns (`--columns`) and the
//! treatment of Markdown code blocks (`--markdown-code`).

use std::fmt;
use std::str::FromStr;

/// The user's selection, shared by every input of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// JSON/YAML values to lint; every prose-looking string value when empty.
    pub keys: Vec<KeyPath>,
    /// CSV/TSV columns to lint by header name (case-insensitive); see `docs/inputs.md` for the
    /// default.
    pub columns: Vec<String>,
    pub markdown_code: MarkdownCode,
}

/// How fenced code blocks in Markdown are treated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MarkdownCode {
    /// Never linted.
    Skip,
    /// Always linted as prose.
    Prose,
    /// Linted when the fence has no info string or says `text`, `markdown`, `md` or `txt`: saved
    /// reply libraries keep each reply in such a fence so it can be copied.
    #[default]
    Auto,
}

impl FromStr for MarkdownCode {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "skip" => Ok(MarkdownCode::Skip),
            "prose" => Ok(MarkdownCode::Prose),
            "auto" => Ok(MarkdownCode::Auto),
            _ => Err(format!(
                "unknown --markdown-code {text:?}; use skip, prose or auto"
            )),
        }
    }
}

/// One step of the path to a value in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Pattern {
    Key(String),
    AnyKey,
    Index(usize),
    AnyIndex,
    /// `**`: any number of steps, none included.
    Deep,
}

/// A key path such as `macros[].actions[].value`, `**.body` or `replies.*.text`.
///
/// `name` is a key, `*` any key, `[]` any array element, `[3]` the fourth, `**` any number of
/// steps; steps are joined by `.`.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyPath {
    text: String,
    steps: Vec<Pattern>,
}

impl fmt::Debug for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyPath({})", self.text)
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for KeyPath {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| format!("bad key path {text:?}: {why}");
        let mut steps = Vec::new();
        if text.trim().is_empty() {
            return Err(bad("it is empty"));
        }
        for part in text.split('.') {
            let (name, mut brackets) = match part.find('[') {
                Some(open) => (&part[..open], &part[open..]),
                None => (part, ""),
            };
            match name {
                "**" => steps.push(Pattern::Deep),
                "*" => steps.push(Pattern::AnyKey),
                "" if !brackets.is_empty() => {}
                "" => return Err(bad("a step is empty")),
                name if name.contains(['*', ']']) => {
                    return Err(bad("`*` and `**` must be whole steps"))
                }
                name => steps.push(Pattern::Key(name.to_string())),
            }
            while !brackets.is_empty() {
                let close = brackets
                    .find(']')
                    .ok_or_else(|| bad("a `[` is not closed"))?;
                let inside = &brackets[1..close];
                if inside.is_empty() || inside == "*" {
                    steps.push(Pattern::AnyIndex);
                } else {
                    let index = inside
                        .parse()
                        .map_err(|_| bad("an index must be a number, `*` or nothing"))?;
                    steps.push(Pattern::Index(index));
                }
                brackets = &brackets[close + 1..];
                if !brackets.is_empty() && !brackets.starts_with('[') {
                    return Err(bad("text after `]` must start a new step with `.`"));
                }
            }
        }
        Ok(KeyPath {
            text: text.to_string(),
            steps,
        })
    }
}

impl KeyPath {
    /// Whether the value at `path` (from the document root) is selected.
    pub fn matches(&self, path: &[Step<'_>]) -> bool {
        // reachable[j]: the first i pattern steps can match the first j path steps.
        let mut reachable = vec![false; path.len() + 1];
        reachable[0] = true;
        for pattern in &self.steps {
            let mut next = vec![false; path.len() + 1];
            for j in 0..=path.len() {
                if !reachable[j] {
                    continue;
                }
                if *pattern == Pattern::Deep {
                    next[j..].iter_mut().for_each(|cell| *cell = true);
                    break;
                }
                if let Some(step) = path.get(j) {
                    let ok = match (pattern, step) {
                        (Pattern::Key(name), Step::Key(key)) => name == key,
                        (Pattern::AnyKey, Step::Key(_)) => true,
                        (Pattern::Index(index), Step::Index(at)) => index == at,
                        (Pattern::AnyIndex, Step::Index(_)) => true,
                        _ => false,
                    };
                    if ok {
                        next[j + 1] = true;
                    }
                }
            }
            reachable = next;
        }
        reachable[path.len()]
    }
}

/// A JSON Pointer (RFC 6901) to the value at `path`: `/macros/3/actions/1/value`.
pub fn json_pointer(path: &[Step<'_>]) -> String {
    use std::fmt::Write as _;
    let mut pointer = String::with_capacity(16 * path.len());
    for step in path {
        pointer.push('/');
        match step {
            Step::Key(key) if key.contains(['~', '/']) => {
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"))
            }
            Step::Key(key) => pointer.push_str(key),
            Step::Index(index) => {
                let _ = write!(pointer, "{index}");
            }
        }
    }
    if pointer.is_empty() {
        pointer.push('/');
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path<'a>(steps: &[Step<'a>]) -> Vec<Step<'a>> {
        steps.to_vec()
    }

    #[test]
    fn key_paths_match_keys_indices_and_depths() {
        let value = path(&[
            Step::Key("macros"),
            Step::Index(3),
            Step::Key("actions"),
            Step::Index(1),
            Step::Key("value"),
        ]);
        let yes = [
            "macros[].actions[].value",
            "**.value",
            "macros[3].**",
            "**",
            "macros.*.x",
        ];
        let results: Vec<bool> = yes
            .iter()
            .map(|text| text.parse::<KeyPath>().unwrap().matches(&value))
            .collect();
        assert_eq!(results, [true, true, true, true, false]);
        assert!(!"macros[].title".parse::<KeyPath>().unwrap().matches(&value));
        assert!("[].body"
            .parse::<KeyPath>()
            .unwrap()
            .matches(&[Step::Index(0), Step::Key("body")]));
        assert!("**.body"
            .parse::<KeyPath>()
            .unwrap()
            .matches(&[Step::Key("body")]));
        for bad in ["", "a..b", "a[x]", "a[", "a]b", "a*"] {
            assert!(bad.parse::<KeyPath>().is_err(), "{bad}");
        }
        assert_eq!(json_pointer(&value), "/macros/3/actions/1/value");
        assert_eq!(json_pointer(&[Step::Key("a/b~c")]), "/a~1b~0c");
    }
}
