use std::rc::Rc;

use yew::prelude::*;

use election_client::clock::TrustedClock;

/// How `epoch_ms` (when there is one) reads in the reader's own time zone, or `None`
/// until just after the first render: the browser's first date-and-time formatter with a
/// zone name loads its time-zone data (some 20-80 ms), which must not hold back the first
/// screen. Computed again when the clock or the moment changes; the timer is cancelled on
/// unmount.
#[hook]
pub fn use_local_time(clock: &TrustedClock, epoch_ms: Option<f64>) -> Option<Rc<str>> {
    let local = use_state_eq(|| None::<Rc<str>>);
    {
        let local = local.clone();
        use_effect_with(
            (clock.clone(), epoch_ms.map(f64::to_bits)),
            move |(clock, _)| {
                let clock = clock.clone();
                let timer = epoch_ms.map(|at| {
                    crate::platform::clock::Timeout::new(0, move || {
                        let text = clock.local(at);
                        local.set((!text.is_empty()).then(|| Rc::from(text)));
                    })
                });
                move || drop(timer)
            },
        );
    }
    // No moment, no text (whatever an earlier moment left).
    epoch_ms.and((*local).clone())
}
