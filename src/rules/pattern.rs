//! A `pattern` rule's regular expression: checked when its pack loads, compiled when first needed.
//!
//! Compiling a Unicode-aware regex costs from tens of microseconds to a millisecond, which would
//! dominate the start-up of a one-draft check if every pattern were compiled up front. Instead a
//! pattern carries the literal prefixes every match must start with; the matcher looks for those
//! with Aho-Corasick and compiles (once) and runs only the patterns whose prefixes occur.

use std::borrow::Cow;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use regex_automata::meta::Regex;
use regex_automata::nfa::thompson::NFA;
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, HirKind};

use super::error::PatternError;
use super::{List, RuleText, Texts};
use crate::normalize;

/// Compiled-program limits for rule regexes: generous for any real rule, small enough that a
/// hostile `(a{1000}){1000}` fails at load time instead of eating memory.
const REGEX_SIZE_LIMIT: usize = 2 * 1024 * 1024;
const REGEX_DFA_SIZE_LIMIT: usize = 8 * 1024 * 1024;

/// A rule's regex and what the matcher needs to know about it without compiling it.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// As written in the pack.
    pub source: RuleText,
    /// Rewritten for the normalised view (non-ASCII characters folded).
    pub normalized: RuleText,
    /// Capture group names by group index; index 0 is the whole match.
    pub captures: List<Option<RuleText>>,
    /// Literals one of which every match starts with, or `None` when no useful set exists (the
    /// pattern is then run on every segment).
    pub prefixes: Option<Texts>,
    /// Literals one of which every match contains, or `None` when no useful set exists: a text
    /// holding none of them cannot match, and the pattern need not even be compiled for it
    /// (see [`Pattern::may_occur_in`]).
    pub required: Option<Texts>,
    compiled: OnceLock<Option<Regex>>,
    screen: OnceLock<Option<Regex>>,
    required_searcher: OnceLock<Option<AhoCorasick>>,
}

impl Pattern {
    /// Parses and checks a pattern from a pack file; it is compiled on first use. Everything
    /// that can go wrong is found here, at load time, where the error can name the file, line and
    /// column: syntax, upper-case literals, matching the empty string, and size (estimated from
    /// the parsed pattern, so that a hostile `(a{1000}){1000}` is refused without compiling it),
    /// and whether the engine could compile it at all (`a{100000}` parses, but would never run).
    pub fn new(source: &str) -> Result<Pattern, PatternError> {
        Pattern::analyse(source, source, |normalized| normalized.to_string())
    }

    /// A pattern written as `source` whose classes have been expanded into `expanded`; `adapt`
    /// rewrites the normalised regex once more (Latvian: letters with or without diacritics).
    pub fn with_expansion(
        source: &str,
        expanded: &str,
        adapt: impl Fn(&str) -> String,
    ) -> Result<Pattern, PatternError> {
        Pattern::analyse(source, expanded, adapt)
    }

    /// A pattern whose analysis was done ahead of time (the built-in packs, as generated
    /// literals); compiled on first use.
    pub const fn precomputed(
        source: &'static str,
        normalized: &'static str,
        captures: &'static [Option<RuleText>],
        prefixes: Option<&'static [RuleText]>,
    ) -> Pattern {
        Pattern::precomputed_with_required(source, normalized, captures, prefixes, None)
    }

    /// [`Pattern::precomputed`] with the pattern's required literals as well.
    pub const fn precomputed_with_required(
        source: &'static str,
        normalized: &'static str,
        captures: &'static [Option<RuleText>],
        prefixes: Option<&'static [RuleText]>,
        required: Option<&'static [RuleText]>,
    ) -> Pattern {
        Pattern {
            source: Cow::Borrowed(source),
            normalized: Cow::Borrowed(normalized),
            captures: List::borrowed(captures),
            prefixes: match prefixes {
                Some(prefixes) => Some(List::borrowed(prefixes)),
                None => None,
            },
            required: match required {
                Some(required) => Some(List::borrowed(required)),
                None => None,
            },
            compiled: OnceLock::new(),
            screen: OnceLock::new(),
            required_searcher: OnceLock::new(),
        }
    }

