//! The courier: signs an employee's election and sees it delivered exactly once, through
//! failures, reloads and offline spells. It keeps every signed election in the outbox
//! (IndexedDB) before sending, sends under a Web Lock so that one tab sends at a time,
//! retries what is worth retrying (`delivery::classify`, `delivery::backoff_ms`), checks
//! every receipt against the election and the receiver's key, and tells the component
//! (an [`OutboxView`]) and the host (events) what happened.
//!
//! Exactly once rests on the contract: every retry of an election carries its
//! idempotency key, so a response lost after the backend committed gets the same receipt
//! the second time instead of a second election.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use serde_json::json;
use yew::Callback;

use election_core::contract::{
    canonical_bytes, detached_jws, detached_signing_input, jws_signing_input, payload_problems,
    ElectionHistory, ElectionPayload, ErrorCode, KeyRegistration, OfferInfo, PublicJwk, Receipt,
    SignedCheckpoint, SignedElection, SignedReceipt, Signing, CONTRACT_HEADER, CONTRACT_VERSION_2,
};
use election_core::disclosure::Acknowledgment;
use election_core::{Election, Holder, HostEvent, Offer};

use crate::platform::vault::{self, SigningKey};
use election_client::clock::TrustedClock;
use election_client::courier::OutboxView;
use election_client::delivery::{
    self, backoff_ms, classify, DeliveryConfig, OutboxEntry, Outcome, Status, Transport,
    Verification,
};
use election_client::host::HostEvents;

/// Performance measures for `make bench`: building, canonicalizing and signing an
/// election; and one delivery attempt, from the request to the receipt verified.
pub const SIGN_MEASURE: &str = "election-widget:sign";
const SIGN_MARK: &str = "election-widget:sign-start";
pub const DELIVER_MEASURE: &str = "election-widget:deliver";
const DELIVER_MARK: &str = "election-widget:deliver-start";

/// The lock every tab's courier sends under.
const LOCK: &str = "election-widget:outbox";

pub struct Courier {
    /// This courier's id on the broadcast channel (its own announcements are not news).
    id: String,
    prefix: String,
    key_id: String,
    config: DeliveryConfig,
    clock: TrustedClock,
    events: HostEvents,
    notify: Callback<OutboxView>,
    view: RefCell<OutboxView>,
    entries: RefCell<Vec<OutboxEntry>>,
    /// Entries the outbox store refused (kept in memory, and shown as such).
    unsaved: RefCell<Vec<String>>,
    key: RefCell<Option<SigningKey>>,
    receiver_key: RefCell<Option<PublicJwk>>,
    /// The newest verified checkpoint seen (also in storage, beside the outbox).
    checkpoint: RefCell<Option<SignedCheckpoint>>,
    closed: Cell<bool>,
    busy: Cell<bool>,
    again: Cell<Option<bool>>,
    timer: RefCell<Option<gloo_timers::callback::Timeout>>,
    guards: RefCell<Vec<Box<dyn std::any::Any>>>,
}

impl Courier {
    fn new(
        offer: &Offer,
        holder: &Holder,
        config: DeliveryConfig,
        clock: TrustedClock,
        events: HostEvents,
        notify: Callback<OutboxView>,
    ) -> Rc<Courier> {
        let receiver_key = config.receiver_key().cloned();
        Rc::new(Courier {
            id: vault::random_b64(12),
            prefix: delivery::outbox_prefix(&offer.id, &holder.employee.id),
            key_id: format!("{}\u{1f}{}", offer.id, holder.employee.id),
            config,
            clock,
            events,
            notify,
            view: RefCell::default(),
            entries: RefCell::default(),
            unsaved: RefCell::default(),
            key: RefCell::default(),
            receiver_key: RefCell::new(receiver_key),
            checkpoint: RefCell::default(),
            closed: Cell::new(false),
            busy: Cell::new(false),
            again: Cell::new(None),
            timer: RefCell::default(),
            guards: RefCell::default(),
        })
    }

