//! What the employee was shown, provably: a digest of exactly the legal texts of each
//! document, and of all of them together, so that an election can carry it and anyone
//! can later check which text the employee saw.
//!
//! Each digest is SHA-256 over RFC 8785 (JCS) canonical JSON. The legal texts' digest
//! covers the documents' titles, dates and exhibit numbers, each amendment's place, kind
//! and new text (and the prior text where shown), and the deadline as worded.
//! Plain-language notes and summaries are not legal text and are left out, so rewording a
//! note does not change what an employee acknowledged.
//!
//! The offer's disclosure digest (`disclosure/v2`, what a signed election carries) covers
//! the legal texts' digest as one component and the terms that set the consideration as
//! the other: the exchange ratios (tiers and ratios set by grant), their rounding, the
//! new award's kind and how much of a grant may be tendered. An election therefore proves
//! the terms it was made on as well as the texts. A notice of amendment that changes the
//! consideration (`changes_consideration`, the latest such notice) binds those terms in
//! its own digest too, so that a change of terms asks the employee to acknowledge again.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::offer::{
    Amendment, AwardKind, ChangeKind, Document, DocumentKind, GrantKey, Offer, PartialTender,
    Ratio, Rounding, SectionRef,
};

/// The `digest` member of the disclosure digest's canonical JSON: its version.
pub const DISCLOSURE_DIGEST_VERSION: &str = "disclosure/v2";

/// A SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    fn of_canonical<T: Serialize>(value: &T) -> Digest {
        Digest(Sha256::digest(canonical(value)).into())
    }

    /// Lower-case hex, 64 characters.
    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The first 16 hex digits in groups of four, `1a2b 3c4d 5e6f 7a8b`: enough to compare
    /// by eye; the full value is [`Digest::hex`].
    pub fn fingerprint(&self) -> String {
        let hex = self.hex();
        (0..4)
            .map(|i| &hex[i * 4..i * 4 + 4])
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", self.hex())
    }
}

#[derive(Serialize)]
struct AmendmentText<'a> {
    number: u64,
    section: &'a SectionRef,
    page: Option<u64>,
    change: ChangeKind,
    location: &'a str,
    text: &'a str,
    prior_text: Option<&'a str>,
}

impl<'a> From<&'a Amendment> for AmendmentText<'a> {
    fn from(a: &'a Amendment) -> Self {
        AmendmentText {
            number: a.number,
            section: &a.section,
            page: a.page,
            change: a.change,
            location: &a.location,
            text: &a.text,
            prior_text: a.prior_text.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct DocumentText<'a> {
    id: &'a str,
    kind: DocumentKind,
    title: &'a str,
    date: NaiveDate,
    exhibit: Option<&'a str>,
    amends: Option<&'a str>,
    preamble: Option<&'a str>,
    amendments: Vec<AmendmentText<'a>>,
    /// Only in the notice that binds the terms ([`binds_consideration`]): absent, not
    /// null, elsewhere, so that documents that change no terms keep their digests.
    #[serde(skip_serializing_if = "Option::is_none")]
    consideration: Option<ConsiderationText<'a>>,
}

impl<'a> DocumentText<'a> {
    fn of(offer: &'a Offer, d: &'a Document) -> Self {
        DocumentText {
            id: &d.id,
            kind: d.kind,
            title: &d.title,
            date: d.date,
            exhibit: d.exhibit.as_deref(),
            amends: d.amends.as_deref(),
            preamble: d.preamble.as_deref(),
            amendments: d.amendments.iter().map(AmendmentText::from).collect(),
            consideration: binds_consideration(offer, d).then(|| ConsiderationText::of(offer)),
        }
    }
}

/// Whether `doc` is the notice whose digest binds the terms that set the consideration:
/// the latest notice of amendment that says it changes them.
pub fn binds_consideration(offer: &Offer, doc: &Document) -> bool {
    doc.changes_consideration
        && offer
            .notices()
            .filter(|d| d.changes_consideration)
            .last()
            .is_some_and(|last| last.id == doc.id)
}

/// The terms that set what a tendered grant gives. Prices are written in their shortest
/// form (`30.00` and `30` are one price); summaries are left out, as notes are.
#[derive(Serialize)]
struct ConsiderationText<'a> {
    award: AwardKind,
    tiers: Vec<TierText>,
    #[serde(skip_serializing_if = "Option::is_none")]
    by_grant: Option<ByGrantText<'a>>,
    rounding: Rounding,
    whole_grant: bool,
    /// Only where parts of grants are taken.
    partial: Option<PartialTender>,
    all_grants_at_same_price: bool,
    /// Only where vested and unvested options may be tendered apart (`true`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    portions: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    cash_instead: Option<CashText<'a>>,
}

