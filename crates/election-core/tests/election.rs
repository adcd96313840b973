//! The offer's rules applied: eligibility, ratios, the look-back and same-price rules,
//! the new grant date, and validation of elections.

mod common;

use std::collections::BTreeSet;
use std::str::FromStr;

use chrono::NaiveDate;
use common::sample_holder;
use election_core::rules::{self, Ineligibility};
use election_core::{
    parse_holder, parse_offer, resolve, Decimal, Election, Grant, Holder, Offer, Requirement,
    RuleViolation,
};
use proptest::prelude::*;

const OFFER: &str = include_str!("../../../static/offers/mpower-2001.json");
const SINGLE: &str = include_str!("../../../static/holders/e1001-avery-lindqvist.json");
const DOZENS: &str = include_str!("../../../static/holders/e1002-jordan-okafor.json");
const NONE: &str = include_str!("../../../static/holders/e1003-priya-raman.json");

fn mpower() -> Offer {
    parse_offer(OFFER).expect("valid offer")
}

fn holder(json: &str) -> Holder {
    parse_holder(json, Some(&mpower())).expect("valid holder")
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn money(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

fn picks(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).to_owned()).collect()
}

fn grant(id: &str, plan: &str, granted: &str, price: &str, outstanding: u64) -> Grant {
    Grant {
        id: id.to_owned(),
        plan: plan.to_owned(),
        grant_date: d(granted),
        exercise_price: money(price),
        outstanding,
        vested: 0,
        expiration_date: d("2010-01-01"),
    }
}

#[test]
fn the_mpower_new_grant_is_expected_on_march_29_2002() {
    let offer = mpower();
    assert_eq!(rules::offer_expiration_date(&offer), d("2001-09-27"));
    assert_eq!(rules::cancellation_date(&offer), d("2001-09-28"));
    assert_eq!(rules::new_grant_date(&offer), Some(d("2002-03-29")));
    assert_eq!(rules::lookback_start(&offer), Some(d("2001-02-27")));
}

#[test]
fn eligibility_names_every_reason() {
    let offer = mpower();
    let mut g = grant("X", "holding", "2001-09-01", "4.00", 100);
    g.expiration_date = d("2001-09-27");
    let reasons = rules::eligibility(&offer, &election_core::Employee::default(), &g)
        .expect_err("ineligible");
    assert_eq!(
        reasons,
        [
            Ineligibility::PriceBelowMinimum {
                minimum: money("5.00")
            },
            Ineligibility::GrantedTooLate {
                granted_before: d("2001-08-27")
            },
            Ineligibility::ExpiresFirst {
                expires: d("2001-09-27"),
                offer_expires: d("2001-09-27")
            },
        ]
    );
    assert_eq!(
        reasons[0].describe(&offer),
        "the exercise price is below $5.00, the lowest this offer takes"
    );
    assert_eq!(
        reasons[1].describe(&offer),
        "only grants made before August 27, 2001 may be exchanged"
    );
    let mut offer_one_plan = offer.clone();
    offer_one_plan.terms.eligibility.plans = vec!["holding".into()];
    let pnh = grant("P", "pnh", "1999-01-01", "20.00", 100);
    let reasons = rules::eligibility(&offer_one_plan, &election_core::Employee::default(), &pnh)
        .expect_err("not covered");
    assert_eq!(
        reasons[0].describe(&offer),
        "options under the PNH Plan are not part of this offer"
    );
    assert!(rules::eligibility(&offer, &election_core::Employee::default(), &pnh).is_ok());
}

