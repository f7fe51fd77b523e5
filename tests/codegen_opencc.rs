//! Generates `src/normalize/opencc_data.rs` from the OpenCC tables and fails if the checked-in file
//! differs, so the tables can never drift from their source (the crate-ci/typos approach: a
//! checked-in file guarded by a test instead of a build script).
//!
//! Regenerate with `REPLYLINT_BLESS=1 cargo test --test codegen_opencc`.
//! The data is read from `$REPLYLINT_OPENCC_DIR`, else `<crate>/../shared/data/opencc`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

mod support;

const OUTPUT: &str = "src/normalize/opencc_data.rs";
const BLESS_COMMAND: &str = "REPLYLINT_BLESS=1 cargo test --test codegen_opencc";

#[test]
fn opencc_data_is_up_to_date() {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data_dir = match std::env::var_os("REPLYLINT_OPENCC_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => manifest_dir.join("../shared/data/opencc"),
    };
    if !data_dir.is_dir() {
        // The data lives outside the crate, so a checkout without it must still pass its tests;
        // the checked-in tables keep working without their source.
        eprintln!(
            "skipping: OpenCC data not found at {} (set REPLYLINT_OPENCC_DIR)",
            data_dir.display()
        );
        return;
    }

    let tables = Tables::build(&data_dir);
    tables.check_invariants();
    check_known_entries(&tables);

    let generated = tables.render(&read(&data_dir.join("NOTICE.txt")));
    // Out of date when the OpenCC data or the generator changed.
    support::assert_golden(&manifest_dir.join(OUTPUT), &generated);
}

/// Spot checks against entries a reader can verify in the data files, so a generator bug that
/// still produces well-formed tables does not go unnoticed.
fn check_known_entries(tables: &Tables) {
    let t2s = |c: char| tables.trad_to_simp.get(&c).copied();
    assert_eq!(t2s('們'), Some('们'));
    assert_eq!(t2s('須'), Some('须'));
    // Both are TSCharacters entries; 裡 is also the Taiwan variant of 裏.
    assert_eq!(t2s('裏'), Some('里'));
    assert_eq!(t2s('裡'), Some('里'));
    // Only reachable through the variant tables: HK 衞 → standard 衛 → 卫, HK 粧 → 妝 → 妆.
    assert_eq!(t2s('衞'), Some('卫'));
    assert_eq!(t2s('粧'), Some('妆'));
    // Resolved chain: 薴 → 苧 → 苎.
    assert_eq!(t2s('薴'), Some('苎'));
    // Simplified output stays put: TW 么 → 幺 is not applied over 麼 → 么.
    assert_eq!(t2s('么'), None);
    assert_eq!(t2s('麼'), Some('么'));
    // TSCharacters keeps 衹 as 衹, which overrides HK 衹 → 只.
    assert_eq!(t2s('衹'), None);

    assert_eq!(tables.simp_to_trad.get(&'们'), Some(&'們'));
    assert_eq!(tables.simp_to_trad.get(&'发'), Some(&'發'));

    // Character by character 头发 gives 頭發, so the phrase must be kept.
    assert_eq!(
        tables.simp_to_trad_phrases.get("头发").map(String::as_str),
        Some("頭髮")
    );
}

struct Tables {
    trad_to_simp: BTreeMap<char, char>,
    simp_to_trad: BTreeMap<char, char>,
    simp_to_trad_phrases: BTreeMap<String, String>,
    trad_to_taiwan: BTreeMap<char, char>,
}

impl Tables {
    fn build(dir: &Path) -> Self {
        let ts = single_chars(&parse(dir, "TSCharacters.txt"));
        let st = single_chars(&parse(dir, "STCharacters.txt"));
        let tw_variants = single_chars(&parse(dir, "TWVariantsRev.txt"));
        let hk_variants = single_chars(&parse(dir, "HKVariantsRev.txt"));
        let phrases = parse(dir, "STPhrases.txt");
        let tw_forms = single_chars(&parse(dir, "TWVariants.txt"));

        let trad_to_simp = trad_to_simp(&ts, &[&tw_variants, &hk_variants]);

        let simp_to_trad: BTreeMap<char, char> = first_wins(&st)
            .into_iter()
            .filter(|(k, v)| k != v)
            .collect();

        // Most phrases only restate their characters' own conversion; keeping just the ones that
        // differ keeps the binary small and loses nothing.
        let per_char = |s: &str| -> String {
            s.chars()
                .map(|c| *simp_to_trad.get(&c).unwrap_or(&c))
                .collect()
        };
        let mut simp_to_trad_phrases = BTreeMap::new();
        for entry in &phrases {
            if entry.key.chars().count() < 2 || entry.value.chars().count() < 2 {
                continue;
            }
            if per_char(&entry.key) != entry.value {
                simp_to_trad_phrases
                    .entry(entry.key.clone())
                    .or_insert_with(|| entry.value.clone());
            }
        }

        let trad_to_taiwan: BTreeMap<char, char> = first_wins(&tw_forms)
            .into_iter()
            .filter(|(k, v)| k != v)
            .collect();

        Tables {
            trad_to_simp,
            simp_to_trad,
            simp_to_trad_phrases,
            trad_to_taiwan,
        }
    }

