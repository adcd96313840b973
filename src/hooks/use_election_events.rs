use yew::prelude::*;

use election_client::host::HostEvents;

use super::use_effect_on_change;
use super::use_election::Election;

/// Tells the host what the employee changes: `draft-changed` (picks and acknowledgments)
/// and `acknowledgment-changed`; not the draft restored on arrival, nor the widget's own
/// bookkeeping such as the deadline last seen.
#[hook]
pub fn use_election_events(state: &Election, offer_id: &str, employee_id: &str) {
    let events = use_context::<HostEvents>().unwrap_or_default();
    {
        let events = events.clone();
        let (offer_id, employee_id) = (offer_id.to_owned(), employee_id.to_owned());
        use_effect_on_change(
            (state.picks.clone(), state.acknowledged.clone()),
            move |(picks, acknowledged)| {
                events.emit(election_core::HostEvent::DraftChanged {
                    offer_id: offer_id.clone(),
                    employee_id: employee_id.clone(),
                    picked: picks.iter().cloned().collect(),
                    acknowledged: acknowledged.keys().cloned().collect(),
                })
            },
        );
    }
    use_effect_on_change(state.acknowledged.clone(), move |acknowledged| {
        events.emit(election_core::HostEvent::AcknowledgmentChanged {
            acknowledged: acknowledged
                .values()
                .map(|a| election_core::host_event::Acknowledged {
                    document_id: a.document_id.clone(),
                    digest: a.digest.clone(),
                })
                .collect(),
        })
    });
}
