//! Throughput of replylint against the physical bar: a bare Aho-Corasick scan.
//!
//! Every number this prints is a ratio against a baseline measured in the same run: a
//! leftmost-longest Aho-Corasick automaton over exactly the literal phrases of the rules under
//! test, counting matches over the same bytes, with no normalisation. See `docs/performance.md`.
//!
//! ```text
//! cargo bench --bench throughput                 # the in-process table
//! cargo bench --bench throughput -- --prepare    # only build target/bench-corpus/ (for hyperfine.sh)
//! cargo bench --bench throughput -- --bare-scan FILE...   # the baseline as a whole process
//! ```
//!
//! The inputs are built at run time from `../shared/corpus/*/replies.jsonl` (or
//! `$REPLYLINT_CORPUS`) into `target/bench-corpus/`; nothing from the corpus is kept in the
//! repository. Without the corpus the benchmark says so and exits successfully.
//!
//! Environment: `REPLYLINT_CORPUS` (corpus folder), `REPLYLINT_BENCH_REPS` (repetitions per
//! measurement, default 7), `REPLYLINT_BENCH_RULES` (a pack folder to use instead of the
//! built-in packs), `REPLYLINT_BENCH_BITEXT=1` (also use the synthetic bitext replies).

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::hint::black_box;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rayon::prelude::*;
use replylint::matcher::Matcher;
use replylint::normalize::NormalizedText;
use replylint::rules::{load_pack, PackOrigin};
use replylint::{Linter, Rule, RuleKind, RuleSet, Source};

/// Size of the one large file, in bytes (the issue's "about 20 MB").
const LARGE_BYTES: usize = 20_000_000;
/// Number of small files, one reply each.
const SMALL_FILES: usize = 70_000;
/// Length of the stdin draft, in characters.
const DRAFT_CHARS: usize = 300;
/// The synthetic packs hold this many copies of every rule under test.
const SCALE: usize = 10;
/// Bump when the way inputs are built changes, so cached inputs are rebuilt.
const INPUT_VERSION: u32 = 1;

/// Real replies by default; `bitext_synthetic` is machine-generated and only added on request.
const SYNTHETIC_CORPORA: &[&str] = &["bitext_synthetic"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(index) = args.iter().position(|arg| arg == "--bare-scan") {
        return scan_files(&args[index + 1..], false);
    }
    if let Some(index) = args.iter().position(|arg| arg == "--lint") {
        return scan_files(&args[index + 1..], true);
    }
    if let Some(index) = args.iter().position(|arg| arg == "--lint-list") {
        return list_findings(&args[index + 1..]);
    }
    let prepare_only = args.iter().any(|arg| arg == "--prepare");
    // `cargo bench` passes `--bench`; `cargo test --all-targets` passes nothing and must stay
    // quick, so the suite only runs when asked for.
    if !prepare_only && !args.iter().any(|arg| arg == "--bench") {
        println!("throughput: run with `cargo bench --bench throughput`; nothing to do here");
        return ExitCode::SUCCESS;
    }

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus_dir = std::env::var_os("REPLYLINT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpus"));
    let corpus_dir = corpus_dir.canonicalize().unwrap_or(corpus_dir);
    if !corpus_dir.is_dir() {
        println!(
            "throughput: SKIPPED: no corpus at {} (set REPLYLINT_CORPUS to a folder of \
             */replies.jsonl files)",
            corpus_dir.display()
        );
        return ExitCode::SUCCESS;
    }
    let out_dir = std::env::var_os("REPLYLINT_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/bench-corpus"));

    let corpus = match Corpus::read(&corpus_dir) {
        Ok(corpus) if !corpus.replies.is_empty() => corpus,
        Ok(_) => {
            println!(
                "throughput: SKIPPED: no replies found in {}/*/replies.jsonl",
                corpus_dir.display()
            );
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("throughput: cannot read the corpus: {error}");
            return ExitCode::FAILURE;
        }
    };
    let inputs = match Inputs::build(&corpus, &corpus_dir, &out_dir) {
        Ok(inputs) => inputs,
        Err(error) => {
            eprintln!(
                "throughput: cannot write inputs to {}: {error}",
                out_dir.display()
            );
            return ExitCode::FAILURE;
        }
    };
    println!(
        "inputs: {} replies from {} ({}); large file {} ({:.1} MB), {} small files in {}, \
         drafts {}",
        corpus.replies.len(),
        corpus_dir.display(),
        corpus.used.join(", "),
        inputs.large.display(),
        inputs.large_bytes as f64 / 1e6,
        SMALL_FILES,
        inputs.small_dir.display(),
        inputs.drafts.join(", "),
    );
    let (rules, rules_origin) = match rules_under_test(root) {
        Ok(found) => found,
        Err(message) => {
            eprintln!("throughput: {message}");
            return ExitCode::FAILURE;
        }
    };
    let scaled = match scaled_rules(&rules, &corpus) {
        Ok(scaled) => scaled,
        Err(message) => {
            eprintln!("throughput: {message}");
            return ExitCode::FAILURE;
        }
    };
    let synthetic_dir = out_dir.join("synthetic");
    let written = fs::remove_dir_all(&synthetic_dir)
        .or_else(|error| match error.kind() {
            std::io::ErrorKind::NotFound => Ok(()),
            _ => Err(error),
        })
        .and_then(|()| fs::create_dir_all(&synthetic_dir))
        .and_then(|()| {
            scaled
                .yaml
                .iter()
                .enumerate()
                .try_for_each(|(index, yaml)| {
                    fs::write(synthetic_dir.join(format!("synthetic-{index}.yaml")), yaml)
                })
        });
    if let Err(error) = written {
        eprintln!(
            "throughput: cannot write {}: {error}",
            synthetic_dir.display()
        );
        return ExitCode::FAILURE;
    }
    println!(
        "rules: {} from {rules_origin}; synthetic packs ({} rules) in {}",
        rules.len(),
        scaled.rules.len() - rules.len(),
        synthetic_dir.display()
    );
    if prepare_only {
        return ExitCode::SUCCESS;
    }

    let reps = std::env::var("REPLYLINT_BENCH_REPS")
        .ok()
        .and_then(|reps| reps.parse().ok())
        .unwrap_or(7usize)
        .max(1);
    run_suite(&corpus, &inputs, rules, scaled, &rules_origin, reps)
}