    /// The properties the normaliser relies on; they hold by construction, so a failure here means
    /// the generator or the data changed in a way that needs a look.
    fn check_invariants(&self) {
        for (k, v) in &self.trad_to_simp {
            assert_ne!(k, v, "TRAD_TO_SIMP maps {k} to itself");
            assert!(
                !self.trad_to_simp.contains_key(v),
                "TRAD_TO_SIMP is not idempotent: {k} → {v} → {}",
                self.trad_to_simp[v]
            );
        }
        for (k, v) in &self.simp_to_trad {
            assert_ne!(k, v, "SIMP_TO_TRAD maps {k} to itself");
        }
        for (k, v) in &self.simp_to_trad_phrases {
            assert!(
                k.chars().count() >= 2 && v.chars().count() >= 2,
                "{k} → {v}"
            );
        }
    }

    fn render(&self, notice: &str) -> String {
        let mut out = String::new();
        out.push_str(
            "// @generated by tests/codegen_opencc.rs from the OpenCC conversion tables; do not edit.\n\
             // Regenerate with: ",
        );
        out.push_str(BLESS_COMMAND);
        out.push_str(
            "\n//\n\
             // Data: OpenCC (https://github.com/BYVoid/OpenCC), Apache License 2.0, as shipped in the\n\
             // PyPI package opencc-python-reimplemented 0.1.7. Its NOTICE:\n//\n",
        );
        for line in notice.lines() {
            let line = line.trim_end();
            if line.is_empty() {
                out.push_str("//\n");
            } else {
                let _ = writeln!(out, "//     {line}");
            }
        }
        out.push('\n');

        out.push_str(
            "/// Traditional → Simplified, one character each, sorted by key for binary search.\n\
             /// From `TSCharacters` plus the Taiwan and Hong Kong variant characters, which never remap\n\
             /// a character `TSCharacters` produces. No value is also a key, so folding once is enough.\n",
        );
        render_char_table(&mut out, "TRAD_TO_SIMP", &self.trad_to_simp);

        out.push_str(
            "\n/// Simplified → Traditional, one character each (the first alternative\n\
             /// in `STCharacters`), sorted by key.\n",
        );
        render_char_table(&mut out, "SIMP_TO_TRAD", &self.simp_to_trad);

        out.push_str(
            "\n/// OpenCC standard Traditional → the form written in Taiwan (`TWVariants`: 裏 → 裡),\n\
             /// sorted by key; applied after [`SIMP_TO_TRAD`] the way OpenCC's `s2tw` does.\n",
        );
        render_char_table(&mut out, "TRAD_TO_TAIWAN", &self.trad_to_taiwan);

        let _ = writeln!(
            out,
            "\n/// The longest key of [`SIMP_TO_TRAD_PHRASES`], in characters.\n\
             pub(crate) const SIMP_TO_TRAD_PHRASE_MAX_CHARS: usize = {};",
            self.simp_to_trad_phrases
                .keys()
                .map(|key| key.chars().count())
                .max()
                .unwrap_or(0)
        );

        out.push_str(
            "\n/// Simplified → Traditional phrases, sorted by key, keeping only those that\n\
             /// [`SIMP_TO_TRAD`] applied character by character gets wrong.\n\
             #[rustfmt::skip]\n\
             pub(crate) static SIMP_TO_TRAD_PHRASES: &[(&str, &str)] = &[\n",
        );
        for (k, v) in &self.simp_to_trad_phrases {
            let (mut k_lit, mut v_lit) = (String::new(), String::new());
            push_str_literal(&mut k_lit, k);
            push_str_literal(&mut v_lit, v);
            // Break long entries the way rustfmt would, so the file stays stable even if the
            // `rustfmt::skip` is ever dropped: rustfmt formats a tuple like a call, on one line
            // only if its arguments fit in `fn_call_width`.
            if display_width(&k_lit) + 2 + display_width(&v_lit) <= RUSTFMT_FN_CALL_WIDTH {
                let _ = writeln!(out, "    ({k_lit}, {v_lit}),");
            } else {
                let _ = writeln!(out, "    (\n        {k_lit},\n        {v_lit},\n    ),");
            }
        }
        out.push_str("];\n");
        out
    }
}

