//! YAML: scalar values (never keys, never comments), with each style's escaping and folding.

use crate::source::YamlStyle;

/// `text` written into a scalar of `style`, or why it cannot be without changing the scalar's
/// style (which would touch text outside the fix).
pub(crate) fn escape(style: YamlStyle, text: &str) -> Result<String, &'static str> {
    match style {
        YamlStyle::DoubleQuoted => {
            let mut out = String::with_capacity(text.len());
            for c in text.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
                    c => out.push(c),
                }
            }
            Ok(out)
        }
        YamlStyle::SingleQuoted => {
            if text.contains(['\n', '\r']) {
                return Err(
                    "a line break cannot be written into a single-quoted YAML scalar as is",
                );
            }
            Ok(text.replace('\'', "''"))
        }
        YamlStyle::Plain => {
            // A plain scalar ends at `: ` or ` #` and changes meaning with a leading indicator.
            let ambiguous = text.contains(": ")
                || text.contains(" #")
                || text.ends_with(':')
                || text.contains(['\n', '\r', '\t'])
                || text.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c) || c == ' ')
                || text.ends_with(' ');
            if ambiguous {
                return Err("the rewrite would make the plain YAML scalar ambiguous; quote the value by hand");
            }
            Ok(text.to_string())
        }
        YamlStyle::Literal { indent } => {
            let mut out = String::with_capacity(text.len());
            for (index, line) in text.split('\n').enumerate() {
                if index > 0 {
                    out.push('\n');
                    if !line.is_empty() {
                        out.push_str(&" ".repeat(indent));
                    }
                }
                out.push_str(line);
            }
            Ok(out)
        }
        YamlStyle::Folded { .. } => {
            if text.contains(['\n', '\r']) {
                return Err("a line break cannot be written into a folded YAML scalar as is");
            }
            Ok(text.to_string())
        }
    }
}