/// The whole-process baseline for `hyperfine.sh`: read the files and count leftmost-longest
/// matches of the built-in phrases, nothing else. With `lint`, count `Linter::check`'s
/// diagnostics instead (one thread, no rendering): a small target for `perf` or callgrind.
fn scan_files(paths: &[String], lint: bool) -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = match rules_under_test(root) {
        Ok((rules, _)) => rules,
        Err(message) => {
            eprintln!("throughput: {message}");
            return ExitCode::FAILURE;
        }
    };
    let automaton = bare_automaton(&rules);
    let linter = lint.then(|| Linter::new(rules));
    let mut files = Vec::new();
    for path in paths {
        if let Err(error) = collect_files(Path::new(path), &mut files) {
            eprintln!("throughput: {path}: {error}");
            return ExitCode::FAILURE;
        }
    }
    let mut count = 0;
    for path in &files {
        let path = path.display().to_string();
        match fs::read(&path) {
            Ok(bytes) => match &linter {
                Some(linter) => {
                    let text = String::from_utf8_lossy(&bytes);
                    count += linter.check(&Source::new(path.as_str(), text)).len();
                }
                None => count += automaton.find_iter(&bytes).count(),
            },
            Err(error) => {
                eprintln!("throughput: {path}: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("{count}");
    ExitCode::SUCCESS
}

/// The files below `path` (or `path` itself), in path order.
fn collect_files(path: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if !path.is_dir() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = fs::read_dir(path)?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for entry in entries {
        collect_files(&entry, files)?;
    }
    Ok(())
}

/// Every finding as `file start end rule-id`, to compare engine variants for identical output.
fn list_findings(paths: &[String]) -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let linter = match rules_under_test(root) {
        Ok((rules, _)) => Linter::new(rules),
        Err(message) => {
            eprintln!("throughput: {message}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for path in paths {
        let Ok(text) = fs::read_to_string(path) else {
            eprintln!("throughput: cannot read {path}");
            return ExitCode::FAILURE;
        };
        for found in linter.check(&Source::new(path.as_str(), text)) {
            let _ = writeln!(
                out,
                "{path} {} {} {} {:?}",
                found.span.start, found.span.end, found.rule.id, found.suggestions
            );
        }
    }
    ExitCode::SUCCESS
}

/// The built-in packs, or the packs under `rules/` while nothing is embedded yet.
fn rules_under_test(root: &Path) -> Result<(RuleSet, String), String> {
    if let Some(dir) = std::env::var_os("REPLYLINT_BENCH_RULES") {
        let dir = PathBuf::from(dir);
        let set = load_dir_leniently(&dir)?;
        return Ok((
            set,
            format!("packs in {} ($REPLYLINT_BENCH_RULES)", dir.display()),
        ));
    }
    let builtin = RuleSet::builtin().map_err(|error| format!("built-in packs: {error}"))?;
    if !builtin.is_empty() {
        return Ok((builtin, "built-in packs (RuleSet::builtin)".to_string()));
    }
    let dir = root.join("rules");
    let set = load_dir_leniently(&dir)?;
    if set.is_empty() {
        return Err("no built-in rules and no packs under rules/: nothing to measure".into());
    }
    Ok((
        set,
        "packs under rules/ (RuleSet::builtin() is still empty)".to_string(),
    ))
}

/// Loads every pack below `dir`, passing over (and naming) packs that do not load, since the
/// packs are being written while the benchmark runs.
fn load_dir_leniently(dir: &Path) -> Result<RuleSet, String> {
    let files =
        replylint::rules::pack_files(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    let mut set = RuleSet::default();
    for path in files {
        let loaded = fs::read_to_string(&path)
            .map_err(|error| error.to_string())
            .and_then(|text| {
                load_pack(&text, PackOrigin::File(path.clone())).map_err(|e| e.to_string())
            })
            .and_then(|pack| set.add(pack).map_err(|error| error.to_string()));
        if let Err(error) = loaded {
            eprintln!("throughput: skipping {}: {error}", path.display());
        }
    }
    Ok(set)
}

/// Exactly the literal phrases of the rules, as written: no normalisation.
/// Every literal the engine must find for the rules' phrases: the phrases with their classes
/// expanded and folded (`normalized_phrases`), and every variant of every part of a phrase with
/// gaps. A phrase as written (`{you}{…2}{must}`) is not a literal, so the bare scan looks for
/// what it stands for.
fn literal_phrases(rules: &RuleSet) -> Vec<String> {
    let mut seen = HashSet::new();
    rules
        .rules()
        .flat_map(|rule| {
            let parts = rule
                .sequences
                .iter()
                .flat_map(|sequence| sequence.parts.iter().flat_map(|part| part.iter()));
            rule.normalized_phrases.iter().chain(parts)
        })
        .filter(|phrase| seen.insert(&phrase[..]))
        .map(|phrase| phrase.to_string())
        .collect()
}

fn bare_automaton(rules: &RuleSet) -> AhoCorasick {
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .build(literal_phrases(rules))
        .expect("a few thousand phrases build")
}

struct Reply {
    lang: String,
    text: String,
}

struct Corpus {
    replies: Vec<Reply>,
    used: Vec<String>,
    /// Sizes and modification times of the files read, to know when cached inputs are stale.
    fingerprint: String,
}

impl Corpus {
    fn read(dir: &Path) -> std::io::Result<Corpus> {
        let with_bitext = std::env::var_os("REPLYLINT_BENCH_BITEXT").is_some_and(|v| v == "1");
        let mut folders: Vec<PathBuf> = fs::read_dir(dir)?
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.join("replies.jsonl").is_file())
            .collect();
        folders.sort();
        let mut replies = Vec::new();
        let mut used = Vec::new();
        let mut fingerprint = format!("v{INPUT_VERSION} bitext={with_bitext}");
        for folder in folders {
            let name = folder
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            if SYNTHETIC_CORPORA.contains(&name.as_str()) && !with_bitext {
                continue;
            }
            let path = folder.join("replies.jsonl");
            let metadata = fs::metadata(&path)?;
            let modified = metadata
                .modified()
                .ok()
                .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |since| since.as_secs());
            let _ = write!(fingerprint, " {name}:{}:{modified}", metadata.len());
            let before = replies.len();
            for line in fs::read_to_string(&path)?.lines() {
                let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
                    continue;
                };
                let text = value["text"].as_str().unwrap_or_default().trim();
                if text.is_empty() {
                    continue;
                }
                replies.push(Reply {
                    lang: value["lang"].as_str().unwrap_or_default().to_string(),
                    text: text.to_string(),
                });
            }
            used.push(format!("{name} {}", replies.len() - before));
        }
        // A fixed shuffle mixes Chinese and English replies the way a shared library would.
        let mut rng = Rng(0x5eed_1234_abcd_ef01);
        for index in (1..replies.len()).rev() {
            let other = rng.below(index + 1);
            replies.swap(index, other);
        }
        Ok(Corpus {
            replies,
            used,
            fingerprint,
        })
    }

    fn is_chinese(reply: &Reply) -> bool {
        reply.lang.starts_with("zh")
    }
}

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

struct Inputs {
    large: PathBuf,
    large_bytes: usize,
    small_dir: PathBuf,
    drafts: Vec<String>,
}

impl Inputs {
    /// Writes the large file, the small files and the drafts, unless the same corpus already
    /// produced them.
    fn build(corpus: &Corpus, corpus_dir: &Path, out: &Path) -> std::io::Result<Inputs> {
        let large = out.join("large.txt");
        let small_dir = out.join("small");
        let stamp = out.join("STAMP");
        let fingerprint = format!("{} {}", corpus_dir.display(), corpus.fingerprint);
        let drafts = ["draft-zh.txt", "draft-en.txt"];
        let fresh = fs::read_to_string(&stamp).is_ok_and(|old| old == fingerprint)
            && large.is_file()
            && drafts.iter().all(|draft| out.join(draft).is_file());
        if !fresh {
            fs::create_dir_all(out)?;
            let _ = fs::remove_file(&stamp);
            write_large(corpus, &large)?;
            write_small(corpus, &small_dir)?;
            write_draft(corpus, true, &out.join(drafts[0]))?;
            write_draft(corpus, false, &out.join(drafts[1]))?;
            fs::write(&stamp, &fingerprint)?;
        }
        let large_bytes = fs::metadata(&large)?.len() as usize;
        Ok(Inputs {
            large,
            large_bytes,
            small_dir,
            drafts: drafts
                .iter()
                .map(|draft| out.join(draft).display().to_string())
                .collect(),
        })
    }
}

fn write_large(corpus: &Corpus, path: &Path) -> std::io::Result<()> {
    let mut text = String::with_capacity(LARGE_BYTES + 4096);
    'fill: loop {
        for reply in &corpus.replies {
            text.push_str(&reply.text);
            text.push('\n');
            if text.len() >= LARGE_BYTES {
                break 'fill;
            }
        }
    }
    fs::write(path, text)
}

fn write_small(corpus: &Corpus, dir: &Path) -> std::io::Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir)?;
    }
    for (index, reply) in corpus.replies.iter().cycle().take(SMALL_FILES).enumerate() {
        let folder = dir.join(format!("{:03}", index / 1000));
        if index % 1000 == 0 {
            fs::create_dir_all(&folder)?;
        }
        let mut file = fs::File::create(folder.join(format!("{index:05}.txt")))?;
        file.write_all(reply.text.as_bytes())?;
        file.write_all(b"\n")?;
    }
    Ok(())
}

