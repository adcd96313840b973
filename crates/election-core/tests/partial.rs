//! Partial tenders: an offer that takes part of a grant (`whole_grant: false`, with the
//! smallest part and its increment), read from data, resolved from the employee's parts
//! and checked by the rules the receiver applies.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use chrono::NaiveDate;
use common::{assert_problem, sample_holder};
use election_core::{
    parse_offer, resolve_with_parts, rules, Decimal, Election, Grant, Offer, PartProblem,
    PartialTender, Problem, RuleViolation,
};
use proptest::prelude::*;
use serde_json::{json, Value};

const OFFER: &str = include_str!("../../../static/offers/mpower-2001.json");

fn offer_value() -> Value {
    serde_json::from_str(OFFER).expect("json")
}

fn offer_problems(edit: impl FnOnce(&mut Value)) -> Vec<Problem> {
    let mut v = offer_value();
    edit(&mut v);
    parse_offer(&v.to_string()).expect_err("should be refused")
}

/// Mpower's offer, taking parts of grants of at least `minimum` options in steps of
/// `increment`, without the look-back rule.
fn partial_offer(minimum: u64, increment: u64) -> Offer {
    let mut v = offer_value();
    v["terms"]["tender_rules"]["whole_grant"] = json!(false);
    v["terms"]["tender_rules"]["partial"] = json!({ "minimum": minimum, "increment": increment });
    v["terms"]["lookback"]["months"] = json!(0);
    parse_offer(&v.to_string()).expect("valid offer")
}

fn grant(id: &str, price: &str, outstanding: u64) -> Grant {
    Grant {
        id: id.to_owned(),
        plan: "holding".to_owned(),
        grant_date: NaiveDate::from_ymd_opt(1999, 1, 1).expect("date"),
        exercise_price: Decimal::from_str(price).expect("price"),
        outstanding,
        vested: 0,
        expiration_date: NaiveDate::from_ymd_opt(2010, 1, 1).expect("date"),
    }
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).to_owned()).collect()
}

fn parts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(id, n)| ((*id).to_owned(), *n)).collect()
}

#[test]
fn an_offer_says_how_large_a_part_may_be() {
    let offer = partial_offer(100, 50);
    assert!(!offer.terms.tender_rules.whole_grant);
    assert_eq!(
        offer.terms.tender_rules.partial,
        PartialTender {
            minimum: 100,
            increment: 50
        }
    );
    // Without `partial`, any whole number of options.
    let mut v = offer_value();
    v["terms"]["tender_rules"]["whole_grant"] = json!(false);
    let offer = parse_offer(&v.to_string()).expect("valid");
    assert_eq!(offer.terms.tender_rules.partial, PartialTender::default());
    // Mpower's own offer takes whole grants only.
    let mpower = parse_offer(OFFER).expect("valid");
    assert!(mpower.terms.tender_rules.whole_grant);
}

#[test]
fn a_part_rule_that_cannot_apply_or_is_malformed_is_named_where() {
    let problems = offer_problems(|v| {
        v["terms"]["tender_rules"]["partial"] = json!({ "minimum": 100, "increment": 100 })
    });
    assert_problem(
        &problems,
        "$.terms.tender_rules.partial",
        "only where `whole_grant` is false",
    );
    let unpartial = |edit: fn(&mut Value)| {
        offer_problems(|v| {
            v["terms"]["tender_rules"]["whole_grant"] = json!(false);
            v["terms"]["tender_rules"]["partial"] = json!({ "minimum": 100, "increment": 100 });
            edit(v);
        })
    };
    assert_problem(
        &unpartial(|v| v["terms"]["tender_rules"]["partial"]["minimum"] = json!(0)),
        "$.terms.tender_rules.partial.minimum",
        "at least 1",
    );
    assert_problem(
        &unpartial(|v| v["terms"]["tender_rules"]["partial"]["increment"] = json!("10")),
        "$.terms.tender_rules.partial.increment",
        "",
    );
    assert_problem(
        &unpartial(|v| {
            v["terms"]["tender_rules"]["partial"]
                .as_object_mut()
                .expect("object")
                .remove("increment");
        }),
        "$.terms.tender_rules.partial",
        "missing required field `increment`",
    );
    assert_problem(
        &unpartial(|v| v["terms"]["tender_rules"]["partial"]["minimum"] = json!(150)),
        "$.terms.tender_rules.partial.minimum",
        "must be a multiple of `increment` (100), found 150",
    );
    assert_problem(
        &unpartial(|v| v["terms"]["tender_rules"]["partial"]["rounding"] = json!("down")),
        "$.terms.tender_rules.partial.rounding",
        "unknown field",
    );
    assert_problem(
        &unpartial(|v| v["terms"]["tender_rules"]["partial"] = json!(100)),
        "$.terms.tender_rules.partial",
        "an object",
    );
}

