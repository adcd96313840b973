//! The readers of an offer's exchange terms: eligibility, the exchange ratio and its
//! tiers, the tender rules, the lookback and the new grant's timing. Every term carries
//! its `source` and a `summary`.

use serde_json::Value;

use super::model::{
    AwardKind, Eligibility, ExchangeRatio, ExchangeTerms, HolderExclusions, Lookback, NewAward,
    NewGrantTiming, PartialTender, PriceBasis, PriceReference, RatioTier, Rounding, Source,
    TenderRules,
};
use super::reader::source;
use crate::problem::{JsonPath, Problems};
use crate::read::{
    array, boolean, country, date, ident, non_empty_array, one_of, price, text, whole_between, Obj,
    MAX_OPTIONS,
};

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
    pub(super) fn read(value: &Value, path: JsonPath, pr: &Problems) -> Option<Self> {
        let mut o = Obj::new(value, path, pr)?;
        let eligibility = o.req("eligibility", |v, p, pr| {
            term(v, p, pr, |o| {
                let plans = o.req("plans", |v, p, pr| non_empty_array(v, p, pr, ident));
                let o_has_min = o.has("min_exercise_price");
                let min = o.opt("min_exercise_price", price);
                let basis = o.opt("min_exercise_price_basis", |v, p, pr| {
                    if !o_has_min {
                        pr.add(&p, "a basis needs the `min_exercise_price` it explains");
                        return None;
                    }
                    PriceBasis::read(v, p, pr)
                });
                let before = o.opt("granted_before", date);
                let granted_within = o.opt("granted_within_months", whole_between(1, 120));
                let expiring_within = o.opt("expiring_within_months", whole_between(1, 120));
                let holders = o.opt("excluded_holders", HolderExclusions::read);
                let ok = o.all_read(&[
                    ("min_exercise_price", min.is_some()),
                    ("min_exercise_price_basis", basis.is_some()),
                    ("granted_before", before.is_some()),
                    ("granted_within_months", granted_within.is_some()),
                    ("expiring_within_months", expiring_within.is_some()),
                    ("excluded_holders", holders.is_some()),
                ]);
                ok.then_some(Eligibility {
                    source: Source::Illustrative,
                    summary: String::new(),
                    plans: plans?,
                    min_exercise_price: min,
                    min_exercise_price_basis: basis,
                    granted_before: before,
                    granted_within_months: granted_within,
                    expiring_within_months: expiring_within,
                    excluded_holders: holders.unwrap_or_default(),
                })
            })
            .map(|(source, summary, eligibility)| Eligibility {
                source,
                summary,
                ..eligibility
            })
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
                let given = o.has("partial");
                let partial = o.opt("partial", |v, p, pr| {
                    if whole == Some(true) {
                        pr.add(&p, "`partial` applies only where `whole_grant` is false");
                        return None;
                    }
                    let mut o = Obj::new(v, p, pr)?;
                    let minimum = o.req("minimum", whole_between(1, MAX_OPTIONS));
                    let increment = o.req("increment", whole_between(1, MAX_OPTIONS));
                    let path = o.path().key("minimum");
                    o.finish();
                    let (minimum, increment) = (minimum?, increment?);
                    if !minimum.is_multiple_of(increment) {
                        pr.add(
                            &path,
                            format!("must be a multiple of `increment` ({increment}), found {minimum}: a part is both"),
                        );
                        return None;
                    }
                    Some(PartialTender { minimum, increment })
                });
                if given && partial.is_none() {
                    return None;
                }
                Some((whole?, same?, partial.unwrap_or_default()))
            })
            .map(
                |(source, summary, (whole_grant, all_grants_at_same_price, partial))| TenderRules {
                    source,
                    summary,
                    whole_grant,
                    partial,
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
        let given = o.has("new_award");
        let new_award = o.opt("new_award", |v, p, pr| {
            term(v, p, pr, |o| {
                let kind = o.req(
                    "kind",
                    one_of(&[
                        ("options", AwardKind::Options),
                        ("restricted_stock_units", AwardKind::RestrictedStockUnits),
                    ]),
                );
                let vesting = o.opt("vesting", text);
                Some((kind?, vesting))
            })
            .map(|(source, summary, (kind, vesting))| NewAward {
                source,
                summary,
                kind,
                vesting,
            })
        });
        o.finish();
        if given && new_award.is_none() {
            return None;
        }
        Some(ExchangeTerms {
            eligibility: eligibility?,
            exchange_ratio: exchange_ratio?,
            tender_rules: tender_rules?,
            lookback: lookback?,
            new_grant: new_grant?,
            new_award,
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

impl HolderExclusions {
    fn read(value: &Value, path: JsonPath, pr: &Problems) -> Option<Self> {
        let mut o = Obj::new(value, path, pr)?;
        let officers = o.opt("officers", boolean);
        let directors = o.opt("directors", boolean);
        let countries = o.opt("countries", |v, p, pr| array(v, p, pr, country));
        let ok = o.all_read(&[
            ("officers", officers.is_some()),
            ("directors", directors.is_some()),
            ("countries", countries.is_some()),
        ]);
        o.finish();
        ok.then(|| HolderExclusions {
            officers: officers.unwrap_or(false),
            directors: directors.unwrap_or(false),
            countries: countries.unwrap_or_default(),
        })
    }
}

impl PriceBasis {
    fn read(value: &Value, path: JsonPath, pr: &Problems) -> Option<Self> {
        let mut o = Obj::new(value, path, pr)?;
        let reference = o.req(
            "reference",
            one_of(&[
                ("52_week_high", PriceReference::FiftyTwoWeekHigh),
                ("closing_price", PriceReference::ClosingPrice),
            ]),
        );
        let as_of = o.req("as_of", date);
        let quoted_by = o.req("quoted_by", text);
        o.finish();
        Some(PriceBasis {
            reference: reference?,
            as_of: as_of?,
            quoted_by: quoted_by?,
        })
    }
}
