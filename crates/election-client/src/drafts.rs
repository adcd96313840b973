//! Drafts of an election in progress, kept per offer and employee so that a reload does
//! not lose them. Storage is behind [`DraftStore`]: the browser's localStorage in the page,
//! memory in tests. Where storage is refused (private mode, quota, policy) the widget
//! keeps working and says drafts are not being saved.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use election_core::disclosure::Acknowledgment;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

/// Why storage could not be used, in words for the employee.
pub type StoreError = String;

pub trait DraftStore {
    fn load(&self, key: &str) -> Result<Option<String>, StoreError>;
    fn save(&self, key: &str, value: &str) -> Result<(), StoreError>;
    fn remove(&self, key: &str) -> Result<(), StoreError>;
}

/// A shared handle to a store, compared by identity (for component props).
#[derive(Clone)]
pub struct Drafts(pub Rc<dyn DraftStore>);

impl PartialEq for Drafts {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for Drafts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Drafts")
    }
}

impl Drafts {
    pub fn memory() -> Self {
        Drafts(Rc::new(MemoryStore::default()))
    }

    /// A store that refuses everything, as a browser in a locked-down mode does.
    pub fn unavailable(reason: &str) -> Self {
        Drafts(Rc::new(Unavailable(reason.to_owned())))
    }
}

/// The storage key for a draft: one per offer and employee.
pub fn key(offer_id: &str, employee_id: &str) -> String {
    format!("election-widget:draft:v1:{offer_id}:{employee_id}")
}

/// What a draft keeps: the grants the employee picked (the rules add the rest again), how
/// many options of a grant where they chose part of it, their assumption for the new exercise price, and the documents they acknowledged (each
/// with the digest of the text as it stood).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub picks: BTreeSet<String>,
    /// Where the offer takes part of a grant: the options to tender, as typed, by grant.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parts: BTreeMap<String, String>,
    pub new_price: String,
    #[serde(default)]
    pub acknowledged: BTreeMap<String, Acknowledgment>,
    /// The deadline (RFC 3339) the employee last saw, to tell them when it moves.
    #[serde(default)]
    pub seen_deadline: Option<String>,
}

impl Draft {
    /// The draft as JSON; a draft that cannot be written is an error (the stored draft is
    /// then left as it was, never replaced by an empty one).
    pub fn to_json(&self) -> Result<String, StoreError> {
        crate::delivery::to_json("this draft", self)
    }

    /// A stored draft; anything unreadable (another version, a hand edit) is `None`.
    pub fn from_json(text: &str) -> Option<Draft> {
        // `from_slice` shares the parser instantiation the loader and canonicaliser use.
        serde_json::from_slice(text.as_bytes()).ok()
    }
}

#[derive(Default)]
pub struct MemoryStore(RefCell<HashMap<String, String>>);

impl DraftStore for MemoryStore {
    fn load(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.0.borrow().get(key).cloned())
    }
    fn save(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.0.borrow_mut().insert(key.to_owned(), value.to_owned());
        Ok(())
    }
    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.0.borrow_mut().remove(key);
        Ok(())
    }
}

pub struct Unavailable(String);

impl DraftStore for Unavailable {
    fn load(&self, _: &str) -> Result<Option<String>, StoreError> {
        Err(self.0.clone())
    }
    fn save(&self, _: &str, _: &str) -> Result<(), StoreError> {
        Err(self.0.clone())
    }
    fn remove(&self, _: &str) -> Result<(), StoreError> {
        Err(self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_round_trip_and_bad_ones_are_set_aside() {
        let draft = Draft {
            picks: ["A".to_owned(), "B".to_owned()].into_iter().collect(),
            parts: Default::default(),
            new_price: "1.25".into(),
            acknowledged: BTreeMap::new(),
            seen_deadline: Some("2001-09-27T23:59:00-04:00".into()),
        };
        // Drafts saved before acknowledgments existed still read.
        assert!(Draft::from_json(r#"{"picks":["A"],"new_price":"2"}"#).is_some());
        assert_eq!(
            Draft::from_json(&draft.to_json().expect("json")),
            Some(draft)
        );
        assert_eq!(Draft::from_json("{\"picks\": 3}"), None);
        assert_eq!(Draft::from_json("not json"), None);
        assert_eq!(key("o", "e"), "election-widget:draft:v1:o:e");
    }

    #[test]
    fn stores() {
        let m = Drafts::memory();
        m.0.save("k", "v").unwrap();
        assert_eq!(m.0.load("k").unwrap().as_deref(), Some("v"));
        m.0.remove("k").unwrap();
        assert_eq!(m.0.load("k").unwrap(), None);
        assert!(Drafts::unavailable("no").0.load("k").is_err());
        assert_ne!(Drafts::memory(), Drafts::memory());
        assert_eq!(m, m.clone());
    }
}