#[derive(Serialize)]
struct CashText<'a> {
    below: u64,
    per_award: String,
    countries: &'a [String],
}

#[derive(Serialize)]
struct TierText {
    from_exercise_price: String,
    old: u64,
    new: u64,
}

#[derive(Serialize)]
struct ByGrantText<'a> {
    basis: &'a str,
    keyed_by: &'a [GrantKey],
    ratios: Vec<GrantRatioText<'a>>,
}

#[derive(Serialize)]
struct GrantRatioText<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    grant_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    grant_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exercise_price: Option<String>,
    #[serde(flatten)]
    ratio: Ratio,
}

impl<'a> ConsiderationText<'a> {
    fn of(offer: &'a Offer) -> Self {
        let t = &offer.terms;
        let price = |p: rust_decimal::Decimal| p.normalize().to_string();
        ConsiderationText {
            award: offer.award(),
            tiers: t
                .exchange_ratio
                .tiers
                .iter()
                .map(|tier| TierText {
                    from_exercise_price: price(tier.from_exercise_price),
                    old: tier.old,
                    new: tier.new,
                })
                .collect(),
            by_grant: t.exchange_ratio.by_grant.as_ref().map(|b| ByGrantText {
                basis: &b.basis,
                keyed_by: &b.keyed_by,
                ratios: b
                    .ratios
                    .iter()
                    .map(|r| GrantRatioText {
                        grant_id: r.grant_id.as_deref(),
                        plan: r.plan.as_deref(),
                        grant_date: r.grant_date,
                        exercise_price: r.exercise_price.map(price),
                        ratio: r.ratio,
                    })
                    .collect(),
            }),
            rounding: t.exchange_ratio.rounding,
            whole_grant: t.tender_rules.whole_grant,
            partial: (!t.tender_rules.whole_grant).then_some(t.tender_rules.partial),
            all_grants_at_same_price: t.tender_rules.all_grants_at_same_price,
            portions: t.tender_rules.portions,
            cash_instead: t.cash_instead.as_ref().map(|c| CashText {
                below: c.below,
                per_award: price(c.per_award),
                countries: &c.countries,
            }),
        }
    }
}

#[derive(Serialize)]
struct OfferText<'a> {
    offer_id: &'a str,
    deadline: &'a str,
    documents: Vec<DocumentText<'a>>,
}

/// The disclosure digest's canonical JSON: its version, the legal texts' digest, and the
/// terms that set the consideration.
#[derive(Serialize)]
struct DisclosureText<'a> {
    digest: &'static str,
    legal_texts: String,
    consideration: ConsiderationText<'a>,
}

/// JCS bytes of a legal-text structure. JCS fails only on non-finite numbers and on maps
/// whose keys are not strings; these structures hold strings, integers and dates only, so
/// the error arm cannot run. (It panics with a fixed message rather than `expect`, whose
/// formatting of the error would bring Debug machinery into the wasm bundle.)
pub(crate) fn canonical<T: Serialize>(value: &T) -> Vec<u8> {
    match crate::jcs::to_vec(value) {
        Ok(bytes) => bytes,
        Err(_) => panic!("legal-text structures always canonicalise"),
    }
}

/// The canonical bytes hashed for a document (exposed for test vectors and receivers).
pub fn canonical_document(offer: &Offer, doc: &Document) -> Vec<u8> {
    canonical(&DocumentText::of(offer, doc))
}

/// The canonical bytes hashed for an amendment ([`amendment_digest`]).
pub fn canonical_amendment(a: &Amendment) -> Vec<u8> {
    canonical(&AmendmentText::from(a))
}

/// The canonical bytes hashed for the legal texts ([`legal_texts_digest`]).
pub fn canonical_legal_texts(offer: &Offer) -> Vec<u8> {
    canonical(&offer_text(offer))
}

/// The canonical bytes hashed for the offer's disclosure digest ([`offer_digest`]).
pub fn canonical_offer(offer: &Offer) -> Vec<u8> {
    canonical(&disclosure_text(offer))
}

