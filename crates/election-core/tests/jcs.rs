//! The JCS writer (`election_core::jcs`) against RFC 8785's own examples and against the
//! `serde_json_canonicalizer` crate it replaced, on generated JSON: byte for byte the same.

use election_core::jcs;
use proptest::prelude::*;
use serde_json::{json, Value};

fn ours(value: &Value) -> String {
    String::from_utf8(jcs::to_vec(value).expect("JSON")).expect("UTF-8")
}

fn theirs(value: &Value) -> String {
    String::from_utf8(serde_json_canonicalizer::to_vec(value).expect("JSON")).expect("UTF-8")
}

#[test]
fn rfc_8785_section_3_2_2_sample() {
    let input: Value = serde_json::from_str(
        r#"{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
            "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
            "literals": [null, true, false]}"#,
    )
    .expect("sample");
    assert_eq!(
        ours(&input),
        r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
    );
}

#[test]
fn rfc_8785_section_3_2_3_sorting_by_utf16_code_units() {
    // The RFC's sample: the property names sort as UTF-16, not as UTF-8 bytes.
    let input: Value = serde_json::from_str(
        r#"{"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
            "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis"}"#,
    )
    .expect("sample");
    let names: Vec<String> = {
        let text = ours(&input);
        let back: Value = serde_json::from_str(&text).expect("canonical JSON is JSON");
        assert_eq!(back, input);
        // Read the names in written order (a serde_json map would sort them again).
        text.split("\":\"")
            .filter_map(|part| part.rsplit('"').next().map(str::to_owned))
            .collect()
    };
    assert_eq!(
        names[..7],
        ["\\r", "1", "\u{80}", "ö", "€", "😀", "\u{fb33}"].map(str::to_owned)
    );
    assert_eq!(ours(&input), theirs(&input));
}

#[test]
fn integers_are_written_as_javascript_writes_doubles() {
    let input = json!([
        0,
        -0,
        1,
        -1,
        9007199254740992_u64,
        9007199254740993_u64,
        u64::MAX,
        i64::MIN,
        1e21,
        1e20
    ]);
    assert_eq!(
        ours(&input),
        "[0,0,1,-1,9007199254740992,9007199254740992,18446744073709552000,-9223372036854776000,1e+21,100000000000000000000]"
    );
    assert_eq!(ours(&input), theirs(&input));
}

#[test]
fn every_control_character_is_escaped_as_json_stringify_does() {
    let all: String = (0u8..0x80).map(char::from).collect();
    let input = json!({ "text": all, "more": "\u{7f}\u{2028}\u{2029}\u{fffd}" });
    assert_eq!(ours(&input), theirs(&input));
    assert!(ours(&input).contains(r#"\u0000\u0001"#));
    assert!(ours(&input).contains(r#"\b\t\n\u000b\f\r\u000e"#));
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".*".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(".*", inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn the_same_bytes_as_the_crate_it_replaced(value in json_value()) {
        prop_assert_eq!(ours(&value), theirs(&value));
    }
}
