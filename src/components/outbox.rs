//! The employee's signed elections: the one in effect, and where each stands (signed,
//! sending, retrying and when, delivered with its receipt, refused and why). "Received by"
//! is said only for a receipt whose signature verified.

use chrono::DateTime;
use election_core::contract::{Decision, Timeliness};
use election_core::timing::on_offer_clock;
use election_core::{Holder, Offer};
use yew::prelude::*;

use election_client::courier::{EntryAction, OutboxView};
use election_client::delivery::{self, OutboxEntry, Status, Verification};
use election_client::format::Formats;

fn offer_time(offer: &Offer, ms: f64) -> String {
    DateTime::from_timestamp_millis(ms as i64)
        .map(|t| on_offer_clock(offer, t))
        .unwrap_or_default()
}

/// What an election does, in a phrase.
fn what(entry: &OutboxEntry, f: &Formats) -> String {
    let p = entry.payload();
    if p.is_withdrawal() {
        return "withdrawal: keep all options".to_owned();
    }
    let exchanged: Vec<_> = p
        .decisions
        .iter()
        .filter(|d| d.decision == Decision::Exchange)
        .collect();
    let options: u64 = exchanged.iter().map(|d| d.options).sum();
    format!(
        "exchange {}, {}",
        f.plural(exchanged.len() as u64, "grant", "grants"),
        f.plural(options, "option", "options")
    )
}

/// Where an election stands, in a sentence.
pub fn status_sentence(offer: &Offer, entry: &OutboxEntry) -> String {
    match &entry.status {
        Status::Signed => "Signed; waiting to be sent.".to_owned(),
        Status::Sending { .. } => "Sending…".to_owned(),
        Status::Retrying { at_ms, reason } => format!(
            "Not delivered yet: {reason}. Trying again at {}.",
            offer_time(offer, *at_ms as f64)
        ),
        Status::Delivered {
            receipt,
            verification: Verification::Verified,
        } => {
            let r = &receipt.receipt;
            let when = offer_time(offer, r.received_at_ms as f64);
            match r.timeliness {
                Timeliness::OnTime => format!(
                    "Received by {} at {when}. Receipt {}, verified.",
                    r.received_by, r.receipt_id
                ),
                Timeliness::Late => format!(
                    "Received by {} at {when}, after the deadline: it does not count, and the election received before the deadline governs. Receipt {}, verified.",
                    r.received_by, r.receipt_id
                ),
            }
        }
        Status::Delivered {
            receipt,
            verification: Verification::Unverifiable(why),
        } => format!(
            "The backend answered with receipt {}, but it could not be verified: {why}.",
            receipt.receipt.receipt_id
        ),
        Status::Rejected { message, code, .. } => {
            format!("Not accepted ({code}): {message}")
        }
        Status::ReceiptInvalid { reason } => format!(
            "The backend's receipt does not hold: {reason}. Your election may not have been received; ask again, or contact HR."
        ),
        Status::Downloaded => format!(
            "Saved as {}. Give this file to HR before the deadline; it is not sent from here.",
            delivery::file_name("election", entry.payload())
        ),
        Status::Superseded { by } => format!(
            "Replaced by election {by} before it was confirmed, so it is not sent again."
        ),
    }
}

fn state_class(status: &Status) -> &'static str {
    match status {
        Status::Delivered {
            verification: Verification::Verified,
            receipt,
        } if receipt.receipt.timeliness == Timeliness::OnTime => "ew-delivered",
        Status::Rejected { .. } | Status::ReceiptInvalid { .. } => "ew-problem",
        Status::Delivered { .. } => "ew-warning-state",
        _ => "ew-pending",
    }
}

