//! Word classes and gaps: the two things a phrase can say besides literal text.
//!
//! A class is a named list of literal members (`you: [你, 您, 妳]`); `{you}` in a phrase stands
//! for any member, so a phrase expands into the literals it covers, every one of which goes into
//! the one literal automaton. A gap `{…N}` (or `{...N}`) between two parts of a phrase makes it a
//! sequence: the parts in that order, at most `N` words apart, inside one sentence.

use std::collections::BTreeMap;

use super::error::RuleProblem;

/// Most literals one phrase may expand into: the cross product of its classes grows fast, and
/// every literal is a key of the automaton.
pub const MAX_EXPANSIONS: usize = 4096;

/// Largest gap, in words, a sequence may allow between two parts.
pub const MAX_GAP: u8 = 20;

/// The classes a rule can use: the language's shared classes, overridden by its pack's own.
#[derive(Debug, Clone, Default)]
pub struct Classes {
    members: BTreeMap<String, Vec<String>>,
}

impl Classes {
    pub fn new() -> Classes {
        Classes::default()
    }

    /// Adds or replaces a class; the caller has checked the name and members.
    pub fn insert(&mut self, name: String, members: Vec<String>) {
        self.members.insert(name, members);
    }

    pub fn get(&self, name: &str) -> Option<&[String]> {
        self.members.get(name).map(Vec::as_slice)
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Every class and its members, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.members
            .iter()
            .map(|(name, members)| (name.as_str(), members.as_slice()))
    }

    /// `other`'s classes on top of these.
    pub fn overlaid(&self, other: &Classes) -> Classes {
        let mut merged = self.clone();
        for (name, members) in &other.members {
            merged.members.insert(name.clone(), members.clone());
        }
        merged
    }
}

/// Whether `name` is a valid class name: lowercase letters, digits and `-`, starting with a letter.
pub fn valid_class_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// One piece of a phrase as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Class(&'a str),
    /// At most this many words.
    Gap(u8),
}

/// Splits a phrase into text, `{class}` references and `{…N}` gaps. A `{` that does not open
/// one of those is text, so phrases with literal braces keep working.
pub fn pieces(phrase: &str) -> Result<Vec<Piece<'_>>, RuleProblem> {
    let mut pieces = Vec::new();
    let mut text_start = 0;
    let mut search_from = 0;
    while let Some(offset) = phrase[search_from..].find('{') {
        let open = search_from + offset;
        let Some(length) = phrase[open + 1..].find('}') else {
            break;
        };
        let inner = &phrase[open + 1..open + 1 + length];
        let piece = if let Some(count) = inner
            .strip_prefix('…')
            .or_else(|| inner.strip_prefix("..."))
        {
            let gap = count
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|gap| (1..=MAX_GAP).contains(gap))
                .ok_or_else(|| RuleProblem::BadGap(inner.to_string()))?;
            Some(Piece::Gap(gap))
        } else if valid_class_name(inner) {
            Some(Piece::Class(inner))
        } else {
            None
        };
        match piece {
            Some(piece) => {
                if text_start < open {
                    pieces.push(Piece::Text(&phrase[text_start..open]));
                }
                pieces.push(piece);
                text_start = open + length + 2;
                search_from = text_start;
            }
            None => search_from = open + 1,
        }
    }
    if text_start < phrase.len() {
        pieces.push(Piece::Text(&phrase[text_start..]));
    }
    Ok(pieces)
}

/// A phrase with its classes expanded: one list of literal variants per part, and the gap
/// allowed after each part but the last. A phrase without gaps has one part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    pub parts: Vec<Vec<String>>,
    pub gaps: Vec<u8>,
    /// The classes the phrase names, in order of first use.
    pub classes_used: Vec<String>,
}

