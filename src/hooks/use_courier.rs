use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use election_client::clock::TrustedClock;
use election_client::courier::OutboxView;
pub use election_client::courier::SignRequest;
use election_client::delivery::{self, DeliveryConfig};
use election_client::host::HostEvents;
use election_client::loading::Loaded;

use crate::components::outbox::EntryAction;
use crate::platform::courier::Courier;
use crate::platform::files;

/// The outbox as shown, and what the employee can ask of it.
#[derive(Clone, PartialEq)]
pub struct CourierHandle {
    pub outbox: OutboxView,
    pub sign: Callback<SignRequest>,
    pub on_entry: Callback<EntryAction>,
}

/// Runs the courier for this load (not when `active` is false: a preview can submit
/// nothing): it keeps the outbox and sends from it, and stops when the data, the
/// delivery or the component goes.
#[hook]
pub fn use_courier(
    data: &Loaded,
    delivery: &DeliveryConfig,
    clock: &TrustedClock,
    active: bool,
) -> CourierHandle {
    let outbox = use_state(OutboxView::default);
    let courier = use_mut_ref(|| None::<Rc<Courier>>);
    {
        let (outbox, slot) = (outbox.setter(), courier.clone());
        let events = use_context::<HostEvents>().unwrap_or_default();
        let clock = clock.clone();
        let deps = (data.clone(), delivery.clone(), active);
        use_effect_with(deps, move |(data, delivery, active)| {
            let c = active.then(|| {
                Courier::start(
                    &data.offer,
                    &data.holder,
                    delivery.clone(),
                    clock,
                    events,
                    Callback::from(move |view| outbox.set(view)),
                )
            });
            *slot.borrow_mut() = c.clone();
            move || {
                if let Some(c) = c {
                    c.close();
                }
            }
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
        let view = (*outbox).clone();
        let courier = courier.clone();
        use_callback(view, move |action: EntryAction, view| {
            entry_action(&courier, view, action)
        })
    };
    CourierHandle {
        outbox: (*outbox).clone(),
        sign,
        on_entry,
    }
}

fn current(slot: &Rc<RefCell<Option<Rc<Courier>>>>) -> Option<Rc<Courier>> {
    slot.borrow().clone()
}

fn entry_action(
    courier: &Rc<RefCell<Option<Rc<Courier>>>>,
    view: &OutboxView,
    action: EntryAction,
) {
    let find = |key: &str| view.entries.iter().find(|e| e.key() == key).cloned();
    match action {
        EntryAction::Retry(key) => {
            if let Some(c) = current(courier) {
                c.retry(&key);
            }
        }
        EntryAction::DownloadReceipt(key) => {
            if let Some(e) = find(&key) {
                if let Some(r) = e.receipt() {
                    download_json(
                        &delivery::file_name("receipt", e.payload()),
                        "the receipt",
                        r,
                    );
                }
            }
        }
        EntryAction::DownloadCheckpoint => {
            if let Some(cp) = &view.checkpoint {
                let c = &cp.checkpoint;
                let name = format!("checkpoint-{}-{}.json", c.offer_id, c.count);
                download_json(&name, "the receiver's checkpoint", &**cp);
            }
        }
        EntryAction::DownloadElection(key) => {
            if let Some(e) = find(&key) {
                let name = delivery::file_name("election", e.payload());
                download_json(&name, "the signed election", &e.signed);
            }
        }
    }
}

/// Offers `value` as a JSON file; one that cannot be written is said, never an empty file.
fn download_json(name: &str, what: &str, value: &impl serde::Serialize) {
    match delivery::to_json(what, value) {
        Ok(text) => files::download(name, &text),
        Err(problem) => files::alert(&problem.to_string()),
    }
}