/// A grant must outlive the offer's expiration day (September 27, 2001, in the deadline's
/// own offset): the tendered options are accepted and cancelled after the offer closes.
#[test]
fn a_grant_must_outlive_the_day_the_offer_expires() {
    let offer = mpower();
    let expiring = |day: &str| {
        let mut g = grant("X", "holding", "1999-01-01", "20.00", 100);
        g.expiration_date = d(day);
        rules::eligibility(&offer, &election_core::Employee::default(), &g)
    };
    let reasons = expiring("2001-09-26").expect_err("expires the day before");
    assert_eq!(
        reasons,
        [Ineligibility::ExpiresFirst {
            expires: d("2001-09-26"),
            offer_expires: d("2001-09-27")
        }]
    );
    assert_eq!(
        reasons[0].describe(&offer),
        "the grant expires on September 26, 2001, before the offer expires on September 27, 2001"
    );
    let reasons = expiring("2001-09-27").expect_err("expires the same day");
    assert_eq!(reasons.len(), 1);
    assert_eq!(
        reasons[0].describe(&offer),
        "the grant expires on September 27, 2001, the day the offer expires, so it would have \
         lapsed before tendered options are accepted and cancelled (expected on September 28, 2001)"
    );
    assert_eq!(expiring("2001-09-28"), Ok(()), "expires the day after");
}

#[test]
fn ratios_follow_the_price_tiers() {
    let offer = mpower();
    let at = |price: &str, n: u64| {
        rules::new_options(&offer, &grant("G", "holding", "1999-01-01", price, n), n)
    };
    assert_eq!(at("5.00", 1001), Some(500)); // 2 for 1, rounded down
    assert_eq!(at("24.99", 1000), Some(500));
    assert_eq!(at("25.00", 1000), Some(333)); // 3 for 1
    assert_eq!(at("42.50", 12000), Some(4000));
    assert_eq!(at("4.99", 1000), None);
}

#[test]
fn the_single_grant_employee() {
    let offer = mpower();
    let h = holder(SINGLE);
    let r = resolve(&offer, &h, &picks(&["H-2000-0417"]));
    assert!(r.statuses[0].exchanged);
    assert_eq!(r.summary.sentence(), "Exchange 1 grant, 12,000 options, for 4,000 new options; new grant expected on or about March 29, 2002.");
    let none = resolve(&offer, &h, &BTreeSet::new());
    assert_eq!(
        none.summary.sentence(),
        "You are keeping all your options: no grant is chosen for exchange."
    );
    assert!(none.election.is_withdrawal());
}

#[test]
fn an_employee_with_no_eligible_grant_gets_reasons_for_each() {
    let offer = mpower();
    let h = holder(NONE);
    let r = resolve(&offer, &h, &picks(&["H-2001-0611"]));
    assert!(r.statuses.iter().all(|s| !s.eligible()));
    assert_eq!(r.summary.grants, 0);
    assert_eq!(r.ignored_picks, ["H-2001-0611"]);
}

#[test]
fn tendering_any_grant_pulls_in_the_lookback_grants_and_says_why() {
    let offer = mpower();
    let h = holder(DOZENS);
    let lookback: Vec<&Grant> = h
        .grants
        .iter()
        .filter(|g| {
            rules::in_lookback(&offer, g)
                && rules::eligibility(&offer, &election_core::Employee::default(), g).is_ok()
        })
        .collect();
    assert!(
        lookback.len() >= 2,
        "the sample has eligible look-back grants"
    );
    let old = h
        .grants
        .iter()
        .find(|g| {
            g.grant_date.to_string().starts_with("1999")
                && rules::eligibility(&offer, &election_core::Employee::default(), g).is_ok()
        })
        .expect("an eligible 1999 grant");
    let r = resolve(&offer, &h, &picks(&[&old.id]));
    for l in &lookback {
        let i = h.grants.iter().position(|g| g.id == l.id).expect("index");
        assert!(r.statuses[i].exchanged, "{} pulled in", l.id);
        assert_eq!(r.statuses[i].required, Some(Requirement::Lookback));
    }
    assert!(r.election.check(&offer, &h).is_empty());
    assert_eq!(r.summary.grants as usize, 1 + lookback.len());
    // A look-back grant picked alone is not forced on itself, but forces the others.
    let r = resolve(&offer, &h, &picks(&[&lookback[0].id]));
    let first = h
        .grants
        .iter()
        .position(|g| g.id == lookback[0].id)
        .expect("index");
    assert_eq!(r.statuses[first].required, None);
    assert_eq!(r.summary.grants as usize, lookback.len());
}