/// Expands `phrase` with `classes`.
pub fn expand(phrase: &str, classes: &Classes) -> Result<Expanded, RuleProblem> {
    let mut parts: Vec<Vec<String>> = vec![vec![String::new()]];
    let mut gaps = Vec::new();
    let mut classes_used: Vec<String> = Vec::new();
    let pieces = pieces(phrase)?;
    for (index, piece) in pieces.iter().enumerate() {
        let current = parts.last_mut().expect("at least one part");
        match piece {
            Piece::Text(text) => {
                // Spaces around a gap belong to the gap, not to the parts.
                let next_is_gap = matches!(pieces.get(index + 1), Some(Piece::Gap(_)));
                let previous_is_gap = index > 0 && matches!(pieces[index - 1], Piece::Gap(_));
                let mut text: &str = text;
                if next_is_gap {
                    text = text.trim_end();
                }
                if previous_is_gap {
                    text = text.trim_start();
                }
                for variant in current.iter_mut() {
                    variant.push_str(text);
                }
            }
            Piece::Class(name) => {
                let members = classes
                    .get(name)
                    .ok_or_else(|| RuleProblem::UnknownClass(name.to_string()))?;
                if !classes_used.iter().any(|used| used == name) {
                    classes_used.push(name.to_string());
                }
                let count = current.len().saturating_mul(members.len());
                if count > MAX_EXPANSIONS {
                    return Err(RuleProblem::TooManyExpansions {
                        phrase: phrase.to_string(),
                        limit: MAX_EXPANSIONS,
                    });
                }
                let mut grown = Vec::with_capacity(count);
                for variant in current.iter() {
                    for member in members {
                        grown.push(format!("{variant}{member}"));
                    }
                }
                *current = grown;
            }
            Piece::Gap(gap) => {
                if current.iter().any(|variant| variant.trim().is_empty()) {
                    return Err(RuleProblem::GapAtEdge(phrase.to_string()));
                }
                gaps.push(*gap);
                parts.push(vec![String::new()]);
            }
        }
    }
    if gaps.len() + 1 == parts.len()
        && !gaps.is_empty()
        && parts
            .last()
            .is_some_and(|variants| variants.iter().any(|variant| variant.trim().is_empty()))
    {
        return Err(RuleProblem::GapAtEdge(phrase.to_string()));
    }
    Ok(Expanded {
        parts,
        gaps,
        classes_used,
    })
}