    fn analyse(
        source: &str,
        expanded: &str,
        adapt: impl Fn(&str) -> String,
    ) -> Result<Pattern, PatternError> {
        if source.is_empty() {
            return Err(PatternError::Empty);
        }
        let normalized = adapt(&normalize::normalize_pattern(expanded));
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(&normalized)
            .map_err(|error| PatternError::Syntax(error.to_string()))?;
        if hir.properties().minimum_len() == Some(0) {
            return Err(PatternError::MatchesEmpty);
        }
        if estimated_size(&hir) > ESTIMATED_SIZE_LIMIT {
            return Err(PatternError::TooComplex {
                limit: REGEX_SIZE_LIMIT,
            });
        }
        if let Some(upper) = first_uppercase_literal(&hir) {
            return Err(PatternError::UpperCase(upper));
        }
        // The syntax is known to be valid here, so the only way the engine's own compiler can
        // fail is a size limit. Building the NFA is a fraction of building the whole regex, and
        // without it a pattern beyond the limits would load and then silently never fire.
        NFA::compiler()
            .configure(NFA::config().nfa_size_limit(Some(REGEX_SIZE_LIMIT)))
            .build_from_hir(&hir)
            .map_err(|_| PatternError::BeyondEngineLimits {
                limit: REGEX_SIZE_LIMIT,
            })?;
        let mut captures = vec![None; hir.properties().explicit_captures_len() + 1];
        collect_capture_names(&hir, &mut captures);
        Ok(Pattern {
            source: source.to_string().into(),
            normalized: normalized.into(),
            captures: captures.into(),
            prefixes: prefixes(&hir).map(|found| found.into_iter().map(RuleText::from).collect()),
            required: required_literals(&hir)
                .map(|found| found.into_iter().map(RuleText::from).collect()),
            compiled: OnceLock::new(),
            screen: OnceLock::new(),
            required_searcher: OnceLock::new(),
        })
    }

    /// The compiled regex; `None` only if a pattern that skipped load-time compilation turns out
    /// not to compile, which the built-in packs' tests rule out.
    pub fn regex(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| compile(&self.normalized))
            .as_ref()
    }

    /// A looser regex that matches wherever [`Self::regex`] does (and maybe elsewhere), for
    /// ruling places out cheaply: the pattern with its Unicode word boundaries (`\b`) dropped and
    /// its groups uncaptured. `None` when the pattern has no Unicode word boundary.
    ///
    /// A Unicode `\b` is the one thing the regex crate's DFAs cannot do on non-ASCII text; a
    /// search for such a pattern falls back to its slowest engine (the PikeVM), for every place
    /// tried, matched or not. Most places tried do not match, and the screen, DFA-fast, says so.
    pub fn screen(&self) -> Option<&Regex> {
        self.screen
            .get_or_init(|| {
                let hir = regex_syntax::ParserBuilder::new()
                    .build()
                    .parse(&self.normalized)
                    .ok()?;
                let loosened = without_unicode_word_boundaries(&hir)?;
                builder().build_from_hir(&loosened).ok()
            })
            .as_ref()
    }

    /// Whether `haystack` holds one of the [`Pattern::required`] literals (true when there are
    /// none). This is what keeps a pattern without literal prefixes (one that starts with `\w`
    /// or `^`), or with very common ones (a comma), from costing every text its compile and a
    /// search. A draft is searched for each literal in turn; a long text once, by an automaton.
    pub fn may_occur_in(&self, haystack: &str) -> bool {
        let Some(required) = &self.required else {
            return true;
        };
        if haystack.len() < REQUIRED_AUTOMATON_MIN_BYTES {
            return required
                .iter()
                .any(|literal| haystack.contains(literal.as_ref()));
        }
        self.required_searcher
            .get_or_init(|| {
                AhoCorasick::new(required.iter().map(|literal| literal.as_bytes())).ok()
            })
            .as_ref()
            .is_none_or(|searcher| searcher.is_match(haystack))
    }

    pub fn group_index(&self, name: &str) -> Option<usize> {
        self.captures
            .iter()
            .position(|known| known.as_deref() == Some(name))
    }
}

