//! `grade --format csv`: one row per reply — trainee, scenario, score, each move 0/1, the
//! number of deductions and the points they took.

use crate::grade::Graded;

use super::num;

/// The CSV table; the move columns are the union of the rubrics' moves, in order of first use.
pub fn render(graded: &[Graded]) -> String {
    let mut moves: Vec<String> = Vec::new();
    for g in graded {
        for m in &g.moves {
            if !moves.contains(&m.id) {
                moves.push(m.id.clone());
            }
        }
    }
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut header = vec![
        "name".to_string(),
        "trainee".to_string(),
        "scenario".to_string(),
        "session".to_string(),
        "language".to_string(),
        "rubric".to_string(),
        "score".to_string(),
    ];
    header.extend(moves.iter().map(|id| format!("move:{id}")));
    header.extend([
        "deductions".to_string(),
        "deducted".to_string(),
        "rules".to_string(),
    ]);
    let _ = writer.write_record(&header);
    for g in graded {
        let mut row = vec![
            g.reply.name.clone(),
            g.reply.trainee.clone(),
            g.reply.scenario.clone(),
            g.reply.session.clone().unwrap_or_default(),
            g.language.clone(),
            g.rubric.name.clone(),
            num(g.score),
        ];
        for id in &moves {
            let cell = match g.moves.iter().find(|m| m.id == *id) {
                Some(m) if m.found() => "1",
                Some(_) => "0",
                None => "",
            };
            row.push(cell.to_string());
        }
        let rules: Vec<&str> = g.deductions.iter().map(|d| d.rule.as_str()).collect();
        row.push(g.deductions.len().to_string());
        row.push(num(g.deducted));
        row.push(rules.join(" "));
        let _ = writer.write_record(&row);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}