/// Rewrites `{class}` references in a regex as non-capturing alternations of the members
/// (normalised by `normalize`, escaped, longest first so the regex prefers the longest). Regex
/// repetitions (`a{2}`, `a{2,3}`) and Unicode classes (`\p{han}`) are left alone.
pub fn expand_in_pattern(
    pattern: &str,
    classes: &Classes,
    normalize: impl Fn(&str) -> String,
) -> Result<(String, Vec<String>), RuleProblem> {
    let mut out = String::with_capacity(pattern.len());
    let mut used: Vec<String> = Vec::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let escaped = rest[..open].ends_with('\\') && !rest[..open].ends_with("\\\\");
        let unicode_class = rest[..open].ends_with("\\p") || rest[..open].ends_with("\\P");
        let close = rest[open..].find('}').map(|close| open + close);
        let name = close.map(|close| &rest[open + 1..close]);
        match (name, close) {
            (Some(name), Some(close)) if !escaped && !unicode_class && valid_class_name(name) => {
                let members = classes
                    .get(name)
                    .ok_or_else(|| RuleProblem::UnknownClass(name.to_string()))?;
                if !used.iter().any(|known| known == name) {
                    used.push(name.to_string());
                }
                let mut alternatives: Vec<String> = members
                    .iter()
                    .map(|member| regex_syntax::escape(&normalize(member)))
                    .collect();
                alternatives.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
                alternatives.dedup();
                out.push_str(&rest[..open]);
                out.push_str("(?:");
                out.push_str(&alternatives.join("|"));
                out.push(')');
                rest = &rest[close + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    Ok((out, used))
}

/// Latvian letters with diacritics and what they are typed as on a keyboard without them.
const LATVIAN_FOLDS: [(char, char); 11] = [
    ('ā', 'a'),
    ('č', 'c'),
    ('ē', 'e'),
    ('ģ', 'g'),
    ('ī', 'i'),
    ('ķ', 'k'),
    ('ļ', 'l'),
    ('ņ', 'n'),
    ('š', 's'),
    ('ū', 'u'),
    ('ž', 'z'),
];

/// `text` as typed without Latvian diacritics (`jūs kļūdāties` → `jus kludaties`), or `None`
/// when it has none. Works on normalised (lower-case) text.
pub fn latvian_without_diacritics(text: &str) -> Option<String> {
    let fold = |c: char| {
        LATVIAN_FOLDS
            .iter()
            .find(|(with, _)| *with == c)
            .map(|(_, without)| *without)
    };
    if !text.chars().any(|c| fold(c).is_some()) {
        return None;
    }
    Some(text.chars().map(|c| fold(c).unwrap_or(c)).collect())
}

/// A regex over normalised Latvian text that also matches it typed without diacritics: every
/// letter with one becomes a class of both forms (`ā` → `[āa]`; inside a class, both letters).
pub fn latvian_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut in_class = false;
    let mut escaped = false;
    for c in pattern.chars() {
        let fold = LATVIAN_FOLDS.iter().find(|(with, _)| *with == c);
        match fold {
            Some((with, without)) if !escaped => {
                if in_class {
                    out.push(*with);
                    out.push(*without);
                } else {
                    out.push('[');
                    out.push(*with);
                    out.push(*without);
                    out.push(']');
                }
            }
            _ => {
                if !escaped {
                    if c == '[' {
                        in_class = true;
                    } else if c == ']' {
                        in_class = false;
                    }
                }
                out.push(c);
            }
        }
        escaped = !escaped && c == '\\';
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes() -> Classes {
        let mut classes = Classes::new();
        classes.insert("you".into(), vec!["你".into(), "您".into()]);
        classes.insert(
            "must".into(),
            vec!["必须".into(), "务必".into(), "得".into()],
        );
        classes
    }

    #[test]
    fn classes_expand_into_every_combination() {
        let expanded = expand("{you}{must}先", &classes()).unwrap();
        assert_eq!(expanded.parts.len(), 1);
        assert_eq!(expanded.parts[0].len(), 6);
        assert!(expanded.parts[0].contains(&"您务必先".to_string()));
        assert_eq!(expanded.classes_used, ["you", "must"]);
    }

    #[test]
    fn gaps_split_a_phrase_into_parts() {
        let expanded = expand("{you} {…4} {must}", &classes()).unwrap();
        assert_eq!(
            expanded.parts,
            [vec!["你", "您"], vec!["必须", "务必", "得"]]
        );
        assert_eq!(expanded.gaps, [4]);
        assert_eq!(expand("a{...2}b", &classes()).unwrap().gaps, [2]);
    }

    #[test]
    fn bad_classes_and_gaps_are_errors() {
        assert_eq!(
            expand("{they}{must}", &classes()).unwrap_err(),
            RuleProblem::UnknownClass("they".into())
        );
        assert!(matches!(
            expand("{you}{…0}{must}", &classes()).unwrap_err(),
            RuleProblem::BadGap(_)
        ));
        assert!(matches!(
            expand("{…3}{must}", &classes()).unwrap_err(),
            RuleProblem::GapAtEdge(_)
        ));
        assert!(matches!(
            expand("{you}{…3}", &classes()).unwrap_err(),
            RuleProblem::GapAtEdge(_)
        ));
    }

    #[test]
    fn literal_braces_stay_text() {
        let expanded = expand("{Name} {1}", &classes()).unwrap();
        assert_eq!(expanded.parts, [vec!["{Name} {1}"]]);
    }

    #[test]
    fn expansion_is_bounded() {
        let mut classes = Classes::new();
        classes.insert("x".into(), (0..100).map(|i| i.to_string()).collect());
        assert!(matches!(
            expand("{x}{x}", &classes).unwrap_err(),
            RuleProblem::TooManyExpansions { .. }
        ));
    }

    #[test]
    fn classes_in_patterns_become_alternations() {
        let (pattern, used) =
            expand_in_pattern(r"{you}(?:\p{han}){1,3}{must}", &classes(), str::to_string).unwrap();
        assert_eq!(pattern, r"(?:你|您)(?:\p{han}){1,3}(?:务必|必须|得)");
        assert_eq!(used, ["you", "must"]);
        assert_eq!(
            expand_in_pattern(r"\{you}", &classes(), str::to_string)
                .unwrap()
                .0,
            r"\{you}"
        );
    }

    #[test]
    fn latvian_folds_diacritics() {
        assert_eq!(
            latvian_without_diacritics("jūs kļūdāties").as_deref(),
            Some("jus kludaties")
        );
        assert_eq!(latvian_without_diacritics("jus"), None);
        assert_eq!(latvian_pattern("jūs [ķk]"), "j[ūu]s [ķkk]");
    }
}
