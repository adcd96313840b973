//! An offer to exchange options: who makes it, under which plans, the documents that make
//! it up (with amendments quoted verbatim), when it expires, and the exchange terms.
//!
//! Every offer is data. Terms the filing itself gives are marked [`Source::Seed`]; terms a
//! demonstration had to supply are marked [`Source::Illustrative`] and the widget says so.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use crate::problem::{JsonPath, Problems};
use crate::read::{
    array, boolean, date, duplicates, ident, instant, non_empty_array, one_of, price, text, whole,
    whole_between, Obj,
};

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
    /// Only grants made before this day may be tendered.
    pub granted_before: Option<NaiveDate>,
}

/// How many new options a tendered grant gives, by exercise-price tier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExchangeRatio {
    pub source: Source,
    pub summary: String,
    /// Sorted by `from_exercise_price`, strictly increasing; a tier runs up to the next.
    pub tiers: Vec<RatioTier>,
    pub rounding: Rounding,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RatioTier {
    pub from_exercise_price: Decimal,
    /// `old` options tendered give `new` new options.
    pub old: u64,
    pub new: u64,
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
    /// Tendering one grant at a given exercise price requires tendering all at that price.
    pub all_grants_at_same_price: bool,
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

    /// Reads an offer from a JSON value, reporting every problem found.
    pub(crate) fn read(value: &Value, pr: &Problems) -> Option<Offer> {
        let mut o = Obj::new(value, JsonPath::root(), pr)?;
        o.req("schema_version", schema_version);
        let id = o.req("id", ident);
        let version = o.req("version", whole(1));
        let title = o.req("title", text);
        let issuer = o.req("issuer", Issuer::read);
        let securities = o.req("securities", Securities::read);
        let plans = o.req("plans", |v, p, pr| non_empty_array(v, p, pr, Plan::read));
        let opened_on = o.req("opened_on", date);
        let documents = o.req("documents", |v, p, pr| {
            non_empty_array(v, p, pr, Document::read)
        });
        let expiration = o.req("expiration", Expiration::read);
        let contacts = o.req("contacts", |v, p, pr| {
            non_empty_array(v, p, pr, Contact::read)
        });
        let terms = o.req("terms", ExchangeTerms::read);
        let root = o.path().clone();
        o.finish();

        let offer = Offer {
            id: id?,
            version: version?,
            title: title?,
            issuer: issuer?,
            securities: securities?,
            plans: plans?,
            opened_on: opened_on?,
            documents: documents?,
            expiration: expiration?,
            contacts: contacts?,
            terms: terms?,
        };
        offer.check_references(&root, pr);
        Some(offer)
    }

    /// Reports `id` at `path` unless it names one of the offer's plans.
    pub(crate) fn check_plan(&self, id: &str, path: &JsonPath, pr: &Problems) {
        if self.plan(id).is_none() {
            let known: Vec<String> = self.plans.iter().map(|p| format!("`{}`", p.id)).collect();
            pr.add(
                path,
                format!(
                    "unknown plan `{id}` (the offer's plans are {})",
                    known.join(", ")
                ),
            );
        }
    }

    /// Rules that span parts of the document: ids that refer to other ids, and dates that
    /// must come in order.
    fn check_references(&self, root: &JsonPath, pr: &Problems) {
        let plans_path = root.key("plans");
        duplicates(self.plans.iter().map(|p| p.id.as_str()), |i, first| {
            pr.add(
                &plans_path.index(i).key("id"),
                format!(
                    "duplicate plan id `{}` (also at $.plans[{first}])",
                    self.plans[i].id
                ),
            )
        });
        self.check_plan(
            &self.securities.new_options_plan,
            &root.key("securities").key("new_options_plan"),
            pr,
        );
        let elig = root.key("terms").key("eligibility").key("plans");
        for (i, id) in self.terms.eligibility.plans.iter().enumerate() {
            self.check_plan(id, &elig.index(i), pr);
        }

        let docs_path = root.key("documents");
        duplicates(self.documents.iter().map(|d| d.id.as_str()), |i, first| {
            pr.add(
                &docs_path.index(i).key("id"),
                format!(
                    "duplicate document id `{}` (also at $.documents[{first}])",
                    self.documents[i].id
                ),
            )
        });
        let offers = self
            .documents
            .iter()
            .filter(|d| d.kind == DocumentKind::OfferToExchange)
            .count();
        if offers != 1 {
            pr.add(
                &docs_path,
                format!(
                    "must list exactly one document of kind `offer_to_exchange`, found {offers}"
                ),
            );
        }
        for (i, doc) in self.documents.iter().enumerate() {
            let path = docs_path.index(i);
            match (doc.kind, &doc.amends) {
                (DocumentKind::NoticeOfAmendment, None) => pr.add(
                    &path,
                    "a notice of amendment must say which document it `amends`",
                ),
                (DocumentKind::NoticeOfAmendment, Some(target)) => match self.document(target) {
                    None => pr.add(
                        &path.key("amends"),
                        format!("no document has the id `{target}`"),
                    ),
                    Some(amended) if amended.date > doc.date => pr.add(
                        &path.key("date"),
                        format!(
                            "the notice is dated {} but amends a document dated later, {}",
                            doc.date, amended.date
                        ),
                    ),
                    Some(_) => {}
                },
                (DocumentKind::OfferToExchange, Some(_)) => pr.add(
                    &path.key("amends"),
                    "only a notice of amendment amends another document",
                ),
                (DocumentKind::OfferToExchange, None) => {}
            }
            match doc.kind {
                DocumentKind::NoticeOfAmendment if doc.amendments.is_empty() => pr.add(
                    &path.key("amendments"),
                    "a notice of amendment must list its amendments",
                ),
                DocumentKind::OfferToExchange if !doc.amendments.is_empty() => pr.add(
                    &path.key("amendments"),
                    "amendments belong in a notice of amendment, not in the offer itself",
                ),
                _ => {}
            }
            duplicates(doc.amendments.iter().map(|a| a.number), |j, first| {
                pr.add(
                    &path.key("amendments").index(j).key("number"),
                    format!(
                        "duplicate amendment number {} (also at amendments[{first}])",
                        doc.amendments[j].number
                    ),
                )
            });
            if doc.date < self.opened_on && doc.kind == DocumentKind::NoticeOfAmendment {
                pr.add(
                    &path.key("date"),
                    format!(
                        "a notice of amendment dated {} comes before the offer opened on {}",
                        doc.date, self.opened_on
                    ),
                );
            }
        }

        if self.expiration.instant.date_naive() <= self.opened_on {
            pr.add(
                &root.key("expiration").key("instant"),
                format!(
                    "the offer must expire after it opens on {}, but expires {}",
                    self.opened_on,
                    self.expiration.instant.to_rfc3339()
                ),
            );
        }
        if let Some(problem) =
            crate::timing::wording_problem(&self.expiration.legal_wording, self.expiration.instant)
        {
            pr.add(&root.key("expiration").key("legal_wording"), problem);
        }
        let tiers = &self.terms.exchange_ratio.tiers;
        for (i, pair) in tiers.windows(2).enumerate() {
            if pair[1].from_exercise_price <= pair[0].from_exercise_price {
                pr.add(
                    &root
                        .key("terms")
                        .key("exchange_ratio")
                        .key("tiers")
                        .index(i + 1)
                        .key("from_exercise_price"),
                    format!(
                        "tiers must go up in price: {} does not come after {}",
                        pair[1].from_exercise_price, pair[0].from_exercise_price
                    ),
                );
            }
        }
    }
}

