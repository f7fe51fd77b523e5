//! Suppression comments, as ruff's `noqa` and Vale's comments work:
//!
//! - `replylint-disable-next-line RULE[, RULE…]`: the findings that start on the next line;
//! - `replylint-disable RULE…` … `replylint-enable [RULE…]`: the findings in between;
//! - `replylint-disable-file [RULE…]`: the whole file.
//!
//! With no rule named, a directive covers every rule. Rules are named by selector (an id, an
//! id prefix, `category:NAME`). Directives are comments of the file's format: `<!-- … -->` in
//! Markdown and HTML, `# …` in YAML. Plain text has no comment syntax, so it has no
//! suppressions: anything written there is part of the reply.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use crate::config::selector::Selector;
use crate::rules::RuleSet;
use crate::source::LineIndex;

/// Which comment syntax a file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentSyntax {
    /// `<!-- … -->`: Markdown and HTML.
    Markup,
    /// `# …` to the end of the line: YAML.
    Hash,
}

impl CommentSyntax {
    /// The syntax of a source, from the format it was read as; `None` for formats without
    /// comments.
    pub fn of_source(source: &crate::source::Source) -> Option<CommentSyntax> {
        use crate::source::Format;
        match source.format() {
            Format::Markdown | Format::Html => Some(CommentSyntax::Markup),
            Format::Yaml => Some(CommentSyntax::Hash),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    NextLine,
    Disable,
    Enable,
    File,
}

/// One directive as written.
#[derive(Debug, Clone)]
pub struct Directive {
    kind: Kind,
    /// Byte range of the directive's comment in the source.
    pub span: Range<usize>,
    /// The rules named; empty means every rule.
    selectors: Vec<Selector>,
    /// Names that select no rule in effect.
    pub unknown: Vec<String>,
    /// Byte range the directive covers.
    covers: Range<usize>,
}

/// The directives of one source, and which of them silenced something.
#[derive(Debug, Default)]
pub struct Suppressions {
    pub directives: Vec<Directive>,
    used: Vec<bool>,
}

fn markup_regex() -> &'static Regex {
    static REGEX: OnceLock<Regex> = OnceLock::new();
    REGEX.get_or_init(|| {
        Regex::new(r"<!--[ \t]*replylint-(disable-next-line|disable-file|disable|enable)\b((?:[^-]|-[^-]|--[^>])*?)[ \t]*-->")
            .expect("the suppression pattern compiles")
    })
}

fn hash_regex() -> &'static Regex {
    static REGEX: OnceLock<Regex> = OnceLock::new();
    REGEX.get_or_init(|| {
        Regex::new(r"#[ \t]*replylint-(disable-next-line|disable-file|disable|enable)\b([^\r\n]*)")
            .expect("the suppression pattern compiles")
    })
}

impl Suppressions {
    /// Finds the directives in `text`. Costs one substring search when there are none.
    pub fn parse(text: &str, syntax: Option<CommentSyntax>, rules: &RuleSet) -> Suppressions {
        let Some(syntax) = syntax else {
            return Suppressions::default();
        };
        if memchr::memmem::find(text.as_bytes(), b"replylint-").is_none() {
            return Suppressions::default();
        }
        let regex = match syntax {
            CommentSyntax::Markup => markup_regex(),
            CommentSyntax::Hash => hash_regex(),
        };
        let index = LineIndex::new(text);
        let mut directives: Vec<Directive> = Vec::new();
        for captures in regex.captures_iter(text) {
            let whole = captures.get(0).expect("group 0 always matches");
            let kind = match &captures[1] {
                "disable-next-line" => Kind::NextLine,
                "disable-file" => Kind::File,
                "disable" => Kind::Disable,
                _ => Kind::Enable,
            };
            let mut selectors = Vec::new();
            let mut unknown = Vec::new();
            for name in captures[2]
                .split([',', ' ', '\t'])
                .map(str::trim)
                .filter(|name| !name.is_empty())
            {
                match Selector::parse(name, rules) {
                    Ok(selector) => selectors.push(selector),
                    Err(_) => unknown.push(name.to_string()),
                }
            }
            let covers = match kind {
                Kind::NextLine => {
                    let (line, _) = index.line_column(text, whole.end());
                    let next = index.line_range(text, line + 1);
                    next.start..next.end.max(next.start)
                }
                Kind::File => 0..text.len(),
                Kind::Disable => whole.end()..text.len(),
                Kind::Enable => whole.start()..whole.start(),
            };
            directives.push(Directive {
                kind,
                span: whole.range(),
                selectors,
                unknown,
                covers,
            });
        }
        // A `disable` runs until the next `enable` that names the same rules (or names none).
        for position in 0..directives.len() {
            if directives[position].kind != Kind::Disable {
                continue;
            }
            let end = directives[position + 1..]
                .iter()
                .find(|later| {
                    later.kind == Kind::Enable
                        && (later.selectors.is_empty()
                            || later.selectors == directives[position].selectors)
                })
                .map(|enable| enable.span.start);
            if let Some(end) = end {
                directives[position].covers.end = end;
            }
        }
        let used = vec![false; directives.len()];
        Suppressions { directives, used }
    }