/// A 300-character draft made of consecutive real replies in one language.
fn write_draft(corpus: &Corpus, chinese: bool, path: &Path) -> std::io::Result<()> {
    let mut draft = String::new();
    let mut chars = 0;
    for reply in corpus
        .replies
        .iter()
        .filter(|reply| Corpus::is_chinese(reply) == chinese)
    {
        for c in reply.text.chars().chain([if chinese { '\n' } else { ' ' }]) {
            if chars == DRAFT_CHARS {
                break;
            }
            draft.push(c);
            chars += 1;
        }
        if chars == DRAFT_CHARS {
            break;
        }
    }
    fs::write(path, draft)
}

/// Rules ten times the size of `rules`: every rule copied `SCALE` times with plausible
/// distinct phrases (the original with a corpus word or two-character Chinese word before or
/// after it) and patterns (the original behind such a word), loaded through `load_pack`.
fn scaled_rules(base: &RuleSet, corpus: &Corpus) -> Result<Scaled, String> {
    let (latin, cjk) = word_pools(corpus);
    let mut varier = Varier {
        rng: Rng(0xdead_beef_cafe_f00d),
        seen: literal_phrases(base)
            .into_iter()
            .map(|phrase| phrase.to_lowercase())
            .collect(),
        latin,
        cjk,
    };
    // One synthetic pack per pack under test, so that each copy sees the classes its original
    // saw: a pack's own classes are written out again; the language's come with the language.
    let mut yaml_by_pack: Vec<(String, String)> = Vec::new();
    let mut synthetic_phrases = 0;
    for (rule_index, rule) in base.rules().enumerate() {
        let position = match yaml_by_pack
            .iter()
            .position(|(pack, _)| pack[..] == rule.pack[..])
        {
            Some(position) => position,
            None => {
                let mut pack = format!(
                    "pack: synthetic-{}\nlanguage: {}\nclasses:\n",
                    yaml_by_pack.len(),
                    rule.language
                );
                let mut written = HashSet::new();
                for class in base
                    .rules()
                    .filter(|other| other.pack == rule.pack)
                    .flat_map(|other| other.classes.iter())
                {
                    if written.insert(class.name.to_string()) {
                        let members: Vec<String> =
                            class.members.iter().map(|m| m.to_string()).collect();
                        let _ = writeln!(pack, "  {}: {}", class.name, yaml_list(&members));
                    }
                }
                pack.push_str("rules:\n");
                yaml_by_pack.push((rule.pack.to_string(), pack));
                yaml_by_pack.len() - 1
            }
        };
        for copy in 0..SCALE {
            let phrases: Vec<String> = rule.phrases.iter().map(|p| varier.phrase(p)).collect();
            synthetic_phrases += phrases.len();
            let pattern = rule.pattern.as_ref().map(|pattern| {
                let pattern = &pattern.source;
                let chinese = rule.adapts_chinese_script() || pattern.chars().any(is_cjk);
                let word = regex_escape(&varier.word(chinese));
                let joiner = if chinese { "" } else { " " };
                format!("{word}{joiner}(?:{pattern})")
            });
            let yaml = &mut yaml_by_pack[position].1;
            write_rule(yaml, rule, rule_index, copy, &phrases, pattern.as_deref());
        }
    }
    let mut rules = base.clone();
    for (pack, yaml) in &yaml_by_pack {
        let origin = PackOrigin::File(format!("<synthetic copy of {pack}>").into());
        let pack = load_pack(yaml, origin).map_err(|error| format!("synthetic pack: {error}"))?;
        rules
            .add(pack)
            .map_err(|error| format!("synthetic pack: {error}"))?;
    }
    Ok(Scaled {
        rules,
        phrases: synthetic_phrases,
        yaml: yaml_by_pack.into_iter().map(|(_, yaml)| yaml).collect(),
    })
}

