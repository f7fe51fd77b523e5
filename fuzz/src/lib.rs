//! What each fuzz target does with its input, and what it asserts.
//!
//! The targets in `fuzz_targets/` are one line each; everything is here, so that
//! `tests/fuzz_regressions.rs` can compile this file as a module and replay the seed corpora
//! (`fuzz/seeds/TARGET/`) and every saved failure (`fuzz/regressions/TARGET/`) in `cargo test`,
//! on the stable toolchain and without libFuzzer. A panic is a finding: either the engine
//! panicked, or one of the invariants below failed.
//!
//! Only the standard library and crates replylint itself depends on are used here.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use replylint::config::{ConfigFile, Overrides, Profile};
use replylint::fix::{apply_fixes, FixLevel, FixOptions, FixOutcome};
use replylint::rules::load_pack;
use replylint::rules::PackOrigin;
use replylint::source::{DecodeOptions, Format, Selection};
use replylint::{Linter, Placeholders, RuleSet, Source};

/// The built-in packs, compiled once per process.
fn builtin() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| Linter::builtin().expect("the built-in packs load"))
}

/// The formats a fuzz input can be read as, chosen by its first byte in the targets that take
/// any format.
const FORMATS: [Format; 8] = [
    Format::Text,
    Format::Json,
    Format::Jsonl,
    Format::Csv,
    Format::Markdown,
    Format::Html,
    Format::Yaml,
    Format::Tsv,
];

fn file_name(format: Format) -> &'static str {
    match format {
        Format::Text => "fuzz.txt",
        Format::Json => "fuzz.json",
        Format::Jsonl => "fuzz.jsonl",
        Format::Csv => "fuzz.csv",
        Format::Markdown => "fuzz.md",
        Format::Html => "fuzz.html",
        Format::Yaml => "fuzz.yaml",
        Format::Tsv => "fuzz.tsv",
    }
}

fn read(format: Format, bytes: &[u8]) -> Option<Source> {
    let options = DecodeOptions {
        format: Some(format),
        ..DecodeOptions::default()
    };
    Source::from_bytes(file_name(format), bytes.to_vec(), &options).ok()
}

/// Every diagnostic lies on character boundaries of the source text (and in plain text quotes
/// it exactly), and its fix (if any) covers a range inside the text.
fn check_diagnostics(source: &Source, linter: &Linter) {
    let text = &source.text;
    for diagnostic in linter.check(source) {
        let span = diagnostic.span.clone();
        assert!(
            span.start <= span.end && span.end <= text.len(),
            "span {span:?} outside a text of {} bytes",
            text.len()
        );
        assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "span {span:?} not on character boundaries"
        );
        // In structured formats the finding quotes the text as read out (escapes decoded).
        if source.format() == Format::Text {
            assert_eq!(
                text[span.clone()],
                diagnostic.text,
                "{}: the finding's text is not the source's",
                diagnostic.rule.id
            );
        }
        if let Some(fix) = &diagnostic.fix {
            let range = fix.range.clone();
            assert!(
                range.start <= range.end
                    && range.end <= text.len()
                    && text.is_char_boundary(range.start)
                    && text.is_char_boundary(range.end),
                "{}: fix range {range:?} not in the text",
                diagnostic.rule.id
            );
        }
        let _ = source.file_offset(span.start);
        let _ = source.file_offset(span.end);
    }
}

/// Lint arbitrary bytes as plain text with the built-in packs: decoding either fails cleanly
/// or every finding is well placed.
pub fn lint_bytes(data: &[u8]) {
    if let Some(source) = read(Format::Text, data) {
        check_diagnostics(&source, builtin());
    }
}

/// One structured-input extractor on arbitrary bytes: either a clean error, or segments whose
/// every character maps into the source text, and well-placed findings.
pub fn extract(format: Format, data: &[u8]) {
    let Some(source) = read(format, data) else {
        return;
    };
    let text = &source.text;
    for segment in source.segments() {
        let len = segment.text.len();
        let whole = segment.to_source(0..len);
        assert!(
            whole.start <= whole.end && whole.end <= text.len(),
            "segment maps to {whole:?} outside {} bytes",
            text.len()
        );
        for (at, c) in segment.text.char_indices() {
            let range = segment.to_source(at..at + c.len_utf8());
            assert!(
                range.start <= range.end
                    && range.end <= text.len()
                    && text.is_char_boundary(range.start)
                    && text.is_char_boundary(range.end),
                "character {c:?} at {at} maps to {range:?}"
            );
        }
    }
    check_diagnostics(&source, builtin());
}

