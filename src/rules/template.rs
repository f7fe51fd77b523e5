//! Rewrite templates: literal text with `$1`, `${name}` and `${rest}` holes.

use std::fmt;

use super::{List, RuleText};

/// One piece of a parsed rewrite template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplatePart {
    Literal(RuleText),
    /// A numbered capture group of a `pattern` rule.
    Group(usize),
    /// A named capture group of a `pattern` rule.
    Named(RuleText),
    /// The rest of the clause after a `clause` rule's phrase.
    Rest,
}

/// A parsed rewrite, ready to be filled in with what a match captured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub source: RuleText,
    pub parts: List<TemplatePart>,
}

/// Why a template could not be parsed; `offset` is a byte offset into the template text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("unclosed `${{`: write `${{name}}`, or `$$` for a literal `$`")]
    Unclosed { offset: usize },
    #[error(
        "`${{{name}}}` is not a template variable: use `${{1}}`…, `${{name}}` of a capture group, \
         or `${{rest}}`"
    )]
    NotAVariable { offset: usize, name: String },
    #[error("a lone `$`: write `$1`, `${{name}}`, `${{rest}}`, or `$$` for a literal `$`")]
    LoneDollar { offset: usize },
}

impl TemplateError {
    pub fn offset(&self) -> usize {
        match self {
            TemplateError::Unclosed { offset }
            | TemplateError::NotAVariable { offset, .. }
            | TemplateError::LoneDollar { offset } => *offset,
        }
    }
}

impl Template {
    pub fn parse(source: &str) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = source.char_indices().peekable();
        while let Some((index, c)) = rest.next() {
            if c != '$' {
                literal.push(c);
                continue;
            }
            let part = match rest.peek().map(|&(_, next)| next) {
                Some('$') => {
                    rest.next();
                    literal.push('$');
                    continue;
                }
                Some('{') => {
                    rest.next();
                    let mut name = String::new();
                    loop {
                        match rest.next() {
                            Some((_, '}')) => break,
                            Some((_, c)) => name.push(c),
                            None => return Err(TemplateError::Unclosed { offset: index }),
                        }
                    }
                    variable_part(&name).ok_or(TemplateError::NotAVariable {
                        offset: index,
                        name,
                    })?
                }
                Some(digit) if digit.is_ascii_digit() => {
                    rest.next();
                    TemplatePart::Group(digit.to_digit(10).unwrap_or(0) as usize)
                }
                _ => return Err(TemplateError::LoneDollar { offset: index }),
            };
            if !literal.is_empty() {
                parts.push(TemplatePart::Literal(std::mem::take(&mut literal).into()));
            }
            parts.push(part);
        }
        if !literal.is_empty() {
            parts.push(TemplatePart::Literal(literal.into()));
        }
        Ok(Template {
            source: source.to_string().into(),
            parts: parts.into(),
        })
    }

    /// The literal pieces of the template, for the "already reads like its rewrite" check.
    pub fn literals(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            TemplatePart::Literal(text) => Some(&**text),
            _ => None,
        })
    }

    pub fn uses_rest(&self) -> bool {
        self.parts.contains(&TemplatePart::Rest)
    }

    /// Whether the template ends with sentence punctuation of its own, in which case it takes
    /// the place of the clause's terminator instead of being followed by it.
    pub fn ends_sentence(&self) -> bool {
        match self.parts.last() {
            Some(TemplatePart::Literal(text)) => text
                .trim_end()
                .chars()
                .last()
                .is_some_and(is_sentence_punctuation),
            _ => false,
        }
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn variable_part(name: &str) -> Option<TemplatePart> {
    if name == "rest" {
        return Some(TemplatePart::Rest);
    }
    if let Ok(number) = name.parse::<usize>() {
        return Some(TemplatePart::Group(number));
    }
    let valid_name = !name.is_empty()
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    valid_name.then(|| TemplatePart::Named(name.to_string().into()))
}

/// Sentence-ending punctuation in any width: a clause rewrite ending in one of these replaces
/// the original terminator.
pub fn is_sentence_punctuation(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | ';' | '~' | '\u{2026}' // …
            | '\u{3002}' // 。
            | '\u{FF01}' | '\u{FF1F}' | '\u{FF1B}' | '\u{FF5E}' | '\u{FF0E}' | '\u{FF61}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_groups_names_rest_and_escapes() {
        let template = Template::parse("如果$2,${name}就能${rest}$$").unwrap();
        assert_eq!(
            template.parts.to_vec(),
            vec![
                TemplatePart::Literal("如果".into()),
                TemplatePart::Group(2),
                TemplatePart::Literal(",".into()),
                TemplatePart::Named("name".into()),
                TemplatePart::Literal("就能".into()),
                TemplatePart::Rest,
                TemplatePart::Literal("$".into()),
            ]
        );
    }

    #[test]
    fn rejects_unclosed_and_lone_dollars() {
        assert_eq!(Template::parse("a${rest").unwrap_err().offset(), 1);
        assert_eq!(Template::parse("costs $ 5").unwrap_err().offset(), 6);
        assert!(Template::parse("${what ever}").is_err());
    }

    #[test]
    fn knows_when_it_ends_a_sentence() {
        assert!(Template::parse("请您${rest},您看行吗?")
            .unwrap()
            .ends_sentence());
        assert!(!Template::parse("请您${rest}").unwrap().ends_sentence());
    }
}
