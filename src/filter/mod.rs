//! The post-filter stage: which of the engine's findings are reported.
//!
//! Every front end (the CLI, the fixer, servers, grading) goes through [`Filters`], so a
//! finding is reported or hidden the same way everywhere. The steps run in one documented order:
//!
//! 1. **Selection**: `select` / `extend-select` / `ignore` and `per-file-ignores` (the most
//!    specific selector decides, see [`crate::config::selector`]). Selection comes first so
//!    that a rule that is switched off can never hide another rule's finding in step 4.
//! 2. **Severity overrides** per rule, prefix or category.
//! 3. **Severity floor**: findings below [`Filters::min_severity`] are dropped.
//! 4. **One finding per problem**: a finding strictly inside another of the same category is
//!    dropped (the longer one is the more specific rule).
//! 5. **Suppression comments** ([`suppress`]); unused ones and ones naming unknown rules are
//!    reported as findings of their own.
//! 6. **Baseline**: findings recorded in the baseline are hidden (and counted).
//!
//! Steps 1–4 need only the findings ([`Filters::apply`], what [`crate::Linter::check`] uses);
//! 5 and 6 need the source ([`Filters::apply_to`], what a session uses).

pub mod records;
pub mod suppress;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::baseline;
use crate::config::selector::{most_specific, Selector};
use crate::diagnostic::Diagnostic;
use crate::rules::{PackOrigin, Rule, RuleSet, Severity};
use crate::source::Source;
use suppress::{CommentSyntax, Suppressions};

/// Which rules are reported: every rule unless `select` says otherwise.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// When set, only these rules (plus `extend_select`); otherwise every rule.
    pub select: Option<Vec<Selector>>,
    pub extend_select: Vec<Selector>,
    pub ignore: Vec<Selector>,
}

impl Selection {
    pub fn is_default(&self) -> bool {
        self.select.is_none() && self.extend_select.is_empty() && self.ignore.is_empty()
    }

    /// Whether `rule` is reported: the most specific selector naming it decides, `ignore`
    /// winning a tie; a rule no selector names is reported unless `select` is set.
    pub fn enabled(&self, rule: &Rule) -> bool {
        let mut decision: Option<(usize, bool)> = None;
        let enabling = self.select.iter().flatten().chain(&self.extend_select);
        for (selector, enable) in enabling
            .map(|selector| (selector, true))
            .chain(self.ignore.iter().map(|selector| (selector, false)))
        {
            if let Some(specificity) = selector.specificity(rule) {
                let better = match decision {
                    None => true,
                    Some((known, _)) => specificity > known || (specificity == known && !enable),
                };
                if better {
                    decision = Some((specificity, enable));
                }
            }
        }
        decision.map_or(self.select.is_none(), |(_, enable)| enable)
    }
}

/// Rules switched off for files matching a glob.
#[derive(Debug, Clone)]
pub struct PerFileIgnore {
    pub glob: globset::GlobMatcher,
    /// The directory the glob is relative to (the config file's).
    pub base: PathBuf,
    pub rules: Vec<Selector>,
}

impl PerFileIgnore {
    /// Whether the glob matches the input `path`, whose `absolute` form is given so that it is
    /// made once per input rather than once per glob.
    fn applies_to(&self, path: &Path, absolute: &Path) -> bool {
        let relative = absolute.strip_prefix(&self.base).unwrap_or(path);
        self.glob.is_match(relative) || self.glob.is_match(path)
    }
}

/// What the filter stage keeps. The default keeps every finding of every severity.
#[derive(Debug, Clone)]
pub struct Filters {
    pub selection: Selection,
    /// Severity overrides, by selector.
    pub severity: Vec<(Selector, Severity)>,
    pub per_file_ignores: Vec<PerFileIgnore>,
    /// Findings below this severity are not reported (and not fixed).
    pub min_severity: Severity,
    /// Whether suppression comments (and record-level ignore fields) are honoured.
    pub suppressions: bool,
    /// The JSON field or CSV column that lists rules to ignore for its record.
    pub ignore_field: String,
    /// The [`baseline::key`] of every finding in the baseline.
    pub baseline: Option<Arc<HashSet<String>>>,
}

impl Default for Filters {
    fn default() -> Self {
        Filters {
            selection: Selection::default(),
            severity: Vec::new(),
            per_file_ignores: Vec::new(),
            min_severity: Severity::Hint,
            suppressions: true,
            ignore_field: records::DEFAULT_FIELD.to_string(),
            baseline: None,
        }
    }
}

