//! Loading offers and holders: the shipped data, every validation rule, and robustness.

use election_core::{parse_holder, parse_offer, ChangeKind, DocumentKind, Offer, Problem, Source};
use proptest::prelude::*;
use serde_json::{json, Value};

const OFFER: &str = include_str!("../../../static/offers/mpower-2001.json");
const HOLDERS: [&str; 3] = [
    include_str!("../../../static/holders/e1001-avery-lindqvist.json"),
    include_str!("../../../static/holders/e1002-jordan-okafor.json"),
    include_str!("../../../static/holders/e1003-priya-raman.json"),
];
const SEED: &str = include_str!("fixtures/mpower-schedule-to-amendment-2.txt");

fn offer_value() -> Value {
    serde_json::from_str(OFFER).expect("the shipped offer is JSON")
}

fn mpower() -> Offer {
    parse_offer(OFFER).expect("the shipped offer is valid")
}

/// An edit of a valid file, the path it breaks, and words of the problem reported there.
type Case = (Box<dyn FnOnce(&mut Value)>, &'static str, &'static str);

/// Applies `edit` to the shipped offer and returns the problems it causes.
fn offer_problems(edit: impl FnOnce(&mut Value)) -> Vec<Problem> {
    let mut v = offer_value();
    edit(&mut v);
    parse_offer(&v.to_string()).expect_err("the edited offer should be refused")
}

fn holder_problems(edit: impl FnOnce(&mut Value)) -> Vec<Problem> {
    let mut v: Value = serde_json::from_str(HOLDERS[1]).expect("JSON");
    edit(&mut v);
    parse_holder(&v.to_string(), Some(&mpower())).expect_err("the edited holder should be refused")
}

/// Asserts that exactly one problem names `path` and that its message contains `words`.
#[track_caller]
fn assert_problem(problems: &[Problem], path: &str, words: &str) {
    let at: Vec<&Problem> = problems
        .iter()
        .filter(|p| p.path.as_str() == path)
        .collect();
    assert!(
        at.len() == 1 && at[0].message.contains(words),
        "expected one problem at {path} saying {words:?}, got {problems:#?}"
    );
}

#[test]
fn the_mpower_offer_loads_with_its_seed_facts() {
    let offer = mpower();
    assert_eq!(offer.issuer.name, "Mpower Holding Corporation");
    assert_eq!(offer.issuer.cusip, "62473L101");
    assert_eq!(
        offer.expiration.instant.to_utc().to_rfc3339(),
        "2001-09-28T03:59:00+00:00"
    );
    assert_eq!(offer.expiration.time_zone, "America/New_York");
    assert_eq!(
        offer.expiration.legal_wording,
        "11:59 p.m., Eastern Daylight Time, on September 27, 2001"
    );
    assert_eq!(offer.expiration.source, Source::Seed);
    let names: Vec<&str> = offer.plans.iter().map(|p| p.short_name.as_str()).collect();
    assert_eq!(names, ["Holding Plan", "PNH Plan"]);
    let notice = offer.notices().next().expect("one notice");
    assert_eq!(notice.date.to_string(), "2001-09-13");
    let kinds: Vec<ChangeKind> = notice.amendments.iter().map(|a| a.change).collect();
    assert_eq!(
        kinds,
        [
            ChangeKind::ParagraphReplaced,
            ChangeKind::SentenceReplaced,
            ChangeKind::ParagraphInsertedAfter
        ]
    );
    assert_eq!(
        notice.amendments[0].section.heading(),
        "Section 7. Conditions of the Offer"
    );
    assert_eq!(notice.amendments[0].page, Some(27));
    assert_eq!(offer.documents[0].kind, DocumentKind::OfferToExchange);
}

#[test]
fn every_term_the_seed_does_not_give_is_marked_illustrative() {
    let t = mpower().terms;
    for source in [
        t.eligibility.source,
        t.exchange_ratio.source,
        t.tender_rules.source,
        t.lookback.source,
        t.new_grant.source,
    ] {
        assert_eq!(source, Source::Illustrative);
    }
    for h in HOLDERS {
        assert!(parse_holder(h, None).expect("valid").illustrative);
    }
}