fn compile(normalized: &str) -> Option<Regex> {
    builder().build(normalized).ok()
}

/// How a pattern's regex (and its screen) is built.
fn builder() -> regex_automata::meta::Builder {
    let mut builder = Regex::builder();
    builder.configure(
        Regex::config()
            // The matcher starts every search where one of the pattern's literal prefixes
            // occurs, found in its one automaton pass, so a prefilter would only find that
            // same place again; extracting one cost more than the rest of a one-draft check.
            .auto_prefilter(false)
            .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
            .dfa_size_limit(Some(REGEX_DFA_SIZE_LIMIT)),
    );
    builder
}

/// A set of literals one of which every match of `hir` contains, the best one found: its
/// shortest literal as long as possible, then as few literals as possible. A concatenation's
/// match contains a match of each of its parts, and each part's match starts with one of that
/// part's prefix literals (when they are a finite set); an alternation's match contains one of
/// the literals required by the branch it took.
fn required_literals(hir: &Hir) -> Option<Vec<String>> {
    fn quality(set: &[String]) -> (usize, std::cmp::Reverse<usize>) {
        let shortest = set.iter().map(String::len).min().unwrap_or(0);
        (shortest, std::cmp::Reverse(set.len()))
    }
    let own = prefixes(hir);
    let inner = match hir.kind() {
        HirKind::Capture(capture) => required_literals(&capture.sub),
        HirKind::Repetition(repetition) if repetition.min > 0 => required_literals(&repetition.sub),
        HirKind::Concat(parts) => parts
            .iter()
            .filter_map(required_literals)
            .max_by_key(|set| quality(set)),
        HirKind::Alternation(branches) => {
            let mut union = Vec::new();
            for branch in branches {
                union.extend(required_literals(branch)?);
            }
            union.sort();
            union.dedup();
            Some(union)
        }
        _ => None,
    };
    match (own, inner) {
        (Some(own), Some(inner)) => Some(if quality(&inner) > quality(&own) {
            inner
        } else {
            own
        }),
        (own, inner) => own.or(inner),
    }
    .filter(|set| !set.is_empty() && set.len() <= MAX_REQUIRED_LITERALS)
}

/// The text length from which [`Pattern::may_occur_in`] builds an automaton of the literals.
const REQUIRED_AUTOMATON_MIN_BYTES: usize = 16 * 1024;

/// More required literals than this filter too little to be worth looking for.
const MAX_REQUIRED_LITERALS: usize = 1024;

/// `hir` with every Unicode word-boundary assertion replaced by the empty pattern and every
/// capture group by its contents, or `None` if it has no such assertion. Dropping an assertion
/// only ever lets more texts match.
fn without_unicode_word_boundaries(hir: &Hir) -> Option<Hir> {
    fn loosen(hir: &Hir, found: &mut bool) -> Hir {
        use regex_syntax::hir::{Look, Repetition};
        match hir.kind() {
            HirKind::Look(
                Look::WordUnicode
                | Look::WordUnicodeNegate
                | Look::WordStartUnicode
                | Look::WordEndUnicode
                | Look::WordStartHalfUnicode
                | Look::WordEndHalfUnicode,
            ) => {
                *found = true;
                Hir::empty()
            }
            HirKind::Capture(capture) => loosen(&capture.sub, found),
            HirKind::Repetition(repetition) => Hir::repetition(Repetition {
                sub: Box::new(loosen(&repetition.sub, found)),
                ..repetition.clone()
            }),
            HirKind::Concat(parts) => {
                Hir::concat(parts.iter().map(|part| loosen(part, found)).collect())
            }
            HirKind::Alternation(parts) => {
                Hir::alternation(parts.iter().map(|part| loosen(part, found)).collect())
            }
            _ => hir.clone(),
        }
    }
    let mut found = false;
    let loosened = loosen(hir, &mut found);
    found.then_some(loosened)
}