/// The outbox panel. `issuer` names who receives elections.
pub fn outbox_panel(
    view: &OutboxView,
    offer: &Offer,
    holder: &Holder,
    on_action: &Callback<EntryAction>,
    f: &Formats,
) -> Html {
    if !view.loaded && view.entries.is_empty() {
        return Html::default();
    }
    let governing = election_core::contract::governing(view.entries.iter());
    let newest = view.entries.iter().map(|e| e.payload().sequence).max();
    let items: Html = view
        .entries
        .iter()
        .rev()
        .map(|entry| {
            let p = entry.payload();
            let key = entry.key().to_owned();
            let kind = if p.is_withdrawal() {
                "Withdrawal"
            } else if p.sequence > 1 {
                "Change"
            } else {
                "Election"
            };
            let action = |make: fn(String) -> EntryAction| {
                let (cb, key) = (on_action.clone(), key.clone());
                Callback::from(move |_: MouseEvent| cb.emit(make(key.clone())))
            };
            let sentence = status_sentence(offer, entry);
            let is_newest = Some(p.sequence) == newest;
            html! {
                <li key={key.clone()} class={classes!("ew-outbox-entry", state_class(&entry.status))} data-sequence={p.sequence.to_string()}>
                    <h3>{ format!("Election {}: {}", p.sequence, what(entry, f)) }</h3>
                    <p class="ew-muted ew-small">
                        { format!("{kind} signed by {} at {}", p.signed_name, offer_time(offer, entry.signed_at_ms as f64)) }
                        if entry.from_backend { { " (from the company's record; signed on another device)" } }
                    </p>
                    if is_newest {
                        <p class="ew-outbox-status" role="status" aria-live="polite">{ sentence }</p>
                    } else {
                        <p class="ew-outbox-status">{ sentence }</p>
                    }
                    if let Status::Rejected { details, .. } = &entry.status {
                        if !details.is_empty() {
                            <ul>{ for details.iter().map(|d| html! { <li>{ d.clone() }</li> }) }</ul>
                        }
                    }
                    <div class="ew-actions">
                        if matches!(entry.status, Status::Retrying { .. } | Status::ReceiptInvalid { .. }) {
                            <button type="button" class="ew-button ew-button-secondary" onclick={action(EntryAction::Retry)}>
                                { if matches!(entry.status, Status::ReceiptInvalid { .. }) { "Ask again" } else { "Try again now" } }
                            </button>
                        }
                        if entry.receipt().is_some() {
                            <button type="button" class="ew-button ew-button-secondary" onclick={action(EntryAction::DownloadReceipt)}>
                                { format!("Download receipt for election {}", p.sequence) }
                            </button>
                        }
                        <button type="button" class="ew-button ew-button-secondary" onclick={action(EntryAction::DownloadElection)}>
                            { format!("Download signed election {}", p.sequence) }
                        </button>
                    </div>
                </li>
            }
        })
        .collect();
    html! {
        <section class="ew-section ew-outbox" aria-labelledby="ew-outbox-heading">
            <h2 id="ew-outbox-heading">{ "Your signed elections" }</h2>
            if let Some(problem) = &view.storage_problem {
                <p class="ew-note ew-warning" role="alert">
                    { format!("Signed elections cannot be kept on this device ({problem}): keep this page open until yours is delivered, or download it.") }
                </p>
            }
            if let Some(reason) = &view.session_key {
                <p class="ew-note ew-warning">
                    { format!("Your signing key lasts only while this page is open: {reason}. Elections you sign still count once delivered.") }
                </p>
            }
            if let Some(problem) = &view.backend_problem {
                <p class="ew-note ew-warning">
                    { format!("Your record at {} could not be checked: {problem}.", offer.issuer.name) }
                </p>
            }
            if let Some(problem) = &view.sign_problem {
                <p class="ew-note ew-warning" role="alert">{ format!("Your election was not signed: {problem}") }</p>
            }
            if let Some(why) = &view.checkpoint_warning {
                <p class="ew-note ew-warning" role="alert" data-state="checkpoint-diverged">
                    { format!("Warning: {}'s record of elections no longer extends what it showed this device before ({why}). Keep your receipts and the checkpoint below, and tell {} and your legal contact.", offer.issuer.name, offer.issuer.name) }
                </p>
            }
            <p class="ew-governing">
                { match governing {
                    Some(g) => match delivery::on_new_terms(g, offer, holder, f) {
                        Some(now) => format!("In effect: election {} ({}). {now}", g.payload().sequence, what(g, f)),
                        None => format!("In effect: election {} ({}).", g.payload().sequence, what(g, f)),
                    },
                    None if view.entries.is_empty() => "You have not signed an election.".to_owned(),
                    None => "No election of yours has been confirmed as received before the deadline yet.".to_owned(),
                } }
            </p>
            if !view.entries.is_empty() {
                <ol class="ew-outbox-list" reversed=true>{ items }</ol>
            }
            if let Some(cp) = &view.checkpoint {
                <p class="ew-muted ew-small ew-checkpoint">
                    { format!("The receiver's signed checkpoint: {} held {} at {}. ", cp.checkpoint.received_by, f.plural(cp.checkpoint.count, "receipt", "receipts"), offer_time(offer, cp.checkpoint.at_ms as f64)) }
                    <button type="button" class="ew-button ew-button-secondary" onclick={{
                        let cb = on_action.clone();
                        Callback::from(move |_: MouseEvent| cb.emit(EntryAction::DownloadCheckpoint))
                    }}>{ "Download checkpoint" }</button>
                </p>
            }
        </section>
    }
}

/// The code that signs and sends did not load (the page fetches it after its first
/// render): said, with a way to try again (it is also tried when the connection returns).
pub fn courier_unavailable(problem: &str, on_reload: &Callback<()>) -> Html {
    let reload = on_reload.reform(|_: MouseEvent| ());
    html! {
        <section class="ew-section ew-outbox" aria-labelledby="ew-outbox-heading">
            <h2 id="ew-outbox-heading">{ "Your signed elections" }</h2>
            <p class="ew-note ew-warning" role="alert">
                { format!("Your signed elections cannot be shown or sent yet: {problem} (the connection may be down). Nothing you chose is lost. ") }
                <button type="button" class="ew-button ew-button-secondary" onclick={reload}>{ "Try again" }</button>
            </p>
        </section>
    }
}