/// The legal text in the data is the filing's, word for word (the filing wraps lines and
/// breaks pages; the data joins them with single spaces).
#[test]
fn amendment_texts_are_verbatim_from_the_filing() {
    let seed_words = SEED
        .lines()
        .filter(|l| !l.trim().eq("<PAGE>") && l.trim().parse::<u32>().is_err())
        .collect::<Vec<_>>()
        .join(" ");
    let seed_words: String = seed_words.split_whitespace().collect::<Vec<_>>().join(" ");
    let offer = mpower();
    let notice = offer.notices().next().expect("one notice");
    let mut texts: Vec<&str> = notice.amendments.iter().map(|a| a.text.as_str()).collect();
    texts.extend(notice.preamble.as_deref());
    assert_eq!(texts.len(), 4);
    for text in texts {
        assert!(
            seed_words.contains(&format!("\"{text}\"")) || seed_words.contains(text),
            "not verbatim in the filing: {text}"
        );
        assert_eq!(text, text.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    assert!(seed_words.contains(&offer.expiration.legal_wording));
}

#[test]
fn the_sample_holders_load_against_the_offer() {
    let offer = mpower();
    let counts: Vec<usize> = HOLDERS
        .iter()
        .map(|h| {
            parse_holder(h, Some(&offer))
                .expect("valid holder")
                .grants
                .len()
        })
        .collect();
    assert_eq!(counts[0], 1, "one employee with a single grant");
    assert!(counts[1] >= 24, "one employee with dozens of grants");
    let plans: std::collections::HashSet<String> = parse_holder(HOLDERS[1], Some(&offer))
        .expect("valid")
        .grants
        .into_iter()
        .map(|g| g.plan)
        .collect();
    assert_eq!(plans.len(), 2, "grants under both plans");
}

#[test]
fn syntax_errors_say_where() {
    let problems = parse_offer("{\n  \"id\": \"x\",\n  oops\n}").expect_err("bad JSON");
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path.as_str(), "$");
    assert!(problems[0].message.contains("not valid JSON"));
    assert!(
        problems[0].message.contains("line 3"),
        "{}",
        problems[0].message
    );
    let problems = parse_offer("").expect_err("empty");
    assert!(problems[0].message.contains("not valid JSON"));
    let problems = parse_offer("[1, 2]").expect_err("array");
    assert_eq!(problems[0].message, "expected an object, found an array");
}

/// `text` with `line` (a member as the shipped files write it, with its comma) written
/// `times` times where it is written once.
fn repeat_member(text: &str, line: &str, times: usize) -> String {
    assert!(text.contains(line), "not in the file: {line}");
    let indent = "\n      ";
    text.replacen(line, &vec![line; times].join(indent), 1)
}

#[test]
fn a_key_written_twice_at_the_top_level_is_a_problem() {
    let text = OFFER.replacen(
        "\"title\": \"Option Exchange Program\",",
        "\"title\": \"Option Exchange Program\",\n  \"title\": \"Stock Option Exchange\",",
        1,
    );
    let problems = parse_offer(&text).expect_err("ambiguous title");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].path.as_str(), "$.title");
    assert_eq!(
        problems[0].message,
        "`title` is given 2 times in this object: keep exactly one, since legal data must \
         not be ambiguous (JSON readers differ on which one they take)"
    );
}

#[test]
fn duplicate_keys_are_reported_with_the_other_problems() {
    let text = repeat_member(
        OFFER,
        "\"legal_wording\": \"11:59 p.m., Eastern Daylight Time, on September 27, 2001\",",
        2,
    )
    .replacen("\"62473L101\"", "\"62473L109\"", 1);
    let problems = parse_offer(&text).expect_err("two problems");
    assert_problem(&problems, "$.expiration.legal_wording", "given 2 times");
    assert_problem(&problems, "$.issuer.cusip", "check digit");
    assert_eq!(problems.len(), 2, "{problems:#?}");
}

#[test]
fn a_key_written_twice_in_an_array_element_names_the_element() {
    let text = repeat_member(OFFER, "\"id\": \"pnh\",", 2);
    let problems = parse_offer(&text).expect_err("ambiguous plan id");
    assert_problem(&problems, "$.plans[1].id", "`id` is given 2 times");
    assert_eq!(problems.len(), 1, "{problems:#?}");
}

