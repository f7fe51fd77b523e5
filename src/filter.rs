//! The post-filter stage: which of the engine's findings are reported.
//!
//! Every front end (the CLI, the fixer, servers, grading) goes through [`Filters::apply`], so a
//! finding is reported or hidden the same way everywhere. The steps run in one documented order:
//!
//! 1. **One finding per problem**: a finding strictly inside another of the same category is
//!    dropped (the longer one is the more specific rule).
//! 2. **Severity**: findings below [`Filters::min_severity`] are dropped.
//!
//! Rule selection, per-rule severity overrides, suppression comments and the baseline join as
//! later steps of the same function, in that order, so that a suppression sees the severity a
//! finding will be reported with.

use crate::diagnostic::Diagnostic;
use crate::rules::Severity;

/// What the filter stage keeps. The default keeps every finding of every severity.
#[derive(Debug, Clone)]
pub struct Filters {
    /// Findings below this severity are not reported (and not fixed).
    pub min_severity: Severity,
}

impl Default for Filters {
    fn default() -> Self {
        Filters {
            min_severity: Severity::Hint,
        }
    }
}

impl Filters {
    /// Runs the steps in order; the result is ordered by position, then rule id.
    pub fn apply(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let mut diagnostics = drop_contained_same_category(diagnostics);
        diagnostics.retain(|diagnostic| diagnostic.severity >= self.min_severity);
        diagnostics.sort_by(|a, b| {
            (a.span.start, a.span.end, &a.rule.id).cmp(&(b.span.start, b.span.end, &b.rule.id))
        });
        diagnostics
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Linter;

    #[test]
    fn severity_floor_drops_lower_findings_only() {
        let linter = Linter::builtin().unwrap();
        let all = linter.find(&crate::Source::new("t", "你必须先填表,这是规定。"));
        assert!(!all.is_empty());
        let lowest = all.iter().map(|d| d.severity).min().unwrap();
        let filters = Filters {
            min_severity: Severity::Error,
        };
        let kept = filters.apply(all.clone());
        assert!(kept.iter().all(|d| d.severity >= Severity::Error));
        let everything = Filters::default().apply(all);
        assert!(everything.iter().any(|d| d.severity == lowest));
    }
}
