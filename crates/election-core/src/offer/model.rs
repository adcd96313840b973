//! The offer's model: every type an offer file becomes (`Serialize` for output), and the
//! small accessors on them. How they are read is `reader.rs` and `terms.rs`.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

/// The offer file format this crate reads.
pub const OFFER_SCHEMA_VERSION: u64 = 1;

/// Where a term comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Stated in the filed offer documents.
    Seed,
    /// Not stated in the filing; supplied for demonstration and shown as such.
    Illustrative,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Offer {
    pub id: String,
    /// Revision of this offer's data; it goes up whenever the documents or terms change.
    pub version: u64,
    pub title: String,
    pub issuer: Issuer,
    pub securities: Securities,
    pub plans: Vec<Plan>,
    /// The day the offer commenced (the Schedule TO filing and the Offer to Exchange date).
    pub opened_on: NaiveDate,
    pub documents: Vec<Document>,
    pub expiration: Expiration,
    pub contacts: Vec<Contact>,
    pub terms: ExchangeTerms,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Issuer {
    pub name: String,
    pub address: Vec<String>,
    pub incorporated_in: Option<String>,
    /// CUSIP of the class of securities (for an option exchange, of the underlying stock).
    pub cusip: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Securities {
    /// The title of the class of securities sought, as on the Schedule TO cover.
    pub title: String,
    /// The plan under which new options are granted.
    pub new_options_plan: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub id: String,
    pub name: String,
    pub short_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    OfferToExchange,
    NoticeOfAmendment,
}

/// One document of the offer. The Offer to Exchange is listed even where its text is not
/// part of the data; notices of amendment carry each amendment's new text verbatim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    pub id: String,
    pub kind: DocumentKind,
    pub title: String,
    pub date: NaiveDate,
    /// The exhibit number on the Schedule TO, such as `(a)(11)`.
    pub exhibit: Option<String>,
    /// For a notice of amendment: the id of the document it amends.
    pub amends: Option<String>,
    /// Verbatim opening text of the document, where the data carries it.
    pub preamble: Option<String>,
    /// For a notice of amendment: whether it changes the consideration offered (the offer
    /// must then stay open 10 business days after it, not 5).
    pub changes_consideration: bool,
    pub amendments: Vec<Amendment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    ParagraphReplaced,
    SentenceReplaced,
    ParagraphInsertedAfter,
}

impl ChangeKind {
    /// How the change is named to a reader.
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::ParagraphReplaced => "Paragraph replaced",
            ChangeKind::SentenceReplaced => "Sentence replaced",
            ChangeKind::ParagraphInsertedAfter => "Paragraph inserted",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionRef {
    /// As the document numbers it: `7`, `17`.
    pub number: String,
    pub title: String,
}

impl SectionRef {
    /// `Section 7. Conditions of the Offer`, as the filing writes section headings.
    pub fn heading(&self) -> String {
        format!("Section {}. {}", self.number, self.title)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Amendment {
    pub number: u64,
    pub section: SectionRef,
    pub page: Option<u64>,
    pub change: ChangeKind,
    /// Which part of the section changes, in the filing's words: "the last paragraph".
    pub location: String,
    /// The new legal text, verbatim. Paragraphs are separated by a blank line.
    pub text: String,
    /// The legal text it replaces, verbatim, where the data has it (a word diff is shown).
    pub prior_text: Option<String>,
    /// What the change means, in plain words. Not legal text, and shown as such; not part
    /// of the disclosure digest.
    pub plain_language: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expiration {
    /// The moment the offer expires, with the UTC offset it was stated in (`-04:00` for
    /// Eastern Daylight Time), so that its local date is known without a zone database.
    pub instant: DateTime<FixedOffset>,
    /// The IANA time zone the offer is stated in, such as `America/New_York`.
    pub time_zone: String,
    /// The deadline exactly as the documents word it.
    pub legal_wording: String,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contact {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExchangeTerms {
    pub eligibility: Eligibility,
    pub exchange_ratio: ExchangeRatio,
    pub tender_rules: TenderRules,
    pub lookback: Lookback,
    pub new_grant: NewGrantTiming,
    /// What a tendered grant is exchanged for: new options (Mpower's, and when the offer
    /// does not say) or restricted stock units.
    pub new_award: Option<NewAward>,
    /// Cash instead of new awards for a grant that would give fewer than a minimum.
    pub cash_instead: Option<CashInstead>,
}

/// Cash instead of new awards (eBay 2009, in some countries): a tendered grant (or part)
/// that would give fewer than `below` new awards gives `per_award` for each instead.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CashInstead {
    pub source: Source,
    pub summary: String,
    /// A grant giving fewer new awards than this is paid in cash.
    pub below: u64,
    /// The cash paid for each new award the grant would have given.
    pub per_award: Decimal,
    /// The same in cents (whole cents, by the reader), for integer arithmetic: decimal
    /// addition and multiplication would bring several KB to the first screen's code.
    pub per_award_cents: u64,
    /// Only for employees working in these countries (ISO 3166-1 alpha-2); every
    /// employee where empty.
    pub countries: Vec<String>,
}

/// The award given for tendered options, with its own vesting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewAward {
    pub source: Source,
    pub summary: String,
    pub kind: AwardKind,
    /// How the new award vests, in the offer's words.
    pub vesting: Option<String>,
}

/// What kind of award a tendered grant gives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwardKind {
    /// New options, at the market price on the new grant date.
    #[default]
    Options,
    /// Restricted stock units: a share each when they vest, with no exercise price.
    RestrictedStockUnits,
}

impl AwardKind {
    /// `new option` / `new options`, `restricted stock unit` / `restricted stock units`.
    pub fn nouns(self) -> (&'static str, &'static str) {
        match self {
            AwardKind::Options => ("new option", "new options"),
            AwardKind::RestrictedStockUnits => ("restricted stock unit", "restricted stock units"),
        }
    }

    /// The heading of a column or a figure of them: `New options`, `New RSUs`.
    pub fn heading(self) -> &'static str {
        match self {
            AwardKind::Options => "New options",
            AwardKind::RestrictedStockUnits => "New RSUs",
        }
    }
}

impl Offer {
    /// What the offer gives for tendered options.
    pub fn award(&self) -> AwardKind {
        self.terms
            .new_award
            .as_ref()
            .map_or(AwardKind::Options, |a| a.kind)
    }
}

/// Which grants may be exchanged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Eligibility {
    pub source: Source,
    pub summary: String,
    /// Plans whose options may be tendered.
    pub plans: Vec<String>,
    /// Only grants with an exercise price at or above this may be tendered.
    pub min_exercise_price: Option<Decimal>,
    /// Where that price comes from, when it is derived from the market (a 52-week high,
    /// a closing price) rather than fixed: shown with the reason.
    pub min_exercise_price_basis: Option<PriceBasis>,
    /// Only grants made before this day may be tendered.
    pub granted_before: Option<NaiveDate>,
    /// Grants made in this many months before the offer opened are excluded (eBay 2009:
    /// the previous 12 months).
    pub granted_within_months: Option<u64>,
    /// Grants expiring within this many months after the offer opened are excluded.
    pub expiring_within_months: Option<u64>,
    /// Holders whose grants are excluded whatever the grant.
    pub excluded_holders: HolderExclusions,
}

/// The market figure a price threshold was taken from, as the offer gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceBasis {
    pub reference: PriceReference,
    /// The day the figure is as of.
    pub as_of: NaiveDate,
    /// Whose prices: "closing prices on the Nasdaq Global Select Market".
    pub quoted_by: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceReference {
    /// The highest price of the 52 weeks up to `as_of`.
    FiftyTwoWeekHigh,
    /// The closing price on `as_of`.
    ClosingPrice,
}

impl PriceBasis {
    /// `the stock's 52-week high as of February 27, 2009 (closing prices on …)`.
    pub fn describe_in(&self, style: &dyn crate::display::Style) -> String {
        let what = match self.reference {
            PriceReference::FiftyTwoWeekHigh => "the stock's 52-week high as of",
            PriceReference::ClosingPrice => "the stock's closing price on",
        };
        format!("{what} {} ({})", style.date(self.as_of), self.quoted_by)
    }
}

/// Who may not take part, by what the company's records say of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HolderExclusions {
    /// Executive officers (Section 16 officers) are excluded.
    pub officers: bool,
    /// Members of the board of directors are excluded.
    pub directors: bool,
    /// Holders in these countries (ISO 3166-1 alpha-2 codes) are excluded.
    pub countries: Vec<String>,
}

/// How many new awards a tendered grant gives: by exercise-price tier, by a ratio set for
/// each grant (value for value), or both (a grant's own ratio first).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExchangeRatio {
    pub source: Source,
    pub summary: String,
    /// Sorted by `from_exercise_price`, strictly increasing; a tier runs up to the next.
    /// Empty only where every ratio is set by grant.
    pub tiers: Vec<RatioTier>,
    /// Ratios set for particular grants, which come before the tiers.
    pub by_grant: Option<GrantRatios>,
    pub rounding: Rounding,
}

