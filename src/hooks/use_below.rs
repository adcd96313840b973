use std::cell::Cell;
use std::rc::Rc;

use yew::prelude::*;

use crate::components::below::BelowCode;
use crate::platform::{lazy, page};

/// The sections below the grants, as far as their code has come.
#[derive(Clone)]
pub enum Below {
    /// Their code is here: render them with it.
    Ready(BelowCode),
    /// Loading, just after the page is ready.
    Loading,
    /// Their module could not be loaded: why, and a way to try again (also tried when
    /// the browser says it is online again).
    Unavailable { on_retry: Callback<()> },
}

/// How many loads have been asked for: one more on each "Try again" and each return of
/// the connection after a failed load (a reducer, so that every request counts from the
/// current number, not from the one a callback was made with).
#[derive(Default, PartialEq)]
struct Attempts(u32);

impl Reducible for Attempts {
    type Action = ();
    fn reduce(self: Rc<Self>, (): ()) -> Rc<Self> {
        Rc::new(Attempts(self.0.wrapping_add(1)))
    }
}

/// The code of the sections below the grants (`components::below`). Where it is a module
/// of its own (the release build) it is fetched once the page is ready, so that it never
/// competes with the first screen; elsewhere it is here from the first render. A module
/// that fails to load is said, and fetched again on "Try again" or when the connection
/// returns; nothing runs after unmount.
#[hook]
pub fn use_below() -> Below {
    let render = use_state(lazy::below_now);
    let failed = use_state_eq(|| false);
    let attempts = use_reducer(Attempts::default);
    {
        let (setter, failed) = (render.setter(), failed.setter());
        let deps = (render.is_some(), attempts.0);
        use_effect_with(deps, move |&(here, _)| {
            let gone = Rc::new(Cell::new(false));
            if !here {
                let gone = gone.clone();
                yew::platform::spawn_local(async move {
                    page::after_ready().await;
                    if gone.get() {
                        return;
                    }
                    let loaded = lazy::load_below().await;
                    if gone.get() {
                        return;
                    }
                    match loaded {
                        Ok(r) => {
                            failed.set(false);
                            setter.set(Some(r));
                        }
                        Err(_) => failed.set(true),
                    }
                });
            }
            move || gone.set(true)
        });
    }
    let on_retry = {
        let attempts = attempts.dispatcher();
        use_callback((), move |(), _| attempts.dispatch(()))
    };
    // A load that failed is tried again when the connection returns.
    {
        let retry = on_retry.clone();
        use_effect_with(*failed, move |failed| {
            let listener = failed
                .then(|| page::on_online(move || retry.emit(())))
                .flatten();
            move || drop(listener)
        });
    }
    match (*render, *failed) {
        (Some(r), _) => Below::Ready(r),
        (None, true) => Below::Unavailable { on_retry },
        (None, false) => Below::Loading,
    }
}
