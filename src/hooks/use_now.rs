use yew::prelude::*;

use election_client::clock::{next_minute_ms, next_tick_ms, phase, Phase, TrustedClock};

use crate::platform::page;

/// How often a display of the time left changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    /// The countdown's: each second in the last day, each minute before. Its ticks are
    /// the ones `make bench` times.
    Tick,
    /// Each minute of the time left ([`election_client::clock::Left`]).
    Minute,
}

/// The trusted clock's time now, for a display of the time left to `deadline_ms`:
/// recomputed from the clock on each tick (never by counting down, so a throttled
/// background tab is right the moment it wakes), as often as `every` says, never once
/// closed; at once when the clock is re-anchored or the tab is shown again.
#[hook]
pub fn use_now(clock: &TrustedClock, deadline_ms: f64, every: Every) -> f64 {
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
                let wait = match every {
                    Every::Tick => next_tick_ms(remaining),
                    Every::Minute => next_minute_ms(remaining),
                };
                crate::platform::clock::Timeout::new(wait, move || {
                    if every == Every::Tick {
                        page::mark(page::TICK_MARK);
                    }
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
    use_effect_with(*now, move |_| {
        if every == Every::Tick {
            page::measure_tick();
        }
    });
    *now
}
