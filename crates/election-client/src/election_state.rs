//! The employee's election in progress: the grants they picked and their assumption for
//! the new exercise price. The rules (in `election-core`) decide what those picks mean;
//! this state only records what the employee did, so that a draft restores exactly.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use election_core::disclosure::Acknowledgment;

use crate::drafts::{Draft, DraftStore};

/// The assumed market price on the new grant date until the employee enters their own.
pub const DEFAULT_NEW_PRICE: &str = "1.00";

#[derive(Debug, Clone, PartialEq)]
pub struct ElectionState {
    pub picks: Rc<BTreeSet<String>>,
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
            new_price: self.new_price.clone(),
            acknowledged: (*self.acknowledged).clone(),
            seen_deadline: self.seen_deadline.clone(),
        }
    }

    /// Whether the employee has chosen anything ("Start over" has something to undo).
    pub fn has_choices(&self) -> bool {
        !self.picks.is_empty() || self.new_price != DEFAULT_NEW_PRICE
    }

    /// Whether there is nothing worth keeping (so a stored draft can be removed).
    pub fn is_pristine(&self) -> bool {
        self.picks.is_empty() && self.new_price == DEFAULT_NEW_PRICE && self.acknowledged.is_empty()
    }
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
            Action::StartOver => {
                next.picks = Rc::default();
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
    fn a_storage_failure_is_recorded_once() {
        let s = Rc::new(ElectionState::empty()).reduce(Action::StorageFailed("full".into()));
        let again = s.clone().reduce(Action::StorageFailed("other".into()));
        assert!(Rc::ptr_eq(&s, &again));
    }
}