/// The rules under test plus their synthetic copies.
struct Scaled {
    rules: RuleSet,
    /// Literal phrases in the synthetic packs.
    phrases: usize,
    /// The synthetic packs' YAML, one text per pack under test, for `replylint check --rules`.
    yaml: Vec<String>,
}

/// Makes distinct synthetic phrases out of real ones.
struct Varier {
    rng: Rng,
    seen: HashSet<String>,
    latin: Vec<String>,
    cjk: Vec<String>,
}

impl Varier {
    fn word(&mut self, chinese: bool) -> String {
        let pool = if chinese { &self.cjk } else { &self.latin };
        pool[self.rng.below(pool.len())].clone()
    }

    /// The phrase with a corpus word before or after it, never seen before.
    fn phrase(&mut self, text: &str) -> String {
        let chinese = text.chars().any(is_cjk);
        let joiner = if chinese { "" } else { " " };
        loop {
            let word = self.word(chinese);
            let varied = if self.rng.below(2) == 0 {
                format!("{word}{joiner}{text}")
            } else {
                format!("{text}{joiner}{word}")
            };
            if self.seen.insert(varied.to_lowercase()) {
                return varied;
            }
        }
    }
}

fn write_rule(
    yaml: &mut String,
    rule: &Rule,
    rule_index: usize,
    copy: usize,
    phrases: &[String],
    pattern: Option<&str>,
) {
    let quote = yaml_quote;
    let list = yaml_list;
    let written = |texts: &replylint::rules::Texts| -> Vec<String> {
        texts.iter().map(|text| text.to_string()).collect()
    };
    let _ = writeln!(yaml, "  - id: synthetic.r{rule_index}-c{copy}");
    let _ = writeln!(yaml, "    kind: {}", rule.kind.as_str());
    let _ = writeln!(yaml, "    category: {}", rule.category);
    let _ = writeln!(yaml, "    severity: {}", rule.severity.as_str());
    let _ = writeln!(
        yaml,
        "    message: {}",
        quote(&format!("copy of {}", rule.id))
    );
    let _ = writeln!(yaml, "    why: synthetic");
    let _ = writeln!(yaml, "    source: benches/throughput.rs");
    if !phrases.is_empty() {
        let _ = writeln!(yaml, "    phrases: {}", list(phrases));
    }
    if let Some(pattern) = pattern {
        let _ = writeln!(yaml, "    pattern: {}", quote(pattern));
    }
    if !rule.rewrites.is_empty() {
        let sources: Vec<String> = rule.rewrites.iter().map(|t| t.source.to_string()).collect();
        let _ = writeln!(yaml, "    rewrite: {}", list(&sources));
    }
    if rule.clause {
        let _ = writeln!(yaml, "    clause: true");
    }
    if !rule.exceptions.is_empty() {
        let exceptions: Vec<String> = rule.exceptions.iter().map(|e| e.to_string()).collect();
        let _ = writeln!(yaml, "    exceptions: {}", list(&exceptions));
    }
    if let Some(unless) = &rule.unless {
        let reach = match unless.reach {
            replylint::rules::Reach::Sentence => "sentence",
            replylint::rules::Reach::NextSentence => "next-sentence",
        };
        let then = unless.then.map_or("skip", |severity| severity.as_str());
        let _ = writeln!(
            yaml,
            "    unless: {{ phrases: {}, reach: {reach}, then: {then} }}",
            list(&written(&unless.phrases.written))
        );
    }
    if !rule.when_subject.is_empty() {
        let phrases = written(&rule.when_subject.written);
        let _ = writeln!(yaml, "    when-subject: {}", list(&phrases));
    }
    if !rule.unless_subject.is_empty() {
        let phrases = written(&rule.unless_subject.written);
        let _ = writeln!(yaml, "    unless-subject: {}", list(&phrases));
    }
    if rule.in_quotes {
        let _ = writeln!(yaml, "    in-quotes: true");
    }
    let _ = writeln!(yaml, "    fix: {}", rule.fix.as_str());
    let bad = phrases.first().map_or("x", String::as_str);
    let _ = writeln!(
        yaml,
        "    examples: {{ bad: [{}], good: [\"ok\"] }}",
        quote(bad)
    );
}

