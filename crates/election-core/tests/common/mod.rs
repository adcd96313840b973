//! What several of the core's test files share: a problem looked up by its path, and a
//! fictional holder of given grants. (Not every file uses all of it.)
#![allow(dead_code)]

use election_core::{Grant, Holder, Problem};

/// Asserts that a problem at `path` (a JSON path, `$.terms.…`) says `words`, among others.
pub fn assert_problem(problems: &[Problem], path: &str, words: &str) {
    assert!(
        problems
            .iter()
            .any(|p| p.path.to_string() == path && p.message.contains(words)),
        "no problem at {path} saying {words:?} in {problems:#?}"
    );
}

/// A fictional employee of Mpower's offer holding `grants`.
pub fn sample_holder(grants: Vec<Grant>) -> Holder {
    Holder {
        offer_id: "mpower-2001-option-exchange".into(),
        illustrative: true,
        employee: election_core::Employee {
            id: "E-9".into(),
            name: "Sam Sample".into(),
            ..Default::default()
        },
        grants,
    }
}
