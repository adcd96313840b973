//! Runs the courier (`election_client::courier`, a state machine that decides everything)
//! in the browser: it feeds the machine the events the page sees (started, online,
//! another tab, a timer, the employee's requests) and carries out the commands it returns
//! with the platform's effects (IndexedDB, WebCrypto, the Web Lock, fetch, postMessage,
//! downloads), reporting each effect's result back as an event.
//!
//! A step's commands run in order, in one task (a request after a save waits for it);
//! the commands of different steps run side by side.

use std::cell::RefCell;
use std::rc::Rc;

use yew::Callback;

use election_client::clock::TrustedClock;
use election_client::courier::{
    self, Answer, Command, EntryAction, Env, Event, KeyInfo, OutboxView, Request, SignRequest,
};
use election_client::delivery::{self, DeliveryConfig};
use election_client::device::DeviceError;
use election_client::host::HostEvents;
use election_core::{Holder, Offer};

use super::crypto::{self, SigningKey};
use super::net::{self, NetError};
use super::tabs::{self, Lock};
use super::{files, host, page, store};

/// The lock every tab's courier sends under, and the channel they announce changes on.
const LOCK: &str = "election-widget:outbox";

pub struct Courier {
    machine: RefCell<courier::Courier>,
    /// This courier's id on the broadcast channel (its own announcements are not news).
    id: String,
    /// The IndexedDB id of the signing key (one per offer and employee).
    key_id: String,
    key: RefCell<Option<SigningKey>>,
    lock: RefCell<Option<Lock>>,
    clock: TrustedClock,
    events: HostEvents,
    notify: Callback<OutboxView>,
    timer: RefCell<Option<gloo_timers::callback::Timeout>>,
    guards: RefCell<Vec<Box<dyn std::any::Any>>>,
}

impl Courier {
    /// A courier for this employee's outbox, started: it reads the outbox, learns what
    /// the backend has, and sends what waits.
    pub fn start(
        offer: &Rc<Offer>,
        holder: &Rc<Holder>,
        config: DeliveryConfig,
        clock: TrustedClock,
        events: HostEvents,
        notify: Callback<OutboxView>,
    ) -> Rc<Courier> {
        let machine = courier::Courier::new(
            Rc::clone(offer),
            Rc::clone(holder),
            &config,
            host::host_origin(),
        );
        let c = Rc::new(Courier {
            machine: RefCell::new(machine),
            id: crypto::random_b64(12),
            key_id: format!("{}\u{1f}{}", offer.id, holder.employee.id),
            key: RefCell::default(),
            lock: RefCell::default(),
            clock,
            events,
            notify,
            timer: RefCell::default(),
            guards: RefCell::default(),
        });
        c.listen();
        c.dispatch(Event::Started);
        c
    }

    /// Signs what `request` asks and puts it in the outbox; the courier sends it from there.
    pub fn sign(self: &Rc<Self>, request: SignRequest) {
        self.dispatch(Event::SignRequested {
            request,
            nonce: crypto::random_b64(32),
            idempotency_key: crypto::random_b64(24),
        });
    }

    /// Asks again for an election whose receipt did not hold, or sends a waiting one now.
    pub fn retry(self: &Rc<Self>, key: &str) {
        self.dispatch(Event::RetryRequested(key.to_owned()));
    }

    /// Stops timers and listeners (the component is gone). An attempt under way finishes
    /// and is stored; nothing more starts.
    pub fn close(self: &Rc<Self>) {
        self.guards.borrow_mut().clear();
        self.dispatch(Event::Closed);
    }

    fn listen(self: &Rc<Self>) {
        // The network is back: send now, whatever the backoff said.
        let weak = Rc::downgrade(self);
        if let Some(window) = web_sys::window() {
            let online = gloo_events::EventListener::new(&window, "online", move |_| {
                if let Some(c) = weak.upgrade() {
                    c.dispatch(Event::Online);
                }
            });
            self.guards.borrow_mut().push(Box::new(online));
        }
        // Another tab changed the outbox.
        let weak = Rc::downgrade(self);
        let listening = tabs::listen(LOCK, move |sender| {
            if let Some(c) = weak.upgrade() {
                if sender != c.id {
                    c.dispatch(Event::OtherTab);
                }
            }
        });
        self.guards.borrow_mut().push(Box::new(listening));
    }

