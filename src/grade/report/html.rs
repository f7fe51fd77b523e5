//! The class report as one self-contained HTML page: inline CSS and SVG, no fonts, scripts or
//! images from anywhere else, so it opens offline, mails as one file and prints on A4.

use std::fmt::Write as _;

use super::num;
use crate::grade::class::{self, scenario_name, trainee_name, ClassSummary, BINS};
use crate::grade::report::terminal::formula;
use crate::grade::{Graded, OrderStatus};

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --ink:#1f2328; --muted:#59636e; --line:#d1d9e0; --good:#1a7f37; --mid:#9a6700; --bad:#cf222e; --move:#dafbe1; --ded:#ffebe9; --bar:#0969da; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 60rem; padding: 1.5rem; color: var(--ink); background: #fff;
  font: 15px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  "Noto Sans", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC",
  "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif; }
:lang(zh) { font-family: "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC",
  "Source Han Sans SC", "WenQuanYi Micro Hei", system-ui, sans-serif; line-height: 1.8; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; } h2 { font-size: 1.2rem; margin: 2rem 0 .5rem;
  border-bottom: 1px solid var(--line); padding-bottom: .25rem; } h3 { font-size: 1.05rem; margin: 1.25rem 0 .25rem; }
.muted { color: var(--muted); }
.kpis { display: flex; flex-wrap: wrap; gap: .75rem; margin: 1rem 0; }
.kpi { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .9rem; min-width: 7.5rem; }
.kpi b { display: block; font-size: 1.5rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
.band-good { background: #dafbe1; } .band-mid { background: #fff8c5; } .band-bad { background: #ffebe9; }
.share { display: flex; align-items: center; gap: .5rem; white-space: nowrap; }
.bar { background: #eaeef2; height: .7rem; border-radius: 3px; flex: 1; min-width: 6rem; }
.bar span { display: block; height: 100%; background: var(--bar); border-radius: 3px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; }
q { quotes: "\201C" "\201D"; }
.trainee { break-inside: avoid; }
details { border: 1px solid var(--line); border-radius: 6px; margin: .5rem 0; padding: .25rem .75rem; }
summary { cursor: pointer; font-weight: 600; }
.reply { white-space: pre-wrap; overflow-wrap: anywhere; border-left: 3px solid var(--line);
  padding: .25rem .75rem; margin: .5rem 0; }
mark { border-radius: 2px; padding: 0 1px; color: inherit; }
mark.move { background: var(--move); border-bottom: 2px solid var(--good); }
mark.ded { background: var(--ded); border-bottom: 2px solid var(--bad); }
mark.move.ded { background: linear-gradient(var(--move), var(--ded)); }
ul.items { margin: .25rem 0; padding-left: 1.2rem; }
.credit { color: var(--good); } .debit { color: var(--bad); }
svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
@page { size: A4; margin: 15mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; } table, .kpis, svg { break-inside: avoid; }
  details { border: none; padding: 0; } summary { list-style: none; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// Opens every reply before printing, so the printout holds them all.
const SCRIPT: &str = "addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true;});});";

fn band(score: f64) -> &'static str {
    if score >= 80.0 {
        "band-good"
    } else if score >= 50.0 {
        "band-mid"
    } else {
        "band-bad"
    }
}

fn lang_attr(graded: &Graded) -> &str {
    match graded.language.as_str() {
        "zh" => "zh",
        "lv" => "lv",
        "en" => "en",
        other => other,
    }
}

fn histogram(summary: &ClassSummary) -> String {
    let (width, height, left, bottom, top) = (600.0, 190.0, 30.0, 30.0, 16.0);
    let highest = summary.histogram.iter().copied().max().unwrap_or(0).max(1);
    let slot = (width - left) / BINS as f64;
    let plot = height - bottom - top;
    let mut svg = format!(
        "<svg role=\"img\" aria-labelledby=\"hist-title\" viewBox=\"0 0 {width} {height}\" width=\"100%\" style=\"max-width:{width}px\">\
         <title id=\"hist-title\">Score distribution: {} replies in ten-point bins</title>",
        summary.replies
    );
    let _ = write!(
        svg,
        "<line x1=\"{left}\" y1=\"{}\" x2=\"{width}\" y2=\"{}\" stroke=\"#59636e\"/>",
        height - bottom,
        height - bottom
    );
    for (index, count) in summary.histogram.iter().enumerate() {
        let bar = plot * *count as f64 / highest as f64;
        let x = left + slot * index as f64 + 3.0;
        let y = height - bottom - bar;
        let label = if index == BINS - 1 {
            "90–100".to_string()
        } else {
            format!("{}–{}", index * 10, index * 10 + 9)
        };
        let fill = if index >= 8 {
            "#1a7f37"
        } else if index >= 5 {
            "#bf8700"
        } else {
            "#cf222e"
        };
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bar:.1}\" fill=\"{fill}\"><title>{label}: {count}</title></rect>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{label}</text>",
            slot - 6.0,
            x + (slot - 6.0) / 2.0,
            height - bottom + 14.0
        );
        if *count > 0 {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{count}</text>",
                x + (slot - 6.0) / 2.0,
                y - 3.0
            );
        }
    }
    let mean_x = left + (width - left) * summary.mean.clamp(0.0, 100.0) / 100.0;
    let _ = write!(
        svg,
        "<line x1=\"{mean_x:.1}\" y1=\"{top}\" x2=\"{mean_x:.1}\" y2=\"{}\" stroke=\"#0969da\" stroke-dasharray=\"4 3\"/>\
         <text x=\"{mean_x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" style=\"fill:#0969da\">mean {}</text>",
        height - bottom,
        top - 4.0,
        num(summary.mean)
    );
    svg.push_str("</svg>");
    svg
}

