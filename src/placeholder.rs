//! Placeholders and template syntax in drafts: `{{name}}`, `{0}`, `%s`, `${var}`, `[数字x]`, …
//!
//! Canned responses are templates, and anonymised corpora are full of masks. Whatever sits inside
//! one is not the writer's wording: a rule must not fire on it, and a fix must never cut through
//! one or drop it. The linter finds placeholder spans with one compiled regex per run (the
//! defaults and any the user adds, as one alternation) and treats them as untouchable.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

/// The placeholder syntaxes recognised by default, by name, for documentation and for
/// `--no-default-placeholders`. Order matters: at one position the first alternative that
/// matches wins, so the longer forms (`{{…}}`, `${…}`) come before `{…}`.
pub const DEFAULT_PATTERNS: &[(&str, &str)] = &[
    // Jinja/Liquid/Django tags and comments; may span lines.
    ("template tag", r"(?s:\{%.*?%\}|\{#.*?#\})"),
    // Mustache, Handlebars, Jinja expressions, and bitext's `{{Order Number}}`.
    ("double braces", r"\{\{[^{}\n]*\}\}"),
    // Shell and JavaScript template literals.
    ("dollar braces", r"\$\{[^{}\n]*\}"),
    // Python `str.format` / .NET / ICU fields: `{}`, `{0}`, `{name}`, `{0.attr}`, `{x!r:>10}`.
    (
        "format field",
        r"\{\w*(?:\.\w+|\[\w*\])*(?:![rsa])?(?::[^{}\n]*)?\}",
    ),
    // printf with a mapping key: `%(name)s`.
    (
        "printf named",
        r"%\(\w+\)[-+#0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa]",
    ),
    // printf: `%s`, `%d`, `%5.2f`, `%1$s`, `%%`. The conversion must end a word, and a space
    // flag is left out, so that "100% sure" and "20%off" are not taken for placeholders.
    (
        "printf",
        r"%(?:\d+\$)?[-+#0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGcspa](?-u:\b)|%%",
    ),
    // Masks in anonymised dialogue corpora (JDDC and the like): `[数字x]`, `[订单x]`,
    // `#E-s[数字x]`, `[ORDERID_10002]`.
    (
        "corpus mask",
        r"(?:#E-[A-Za-z]+)?\[\p{Han}{1,10}x\]|\[[A-Z][A-Z0-9]*_[A-Za-z0-9]+\]",
    ),
];

/// A set of placeholder patterns, compiled into one regex.
#[derive(Debug, Clone)]
pub struct Placeholders {
    set: Set,
}

#[derive(Debug, Clone)]
enum Set {
    None,
    /// The defaults alone: compiled on first use and shared, so that a check with nothing to
    /// report (or no placeholders configured) never pays for compiling Unicode classes.
    Default,
    Custom(Regex),
}

/// A user-supplied placeholder pattern that does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid placeholder pattern `{pattern}`: {message}")]
pub struct PlaceholderError {
    pub pattern: String,
    pub message: String,
}

impl Default for Placeholders {
    fn default() -> Self {
        Placeholders { set: Set::Default }
    }
}

fn default_regex() -> &'static Regex {
    static DEFAULT: OnceLock<Regex> = OnceLock::new();
    DEFAULT.get_or_init(|| {
        build(&alternation(
            DEFAULT_PATTERNS.iter().map(|(_, pattern)| *pattern),
        ))
        .expect("the default placeholder patterns compile")
    })
}

fn alternation<'a>(patterns: impl Iterator<Item = &'a str>) -> String {
    patterns
        .map(|pattern| format!("(?:{pattern})"))
        .collect::<Vec<_>>()
        .join("|")
}

impl Placeholders {
    /// The defaults (when `defaults` is true) plus `extra` patterns in regex crate syntax.
    pub fn new(defaults: bool, extra: &[String]) -> Result<Placeholders, PlaceholderError> {
        if extra.is_empty() {
            return Ok(if defaults {
                Placeholders::default()
            } else {
                Placeholders::none()
            });
        }
        for pattern in extra {
            // Compiled alone first, so an error names the pattern the user wrote rather than
            // a position inside the combined alternation.
            build(pattern).map_err(|message| PlaceholderError {
                pattern: pattern.clone(),
                message,
            })?;
        }
        let defaults = DEFAULT_PATTERNS
            .iter()
            .filter(|_| defaults)
            .map(|(_, pattern)| *pattern);
        let combined = alternation(defaults.chain(extra.iter().map(String::as_str)));
        let regex = build(&combined).map_err(|message| PlaceholderError {
            pattern: combined,
            message,
        })?;
        Ok(Placeholders {
            set: Set::Custom(regex),
        })
    }

    /// No placeholders at all.
    pub fn none() -> Placeholders {
        Placeholders { set: Set::None }
    }

