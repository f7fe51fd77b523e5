//! Markdown: prose only, read with pulldown-cmark (CommonMark plus tables) and its source
//! offsets.
//!
//! Paragraphs, headings, list items, table cells and block quotes are linted; inline code, link
//! destinations, autolinks, HTML comments and YAML/TOML front matter are not. Fenced code blocks
//! follow `--markdown-code` (saved-reply libraries keep each reply in a fence without a language
//! so it can be copied). HTML blocks are read as HTML; inline tags are skipped over. Each segment's
//! locator is the path of headings above it.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd};

use super::select::MarkdownCode;
use super::{Extracted, PieceBuilder, Selection, SyntaxError};
use crate::source::Landing;

/// Fence info strings whose block is reply text under `--markdown-code auto`.
const PROSE_FENCES: &[&str] = &["", "text", "txt", "markdown", "md", "plain", "plaintext"];

/// Block quotes or lists nested deeper than this are not followed (pulldown-cmark's cost grows
/// with the nesting of each line); the file is refused instead.
const MAX_NESTING: usize = 1000;

struct Reader<'t> {
    text: &'t str,
    current: PieceBuilder,
    /// Headings above the current block: (level, text).
    headings: Vec<(u8, String)>,
    out: Vec<Extracted>,
}

impl Reader<'_> {
    fn locator(&self) -> Option<String> {
        (!self.headings.is_empty()).then(|| {
            self.headings
                .iter()
                .map(|(_, text)| text.as_str())
                .collect::<Vec<_>>()
                .join(" > ")
        })
    }

    fn flush(&mut self) {
        let pieces = std::mem::take(&mut self.current);
        if pieces.text().trim().is_empty() {
            return;
        }
        let locator = self.locator();
        self.out.push(pieces.finish(Landing::Markdown, locator));
    }

    fn text(&mut self, value: &str, range: Range<usize>) {
        if self.text.get(range.clone()) == Some(value) {
            self.current.verbatim(value, range);
        } else {
            // An entity or a backslash escape: one unit.
            self.current.decoded(value, range);
        }
    }
}

pub(crate) fn extract(
    text: &str,
    selection: &Selection,
    out: &mut Vec<Extracted>,
) -> Result<(), SyntaxError> {
    check_nesting(text)?;
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    let mut reader = Reader {
        text,
        current: PieceBuilder::default(),
        headings: Vec::new(),
        out: Vec::new(),
    };
    // Inside front matter, an autolink, inline math, or a code block that is not prose.
    let mut skipping = 0usize;
    let mut html_block = false;
    // For each open code block, whether it is skipped.
    let mut code_blocks: Vec<bool> = Vec::new();
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                reader.flush();
                let prose = match (selection.markdown_code, &kind) {
                    (MarkdownCode::Skip, _) => false,
                    (MarkdownCode::Prose, _) => true,
                    (MarkdownCode::Auto, CodeBlockKind::Indented) => false,
                    (MarkdownCode::Auto, CodeBlockKind::Fenced(info)) => {
                        let language = info.split_whitespace().next().unwrap_or("");
                        PROSE_FENCES.contains(&language.to_ascii_lowercase().as_str())
                    }
                };
                if !prose {
                    skipping += 1;
                }
                code_blocks.push(!prose);
            }
            Event::End(TagEnd::CodeBlock) => {
                reader.flush();
                if code_blocks.pop().unwrap_or(false) {
                    skipping -= 1;
                }
            }
            Event::Start(Tag::MetadataBlock(_)) => {
                reader.flush();
                skipping += 1;
            }
            Event::End(TagEnd::MetadataBlock(_)) => skipping -= 1,
            Event::Start(Tag::HtmlBlock) => {
                reader.flush();
                html_block = true;
                let mut nested = Vec::new();
                super::html::extract_range(text, range, None, &mut nested);
                let locator = reader.locator();
                for mut found in nested {
                    found.locator = locator.clone();
                    reader.out.push(found);
                }
            }
            Event::End(TagEnd::HtmlBlock) => html_block = false,
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => skipping += 1,
            Event::End(TagEnd::Link) if autolink_ends(text, &range) => skipping -= 1,
            Event::Start(Tag::Heading { .. }) => reader.flush(),
            Event::End(TagEnd::Heading(level)) => {
                let level = level as u8;
                let title = reader.current.text().trim().to_string();
                while reader
                    .headings
                    .last()
                    .is_some_and(|(above, _)| *above >= level)
                {
                    reader.headings.pop();
                }
                reader.headings.push((level, title));
                reader.flush();
            }
            Event::Start(tag) if is_block(&tag) => reader.flush(),
            Event::End(tag) if is_block_end(&tag) => reader.flush(),
            Event::Text(value) if skipping == 0 && !html_block => reader.text(&value, range),
            Event::SoftBreak if skipping == 0 => reader.current.decoded(" ", range),
            Event::HardBreak if skipping == 0 => reader.current.decoded("\n", range),
            // Inline code is not prose: the text either side is read as separate pieces.
            Event::Code(_) | Event::InlineMath(_) | Event::DisplayMath(_) | Event::Rule => {
                reader.flush()
            }
            // Inline tags and comments are skipped over; a fix across one is refused, since the
            // pieces either side are not adjacent in the file.
            _ => {}
        }
    }
    reader.flush();
    out.extend(reader.out);
    Ok(())
}