#[test]
fn the_same_price_rule_when_the_offer_has_it() {
    let mut offer = mpower();
    offer.terms.tender_rules.all_grants_at_same_price = true;
    offer.terms.lookback.months = 0;
    let h = sample_holder(vec![
        grant("A", "holding", "1999-01-01", "20.00", 100),
        grant("B", "holding", "1999-06-01", "20.00", 200),
        grant("C", "holding", "1999-07-01", "30.00", 300),
    ]);
    let r = resolve(&offer, &h, &picks(&["A"]));
    let exchanged: Vec<bool> = r.statuses.iter().map(|s| s.exchanged).collect();
    assert_eq!(exchanged, [true, true, false]);
    // A is the employee's own pick (unpicking it drops B too); B is required by it.
    assert_eq!(r.statuses[0].required, None);
    assert_eq!(r.statuses[1].required, Some(Requirement::SamePrice));
    let mut partial = r.election.clone();
    partial.tendered.remove("B");
    assert_eq!(
        partial.check(&offer, &h),
        [RuleViolation::SamePriceNotTendered {
            grant: "B".into(),
            price: money("20.00")
        }]
    );
    assert_eq!(
        partial.check(&offer, &h)[0].code().as_str(),
        "same_price_grant_left_out"
    );
}

#[test]
fn validation_names_every_broken_rule() {
    let offer = mpower();
    let h = holder(DOZENS);
    let lookback_id = h
        .grants
        .iter()
        .find(|g| {
            rules::in_lookback(&offer, g)
                && rules::eligibility(&offer, &election_core::Employee::default(), g).is_ok()
        })
        .map(|g| g.id.clone())
        .expect("a look-back grant");
    let ineligible = h
        .grants
        .iter()
        .find(|g| rules::eligibility(&offer, &election_core::Employee::default(), g).is_err())
        .expect("an ineligible grant");
    let eligible: Vec<&Grant> = h
        .grants
        .iter()
        .filter(|g| {
            rules::eligibility(&offer, &election_core::Employee::default(), g).is_ok()
                && !rules::in_lookback(&offer, g)
        })
        .collect();
    let mut e = Election::keep_all(&offer, &h);
    e.offer_version = 1;
    e.tendered.insert("NOPE".into(), 10);
    e.tendered
        .insert(ineligible.id.clone(), ineligible.outstanding);
    e.tendered
        .insert(eligible[0].id.clone(), eligible[0].outstanding - 1);
    e.tendered
        .insert(eligible[1].id.clone(), eligible[1].outstanding + 1);
    e.tendered.insert(eligible[2].id.clone(), 0);
    let broken = e.check(&offer, &h);
    let has = |f: &dyn Fn(&RuleViolation) -> bool| broken.iter().any(f);
    assert!(has(&|v| matches!(
        v,
        RuleViolation::WrongOffer {
            offer_version: 1,
            ..
        }
    )));
    assert!(has(
        &|v| matches!(v, RuleViolation::UnknownGrant { grant } if grant == "NOPE")
    ));
    assert!(has(
        &|v| matches!(v, RuleViolation::NotEligible { grant, .. } if *grant == ineligible.id)
    ));
    assert!(has(
        &|v| matches!(v, RuleViolation::PartOfGrant { grant, .. } if *grant == eligible[0].id)
    ));
    assert!(has(
        &|v| matches!(v, RuleViolation::MoreThanOutstanding { grant, .. } if *grant == eligible[1].id)
    ));
    assert!(has(
        &|v| matches!(v, RuleViolation::NoOptions { grant } if *grant == eligible[2].id)
    ));
    assert!(has(
        &|v| matches!(v, RuleViolation::LookbackNotTendered { grant } if *grant == lookback_id)
    ));
    for v in &broken {
        assert!(!v.describe(&offer).is_empty());
    }
    // Each rule has its own code in the contract, and each code is the receiver's.
    let codes: Vec<String> = broken
        .iter()
        .map(|v| v.code().as_str().to_owned())
        .collect();
    for code in [
        "ineligible_grant_decision",
        "whole_grants_only",
        "more_than_outstanding",
        "lookback_grant_left_out",
    ] {
        assert!(codes.iter().any(|c| c == code), "{code} in {codes:?}");
    }
    for v in &broken {
        assert_eq!(v.code().status().map(|s| s / 100), Some(4), "{v:?}");
    }
    let mut other = Election::keep_all(&offer, &h);
    other.employee_id = "E-0".into();
    assert_eq!(
        other.check(&offer, &h),
        [RuleViolation::WrongEmployee {
            employee_id: "E-0".into()
        }]
    );
}