/// `old` options tendered give `new` new awards: `3 for 1`, `138 for 100` (1.38 for 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Ratio {
    pub old: u64,
    pub new: u64,
}

impl Ratio {
    /// `3 for 1`, `1.38 for 1` (138 for 100), `1 for 2`, `4 for 3`: as a person reads a
    /// ratio, per new award where that is a short decimal.
    pub fn describe(self) -> String {
        let (old, new) = (self.old.max(1), self.new.max(1));
        if new > old && new.is_multiple_of(old) {
            return format!("1 for {}", new / old);
        }
        // (The reader keeps both within 1,000; a ratio made otherwise cannot overflow here.)
        if let Some(hundredths) = old
            .checked_mul(100)
            .filter(|h| h.is_multiple_of(new))
            .map(|h| h / new)
        {
            let frac = hundredths % 100;
            let whole = hundredths / 100;
            return match frac {
                0 => format!("{whole} for 1"),
                f if f % 10 == 0 => format!("{whole}.{} for 1", f / 10),
                f => format!("{whole}.{f:02} for 1"),
            };
        }
        format!("{old} for {new}")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RatioTier {
    pub from_exercise_price: Decimal,
    /// `old` options tendered give `new` new options.
    pub old: u64,
    pub new: u64,
}

impl RatioTier {
    pub fn ratio(&self) -> Ratio {
        Ratio {
            old: self.old,
            new: self.new,
        }
    }
}

/// Ratios set grant by grant (Intel's 2009 exchange: value for value, from a pricing
/// model), keyed by the grant's id or by the attributes that set its value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GrantRatios {
    /// How the ratios were set, in the offer's words: shown with each one.
    pub basis: String,
    /// What identifies the grants a ratio is for: every entry gives exactly these, and no
    /// two entries give the same values, so a grant has at most one ratio of its own.
    pub keyed_by: Vec<GrantKey>,
    pub ratios: Vec<GrantRatio>,
}

/// A grant's attribute a per-grant ratio may be keyed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantKey {
    GrantId,
    Plan,
    GrantDate,
    ExercisePrice,
}