/// Whether the link ending at `range` is an autolink (`<https://…>`) or a bare e-mail link.
fn autolink_ends(text: &str, range: &Range<usize>) -> bool {
    text.get(range.clone())
        .is_some_and(|link| link.starts_with('<') && link.ends_with('>'))
}

fn is_block(tag: &Tag<'_>) -> bool {
    !matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

fn is_block_end(tag: &TagEnd) -> bool {
    !matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Refuses lines nested more than [`MAX_NESTING`] block quotes or list levels deep before the
/// parser sees them.
fn check_nesting(text: &str) -> Result<(), SyntaxError> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let markers = line
            .bytes()
            .take_while(|byte| matches!(byte, b'>' | b' ' | b'\t' | b'-' | b'*' | b'+'))
            .filter(|byte| matches!(byte, b'>' | b'-' | b'*' | b'+'))
            .count();
        if markers > MAX_NESTING {
            return Err(SyntaxError::new(
                start,
                format!("block quotes or lists nested deeper than {MAX_NESTING} levels"),
            ));
        }
        start += line.len();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Encoding, Segment, SegmentMap};
    use std::borrow::Cow;

    fn prose(text: &str, code: MarkdownCode) -> Vec<Extracted> {
        let selection = Selection {
            markdown_code: code,
            ..Selection::default()
        };
        let mut out = Vec::new();
        extract(text, &selection, &mut out).unwrap();
        out
    }

    fn texts(found: &[Extracted]) -> Vec<&str> {
        found.iter().map(|e| e.text.as_str()).collect()
    }

    #[test]
    fn prose_but_not_code_urls_or_front_matter() {
        let text = "---\ntitle: 你必须\n---\n# Refunds\n\nPlease `you must` wait, see <https://x.y/you-must> or [the form](https://x.y/must).\n\n```rust\nlet you_must = 1;\n```\n\n```\n你必须先填表。\n```\n\n<!-- you must -->\n";
        let found = prose(text, MarkdownCode::Auto);
        assert_eq!(
            texts(&found),
            [
                "Refunds",
                "Please ",
                " wait, see  or the form.",
                "你必须先填表。\n"
            ]
        );
        assert_eq!(found[1].locator.as_deref(), Some("Refunds"));
        let skipped = prose(text, MarkdownCode::Skip);
        assert!(!texts(&skipped).iter().any(|t| t.contains("你必须")));
        let all = prose(text, MarkdownCode::Prose);
        assert!(texts(&all).iter().any(|t| t.contains("you_must")));
    }

    #[test]
    fn soft_breaks_are_spaces_and_entities_map_back() {
        let text = "## A\n### B\n\n> calm\n> down &amp; you\\*re fine\n";
        let found = prose(text, MarkdownCode::Auto);
        let quote = found.last().unwrap();
        assert_eq!(quote.text, "calm down & you*re fine");
        assert_eq!(quote.locator.as_deref(), Some("A > B"));
        let segment = Segment {
            text: Cow::Borrowed(&quote.text),
            map: SegmentMap::Pieces(Cow::Borrowed(&quote.pieces)),
            landing: quote.landing,
            encoding: Encoding::UTF_8,
            locator: None,
        };
        let amp = quote.text.find('&').unwrap();
        assert_eq!(&text[segment.to_source(amp..amp + 1)], "&amp;");
        let down = quote.text.find("down").unwrap();
        assert_eq!(&text[segment.to_source(down..down + 4)], "down");
        // A rewrite across the quoted line break would drop the `> `: refused.
        assert!(segment.replacement(0..9, "relax").is_err());
        assert!(segment.replacement(down..down + 4, "*now*").unwrap().1 == "\\*now\\*");
    }

    #[test]
    fn html_blocks_are_read_as_html() {
        let text = "Intro\n\n<div title=\"你必须\">\n<p>你必须 &amp; 先</p>\n</div>\n";
        let found = prose(text, MarkdownCode::Auto);
        assert_eq!(texts(&found), ["Intro", "你必须", "你必须 & 先"]);
    }

    #[test]
    fn deep_nesting_is_refused_quickly() {
        let text = ">".repeat(100_000) + " 你必须\n";
        let mut out = Vec::new();
        let error = extract(&text, &Selection::default(), &mut out).unwrap_err();
        assert!(error.message.contains("nested deeper"), "{error:?}");
        let fine = ">".repeat(50) + " you must\n";
        assert_eq!(prose(&fine, MarkdownCode::Auto).len(), 1);
    }
}
