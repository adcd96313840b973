//! The employee's election in progress: the grants they picked and their assumption for
//! the new exercise price. The rules (in `election-core`) decide what those picks mean;
//! this state only records what the employee did, so that a draft restores exactly.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use election_core::disclosure::Acknowledgment;
use election_core::display::Style;
use election_core::{Chosen, PartProblem, Portion, TenderRules};

use crate::drafts::{Draft, DraftStore};

/// The assumed market price on the new grant date until the employee enters their own.
pub const DEFAULT_NEW_PRICE: &str = "1.00";

#[derive(Debug, Clone, PartialEq)]
pub struct ElectionState {
    pub picks: Rc<BTreeSet<String>>,
    /// Where the offer takes part of a grant: how many options of a grant to tender, as
    /// typed (read by [`ElectionState::parts`]).
    pub parts: Rc<BTreeMap<String, String>>,
    /// The new exercise price as typed (checked where it is used).
    pub new_price: String,
    /// Documents acknowledged, by id, each as it stood when acknowledged.
    pub acknowledged: Rc<BTreeMap<String, Acknowledgment>>,
    /// The deadline (RFC 3339) the employee last saw, from the draft.
    pub seen_deadline: Option<String>,
    /// Why drafts are not being saved, when they are not.
    pub storage_problem: Option<String>,
    /// A draft was found but could not be read, and was set aside.
    pub draft_unreadable: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Pick a grant that is not being exchanged, or unpick one that is.
    Toggle(Rc<str>),
    /// Pick every grant in the list.
    PickAll(Vec<String>),
    /// Forget every pick and assumption (acknowledgments stay: they record what was read).
    StartOver,
    /// The options to tender of a grant, as typed.
    SetPart(Rc<str>, String),
    /// Record (Some) or withdraw (None) the acknowledgment of the document with this id.
    Acknowledge(String, Option<Acknowledgment>),
    /// The employee has now seen this deadline (RFC 3339).
    SawDeadline(String),
    SetNewPrice(String),
    StorageFailed(String),
}

impl ElectionState {
    fn empty() -> Self {
        ElectionState {
            picks: Rc::default(),
            parts: Rc::default(),
            new_price: DEFAULT_NEW_PRICE.to_owned(),
            acknowledged: Rc::default(),
            seen_deadline: None,
            storage_problem: None,
            draft_unreadable: false,
        }
    }

    /// The state a page opens with: the saved draft for `key`, if there is a readable one.
    pub fn restore(store: &dyn DraftStore, key: &str) -> Self {
        let mut state = Self::empty();
        match store.load(key) {
            Err(problem) => state.storage_problem = Some(problem),
            Ok(None) => {}
            Ok(Some(text)) => match Draft::from_json(&text) {
                Some(draft) => {
                    state.picks = Rc::new(draft.picks);
                    state.parts = Rc::new(draft.parts);
                    state.acknowledged = Rc::new(draft.acknowledged);
                    state.seen_deadline = draft.seen_deadline;
                    if !draft.new_price.trim().is_empty() {
                        state.new_price = draft.new_price;
                    }
                }
                None => state.draft_unreadable = true,
            },
        }
        state
    }

    pub fn draft(&self) -> Draft {
        Draft {
            picks: (*self.picks).clone(),
            parts: (*self.parts).clone(),
            new_price: self.new_price.clone(),
            acknowledged: (*self.acknowledged).clone(),
            seen_deadline: self.seen_deadline.clone(),
        }
    }

    /// Whether the employee has chosen anything ("Start over" has something to undo).
    pub fn has_choices(&self) -> bool {
        !self.picks.is_empty() || self.has_parts() || self.new_price != DEFAULT_NEW_PRICE
    }

    /// Whether a part was typed for any grant.
    fn has_parts(&self) -> bool {
        !self.parts.is_empty()
    }

    /// Whether there is nothing worth keeping (so a stored draft can be removed).
    pub fn is_pristine(&self) -> bool {
        self.picks.is_empty()
            && !self.has_parts()
            && self.new_price == DEFAULT_NEW_PRICE
            && self.acknowledged.is_empty()
    }

    /// The part typed for grant `id` as a number, for the rules
    /// (`election_core::resolve_with_parts`), read with the reader's grouping separator.
    /// A part that is not a whole number counts as 0 options, which the rules refuse by
    /// name, so that nothing is signed until it is corrected ([`read_part`] says why).
    pub fn part(&self, id: &str, grouping: char) -> Option<u64> {
        self.parts
            .get(id)
            .map(|typed| read_part(typed, grouping).unwrap_or(0))
    }

