//! The readers of an offer's exchange terms: eligibility, the exchange ratio and its
//! tiers, the tender rules, the lookback and the new grant's timing. Every term carries
//! its `source` and a `summary`.

use serde_json::Value;

use super::model::{
    AwardKind, CashInstead, Eligibility, ExchangeRatio, ExchangeTerms, GrantKey, GrantRatio,
    GrantRatios, HolderExclusions, Lookback, NewAward, NewGrantTiming, PartialTender, PriceBasis,
    PriceReference, Ratio, RatioTier, Rounding, Source, TenderRules,
};
use super::reader::source;
use crate::problem::{JsonPath, Problems};
use crate::read::{
    array, boolean, country, date, ident, indexed_array, non_empty_array, one_of, price, text,
    whole_between, Obj, MAX_OPTIONS,
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
                let per_grant = o.has("by_grant");
                let by_grant = o.opt("by_grant", GrantRatios::read);
                // Tiers may be left out only where every ratio is set by grant.
                let tiers = if per_grant && !o.has("tiers") {
                    o.opt("tiers", |_, _, _| None::<Vec<RatioTier>>);
                    Some(Vec::new())
                } else {
                    o.req("tiers", |v, p, pr| {
                        non_empty_array(v, p, pr, RatioTier::read)
                    })
                };
                if per_grant && by_grant.is_none() {
                    return None;
                }
                let rounding = o.req(
                    "rounding",
                    one_of(&[
                        ("down", Rounding::Down),
                        ("nearest", Rounding::Nearest),
                        ("up", Rounding::Up),
                    ]),
                );
                Some((tiers?, by_grant, rounding?))
            })
            .map(
                |(source, summary, (tiers, by_grant, rounding))| ExchangeRatio {
                    source,
                    summary,
                    tiers,
                    by_grant,
                    rounding,
                },
            )
        });
        let tender_rules = o.req("tender_rules", |v, p, pr| {
            term(v, p, pr, |o| {
                let whole = o.req("whole_grant", boolean);
                let same = o.req("all_grants_at_same_price", boolean);
                let portions = o.opt("portions", |v, p, pr| {
                    let portions = boolean(v, p.clone(), pr)?;
                    if portions && whole == Some(false) {
                        pr.add(&p, "`portions` applies only where `whole_grant` is true: where parts of grants are taken, any number of options may be tendered");
                        return None;
                    }
                    Some(portions)
                });
                if o.has("portions") && portions.is_none() {
                    return None;
                }
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
                Some((whole?, same?, partial.unwrap_or_default(), portions.unwrap_or(false)))
            })
            .map(
                |(source, summary, (whole_grant, all_grants_at_same_price, partial, portions))| {
                    TenderRules {
                        source,
                        summary,
                        whole_grant,
                        partial,
                        all_grants_at_same_price,
                        portions,
                    }
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
        let cash_given = o.has("cash_instead");
        let cash_instead = o.opt("cash_instead", |v, p, pr| {
            term(v, p, pr, |o| {
                let below = o.req("below", whole_between(1, MAX_OPTIONS));
                let path = o.path().key("per_award");
                let per_award = o.req("per_award", price).and_then(|p| {
                    let cents = crate::display::whole_cents(p);
                    if cents.is_none() {
                        pr.add(&path, "must be whole cents, such as \"9.00\"");
                    }
                    Some((p, cents?))
                });
                let countries = o.opt("countries", |v, p, pr| array(v, p, pr, country));
                let ok = o.all_read(&[("countries", countries.is_some())]);
                ok.then_some(())?;
                Some((below?, per_award?, countries.unwrap_or_default()))
            })
            .map(
                |(source, summary, (below, (per_award, per_award_cents), countries))| CashInstead {
                    source,
                    summary,
                    below,
                    per_award,
                    per_award_cents,
                    countries,
                },
            )
        });
        o.finish();
        if (given && new_award.is_none()) || (cash_given && cash_instead.is_none()) {
            return None;
        }
        Some(ExchangeTerms {
            eligibility: eligibility?,
            exchange_ratio: exchange_ratio?,
            tender_rules: tender_rules?,
            lookback: lookback?,
            new_grant: new_grant?,
            new_award,
            cash_instead,
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

impl GrantRatios {
    fn read(value: &Value, path: JsonPath, pr: &Problems) -> Option<Self> {
        let mut o = Obj::new(value, path, pr)?;
        let basis = o.req("basis", text);
        let keyed_by = o.req("keyed_by", |v, p, pr| {
            let keys = non_empty_array(v, p.clone(), pr, one_of(&GrantKey::ALL))?;
            let mut ok = true;
            // A few keys: compared pairwise rather than through a map's code.
            for (i, key) in keys.iter().enumerate() {
                if keys[..i].contains(key) {
                    pr.add(&p.index(i), "names a key twice");
                    ok = false;
                }
            }
            if keys.contains(&GrantKey::GrantId) && keys.len() > 1 {
                pr.add(
                    &p,
                    "`grant_id` identifies a grant alone: key by it or by attributes, not both",
                );
                ok = false;
            }
            ok.then_some(keys)
        });
        let keys = keyed_by.clone().unwrap_or_default();
        let ratios = o.req("ratios", |v, p, pr| {
            let read = indexed_array(v, p.clone(), pr, |v, p, pr| {
                GrantRatio::read(v, p, pr, &keys)
            })?;
            if v.as_array().is_some_and(Vec::is_empty) {
                pr.add(&p, "must have at least one element");
                return None;
            }
            let whole = Some(read.len()) == v.as_array().map(Vec::len);
            let mut unique = true;
            // Pairwise: tables are small, and `==` takes `30.0` and `30.00` as one price.
            for (i, (at, entry)) in read.iter().enumerate() {
                let same = |(_, other): &(usize, GrantRatio)| {
                    other.grant_id == entry.grant_id
                        && other.plan == entry.plan
                        && other.grant_date == entry.grant_date
                        && other.exercise_price == entry.exercise_price
                };
                if let Some((first, _)) = read[..i].iter().find(|o| same(o)) {
                    pr.add(
                        &p.index(*at),
                        format!("the same grant as `ratios[{first}]`: a grant has one ratio"),
                    );
                    unique = false;
                }
            }
            (whole && unique).then(|| read.into_iter().map(|(_, r)| r).collect())
        });
        o.finish();
        Some(GrantRatios {
            basis: basis?,
            keyed_by: keyed_by?,
            ratios: ratios?,
        })
    }
}

impl GrantRatio {
    fn read(value: &Value, path: JsonPath, pr: &Problems, keys: &[GrantKey]) -> Option<Self> {
        let mut o = Obj::new(value, path.clone(), pr)?;
        let mut ok = true;
        let mut entry = GrantRatio {
            grant_id: None,
            plan: None,
            grant_date: None,
            exercise_price: None,
            ratio: Ratio { old: 1, new: 1 },
        };
        for (name, key) in GrantKey::ALL {
            if keys.contains(&key) {
                let read = match key {
                    GrantKey::GrantId => o.req(name, ident).map(|v| entry.grant_id = Some(v)),
                    GrantKey::Plan => o.req(name, ident).map(|v| entry.plan = Some(v)),
                    GrantKey::GrantDate => o.req(name, date).map(|v| entry.grant_date = Some(v)),
                    GrantKey::ExercisePrice => {
                        o.req(name, price).map(|v| entry.exercise_price = Some(v))
                    }
                };
                ok &= read.is_some();
            } else {
                if o.has(name) {
                    pr.add(
                        &path.key(name),
                        format!(
                            "`keyed_by` does not name `{name}`: every ratio gives exactly its keys"
                        ),
                    );
                    ok = false;
                }
                // Known here, though not given: it is a key of other tables.
                o.opt(name, |_, _, _| None::<()>);
            }
        }
        let old = o.req("old", whole_between(1, 1000));
        let new = o.req("new", whole_between(1, 1000));
        o.finish();
        entry.ratio = Ratio {
            old: old?,
            new: new?,
        };
        ok.then_some(entry)
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