    /// The placeholder spans that can matter to matches at `ranges`: all of those in `text` when
    /// there is any match, none otherwise. A placeholder can be of any length (a `{# … #}`
    /// comment of several kilobytes), so one that covers a match may start anywhere before it;
    /// looking only near the matches once let a fix rewrite the inside of a long comment. One
    /// scan of the text is linear, and a text without matches never pays for it.
    pub fn find_near(&self, text: &str, ranges: &[Range<usize>]) -> Vec<Range<usize>> {
        if ranges.is_empty() {
            return Vec::new();
        }
        self.find(text)
    }

    /// The non-empty placeholder spans of `text`, in order and non-overlapping.
    pub fn find(&self, text: &str) -> Vec<Range<usize>> {
        let regex = match &self.set {
            Set::None => return Vec::new(),
            // Every default syntax starts with one of these bytes; most drafts contain none, and
            // then the regex is never compiled (compiling it costs more than a whole check).
            Set::Default
                if !text
                    .bytes()
                    .any(|b| matches!(b, b'{' | b'%' | b'$' | b'[' | b'#')) =>
            {
                return Vec::new()
            }
            Set::Default => default_regex(),
            Set::Custom(regex) => regex,
        };
        regex
            .find_iter(text)
            .filter(|found| !found.is_empty())
            .map(|found| found.range())
            .collect()
    }
}

fn build(pattern: &str) -> Result<Regex, String> {
    regex::RegexBuilder::new(pattern)
        .size_limit(16 * 1024 * 1024)
        .build()
        .map_err(|error| error.to_string())
}

/// The placeholder spans of one segment, with the questions the matcher and the fixer ask.
#[derive(Debug, Clone, Default)]
pub(crate) struct Spans {
    spans: Vec<Range<usize>>,
}

impl Spans {
    pub(crate) fn new(spans: Vec<Range<usize>>) -> Spans {
        Spans { spans }
    }

    /// The placeholders that share at least one byte with `range`.
    pub(crate) fn overlapping(&self, range: &Range<usize>) -> &[Range<usize>] {
        let first = self.spans.partition_point(|span| span.end <= range.start);
        let last = self.spans.partition_point(|span| span.start < range.end);
        &self.spans[first..last.max(first)]
    }

    /// Whether the byte at `offset` belongs to a placeholder.
    pub(crate) fn covers(&self, offset: usize) -> bool {
        !self.overlapping(&(offset..offset + 1)).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        Placeholders::default()
            .find(text)
            .into_iter()
            .map(|range| &text[range])
            .collect()
    }

    #[test]
    fn placeholders_of_any_length_are_found_around_a_match() {
        let comment = format!("{{# {} #}}", "note ".repeat(2000));
        let text = format!("{comment} you must wait {{{{name}}}}");
        let inside = 1000..1004;
        let found = Placeholders::default().find_near(&text, &[inside]);
        assert_eq!(found, [0..comment.len(), text.len() - 8..text.len()]);
        assert!(Placeholders::default().find_near(&text, &[]).is_empty());
    }

    #[test]
    fn every_default_kind_is_found_whole() {
        assert_eq!(
            found("Hi {{name}}, {{ Order Number }} {name} {0} {} {x!r:>4} %s %5.2f %1$s %% %(name)s ${var} [数字x] #E-s[数字x] [ORDERID_10002] {% if a %}x{% endif %} {# note #}"),
            [
                "{{name}}",
                "{{ Order Number }}",
                "{name}",
                "{0}",
                "{}",
                "{x!r:>4}",
                "%s",
                "%5.2f",
                "%1$s",
                "%%",
                "%(name)s",
                "${var}",
                "[数字x]",
                "#E-s[数字x]",
                "[ORDERID_10002]",
                "{% if a %}",
                "{% endif %}",
                "{# note #}",
            ]
        );
    }

    #[test]
    fn ordinary_text_is_not_a_placeholder() {
        assert!(found("I'm 100% sure. Prices from $5 {ok? no} [note] 50% off, 20%off").is_empty());
    }

    #[test]
    fn extra_patterns_are_added_and_bad_ones_named() {
        let custom = Placeholders::new(true, &[r"<<\w+>>".to_string()]).unwrap();
        let text = "<<name>> {0}";
        let spans: Vec<&str> = custom.find(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(spans, ["<<name>>", "{0}"]);
        let only = Placeholders::new(false, &[r"<<\w+>>".to_string()]).unwrap();
        assert_eq!(only.find(text).len(), 1);
        let error = Placeholders::new(true, &["(unclosed".to_string()]).unwrap_err();
        assert_eq!(error.pattern, "(unclosed");
    }

    #[test]
    fn overlap_queries() {
        let spans = Spans::new(vec![2..5, 8..10]);
        assert_eq!(spans.overlapping(&(0..2)), &[] as &[Range<usize>]);
        assert_eq!(spans.overlapping(&(4..9)), &[2..5, 8..10]);
        assert_eq!(spans.overlapping(&(5..8)), &[] as &[Range<usize>]);
        assert!(spans.covers(8) && spans.covers(9));
        assert!(!spans.covers(10) && !spans.covers(1));
    }
}