    /// A courier for this employee's outbox, started: it reads the outbox, learns what
    /// the backend has, and sends what waits.
    pub fn start(
        offer: &Offer,
        holder: &Holder,
        config: DeliveryConfig,
        clock: TrustedClock,
        events: HostEvents,
        notify: Callback<OutboxView>,
    ) -> Rc<Courier> {
        let c = Courier::new(offer, holder, config, clock, events, notify);
        c.run();
        c
    }

    /// Signs what `request` asks and puts it in the outbox; the courier sends it from there.
    pub fn sign(
        self: &Rc<Self>,
        offer: &Offer,
        holder: &Holder,
        request: crate::hooks::SignRequest,
    ) {
        let (this, offer, holder) = (Rc::clone(self), offer.clone(), holder.clone());
        wasm_bindgen_futures::spawn_local(async move {
            this.sign_election(
                &offer,
                &holder,
                &request.election,
                request.acknowledgments,
                request.signed_name,
            )
            .await;
        });
    }

    fn run(self: &Rc<Self>) {
        let this = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            this.reload().await;
            this.load_checkpoint().await;
            this.learn_from_backend().await;
            this.update(|v| v.loaded = true);
            this.kick(false);
        });
        // The network is back: send now, whatever the backoff said.
        let weak = Rc::downgrade(self);
        if let Some(window) = web_sys::window() {
            let online = gloo_events::EventListener::new(&window, "online", move |_| {
                if let Some(c) = weak.upgrade() {
                    c.kick(true);
                }
            });
            self.guards.borrow_mut().push(Box::new(online));
        }
        // Another tab changed the outbox: show it. While this courier's own pass runs,
        // a second pass follows it instead (it re-reads the outbox first); a read racing
        // the pass's own writes could show, and schedule from, a stale state.
        let weak = Rc::downgrade(self);
        let listening = vault::listen(LOCK, move |sender| {
            let Some(c) = weak.upgrade() else {
                return;
            };
            if sender == c.id {
                return;
            }
            if c.busy.get() {
                c.again.set(Some(c.again.get().unwrap_or(false)));
                return;
            }
            wasm_bindgen_futures::spawn_local(async move {
                c.reload().await;
                if !c.busy.get() {
                    c.schedule();
                }
            });
        });
        self.guards.borrow_mut().push(Box::new(listening));
    }

    /// Stops timers and listeners (the component is gone). An attempt under way finishes
    /// and is stored; nothing more starts.
    pub fn close(&self) {
        self.closed.set(true);
        self.timer.borrow_mut().take();
        self.guards.borrow_mut().clear();
    }

    fn now(&self) -> f64 {
        self.clock.now_ms()
    }

    fn update(&self, change: impl FnOnce(&mut OutboxView)) {
        let view = {
            let mut v = self.view.borrow_mut();
            change(&mut v);
            v.entries = Rc::new(self.entries.borrow().clone());
            v.clone()
        };
        if !self.closed.get() {
            self.notify.emit(view);
        }
    }

    /// Re-reads the outbox from storage (the truth when it works), keeping entries only
    /// memory has.
    async fn reload(&self) {
        match vault::outbox_all(&self.prefix).await {
            Ok(texts) => {
                let mut stored: Vec<OutboxEntry> = texts
                    .iter()
                    .filter_map(|t| delivery::read_entry(t))
                    .collect();
                let unsaved = self.unsaved.borrow();
                for e in self.entries.borrow().iter() {
                    if unsaved.iter().any(|k| k == e.key())
                        && !stored.iter().any(|s| s.key() == e.key())
                    {
                        stored.push(e.clone());
                    }
                }
                drop(unsaved);
                stored.sort_by_key(|e| e.payload().sequence);
                *self.entries.borrow_mut() = stored;
                self.update(|_| {});
            }
            Err(problem) => self.update(|v| v.storage_problem = Some(problem)),
        }
    }

    /// Stores one entry; a refusal (storage full, private mode) keeps it in memory and
    /// says so: the election is still sent while the page is open.
    async fn save(&self, entry: &OutboxEntry) {
        let text = match delivery::to_json("the outbox entry", entry) {
            Ok(text) => text,
            Err(problem) => {
                // Kept in memory and said; never stored empty.
                self.unsaved.borrow_mut().push(entry.key().to_owned());
                self.update(|v| v.storage_problem = Some(problem));
                return;
            }
        };
        let key = format!("{}{}", self.prefix, entry.key());
        match vault::outbox_put(&key, &text).await {
            Ok(()) => {
                self.unsaved.borrow_mut().retain(|k| k != entry.key());
            }
            Err(problem) => {
                self.unsaved.borrow_mut().push(entry.key().to_owned());
                self.update(|v| v.storage_problem = Some(problem));
            }
        }
        vault::announce(LOCK, &self.id);
    }

    fn replace(&self, entry: &OutboxEntry) {
        let mut entries = self.entries.borrow_mut();
        match entries.iter_mut().find(|e| e.key() == entry.key()) {
            Some(e) => *e = entry.clone(),
            None => {
                entries.push(entry.clone());
                entries.sort_by_key(|e| e.payload().sequence);
            }
        }
    }

    /// The receiver's key and the employee's record, from an HTTP backend: the
    /// elections it holds (this device may be new, or its storage cleared) govern the
    /// next sequence number and what is shown as in effect.
    async fn learn_from_backend(&self) {
        let Transport::Http {
            url,
            headers,
            credentials,
            timeout_ms,
            ..
        } = &self.config.transport
        else {
            return;
        };
        let get = |path: &'static str| async move {
            let url = format!("{url}{path}");
            vault::http("GET", &url, headers, None, credentials, *timeout_ms).await
        };
        if self.receiver_key.borrow().is_none() {
            let info = read_json::<OfferInfo>(
                get("/v1/offer").await,
                "the backend's description (/v1/offer)",
            );
            match info {
                Ok(info) => *self.receiver_key.borrow_mut() = Some(info.receiver_key.jwk),
                Err(why) => self.update(|v| v.backend_problem = Some(why)),
            }
        }
        // The receiver's chain now: it must extend what it showed this device before.
        if let Ok(checkpoint) = read_json::<SignedCheckpoint>(
            get("/v1/checkpoint").await,
            "the receiver's checkpoint (/v1/checkpoint)",
        ) {
            self.consider_checkpoint(checkpoint, None).await;
        }
        let history = match read_json::<ElectionHistory>(
            get("/v1/elections").await,
            "your record at the backend",
        ) {
            Ok(history) => history,
            Err(why) => {
                self.update(|v| v.backend_problem = Some(why));
                return;
            }
        };
        for item in history.history {
            let known = self
                .entries
                .borrow()
                .iter()
                .find(|e| e.key() == item.election.payload.idempotency_key)
                .cloned();
            let mut entry = match known {
                Some(e) if !e.pending() => continue,
                // Sent before and answered, but the answer never arrived here.
                Some(e) => e,
                None => {
                    let mut e = OutboxEntry::new(item.election.clone(), self.now() as i64);
                    e.from_backend = true;
                    e
                }
            };
            entry.status = self.check_receipt(&entry, item.receipt).await;
            self.replace(&entry);
            self.save(&entry).await;
        }
        self.update(|_| {});
    }

    /// Signs `election` (with the acknowledgments and the typed name) and puts it in the
    /// outbox; the courier sends it from there.
    async fn sign_election(
        self: &Rc<Self>,
        offer: &Offer,
        holder: &Holder,
        election: &Election,
        acknowledgments: Vec<Acknowledgment>,
        signed_name: String,
    ) {
        self.update(|v| {
            v.signing = true;
            v.sign_problem = None;
        });
        let result = self
            .sign_inner(offer, holder, election, acknowledgments, signed_name)
            .await;
        self.update(|v| {
            v.signing = false;
            v.sign_problem = result.err();
        });
        self.kick(false);
    }

    async fn key(&self) -> Result<SigningKey, String> {
        if let Some(k) = self.key.borrow().as_ref() {
            return Ok(k.clone());
        }
        let key = SigningKey::for_id(&self.key_id).await?;
        let session = key.session_only.clone();
        *self.key.borrow_mut() = Some(key.clone());
        self.update(|v| v.session_key = session);
        Ok(key)
    }

    async fn sign_inner(
        &self,
        offer: &Offer,
        holder: &Holder,
        election: &Election,
        acknowledgments: Vec<Acknowledgment>,
        signed_name: String,
    ) -> Result<(), String> {
        let key = self.key().await?;
        let now = self.now();
        let client_time = chrono::DateTime::from_timestamp_millis(now as i64)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_default();
        let signing = Signing {
            sequence: delivery::next_sequence(&self.entries.borrow()),
            nonce: vault::random_b64(32),
            idempotency_key: vault::random_b64(24),
            client_time,
            key_id: key.key_id.clone(),
            signed_name,
        };
        crate::platform::page::mark(SIGN_MARK);
        let payload = ElectionPayload::build(offer, holder, election, acknowledgments, signing);
        let problems = payload_problems(&payload);
        if !problems.is_empty() {
            return Err(format!(
                "the election could not be signed: {}",
                problems.join("; ")
            ));
        }
        let bytes = canonical_bytes(&payload);
        let (header, input) = jws_signing_input(&key.key_id, &bytes);
        let signature = key.sign(input.as_bytes()).await?;
        let signed = SignedElection {
            payload,
            signature: detached_jws(&header, &signature),
        };
        crate::platform::page::measure(SIGN_MEASURE, SIGN_MARK);
        let mut entry = OutboxEntry::new(signed, now as i64);
        if self.config.transport == Transport::Download {
            let text = delivery::to_json("the signed election", &entry.signed)?;
            vault::download(&delivery::file_name("election", entry.payload()), &text);
            entry.status = Status::Downloaded;
        }
        self.replace(&entry);
        self.save(&entry).await;
        self.supersede_older().await;
        self.events.emit(HostEvent::ElectionSigned {
            offer_id: entry.payload().offer_id.clone(),
            employee_id: entry.payload().employee_id.clone(),
            sequence: entry.payload().sequence,
            idempotency_key: entry.key().to_owned(),
            payload_hash: entry.payload_hash.clone(),
            withdrawal: entry.payload().is_withdrawal(),
            signed_election: Box::new(entry.signed.clone()),
        });
        Ok(())
    }

    /// Stops older unconfirmed elections from being sent once a newer one is signed.
    async fn supersede_older(&self) {
        let changed = delivery::supersede(&mut self.entries.borrow_mut());
        for e in &changed {
            self.save(e).await;
        }
    }

    /// Sends what is due: now, or (with `force`) everything waiting, whatever its
    /// backoff said.
    pub fn kick(self: &Rc<Self>, force: bool) {
        if self.closed.get() {
            return;
        }
        if self.busy.replace(true) {
            self.again
                .set(Some(self.again.get().unwrap_or(false) || force));
            return;
        }
        let this = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            let mut force = force;
            loop {
                let pass = Rc::clone(&this);
                vault::with_lock(LOCK, async move { pass.pass(force).await }).await;
                match this.again.take() {
                    Some(f) if !this.closed.get() => force = f,
                    _ => break,
                }
            }
            this.busy.set(false);
            this.schedule();
        });
    }

    /// Wakes the courier when the earliest retry is due.
    fn schedule(self: &Rc<Self>) {
        let next = self
            .entries
            .borrow()
            .iter()
            .filter_map(|e| match e.status {
                Status::Retrying { at_ms, .. } => Some(at_ms as f64),
                _ => None,
            })
            .fold(None, |min: Option<f64>, at| {
                Some(min.map_or(at, |m| m.min(at)))
            });
        let weak = Rc::downgrade(self);
        *self.timer.borrow_mut() = next.map(|at| {
            // Not `f64::clamp` (its panic path brings float formatting into the bundle).
            #[allow(clippy::manual_clamp)]
            let wait = (at - self.now()).max(0.0).min(3_600_000.0) as u32;
            gloo_timers::callback::Timeout::new(wait, move || {
                if let Some(c) = weak.upgrade() {
                    c.kick(false);
                }
            })
        });
    }

    /// One pass, holding the lock: re-read the outbox (another tab may have sent), then
    /// send each due election in sequence order.
    async fn pass(self: Rc<Self>, force: bool) {
        if self.closed.get() {
            return;
        }
        self.reload().await;
        if self.config.transport == Transport::Download {
            return;
        }
        self.supersede_older().await;
        let due: Vec<OutboxEntry> = self
            .entries
            .borrow()
            .iter()
            .filter(|e| e.due(self.now(), force))
            .cloned()
            .collect();
        for mut entry in due {
            if self.closed.get() {
                return;
            }
            if !vault::online() {
                entry.status = Status::Retrying {
                    at_ms: (self.now()
                        + backoff_ms(entry.attempts.max(1), js_sys::Math::random(), None))
                        as i64,
                    reason: "this device is offline; it will be sent when the connection returns"
                        .to_owned(),
                };
                self.replace(&entry);
                self.save(&entry).await;
                self.update(|_| {});
                continue;
            }
            entry.status = Status::Sending {
                since_ms: self.now() as i64,
            };
            self.replace(&entry);
            self.save(&entry).await;
            self.update(|_| {});
            crate::platform::page::mark(DELIVER_MARK);
            let outcome = self.send(&entry).await;
            entry.attempts += 1;
            entry.status = match outcome {
                Outcome::Receipt(receipt, checkpoint) => {
                    let receipt = *receipt;
                    let status = self.check_receipt(&entry, receipt.clone()).await;
                    if let (
                        Status::Delivered {
                            verification: Verification::Verified,
                            ..
                        },
                        Some(checkpoint),
                    ) = (&status, checkpoint)
                    {
                        self.consider_checkpoint(*checkpoint, Some(&receipt.receipt))
                            .await;
                    }
                    status
                }
                Outcome::Rejected {
                    code,
                    message,
                    details,
                } => Status::Rejected {
                    code,
                    message,
                    details,
                },
                Outcome::Retry { reason, after_ms } => Status::Retrying {
                    at_ms: (self.now()
                        + backoff_ms(entry.attempts, js_sys::Math::random(), after_ms))
                        as i64,
                    reason,
                },
            };
            if matches!(entry.status, Status::Delivered { .. }) {
                crate::platform::page::measure(DELIVER_MEASURE, DELIVER_MARK);
            }
            self.replace(&entry);
            self.save(&entry).await;
            self.update(|_| {});
            if matches!(
                &entry.status,
                Status::Rejected {
                    code: ErrorCode::SequenceNotIncreasing,
                    ..
                }
            ) {
                // The backend holds a later election (signed on another device since this
                // page loaded): learn it, so that the next signing takes a higher number.
                self.learn_from_backend().await;
            }
            if let Status::Delivered {
                receipt,
                verification,
            } = &entry.status
            {
                self.events.emit(HostEvent::ElectionDelivered {
                    offer_id: entry.payload().offer_id.clone(),
                    employee_id: entry.payload().employee_id.clone(),
                    sequence: entry.payload().sequence,
                    idempotency_key: entry.key().to_owned(),
                    timeliness: receipt.receipt.timeliness,
                    verified: *verification == Verification::Verified,
                    receipt: receipt.clone(),
                });
            }
        }
    }

    /// One attempt to deliver `entry` by the configured transport.
    async fn send(&self, entry: &OutboxEntry) -> Outcome {
        match &self.config.transport {
            Transport::Http {
                url,
                headers,
                credentials,
                timeout_ms,
                ..
            } => {
                if let Err(outcome) = self.register(url, headers, credentials, *timeout_ms).await {
                    return outcome;
                }
                let body = match delivery::to_json("the signed election", &entry.signed) {
                    Ok(body) => body,
                    // Nothing is sent empty: said as a refusal on this device.
                    Err(problem) => {
                        return Outcome::Rejected {
                            code: ErrorCode::NotSerializable,
                            message: problem,
                            details: Vec::new(),
                        }
                    }
                };
                // Contract 2: the answer carries the checkpoint that includes the receipt.
                let mut headers = headers.clone();
                headers.insert(CONTRACT_HEADER.to_owned(), CONTRACT_VERSION_2.to_owned());
                match vault::http(
                    "POST",
                    &format!("{url}/v1/elections"),
                    &headers,
                    Some(body),
                    credentials,
                    *timeout_ms,
                )
                .await
                {
                    Ok(a) => classify(a.status, &a.body, a.retry_after.as_deref(), self.now()),
                    Err(reason) => Outcome::Retry {
                        reason,
                        after_ms: None,
                    },
                }
            }
            Transport::PostMessage {
                origins,
                timeout_ms,
                ..
            } => {
                let Some(target) = vault::host_origin() else {
                    return Outcome::Rejected {
                        code: ErrorCode::HostNotAllowed,
                        message: "the page around this frame is not among the origins this widget is allowed to hand elections to".to_owned(),
                        details: Vec::new(),
                    };
                };
                let accepted = if origins.is_empty() {
                    vec![target.clone()]
                } else {
                    origins.clone()
                };
                let jwk = match self.key().await {
                    Ok(k) => k.jwk,
                    Err(reason) => {
                        return Outcome::Rejected {
                            code: ErrorCode::NoKey,
                            message: reason,
                            details: Vec::new(),
                        }
                    }
                };
                let signed = match serde_json::to_value(&entry.signed) {
                    Ok(signed) => signed,
                    Err(e) => {
                        return Outcome::Rejected {
                            code: ErrorCode::NotSerializable,
                            message: format!("the signed election could not be written as JSON ({e}); nothing was sent"),
                            details: Vec::new(),
                        }
                    }
                };
                let message = json!({
                    "source": "election-widget",
                    "schema": election_client::host::EVENT_SCHEMA,
                    "type": "election-widget:deliver",
                    "idempotency_key": entry.key(),
                    "signed_election": signed,
                    "public_jwk": jwk,
                });
                let reply = vault::await_reply(entry.key(), &accepted, *timeout_ms);
                if let Err(reason) = vault::post_to_host(&message.to_string(), &target) {
                    return Outcome::Retry {
                        reason,
                        after_ms: None,
                    };
                }
                match reply.await {
                    Ok(text) => reply_outcome(&text),
                    Err(reason) => Outcome::Retry {
                        reason,
                        after_ms: None,
                    },
                }
            }
            Transport::Download => Outcome::Retry {
                reason: "there is no backend to send it to".to_owned(),
                after_ms: None,
            },
        }
    }

    /// Registers the signing key with an HTTP backend, once.
    async fn register(
        &self,
        url: &str,
        headers: &std::collections::BTreeMap<String, String>,
        credentials: &str,
        timeout_ms: u32,
    ) -> Result<(), Outcome> {
        let mut key = self.key().await.map_err(|e| Outcome::Rejected {
            code: ErrorCode::NoKey,
            message: e,
            details: Vec::new(),
        })?;
        if key.registered.iter().any(|r| r == url) {
            return Ok(());
        }
        let body = serde_json::to_string(&KeyRegistration {
            jwk: key.jwk.clone(),
        })
        .unwrap_or_default();
        match vault::http(
            "POST",
            &format!("{url}/v1/keys"),
            headers,
            Some(body),
            credentials,
            timeout_ms,
        )
        .await
        {
            Ok(a) if a.status == 200 || a.status == 201 => {
                key.mark_registered(url).await;
                *self.key.borrow_mut() = Some(key);
                Ok(())
            }
            Ok(a) => Err(
                match classify(a.status, &a.body, a.retry_after.as_deref(), self.now()) {
                    Outcome::Receipt(..) => Outcome::Retry {
                        reason: "the backend did not register the signing key".to_owned(),
                        after_ms: None,
                    },
                    other => other,
                },
            ),
            Err(reason) => Err(Outcome::Retry {
                reason,
                after_ms: None,
            }),
        }
    }

    /// The checkpoint kept on this device from an earlier visit.
    async fn load_checkpoint(&self) {
        let key = delivery::checkpoint_key(&self.prefix);
        let kept = vault::outbox_all(&key)
            .await
            .ok()
            .and_then(|texts| texts.into_iter().next())
            .and_then(|t| serde_json::from_slice::<SignedCheckpoint>(t.as_bytes()).ok());
        if let Some(kept) = kept {
            let shown = Rc::new(kept.clone());
            *self.checkpoint.borrow_mut() = Some(kept);
            self.update(|v| v.checkpoint = Some(shown));
        }
    }

    /// A checkpoint from the receiver (with the receipt it came with, if any): kept when
    /// it verifies and extends the one kept; a warning when it does not extend it.
    async fn consider_checkpoint(&self, signed: SignedCheckpoint, receipt: Option<&Receipt>) {
        let Some(key) = self.receiver_key.borrow().clone() else {
            return;
        };
        let cp = &signed.checkpoint;
        let mut problems = receipt
            .map(|r| delivery::checkpoint_problems(cp, r))
            .unwrap_or_default();
        if cp.key_id != key.thumbprint() {
            problems.push("it is not signed with the receiver's key".to_owned());
        }
        if problems.is_empty() {
            let verified = signed_by(&key, &signed.signature, &cp.key_id, cp).await;
            if verified != Ok(true) {
                problems.push("its signature does not verify with the receiver's key".to_owned());
            }
        }
        if !problems.is_empty() {
            // Not the receiver's word: ignored, like a receipt that does not verify.
            self.update(|v| {
                v.backend_problem = Some(format!(
                    "the receiver's checkpoint was not used: {}",
                    problems.join("; ")
                ))
            });
            return;
        }
        let step =
            delivery::checkpoint_step(self.checkpoint.borrow().as_ref().map(|k| &k.checkpoint), cp);
        match step {
            delivery::CheckpointStep::Keep => {}
            delivery::CheckpointStep::Diverged(why) => {
                self.update(|v| v.checkpoint_warning = Some(why));
            }
            delivery::CheckpointStep::Replace => {
                if let Ok(text) = delivery::to_json("the receiver's checkpoint", &signed) {
                    // Kept for the next visit; a device that refuses storage keeps it for the page.
                    let _ = vault::outbox_put(&delivery::checkpoint_key(&self.prefix), &text).await;
                }
                let shown = Rc::new(signed.clone());
                *self.checkpoint.borrow_mut() = Some(signed);
                self.update(|v| v.checkpoint = Some(shown));
            }
        }
    }

    /// What a receipt proves: it must name exactly this election, and its signature
    /// must verify with the receiver's key (WebCrypto).
    async fn check_receipt(&self, entry: &OutboxEntry, receipt: SignedReceipt) -> Status {
        let key = self.receiver_key.borrow().clone();
        let key_id = key.as_ref().map(PublicJwk::thumbprint);
        let problems = delivery::receipt_problems(entry, &receipt, key_id.as_deref());
        if !problems.is_empty() {
            return Status::ReceiptInvalid {
                reason: problems.join("; "),
            };
        }
        let Some(key) = key else {
            return Status::Delivered {
                receipt: Box::new(receipt),
                verification: Verification::Unverifiable(
                    "there is no receiver key to check its signature with".to_owned(),
                ),
            };
        };
        match signed_by(&key, &receipt.signature, &receipt.receipt.key_id, &receipt.receipt).await {
            Ok(true) => Status::Delivered {
                receipt: Box::new(receipt),
                verification: Verification::Verified,
            },
            Ok(false) => Status::ReceiptInvalid {
                reason: "its signature does not verify with the receiver's key: it was altered, or not signed by the receiver".to_owned(),
            },
            Err(reason) => Status::ReceiptInvalid { reason },
        }
    }

    /// Asks again for an election whose receipt did not hold, or sends a waiting one now.
    pub fn retry(self: &Rc<Self>, key: &str) {
        let found = self
            .entries
            .borrow()
            .iter()
            .find(|e| e.key() == key)
            .cloned();
        if let Some(mut entry) = found {
            if matches!(
                entry.status,
                Status::ReceiptInvalid { .. } | Status::Retrying { .. }
            ) {
                entry.status = Status::Retrying {
                    at_ms: self.now() as i64,
                    reason: "sending again".to_owned(),
                };
                self.replace(&entry);
                let this = Rc::clone(self);
                wasm_bindgen_futures::spawn_local(async move {
                    this.save(&entry).await;
                    this.kick(true);
                });
            }
        }
    }
}