fn arb_grants() -> impl Strategy<Value = Vec<Grant>> {
    let one = (
        prop_oneof![Just("holding"), Just("pnh")],
        // 1998-01-01 .. 2001-09-30
        0i64..1368,
        prop_oneof![
            Just("3.00"),
            Just("5.00"),
            Just("12.50"),
            Just("20.00"),
            Just("25.00"),
            Just("44.0625")
        ],
        1u64..20_000,
    );
    prop::collection::vec(one, 0..40).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (plan, day, price, n))| {
                let granted = d("1998-01-01") + chrono::Days::new(day as u64);
                let mut g = grant(&format!("G{i}"), plan, "1998-01-01", price, n);
                g.grant_date = granted;
                g
            })
            .collect()
    })
}

/// The grants whose bit is set in `mask` (bit i for grant i, wrapping at 64).
fn picks_from_mask(h: &Holder, mask: u64) -> BTreeSet<String> {
    h.grants
        .iter()
        .enumerate()
        .filter(|(i, _)| mask >> (i % 64) & 1 == 1)
        .map(|(_, g)| g.id.clone())
        .collect()
}

fn arb_offer() -> impl Strategy<Value = Offer> {
    (any::<bool>(), 0u64..12).prop_map(|(same_price, months)| {
        let mut o = mpower();
        o.terms.tender_rules.all_grants_at_same_price = same_price;
        o.terms.lookback.months = months;
        o
    })
}