    fn env(&self) -> Env {
        Env {
            now_ms: self.clock.now_ms(),
            jitter: js_sys::Math::random(),
            online: net::online(),
        }
    }

    /// One step of the machine, and its commands started.
    fn dispatch(self: &Rc<Self>, event: Event) {
        let commands = self.machine.borrow_mut().step(self.env(), event);
        if commands.is_empty() {
            return;
        }
        let this = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            for command in commands {
                if let Some(event) = this.run(command).await {
                    this.dispatch(event);
                }
            }
        });
    }

    /// Carries out one command; the event that reports its result, if it has one.
    async fn run(self: &Rc<Self>, command: Command) -> Option<Event> {
        Some(match command {
            Command::ReadOutbox { read, prefix } => Event::OutboxRead {
                read,
                result: store::outbox_all(&prefix).await,
            },
            Command::ReadCheckpoint { store_key } => Event::CheckpointRead(
                store::outbox_all(&store_key)
                    .await
                    .ok()
                    .and_then(|texts| texts.into_iter().next()),
            ),
            Command::Save {
                entry_key,
                store_key,
                text,
            } => Event::Saved {
                entry_key,
                result: store::outbox_put(&store_key, &text).await,
            },
            Command::SaveCheckpoint { store_key, text } => {
                let _ = store::outbox_put(&store_key, &text).await;
                return None;
            }
            Command::Announce => {
                tabs::announce(LOCK, &self.id);
                return None;
            }
            Command::Fetch { ask, request } => Event::Answered {
                ask,
                result: fetch(&request, &self.events).await,
            },
            Command::Verify {
                check,
                key,
                signature,
                input,
            } => Event::Verified {
                check,
                result: crypto::verify(&key, &signature, &input).await,
            },
            Command::GetKey => Event::KeyReady(self.get_key().await),
            Command::Sign { input } => {
                let key = self.key.borrow().clone();
                Event::Signed(match key {
                    Some(key) => key.sign(&input).await,
                    None => Err(DeviceError::KeyNotReady),
                })
            }
            Command::MarkRegistered { url } => {
                let key = self.key.borrow().clone();
                if let Some(mut key) = key {
                    key.mark_registered(&url).await;
                    *self.key.borrow_mut() = Some(key);
                }
                return None;
            }
            Command::AcquireLock => {
                let lock = tabs::acquire(LOCK).await;
                *self.lock.borrow_mut() = Some(lock);
                Event::LockAcquired
            }
            Command::ReleaseLock => {
                self.lock.borrow_mut().take();
                return None;
            }
            Command::PostToHost {
                message,
                target,
                accepted,
                idempotency_key,
                timeout_ms,
            } => {
                let reply = host::await_reply(&idempotency_key, &accepted, timeout_ms);
                Event::HostReplied(match host::post_to_host(&message, &target) {
                    Ok(()) => reply.await,
                    Err(reason) => Err(reason),
                })
            }
            Command::Download { name, text } => {
                files::download(&name, &text);
                return None;
            }
            Command::Emit(event) => {
                self.events.emit(event);
                return None;
            }
            Command::Show(view) => {
                self.notify.emit(view);
                return None;
            }
            Command::WakeAt(at) => {
                self.wake_at(at);
                return None;
            }
            Command::Mark(name) => {
                page::mark(name);
                return None;
            }
            Command::Measure { name, mark } => {
                page::measure(name, mark);
                return None;
            }
        })
    }

    async fn get_key(&self) -> Result<KeyInfo, DeviceError> {
        let key = SigningKey::for_id(&self.key_id).await?;
        let info = KeyInfo {
            key_id: key.key_id.clone(),
            jwk: key.jwk.clone(),
            registered: key.registered.clone(),
            session_only: key.session_only.clone(),
        };
        *self.key.borrow_mut() = Some(key);
        Ok(info)
    }

    fn wake_at(self: &Rc<Self>, at: Option<f64>) {
        let weak = Rc::downgrade(self);
        *self.timer.borrow_mut() = at.map(|at| {
            // Not `f64::clamp` (its panic path brings float formatting into the bundle).
            #[allow(clippy::manual_clamp)]
            let wait = (at - self.clock.now_ms()).max(0.0).min(3_600_000.0) as u32;
            gloo_timers::callback::Timeout::new(wait, move || {
                if let Some(c) = weak.upgrade() {
                    c.dispatch(Event::TimerFired);
                }
            })
        });
    }
}

