//! The readers of an offer file: the offer itself ([`Offer::read`], which then runs the
//! checks that span its parts, `checks.rs`), its schema version, and each part except
//! the exchange terms (`terms.rs`).

use serde_json::Value;

use super::cusip::cusip;
use super::model::{
    Amendment, ChangeKind, Contact, Document, DocumentKind, ExchangeTerms, Expiration, Issuer,
    Offer, Plan, SectionRef, Securities, Source, OFFER_SCHEMA_VERSION,
};
use crate::problem::{JsonPath, Problems};
use crate::read::{
    array, boolean, date, ident, instant, non_empty_array, one_of, text, whole, Obj,
};

impl Offer {
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

pub(super) fn source(value: &Value, path: JsonPath, pr: &Problems) -> Option<Source> {
    one_of(&[
        ("seed", Source::Seed),
        ("illustrative", Source::Illustrative),
    ])(value, path, pr)
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