proptest! {
    /// Rounding never gives more new options than the ratio allows (down), never fewer
    /// (up), and is within half an option (nearest).
    #[test]
    fn rounding_respects_the_ratio(n in 0u64..10_000_000, old in 1u64..10, new in 1u64..10) {
        let tier = election_core::Ratio { old, new };
        let exact = u128::from(n) * u128::from(new);
        let down = u128::from(rules::new_options_for(n, tier, election_core::Rounding::Down));
        let up = u128::from(rules::new_options_for(n, tier, election_core::Rounding::Up));
        let near = u128::from(rules::new_options_for(n, tier, election_core::Rounding::Nearest));
        let old = u128::from(old);
        prop_assert!(down * old <= exact && exact < (down + 1) * old);
        prop_assert!(up * old >= exact && (up == 0 || exact > (up - 1) * old));
        prop_assert!((near * old).abs_diff(exact) * 2 <= old);
    }

    /// Whatever the employee picks, the resolved election breaks no rule, is closed under
    /// the rules (resolving it again changes nothing), and includes every picked eligible
    /// grant.
    #[test]
    fn resolved_elections_are_closed_and_valid(offer in arb_offer(), grants in arb_grants(), mask in any::<u64>()) {
        let h = sample_holder(grants);
        let chosen = picks_from_mask(&h, mask);
        let r = resolve(&offer, &h, &chosen);
        prop_assert_eq!(r.election.check(&offer, &h), vec![]);
        let again: BTreeSet<String> = r.election.tendered.keys().cloned().collect();
        let r2 = resolve(&offer, &h, &again);
        prop_assert_eq!(&r2.election, &r.election);
        for (g, s) in h.grants.iter().zip(&r.statuses) {
            if chosen.contains(&g.id) && s.eligible() {
                prop_assert!(s.exchanged);
            }
            if s.required.is_some() {
                prop_assert!(s.exchanged);
            }
            if !r.election.tendered.is_empty() && s.eligible() && rules::in_lookback(&offer, g) {
                prop_assert!(s.exchanged, "look-back grant {} left out", g.id);
            }
        }
        let total: u64 = r.statuses.iter().filter(|s| s.exchanged).map(|s| s.new_options).sum();
        prop_assert_eq!(r.summary.new_options, total);
    }

    /// A "required" mark is exact: unpicking a required grant leaves it exchanged, and
    /// unpicking a picked grant that is not required drops it.
    #[test]
    fn required_marks_match_what_unpicking_does(offer in arb_offer(), grants in arb_grants(), mask in any::<u64>()) {
        let h = sample_holder(grants);
        let chosen = picks_from_mask(&h, mask);
        let r = resolve(&offer, &h, &chosen);
        for (g, s) in h.grants.iter().zip(&r.statuses) {
            if !s.exchanged { continue; }
            let mut without = chosen.clone();
            without.remove(&g.id);
            let after = resolve(&offer, &h, &without);
            prop_assert_eq!(after.election.tendered.contains_key(&g.id), s.required.is_some(), "grant {}", g.id);
        }
    }

    /// Validation finds the broken rule: taking any one grant out of a valid election that
    /// a rule requires is reported for that grant.
    #[test]
    fn dropping_a_required_grant_is_reported(offer in arb_offer(), grants in arb_grants(), mask in any::<u64>()) {
        let h = sample_holder(grants);
        let chosen = picks_from_mask(&h, mask);
        let r = resolve(&offer, &h, &chosen);
        for (g, s) in h.grants.iter().zip(&r.statuses) {
            let Some(req) = s.required else { continue };
            let mut e = r.election.clone();
            e.tendered.remove(&g.id);
            let broken = e.check(&offer, &h);
            let named = broken.iter().any(|v| match (v, req) {
                (RuleViolation::LookbackNotTendered { grant }, Requirement::Lookback) => *grant == g.id,
                (RuleViolation::SamePriceNotTendered { grant, .. }, Requirement::SamePrice) => *grant == g.id,
                _ => false,
            });
            prop_assert!(named, "dropping {} ({:?}) gave {:?}", g.id, req, broken);
        }
    }
}

proptest! {
    /// At the bounds the loader allows (prices to $10,000,000, a trillion options a grant),
    /// resolving, totalling and comparing values never overflow or panic.
    #[test]
    fn extreme_grants_never_overflow(
        grants in prop::collection::vec((1u64..=1_000_000_000_000, 1i64..=10_000_000, 0u32..4), 1..40),
        new_price in 1i64..=1_000_000,
    ) {
        let offer = mpower();
        let h = sample_holder(
            grants
                .iter()
                .enumerate()
                .map(|(i, &(n, price, frac))| {
                    let mut g = grant(&format!("G{i}"), "holding", "1999-01-01", "1", n);
                    g.exercise_price = Decimal::new(price * 10_000 + i64::from(frac) * 625, 4);
                    g
                })
                .collect(),
        );
        let all: BTreeSet<String> = h.grants.iter().map(|g| g.id.clone()).collect();
        let r = resolve(&offer, &h, &all);
        let c = election_core::value::Comparison::of_election(&h, &r, Decimal::from(new_price));
        if let Some(c) = c {
            let _ = c.break_even();
            for p in c.price_grid(10) {
                let _ = c.at(p);
            }
            let _ = c.curve(Decimal::from(20_000_000));
        }
    }
}
