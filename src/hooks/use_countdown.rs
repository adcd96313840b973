use std::cell::{Cell, RefCell};
use std::rc::Rc;

use yew::prelude::*;

use election_client::clock::{next_tick_ms, phase, Phase, Remaining, TrustedClock};

use crate::platform::clock::Timeout;
use crate::platform::page;

/// The countdown's ticks, each second in the last day and each minute before: each
/// writes the time left into `time`'s text and nothing else, so a tick costs one text
/// change, never a render. Only a change of phase (what this returns) renders. The time
/// is recomputed from the trusted clock on each tick (never counted down, so a throttled
/// background tab is right the moment it wakes), at once when the clock is re-anchored
/// or the tab is shown again, and no more once the offer is closed. Each timed tick is
/// measured for `make bench` (`election-widget:tick`).
#[hook]
pub fn use_countdown(time: &NodeRef, clock: &TrustedClock, deadline_ms: f64) -> Phase {
    let current = {
        let clock = clock.clone();
        use_state_eq(move || phase(deadline_ms - clock.now_ms(), clock.anchor.uncertainty_ms))
    };
    {
        let (time, setter) = (time.clone(), current.setter());
        use_effect_with((clock.clone(), deadline_ms), move |(clock, deadline_ms)| {
            let ticks = Ticks {
                time,
                clock: clock.clone(),
                deadline_ms: *deadline_ms,
                phase: setter,
                timer: Rc::default(),
                gone: Rc::default(),
            };
            ticks.tick(false);
            let on_visible = {
                let ticks = ticks.clone();
                page::on_visible(move || ticks.tick(false))
            };
            move || {
                drop(on_visible);
                ticks.gone.set(true);
                // The pending timer holds a copy of `ticks`: taking it ends the cycle.
                ticks.timer.borrow_mut().take();
            }
        });
    }
    *current
}

#[derive(Clone)]
struct Ticks {
    time: NodeRef,
    clock: TrustedClock,
    deadline_ms: f64,
    phase: UseStateSetter<Phase>,
    timer: Rc<RefCell<Option<Timeout>>>,
    /// The component went, or the clock changed: no further tick.
    gone: Rc<Cell<bool>>,
}

impl Ticks {
    /// One tick: the time left written, the phase told (it renders only when it changed),
    /// the next tick armed.
    fn tick(&self, timed: bool) {
        let started = timed.then(page::now).flatten();
        let remaining = self.deadline_ms - self.clock.now_ms();
        let now = phase(remaining, self.clock.anchor.uncertainty_ms);
        page::set_text(&self.time, &Remaining(remaining).to_string());
        if let Some(start) = started {
            page::measure_tick(start);
        }
        self.phase.set(now);
        let next = (now != Phase::Closed).then(|| next_tick_ms(remaining));
        let ticks = self.clone();
        // Armed once this call has returned: the timer that called it is replaced (and
        // dropped) then, never while it runs.
        yew::platform::spawn_local(async move {
            if ticks.gone.get() {
                return;
            }
            let timer = next.map(|wait| {
                let again = ticks.clone();
                Timeout::new(wait, move || again.tick(true))
            });
            *ticks.timer.borrow_mut() = timer;
        });
    }
}
