use yew::prelude::*;

use election_client::clock::{next_minute_ms, phase, Phase, TrustedClock};

use crate::platform::page;

/// The trusted clock's time now, for a display of the time left to `deadline_ms` in
/// minutes ([`election_client::clock::Left`]): recomputed from the clock each minute
/// (never by counting down, so a throttled background tab is right the moment it wakes),
/// never once closed; at once when the clock is re-anchored or the tab is shown again.
/// (The countdown's own ticks, each second in the last day, write their text without a
/// render: `use_countdown`.)
#[hook]
pub fn use_now(clock: &TrustedClock, deadline_ms: f64) -> f64 {
    let now = use_state(|| clock.now_ms());
    {
        let now = now.clone();
        use_effect_with(clock.clone(), move |clock| now.set(clock.now_ms()));
    }
    let remaining = deadline_ms - *now;
    let current = phase(remaining, clock.anchor.uncertainty_ms);
    {
        let (now, clock) = (now.clone(), clock.clone());
        use_effect_with((*now, current), move |&(_, current)| {
            let timer = (current != Phase::Closed).then(|| {
                crate::platform::clock::Timeout::new(next_minute_ms(remaining), move || {
                    now.set(clock.now_ms())
                })
            });
            move || drop(timer)
        });
    }
    {
        let (now, clock) = (now.clone(), clock.clone());
        use_effect_with(clock.clone(), move |_| {
            let listener = page::on_visible(move || now.set(clock.now_ms()));
            move || drop(listener)
        });
    }
    *now
}