#[test]
fn the_rules_name_a_part_the_offer_does_not_take() {
    let offer = partial_offer(100, 50);
    let h = sample_holder(vec![grant("A", "30", 1_030), grant("B", "30", 60)]);
    let election = |pairs: &[(&str, u64)]| Election {
        offer_id: offer.id.clone(),
        offer_version: offer.version,
        employee_id: "E-9".into(),
        tendered: parts(pairs),
        portions: Default::default(),
    };
    assert_eq!(election(&[("A", 150)]).check(&offer, &h), vec![]);
    // The whole grant is always taken, in steps or not, above the minimum or not.
    assert_eq!(
        election(&[("A", 1_030), ("B", 60)]).check(&offer, &h),
        vec![]
    );
    assert_eq!(
        election(&[("A", 50)]).check(&offer, &h),
        vec![RuleViolation::PartBelowMinimum {
            grant: "A".into(),
            tendered: 50,
            minimum: 100
        }]
    );
    assert_eq!(
        election(&[("A", 120)]).check(&offer, &h),
        vec![RuleViolation::PartNotInIncrements {
            grant: "A".into(),
            tendered: 120,
            increment: 50
        }]
    );
    let words = election(&[("A", 120)]).check(&offer, &h)[0].describe(&offer);
    assert!(words.contains("multiple of 50 options"), "{words}");
    assert!(matches!(
        election(&[("A", 2_000)]).check(&offer, &h)[..],
        [RuleViolation::MoreThanOutstanding { .. }]
    ));
    // Mpower takes whole grants only.
    let mpower = parse_offer(OFFER).expect("valid");
    let part = Election {
        offer_id: mpower.id.clone(),
        offer_version: mpower.version,
        employee_id: "E-9".into(),
        tendered: parts(&[("A", 500)]),
        portions: Default::default(),
    };
    assert!(matches!(
        part.check(&mpower, &h)[..],
        [RuleViolation::PartOfGrant { .. }]
    ));
    assert_eq!(
        mpower.terms.tender_rules.part_problem(500, 1_030),
        Some(PartProblem::WholeGrantOnly)
    );
}

#[test]
fn a_part_is_what_the_election_tenders_and_what_its_totals_count() {
    let offer = partial_offer(100, 100);
    let h = sample_holder(vec![grant("A", "30", 1_000), grant("B", "30", 500)]);
    let r = resolve_with_parts(&offer, &h, &set(&["A", "B"]), &|id| {
        parts(&[("A", 400)]).get(id).copied()
    });
    assert_eq!(r.election.tendered, parts(&[("A", 400), ("B", 500)]));
    assert_eq!(r.statuses[0].tendered, 400);
    assert_eq!(
        r.statuses[0].new_options,
        rules::new_options(&offer, &h.grants[0], 400).expect("a tier")
    );
    assert_eq!(r.summary.options, 900);
    assert_eq!(
        r.summary.new_options,
        r.statuses[0].new_options + r.statuses[1].new_options
    );
    assert_eq!(r.election.check(&offer, &h), vec![]);
    // A part of a grant not picked does nothing; a part the offer does not take stays in
    // the election, where the rules name it.
    let r = resolve_with_parts(&offer, &h, &set(&["B"]), &|id| {
        parts(&[("A", 400), ("B", 150)]).get(id).copied()
    });
    assert_eq!(r.election.tendered, parts(&[("B", 150)]));
    assert!(matches!(
        r.election.check(&offer, &h)[..],
        [RuleViolation::PartNotInIncrements { .. }]
    ));
    // Where the offer takes whole grants only, parts are not read.
    let mpower = parse_offer(OFFER).expect("valid");
    let r = resolve_with_parts(&mpower, &h, &set(&["A"]), &|id| {
        parts(&[("A", 400)]).get(id).copied()
    });
    assert_eq!(r.election.tendered, parts(&[("A", 1_000)]));
}

#[test]
fn a_grant_a_rule_adds_is_tendered_whole_and_a_picked_one_as_chosen() {
    let mut offer = partial_offer(1, 1);
    offer.terms.tender_rules.all_grants_at_same_price = true;
    let h = sample_holder(vec![grant("A", "30", 1_000), grant("B", "30", 500)]);
    // B is required by A's price; its part is kept in the draft but not used.
    let r = resolve_with_parts(&offer, &h, &set(&["A"]), &|id| {
        parts(&[("B", 100)]).get(id).copied()
    });
    assert!(r.statuses[1].required.is_some());
    assert_eq!(r.election.tendered, parts(&[("A", 1_000), ("B", 500)]));
    // Both picked: each is also required by the other's price, and each part is honoured,
    // never silently replaced by the whole grant.
    let r = resolve_with_parts(&offer, &h, &set(&["A", "B"]), &|id| {
        parts(&[("A", 300), ("B", 100)]).get(id).copied()
    });
    assert!(r.statuses.iter().all(|s| s.required.is_some() && s.picked));
    assert_eq!(r.election.tendered, parts(&[("A", 300), ("B", 100)]));
    assert_eq!(r.election.check(&offer, &h), vec![]);
}

