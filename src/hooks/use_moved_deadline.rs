use yew::prelude::*;

use election_client::election_state::Action;

use super::use_election::Election;

/// Whether the deadline moved since the employee last looked: `Some(true)` extended,
/// `Some(false)` changed otherwise, said once, on this visit. The deadline now shown is
/// recorded as seen.
#[hook]
pub fn use_moved_deadline(
    state: &UseReducerHandle<Election>,
    deadline: chrono::DateTime<chrono::FixedOffset>,
) -> Option<bool> {
    let moved = {
        let seen = state.seen_deadline.clone();
        use_state(move || {
            seen.and_then(|s| chrono::DateTime::parse_from_rfc3339(&s).ok())
                .filter(|before| *before != deadline)
                .map(|before| deadline > before)
        })
    };
    let dispatcher = state.dispatcher();
    use_effect_with(deadline.to_rfc3339(), move |d| {
        dispatcher.dispatch(Action::SawDeadline(d.clone()))
    });
    *moved
}
