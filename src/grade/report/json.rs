//! `grade --format json`: one object per reply, in input order (schema in docs/grading.md).

use serde::Serialize;

use crate::grade::{round1, Graded, OrderStatus, Span};
use crate::source::line_column;

#[derive(Serialize)]
struct WireSpan<'a> {
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    text: &'a str,
}

fn wire_span<'a>(text: &str, span: &'a Span) -> WireSpan<'a> {
    let (line, column) = line_column(text, span.range.start);
    WireSpan {
        start: span.range.start,
        end: span.range.end,
        line,
        column,
        text: &span.text,
    }
}

#[derive(Serialize)]
struct WireMove<'a> {
    id: &'a str,
    description: &'a str,
    weight: f64,
    spans: Vec<WireSpan<'a>>,
}

#[derive(Serialize)]
struct WireMissing<'a> {
    id: &'a str,
    description: &'a str,
    weight: f64,
    suggestion: &'a str,
}

#[derive(Serialize)]
struct WireOrderRule<'a> {
    description: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    first: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    then: Option<&'a str>,
}

#[derive(Serialize)]
struct WireOrder<'a> {
    weight: f64,
    credit: f64,
    applicable: bool,
    rules: Vec<WireOrderRule<'a>>,
}

#[derive(Serialize)]
struct WireDeduction<'a> {
    rule: &'a str,
    category: &'a str,
    severity: &'static str,
    message: &'a str,
    points: f64,
    #[serde(flatten)]
    span: WireSpan<'a>,
    rewrite: Option<&'a str>,
}

#[derive(Serialize)]
struct WireGraded<'a> {
    name: &'a str,
    trainee: &'a str,
    scenario: &'a str,
    session: Option<&'a str>,
    language: &'a str,
    rubric: &'a str,
    score: f64,
    earned: f64,
    possible: f64,
    positive: f64,
    deducted: f64,
    moves: Vec<WireMove<'a>>,
    missing: Vec<WireMissing<'a>>,
    order: Option<WireOrder<'a>>,
    deductions: Vec<WireDeduction<'a>>,
}

fn wire(graded: &Graded) -> WireGraded<'_> {
    let text = &graded.reply.text;
    WireGraded {
        name: &graded.reply.name,
        trainee: &graded.reply.trainee,
        scenario: &graded.reply.scenario,
        session: graded.reply.session.as_deref(),
        language: &graded.language,
        rubric: &graded.rubric.name,
        score: graded.score,
        earned: round1(graded.earned),
        possible: round1(graded.possible),
        positive: round1(graded.positive),
        deducted: round1(graded.deducted),
        moves: graded
            .moves
            .iter()
            .filter(|m| m.found())
            .map(|m| WireMove {
                id: &m.id,
                description: &m.description,
                weight: m.weight,
                spans: m.spans.iter().map(|span| wire_span(text, span)).collect(),
            })
            .collect(),
        missing: graded
            .missing()
            .map(|m| WireMissing {
                id: &m.id,
                description: &m.description,
                weight: m.weight,
                suggestion: m.suggestion.as_deref().unwrap_or_default(),
            })
            .collect(),
        order: graded.order.as_ref().map(|order| WireOrder {
            weight: order.weight,
            credit: round1(order.credit),
            applicable: order.applicable(),
            rules: order
                .rules
                .iter()
                .map(|rule| WireOrderRule {
                    description: &rule.description,
                    status: rule.status.as_str(),
                    first: rule
                        .first
                        .as_ref()
                        .filter(|_| rule.status != OrderStatus::NotApplicable)
                        .map(|(id, _)| id.as_str()),
                    then: rule
                        .then
                        .as_ref()
                        .filter(|_| rule.status != OrderStatus::NotApplicable)
                        .map(|(id, _)| id.as_str()),
                })
                .collect(),
        }),
        deductions: graded
            .deductions
            .iter()
            .map(|d| WireDeduction {
                rule: &d.rule,
                category: &d.category,
                severity: d.severity.as_str(),
                message: &d.message,
                points: d.points,
                span: wire_span(text, &d.span),
                rewrite: d.rewrite.as_deref(),
            })
            .collect(),
    }
}

/// The JSON array of every graded reply, pretty-printed, with a final newline.
pub fn render(graded: &[Graded]) -> String {
    let objects: Vec<WireGraded> = graded.iter().map(wire).collect();
    let mut text = serde_json::to_string_pretty(&objects).unwrap_or_else(|_| "[]".into());
    text.push('\n');
    text
}