    /// What was chosen for grant `id` beyond the whole grant, for the rules
    /// (`election_core::resolve_with`): where the offer takes portions (`portions`), the
    /// vested or the unvested options (kept as `vested`, `unvested`); else the part typed.
    pub fn chosen(&self, id: &str, grouping: char, portions: bool) -> Option<Chosen> {
        if !portions {
            return self.part(id, grouping).map(Chosen::Options);
        }
        match self.parts.get(id).map(String::as_str) {
            Some("vested") => Some(Chosen::Portion(Portion::Vested)),
            Some("unvested") => Some(Chosen::Portion(Portion::Unvested)),
            _ => None,
        }
    }
}

/// A number of options as a person types it: digits, with the reader's grouping
/// separator (`,` in English, `.` in German) or spaces between groups ("1,500"). Anything
/// else is refused with the reason in words.
pub fn read_part(typed: &str, grouping: char) -> Result<u64, String> {
    let digits: String = typed
        .trim()
        .chars()
        .filter(|&c| c != grouping && !c.is_whitespace())
        .collect();
    if digits.is_empty() {
        return Err("Enter how many options to exchange.".to_owned());
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "“{}” is not a whole number of options.",
            typed.trim().chars().take(40).collect::<String>()
        ));
    }
    digits
        .parse()
        .map_err(|_| format!("{} is more options than any grant holds.", typed.trim()))
}

/// What is wrong with a part typed for a grant of `outstanding` options, in words for the
/// row (the rules' own wording is in the list before signing); `None` when the offer
/// takes it.
pub fn part_problem(
    rules: &TenderRules,
    outstanding: u64,
    typed: &str,
    style: &dyn Style,
) -> Option<String> {
    let n = match read_part(typed, style.separators().1) {
        Ok(n) => n,
        Err(why) => return Some(why),
    };
    if n == 0 {
        return Some("Enter at least 1 option, or untick the grant to keep it.".to_owned());
    }
    if n > outstanding {
        return Some(format!(
            "The grant has {} outstanding.",
            style.plural(outstanding, "option", "options")
        ));
    }
    Some(match rules.part_problem(n, outstanding)? {
        PartProblem::WholeGrantOnly => "This offer takes whole grants only.".to_owned(),
        PartProblem::BelowMinimum(m) => format!(
            "Part of a grant must be at least {}, or the whole grant.",
            style.plural(m, "option", "options")
        ),
        PartProblem::NotInIncrements(i) => format!(
            "Part of a grant must be a multiple of {}, or the whole grant.",
            style.plural(i, "option", "options")
        ),
    })
}

