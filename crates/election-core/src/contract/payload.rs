//! The election as the employee signs it: [`ElectionPayload`] and its decisions, how the
//! widget builds one from an [`Election`] ([`ElectionPayload::build`]), the checks of its
//! form a receiver runs first ([`payload_problems`]), and its hash ([`payload_hash`]).

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use chrono::DateTime;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::disclosure::{canonical, offer_digest, Acknowledgment, Digest};
use crate::{rules, Election, Holder, Offer, Portion};

/// The `contract` value of an election payload.
pub const ELECTION_CONTRACT: &str = "election/v1";
/// The largest sequence number: JSON numbers are exact only up to 2^53.
pub const MAX_SEQUENCE: u64 = (1 << 53) - 1;

/// An employee's election, as signed. Every field is covered by the signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ElectionPayload {
    /// Always `"election/v1"`.
    pub contract: String,
    pub offer_id: String,
    pub offer_version: u64,
    /// SHA-256 (lower-case hex) of the offer's legal texts as the employee was shown them
    /// (`election_core::disclosure::offer_digest`).
    pub disclosure_digest: String,
    pub employee_id: String,
    /// One decision per eligible grant, sorted by grant id, each grant once.
    pub decisions: Vec<GrantDecision>,
    /// The documents the employee acknowledged, with the digests they saw.
    pub acknowledgments: Vec<Acknowledgment>,
    /// 1 for the employee's first election, higher for each change or withdrawal. The
    /// receiver accepts only a sequence above every one it has from the employee.
    pub sequence: u64,
    /// At least 16 random bytes, base64url without padding; never used twice.
    pub nonce: String,
    /// Chosen by the client once per election and reused on every retry of it, so a
    /// response lost after the server committed cannot make a second election.
    pub idempotency_key: String,
    /// The device's time when signed (RFC 3339). Informational only: the receiver's own
    /// receive time decides whether the election was on time.
    pub client_time: String,
    /// The signing key: its RFC 7638 JWK thumbprint.
    pub key_id: String,
    /// The employee's full name as they typed it to sign: their intent to sign.
    pub signed_name: String,
}

/// What the employee decided for one grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GrantDecision {
    pub grant_id: String,
    pub decision: Decision,
    /// Options tendered: when exchanged, the grant's outstanding options, or the part the
    /// employee chose where the offer takes parts of grants; 0 when kept.
    pub options: u64,
    /// Where the offer takes vested and unvested options separately and the employee
    /// tendered one of them: which (then `options` is that portion's). Absent otherwise:
    /// a receiver built before portions refuses a payload that has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portion: Option<Portion>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Exchange,
    Keep,
}

/// An election and its detached JWS: the body of `POST /v1/elections`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SignedElection {
    pub payload: ElectionPayload,
    /// Detached JWS (ES256) over the payload's canonical bytes.
    pub signature: String,
}

/// What identifies one signing of an election: chosen by the client, not derived from
/// the election's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signing {
    pub sequence: u64,
    pub nonce: String,
    pub idempotency_key: String,
    pub client_time: String,
    pub key_id: String,
    pub signed_name: String,
}

impl ElectionPayload {
    /// The payload for `election` under `offer`: a decision for each of the holder's
    /// eligible grants (in grant-id order), the offer's disclosure digest, and the
    /// acknowledgments given.
    pub fn build(
        offer: &Offer,
        holder: &Holder,
        election: &Election,
        acknowledgments: Vec<Acknowledgment>,
        signing: Signing,
    ) -> ElectionPayload {
        let mut decisions: Vec<GrantDecision> = holder
            .grants
            .iter()
            .filter(|g| rules::eligibility(offer, &holder.employee, g).is_ok())
            .map(|g| match election.tendered.get(&g.id) {
                Some(&options) if options > 0 => GrantDecision {
                    grant_id: g.id.clone(),
                    decision: Decision::Exchange,
                    options,
                    portion: election.portions.get(&g.id).copied(),
                },
                _ => GrantDecision {
                    grant_id: g.id.clone(),
                    decision: Decision::Keep,
                    options: 0,
                    portion: None,
                },
            })
            .collect();
        decisions.sort_by(|a, b| a.grant_id.cmp(&b.grant_id));
        let mut acknowledgments = acknowledgments;
        acknowledgments.sort_by(|a, b| a.document_id.cmp(&b.document_id));
        ElectionPayload {
            contract: ELECTION_CONTRACT.to_owned(),
            offer_id: offer.id.clone(),
            offer_version: offer.version,
            disclosure_digest: offer_digest(offer).hex(),
            employee_id: holder.employee.id.clone(),
            decisions,
            acknowledgments,
            sequence: signing.sequence,
            nonce: signing.nonce,
            idempotency_key: signing.idempotency_key,
            client_time: signing.client_time,
            key_id: signing.key_id,
            signed_name: signing.signed_name,
        }
    }

