//! The rule language end to end: packs using classes, gaps, conditions, quotes and Latvian
//! folding, loaded with the real loader and run through the real engine.

use crate::rules::{load_pack, PackOrigin, RuleError, RuleProblem, RuleSet, Severity};
use crate::Linter;

const ZH_PACK: &str = r#"
pack: t-zh
language: zh
classes:
  you: [你, 您, 你们]
  must: [必须, 务必, 一定要]
  act: [填, 提交, 上传]
  offer: [不过, 但是我可以, 您可以, 我帮您]
  team: [同事, 团队, 技术部]
rules:
  - id: t.command.order
    kind: avoid
    category: command
    severity: warning
    message: m
    why: w
    source: s
    phrases: ["{you}{…3}{must}{…2}{act}"]
    examples: {bad: [您这边务必先填表。], good: [请您先填表。]}
  - id: t.negative.refusal
    kind: avoid
    category: negative
    severity: warning
    message: m
    why: w
    source: s
    phrases: [办不了, 做不到]
    unless:
      phrases: ["{offer}"]
      then: info
    examples: {bad: [这个办不了。], good: [这个可以办。]}
  - id: t.anger.calm-down
    kind: avoid
    category: anger
    severity: warning
    message: m
    why: w
    source: s
    phrases: [冷静一下]
    unless-subject: ["{team}"]
    examples: {bad: [请您冷静一下。], good: [请您放心。]}
"#;

fn linter(pack: &str) -> Linter {
    let pack = load_pack(pack, PackOrigin::File("t.yaml".into())).unwrap();
    let mut rules = RuleSet::default();
    rules.add(pack).unwrap();
    Linter::new(rules)
}

fn findings(linter: &Linter, text: &str) -> Vec<(String, String, Severity)> {
    linter
        .check_text(text)
        .into_iter()
        .map(|found| (found.rule.id.to_string(), found.text, found.severity))
        .collect()
}

#[test]
fn a_sequence_tolerates_inserted_words_within_its_gaps() {
    let linter = linter(ZH_PACK);
    let found = findings(&linter, "您这边务必先填一下表格。");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "您这边务必先填");
    // Traditional script is folded before the classes are looked for.
    assert_eq!(findings(&linter, "您這邊務必先填一下。").len(), 1);
    // Too many words in a gap, or a sentence end inside one, and it is not the same order.
    assert!(findings(&linter, "您好,我们这边的同事务必先填一下").is_empty());
    assert!(findings(&linter, "谢谢您。务必先填表").is_empty());
}

#[test]
fn unless_lowers_a_refusal_that_offers_an_alternative() {
    let linter = linter(ZH_PACK);
    let bare = findings(&linter, "这个办不了。");
    assert_eq!(bare[0].2, Severity::Warning);
    let offered = findings(&linter, "这个办不了,不过我帮您换一个。");
    assert_eq!(offered[0].2, Severity::Info);
    // The next sentence counts too; the one after it does not.
    assert_eq!(
        findings(&linter, "这个办不了。我帮您换一个。")[0].2,
        Severity::Info
    );
    assert_eq!(
        findings(&linter, "这个办不了。抱歉。我帮您换一个。")[0].2,
        Severity::Warning
    );
}

#[test]
fn unless_subject_leaves_words_about_someone_else_alone() {
    let linter = linter(ZH_PACK);
    assert_eq!(findings(&linter, "请您冷静一下。").len(), 1);
    assert!(findings(&linter, "我们的技术部需要冷静一下再排查。").is_empty());
}

#[test]
fn when_subject_requires_the_subject_before_the_match() {
    let pack = ZH_PACK.replace("unless-subject: [\"{team}\"]", "when-subject: [\"{you}\"]");
    let linter = linter(&pack);
    assert_eq!(findings(&linter, "您先冷静一下。").len(), 1);
    assert!(findings(&linter, "大家都冷静一下。").is_empty());
}

#[test]
fn quoted_names_and_titles_are_not_linted_unless_the_rule_asks() {
    let linter = linter(ZH_PACK);
    assert!(findings(&linter, "请下载“冷静一下”这款应用。").is_empty());
    assert!(findings(&linter, "推荐您看《冷静一下》。").is_empty());
    assert_eq!(findings(&linter, "“好的”。请您冷静一下。").len(), 1);
    let asks = ZH_PACK.replace(
        "    phrases: [冷静一下]\n",
        "    phrases: [冷静一下]\n    in-quotes: true\n",
    );
    assert_eq!(
        findings(&self::linter(&asks), "推荐您看《冷静一下》。").len(),
        1
    );
}

