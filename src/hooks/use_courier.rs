use std::cell::{Cell, RefCell};
use std::rc::Rc;

use yew::prelude::*;

use election_client::clock::TrustedClock;
pub use election_client::courier::SignRequest;
use election_client::courier::{EntryAction, OutboxView};
use election_client::delivery::DeliveryConfig;
use election_client::host::HostEvents;
use election_client::loading::Loaded;

use crate::platform::courier::{Delivery, StartArgs};
use crate::platform::lazy;
use crate::platform::page;

/// The outbox as shown, and what the employee can ask of it.
#[derive(Clone, PartialEq)]
pub struct CourierHandle {
    pub outbox: OutboxView,
    pub sign: Callback<SignRequest>,
    pub on_entry: Callback<EntryAction>,
    /// Why the courier could not be started (its module did not load), until it is.
    pub unavailable: Option<AttrValue>,
    /// Tries to load and start it again.
    pub on_reload: Callback<()>,
}

type Slot = Rc<RefCell<Option<Rc<dyn Delivery>>>>;

/// How many times the courier's start has been asked for: one more on each "Try again"
/// and each return of the connection after a failed load (a reducer, so that every
/// request counts from the current number, not from the one a callback was made with).
#[derive(Default, PartialEq)]
struct Attempts(u32);

impl Reducible for Attempts {
    type Action = ();
    fn reduce(self: Rc<Self>, (): ()) -> Rc<Self> {
        Rc::new(Attempts(self.0.wrapping_add(1)))
    }
}

/// Runs the courier for this load (not when `active` is false: a preview can submit
/// nothing): it keeps the outbox and sends from it, and stops when the data, the
/// delivery or the component goes. Its code may load after the first render
/// (`platform::lazy`): until then the outbox is "not loaded" and nothing can be signed,
/// and a load that fails is said, with a way to try again (also when the browser says it
/// is online again).
#[hook]
pub fn use_courier(
    data: &Loaded,
    delivery: &DeliveryConfig,
    clock: &TrustedClock,
    active: bool,
) -> CourierHandle {
    let outbox = use_state(OutboxView::default);
    let unavailable = use_state(|| None::<AttrValue>);
    let attempts = use_reducer(Attempts::default);
    let courier: Slot = use_mut_ref(|| None);
    {
        let (outbox, unavailable, slot) = (outbox.setter(), unavailable.setter(), courier.clone());
        let events = use_context::<HostEvents>().unwrap_or_default();
        let clock = clock.clone();
        let deps = (data.clone(), delivery.clone(), active, attempts.0);
        use_effect_with(deps, move |(data, delivery, active, _)| {
            let gone = Rc::new(Cell::new(false));
            if *active {
                let args = StartArgs {
                    offer: data.offer.clone(),
                    holder: data.holder.clone(),
                    config: delivery.clone(),
                    clock,
                    events,
                    notify: Callback::from(move |view| outbox.set(view)),
                };
                let (slot, gone) = (slot.clone(), gone.clone());
                yew::platform::spawn_local(async move {
                    // Not before the page is ready: its code is not the first screen's.
                    page::after_ready().await;
                    if gone.get() {
                        return;
                    }
                    match lazy::start_courier(args).await {
                        // The component went (or the data changed) while it loaded.
                        Ok(c) if gone.get() => c.close(),
                        Ok(c) => {
                            unavailable.set(None);
                            *slot.borrow_mut() = Some(Rc::from(c));
                        }
                        Err(e) if !gone.get() => {
                            unavailable.set(Some(AttrValue::from(e.to_string())))
                        }
                        Err(_) => {}
                    }
                });
            }
            move || {
                gone.set(true);
                if let Some(c) = slot.borrow_mut().take() {
                    c.close();
                }
            }
        });
    }
    let on_reload = {
        let attempts = attempts.dispatcher();
        use_callback((), move |(), _| attempts.dispatch(()))
    };
    // A load that failed is tried again when the connection returns.
    {
        let reload = on_reload.clone();
        use_effect_with(unavailable.is_some(), move |failed| {
            let listener = failed
                .then(|| page::on_online(move || reload.emit(())))
                .flatten();
            move || drop(listener)
        });
    }
    let sign = {
        let courier = courier.clone();
        use_callback((), move |request: SignRequest, _| {
            if let Some(c) = current(&courier) {
                c.sign(request);
            }
        })
    };
    let on_entry = {
        let courier = courier.clone();
        // Carried out by the courier's own code (its module), on the outbox as it last
        // showed it: retrying, and downloading a receipt, an election or a checkpoint,
        // whose serialisation the first screen does not need.
        use_callback((), move |action: EntryAction, _| {
            if let Some(c) = current(&courier) {
                c.act(action);
            }
        })
    };
    CourierHandle {
        outbox: (*outbox).clone(),
        sign,
        on_entry,
        unavailable: (*unavailable).clone(),
        on_reload,
    }
}

fn current(slot: &Slot) -> Option<Rc<dyn Delivery>> {
    slot.borrow().clone()
}