/// A rough upper bound on the compiled size of a pattern, in NFA states. Generous for any real
/// rule; bounded repetitions multiply, which is what makes hostile patterns explode.
fn estimated_size(hir: &Hir) -> u64 {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => 1,
        HirKind::Literal(literal) => literal.0.len() as u64,
        HirKind::Class(regex_syntax::hir::Class::Unicode(class)) => 4 * class.ranges().len() as u64,
        HirKind::Class(regex_syntax::hir::Class::Bytes(class)) => class.ranges().len() as u64,
        HirKind::Repetition(repetition) => {
            let copies = repetition
                .max
                .unwrap_or(repetition.min.saturating_add(1))
                .max(1);
            estimated_size(&repetition.sub).saturating_mul(u64::from(copies))
        }
        HirKind::Capture(capture) => estimated_size(&capture.sub).saturating_add(2),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => parts
            .iter()
            .map(estimated_size)
            .fold(parts.len() as u64, u64::saturating_add),
    }
}

/// The estimate above which a pattern is refused; about what fits in [`REGEX_SIZE_LIMIT`].
const ESTIMATED_SIZE_LIMIT: u64 = 200_000;

fn collect_capture_names(hir: &Hir, names: &mut Vec<Option<RuleText>>) {
    match hir.kind() {
        HirKind::Capture(capture) => {
            if let Some(slot) = names.get_mut(capture.index as usize) {
                *slot = capture.name.as_deref().map(|name| name.to_string().into());
            }
            collect_capture_names(&capture.sub, names);
        }
        HirKind::Concat(parts) | HirKind::Alternation(parts) => {
            for part in parts {
                collect_capture_names(part, names);
            }
        }
        HirKind::Repetition(repetition) => collect_capture_names(&repetition.sub, names),
        _ => {}
    }
}

fn first_uppercase_literal(hir: &Hir) -> Option<char> {
    match hir.kind() {
        HirKind::Literal(literal) => std::str::from_utf8(&literal.0)
            .ok()
            .and_then(|text| text.chars().find(|c| c.is_uppercase())),
        HirKind::Capture(capture) => first_uppercase_literal(&capture.sub),
        HirKind::Repetition(repetition) => first_uppercase_literal(&repetition.sub),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => {
            parts.iter().find_map(first_uppercase_literal)
        }
        _ => None,
    }
}

/// Longest prefix kept per literal: longer ones filter no better and make a bigger automaton.
const PREFIX_MAX_BYTES: usize = 12;