/// Arbitrary rule YAML: a load error, or a pack whose rules can run on drafts (and on their own
/// examples) without a panic.
pub fn rule_yaml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(pack) = load_pack(text, PackOrigin::File("fuzz.yaml".into())) else {
        return;
    };
    let mut rules = RuleSet::default();
    if rules.add(pack).is_err() {
        return;
    }
    let linter = Linter::new(rules);
    let mut drafts: Vec<String> = vec![
        "你必须先填表。I can't do that, you must wait. Jums jāgaida.".into(),
        text.to_string(),
    ];
    for rule in linter.rules().rules() {
        drafts.extend(rule.examples.bad.iter().map(|example| example.to_string()));
        drafts.extend(rule.examples.good.iter().map(|example| example.to_string()));
    }
    for draft in drafts {
        let source = Source::new("draft", draft);
        check_diagnostics(&source, &linter);
        check_fix(&linter, &source, FixLevel::Unsafe, false);
    }
}

/// An arbitrary config file: a clean error or a profile. A config that names rule folders is
/// only parsed, never built, so that a fuzzed path cannot walk the file system.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(file) = ConfigFile::parse(Path::new("replylint.toml"), text) else {
        return;
    };
    let names_folders = toml::from_str::<toml::Table>(text)
        .map(|table| table.contains_key("rules"))
        .unwrap_or(true);
    if names_folders {
        return;
    }
    if let Ok(profile) = Profile::build(Some(file), &Overrides::default()) {
        let source = Source::new("draft", "你必须先填表。I can't do that.");
        check_diagnostics(&source, &profile.linter);
    }
}

/// Fixing arbitrary text (in a format chosen by the first byte) with the built-in packs, with
/// every invariant of `docs/robustness.md` asserted.
pub fn fix(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let format = FORMATS[usize::from(selector) % FORMATS.len()];
    let level = if selector & 0x80 == 0 {
        FixLevel::Unsafe
    } else {
        FixLevel::Safe
    };
    if let Some(source) = read(format, rest) {
        check_fix(builtin(), &source, level, true);
    }
}