    /// The election this payload makes: the grants it exchanges.
    pub fn election(&self) -> Election {
        Election {
            offer_id: self.offer_id.clone(),
            offer_version: self.offer_version,
            employee_id: self.employee_id.clone(),
            tendered: self
                .decisions
                .iter()
                .filter(|d| d.decision == Decision::Exchange)
                .map(|d| (d.grant_id.clone(), d.options))
                .collect(),
            portions: self
                .decisions
                .iter()
                .filter_map(|d| Some((d.grant_id.clone(), d.portion?)))
                .collect(),
        }
    }

    /// True when the payload exchanges nothing: the employee keeps every grant.
    pub fn is_withdrawal(&self) -> bool {
        self.decisions.iter().all(|d| d.decision == Decision::Keep)
    }
}

/// SHA-256 of an election payload's canonical bytes: a receipt's `payload_hash`.
pub fn payload_hash(payload: &ElectionPayload) -> Digest {
    Digest(Sha256::digest(canonical(payload)).into())
}

/// Problems with an election payload's form, each naming its field; empty when well formed.
/// (Whether it fits the offer and the employee's grants is the receiver's next check.)
pub fn payload_problems(payload: &ElectionPayload) -> Vec<String> {
    let mut problems = Vec::new();
    if payload.contract != ELECTION_CONTRACT {
        problems.push(format!(
            "payload.contract must be {ELECTION_CONTRACT:?}, not {:?}",
            payload.contract
        ));
    }
    for (field, value) in [
        ("offer_id", &payload.offer_id),
        ("employee_id", &payload.employee_id),
    ] {
        if value.trim().is_empty() || value.len() > 200 {
            problems.push(format!("payload.{field} must be 1 to 200 characters"));
        }
    }
    if !is_hex_digest(&payload.disclosure_digest) {
        problems.push("payload.disclosure_digest must be 64 lower-case hex digits".into());
    }
    if payload.sequence == 0 || payload.sequence > MAX_SEQUENCE {
        problems.push(format!(
            "payload.sequence must be from 1 to {MAX_SEQUENCE}, not {}",
            payload.sequence
        ));
    }
    match B64.decode(&payload.nonce) {
        Ok(bytes) if (16..=64).contains(&bytes.len()) => {}
        _ => problems.push("payload.nonce must be 16 to 64 random bytes, base64url".into()),
    }
    let key = &payload.idempotency_key;
    if !(16..=128).contains(&key.len())
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        problems
            .push("payload.idempotency_key must be 16 to 128 letters, digits, '-' or '_'".into());
    }
    if DateTime::parse_from_rfc3339(&payload.client_time).is_err() {
        problems.push(format!(
            "payload.client_time must be an RFC 3339 time, not {:?}",
            payload.client_time
        ));
    }
    match B64.decode(&payload.key_id) {
        Ok(bytes) if bytes.len() == 32 => {}
        _ => {
            problems.push("payload.key_id must be a JWK SHA-256 thumbprint (43 characters)".into())
        }
    }
    let name = payload.signed_name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        problems.push(
            "payload.signed_name must be the employee's typed name, 1 to 200 characters".into(),
        );
    }
    for (i, pair) in payload.decisions.windows(2).enumerate() {
        if pair[0].grant_id >= pair[1].grant_id {
            problems.push(format!(
                "payload.decisions[{}]: grants must be sorted by grant_id, each once ({:?} after {:?})",
                i + 1,
                pair[1].grant_id,
                pair[0].grant_id
            ));
        }
    }
    for (i, d) in payload.decisions.iter().enumerate() {
        match d.decision {
            Decision::Keep if d.options != 0 => problems.push(format!(
                "payload.decisions[{i}]: a kept grant tenders 0 options, not {}",
                d.options
            )),
            Decision::Exchange if d.options == 0 => problems.push(format!(
                "payload.decisions[{i}]: an exchanged grant tenders its options, not 0"
            )),
            Decision::Keep if d.portion.is_some() => problems.push(format!(
                "payload.decisions[{i}]: a kept grant tenders no portion"
            )),
            _ => {}
        }
    }
    problems
}

fn is_hex_digest(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
