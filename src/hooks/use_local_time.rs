use std::cell::{Cell, RefCell};
use std::rc::Rc;

use yew::prelude::*;

use crate::platform::{clock::Timeout, page};
use election_client::clock::TrustedClock;

/// How `epoch_ms` (when there is one) reads in the reader's own time zone, or `None`
/// until just after the page is ready: the browser's first date-and-time formatter with
/// a zone name loads its time-zone data (16-23 ms measured here, up to 80 on a slow
/// phone), which must not hold back the first screen. It waits for the ready mark
/// ([`page::after_ready`]) and then for a timer, so the browser paints first: a timer
/// alone is not enough, since Yew's scheduler yields to the browser between effects when
/// a render runs long, and a zero timer then fired before the page was ready. Computed
/// again when the clock or the moment changes; nothing runs after unmount.
#[hook]
pub fn use_local_time(clock: &TrustedClock, epoch_ms: Option<f64>) -> Option<Rc<str>> {
    let local = use_state_eq(|| None::<Rc<str>>);
    {
        let local = local.clone();
        use_effect_with(
            (clock.clone(), epoch_ms.map(f64::to_bits)),
            move |(clock, _)| {
                let gone = Rc::new(Cell::new(false));
                let timer = Rc::new(RefCell::new(None::<Timeout>));
                if let Some(at) = epoch_ms {
                    let (clock, gone, timer) = (clock.clone(), gone.clone(), timer.clone());
                    yew::platform::spawn_local(async move {
                        page::after_ready().await;
                        if gone.get() {
                            return;
                        }
                        *timer.borrow_mut() = Some(Timeout::new(0, move || {
                            let text = clock.local(at);
                            local.set((!text.is_empty()).then(|| Rc::from(text)));
                        }));
                    });
                }
                move || {
                    gone.set(true);
                    timer.borrow_mut().take();
                }
            },
        );
    }
    // No moment, no text (whatever an earlier moment left).
    epoch_ms.and((*local).clone())
}
