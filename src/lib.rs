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
//!
//! # Integrations
//!
//! Every front end goes through one [`Session`] (settings, the compiled [`Linter`], the filter
//! stage) and, for programs, the request/response types of [`api`], so a finding is the same
//! everywhere: the same [`report::wire::Finding`] that `check --format json` prints.
//!
//! - **Agents over MCP**: `replylint mcp` serves the tools `check_reply`, `fix_reply`,
//!   `explain_rule` and `list_rules` over stdio (module `server::mcp`, feature `server`);
//!   `docs/agents.md` has the host configuration.
//! - **HTTP and the playground**: `replylint serve --addr 127.0.0.1:8080` answers
//!   `POST /v1/check`, `POST /v1/fix`, `GET /v1/rules`, `GET /v1/rules/{id}`, documents itself
//!   at `/openapi.json` and serves a playground page at `/` (module `server::http`).
//! - **Pipelines**: `replylint check --jsonl` reads JSON Lines and writes one result line per
//!   input line, in order, for Spark's `RDD.pipe` or Hadoop streaming ([`stream`];
//!   `docs/spark.md`).
//!
//! In a program, the same calls are plain functions:
//!
//! ```
//! use replylint::api::{Api, CheckRequest, FixRequest};
//! use replylint::{Linter, Session, Settings};
//!
//! let api = Api::new(Session::new(Linter::builtin()?, Settings::default()));
//! let draft = "You must fill in the form first.";
//! let report = api.check(&CheckRequest::text(draft))?;
//! assert!(report.findings.iter().any(|f| f.finding.rule.starts_with("en.")));
//! let fixed = api.fix(&FixRequest { unsafe_fixes: true, ..FixRequest::text(draft) })?;
//! assert_eq!(fixed.changed, !fixed.applied.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The server stack (tokio, axum, rmcp) is behind the default cargo feature `server`; depend on
//! replylint with `default-features = false` for the engine alone.

pub mod api;
pub mod baseline;
pub mod config;
pub mod diagnostic;
pub mod filter;
pub mod fix;
pub mod grade;
pub mod inputs;
pub mod linter;
pub mod matcher;
pub mod normalize;
pub mod placeholder;
pub mod report;
pub mod rules;
pub mod selftest;
#[cfg(feature = "server")]
pub mod server;
pub mod session;
pub mod source;
pub mod stream;
mod yaml;

pub use diagnostic::{Diagnostic, Fix};
pub use filter::Filters;
pub use fix::{apply_fixes, AppliedFix, FixLevel, FixOptions, FixOutcome};
pub use linter::Linter;
pub use placeholder::{PlaceholderError, Placeholders};
pub use rules::{FixSafety, Rule, RuleError, RuleKind, RuleSet, Severity};
pub use session::{Mode, Outcome, Session, Settings};
pub use source::{Segment, Source};