/// A backend's JSON answer to a GET, or a sentence naming `what` could not be read.
/// Whether `jws` (detached, for key `kid`) signs `value`'s canonical bytes with `key`
/// (WebCrypto): receipts and checkpoints alike.
async fn signed_by(
    key: &PublicJwk,
    jws: &str,
    kid: &str,
    value: &impl serde::Serialize,
) -> Result<bool, String> {
    match detached_signing_input(jws, kid, &canonical_bytes(value)) {
        Ok((input, signature)) => vault::verify(key, &signature, &input).await,
        Err(e) => Err(e.to_string()),
    }
}

fn read_json<T: serde::de::DeserializeOwned>(
    answer: Result<vault::HttpAnswer, String>,
    what: &str,
) -> Result<T, String> {
    let answer = answer?;
    if answer.status != 200 {
        return Err(format!("{what} could not be read (HTTP {})", answer.status));
    }
    serde_json::from_slice(answer.body.as_bytes())
        .map_err(|e| format!("{what} could not be read: {e}"))
}

/// A host's `delivery-result` message (other members, such as `type`, are ignored).
#[derive(serde::Deserialize)]
struct Reply {
    receipt: Option<SignedReceipt>,
    error: Option<ReplyError>,
    #[serde(default)]
    retry: bool,
}