impl GrantKey {
    pub const ALL: [(&'static str, GrantKey); 4] = [
        ("grant_id", GrantKey::GrantId),
        ("plan", GrantKey::Plan),
        ("grant_date", GrantKey::GrantDate),
        ("exercise_price", GrantKey::ExercisePrice),
    ];
}

/// One grant's ratio (or the ratio of the grants with these attributes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GrantRatio {
    pub grant_id: Option<String>,
    pub plan: Option<String>,
    pub grant_date: Option<NaiveDate>,
    pub exercise_price: Option<Decimal>,
    pub ratio: Ratio,
}

impl GrantRatio {
    /// Whether this entry is the grant's: every attribute it gives is the grant's.
    pub fn matches(&self, grant: &crate::holder::Grant) -> bool {
        self.grant_id.as_ref().is_none_or(|id| *id == grant.id)
            && self.plan.as_ref().is_none_or(|p| *p == grant.plan)
            && self.grant_date.is_none_or(|d| d == grant.grant_date)
            && self
                .exercise_price
                .is_none_or(|p| p == grant.exercise_price)
    }
}

/// How a fractional number of new options becomes a whole number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    Down,
    Nearest,
    Up,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TenderRules {
    pub source: Source,
    pub summary: String,
    /// A grant is tendered in full or not at all.
    pub whole_grant: bool,
    /// Where part of a grant may be tendered (`whole_grant` false): how large a part.
    pub partial: PartialTender,
    /// Tendering one grant at a given exercise price requires tendering all at that price.
    pub all_grants_at_same_price: bool,
    /// A grant's vested and unvested options may be tendered separately (each portion
    /// whole), as well as the whole grant. Only where `whole_grant` is true.
    pub portions: bool,
}