/// `TSCharacters`, then the variant tables composed with it so that a variant folds straight to
/// Simplified. The first definition of a key wins, `TSCharacters` first.
fn trad_to_simp(ts: &[(char, char)], variant_tables: &[&[(char, char)]]) -> BTreeMap<char, char> {
    let ts_map = first_wins(ts);
    // A character TSCharacters produces is already Simplified; letting a variant table remap it
    // would rewrite correct Simplified text (TW 么 → 幺 would turn 什么 into 什幺).
    let simplified: BTreeSet<char> = ts_map.values().copied().collect();

    let mut map = ts_map.clone();
    for table in variant_tables {
        for &(variant, standard) in *table {
            if simplified.contains(&variant) {
                continue;
            }
            let target = ts_map.get(&standard).copied().unwrap_or(standard);
            map.entry(variant).or_insert(target);
        }
    }
    // Identity entries are dropped only now: they still take part in "first definition wins",
    // e.g. TSCharacters keeps 衹 as 衹, which overrides HK 衹 → 只.
    map.retain(|k, v| k != v);

    let resolved: BTreeMap<char, char> = map
        .keys()
        .map(|&k| {
            let mut v = map[&k];
            let mut steps = 0;
            while let Some(&next) = map.get(&v) {
                steps += 1;
                assert!(
                    steps <= map.len() && next != k,
                    "TRAD_TO_SIMP has a cycle through {k}"
                );
                v = next;
            }
            (k, v)
        })
        .collect();
    resolved
}

fn first_wins(pairs: &[(char, char)]) -> BTreeMap<char, char> {
    let mut map = BTreeMap::new();
    for &(k, v) in pairs {
        map.entry(k).or_insert(v);
    }
    map
}

struct Entry {
    key: String,
    /// The first alternative; OpenCC lists its preferred conversion first.
    value: String,
}

/// Keeps only one-character → one-character entries, in file order.
fn single_chars(entries: &[Entry]) -> Vec<(char, char)> {
    entries
        .iter()
        .filter_map(|e| Some((single_char(&e.key)?, single_char(&e.value)?)))
        .collect()
}

fn single_char(s: &str) -> Option<char> {
    let mut chars = s.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

fn parse(dir: &Path, name: &str) -> Vec<Entry> {
    let path = dir.join(name);
    let text = read(&path);
    // Some of the files have CRLF endings; a stray BOM would otherwise become part of a key.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut entries = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let where_ = || format!("{}:{}", path.display(), i + 1);
        let (key, alternatives) = line
            .split_once('\t')
            .unwrap_or_else(|| panic!("{}: no tab in {line:?}", where_()));
        let value = alternatives.split(' ').next().unwrap_or_default();
        assert!(
            !key.is_empty() && !value.is_empty(),
            "{}: empty key or value in {line:?}",
            where_()
        );
        entries.push(Entry {
            key: key.to_owned(),
            value: value.to_owned(),
        });
    }
    entries
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn render_char_table(out: &mut String, name: &str, table: &BTreeMap<char, char>) {
    let _ = writeln!(
        out,
        "#[rustfmt::skip]\npub(crate) static {name}: &[(char, char)] = &["
    );
    for (&k, &v) in table {
        out.push_str("    (");
        push_char_literal(out, k);
        out.push_str(", ");
        push_char_literal(out, v);
        out.push_str("),\n");
    }
    out.push_str("];\n");
}

/// rustfmt's default `fn_call_width`.
const RUSTFMT_FN_CALL_WIDTH: usize = 60;

/// Width in columns as rustfmt counts it. Every non-ASCII character written unescaped is a
/// full-width CJK form (see [`push_escaped`]), so each takes two columns.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn push_char_literal(out: &mut String, c: char) {
    out.push('\'');
    push_escaped(out, c, '\'');
    out.push('\'');
}

fn push_str_literal(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        push_escaped(out, c, '"');
    }
    out.push('"');
}

/// Writes `c` as is only if it is plainly visible, and as `\u{..}` otherwise. The test is a fixed
/// list of ranges rather than `char::escape_debug`, whose idea of printable changes with the
/// toolchain's Unicode version and would make the output differ between compilers. CJK
/// compatibility ideographs are escaped on purpose: NFC normalisation (which some editors apply)
/// would silently replace them with their unified twins.
fn push_escaped(out: &mut String, c: char, quote: char) {
    let plain = match c {
        '\\' => false,
        _ if c == quote => false,
        '!'..='~' => true,
        '\u{3007}' => true,                // 〇
        '\u{3400}'..='\u{4dbf}' => true,   // CJK Extension A
        '\u{4e00}'..='\u{9fff}' => true,   // CJK Unified Ideographs
        '\u{ff01}'..='\u{ff5e}' => true,   // full-width ASCII forms
        '\u{20000}'..='\u{2a6df}' => true, // CJK Extension B
        '\u{2a700}'..='\u{2ee5f}' => true, // CJK Extensions C-F, I
        '\u{30000}'..='\u{323af}' => true, // CJK Extensions G, H
        _ => false,
    };
    if plain {
        out.push(c);
    } else if c == '\\' || c == quote {
        out.push('\\');
        out.push(c);
    } else {
        let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
    }
}