/// The invariants of a fix run on `source`:
///
/// 1. the fixes of a pass are ordered, never overlap, and each replaces exactly the text it
///    says it replaces; replaying them on the input gives the output, so every byte outside
///    the edited spans is the input's;
/// 2. each first-pass fix lies inside the finding that proposed it (or reaches past it only
///    over the sentence's end mark, which a rewrite ending in `?` replaces), so every other
///    character of the input outside the findings' matched text survives, in order;
/// 3. no fix deletes a placeholder, and no fix of a built-in rule deletes a digit or an `@`:
///    what it replaces that holds one, its replacement holds too (perhaps elsewhere in it) (a user's pattern rule may
///    match digits on purpose and rewrite them away, as `tests/fixtures/fix/pack` does);
/// 4. fixing again changes nothing (when the run settled);
/// 5. the result still reads in its format, and where an independent parser accepted the input
///    it accepts the output.
pub fn check_fix(linter: &Linter, source: &Source, level: FixLevel, builtin_rules: bool) {
    let options = FixOptions {
        level,
        ..FixOptions::default()
    };
    let outcome = apply_fixes(linter, source, &options);
    let input = source.text.as_str();

    // 1. Replay pass by pass.
    let passes = outcome
        .applied
        .iter()
        .map(|fix| fix.pass + 1)
        .max()
        .unwrap_or(0);
    let mut current = input.to_string();
    for pass in 0..passes {
        let mut next = String::with_capacity(current.len());
        let mut cursor = 0;
        for fix in outcome.applied.iter().filter(|fix| fix.pass == pass) {
            assert!(
                fix.range.start >= cursor,
                "pass {pass}: fix {:?} overlaps or precedes the one before (ends at {cursor})",
                fix.range
            );
            assert_eq!(
                current.get(fix.range.clone()),
                Some(fix.original.as_str()),
                "pass {pass}: fix {:?} does not replace what it says",
                fix.range
            );
            next.push_str(&current[cursor..fix.range.start]);
            next.push_str(&fix.replacement);
            cursor = fix.range.end;
        }
        next.push_str(&current[cursor..]);
        current = next;
    }
    assert_eq!(
        current, outcome.text,
        "the output is not the replayed fixes"
    );

    // 2. First-pass fixes lie inside their findings.
    if outcome.changed() {
        let findings: Vec<(Range<usize>, Range<usize>)> = linter
            .check(source)
            .into_iter()
            .filter_map(|d| d.fix.map(|fix| (d.span, fix.range)))
            .collect();
        for fix in outcome.applied.iter().filter(|fix| fix.pass == 0) {
            // The one reach past a finding: a rewrite that ends its sentence (`…?`) replaces
            // the sentence's own end mark right after the finding.
            let inside = findings.iter().any(|(span, range)| {
                *range == fix.range
                    && ((span.start <= range.start
                        && (range.end <= span.end
                            || input[span.end..range.end]
                                .chars()
                                .all(replylint::rules::template::is_sentence_punctuation)))
                        || requoted_cell(source.format(), input, span, &fix.replacement))
            });
            assert!(
                inside,
                "{}: fix {:?} is not the fix of a finding that covers it",
                fix.rule.id, fix.range
            );
        }
    }

    // 3. Nothing the writer wrote that a rewrite cannot know is deleted.
    for fix in outcome.applied.iter().filter(|_| builtin_rules) {
        let kept = |c: char| c.is_ascii_digit() || c == '@';
        let before: Vec<char> = without_escapes(&fix.original)
            .chars()
            .filter(|&c| kept(c))
            .collect();
        let after: Vec<char> = without_escapes(&fix.replacement)
            .chars()
            .filter(|&c| kept(c))
            .collect();
        assert!(
            is_sub_multiset(&before, &after),
            "{}: {:?} -> {:?} drops digits or an address",
            fix.rule.id,
            fix.original,
            fix.replacement
        );
    }
    let placeholders = Placeholders::default();
    let count = |text: &str| -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for span in placeholders.find(text) {
            *counts.entry(text[span].to_string()).or_default() += 1;
        }
        counts
    };
    let after = count(&outcome.text);
    for (placeholder, n) in count(input) {
        assert!(
            after.get(&placeholder).copied().unwrap_or(0) >= n,
            "placeholder {placeholder:?} lost"
        );
    }

    // 4. Idempotence.
    if outcome.unsettled.is_none() && outcome.changed() {
        let again = source
            .with_text(outcome.text.clone())
            .expect("the fixed text reads in its format");
        let twice: FixOutcome = apply_fixes(linter, &again, &options);
        assert_eq!(twice.text, outcome.text, "fixing twice differs from once");
        assert!(twice.applied.is_empty(), "a settled text still has fixes");
    }

    // 5. Still valid in its format.
    if outcome.changed() {
        still_parses(source, input, &outcome.text);
    }
}

/// A CSV or TSV cell that has to be quoted for its new text is replaced whole: the text around
/// the finding then comes back inside the replacement, only quoted (fuzz regression
/// `fix/csv-cell-requoted`). The cell starts after the format's own delimiter: a comma inside
/// a TSV cell is text (`tests/fuzz_regressions.rs::a_requoted_tsv_cell_may_hold_commas`).
fn requoted_cell(format: Format, input: &str, span: &Range<usize>, replacement: &str) -> bool {
    let delimiter = match format {
        Format::Csv => ',',
        Format::Tsv => '\t',
        _ => return false,
    };
    let unquoted = |text: &str| text.replace('"', "");
    let line_start = input[..span.start].rfind('\n').map_or(0, |at| at + 1);
    let cell_start = input[line_start..span.start]
        .rfind(delimiter)
        .map_or(line_start, |at| line_start + at + 1);
    let before = unquoted(&input[cell_start..span.start]);
    replacement.starts_with('"') && unquoted(replacement).starts_with(&before)
}