#[test]
fn a_key_written_twice_in_a_holder_file_is_a_problem() {
    let text = repeat_member(HOLDERS[1], "\"exercise_price\": \"22.875\",", 2);
    let problems = parse_holder(&text, Some(&mpower())).expect_err("ambiguous price");
    assert_problem(
        &problems,
        "$.grants[1].exercise_price",
        "`exercise_price` is given 2 times",
    );
    assert_eq!(problems.len(), 1, "{problems:#?}");
    // Without the offer too: the check is of the file, not of the holder against an offer.
    assert!(parse_holder(&text, None).is_err());
}

#[test]
fn a_key_written_three_times_is_one_problem_that_says_so() {
    let text = repeat_member(HOLDERS[1], "\"vested\": 500,", 3);
    let problems = parse_holder(&text, None).expect_err("ambiguous vested");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].path.as_str(), "$.grants[0].vested");
    assert!(
        problems[0].message.starts_with("`vested` is given 3 times"),
        "{}",
        problems[0].message
    );
}

#[test]
fn files_without_duplicate_keys_read_as_before() {
    // Equal keys in different objects (`id` in every plan and document) are not duplicates,
    // and the value read is the one serde_json reads.
    assert_eq!(
        parse_offer(OFFER).expect("valid"),
        parse_offer(&offer_value().to_string()).expect("valid")
    );
    for h in HOLDERS {
        let v: Value = serde_json::from_str(h).expect("JSON");
        assert_eq!(
            parse_holder(h, None).expect("valid"),
            parse_holder(&v.to_string(), None).expect("valid")
        );
    }
}

#[test]
fn an_employee_file_given_as_the_offer_is_named_as_such() {
    let problems = parse_offer(HOLDERS[0]).expect_err("not an offer");
    assert_eq!(problems.len(), 1);
    assert!(problems[0]
        .message
        .contains("this is an employee (holder) file, not an offer file"));
    let problems = parse_holder(OFFER, None).expect_err("not a holder");
    assert_eq!(problems.len(), 1);
    assert!(problems[0]
        .message
        .contains("this is an offer file, not an employee (holder) file"));
}

#[test]
fn a_byte_order_mark_is_accepted() {
    assert!(parse_offer(&format!("\u{feff}{OFFER}")).is_ok());
}

#[test]
fn oversized_files_are_refused_before_parsing() {
    let big = format!("\"{}\"", "x".repeat(election_core::MAX_FILE_BYTES));
    let problems = parse_offer(&big).expect_err("too big");
    assert!(problems[0].message.contains("bytes allowed"));
}

#[test]
fn every_problem_in_a_file_is_reported_in_one_pass() {
    let problems = offer_problems(|v| {
        v["issuer"]["cusip"] = json!("62473L109");
        v["expiration"]["instant"] = json!("2001-09-27");
        v["plans"][1]["colour"] = json!("red");
        v["terms"]["exchange_ratio"]["tiers"][0]["from_exercise_price"] = json!("-1");
        v.as_object_mut().map(|o| o.remove("title"));
    });
    assert_problem(&problems, "$.issuer.cusip", "check digit");
    assert_problem(&problems, "$.expiration.instant", "not an instant");
    assert_problem(&problems, "$.plans[1].colour", "unknown field `colour`");
    assert_problem(
        &problems,
        "$.terms.exchange_ratio.tiers[0].from_exercise_price",
        "greater than zero",
    );
    assert_problem(&problems, "$", "missing required field `title`");
    assert_eq!(problems.len(), 5, "{problems:#?}");
}

