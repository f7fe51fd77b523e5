//! The one place that knows which YAML crate replylint uses.
//!
//! serde_yaml is archived upstream; serde-saphyr is maintained, never panics on hostile input and
//! records where each value came from, which is what lets a rule error point at the offending
//! value. Everything else in the crate sees only [`Spanned`] and [`YamlError`].

use std::ops::Range;

use serde::de::DeserializeOwned;
use serde::Deserialize;

/// A deserialised value and the byte range of the YAML node it came from.
#[derive(Debug, Clone)]
pub struct Spanned<T> {
    pub value: T,
    /// Byte range in the YAML text; empty when the YAML library could not tell.
    pub span: Range<usize>,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let inner = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        let span = inner.referenced.span();
        let start = span.byte_offset().unwrap_or(0) as usize;
        let len = span.byte_len().unwrap_or(0) as usize;
        Ok(Spanned {
            value: inner.value,
            span: start..start + len,
        })
    }
}

/// A YAML syntax or shape error, with the byte offset it refers to when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub offset: Option<usize>,
}

/// Parses one YAML document into `T`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    // serde-saphyr's default budget already bounds alias expansion and nesting, which is what
    // protects against "billion laughs" style rule files.
    serde_saphyr::from_str(text).map_err(|error| {
        let offset = error
            .location()
            .and_then(|location| location.span().byte_offset())
            .map(|offset| offset as usize);
        let plain = error
            .without_snippet()
            .render_with_options(serde_saphyr::render_options! {
                snippets: serde_saphyr::SnippetMode::Off,
            });
        YamlError {
            message: strip_location_suffix(&plain).to_string(),
            offset,
        }
    })
}

/// serde-saphyr appends " at line L column C" to plain messages; the caller renders the place
/// itself, so the suffix would say it twice.
fn strip_location_suffix(message: &str) -> &str {
    let message = message.trim_end();
    match message.rfind(" at line ") {
        Some(index) if message[index..].contains(" column ") => &message[..index],
        _ => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        name: Spanned<String>,
    }

    #[test]
    fn spans_point_at_the_value() {
        let text = "name: 你好\n";
        let doc: Doc = from_str(text).unwrap();
        assert_eq!(&text[doc.name.span.clone()], "你好");
    }

    #[test]
    fn unknown_field_reports_an_offset() {
        let text = "name: a\nnmae: b\n";
        let error = from_str::<Doc>(text).unwrap_err();
        assert!(error.message.contains("nmae"), "{}", error.message);
        assert_eq!(error.offset, Some(8));
    }
}