impl ElectionState {
    /// The state after `action`: the same `Rc` when nothing changed, so a component
    /// holding it does not re-render (the widget's `use_election` hook runs this as
    /// Yew's reducer).
    pub fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Toggle(id) => {
                let picks = Rc::make_mut(&mut next.picks);
                if !picks.remove(&*id) {
                    picks.insert(id.to_string());
                }
            }
            Action::PickAll(ids) => Rc::make_mut(&mut next.picks).extend(ids),
            // An emptied box is kept as typed (nothing is signed until it holds a number;
            // a map's removal would also be 3 KB of the first screen's code).
            Action::SetPart(id, typed) => {
                Rc::make_mut(&mut next.parts).insert(id.to_string(), typed);
            }
            Action::StartOver => {
                next.picks = Rc::default();
                next.parts = Rc::default();
                next.new_price = DEFAULT_NEW_PRICE.to_owned();
                next.draft_unreadable = false;
            }
            Action::SetNewPrice(price) => next.new_price = price,
            Action::Acknowledge(id, ack) => {
                let acks = Rc::make_mut(&mut next.acknowledged);
                match ack {
                    Some(ack) => acks.insert(id, ack),
                    None => acks.remove(&id),
                };
            }
            Action::SawDeadline(deadline) => {
                if self.seen_deadline.as_deref() == Some(deadline.as_str()) {
                    return self;
                }
                next.seen_deadline = Some(deadline);
            }
            Action::StorageFailed(problem) => {
                if self.storage_problem.is_some() {
                    return self;
                }
                next.storage_problem = Some(problem);
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drafts::{Drafts, MemoryStore};

    #[test]
    fn toggling_and_starting_over() {
        let s = Rc::new(ElectionState::empty());
        let s = s.reduce(Action::Toggle("A".into()));
        let s = s.reduce(Action::Toggle("B".into()));
        let s = s.reduce(Action::Toggle("A".into()));
        assert_eq!(s.picks.iter().collect::<Vec<_>>(), ["B"]);
        let s = s.reduce(Action::SetNewPrice("2.50".into()));
        assert!(!s.is_pristine());
        let s = s.reduce(Action::StartOver);
        assert!(s.is_pristine());
    }

    #[test]
    fn restoring_drafts() {
        let store = MemoryStore::default();
        let draft = Draft {
            picks: ["X".to_owned()].into_iter().collect(),
            parts: [("X".to_owned(), "1,500".to_owned())].into_iter().collect(),
            new_price: "0.75".into(),
            acknowledged: BTreeMap::new(),
            seen_deadline: None,
        };
        store.save("k", &draft.to_json().expect("json")).unwrap();
        assert_eq!(ElectionState::restore(&store, "k").draft(), draft);
        store.save("k", "{broken").unwrap();
        let s = ElectionState::restore(&store, "k");
        assert!(s.draft_unreadable && s.picks.is_empty());
        let s = ElectionState::restore(&*Drafts::unavailable("private mode").0, "k");
        assert_eq!(s.storage_problem.as_deref(), Some("private mode"));
    }

    #[test]
    fn parts_as_typed_and_as_numbers() {
        let s = Rc::new(ElectionState::empty());
        let s = s.reduce(Action::SetPart("A".into(), "1,500".into()));
        let s = s.reduce(Action::SetPart("B".into(), "lots".into()));
        assert!(s.has_choices() && !s.is_pristine());
        assert_eq!(
            (s.part("A", ','), s.part("B", ','), s.part("C", ',')),
            (Some(1500), Some(0), None)
        );
        // An emptied box is no options, which the rules refuse, until a number is typed.
        let s = s.reduce(Action::SetPart("A".into(), " ".into()));
        assert_eq!(s.part("A", ','), Some(0));
        let s = s.reduce(Action::StartOver);
        assert!(s.parts.is_empty());
        assert_eq!(read_part(" 2 000 ", ','), Ok(2000));
        assert_eq!(read_part("1\u{202f}250", ','), Ok(1250));
        assert_eq!(read_part("1.250", '.'), Ok(1250));
        assert!(read_part("", ',').unwrap_err().contains("how many"));
        assert!(read_part("1.5", ',')
            .unwrap_err()
            .contains("“1.5” is not a whole number"));
        assert!(read_part("-3", ',').is_err());
        assert!(read_part("99999999999999999999999", ',')
            .unwrap_err()
            .contains("more options"));
    }

    #[test]
    fn what_is_wrong_with_a_part() {
        use election_core::display::UsEnglish;
        use election_core::{PartialTender, Source};
        let rules = TenderRules {
            source: Source::Illustrative,
            summary: String::new(),
            whole_grant: false,
            partial: PartialTender {
                minimum: 100,
                increment: 50,
            },
            all_grants_at_same_price: false,
            portions: false,
        };
        let problem = |typed: &str| part_problem(&rules, 1_030, typed, &UsEnglish);
        assert_eq!(problem("150"), None);
        assert_eq!(
            problem("1,030"),
            None,
            "the whole grant, though not in steps of 50"
        );
        assert!(problem("50").unwrap().contains("at least 100 options"));
        assert!(problem("120").unwrap().contains("multiple of 50 options"));
        assert!(problem("0").unwrap().contains("untick"));
        assert!(problem("2,000")
            .unwrap()
            .contains("1,030 options outstanding"));
        assert!(problem("ten").unwrap().contains("not a whole number"));
        let whole = TenderRules {
            whole_grant: true,
            ..rules
        };
        assert!(part_problem(&whole, 1_030, "100", &UsEnglish)
            .unwrap()
            .contains("whole grants only"));
    }

    #[test]
    fn a_draft_from_before_parts_is_read() {
        let draft = Draft::from_json(r#"{"picks":["A"],"new_price":"2"}"#).expect("read");
        assert!(draft.parts.is_empty());
        // And a draft without parts is written as before.
        assert!(!draft.to_json().expect("json").contains("parts"));
    }

    #[test]
    fn a_storage_failure_is_recorded_once() {
        let s = Rc::new(ElectionState::empty()).reduce(Action::StorageFailed("full".into()));
        let again = s.clone().reduce(Action::StorageFailed("other".into()));
        assert!(Rc::ptr_eq(&s, &again));
    }
}