#[test]
fn offer_rules() {
    let cases: Vec<Case> = vec![
        (
            Box::new(|v| v["schema_version"] = json!(2)),
            "$.schema_version",
            "unsupported schema_version 2",
        ),
        (
            Box::new(|v| v["id"] = json!("has space")),
            "$.id",
            "not an identifier",
        ),
        (
            Box::new(|v| v["version"] = json!(0)),
            "$.version",
            "at least 1",
        ),
        (
            Box::new(|v| v["title"] = json!("  ")),
            "$.title",
            "must not be empty",
        ),
        (
            Box::new(|v| v["title"] = json!(7)),
            "$.title",
            "expected a string, found a number",
        ),
        (
            Box::new(|v| v["issuer"]["cusip"] = json!("62473L1")),
            "$.issuer.cusip",
            "not a CUSIP",
        ),
        (
            Box::new(|v| v["issuer"]["address"] = json!([])),
            "$.issuer.address",
            "at least one",
        ),
        (
            Box::new(|v| v["plans"] = json!([])),
            "$.plans",
            "at least one",
        ),
        (
            Box::new(|v| v["plans"][1]["id"] = json!("holding")),
            "$.plans[1].id",
            "duplicate plan id `holding`",
        ),
        (
            Box::new(|v| v["securities"]["new_options_plan"] = json!("stock")),
            "$.securities.new_options_plan",
            "unknown plan `stock`",
        ),
        (
            Box::new(|v| v["terms"]["eligibility"]["plans"][1] = json!("esop")),
            "$.terms.eligibility.plans[1]",
            "unknown plan `esop`",
        ),
        (
            Box::new(|v| v["opened_on"] = json!("2001-02-30")),
            "$.opened_on",
            "not a date on the calendar",
        ),
        (
            Box::new(|v| v["opened_on"] = json!("2001-10-01")),
            "$.expiration.instant",
            "must expire after it opens",
        ),
        (
            Box::new(|v| v["expiration"]["instant"] = json!("2001-09-27T23:59:00")),
            "$.expiration.instant",
            "no UTC offset",
        ),
        (
            Box::new(|v| v["expiration"]["instant"] = json!("soon")),
            "$.expiration.instant",
            "not an instant",
        ),
        (
            Box::new(|v| v["expiration"]["time_zone"] = json!("EDT")),
            "$.expiration.time_zone",
            "not an IANA time zone",
        ),
        (
            Box::new(|v| v["expiration"]["source"] = json!("rumour")),
            "$.expiration.source",
            "not one of `seed`, `illustrative`",
        ),
        (
            Box::new(|v| v["contacts"][0] = json!({"name": "HR"})),
            "$.contacts[0]",
            "needs a `phone` or an `email`",
        ),
        (
            Box::new(|v| v["contacts"][0]["email"] = json!("nobody")),
            "$.contacts[0].email",
            "not an e-mail address",
        ),
        (
            Box::new(|v| v["documents"][1]["id"] = json!("offer-to-exchange")),
            "$.documents[1].id",
            "duplicate document id",
        ),
        (
            Box::new(|v| v["documents"][1]["amends"] = json!("nothing")),
            "$.documents[1].amends",
            "no document has the id `nothing`",
        ),
        (
            Box::new(|v| {
                v["documents"][0]["date"] = json!("2001-07-01");
                v["documents"][1]["date"] = json!("2001-08-01")
            }),
            "$.documents[1].date",
            "before the offer opened",
        ),
        (
            Box::new(|v| v["documents"][0]["date"] = json!("2001-09-20")),
            "$.documents[1].date",
            "amends a document dated later",
        ),
        (
            Box::new(|v| v["documents"][1]["kind"] = json!("memo")),
            "$.documents[1].kind",
            "not one of",
        ),
        (
            Box::new(|v| v["documents"][1]["amendments"] = json!([])),
            "$.documents[1].amendments",
            "must list its amendments",
        ),
        (
            Box::new(|v| v["documents"][1]["amendments"][2]["number"] = json!(1)),
            "$.documents[1].amendments[2].number",
            "duplicate amendment number 1",
        ),
        (
            Box::new(|v| v["documents"][1]["amendments"][0]["change"] = json!("rewritten")),
            "$.documents[1].amendments[0].change",
            "not one of",
        ),
        (
            Box::new(|v| v["documents"][1]["amendments"][0]["text"] = json!("")),
            "$.documents[1].amendments[0].text",
            "must not be empty",
        ),
        (
            Box::new(|v| v["documents"][1]["amendments"][0]["page"] = json!(-27)),
            "$.documents[1].amendments[0].page",
            "at least 1",
        ),
        (
            Box::new(|v| v["documents"][0]["amends"] = json!("offer-to-exchange")),
            "$.documents[0].amends",
            "only a notice of amendment",
        ),
        (
            Box::new(|v| {
                v["terms"]["exchange_ratio"]["tiers"][1]["from_exercise_price"] = json!("5.00")
            }),
            "$.terms.exchange_ratio.tiers[1].from_exercise_price",
            "must go up in price",
        ),
        (
            Box::new(|v| v["terms"]["exchange_ratio"]["tiers"][0]["old"] = json!(0)),
            "$.terms.exchange_ratio.tiers[0].old",
            "at least 1",
        ),
        (
            Box::new(|v| v["terms"]["exchange_ratio"]["rounding"] = json!("banker")),
            "$.terms.exchange_ratio.rounding",
            "not one of `down`, `nearest`, `up`",
        ),
        (
            Box::new(|v| v["terms"]["eligibility"]["min_exercise_price"] = json!(5)),
            "$.terms.eligibility.min_exercise_price",
            "decimal string",
        ),
        (
            Box::new(|v| v["terms"]["tender_rules"]["whole_grant"] = json!("yes")),
            "$.terms.tender_rules.whole_grant",
            "expected true or false",
        ),
        (
            Box::new(|v| v["terms"]["lookback"]["source"] = json!("seeded")),
            "$.terms.lookback.source",
            "not one of",
        ),
        (
            Box::new(|v| v["terms"]["new_grant"]["extra"] = json!(1)),
            "$.terms.new_grant.extra",
            "unknown field",
        ),
    ];
    for (edit, path, words) in cases {
        let problems = offer_problems(edit);
        assert_problem(&problems, path, words);
    }
}