#[test]
fn classes_work_inside_patterns() {
    let pack = r#"
pack: t
language: zh
classes:
  you: [你, 您]
rules:
  - id: t.blame.wrong-address
    kind: pattern
    category: blame
    severity: warning
    message: m
    why: w
    source: s
    pattern: '{you}填的(\S{1,6}?)不对'
    rewrite: ["这个${1}好像有点问题"]
    fix: unsafe
    examples: {bad: [您填的地址不对。], good: [地址好像有点问题。]}
"#;
    let linter = linter(pack);
    let found = linter.check_text("您填的地址不对,麻烦改一下。");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].suggestions, ["这个地址好像有点问题"]);
}

#[test]
fn latvian_typed_without_diacritics_matches_like_the_written_form() {
    let pack = r#"
pack: t-lv
language: lv
rules:
  - id: t.blame.you-are-wrong
    kind: avoid
    category: blame
    severity: warning
    message: m
    why: w
    source: s
    phrases: [jūs kļūdāties]
    examples: {bad: [Jūs kļūdāties.], good: [Šeit ir pārpratums.]}
  - id: t.negative.cannot
    kind: pattern
    category: negative
    severity: warning
    message: m
    why: w
    source: s
    pattern: 'mēs nevaram (\S+)'
    rewrite: ["mēs varam ${1}"]
    fix: unsafe
    examples: {bad: [Mēs nevaram palīdzēt.], good: [Mēs varam palīdzēt.]}
"#;
    let linter = linter(pack);
    assert_eq!(findings(&linter, "Jus kludaties, tas nav tiesa.").len(), 1);
    assert_eq!(findings(&linter, "Jūs kļūdāties.").len(), 1);
    assert_eq!(findings(&linter, "Mes nevaram palidzet.").len(), 1);
}

fn load_error(pack: &str) -> RuleError {
    load_pack(pack, PackOrigin::File("t.yaml".into())).unwrap_err()
}

#[test]
fn language_errors_point_at_the_offending_value() {
    let unknown = load_error(&ZH_PACK.replace("{…2}{act}", "{…2}{verb}"));
    assert_eq!(unknown.problem, RuleProblem::UnknownClass("verb".into()));
    assert!(
        unknown
            .to_string()
            .starts_with("t.yaml:18:15: unknown class `{verb}`"),
        "{unknown}"
    );

    let gap = load_error(&ZH_PACK.replace("{…3}", "{…99}"));
    assert!(
        gap.to_string().starts_with("t.yaml:18:15: bad gap `{…99}`"),
        "{gap}"
    );

    let swap = load_error(&ZH_PACK.replacen("kind: avoid", "kind: swap", 1));
    assert_eq!(swap.problem, RuleProblem::GapNeedsAvoid);

    let severity = load_error(&ZH_PACK.replace("then: info", "then: warning"));
    assert!(
        severity
            .to_string()
            .starts_with("t.yaml:30:13: `unless.then` must be a severity below"),
        "{severity}"
    );

    let member = load_error(&ZH_PACK.replace("[同事, 团队, 技术部]", "[同事, \"{you}\"]"));
    assert_eq!(
        member.problem,
        RuleProblem::MemberNotLiteral("{you}".into())
    );
}

#[test]
fn word_marks_keep_a_phrase_from_splitting_a_chinese_word() {
    let pack = r#"
pack: t
language: zh
classes:
  you: [你, 您]
rules:
  - id: t.command.you-de
    kind: avoid
    category: command
    severity: warning
    message: m
    why: w
    source: s
    phrases: ["{you}|得|先", "|积分|清零"]
    examples: {bad: [你得先填表。], good: [请您先填表。]}
"#;
    let linter = linter(pack);
    assert_eq!(findings(&linter, "你得先填表。").len(), 1);
    assert_eq!(findings(&linter, "您的积分清零了。").len(), 1);
    // 累积 / 分 / … : 积分 is not a word here.
    assert!(findings(&linter, "累积分清零").is_empty());
    let rule = &linter.rules().rules().next().unwrap().word_breaks;
    assert_eq!(&*rule[0].key, "你得先");
    assert_eq!(&*rule[0].at, &[3, 6]);
}
