//! The receiver key's reading without serde's generated reader or the base64 decoder
//! (`PublicJwk::from_value`, `base64url_len`): the same answers as those.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use election_core::contract::{base64url_len, PublicJwk};
use proptest::prelude::*;
use serde_json::json;

fn decoded_len(text: &str) -> Option<usize> {
    B64.decode(text).ok().map(|bytes| bytes.len())
}

#[test]
fn lengths_as_the_decoder_gives_them() {
    for text in [
        "",
        "A",
        "AA",
        "AB",
        "AAA",
        "AAB",
        "AAAA",
        "-_-_",
        "AA==",
        "AA=",
        "A+/A",
        "YQ",
        "YR",
        "YWI",
        "YWJ",
        "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
        "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEV",
        " AAAA",
        "AAAA\n",
        "é",
    ] {
        assert_eq!(base64url_len(text), decoded_len(text), "{text:?}");
    }
    assert_eq!(
        base64url_len("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"),
        Some(32)
    );
}

proptest! {
    #[test]
    fn any_text_of_the_alphabet_and_its_neighbours(text in "[A-Za-z0-9_=+/ .-]{0,48}") {
        prop_assert_eq!(base64url_len(&text), decoded_len(&text));
    }

    #[test]
    fn any_bytes_encoded(bytes in proptest::collection::vec(any::<u8>(), 0..70)) {
        prop_assert_eq!(base64url_len(&B64.encode(&bytes)), Some(bytes.len()));
    }
}

#[test]
fn a_jwk_from_a_value_as_serde_reads_it() {
    let cases = [
        json!({"kty": "EC", "crv": "P-256", "x": "a", "y": "b"}),
        json!({"kty": "EC", "crv": "P-256", "x": "a", "y": "b", "ext": true, "key_ops": ["verify"]}),
        json!({"kty": "EC", "crv": "P-256", "x": "a"}),
        json!({"kty": "EC", "crv": "P-256", "x": 1, "y": "b"}),
        json!({"kty": null, "crv": "P-256", "x": "a", "y": "b"}),
        json!("EC"),
        json!({}),
    ];
    for value in cases {
        let ours = PublicJwk::from_value(&value);
        let serde = serde_json::from_value::<PublicJwk>(value.clone());
        assert_eq!(ours.as_ref().ok(), serde.as_ref().ok(), "{value}");
    }
    // serde's generated reader also takes the members as an array, in order; a key is
    // an object, and anything else is refused.
    assert!(serde_json::from_value::<PublicJwk>(json!(["EC", "P-256", "a", "b"])).is_ok());
    assert_eq!(
        PublicJwk::from_value(&json!(["EC", "P-256", "a", "b"])),
        Err(r#"expected an object, not ["EC","P-256","a","b"]"#.to_owned())
    );
    assert_eq!(
        PublicJwk::from_value(&json!({"kty": "EC", "crv": "P-256", "x": "a"})),
        Err("missing field `y`".to_owned())
    );
    assert_eq!(
        PublicJwk::from_value(&json!({"kty": "EC", "crv": 7, "x": "a", "y": "b"})),
        Err("`crv` must be a string, not 7".to_owned())
    );
}