#[test]
fn an_offer_must_have_exactly_one_offer_to_exchange() {
    let problems = offer_problems(|v| v["documents"][0]["kind"] = json!("notice_of_amendment"));
    assert!(problems
        .iter()
        .any(|p| p.path.as_str() == "$.documents" && p.message.contains("exactly one")));
}

#[test]
fn holder_rules() {
    let cases: Vec<Case> = vec![
        (
            Box::new(|v| v["offer_id"] = json!("acme-2002")),
            "$.offer_id",
            "for the offer `acme-2002`, not for `mpower-2001-option-exchange`",
        ),
        (
            Box::new(|v| v["illustrative"] = json!(null)),
            "$",
            "missing required field `illustrative`",
        ),
        (
            Box::new(|v| v["employee"]["name"] = json!("")),
            "$.employee.name",
            "must not be empty",
        ),
        (
            Box::new(|v| v["grants"] = json!({})),
            "$.grants",
            "expected an array",
        ),
        (
            Box::new(|v| v["grants"][3]["plan"] = json!("espp")),
            "$.grants[3].plan",
            "unknown plan `espp` (the offer's plans are `holding`, `pnh`)",
        ),
        (
            Box::new(|v| v["grants"][4]["exercise_price"] = json!("0")),
            "$.grants[4].exercise_price",
            "greater than zero",
        ),
        (
            Box::new(|v| v["grants"][4]["exercise_price"] = json!("-12.50")),
            "$.grants[4].exercise_price",
            "greater than zero",
        ),
        (
            Box::new(|v| v["grants"][4]["exercise_price"] = json!(12.5)),
            "$.grants[4].exercise_price",
            "decimal string",
        ),
        (
            Box::new(|v| v["grants"][5]["expiration_date"] = json!("1990-01-01")),
            "$.grants[5].expiration_date",
            "not after it was granted",
        ),
        (
            Box::new(|v| v["grants"][6]["id"] = v["grants"][2]["id"].clone()),
            "$.grants[6].id",
            "also at $.grants[2]",
        ),
        (
            Box::new(|v| v["grants"][7]["vested"] = json!(1_000_000)),
            "$.grants[7].vested",
            "more than the",
        ),
        (
            Box::new(|v| v["grants"][7]["outstanding"] = json!(0)),
            "$.grants[7].outstanding",
            "at least 1",
        ),
        (
            Box::new(|v| v["grants"][8]["grant_date"] = json!("yesterday")),
            "$.grants[8].grant_date",
            "YYYY-MM-DD",
        ),
        (
            Box::new(|v| v["grants"][9]["note"] = json!("<script>alert(1)</script>")),
            "$.grants[9].note",
            "unknown field `note`",
        ),
    ];
    for (edit, path, words) in cases {
        let problems = holder_problems(edit);
        assert_problem(&problems, path, words);
    }
}

