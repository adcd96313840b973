//! What the employee was shown, provably: a digest of exactly the legal texts of each
//! document, and of all of them together, so that an election can carry it and anyone
//! can later check which text the employee saw.
//!
//! The digest is SHA-256 over the RFC 8785 (JCS) canonical JSON of the legal texts: the
//! documents' titles, dates and exhibit numbers, each amendment's place, kind and new
//! text (and the prior text where shown), and the deadline as worded. Plain-language notes
//! and illustrative terms are not legal text and are left out, so rewording a note does
//! not change what an employee acknowledged.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::offer::{Amendment, ChangeKind, Document, DocumentKind, Offer, SectionRef};

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
}

impl<'a> From<&'a Document> for DocumentText<'a> {
    fn from(d: &'a Document) -> Self {
        DocumentText {
            id: &d.id,
            kind: d.kind,
            title: &d.title,
            date: d.date,
            exhibit: d.exhibit.as_deref(),
            amends: d.amends.as_deref(),
            preamble: d.preamble.as_deref(),
            amendments: d.amendments.iter().map(AmendmentText::from).collect(),
        }
    }
}

#[derive(Serialize)]
struct OfferText<'a> {
    offer_id: &'a str,
    deadline: &'a str,
    documents: Vec<DocumentText<'a>>,
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
pub fn canonical_document(doc: &Document) -> Vec<u8> {
    canonical(&DocumentText::from(doc))
}

/// The canonical bytes hashed for an amendment ([`amendment_digest`]).
pub fn canonical_amendment(a: &Amendment) -> Vec<u8> {
    canonical(&AmendmentText::from(a))
}

/// The canonical bytes hashed for the whole offer ([`offer_digest`]).
pub fn canonical_offer(offer: &Offer) -> Vec<u8> {
    canonical(&offer_text(offer))
}

fn offer_text(offer: &Offer) -> OfferText<'_> {
    OfferText {
        offer_id: &offer.id,
        deadline: &offer.expiration.legal_wording,
        documents: offer.documents.iter().map(DocumentText::from).collect(),
    }
}

/// The digest of one document's legal text.
pub fn document_digest(doc: &Document) -> Digest {
    Digest::of_canonical(&DocumentText::from(doc))
}

/// The digest of one amendment's legal text (to tell which amendments are new).
pub fn amendment_digest(a: &Amendment) -> Digest {
    Digest::of_canonical(&AmendmentText::from(a))
}

/// The digest of everything legal the widget shows for the offer: every document and the
/// deadline as worded. The signed election carries it.
pub fn offer_digest(offer: &Offer) -> Digest {
    Digest::of_canonical(&offer_text(offer))
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
    /// Acknowledges `doc` as it is now.
    pub fn of(doc: &Document) -> Acknowledgment {
        DocumentDigests::of(doc).acknowledge(&doc.id)
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
    pub fn of(doc: &Document) -> Self {
        DocumentDigests {
            document: document_digest(doc),
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
                .map(|d| (d.id.clone(), DocumentDigests::of(d)))
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

pub fn ack_status(doc: &Document, ack: Option<&Acknowledgment>) -> AckStatus {
    DocumentDigests::of(doc).status(&doc.id, ack)
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
        .map(|d| (d, ack_status(d, acks.get(&d.id))))
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
