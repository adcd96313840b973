use yew::prelude::*;

use election_client::clock::{phase, Phase, TrustedClock};
use election_client::host::HostEvents;

/// The offer's phase as the countdown last reported it (the countdown alone ticks), and
/// the callback the countdown reports with. At `Closed` the host hears `offer-expired`.
#[hook]
pub fn use_phase(
    deadline: chrono::DateTime<chrono::FixedOffset>,
    clock: &TrustedClock,
) -> (Phase, Callback<Phase>) {
    let current = {
        let remaining = deadline.timestamp_millis() as f64 - clock.now_ms();
        let initial = phase(remaining, clock.anchor.uncertainty_ms);
        use_state_eq(move || initial)
    };
    let on_phase = {
        let current = current.clone();
        use_callback((), move |p: Phase, _| current.set(p))
    };
    let events = use_context::<HostEvents>().unwrap_or_default();
    let closed = *current == Phase::Closed;
    use_effect_with(closed, move |&closed| {
        if closed {
            events.emit(election_core::HostEvent::OfferExpired {
                deadline: deadline.to_rfc3339(),
            });
        }
    });
    (*current, on_phase)
}
