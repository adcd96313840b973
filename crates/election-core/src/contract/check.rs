//! A well-formed payload checked against the offer and the employee's grants as the
//! receiver has them ([`check_against`]), and why one does not fit ([`Mismatch`]).

use super::error::ErrorCode;
use super::payload::{Decision, ElectionPayload};
use crate::disclosure::{AckStatus, Disclosure};
use crate::{rules, Holder, Offer};

/// Why a well-formed payload does not fit the offer a receiver serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// Another offer altogether.
    UnknownOffer(String),
    /// This offer, but an earlier or later version of it.
    StaleVersion { sent: u64, current: u64 },
    /// The employee saw other legal texts than the offer's.
    Disclosure { sent: String, current: String },
    /// A document not acknowledged, or acknowledged as it stood before a change.
    NotAcknowledged(Vec<String>),
    /// Decisions for grants of the employee's that are not eligible for the offer: a
    /// payload has a decision for each eligible grant and for no other.
    IneligibleGrantDecision {
        /// The grant ids, in the payload's order.
        grants: Vec<String>,
        /// For each, why it is not eligible, in words.
        reasons: Vec<String>,
    },
    /// The decisions break the offer's rules or do not match the employee's grants:
    /// `code` is the first broken rule's own, `problems` names every one.
    Rules {
        code: ErrorCode,
        problems: Vec<String>,
    },
}

/// Checks a well-formed payload against the offer and the employee's grants as the
/// receiver has them, in the order a person would want to hear about it: the offer, its
/// version, the texts shown, the acknowledgments, then the rules.
///
/// `disclosure` is [`Disclosure::of`] the offer, computed once by the caller: hashing the
/// legal texts on every election would be most of a receiver's work.
pub fn check_against(
    offer: &Offer,
    disclosure: &Disclosure,
    holder: &Holder,
    payload: &ElectionPayload,
) -> Result<(), Mismatch> {
    if payload.offer_id != offer.id {
        return Err(Mismatch::UnknownOffer(payload.offer_id.clone()));
    }
    if payload.offer_version != offer.version {
        return Err(Mismatch::StaleVersion {
            sent: payload.offer_version,
            current: offer.version,
        });
    }
    let current = disclosure.offer.hex();
    if payload.disclosure_digest != current {
        return Err(Mismatch::Disclosure {
            sent: payload.disclosure_digest.clone(),
            current,
        });
    }
    let missing: Vec<String> = offer
        .documents
        .iter()
        .filter(|doc| {
            let ack = payload
                .acknowledgments
                .iter()
                .find(|a| a.document_id == doc.id);
            disclosure.status(&doc.id, ack) != AckStatus::Current
        })
        .map(|doc| format!("{} ({})", doc.title, doc.id))
        .collect();
    if !missing.is_empty() {
        return Err(Mismatch::NotAcknowledged(missing));
    }
    let mut ineligible = Vec::new();
    let mut reasons = Vec::new();
    for d in &payload.decisions {
        let Some(grant) = holder.grants.iter().find(|g| g.id == d.grant_id) else {
            continue;
        };
        if let Err(why) = rules::eligibility(offer, &holder.employee, grant) {
            let words: Vec<String> = why.iter().map(|r| r.describe(offer)).collect();
            reasons.push(format!(
                "grant {} is not eligible ({}), so it takes no decision",
                grant.id,
                words.join("; ")
            ));
            ineligible.push(grant.id.clone());
        }
    }
    if !ineligible.is_empty() {
        return Err(Mismatch::IneligibleGrantDecision {
            grants: ineligible,
            reasons,
        });
    }
    let broken = payload.election().check(offer, holder);
    let mut code = broken.first().map(|v| v.code());
    let mut problems: Vec<String> = broken.iter().map(|v| v.describe(offer)).collect();
    let listed: std::collections::BTreeSet<&str> = payload
        .decisions
        .iter()
        .map(|d| d.grant_id.as_str())
        .collect();
    for grant in &holder.grants {
        if rules::eligibility(offer, &holder.employee, grant).is_ok()
            && !listed.contains(grant.id.as_str())
        {
            code.get_or_insert(ErrorCode::MissingDecision);
            problems.push(format!(
                "eligible grant {} has no decision (exchange or keep)",
                grant.id
            ));
        }
    }
    for d in &payload.decisions {
        if d.decision == Decision::Keep && !holder.grants.iter().any(|g| g.id == d.grant_id) {
            code.get_or_insert(ErrorCode::UnknownGrant);
            problems.push(format!(
                "grant {} is not one of the employee's grants",
                d.grant_id
            ));
        }
    }
    match code {
        None => Ok(()),
        Some(code) => Err(Mismatch::Rules { code, problems }),
    }
}
