//! replylint: a linter for the phrasing of customer-service replies.
//!
//! The pipeline runs one way: [`Source`] → [`Segment`]s (text with a map back to the source) →
//! [`normalize::NormalizedText`] → [`matcher::RuleMatch`]es → [`Diagnostic`]s → renderers.
//!
//! ```
//! use replylint::rules::{load_pack, PackOrigin};
//! use replylint::{Linter, RuleSet, Source};
//!
//! let pack = load_pack(
//!     r#"
//! pack: team
//! language: zh
//! rules:
//!   - id: team.blame.you-are-wrong
//!     kind: swap
//!     category: blame
//!     severity: warning
//!     message: 直接说客户错了会引起对抗。
//!     why: 间接说明客户的错误。
//!     source: team handbook
//!     phrases: [你搞错了]
//!     rewrite: [我觉得这里存在误解]
//!     fix: unsafe
//!     examples: { bad: [你搞错了], good: [我觉得这里存在误解] }
//! "#,
//!     PackOrigin::File("team.yaml".into()),
//! )?;
//! let mut rules = RuleSet::default();
//! rules.add(pack)?;
//! let linter = Linter::new(rules);
//!
//! // Traditional script is matched through folding, and the rewrite comes back Traditional.
//! let diagnostics = linter.check(&Source::new("<draft>", "妳搞錯了。"));
//! assert_eq!(diagnostics[0].rule.id, "team.blame.you-are-wrong");
//! assert_eq!(diagnostics[0].text, "妳搞錯了");
//! assert_eq!(diagnostics[0].suggestions, ["我覺得這裡存在誤解"]);
//! # Ok::<(), replylint::RuleError>(())
//! ```

pub mod diagnostic;
pub mod fix;
pub mod matcher;
pub mod normalize;
pub mod placeholder;
pub mod render;
pub mod rules;
pub mod selftest;
pub mod source;
mod yaml;

pub use diagnostic::{Diagnostic, Fix};
pub use fix::{apply_fixes, AppliedFix, FixLevel, FixOptions, FixOutcome};
pub use placeholder::{PlaceholderError, Placeholders};
pub use rules::{FixSafety, Rule, RuleError, RuleKind, RuleSet, Severity};
pub use source::{Segment, Source};

use diagnostic::DiagnosticBuilder;
use matcher::Matcher;

/// A rule set compiled for matching. Build it once and check many sources with it; it is
/// `Sync`, so sources can be checked in parallel.
#[derive(Debug, Clone)]
pub struct Linter {
    rules: RuleSet,
    matcher: Matcher,
    placeholders: Placeholders,
}

impl Linter {
    /// A linter that protects the default placeholder syntaxes (see [`placeholder`]).
    pub fn new(rules: RuleSet) -> Linter {
        let matcher = Matcher::new(rules.rules().cloned().collect());
        Linter {
            rules,
            matcher,
            placeholders: Placeholders::default(),
        }
    }

    /// Replaces the placeholder syntaxes that are never reported or fixed.
    pub fn with_placeholders(mut self, placeholders: Placeholders) -> Linter {
        self.placeholders = placeholders;
        self
    }

    /// A linter with the built-in packs only.
    pub fn builtin() -> Result<Linter, RuleError> {
        Ok(Linter::new(RuleSet::builtin()?))
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// All diagnostics for a source, ordered by position, then rule id.
    pub fn check(&self, source: &Source) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        for segment in source.segments() {
            let matches = self.matcher.find(&segment.text);
            if matches.is_empty() {
                continue;
            }
            let spans: Vec<_> = matches.iter().map(|found| found.span.clone()).collect();
            let placeholders =
                placeholder::Spans::new(self.placeholders.find_near(&segment.text, &spans));
            let mut builder = DiagnosticBuilder::new(&segment, placeholders);
            for found in matches {
                let rule = &self.matcher.rules()[found.rule];
                if let Some(diagnostic) = builder.build(rule, &found) {
                    diagnostics.push(diagnostic);
                }
            }
        }
        let mut diagnostics = drop_contained_same_category(diagnostics);
        diagnostics.sort_by(|a, b| {
            (a.span.start, a.span.end, &a.rule.id).cmp(&(b.span.start, b.span.end, &b.rule.id))
        });
        diagnostics
    }

    /// Shorthand for checking a string that did not come from a file.
    pub fn check_text(&self, text: &str) -> Vec<Diagnostic> {
        self.check(&Source::new("<text>", text))
    }
}

/// One finding per problem: when a finding lies strictly inside another of the same category,
/// the longer one is the more specific rule ("we can't refund you unless …" is a can't-unless
/// finding, not also a bare "we can't"), so the contained one is dropped.
fn drop_contained_same_category(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.sort_by(|a, b| {
        (a.span.start, std::cmp::Reverse(a.span.end))
            .cmp(&(b.span.start, std::cmp::Reverse(b.span.end)))
    });
    let mut kept: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    // Indices into `kept` of findings that may still contain later ones.
    let mut open: Vec<usize> = Vec::new();
    for diagnostic in diagnostics {
        open.retain(|&index| kept[index].span.end > diagnostic.span.start);
        let contained = open.iter().any(|&index| {
            let outer = &kept[index];
            outer.rule.category == diagnostic.rule.category
                && outer.span != diagnostic.span
                && outer.span.start <= diagnostic.span.start
                && outer.span.end >= diagnostic.span.end
        });
        if !contained {
            open.push(kept.len());
            kept.push(diagnostic);
        }
    }
    kept
}
