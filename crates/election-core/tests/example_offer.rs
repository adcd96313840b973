//! The second example offer shipped beside Mpower's (`static/example-offers/halden-2001/`): a
//! fictional company whose every term is illustrative, with the shapes Mpower's offer does
//! not have (parts of grants, restricted stock units, a threshold from the 52-week high,
//! excluded holders and grant windows), and its three fictional employees.

use std::collections::BTreeSet;

use election_core::rules::{self, Ineligibility};
use election_core::{
    parse_holder, parse_offer, resolve_with_parts, AwardKind, Holder, Offer, Source,
};

const OFFER: &str = include_str!("../../../static/example-offers/halden-2001/offer.json");
const ROSA: &str =
    include_str!("../../../static/example-offers/halden-2001/holders/e2101-rosa-delgado.json");
const TOMASZ: &str =
    include_str!("../../../static/example-offers/halden-2001/holders/e2102-tomasz-wierzbicki.json");
const GIULIA: &str =
    include_str!("../../../static/example-offers/halden-2001/holders/e2103-giulia-ferri.json");

fn offer() -> Offer {
    parse_offer(OFFER).expect("the example offer loads")
}

fn holder(json: &str) -> Holder {
    parse_holder(json, Some(&offer())).expect("the example employee loads")
}

#[test]
fn the_example_is_fictional_and_every_term_is_marked_illustrative() {
    let o = offer();
    assert!(o.title.contains("fictional") && o.issuer.name.contains("fictional"));
    let t = &o.terms;
    let award = t.new_award.as_ref().expect("a new award");
    for source in [
        t.eligibility.source,
        t.exchange_ratio.source,
        t.tender_rules.source,
        t.lookback.source,
        t.new_grant.source,
        award.source,
        o.expiration.source,
    ] {
        assert_eq!(source, Source::Illustrative);
    }
    for h in [ROSA, TOMASZ, GIULIA] {
        assert!(holder(h).illustrative);
    }
    // Its shapes: parts of grants, ratios by grant, RSUs, a market threshold, exclusions.
    assert!(!t.tender_rules.whole_grant);
    assert!(t.exchange_ratio.by_grant.is_some());
    assert_eq!(o.award(), AwardKind::RestrictedStockUnits);
    assert!(t.eligibility.min_exercise_price_basis.is_some());
    assert!(t.eligibility.excluded_holders.officers);
    // And it meets Rule 13e-4's timing, as the desk checks it.
    for check in election_core::timing::timing_checks(&o) {
        assert!(check.passed, "{}: {}", check.name, check.detail);
    }
}

#[test]
fn each_employee_shows_a_shape() {
    let o = offer();
    // Rosa: three eligible grants in three tiers; a part of one.
    let rosa = holder(ROSA);
    let all: BTreeSet<String> = rosa.grants.iter().map(|g| g.id.clone()).collect();
    let r = resolve_with_parts(&o, &rosa, &all, &|id| {
        (id == "EIP-2000-0113").then_some(1_500)
    });
    assert_eq!(r.election.check(&o, &rosa), vec![]);
    // 1,500 at the grant's own 4.5 for 1 = 333 (rounded down); 2,550 at $62.50 (8 for 1)
    // = 318; 1,200 at $24.00 (3 for 1) = 400.
    assert_eq!(
        r.summary.sentence(),
        "Exchange 3 grants, 5,250 options, for 1,051 restricted stock units; new grant expected on or about October 3, 2001."
    );
    let own = |g: &election_core::Grant| rules::ratio(&o, g).map(|(r, from)| (r.describe(), from));
    assert_eq!(
        own(&rosa.grants[0]),
        Some(("4.5 for 1".to_owned(), rules::RatioFrom::Grant))
    );
    assert_eq!(
        own(&rosa.grants[1]),
        Some(("8 for 1".to_owned(), rules::RatioFrom::Tier))
    );

    // Tomasz: an executive officer, so nothing.
    let tomasz = holder(TOMASZ);
    let reasons =
        rules::eligibility(&o, &tomasz.employee, &tomasz.grants[0]).expect_err("excluded");
    assert_eq!(reasons, [Ineligibility::OfficerExcluded]);

    // Giulia: one grant of each exclusion by grant, and one eligible.
    let giulia = holder(GIULIA);
    let why = |id: &str| {
        let g = giulia.grants.iter().find(|g| g.id == id).expect("grant");
        rules::eligibility(&o, &giulia.employee, g)
            .err()
            .unwrap_or_default()
            .iter()
            .map(|r| r.describe(&o))
            .collect::<Vec<_>>()
            .join("; ")
    };
    assert!(why("EIP-2001-0215").contains("grants made in the 12 months before the offer opened"));
    assert!(why("SOP-1997-0410")
        .contains("below $20.00, the stock's 52-week high as of August 31, 2001"));
    assert!(
        why("SOP-1997-0902").contains("grants expiring in the 12 months after the offer opened")
    );
    assert_eq!(why("EIP-2000-0605"), "");
}