fn offer_text(offer: &Offer) -> OfferText<'_> {
    OfferText {
        offer_id: &offer.id,
        deadline: &offer.expiration.legal_wording,
        documents: offer
            .documents
            .iter()
            .map(|d| DocumentText::of(offer, d))
            .collect(),
    }
}

fn disclosure_text(offer: &Offer) -> DisclosureText<'_> {
    DisclosureText {
        digest: DISCLOSURE_DIGEST_VERSION,
        legal_texts: legal_texts_digest(offer).hex(),
        consideration: ConsiderationText::of(offer),
    }
}

/// The digest of one document's legal text (with the terms, for the notice that binds
/// them: [`binds_consideration`]).
pub fn document_digest(offer: &Offer, doc: &Document) -> Digest {
    Digest::of_canonical(&DocumentText::of(offer, doc))
}

/// The digest of one amendment's legal text (to tell which amendments are new).
pub fn amendment_digest(a: &Amendment) -> Digest {
    Digest::of_canonical(&AmendmentText::from(a))
}

/// The digest of every legal text the widget shows for the offer: every document and the
/// deadline as worded (the first version of the disclosure digest, now its component).
pub fn legal_texts_digest(offer: &Offer) -> Digest {
    Digest::of_canonical(&offer_text(offer))
}

/// The disclosure digest (`disclosure/v2`): the legal texts' digest and the terms that
/// set the consideration. The signed election carries it.
pub fn offer_digest(offer: &Offer) -> Digest {
    Digest::of_canonical(&disclosure_text(offer))
}

/// An employee's acknowledgment that they read a document, as it stood: its digest, and
/// each amendment's, so that a later change can be shown as exactly what is new.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Acknowledgment {
    pub document_id: String,
    pub digest: String,
    #[serde(default)]
    pub amendments: BTreeMap<u64, String>,
}

impl Acknowledgment {
    /// Acknowledges `doc`, of `offer`, as it is now.
    pub fn of(offer: &Offer, doc: &Document) -> Acknowledgment {
        DocumentDigests::of(offer, doc).acknowledge(&doc.id)
    }
}

/// The digests of one document and of each of its amendments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentDigests {
    pub document: Digest,
    /// (amendment number, digest), in the document's order.
    pub amendments: Vec<(u64, Digest)>,
}

impl DocumentDigests {
    pub fn of(offer: &Offer, doc: &Document) -> Self {
        DocumentDigests {
            document: document_digest(offer, doc),
            amendments: doc
                .amendments
                .iter()
                .map(|a| (a.number, amendment_digest(a)))
                .collect(),
        }
    }

    /// An acknowledgment of the document these digests are of.
    pub fn acknowledge(&self, document_id: &str) -> Acknowledgment {
        Acknowledgment {
            document_id: document_id.to_owned(),
            digest: self.document.hex(),
            amendments: self.amendments.iter().map(|(n, d)| (*n, d.hex())).collect(),
        }
    }

    /// Where an acknowledgment stands against the document as it is now.
    pub fn status(&self, document_id: &str, ack: Option<&Acknowledgment>) -> AckStatus {
        let Some(ack) = ack else {
            return AckStatus::Missing;
        };
        if ack.document_id == document_id && ack.digest == self.document.hex() {
            return AckStatus::Current;
        }
        let new_amendments = self
            .amendments
            .iter()
            .filter(|(n, d)| ack.amendments.get(n) != Some(&d.hex()))
            .map(|(n, _)| *n)
            .collect();
        AckStatus::Changed { new_amendments }
    }
}

/// Every digest of an offer's legal texts, computed once: what the widget shows as
/// fingerprints and checks acknowledgments against, without hashing again on each render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disclosure {
    /// The digest the signed election carries.
    pub offer: Digest,
    /// (document id, digests), in the offer's order: a handful, so a list serves.
    documents: Vec<(String, DocumentDigests)>,
}

impl Disclosure {
    pub fn of(offer: &Offer) -> Self {
        Disclosure {
            offer: offer_digest(offer),
            documents: offer
                .documents
                .iter()
                .map(|d| (d.id.clone(), DocumentDigests::of(offer, d)))
                .collect(),
        }
    }

    pub fn document(&self, id: &str) -> Option<&DocumentDigests> {
        self.documents.iter().find(|(d, _)| d == id).map(|(_, g)| g)
    }