/// The reply text with each credited move and each deduction marked.
pub fn highlighted(graded: &Graded) -> String {
    let text = &graded.reply.text;
    // (range, is_move, tooltip)
    let mut marks: Vec<(std::ops::Range<usize>, bool, String)> = Vec::new();
    for m in &graded.moves {
        for span in &m.spans {
            marks.push((
                span.range.clone(),
                true,
                format!("{} +{}", m.id, num(m.weight)),
            ));
        }
    }
    for d in &graded.deductions {
        let mut tip = format!("{} −{}: {}", d.rule, num(d.points), d.message);
        if let Some(rewrite) = &d.rewrite {
            let _ = write!(tip, " → {rewrite}");
        }
        marks.push((d.span.range.clone(), false, tip));
    }
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for (range, _, _) in &marks {
        cuts.push(range.start.min(text.len()));
        cuts.push(range.end.min(text.len()));
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = String::new();
    for pair in cuts.windows(2) {
        let (start, end) = (pair[0], pair[1]);
        let Some(piece) = text.get(start..end) else {
            continue;
        };
        let covering: Vec<&(std::ops::Range<usize>, bool, String)> = marks
            .iter()
            .filter(|(range, _, _)| {
                range.start <= start && end <= range.end && range.start < range.end
            })
            .collect();
        if covering.is_empty() {
            out.push_str(&escape(piece));
            continue;
        }
        let is_move = covering.iter().any(|(_, is_move, _)| *is_move);
        let is_ded = covering.iter().any(|(_, is_move, _)| !*is_move);
        let class = match (is_move, is_ded) {
            (true, true) => "move ded",
            (true, false) => "move",
            _ => "ded",
        };
        let tips: Vec<&str> = covering.iter().map(|(_, _, tip)| tip.as_str()).collect();
        let _ = write!(
            out,
            "<mark class=\"{class}\" title=\"{}\">{}</mark>",
            escape(&tips.join("\n")),
            escape(piece)
        );
    }
    out
}

fn reply_details(out: &mut String, graded: &Graded) {
    let _ = write!(
        out,
        "<details><summary>{} — {} · <span class=\"score\" data-reply=\"{}\">{}</span></summary>\
         <p class=\"muted\">{} · rubric <code>{}</code> · {}</p>\
         <div class=\"reply\" lang=\"{}\">{}</div><ul class=\"items\">",
        escape(&scenario_name(graded)),
        escape(&graded.reply.name),
        escape(&graded.reply.name),
        num(graded.score),
        escape(&trainee_name(graded)),
        escape(&graded.rubric.name),
        escape(&formula(graded)),
        lang_attr(graded),
        highlighted(graded)
    );
    for m in graded.moves.iter().filter(|m| m.found()) {
        let _ = write!(
            out,
            "<li class=\"credit\">+{} <code>{}</code> {}: <q lang=\"{}\">{}</q></li>",
            num(m.weight),
            escape(&m.id),
            escape(&m.description),
            lang_attr(graded),
            escape(&m.spans[0].text)
        );
    }
    if let Some(order) = &graded.order {
        for rule in &order.rules {
            let (class, sign) = match rule.status {
                OrderStatus::Kept => ("credit", format!("+{}", num(order.credit))),
                OrderStatus::Broken => ("debit", "+0".to_string()),
                OrderStatus::NotApplicable => ("muted", "—".to_string()),
            };
            let _ = write!(
                out,
                "<li class=\"{class}\">{sign} order {}: {}</li>",
                rule.status.as_str(),
                escape(&rule.description)
            );
        }
    }
    for d in &graded.deductions {
        let _ = write!(
            out,
            "<li class=\"debit\">−{} <code>{}</code> {}: <q lang=\"{}\">{}</q>",
            num(d.points),
            escape(&d.rule),
            escape(&d.message),
            lang_attr(graded),
            escape(&d.span.text)
        );
        if let Some(rewrite) = &d.rewrite {
            let _ = write!(
                out,
                " → <q lang=\"{}\">{}</q>",
                lang_attr(graded),
                escape(rewrite)
            );
        }
        out.push_str("</li>");
    }
    for m in graded.missing() {
        let _ = write!(
            out,
            "<li class=\"muted\">missing <code>{}</code> {} (worth {}): try <q lang=\"{}\">{}</q></li>",
            escape(&m.id),
            escape(&m.description),
            num(m.weight),
            lang_attr(graded),
            escape(m.suggestion.as_deref().unwrap_or_default())
        );
    }
    out.push_str("</ul></details>");
}

/// The whole page.
pub fn render(graded: &[Graded], title: &str) -> String {
    let summary = ClassSummary::of(graded);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n<script>{SCRIPT}</script>\n</head>\n<body>\n",
        escape(title)
    );
    let _ = write!(
        out,
        "<h1>{}</h1>\n<p class=\"muted\">Graded by replylint: moves credited by the rubric, lint findings deducted. \
         Every point below traces to a move or rule and a span of the reply.</p>\n",
        escape(title)
    );
    let _ = write!(
        out,
        "<div class=\"kpis\">\
         <div class=\"kpi\">class mean<b id=\"class-mean\" data-value=\"{mean}\">{mean}</b></div>\
         <div class=\"kpi\">median<b id=\"class-median\">{}</b></div>\
         <div class=\"kpi\">range<b>{}–{}</b></div>\
         <div class=\"kpi\">replies<b id=\"reply-count\">{}</b></div>\
         <div class=\"kpi\">trainees<b>{}</b></div></div>",
        num(summary.median),
        num(summary.min),
        num(summary.max),
        summary.replies,
        summary.trainees.len(),
        mean = num(summary.mean),
    );
    out.push('\n');

    out.push_str("<h2>Score distribution</h2>\n");
    out.push_str(&histogram(&summary));
    out.push('\n');

    out.push_str("<h2>Trainees × scenarios</h2>\n<table id=\"scores\"><thead><tr><th>trainee</th>");
    for scenario in &summary.scenarios {
        let _ = write!(out, "<th class=\"num\">{}</th>", escape(scenario));
    }
    out.push_str("<th class=\"num\">mean</th></tr></thead><tbody>\n");
    for trainee in &summary.trainees {
        let _ = write!(out, "<tr><th>{}</th>", escape(&trainee.name));
        for scenario in &summary.scenarios {
            match trainee.scores.get(scenario) {
                Some(scores) => {
                    let shown: Vec<String> = scores.iter().map(|s| num(*s)).collect();
                    let mean = scores.iter().sum::<f64>() / scores.len() as f64;
                    let _ = write!(
                        out,
                        "<td class=\"num {}\">{}</td>",
                        band(mean),
                        shown.join(" / ")
                    );
                }
                None => out.push_str("<td class=\"num muted\">—</td>"),
            }
        }
        let _ = writeln!(
            out,
            "<td class=\"num {} trainee-mean\" data-trainee=\"{}\"><b>{}</b></td></tr>",
            band(trainee.mean),
            escape(&trainee.name),
            num(trainee.mean)
        );
    }
    out.push_str("</tbody></table>\n");

    out.push_str("<h2>Moves across the class</h2>\n<table id=\"moves\"><thead><tr><th>move</th><th>description</th>\
                  <th class=\"num\">shown</th><th>share of replies</th></tr></thead><tbody>\n");
    for m in &summary.moves {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}/{}</td>\
             <td><div class=\"share\"><div class=\"bar\" title=\"{}%\"><span style=\"width:{}%\"></span></div>{}%</div></td></tr>",
            escape(&m.id),
            escape(&m.description),
            m.shown,
            m.of,
            num(m.percent()),
            num(m.percent()),
            num(m.percent())
        );
    }
    out.push_str("</tbody></table>\n");

    out.push_str("<h2>Per trainee</h2>\n");
    for trainee in &summary.trainees {
        let _ = write!(
            out,
            "<section class=\"trainee\"><h3>{} <span class=\"muted\">· mean {} over {} replies</span></h3>",
            escape(&trainee.name),
            num(trainee.mean),
            trainee.replies
        );
        out.push_str("<p><b>Most frequent problems</b></p><ul class=\"items\">");
        if trainee.problems.is_empty() {
            out.push_str("<li class=\"muted\">no lint findings</li>");
        }
        for problem in &trainee.problems {
            let _ = write!(
                out,
                "<li><code>{}</code> ×{}: {} — e.g. <q>{}</q> in {}",
                escape(&problem.rule),
                problem.count,
                escape(&problem.message),
                escape(&problem.example_text),
                escape(&problem.example_reply)
            );
            if let Some(rewrite) = &problem.rewrite {
                let _ = write!(out, "; try <q>{}</q>", escape(rewrite));
            }
            out.push_str("</li>");
        }
        out.push_str("</ul><p><b>Most often missing moves</b></p><ul class=\"items\">");
        if trainee.missing.is_empty() {
            out.push_str("<li class=\"muted\">every move shown in every reply</li>");
        }
        for missing in &trainee.missing {
            let _ = write!(
                out,
                "<li><code>{}</code> {} — missing in {} of {} (e.g. {}); try <q>{}</q></li>",
                escape(&missing.id),
                escape(&missing.description),
                missing.count,
                missing.of,
                escape(&missing.example_reply),
                escape(&missing.suggestion)
            );
        }
        out.push_str("</ul></section>\n");
    }

    out.push_str(
        "<h2>Replies</h2>\n<p class=\"muted\"><mark class=\"move\">credited move</mark> \
                  <mark class=\"ded\">deduction</mark> — hover a mark for its move or rule.</p>\n",
    );
    for trainee in &summary.trainees {
        let _ = writeln!(out, "<h3>{}</h3>", escape(&trainee.name));
        for g in graded
            .iter()
            .filter(|g| class::trainee_name(g) == trainee.name)
        {
            reply_details(&mut out, g);
            out.push('\n');
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}