/// How much of a grant may be tendered where the offer takes part of one. The whole grant
/// may always be tendered, whatever its size; a part must be at least `minimum` options
/// and a multiple of `increment`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PartialTender {
    pub minimum: u64,
    pub increment: u64,
}

impl Default for PartialTender {
    /// Any whole number of options.
    fn default() -> Self {
        PartialTender {
            minimum: 1,
            increment: 1,
        }
    }
}

impl TenderRules {
    /// Whether an employee chooses more than "whole grant or not" for a grant: a number
    /// of its options (parts) or its vested or unvested options (portions).
    pub fn takes_choices(&self) -> bool {
        !self.whole_grant || self.portions
    }

    /// Whether `tendered` of a grant's `outstanding` options is a part this offer takes
    /// (the whole grant always is; `None` when it is), or why not.
    pub fn part_problem(&self, tendered: u64, outstanding: u64) -> Option<PartProblem> {
        if tendered == 0 || tendered >= outstanding {
            return None;
        }
        if self.whole_grant {
            return Some(PartProblem::WholeGrantOnly);
        }
        if tendered < self.partial.minimum {
            return Some(PartProblem::BelowMinimum(self.partial.minimum));
        }
        if !tendered.is_multiple_of(self.partial.increment.max(1)) {
            return Some(PartProblem::NotInIncrements(self.partial.increment));
        }
        None
    }
}

/// Why a part of a grant cannot be tendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartProblem {
    /// The offer takes whole grants only.
    WholeGrantOnly,
    /// A part must be at least this many options.
    BelowMinimum(u64),
    /// A part must be a multiple of this many options.
    NotInIncrements(u64),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lookback {
    pub source: Source,
    pub summary: String,
    /// Tendering any grant requires tendering every eligible grant made this many months
    /// before the offer opened.
    pub months: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewGrantTiming {
    pub source: Source,
    pub summary: String,
    /// New options are granted on the first business day at least this many months …
    pub months_after_cancellation: u64,
    /// … and this many days after the tendered options are cancelled.
    pub days_after: u64,
}

impl Offer {
    pub fn plan(&self, id: &str) -> Option<&Plan> {
        self.plans.iter().find(|p| p.id == id)
    }

    pub fn document(&self, id: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.id == id)
    }

    /// The notices of amendment, oldest first.
    pub fn notices(&self) -> impl Iterator<Item = &Document> {
        self.documents
            .iter()
            .filter(|d| d.kind == DocumentKind::NoticeOfAmendment)
    }
}
