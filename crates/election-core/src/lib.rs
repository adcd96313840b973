//! The domain of an employee stock-option exchange offer (an issuer tender offer under
//! SEC Rule 13e-4): offers, their amendments and terms, option holders and their grants.
//!
//! Pure Rust with no web dependencies, so that the browser widget and the receiving
//! backend share one definition of every rule. Data comes in as JSON text and is checked
//! by [`parse_offer`] and [`parse_holder`], which report every problem with its JSON path
//! rather than stopping at the first, and never panic. [`rules`] applies an offer's terms
//! to a grant, [`resolve`] applies them to an employee's picks, and [`value`] compares
//! what a choice is worth.

pub mod calendar;
pub mod contract;
pub mod disclosure;
pub mod display;
mod election;
pub mod grants_csv;
mod holder;
pub mod host_event;
pub mod jcs;
pub mod json;
mod offer;
pub mod origin;
mod problem;
mod read;
pub mod results;
pub mod rules;
pub mod timing;
pub mod value;

pub use election::{
    resolve, resolve_with, resolve_with_parts, Chosen, Election, GrantStatus, Portion, Requirement,
    Resolution, RuleViolation, Summary,
};
pub use holder::{Employee, Grant, Holder};
pub use host_event::{DeliveryEvent, Event, HostEvent};
pub use offer::{
    cusip_check_digit, Amendment, AwardKind, CashInstead, ChangeKind, Contact, Document,
    DocumentKind, Eligibility, ExchangeRatio, ExchangeTerms, Expiration, GrantKey, GrantRatio,
    GrantRatios, HolderExclusions, Issuer, Lookback, NewAward, NewGrantTiming, Offer, PartProblem,
    PartialTender, Plan, PriceBasis, PriceReference, Ratio, RatioTier, Rounding, SectionRef,
    Securities, Source, TenderRules, OFFER_SCHEMA_VERSION,
};
pub use problem::{JsonPath, Problem};
pub use rust_decimal::Decimal;

use problem::Problems;

/// The largest data file accepted. Offer and holder files are a few kilobytes; anything
/// near this size is a mistake (or an attack on the browser's memory).
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// Reads and checks an offer file.
pub fn parse_offer(json: &str) -> Result<Offer, Vec<Problem>> {
    let (value, duplicates) = parse_json(json)?;
    if has_members(&value, &["employee", "grants"], &["issuer", "documents"]) {
        return Err(wrong_file("an employee (holder) file", "an offer file"));
    }
    let pr = Problems::from(duplicates);
    let offer = Offer::read(&value, &pr);
    pr.finish(offer)
}

/// Reads and checks a holder file; given the offer, also that the holder's grants fit it
/// (the offer id matches, every plan is one of the offer's).
pub fn parse_holder(json: &str, offer: Option<&Offer>) -> Result<Holder, Vec<Problem>> {
    let (value, duplicates) = parse_json(json)?;
    if has_members(&value, &["issuer", "documents"], &["employee", "grants"]) {
        return Err(wrong_file("an offer file", "an employee (holder) file"));
    }
    let pr = Problems::from(duplicates);
    let holder = Holder::read(&value, offer, &pr);
    pr.finish(holder)
}

/// Whether `value` is an object with all of `present` and none of `absent`: how the loader
/// recognises the other kind of file given in the wrong place, a common slip.
fn has_members(value: &serde_json::Value, present: &[&str], absent: &[&str]) -> bool {
    value.as_object().is_some_and(|o| {
        present.iter().all(|k| o.contains_key(*k)) && !absent.iter().any(|k| o.contains_key(*k))
    })
}

fn wrong_file(is: &str, expected: &str) -> Vec<Problem> {
    vec![Problem {
        path: JsonPath::root(),
        message: format!("this is {is}, not {expected}: check which file was given where"),
    }]
}

/// The file's JSON, with a problem for each key written twice in one object (reported
/// with the file's other problems, so that HR sees them all in one pass).
fn parse_json(json: &str) -> Result<(serde_json::Value, Vec<Problem>), Vec<Problem>> {
    let root = JsonPath::root();
    if json.len() > MAX_FILE_BYTES {
        return Err(vec![Problem {
            path: root,
            message: format!(
                "the file is {} bytes, more than the {} bytes allowed",
                json.len(),
                MAX_FILE_BYTES
            ),
        }]);
    }
    let json = json.strip_prefix('\u{feff}').unwrap_or(json);
    // The slice reader, not the str reader: the canonicaliser parses with the slice reader
    // too, and one copy of serde_json's parser in the wasm bundle is about 10 KB smaller
    // than two.
    json::parse(json.as_bytes()).map_err(|e| {
        vec![Problem {
            path: root,
            message: format!("not valid JSON: {e}"),
        }]
    })
}