pub(crate) fn schema_version(value: &Value, path: JsonPath, pr: &Problems) -> Option<u64> {
    let v = whole(1)(value, path.clone(), pr)?;
    if v == OFFER_SCHEMA_VERSION {
        Some(v)
    } else {
        pr.add(
            &path,
            format!(
                "unsupported schema_version {v}: this widget reads version {OFFER_SCHEMA_VERSION}"
            ),
        );
        None
    }
}

fn source(value: &Value, path: JsonPath, pr: &Problems) -> Option<Source> {
    one_of(&[
        ("seed", Source::Seed),
        ("illustrative", Source::Illustrative),
    ])(value, path, pr)
}

/// A CUSIP: nine characters whose last is a check digit over the first eight.
fn cusip(value: &Value, path: JsonPath, pr: &Problems) -> Option<String> {
    let s = text(value, path.clone(), pr)?;
    match cusip_check_digit(&s) {
        Some(check) if s.len() == 9 && s.as_bytes()[8] == check => Some(s),
        Some(check) if s.len() == 9 => {
            pr.add(
                &path,
                format!(
                    "`{s}` fails the CUSIP check digit (expected {} as the ninth character)",
                    check as char
                ),
            );
            None
        }
        _ => {
            pr.add(
                &path,
                format!(
                    "`{}` is not a CUSIP: nine characters, digits and capital letters",
                    crate::read::clip(&s)
                ),
            );
            None
        }
    }
}