/// Prefix literals worth prefiltering on: a finite set of non-empty strings, cut at character
/// boundaries (the extractor works on bytes and would otherwise split CJK characters), with any
/// literal dropped that a shorter one in the set already covers.
fn prefixes(hir: &Hir) -> Option<Vec<String>> {
    let sequence = Extractor::new()
        .kind(ExtractKind::Prefix)
        .limit_total(5000)
        .limit_class(40)
        .extract(hir);
    let mut prefixes = Vec::new();
    for literal in sequence.literals()? {
        let bytes = &literal.as_bytes()[..literal.len().min(PREFIX_MAX_BYTES)];
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => std::str::from_utf8(&bytes[..error.valid_up_to()]).ok()?,
        };
        if text.is_empty() {
            return None;
        }
        prefixes.push(text.to_string());
    }
    if prefixes.is_empty() {
        return None;
    }
    prefixes.sort();
    prefixes.dedup();
    // Sorted order puts a literal right before the ones it is a prefix of.
    let mut minimal: Vec<String> = Vec::with_capacity(prefixes.len());
    for prefix in prefixes {
        if !minimal
            .last()
            .is_some_and(|kept| prefix.starts_with(kept.as_str()))
        {
            minimal.push(prefix);
        }
    }
    Some(minimal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_capture_names_and_prefixes() {
        let pattern = Pattern::new("我不能给你(?P<what>.+?),除非(.+)").unwrap();
        assert_eq!(*pattern.captures, [None, Some("what".into()), None]);
        assert_eq!(pattern.group_index("what"), Some(1));
        assert_eq!(pattern.prefixes.as_deref(), Some(&["我不能给".into()][..]));
    }

    #[test]
    fn unbounded_starts_have_no_prefixes() {
        assert_eq!(Pattern::new(r".+?unless").unwrap().prefixes, None);
        let alternatives = Pattern::new(r"\b(?:i|we) can't").unwrap().prefixes.unwrap();
        assert_eq!(*alternatives, ["i can't", "we can't"]);
        let cjk = Pattern::new("(?:我们|我|咱们)(?:这边)?(?:不能|无法)")
            .unwrap()
            .prefixes
            .unwrap();
        assert!(cjk.iter().all(|prefix| !prefix.is_empty()), "{cjk:?}");
        assert!(cjk.iter().any(|prefix| prefix.starts_with("我")), "{cjk:?}");
    }

    #[test]
    fn rejects_upper_case_literals_that_could_never_match() {
        assert_eq!(
            Pattern::new(r"\bI can't").unwrap_err(),
            PatternError::UpperCase('I')
        );
        assert!(Pattern::new(r"\bi can't \S+").is_ok());
    }

    #[test]
    fn rejects_empty_matches_and_huge_programs() {
        assert_eq!(Pattern::new("a*").unwrap_err(), PatternError::MatchesEmpty);
        assert!(matches!(
            Pattern::new("(a{1000}){1000}").unwrap_err(),
            PatternError::TooComplex { .. }
        ));
    }

    /// `a{100000}` passes the estimate but is beyond what the engine compiles: loading it must
    /// fail instead of leaving a rule that never fires.
    #[test]
    fn rejects_patterns_the_engine_cannot_compile() {
        assert!(matches!(
            Pattern::new("a{100000}").unwrap_err(),
            PatternError::BeyondEngineLimits { .. }
        ));
        assert!(Pattern::new("a{1000}").unwrap().regex().is_some());
    }

    #[test]
    fn patterns_from_files_compile_on_first_use() {
        let pattern = Pattern::new("我不能给你(.+?),除非(.+)").unwrap();
        assert!(pattern.compiled.get().is_none());
        assert!(pattern.regex().unwrap().is_match("我不能给你退款,除非寄回"));
    }

    #[test]
    fn required_literals_are_found_inside_a_pattern() {
        let required = |source: &str| Pattern::new(source).unwrap().required.map(|r| r.to_vec());
        let texts = |items: &[&str]| {
            Some(
                items
                    .iter()
                    .map(|&item| RuleText::from(item.to_string()))
                    .collect::<Vec<_>>(),
            )
        };
        // No literal prefix, but every match holds "iet" ("ieties" starts with it).
        assert_eq!(
            required(r"(?:^|[.!?]\s+)\w{3,}(?:iet|ieties)\b"),
            texts(&["iet"])
        );
        // A common prefix (a comma) loses to the rarer words after it.
        assert_eq!(
            required(r"[,;]\s*(?:otherwise|or else)\b"),
            texts(&["or else", "otherwise"])
        );
        // Each branch of an alternation brings its own.
        assert_eq!(
            required(r"\b(?:\w+ly sorry|regret \w+)"),
            texts(&["ly sorry", "regret "])
        );
        // Nothing is required of an optional part.
        assert_eq!(required(r"\w+(?:xyz)?"), None);
    }

    #[test]
    fn precomputed_patterns_compile_on_first_use() {
        let pattern = Pattern::precomputed_with_required(
            "ab(c)",
            "ab(c)",
            &[None, None],
            Some(&[Cow::Borrowed("ab")]),
            Some(&[Cow::Borrowed("abc")]),
        );
        assert!(!pattern.may_occur_in("xab"));
        assert!(pattern.may_occur_in("xabc"));
        assert!(pattern.regex().unwrap().is_match("xabc"));
        assert_eq!(pattern.regex().unwrap().captures_len(), 2);
    }
}