#[test]
fn a_part_too_small_for_its_minimum_of_units_is_paid_in_cash() {
    let o = offer();
    let rosa = holder(ROSA);
    let one: BTreeSet<String> = ["EIP-2000-0113".to_owned()].into_iter().collect();
    // 100 options at the grant's 4.5 for 1 would give 22 units, fewer than 50: $9.00 each.
    let r = resolve_with_parts(&o, &rosa, &one, &|_| Some(100));
    assert_eq!(r.statuses[0].new_options, 22);
    assert_eq!(r.statuses[0].cash_cents, Some(19_800));
    assert_eq!(
        r.summary.sentence(),
        "Exchange 1 grant, 100 options, for $198.00 in cash; new grant expected on or about October 3, 2001."
    );
    // With another grant that gives its units, both are said.
    let two: BTreeSet<String> = ["EIP-2000-0113".to_owned(), "SOP-1999-0602".to_owned()]
        .into_iter()
        .collect();
    let r = resolve_with_parts(&o, &rosa, &two, &|id| {
        (id == "EIP-2000-0113").then_some(100)
    });
    assert_eq!(
        r.summary.sentence(),
        "Exchange 2 grants, 2,650 options, for 318 restricted stock units and $198.00 in cash; new grant expected on or about October 3, 2001."
    );
    // The election is the options tendered, whatever they give: the rules hold.
    assert_eq!(r.election.check(&o, &rosa), vec![]);
}

#[test]
fn cash_by_country_reaches_only_employees_working_there_and_needs_the_country() {
    let mut v: serde_json::Value = serde_json::from_str(OFFER).expect("json");
    v["terms"]["cash_instead"]["countries"] = serde_json::json!(["FR"]);
    let o = parse_offer(&v.to_string()).expect("valid");
    let mut rosa: serde_json::Value = serde_json::from_str(ROSA).expect("json");
    let r = parse_holder(&rosa.to_string(), Some(&o)).expect("loads");
    assert_eq!(
        rules::cash_instead(&o, &r.employee, 22),
        None,
        "Rosa works in the US"
    );
    rosa["employee"]["country"] = serde_json::json!("FR");
    let r = parse_holder(&rosa.to_string(), Some(&o)).expect("loads");
    assert_eq!(rules::cash_instead(&o, &r.employee, 22), Some(19_800));
    assert_eq!(
        rules::cash_instead(&o, &r.employee, 50),
        None,
        "50 is not fewer than 50"
    );
    // An offer that excludes no country but pays cash by country needs every employee
    // file to say where the employee works: Mpower's, with such a rule, and Avery's file.
    let mut mpower: serde_json::Value =
        serde_json::from_str(include_str!("../../../static/offers/mpower-2001.json"))
            .expect("json");
    mpower["terms"]["cash_instead"] = v["terms"]["cash_instead"].clone();
    let mpower = parse_offer(&mpower.to_string()).expect("valid");
    let avery = include_str!("../../../static/holders/e1001-avery-lindqvist.json");
    assert!(!avery.contains("\"country\""));
    let problems = parse_holder(avery, Some(&mpower)).expect_err("refused");
    assert!(
        problems.iter().any(|p| p.path.to_string() == "$.employee"
            && p.message.contains("missing field `country`")
            && p.message.contains("pays cash by country")),
        "{problems:?}"
    );
}

#[test]
fn cash_is_paid_in_whole_cents() {
    let with = |per_award: &str| {
        let mut v: serde_json::Value = serde_json::from_str(OFFER).expect("json");
        v["terms"]["cash_instead"]["per_award"] = serde_json::json!(per_award);
        parse_offer(&v.to_string())
    };
    let cents = |o: Offer| o.terms.cash_instead.expect("cash").per_award_cents;
    assert_eq!(cents(with("9.000").expect("valid")), 900);
    assert_eq!(cents(with("12").expect("valid")), 1_200);
    assert_eq!(cents(with("0.05").expect("valid")), 5);
    let problems = with("9.005").expect_err("a fraction of a cent");
    assert!(
        problems
            .iter()
            .any(|p| p.path.to_string() == "$.terms.cash_instead.per_award"
                && p.message.contains("whole cents")),
        "{problems:?}"
    );
    assert_eq!(
        election_core::display::from_cents(19_800),
        "198.00".parse::<election_core::Decimal>().expect("money")
    );
}

proptest::proptest! {
    /// A part of Rosa's grant at its own 4.5 for 1 pays cash exactly when it would give
    /// fewer than 50 units, $9.00 for each, and the totals count it as cash, not units.
    #[test]
    fn a_grant_pays_cash_exactly_when_it_would_give_too_few_units(hundreds in 1u64..=40) {
        let o = offer();
        let rosa = holder(ROSA);
        let one: BTreeSet<String> = ["EIP-2000-0113".to_owned()].into_iter().collect();
        let part = hundreds * 100;
        let r = resolve_with_parts(&o, &rosa, &one, &|_| Some(part));
        let units = part * 100 / 450;
        let s = &r.statuses[0];
        proptest::prop_assert_eq!(s.new_options, units);
        if units < 50 {
            proptest::prop_assert_eq!(s.cash_cents, Some(units * 900));
            proptest::prop_assert_eq!((r.summary.new_options, r.summary.cash_cents), (0, units * 900));
        } else {
            proptest::prop_assert_eq!(s.cash_cents, None);
            proptest::prop_assert_eq!((r.summary.new_options, r.summary.cash_cents), (units, 0));
        }
    }
}
