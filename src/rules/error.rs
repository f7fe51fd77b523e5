//! What can be wrong with a rule pack, as values. The wording lives here, in the `Display` of
//! each variant, and nowhere else; [`super::RuleError`] adds the file, line and column.

use thiserror::Error;

use super::template::TemplateError;

/// One problem found while reading or validating a pack.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RuleProblem {
    /// The file is not YAML, or not shaped like a pack (the YAML library's own words).
    #[error("{0}")]
    Yaml(String),
    #[error("cannot read rules: {0}")]
    Io(String),
    #[error("`language` must not be empty")]
    EmptyLanguage,
    #[error("a pack needs at least one rule")]
    NoRules,
    #[error("duplicate rule id `{0}` in this pack")]
    DuplicateIdInPack(String),
    #[error("pack name `{name}` is already used by {owner}")]
    DuplicatePack { name: String, owner: String },
    #[error("duplicate rule id `{id}`: already defined in pack `{pack}`")]
    DuplicateId { id: String, pack: String },
    #[error("rule id `{0}` must be lowercase and dotted, like `zh.command.you-must`")]
    BadId(String),
    /// A pack name or category.
    #[error("{what} `{name}` must be lowercase letters, digits and `-`")]
    BadName { what: &'static str, name: String },
    #[error("`{0}` must not be empty")]
    EmptyField(&'static str),
    #[error("empty {0}: it would match everywhere")]
    EmptyPhrase(&'static str),
    /// A field the rule's kind requires, named by what to write.
    #[error("a `{kind}` rule needs `{field}`")]
    MissingField {
        kind: &'static str,
        field: &'static str,
    },
    /// A field the rule's kind does not take; the text says what to do instead.
    #[error("{0}")]
    FieldNotForKind(&'static str),
    #[error("say how safe the rewrite is: `fix: safe`, `unsafe` or `display-only`")]
    MissingFix,
    #[error("`examples` needs at least one `bad` and one `good` text")]
    MissingExamples,
    #[error(transparent)]
    Pattern(#[from] PatternError),
    #[error("invalid rewrite: {0}")]
    Rewrite(#[from] RewriteError),
    #[error("empty rewrite")]
    EmptyRewrite,
    #[error("unknown class `{{{0}}}`: define it under `classes:` in this pack or in the language's classes.yaml")]
    UnknownClass(String),
    #[error("class name `{0}` must be lowercase letters, digits and `-`, starting with a letter")]
    BadClassName(String),
    #[error("class `{0}` has no members")]
    EmptyClass(String),
    #[error("class member `{0}` must be literal text (no `{{class}}` or `{{…N}}` inside a class)")]
    MemberNotLiteral(String),
    #[error("bad gap `{{{0}}}`: write `{{…N}}` or `{{...N}}` with N from 1 to {max}", max = super::classes::MAX_GAP)]
    BadGap(String),
    #[error("a gap must stand between two parts of a phrase: `{0}`")]
    GapAtEdge(String),
    #[error("phrase `{phrase}` expands into more than {limit} literals; split it or use smaller classes")]
    TooManyExpansions { phrase: String, limit: usize },
    #[error("a phrase with a gap (`{{…N}}`) can only be in an `avoid` rule: a rewrite would replace the writer's words in the gap")]
    GapNeedsAvoid,
    #[error("a gap (`{{…N}}`) is not allowed here; only in `phrases`")]
    GapNotAllowed,
    #[error("`unless.then` must be a severity below the rule's own ({0}), or `skip`")]
    BadUnlessSeverity(super::Severity),
    #[error("a classes file needs `language` and `classes`, and nothing else")]
    BadClassesFile,
}

/// Why a `pattern` rule's regular expression cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PatternError {
    #[error("empty pattern: it would match everywhere")]
    Empty,
    #[error("pattern matches the empty string, so it would fire everywhere")]
    MatchesEmpty,
    #[error("invalid pattern: {0}")]
    Syntax(String),
    #[error(
        "invalid pattern: pattern is too complex (it would compile to more than {limit} bytes); \
         simplify repetitions"
    )]
    TooComplex { limit: usize },
    #[error(
        "invalid pattern: `{0}` can never match: patterns run on the lower-cased normalised view, \
         so write letters in lower case"
    )]
    UpperCase(char),
    /// Accepted by the parser but beyond what the regex engine compiles, so it could never run.
    #[error(
        "invalid pattern: it can never match: its compiled form would exceed the engine's limit \
         of {limit} bytes; simplify repetitions"
    )]
    BeyondEngineLimits { limit: usize },
}

/// Why a rewrite template does not fit its rule.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RewriteError {
    #[error(transparent)]
    Syntax(#[from] TemplateError),
    #[error("`${{rest}}` needs `clause: true`")]
    RestWithoutClause,
    #[error("the pattern has no capture group {0}")]
    NoGroup(usize),
    #[error("the pattern has no capture group named `{0}`")]
    NoNamedGroup(String),
    #[error("capture groups only exist in `pattern` rules")]
    GroupOutsidePattern,
    #[error(
        "a clause rule's fix replaces the whole clause, so it must carry it on with `${{rest}}`; \
         without it the writer's text after the phrase (numbers, addresses, names) would be \
         deleted. Use `${{rest}}`, `fix: display-only`, or drop `clause: true`"
    )]
    DropsRestOfClause,
}
