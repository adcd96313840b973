//! An offer to exchange options: who makes it, under which plans, the documents that make
//! it up (with amendments quoted verbatim), when it expires, and the exchange terms.
//!
//! Every offer is data. Terms the filing itself gives are marked [`Source::Seed`]; terms a
//! demonstration had to supply are marked [`Source::Illustrative`] and the widget says so.
//!
//! One module in files: `model.rs` (the types), `reader.rs` and `terms.rs` (reading them
//! from JSON, every problem with its path), `checks.rs` (the rules across parts) and
//! `cusip.rs`.

mod checks;
mod cusip;
mod model;
mod reader;
mod terms;

pub use cusip::cusip_check_digit;
pub use model::{
    Amendment, AwardKind, CashInstead, ChangeKind, Contact, Document, DocumentKind, Eligibility,
    ExchangeRatio, ExchangeTerms, Expiration, GrantKey, GrantRatio, GrantRatios, HolderExclusions,
    Issuer, Lookback, NewAward, NewGrantTiming, Offer, PartProblem, PartialTender, Plan,
    PriceBasis, PriceReference, Ratio, RatioTier, Rounding, SectionRef, Securities, Source,
    TenderRules, OFFER_SCHEMA_VERSION,
};
pub(crate) use reader::schema_version;
