//! Graded replies for people and programs: the terminal (codespan-annotated replies), JSON,
//! CSV, and the class report as self-contained HTML or Markdown. Every renderer is a pure
//! function of the graded replies, so the same inputs give byte-identical output.

pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod terminal;

/// A score or points as shown everywhere: one decimal, without a trailing `.0`.
pub fn num(value: f64) -> String {
    let text = format!("{:.1}", super::round1(value));
    let text = text.strip_suffix(".0").unwrap_or(&text).to_string();
    if text == "-0" {
        "0".to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_drop_a_trailing_zero() {
        assert_eq!(super::num(72.0), "72");
        assert_eq!(super::num(72.25), "72.3");
        assert_eq!(super::num(-0.0), "0");
        assert_eq!(super::num(100.0), "100");
    }
}
