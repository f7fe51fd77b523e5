//! The built-in rubrics, one per language, from the seed documents: `rubrics/<language>.yaml`,
//! embedded in the binary and parsed when grading starts (a few milliseconds, once per run).

use super::rubric::{load_rubric, Rubric, RubricError};

/// How built-in rubrics are named in messages: `<builtin>/rubrics/zh.yaml`.
pub const ORIGIN_PREFIX: &str = "<builtin>/rubrics/";

/// `(file name, text)` of every built-in rubric.
pub const FILES: &[(&str, &str)] = &[
    ("zh.yaml", include_str!("../../rubrics/zh.yaml")),
    ("en.yaml", include_str!("../../rubrics/en.yaml")),
    ("lv.yaml", include_str!("../../rubrics/lv.yaml")),
];

/// The built-in rubrics, parsed.
pub fn rubrics() -> Result<Vec<Rubric>, RubricError> {
    FILES
        .iter()
        .map(|(name, text)| load_rubric(text, &format!("{ORIGIN_PREFIX}{name}")))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_builtin_rubric_loads() {
        let rubrics = super::rubrics().unwrap_or_else(|error| panic!("{error}"));
        let languages: Vec<&str> = rubrics.iter().map(|r| r.language.as_str()).collect();
        assert_eq!(languages, ["zh", "en", "lv"]);
    }

    #[test]
    fn builtin_rubrics_pass_their_own_examples() {
        use crate::grade::Grader;
        use crate::{Linter, Session, Settings};
        let session = Session::new(Linter::builtin().unwrap(), Settings::default());
        let grader = Grader::builtin(session.default_profile().unwrap().linter.rules())
            .unwrap_or_else(|error| panic!("{error}"));
        let mut failures = Vec::new();
        let mut examples = 0;
        for rubric in grader.rubrics() {
            let test = grader.test_rubric(&session, rubric).unwrap();
            examples += test.examples;
            failures.extend(test.failures);
        }
        assert!(examples > 30, "only {examples} examples checked");
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