    /// Whether a finding of `id` (in `category`) starting at `offset` is suppressed; marks the
    /// directive that suppresses it as used.
    pub fn suppresses(&mut self, id: &str, category: &str, offset: usize) -> bool {
        let mut suppressed = false;
        for (directive, used) in self.directives.iter().zip(self.used.iter_mut()) {
            if directive.kind == Kind::Enable
                || !directive.covers.contains(&offset)
                // A directive that names only unknown rules silences nothing.
                || (directive.selectors.is_empty() && !directive.unknown.is_empty())
            {
                continue;
            }
            let named = directive.selectors.is_empty()
                || directive
                    .selectors
                    .iter()
                    .any(|selector| selector.names_id(id, category));
            if named {
                *used = true;
                suppressed = true;
            }
        }
        suppressed
    }

    /// Directives that silenced nothing (`enable` directives are never unused).
    pub fn unused(&self) -> impl Iterator<Item = &Directive> {
        self.directives
            .iter()
            .zip(&self.used)
            .filter(|(directive, used)| {
                !**used && directive.kind != Kind::Enable && directive.unknown.is_empty()
            })
            .map(|(directive, _)| directive)
    }

    /// Directives that name a rule not in effect.
    pub fn with_unknown_rules(&self) -> impl Iterator<Item = &Directive> {
        self.directives
            .iter()
            .filter(|directive| !directive.unknown.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, syntax: CommentSyntax) -> Suppressions {
        Suppressions::parse(text, Some(syntax), &RuleSet::builtin().unwrap())
    }

    #[test]
    fn next_line_covers_only_the_next_line() {
        let text =
            "<!-- replylint-disable-next-line en.command -->\nYou must wait.\nYou must wait.\n";
        let mut suppressions = parse(text, CommentSyntax::Markup);
        let first = text.find("You").unwrap();
        let second = text.rfind("You").unwrap();
        assert!(suppressions.suppresses("en.command.you-must", "command", first));
        assert!(!suppressions.suppresses("en.command.you-must", "command", second));
        assert!(!suppressions.suppresses("en.blame.x", "blame", first));
        assert_eq!(suppressions.unused().count(), 0);
    }

    #[test]
    fn disable_enable_ranges_and_file_level() {
        let text = "# replylint-disable category:command\na: x\n# replylint-enable\nb: y\n";
        let mut suppressions = parse(text, CommentSyntax::Hash);
        assert!(suppressions.suppresses(
            "en.command.you-must",
            "command",
            text.find("a:").unwrap()
        ));
        assert!(!suppressions.suppresses(
            "en.command.you-must",
            "command",
            text.find("b:").unwrap()
        ));

        let text = "# replylint-disable-file\nc: z\n";
        let mut suppressions = parse(text, CommentSyntax::Hash);
        assert!(suppressions.suppresses("anything", "any", text.len() - 2));
    }

    #[test]
    fn unused_and_unknown_directives_are_reported() {
        let text = "<!-- replylint-disable-next-line en.command.you-mst -->\nok\n<!-- replylint-disable-next-line zh -->\nok\n";
        let suppressions = parse(text, CommentSyntax::Markup);
        assert_eq!(suppressions.with_unknown_rules().count(), 1);
        assert_eq!(suppressions.unused().count(), 1);
    }

    #[test]
    fn plain_text_has_no_suppressions() {
        let text = "<!-- replylint-disable-file -->";
        let source = crate::Source::new("a.txt", text);
        let suppressions = Suppressions::parse(
            text,
            CommentSyntax::of_source(&source),
            &RuleSet::builtin().unwrap(),
        );
        assert!(suppressions.directives.is_empty());
    }
}

/// Where `--add-suppressions` could not put a comment, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotSuppressed {
    pub line: usize,
    pub reason: &'static str,
}