/// The findings of one source after the whole filter stage.
#[derive(Debug, Clone, Default)]
pub struct Filtered {
    pub diagnostics: Vec<Diagnostic>,
    /// How many findings suppression comments silenced.
    pub suppressed: usize,
    /// Fingerprints of findings the baseline hid.
    pub baseline_hidden: Vec<String>,
}

impl Filters {
    /// Steps 1–4, for findings without their source; ordered by position, then rule id.
    pub fn apply(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        self.select_and_rank(None, diagnostics)
    }

    fn select_and_rank(
        &self,
        name: Option<&str>,
        mut diagnostics: Vec<Diagnostic>,
    ) -> Vec<Diagnostic> {
        if !self.selection.is_default() {
            diagnostics.retain(|diagnostic| self.selection.enabled(&diagnostic.rule));
        }
        if let Some(name) =
            name.filter(|_| !self.per_file_ignores.is_empty() && !diagnostics.is_empty())
        {
            let path = Path::new(name);
            let absolute = if path.is_absolute() {
                path.to_path_buf()
            } else {
                std::env::current_dir().unwrap_or_default().join(path)
            };
            let ignores: Vec<&PerFileIgnore> = self
                .per_file_ignores
                .iter()
                .filter(|ignore| ignore.applies_to(path, &absolute))
                .collect();
            if !ignores.is_empty() {
                diagnostics.retain(|diagnostic| {
                    !ignores.iter().any(|ignore| {
                        ignore
                            .rules
                            .iter()
                            .any(|selector| selector.specificity(&diagnostic.rule).is_some())
                    })
                });
            }
        }
        if !self.severity.is_empty() {
            for diagnostic in &mut diagnostics {
                if let Some(severity) = most_specific(&self.severity, &diagnostic.rule) {
                    diagnostic.severity = *severity;
                }
            }
        }
        diagnostics.retain(|diagnostic| diagnostic.severity >= self.min_severity);
        let mut diagnostics = drop_contained_same_category(diagnostics);
        sort(&mut diagnostics);
        diagnostics
    }

    /// The whole stage for the findings of `source`; `rules` are the rules in effect (for the
    /// names in suppression comments).
    pub fn apply_to(
        &self,
        source: &Source,
        rules: &RuleSet,
        diagnostics: Vec<Diagnostic>,
    ) -> Filtered {
        let mut diagnostics = self.select_and_rank(Some(&source.name), diagnostics);
        let mut suppressed = 0;
        if self.suppressions {
            let mut suppressions =
                Suppressions::parse(&source.text, CommentSyntax::of_source(source), rules);
            if !suppressions.directives.is_empty() {
                let before = diagnostics.len();
                diagnostics.retain(|diagnostic| {
                    !suppressions.suppresses(
                        &diagnostic.rule.id,
                        &diagnostic.rule.category,
                        diagnostic.span.start,
                    )
                });
                suppressed = before - diagnostics.len();
                let meta = meta_rules();
                for directive in suppressions.unused() {
                    diagnostics.push(meta_finding(&meta[0], source, directive.span.clone(), None));
                }
                for directive in suppressions.with_unknown_rules() {
                    let names = directive.unknown.join(", ");
                    diagnostics.push(meta_finding(
                        &meta[1],
                        source,
                        directive.span.clone(),
                        Some(format!(
                            "This suppression names no rule in effect: {names}."
                        )),
                    ));
                }
                diagnostics.retain(|diagnostic| {
                    diagnostic.severity >= self.min_severity
                        && (self.selection.is_default() || self.selection.enabled(&diagnostic.rule))
                });
                sort(&mut diagnostics);
            }
        }
        if self.suppressions {
            let lists = records::ignore_lists(source, &self.ignore_field);
            if !lists.is_empty() {
                let lists: Vec<(records::Record, Vec<Selector>)> = lists
                    .into_iter()
                    .map(|(record, names)| {
                        let selectors = names
                            .iter()
                            .filter_map(|name| Selector::parse(name, rules).ok())
                            .collect();
                        (record, selectors)
                    })
                    .collect();
                let index = crate::source::LineIndex::new(&source.text);
                let before = diagnostics.len();
                diagnostics.retain(|diagnostic| {
                    let (line, _) = index.line_column(&source.text, diagnostic.span.start);
                    !lists.iter().any(|(record, selectors)| {
                        record.holds(line, diagnostic.locator.as_deref())
                            && selectors.iter().any(|selector| {
                                selector.names_id(&diagnostic.rule.id, &diagnostic.rule.category)
                            })
                    })
                });
                suppressed += before - diagnostics.len();
            }
        }
        let mut baseline_hidden = Vec::new();
        if let Some(baseline) = &self.baseline {
            let prints = baseline::fingerprints(&source.name, &diagnostics);
            let mut kept = Vec::with_capacity(diagnostics.len());
            for (diagnostic, print) in diagnostics.into_iter().zip(prints) {
                if baseline.contains(&baseline::key(&source.name, &print)) {
                    baseline_hidden.push(print);
                } else {
                    kept.push(diagnostic);
                }
            }
            diagnostics = kept;
        }
        Filtered {
            diagnostics,
            suppressed,
            baseline_hidden,
        }
    }
}

fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.span.end, &a.rule.id).cmp(&(b.span.start, b.span.end, &b.rule.id))
    });
}

/// The linter's own rules about suppression comments, loaded once.
fn meta_rules() -> &'static [Arc<Rule>] {
    static RULES: OnceLock<Vec<Arc<Rule>>> = OnceLock::new();
    RULES.get_or_init(|| {
        crate::rules::load_pack(
            include_str!("meta.yaml"),
            PackOrigin::Builtin("replylint.yaml"),
        )
        .map(|pack| pack.rules)
        .expect("the suppression meta rules load")
    })
}

fn meta_finding(
    rule: &Arc<Rule>,
    source: &Source,
    span: std::ops::Range<usize>,
    message: Option<String>,
) -> Diagnostic {
    Diagnostic {
        rule: rule.clone(),
        severity: rule.severity,
        message: message.unwrap_or_else(|| rule.message.to_string()),
        text: source.text[span.clone()].to_string(),
        span,
        suggestions: Vec::new(),
        alternatives: Vec::new(),
        fix: None,
        fix_refused: None,
        locator: None,
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
            ..Filters::default()
        };
        let kept = filters.apply(all.clone());
        assert!(kept.iter().all(|d| d.severity >= Severity::Error));
        let everything = Filters::default().apply(all);
        assert!(everything.iter().any(|d| d.severity == lowest));
    }

    #[test]
    fn the_most_specific_selector_decides() {
        let rules = RuleSet::builtin().unwrap();
        let parse = |text: &str| Selector::parse(text, &rules).unwrap();
        let rule = rules.rule("zh.command.you-must").unwrap();
        let other = rules.rule("en.command.you-must").unwrap_or(rule);
        let selection = Selection {
            select: Some(vec![parse("zh")]),
            extend_select: vec![],
            ignore: vec![parse("zh.command")],
        };
        assert!(!selection.enabled(rule));
        let selection = Selection {
            select: Some(vec![parse("zh.command.you-must")]),
            extend_select: vec![],
            ignore: vec![parse("zh")],
        };
        assert!(selection.enabled(rule));
        let selection = Selection {
            select: Some(vec![parse("category:blame")]),
            ..Selection::default()
        };
        assert!(!selection.enabled(rule));
        assert!(Selection::default().enabled(other));
    }

    #[test]
    fn baseline_hides_recorded_findings_only() {
        let linter = Linter::builtin().unwrap();
        let source = crate::Source::new("a.txt", "You must fill in the form.\nYou must sign it.\n");
        let all = Filters::default().apply_to(&source, linter.rules(), linter.find(&source));
        assert_eq!(all.diagnostics.len(), 2);
        let prints = baseline::fingerprints("a.txt", &all.diagnostics);
        let filters = Filters {
            baseline: Some(Arc::new(HashSet::from([baseline::key(
                "a.txt", &prints[0],
            )]))),
            ..Filters::default()
        };
        let filtered = filters.apply_to(&source, linter.rules(), linter.find(&source));
        assert_eq!(filtered.diagnostics.len(), 1);
        assert_eq!(filtered.baseline_hidden, vec![prints[0].clone()]);
    }

    #[test]
    fn suppressions_silence_and_report_unused_ones() {
        let linter = Linter::builtin().unwrap();
        let text = "<!-- replylint-disable-next-line en.command -->\nYou must fill in the form.\n\n<!-- replylint-disable-next-line zh -->\nThanks!\n";
        let source = crate::Source::from_text(
            "reply.md",
            text,
            crate::source::Format::Markdown,
            Default::default(),
        )
        .unwrap();
        let filtered = Filters::default().apply_to(&source, linter.rules(), linter.find(&source));
        assert_eq!(filtered.suppressed, 1);
        let ids: Vec<&str> = filtered.diagnostics.iter().map(|d| &*d.rule.id).collect();
        assert_eq!(ids, ["replylint.unused-suppression"]);
    }
}