/// A YAML double-quoted scalar (JSON's string syntax is a subset of it).
fn yaml_quote(text: &str) -> String {
    serde_json::to_string(text).expect("strings serialise")
}

fn yaml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| yaml_quote(item)).collect();
    format!("[{}]", quoted.join(", "))
}

fn regex_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Latin words and two-character Chinese words seen in the corpus, for synthetic phrases.
fn word_pools(corpus: &Corpus) -> (Vec<String>, Vec<String>) {
    let mut latin = HashSet::new();
    let mut cjk = HashSet::new();
    for reply in corpus.replies.iter().take(20_000) {
        for word in reply.text.split(|c: char| !c.is_ascii_alphabetic()) {
            if (3..=10).contains(&word.len()) {
                latin.insert(word.to_lowercase());
            }
        }
        let chars: Vec<char> = reply.text.chars().collect();
        for pair in chars.windows(2) {
            if pair.iter().all(|&c| is_cjk(c)) {
                cjk.insert(pair.iter().collect::<String>());
            }
        }
    }
    let mut latin: Vec<String> = latin.into_iter().collect();
    let mut cjk: Vec<String> = cjk.into_iter().collect();
    latin.sort();
    cjk.sort();
    if latin.is_empty() {
        latin.push("please".into());
    }
    if cjk.is_empty() {
        cjk.push("亲亲".into());
    }
    (latin, cjk)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// One measured quantity: the durations of each repetition.
#[derive(Default)]
struct Samples(Vec<Duration>);

impl Samples {
    fn median(&self) -> Duration {
        let mut sorted = self.0.clone();
        sorted.sort();
        sorted[sorted.len() / 2]
    }

    fn secs(&self) -> f64 {
        self.median().as_secs_f64()
    }
}

fn time<T>(samples: &mut Samples, work: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let result = black_box(work());
    samples.0.push(start.elapsed());
    result
}

/// What a check produced, in a form to compare between runs: `(span, rule id)` per finding.
type Findings = Vec<Vec<(usize, usize, String)>>;

fn findings_of(linter: &Linter, sources: &[Source]) -> Findings {
    sources
        .iter()
        .map(|source| {
            linter
                .check(source)
                .into_iter()
                .map(|d| (d.span.start, d.span.end, d.rule.id.to_string()))
                .collect()
        })
        .collect()
}

fn par_findings(pool: &rayon::ThreadPool, linter: &Linter, sources: &[Source]) -> Findings {
    pool.install(|| {
        sources
            .par_iter()
            .map(|source| {
                linter
                    .check(source)
                    .into_iter()
                    .map(|d| (d.span.start, d.span.end, d.rule.id.to_string()))
                    .collect()
            })
            .collect()
    })
}

fn run_suite(
    corpus: &Corpus,
    inputs: &Inputs,
    rules: RuleSet,
    scaled: Scaled,
    rules_origin: &str,
    reps: usize,
) -> ExitCode {
    let large_text = match fs::read_to_string(&inputs.large) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("throughput: {}: {error}", inputs.large.display());
            return ExitCode::FAILURE;
        }
    };
    let large = Source::new(inputs.large.display().to_string(), large_text.clone());
    let small: Vec<Source> = corpus
        .replies
        .iter()
        .cycle()
        .take(SMALL_FILES)
        .enumerate()
        .map(|(index, reply)| Source::new(format!("{index:05}.txt"), format!("{}\n", reply.text)))
        .collect();
    let small_bytes: usize = small.iter().map(|source| source.text.len()).sum();

    let Scaled {
        rules: scaled,
        phrases: synthetic_phrases,
        ..
    } = scaled;
    let phrases = literal_phrases(&rules);
    let patterns = rules
        .rules()
        .filter(|r| r.kind == RuleKind::Pattern)
        .count();
    println!(
        "rules: {} rules ({} literal phrases, {} patterns) from {rules_origin}; scaled set: {} \
         rules ({} literal phrases)",
        rules.len(),
        phrases.len(),
        patterns,
        scaled.len(),
        phrases.len() + synthetic_phrases,
    );

    let build = Instant::now();
    let bare = bare_automaton(&rules);
    let bare_build = build.elapsed();
    let build = Instant::now();
    let linter = Linter::new(rules.clone());
    let linter_build = build.elapsed();
    let bare_scaled = bare_automaton(&scaled);
    let build = Instant::now();
    let linter_scaled = Linter::new(scaled.clone());
    let scaled_build = build.elapsed();
    let matcher = Matcher::new(rules.rules().cloned().collect());
    println!(
        "build: bare automaton {:.2} ms, linter {:.2} ms, scaled linter {:.2} ms",
        ms(bare_build),
        ms(linter_build),
        ms(scaled_build)
    );

    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build();
    let two = rayon::ThreadPoolBuilder::new().num_threads(2).build();
    let (Ok(one), Ok(two)) = (one, two) else {
        eprintln!("throughput: cannot start a thread pool");
        return ExitCode::FAILURE;
    };

    // Every repetition runs every measurement once, so that noise from other work on the
    // machine falls on all of them alike.
    let mut bare_large = Samples::default();
    let mut normalize_large = Samples::default();
    let mut find_large = Samples::default();
    let mut lint_large = Samples::default();
    let mut bare_scaled_large = Samples::default();
    let mut lint_scaled_large = Samples::default();
    let mut bare_small = Samples::default();
    let mut bare_small_2 = Samples::default();
    let mut lint_small_1 = Samples::default();
    let mut lint_small_2 = Samples::default();
    let (mut bare_count, mut diagnostics, mut rule_matches) = (0, 0, 0);
    let (mut scaled_count, mut scaled_diagnostics) = (0, 0);
    let mut order_identical = true;
    let mut small_findings = 0;
    for rep in 0..reps {
        eprint!("\rrepetition {}/{reps}", rep + 1);
        bare_count = time(&mut bare_large, || {
            bare.find_iter(large_text.as_bytes()).count()
        });
        time(&mut normalize_large, || {
            NormalizedText::new(&large_text).text.len()
        });
        rule_matches = time(&mut find_large, || matcher.find(&large_text).len());
        diagnostics = time(&mut lint_large, || linter.check(&large).len());
        scaled_count = time(&mut bare_scaled_large, || {
            bare_scaled.find_iter(large_text.as_bytes()).count()
        });
        scaled_diagnostics = time(&mut lint_scaled_large, || linter_scaled.check(&large).len());
        time(&mut bare_small, || {
            small
                .iter()
                .map(|source| bare.find_iter(source.text.as_bytes()).count())
                .sum::<usize>()
        });
        time(&mut bare_small_2, || {
            two.install(|| {
                small
                    .par_iter()
                    .map(|source| bare.find_iter(source.text.as_bytes()).count())
                    .sum::<usize>()
            })
        });
        let serial = time(&mut lint_small_1, || par_findings(&one, &linter, &small));
        let parallel = time(&mut lint_small_2, || par_findings(&two, &linter, &small));
        order_identical &= serial == parallel;
        if rep == 0 {
            order_identical &= serial == findings_of(&linter, &small);
            small_findings = serial.iter().map(Vec::len).sum();
        }
    }
    eprintln!();

    let large_mb = large_text.len() as f64 / 1e6;
    let small_mb = small_bytes as f64 / 1e6;
    let mut table = String::new();
    let _ = writeln!(
        table,
        "| measurement | median | MB/s (indicative) | ratio | target | verdict |"
    );
    let _ = writeln!(table, "|---|---:|---:|---:|---|---|");
    let mut row =
        |name: &str, samples: &Samples, mb: f64, ratio: &str, target: &str, ok: Option<bool>| {
            let verdict = match ok {
                Some(true) => "pass",
                Some(false) => "MISS",
                None => "",
            };
            let _ = writeln!(
                table,
                "| {name} | {:.1} ms | {:.0} | {ratio} | {target} | {verdict} |",
                samples.secs() * 1e3,
                mb / samples.secs(),
            );
        };
    let throughput = bare_large.secs() / lint_large.secs();
    row(
        "bare scan, large file (baseline)",
        &bare_large,
        large_mb,
        "1.00",
        "",
        None,
    );
    row(
        "normalise only, large file",
        &normalize_large,
        large_mb,
        &format!("{:.2} of bare", bare_large.secs() / normalize_large.secs()),
        "",
        None,
    );
    row(
        "Matcher::find, large file",
        &find_large,
        large_mb,
        &format!("{:.2} of bare", bare_large.secs() / find_large.secs()),
        "",
        None,
    );
    row(
        "Linter::check, large file, 1 thread",
        &lint_large,
        large_mb,
        &format!("{throughput:.2} of bare"),
        ">= 0.50 of bare",
        Some(throughput >= 0.5),
    );
    let scaling = lint_scaled_large.secs() / lint_large.secs();
    row(
        "bare scan, scaled phrases, large file",
        &bare_scaled_large,
        large_mb,
        &format!(
            "{:.2}x bare time",
            bare_scaled_large.secs() / bare_large.secs()
        ),
        "",
        None,
    );
    row(
        &format!("Linter::check, rules x{}, large file", SCALE + 1),
        &lint_scaled_large,
        large_mb,
        &format!("{scaling:.2}x built-in time"),
        "<= 1.5x",
        Some(scaling <= 1.5),
    );
    row(
        "bare scan, 70k replies one by one",
        &bare_small,
        small_mb,
        "1.00",
        "",
        None,
    );
    row(
        "bare scan, 70k replies, 2 threads (control)",
        &bare_small_2,
        small_mb,
        &format!(
            "{:.2}x 1 thread: what this machine allows now",
            bare_small.secs() / bare_small_2.secs()
        ),
        "",
        None,
    );
    row(
        "Linter::check, 70k replies, 1 thread",
        &lint_small_1,
        small_mb,
        &format!("{:.2} of bare", bare_small.secs() / lint_small_1.secs()),
        "",
        None,
    );
    let speedup = lint_small_1.secs() / lint_small_2.secs();
    row(
        "Linter::check, 70k replies, 2 threads",
        &lint_small_2,
        small_mb,
        &format!(
            "{:.2} of bare; {speedup:.2}x 1 thread",
            bare_small.secs() / lint_small_2.secs()
        ),
        ">= 1.7x 1 thread",
        Some(speedup >= 1.7),
    );

    println!(
        "large file: {:.1} MB, {bare_count} bare matches, {rule_matches} rule matches, \
         {diagnostics} diagnostics; scaled: {scaled_count} bare matches, {scaled_diagnostics} \
         diagnostics",
        large_mb
    );
    println!(
        "small replies: {SMALL_FILES} ({small_mb:.1} MB), {small_findings} diagnostics; output \
         order with 2 threads identical to 1 thread: {}",
        if order_identical { "yes" } else { "NO" }
    );
    println!(
        "first check of the large file (includes building the automata on first need): \
         built-in {:.1} ms, rules x{} {:.1} ms",
        ms(lint_large.0[0]),
        SCALE + 1,
        ms(lint_scaled_large.0[0])
    );
    println!("medians of {reps} repetitions, interleaved; ratios are against the bare scan of the same run\n");
    print!("{table}");
    ExitCode::SUCCESS
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}