/// Sends `request`, with the host's bearer token when it supplies one; when the backend
/// refuses that token ([`courier::token_refused`]), the host is asked for a fresh one and
/// the request is sent once more. A host that cannot give a token now is a backend out of
/// reach: the courier retries later, as for the network.
async fn fetch(request: &Request, host: &HostEvents) -> Result<Answer, NetError> {
    let ask = |fresh| async move {
        match host.token(fresh) {
            // The employee sees the backend as out of reach and the election waits; the
            // portal's developer is told why on the console.
            Some(answer) => answer.await.map_err(|why| {
                crate::platform::page::console_error(&format!(
                    "election-widget: the page gave no usable token ({why}); the election waits and is sent again later"
                ));
                NetError::Unreachable
            }),
            None => Ok(None),
        }
    };
    if !request.authenticated {
        return send(request, None).await;
    }
    let Some(token) = ask(false).await? else {
        return send(request, None).await;
    };
    let answer = send(request, Some(&token)).await?;
    if !courier::token_refused(answer.status) {
        return Ok(answer);
    }
    match ask(true).await? {
        Some(fresh) if fresh != token => send(request, Some(&fresh)).await,
        _ => Ok(answer),
    }
}

async fn send(request: &Request, token: Option<&str>) -> Result<Answer, NetError> {
    let mut headers = request.headers.clone();
    if let Some(token) = token {
        headers.insert("Authorization".to_owned(), format!("Bearer {token}"));
    }
    let response = net::fetch(net::Request {
        method: request.method,
        url: &request.url,
        headers: &headers,
        body: request.body.clone(),
        credentials: &request.credentials,
        cache: "no-store",
        timeout_ms: request.timeout_ms,
    })
    .await?;
    Ok(Answer {
        status: response.status,
        retry_after: response.retry_after,
        // An unreadable body is an empty one: the answer's status still counts.
        body: response.body.unwrap_or_default(),
    })
}

/// What the widget may ask of a running courier. The widget holds the courier as this
/// trait object, so that the courier's code is reached only through
/// [`super::lazy::start_courier`], and the release build can load it after the first
/// render.
pub trait Delivery {
    /// Signs what `request` asks and puts it in the outbox.
    fn sign(&self, request: SignRequest);
    /// Does what the employee asked of an entry of the outbox as last shown: asks again
    /// for an election whose receipt did not hold or sends a waiting one now, or
    /// downloads a receipt, an election or the receiver's checkpoint.
    fn act(&self, action: EntryAction);
    /// Stops timers and listeners.
    fn close(&self);
}

impl Delivery for Rc<Courier> {
    fn sign(&self, request: SignRequest) {
        Courier::sign(self, request);
    }
    fn act(&self, action: EntryAction) {
        if let EntryAction::Retry(key) = &action {
            Courier::retry(self, key);
            return;
        }
        // A copy (its entries are shared), so that no borrow of the machine is held.
        let Some(view) = self.machine.borrow().shown().cloned() else {
            return;
        };
        let find = |key: &str| view.entries.iter().find(|e| e.key() == key);
        match action {
            EntryAction::Retry(_) => {}
            EntryAction::DownloadReceipt(key) => {
                if let Some(e) = find(&key) {
                    if let Some(r) = e.receipt() {
                        let name = delivery::file_name("receipt", e.payload());
                        download_json(&name, "the receipt", r);
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
    fn close(&self) {
        Courier::close(self);
    }
}

/// Offers `value` as a JSON file; one that cannot be written is said, never an empty file.
fn download_json(name: &str, what: &str, value: &impl serde::Serialize) {
    match delivery::to_json(what, value) {
        Ok(text) => files::download(name, &text),
        Err(problem) => files::alert(&problem.to_string()),
    }
}

/// What a courier is started with (see [`Courier::start`]).
pub struct StartArgs {
    pub offer: Rc<Offer>,
    pub holder: Rc<Holder>,
    pub config: DeliveryConfig,
    pub clock: TrustedClock,
    pub events: HostEvents,
    pub notify: Callback<OutboxView>,
}

impl StartArgs {
    pub(super) fn start(self) -> Box<dyn Delivery> {
        let StartArgs {
            offer,
            holder,
            config,
            clock,
            events,
            notify,
        } = self;
        Box::new(Courier::start(
            &offer, &holder, config, clock, events, notify,
        ))
    }
}
