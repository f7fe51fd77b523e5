//! Which Chinese script a writer uses, and rendering rewrites in it.

use super::opencc_data::{
    SIMP_TO_TRAD, SIMP_TO_TRAD_PHRASES, SIMP_TO_TRAD_PHRASE_MAX_CHARS, TRAD_TO_SIMP, TRAD_TO_TAIWAN,
};

/// The Chinese script of a piece of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChineseScript {
    Simplified,
    Traditional,
}

/// Counts of characters that only exist in one script; shared characters say nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScriptEvidence {
    pub traditional: usize,
    pub simplified: usize,
}

impl ScriptEvidence {
    pub fn of(text: &str) -> ScriptEvidence {
        let mut evidence = ScriptEvidence::default();
        for c in text.chars() {
            if (c as u32) < 0x3400 {
                continue;
            }
            let is_traditional = lookup(TRAD_TO_SIMP, c).is_some();
            let is_simplified = lookup(SIMP_TO_TRAD, c).is_some();
            match (is_traditional, is_simplified) {
                (true, false) => evidence.traditional += 1,
                (false, true) => evidence.simplified += 1,
                _ => {}
            }
        }
        evidence
    }

    /// The script this evidence points to, if it points anywhere.
    pub fn verdict(self) -> Option<ChineseScript> {
        match self.traditional.cmp(&self.simplified) {
            std::cmp::Ordering::Greater => Some(ChineseScript::Traditional),
            std::cmp::Ordering::Less => Some(ChineseScript::Simplified),
            std::cmp::Ordering::Equal => None,
        }
    }
}

fn lookup(table: &[(char, char)], c: char) -> Option<char> {
    table
        .binary_search_by_key(&c, |&(from, _)| from)
        .ok()
        .map(|index| table[index].1)
}

/// Converts Simplified text to Traditional as written in Taiwan (OpenCC's `s2tw`): phrase by
/// phrase where OpenCC knows a phrase whose characters convert differently together
/// (`头发` → `頭髮`), character by character otherwise, then Taiwan's variant forms (`裏` → `裡`).
pub fn to_traditional(text: &str) -> String {
    // The table is sorted by key; a binary search per candidate costs nothing next to building a
    // hash map of ten thousand phrases on every start-up.
    let longest = SIMP_TO_TRAD_PHRASE_MAX_CHARS;
    let phrase = |candidate: &str| {
        SIMP_TO_TRAD_PHRASES
            .binary_search_by(|&(from, _)| from.cmp(candidate))
            .ok()
            .map(|index| SIMP_TO_TRAD_PHRASES[index].1)
    };

    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = String::with_capacity(text.len());
    let mut index = 0;
    'outer: while index < chars.len() {
        let max_len = longest.min(chars.len() - index);
        for len in (2..=max_len).rev() {
            let start = chars[index].0;
            let end = chars
                .get(index + len)
                .map_or(text.len(), |&(offset, _)| offset);
            if let Some(traditional) = phrase(&text[start..end]) {
                out.extend(traditional.chars().map(taiwan_form));
                index += len;
                continue 'outer;
            }
        }
        let c = chars[index].1;
        out.push(taiwan_form(lookup(SIMP_TO_TRAD, c).unwrap_or(c)));
        index += 1;
    }
    out
}

fn taiwan_form(c: char) -> char {
    lookup(TRAD_TO_TAIWAN, c).unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_scripts_apart() {
        assert_eq!(
            ScriptEvidence::of("請您先填表").verdict(),
            Some(ChineseScript::Traditional)
        );
        assert_eq!(
            ScriptEvidence::of("请您先填表").verdict(),
            Some(ChineseScript::Simplified)
        );
        assert_eq!(ScriptEvidence::of("您好").verdict(), None);
    }

    #[test]
    fn converts_rewrites_to_traditional() {
        assert_eq!(
            to_traditional("请您先填表,您看行吗?"),
            "請您先填表,您看行嗎?"
        );
        assert_eq!(
            to_traditional("我能理解给您带来的麻烦与不便"),
            "我能理解給您帶來的麻煩與不便"
        );
    }
}
