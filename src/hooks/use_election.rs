use std::ops::Deref;
use std::rc::Rc;

use yew::prelude::*;

use election_client::drafts::Drafts;
use election_client::election_state::{Action, ElectionState};

/// The employee's election in progress as Yew's reducer: the client's
/// [`ElectionState::reduce`], which returns the same state when nothing changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Election(Rc<ElectionState>);

impl Deref for Election {
    type Target = ElectionState;

    fn deref(&self) -> &ElectionState {
        &self.0
    }
}

impl Reducible for Election {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let next = Rc::clone(&self.0).reduce(action);
        if Rc::ptr_eq(&next, &self.0) {
            self
        } else {
            Rc::new(Election(next))
        }
    }
}

/// The election for draft `key`, restored from `drafts` before the first render (so an
/// empty first render can never overwrite a saved draft), and saved on every change:
/// removed when there is nothing to keep. A store that refuses is recorded in the state
/// (the widget says drafts are not being saved).
#[hook]
pub fn use_election(drafts: &Drafts, key: &str) -> UseReducerHandle<Election> {
    let state = {
        let (store, key) = (drafts.clone(), key.to_owned());
        use_reducer(move || Election(Rc::new(ElectionState::restore(&*store.0, &key))))
    };
    let (store, dispatcher, key) = (drafts.clone(), state.dispatcher(), key.to_owned());
    let current = (*state).clone();
    let deps = (
        state.picks.clone(),
        state.parts.clone(),
        state.new_price.clone(),
        state.acknowledged.clone(),
        state.seen_deadline.clone(),
    );
    use_effect_with(deps, move |_| {
        let result = if current.is_pristine() {
            store.0.remove(&key)
        } else {
            current
                .draft()
                .to_json()
                .and_then(|json| store.0.save(&key, &json))
        };
        if let Err(problem) = result {
            dispatcher.dispatch(Action::StorageFailed(problem));
        }
    });
    state
}