/// The check digit of a CUSIP (the "modulus 10 double-add-double" of its first eight
/// characters), or `None` when those are not CUSIP characters.
pub fn cusip_check_digit(cusip: &str) -> Option<u8> {
    let bytes = cusip.as_bytes();
    if bytes.len() < 8 {
        return None;
    }
    let mut sum = 0u32;
    for (i, &b) in bytes[..8].iter().enumerate() {
        let mut v = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            b'*' => 36,
            b'@' => 37,
            b'#' => 38,
            _ => return None,
        };
        if i % 2 == 1 {
            v *= 2;
        }
        sum += v / 10 + v % 10;
    }
    // The value is below 10, so the cast cannot truncate.
    Some(b'0' + ((10 - sum % 10) % 10) as u8)
}

/// An IANA zone name such as `America/New_York` or `UTC`. Whether the zone exists is
/// checked where a time-zone database is at hand; here only its form.
fn time_zone(value: &Value, path: JsonPath, pr: &Problems) -> Option<String> {
    let s = text(value, path.clone(), pr)?;
    let well_formed = s == "UTC"
        || (s.contains('/')
            && !s.starts_with('/')
            && !s.ends_with('/')
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+')));
    if well_formed {
        Some(s)
    } else {
        pr.add(
            &path,
            format!(
                "`{}` is not an IANA time zone name such as America/New_York",
                crate::read::clip(&s)
            ),
        );
        None
    }
}

impl Issuer {
    fn read(value: &Value, path: JsonPath, pr: &Problems) -> Option<Self> {
        let mut o = Obj::new(value, path, pr)?;
        let name = o.req("name", text);
        let address = o.req("address", |v, p, pr| non_empty_array(v, p, pr, text));
        let incorporated_in = o.opt("incorporated_in", text);
        let cusip = o.req("cusip", cusip);
        o.finish();
        Some(Issuer {
            name: name?,
            address: address?,
            incorporated_in,
            cusip: cusip?,
        })
    }
}

impl Securities {
    fn read(value: &Value, path: JsonPath, pr: &Problems) -> Option<Self> {
        let mut o = Obj::new(value, path, pr)?;
        let title = o.req("title", text);
        let new_options_plan = o.req("new_options_plan", ident);
        o.finish();
        Some(Securities {
            title: title?,
            new_options_plan: new_options_plan?,
        })
    }
}

impl Plan {
    fn read(value: &Value, path: JsonPath, pr: &Problems) -> Option<Self> {
        let mut o = Obj::new(value, path, pr)?;
        let id = o.req("id", ident);
        let name = o.req("name", text);
        let short_name = o.req("short_name", text);
        o.finish();
        Some(Plan {
            id: id?,
            name: name?,
            short_name: short_name?,
        })
    }
}

impl Document {
    fn read(value: &Value, path: JsonPath, pr: &Problems) -> Option<Self> {
        let mut o = Obj::new(value, path, pr)?;
        let id = o.req("id", ident);
        let kind = o.req(
            "kind",
            one_of(&[
                ("offer_to_exchange", DocumentKind::OfferToExchange),
                ("notice_of_amendment", DocumentKind::NoticeOfAmendment),
            ]),
        );
        let title = o.req("title", text);
        let date = o.req("date", date);
        let exhibit = o.opt("exhibit", text);
        let amends = o.opt("amends", ident);
        let preamble = o.opt("preamble", text);
        let changes_consideration = o.opt("changes_consideration", boolean);
        let given = o.has("amendments");
        let amendments = o.opt("amendments", |v, p, pr| array(v, p, pr, Amendment::read));
        o.finish();
        Some(Document {
            id: id?,
            kind: kind?,
            title: title?,
            date: date?,
            exhibit,
            amends,
            preamble,
            changes_consideration: changes_consideration.unwrap_or(false),
            amendments: if given { amendments? } else { Vec::new() },
        })
    }
}

impl Amendment {
    fn read(value: &Value, path: JsonPath, pr: &Problems) -> Option<Self> {
        let mut o = Obj::new(value, path, pr)?;
        let number = o.req("number", whole(1));
        let section = o.req("section", |v, p, pr| {
            let mut s = Obj::new(v, p, pr)?;
            let number = s.req("number", text);
            let title = s.req("title", text);
            s.finish();
            Some(SectionRef {
                number: number?,
                title: title?,
            })
        });
        let page = o.opt("page", whole(1));
        let change = o.req(
            "change",
            one_of(&[
                ("paragraph_replaced", ChangeKind::ParagraphReplaced),
                ("sentence_replaced", ChangeKind::SentenceReplaced),
                (
                    "paragraph_inserted_after",
                    ChangeKind::ParagraphInsertedAfter,
                ),
            ]),
        );
        let location = o.req("location", text);
        let new_text = o.req("text", text);
        let prior_text = o.opt("prior_text", text);
        let plain_language = o.opt("plain_language", text);
        let path = o.path().clone();
        o.finish();
        if let (Some(ChangeKind::ParagraphInsertedAfter), Some(_)) = (change, &prior_text) {
            pr.add(
                &path.key("prior_text"),
                "an inserted paragraph replaces nothing, so it has no prior text",
            );
            return None;
        }
        Some(Amendment {
            number: number?,
            section: section?,
            page,
            change: change?,
            location: location?,
            text: new_text?,
            prior_text,
            plain_language,
        })
    }
}

impl Expiration {
    fn read(value: &Value, path: JsonPath, pr: &Problems) -> Option<Self> {
        let mut o = Obj::new(value, path, pr)?;
        let instant = o.req("instant", instant);
        let time_zone = o.req("time_zone", time_zone);
        let legal_wording = o.req("legal_wording", text);
        let source = o.req("source", source);
        o.finish();
        Some(Expiration {
            instant: instant?,
            time_zone: time_zone?,
            legal_wording: legal_wording?,
            source: source?,
        })
    }
}

impl Contact {
    fn read(value: &Value, path: JsonPath, pr: &Problems) -> Option<Self> {
        let mut o = Obj::new(value, path.clone(), pr)?;
        let name = o.req("name", text);
        let phone = o.opt("phone", text);
        let email = o.opt("email", |v, p, pr| {
            let s = text(v, p.clone(), pr)?;
            let ok = s
                .split_once('@')
                .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'));
            if !ok {
                pr.add(
                    &p,
                    format!("`{}` is not an e-mail address", crate::read::clip(&s)),
                );
            }
            ok.then_some(s)
        });
        let any_way = o.has("phone") || o.has("email");
        o.finish();
        if !any_way {
            pr.add(&path, "a contact needs a `phone` or an `email`");
        }
        Some(Contact {
            name: name?,
            phone,
            email,
        })
    }
}

/// Reads the `source` and `summary` every term carries, then the term's own fields.
fn term<T>(
    value: &Value,
    path: JsonPath,
    pr: &Problems,
    fields: impl FnOnce(&mut Obj<'_>) -> Option<T>,
) -> Option<(Source, String, T)> {
    let mut o = Obj::new(value, path, pr)?;
    let src = o.req("source", source);
    let summary = o.req("summary", text);
    let own = fields(&mut o);
    o.finish();
    Some((src?, summary?, own?))
}

impl ExchangeTerms {
    fn read(value: &Value, path: JsonPath, pr: &Problems) -> Option<Self> {
        let mut o = Obj::new(value, path, pr)?;
        let eligibility = o.req("eligibility", |v, p, pr| {
            term(v, p, pr, |o| {
                let plans = o.req("plans", |v, p, pr| non_empty_array(v, p, pr, ident));
                let min = o.opt("min_exercise_price", price);
                let before = o.opt("granted_before", date);
                let ok = (!o.has("min_exercise_price") || min.is_some())
                    && (!o.has("granted_before") || before.is_some());
                ok.then_some((plans?, min, before))
            })
            .map(
                |(source, summary, (plans, min_exercise_price, granted_before))| Eligibility {
                    source,
                    summary,
                    plans,
                    min_exercise_price,
                    granted_before,
                },
            )
        });
        let exchange_ratio = o.req("exchange_ratio", |v, p, pr| {
            term(v, p, pr, |o| {
                let tiers = o.req("tiers", |v, p, pr| {
                    non_empty_array(v, p, pr, RatioTier::read)
                });
                let rounding = o.req(
                    "rounding",
                    one_of(&[
                        ("down", Rounding::Down),
                        ("nearest", Rounding::Nearest),
                        ("up", Rounding::Up),
                    ]),
                );
                Some((tiers?, rounding?))
            })
            .map(|(source, summary, (tiers, rounding))| ExchangeRatio {
                source,
                summary,
                tiers,
                rounding,
            })
        });
        let tender_rules = o.req("tender_rules", |v, p, pr| {
            term(v, p, pr, |o| {
                let whole = o.req("whole_grant", boolean);
                let same = o.req("all_grants_at_same_price", boolean);
                Some((whole?, same?))
            })
            .map(
                |(source, summary, (whole_grant, all_grants_at_same_price))| TenderRules {
                    source,
                    summary,
                    whole_grant,
                    all_grants_at_same_price,
                },
            )
        });
        let lookback = o.req("lookback", |v, p, pr| {
            term(v, p, pr, |o| o.req("months", whole_between(0, 120))).map(
                |(source, summary, months)| Lookback {
                    source,
                    summary,
                    months,
                },
            )
        });
        let new_grant = o.req("new_grant", |v, p, pr| {
            term(v, p, pr, |o| {
                let months = o.req("months_after_cancellation", whole_between(0, 120));
                let days = o.req("days_after", whole_between(0, 366));
                Some((months?, days?))
            })
            .map(
                |(source, summary, (months_after_cancellation, days_after))| NewGrantTiming {
                    source,
                    summary,
                    months_after_cancellation,
                    days_after,
                },
            )
        });
        o.finish();
        Some(ExchangeTerms {
            eligibility: eligibility?,
            exchange_ratio: exchange_ratio?,
            tender_rules: tender_rules?,
            lookback: lookback?,
            new_grant: new_grant?,
        })
    }
}

impl RatioTier {
    fn read(value: &Value, path: JsonPath, pr: &Problems) -> Option<Self> {
        let mut o = Obj::new(value, path, pr)?;
        let from = o.req("from_exercise_price", price);
        // Ratios are small numbers: 1 to 1,000 keeps every product of options far from
        // overflowing.
        let old = o.req("old", whole_between(1, 1000));
        let new = o.req("new", whole_between(1, 1000));
        o.finish();
        Some(RatioTier {
            from_exercise_price: from?,
            old: old?,
            new: new?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mpower_cusip_check_digit() {
        assert_eq!(cusip_check_digit("62473L10"), Some(b'1'));
        // Well-known CUSIPs: Apple 037833100, Cisco 17275R102.
        assert_eq!(cusip_check_digit("03783310"), Some(b'0'));
        assert_eq!(cusip_check_digit("17275R10"), Some(b'2'));
        assert_eq!(cusip_check_digit("abc"), None);
        assert_eq!(cusip_check_digit("62473l10"), None);
    }
}