#[derive(serde::Deserialize, Default)]
struct ReplyError {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

/// A host's `delivery-result` message: a receipt, or an error (retried when the host
/// says it may be).
pub fn reply_outcome(text: &str) -> Outcome {
    let reply = match serde_json::from_slice::<Reply>(text.as_bytes()) {
        Ok(reply) => reply,
        Err(e) => {
            return Outcome::Retry {
                reason: format!("the portal's answer could not be read: {e}"),
                after_ms: None,
            }
        }
    };
    if let Some(receipt) = reply.receipt {
        return Outcome::Receipt(Box::new(receipt), None);
    }
    let error = reply.error.unwrap_or_default();
    let message = match error.message {
        m if m.is_empty() => "the portal could not deliver the election".to_owned(),
        m => m,
    };
    if reply.retry {
        Outcome::Retry {
            reason: message,
            after_ms: None,
        }
    } else {
        Outcome::Rejected {
            code: match error.code {
                c if c.is_empty() => ErrorCode::PortalRefused,
                c => ErrorCode::from(c),
            },
            message,
            details: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backends_answers_to_gets() {
        let answer = |status, body: &str| {
            Ok(vault::HttpAnswer {
                status,
                retry_after: None,
                body: body.to_owned(),
            })
        };
        assert_eq!(
            read_json::<election_core::contract::ServerTime>(
                answer(200, r#"{"now_ms": 5}"#),
                "the time"
            ),
            Ok(election_core::contract::ServerTime { now_ms: 5 })
        );
        assert_eq!(
            read_json::<OfferInfo>(answer(503, ""), "the backend's description"),
            Err("the backend's description could not be read (HTTP 503)".to_owned())
        );
        let garbage = read_json::<ElectionHistory>(answer(200, "<html>"), "your record");
        assert!(garbage.is_err_and(|e| e.starts_with("your record could not be read: ")));
        assert_eq!(
            read_json::<OfferInfo>(Err("no connection".into()), "x"),
            Err("no connection".to_owned())
        );
    }

    #[test]
    fn a_portals_answers() {
        assert!(matches!(
            reply_outcome(r#"{"type":"election-widget:delivery-result","idempotency_key":"k","error":{"code":"backend_down","message":"try later"},"retry":true}"#),
            Outcome::Retry { ref reason, .. } if reason == "try later"
        ));
        assert_eq!(
            reply_outcome(r#"{"error":{"code":"not_eligible","message":"no"}}"#),
            Outcome::Rejected {
                code: ErrorCode::Other("not_eligible".into()),
                message: "no".into(),
                details: Vec::new()
            }
        );
        assert!(matches!(
            reply_outcome("{}"),
            Outcome::Rejected {
                code: ErrorCode::PortalRefused,
                ..
            }
        ));
        assert!(matches!(
            reply_outcome(r#"{"receipt":{"receipt":1}}"#),
            Outcome::Retry { ref reason, .. } if reason.starts_with("the portal's answer could not be read")
        ));
        assert!(matches!(reply_outcome("not json"), Outcome::Retry { .. }));
    }
}