fn still_parses(source: &Source, input: &str, output: &str) {
    let format = source.format();
    assert!(
        Source::from_text("fixed", output, format, Arc::new(Selection::default())).is_ok()
            || Source::from_text("input", input, format, Arc::new(Selection::default())).is_err(),
        "the fixed {format:?} no longer reads"
    );
    match format {
        Format::Json => {
            if serde_json::from_str::<serde_json::Value>(input).is_ok() {
                serde_json::from_str::<serde_json::Value>(output).expect("fixed JSON parses");
            }
        }
        Format::Jsonl => {
            let lines_in: Vec<&str> = input.lines().collect();
            let lines_out: Vec<&str> = output.lines().collect();
            assert_eq!(
                lines_in.len(),
                lines_out.len(),
                "a fix changed the record count"
            );
            for (a, b) in lines_in.iter().zip(&lines_out) {
                if serde_json::from_str::<serde_json::Value>(a).is_ok() {
                    serde_json::from_str::<serde_json::Value>(b).expect("fixed JSONL parses");
                }
            }
        }
        Format::Csv | Format::Tsv => {
            let delimiter = if format == Format::Csv { b',' } else { b'\t' };
            if let Some(shape) = csv_shape(input, delimiter) {
                assert_eq!(
                    csv_shape(output, delimiter),
                    Some(shape),
                    "a fix changed the table's shape"
                );
            }
        }
        Format::Yaml => {
            if serde_saphyr::from_str::<serde_json::Value>(input).is_ok() {
                serde_saphyr::from_str::<serde_json::Value>(output).expect("fixed YAML parses");
            }
        }
        Format::Text | Format::Markdown | Format::Html => {}
    }
}

/// Fields per record, or `None` when the standard reader refuses the table.
fn csv_shape(text: &str, delimiter: u8) -> Option<Vec<usize>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|record| record.ok().map(|record| record.len()))
        .collect()
}

/// `text` without numeric character references (`&#39;`, `&#x27;`) and JSON `\u` escapes, whose
/// digits are not the writer's: a fix may decode `n&#39;t` to `n't` (fuzz regression
/// `fix/html-entity-digits`).
fn without_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let skip = if let Some(after) = rest.strip_prefix("&#") {
            let body = after.strip_prefix(['x', 'X']).unwrap_or(after);
            let digits = body
                .bytes()
                .take_while(|byte| byte.is_ascii_hexdigit())
                .count();
            // HTML reads `&#39` without its `;` too (fuzz regression `fix/entity-without-semicolon`).
            let semicolon = usize::from(body[digits..].starts_with(';'));
            (digits > 0).then(|| rest.len() - body.len() + digits + semicolon)
        } else if let Some(after) = rest.strip_prefix("\\u") {
            let digits = after
                .bytes()
                .take(4)
                .take_while(|byte| byte.is_ascii_hexdigit())
                .count();
            (digits == 4).then_some(6)
        } else {
            None
        };
        match skip {
            Some(length) => rest = &rest[length..],
            None => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

/// Whether every character of `needle` occurs in `haystack` at least as often. Order is not
/// asked for: a rewrite may reorder its clause (`我不能给你X,除非你Y` becomes `如果您Y，我就能帮您X`;
/// fuzz regression `fix/reordered-clause-digits`).
fn is_sub_multiset(needle: &[char], haystack: &[char]) -> bool {
    let mut counts: HashMap<char, isize> = HashMap::new();
    for &c in haystack {
        *counts.entry(c).or_default() += 1;
    }
    needle.iter().all(|c| {
        let count = counts.entry(*c).or_default();
        *count -= 1;
        *count >= 0
    })
}

/// The target of a name, for replaying saved inputs.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "lint_bytes" => lint_bytes(data),
        "rule_yaml" => rule_yaml(data),
        "config" => config(data),
        "fix" => fix(data),
        "extract_json" => extract(Format::Json, data),
        "extract_jsonl" => extract(Format::Jsonl, data),
        "extract_csv" => extract(Format::Csv, data),
        "extract_markdown" => extract(Format::Markdown, data),
        "extract_html" => extract(Format::Html, data),
        "extract_yaml" => extract(Format::Yaml, data),
        other => panic!("no fuzz target {other}"),
    }
}

/// Every target, in the order `fuzz/run.sh` runs them.
pub const TARGETS: [&str; 10] = [
    "lint_bytes",
    "fix",
    "rule_yaml",
    "config",
    "extract_json",
    "extract_jsonl",
    "extract_csv",
    "extract_markdown",
    "extract_html",
    "extract_yaml",
];