    /// Where the employee stands with the document `id` (Missing for an unknown id).
    pub fn status(&self, id: &str, ack: Option<&Acknowledgment>) -> AckStatus {
        self.document(id)
            .map_or(AckStatus::Missing, |d| d.status(id, ack))
    }
}

/// Where an employee stands with one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AckStatus {
    /// Acknowledged as it stands.
    Current,
    /// Never acknowledged.
    Missing,
    /// Acknowledged, but the document changed since; these amendments are new or changed.
    Changed { new_amendments: Vec<u64> },
}

pub fn ack_status(offer: &Offer, doc: &Document, ack: Option<&Acknowledgment>) -> AckStatus {
    DocumentDigests::of(offer, doc).status(&doc.id, ack)
}

/// The documents still to be acknowledged (missing or changed), in the offer's order. An
/// election can be signed only when this is empty.
pub fn unacknowledged<'a>(
    offer: &'a Offer,
    acks: &BTreeMap<String, Acknowledgment>,
) -> Vec<(&'a Document, AckStatus)> {
    offer
        .documents
        .iter()
        .map(|d| (d, ack_status(offer, d, acks.get(&d.id))))
        .filter(|(_, s)| *s != AckStatus::Current)
        .collect()
}

/// A run of words in a comparison of prior and new legal text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffPart {
    Same(String),
    Removed(String),
    Added(String),
}

/// The text as words, each with the white space that follows it (any leading white space
/// is a token of its own): a diff then works on whole words, and the tokens reassemble the
/// text exactly.
fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev_space = true;
    for (i, c) in text.char_indices() {
        let space = c.is_whitespace();
        // A word starts where white space ends.
        if !space && prev_space && i > start {
            out.push(&text[start..i]);
            start = i;
        }
        prev_space = space;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// A word-level comparison of `prior` with `new`, consecutive runs of one kind merged.
/// (The small `diff` crate's LCS: legal paragraphs are a few hundred words, and a larger
/// diff library cost about 40 KB of the widget's bundle.)
pub fn word_diff(prior: &str, new: &str) -> Vec<DiffPart> {
    let (old, new) = (words(prior), words(new));
    let mut parts: Vec<DiffPart> = Vec::new();
    for result in diff::slice(&old, &new) {
        match (result, parts.last_mut()) {
            (diff::Result::Both(w, _), Some(DiffPart::Same(s)))
            | (diff::Result::Left(w), Some(DiffPart::Removed(s)))
            | (diff::Result::Right(w), Some(DiffPart::Added(s))) => s.push_str(w),
            (diff::Result::Both(w, _), _) => parts.push(DiffPart::Same((*w).to_owned())),
            (diff::Result::Left(w), _) => parts.push(DiffPart::Removed((*w).to_owned())),
            (diff::Result::Right(w), _) => parts.push(DiffPart::Added((*w).to_owned())),
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_diffs_merge_runs() {
        let parts = word_diff(
            "The conditions may be asserted at any time.",
            "The conditions can only be asserted before this offer expires.",
        );
        let text = |p: &DiffPart| match p {
            DiffPart::Same(s) => format!("={s}"),
            DiffPart::Removed(s) => format!("-{s}"),
            DiffPart::Added(s) => format!("+{s}"),
        };
        let joined: Vec<String> = parts.iter().map(text).collect();
        assert_eq!(joined[0], "=The conditions ");
        assert!(joined.iter().any(|p| p.starts_with("-may")));
        assert!(joined.iter().any(|p| p.starts_with("+can only")));
        // Reassembling the kept and added parts gives the new text.
        let rebuilt: String = parts
            .iter()
            .filter_map(|p| match p {
                DiffPart::Same(s) | DiffPart::Added(s) => Some(s.as_str()),
                DiffPart::Removed(_) => None,
            })
            .collect();
        assert_eq!(
            rebuilt,
            "The conditions can only be asserted before this offer expires."
        );
    }

    #[test]
    fn words_keep_the_text() {
        assert_eq!(words("a  b\nc"), ["a  ", "b\n", "c"]);
        assert_eq!(words(""), Vec::<&str>::new());
        assert_eq!(words(" x y "), [" ", "x ", "y "]);
    }

    #[test]
    fn fingerprints() {
        let d = Digest([0xab; 32]);
        assert_eq!(d.hex().len(), 64);
        assert_eq!(d.fingerprint(), "abab abab abab abab");
    }
}