fn arb_grants() -> impl Strategy<Value = Vec<(u64, u64, u32)>> {
    // (outstanding, part, price tier index)
    prop::collection::vec((1u64..5_000_000, 0u64..5_000_000, 0u32..4), 1..12)
}

proptest! {
    /// A part never gives more new options than the whole grant, nor than a larger part;
    /// the election tenders exactly the parts chosen, and its totals are theirs.
    #[test]
    fn a_part_never_gives_more_than_the_whole(grants in arb_grants(), steps in 1u64..10, increment in 1u64..500) {
        // The smallest part is a whole number of increments (the reader refuses any other).
        let minimum = steps * increment;
        let offer = partial_offer(minimum, increment);
        let prices = ["5.00", "12.00", "30.00", "60.00"];
        let h = sample_holder(grants.iter().enumerate()
            .map(|(i, &(n, _, tier))| grant(&format!("G{i}"), prices[tier as usize], n))
            .collect());
        let chosen: BTreeSet<String> = h.grants.iter().map(|g| g.id.clone()).collect();
        // Parts the offer takes: at least the minimum, in steps, below the whole grant.
        let chosen_parts: BTreeMap<String, u64> = h.grants.iter().zip(&grants)
            .filter_map(|(g, &(n, part, _))| {
                let p = part % n;
                let p = p - p % increment;
                (p >= minimum && p < n).then(|| (g.id.clone(), p))
            })
            .collect();
        let r = resolve_with_parts(&offer, &h, &chosen, &|id| chosen_parts.get(id).copied());
        prop_assert_eq!(r.election.check(&offer, &h), vec![]);
        let mut options = 0u64;
        for (g, s) in h.grants.iter().zip(&r.statuses) {
            let whole = rules::new_options(&offer, g, g.outstanding).unwrap_or(0);
            prop_assert!(s.new_options <= whole, "grant {}: {} > {}", g.id, s.new_options, whole);
            let expected = chosen_parts.get(&g.id).copied().unwrap_or(g.outstanding);
            prop_assert_eq!(s.tendered, expected);
            prop_assert_eq!(r.election.tendered.get(&g.id).copied(), Some(expected));
            if s.tendered >= increment {
                let smaller = rules::new_options(&offer, g, s.tendered - increment).unwrap_or(0);
                prop_assert!(smaller <= s.new_options);
            }
            options += s.tendered;
        }
        prop_assert_eq!(r.summary.options, options);
        prop_assert_eq!(r.summary.new_options, r.statuses.iter().map(|s| s.new_options).sum::<u64>());
    }
}

#[test]
fn an_offer_may_give_restricted_stock_units_and_says_how_they_vest() {
    let mut v = offer_value();
    v["terms"]["new_award"] = json!({
        "source": "illustrative",
        "summary": "Each tendered grant is exchanged for restricted stock units, one share each when they vest.",
        "kind": "restricted_stock_units",
        "vesting": "Over two years: half on each anniversary of the new grant date."
    });
    let offer = parse_offer(&v.to_string()).expect("valid");
    assert_eq!(
        offer.award(),
        election_core::AwardKind::RestrictedStockUnits
    );
    let award = offer.terms.new_award.as_ref().expect("given");
    assert!(award
        .vesting
        .as_deref()
        .expect("vesting")
        .starts_with("Over two years"));
    let h = sample_holder(vec![grant("A", "30", 1_200)]);
    let r = resolve_with_parts(&offer, &h, &set(&["A"]), &|_| None);
    // 30.00 is in the 3-for-1 tier.
    assert_eq!(
        r.summary.sentence(),
        "Exchange 1 grant, 1,200 options, for 400 restricted stock units; new grant expected on or about March 29, 2002."
    );
    // Mpower's offer gives new options, and says so as before.
    let mpower = parse_offer(OFFER).expect("valid");
    assert_eq!(mpower.award(), election_core::AwardKind::Options);
    assert!(resolve_with_parts(&mpower, &h, &set(&["A"]), &|_| None)
        .summary
        .sentence()
        .contains("for 400 new options"));

    v["terms"]["new_award"]["kind"] = json!("shares");
    let problems = parse_offer(&v.to_string()).expect_err("refused");
    assert_problem(
        &problems,
        "$.terms.new_award.kind",
        "not one of `options`, `restricted_stock_units`",
    );
    v["terms"]["new_award"] = json!({ "kind": "options" });
    let problems = parse_offer(&v.to_string()).expect_err("refused");
    assert_problem(
        &problems,
        "$.terms.new_award",
        "missing required field `source`",
    );
}