/// `text` with a `replylint-disable-next-line` comment for the findings on each line of
/// `findings` (`(line, rule id)`, 1-based lines), written so that the file keeps its meaning:
///
/// - Markdown and HTML: the comment goes at the end of the line before (an invisible inline
///   comment that neither splits a paragraph nor shows), or on a line of its own where there is
///   no line before or it is blank;
/// - YAML: a `#` comment line before, indented like it, only where the line starts its value (a
///   comment inside a block scalar would become part of the reply); other lines are refused.
///
/// Returns the new text, how many comments were added, and the lines refused.
pub fn add_comments(
    text: &str,
    syntax: CommentSyntax,
    findings: &[(usize, String)],
) -> (String, usize, Vec<NotSuppressed>) {
    use std::collections::BTreeMap;
    let mut by_line: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for (line, rule) in findings {
        let rules = by_line.entry(*line).or_default();
        if !rules.contains(&rule.as_str()) {
            rules.push(rule);
        }
    }
    let index = LineIndex::new(text);
    // `(byte offset, text to insert)`, in offset order.
    let mut inserts: Vec<(usize, String)> = Vec::new();
    let mut refused = Vec::new();
    for (&line, rules) in &by_line {
        let directive = format!("replylint-disable-next-line {}", rules.join(", "));
        let range = index.line_range(text, line);
        let indent: String = text[range.clone()]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        match syntax {
            CommentSyntax::Markup => {
                let before = (line > 1).then(|| index.line_range(text, line - 1));
                // A closing code fence takes no text after it, so it gets a line of its own.
                let fence = |line: &str| {
                    let line = line.trim_start();
                    line.starts_with("```") || line.starts_with("~~~")
                };
                match before {
                    Some(before)
                        if !text[before.clone()].trim().is_empty()
                            && !fence(&text[before.clone()]) =>
                    {
                        inserts.push((before.end, format!(" <!-- {directive} -->")));
                    }
                    _ => inserts.push((
                        range.start,
                        format!("{indent}<!-- {directive} -->{newline}"),
                    )),
                }
            }
            CommentSyntax::Hash => {
                let content = text[range.clone()].trim_start();
                let starts_value = content.starts_with("- ")
                    || content
                        .split_once(':')
                        .is_some_and(|(key, rest)| !key.contains(' ') && !rest.trim().is_empty());
                if starts_value {
                    inserts.push((range.start, format!("{indent}# {directive}{newline}")));
                } else {
                    refused.push(NotSuppressed {
                        line,
                        reason: "inside a multi-line value, where a comment would become text",
                    });
                }
            }
        }
    }
    let added = inserts.len();
    let mut out =
        String::with_capacity(text.len() + inserts.iter().map(|(_, s)| s.len()).sum::<usize>());
    let mut cursor = 0;
    for (offset, insert) in inserts {
        out.push_str(&text[cursor..offset]);
        out.push_str(&insert);
        cursor = offset;
    }
    out.push_str(&text[cursor..]);
    (out, added, refused)
}

#[cfg(test)]
mod add_tests {
    use super::*;

    #[test]
    fn markdown_comments_join_the_line_before_or_stand_alone() {
        let text = "你必须先填表。\n\nIntro line\n你搞错了。\n";
        let findings = vec![
            (1, "zh.command.you-must".to_string()),
            (4, "zh.clarify.x".to_string()),
        ];
        let (out, added, refused) = add_comments(text, CommentSyntax::Markup, &findings);
        assert_eq!(added, 2);
        assert!(refused.is_empty());
        assert_eq!(
            out,
            "<!-- replylint-disable-next-line zh.command.you-must -->\n你必须先填表。\n\nIntro line <!-- replylint-disable-next-line zh.clarify.x -->\n你搞错了。\n"
        );
        // Every original character survives, in order.
        let mut rest = out.as_str();
        for c in text.chars() {
            let at = rest.find(c).unwrap();
            rest = &rest[at + c.len_utf8()..];
        }
    }

    #[test]
    fn yaml_comments_only_where_a_value_starts() {
        let text = "macros:\n  - body: 你必须先填表。\n  - body: |\n      你搞错了。\n";
        let findings = vec![(2, "zh.command".to_string()), (4, "zh.clarify".to_string())];
        let (out, added, refused) = add_comments(text, CommentSyntax::Hash, &findings);
        assert_eq!(added, 1);
        assert_eq!(
            refused,
            vec![NotSuppressed {
                line: 4,
                reason: refused[0].reason
            }]
        );
        assert!(
            out.contains("  # replylint-disable-next-line zh.command\n  - body: 你必须先填表。")
        );
    }
}