#[test]
fn one_bad_grant_does_not_hide_problems_across_the_others() {
    let problems = holder_problems(|v| {
        v["grants"][0]["exercise_price"] = json!("free");
        v["grants"][5]["id"] = v["grants"][2]["id"].clone();
        v["grants"][7]["plan"] = json!("espp");
    });
    assert_problem(
        &problems,
        "$.grants[0].exercise_price",
        "not a decimal amount",
    );
    assert_problem(&problems, "$.grants[5].id", "also at $.grants[2]");
    assert_problem(&problems, "$.grants[7].plan", "unknown plan `espp`");
    assert_eq!(problems.len(), 3, "{problems:#?}");
}

#[test]
fn a_holder_without_the_offer_is_checked_for_form_only() {
    let mut v: Value = serde_json::from_str(HOLDERS[0]).expect("JSON");
    v["grants"][0]["plan"] = json!("espp");
    assert!(parse_holder(&v.to_string(), None).is_ok());
}

#[test]
fn text_with_markup_is_kept_as_text() {
    let mut v = offer_value();
    v["title"] = json!("<img src=x onerror=alert(1)>");
    let offer = parse_offer(&v.to_string()).expect("markup is just text");
    assert_eq!(offer.title, "<img src=x onerror=alert(1)>");
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        "\\PC{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("2001-09-27"),
            Just("2001-09-27T23:59:00-04:00"),
            Just("12.50"),
            Just("-1"),
            Just("holding"),
            Just("pnh")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    "[a-z_]{1,10}",
                    Just("grants".to_owned()),
                    Just("plan".to_owned()),
                    Just("exercise_price".to_owned()),
                    Just("instant".to_owned()),
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever JSON arrives, loading answers with an offer or with problems; never a panic.
    #[test]
    fn arbitrary_json_never_panics_the_loader(v in arb_json()) {
        let text = v.to_string();
        let _ = parse_offer(&text);
        let _ = parse_holder(&text, Some(&mpower()));
    }

    /// Replacing any one member of the valid offer with arbitrary JSON never panics, and a
    /// refusal always names at least one place.
    #[test]
    fn mutated_offers_never_panic(key in 0usize..12, v in arb_json()) {
        let mut offer = offer_value();
        if let Some(map) = offer.as_object_mut() {
            let keys: Vec<String> = map.keys().cloned().collect();
            let k = &keys[key % keys.len()];
            map.insert(k.clone(), v);
        }
        if let Err(problems) = parse_offer(&offer.to_string()) {
            prop_assert!(!problems.is_empty());
        }
    }

    /// Any string as the deadline instant or any date field is refused or read, never a
    /// panic (the hints slice strings, so multi-byte characters are the case to try).
    #[test]
    fn any_string_in_date_fields_never_panics(s in "[0-9T:Zé+\\-]{0,30}|\\PC{0,30}") {
        let mut offer = offer_value();
        offer["expiration"]["instant"] = json!(s.clone());
        offer["opened_on"] = json!(s.clone());
        let _ = parse_offer(&offer.to_string());
        let mut h: Value = serde_json::from_str(HOLDERS[0]).expect("JSON");
        h["grants"][0]["grant_date"] = json!(s);
        let _ = parse_holder(&h.to_string(), None);
    }

    /// Arbitrary bytes as text never panic either.
    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
        let _ = parse_offer(&s);
        let _ = parse_holder(&s, None);
    }

    /// A grant with arbitrary values is either loaded or refused with a path into it.
    #[test]
    fn mutated_grants_name_the_grant(field in 0usize..7, v in arb_json()) {
        let mut h: Value = serde_json::from_str(HOLDERS[0]).expect("JSON");
        let names = ["id", "plan", "grant_date", "exercise_price", "outstanding", "vested", "expiration_date"];
        h["grants"][0][names[field]] = v;
        if let Err(problems) = parse_holder(&h.to_string(), Some(&mpower())) {
            prop_assert!(problems.iter().any(|p| p.path.as_str().starts_with("$.grants[0]")), "{:?}", problems);
        }
    }
}
