//! Signing on with the company's identity provider: a small provider made here (its own
//! RSA, P-256 and Ed25519 keys, its JWKS served on loopback; nothing leaves the machine)
//! issues tokens, and the receiver takes exactly the good ones, each bad one refused with
//! its own code.

// Test code: a failed step should stop the test where it failed.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use common::*;
use election_receiver::auth::{JwksSource, OidcSettings, DEFAULT_ALGORITHMS};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use ring::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair as _};
use serde_json::{json, Value};

const ISSUER: &str = "https://idp.example.test/";
const AUDIENCE: &str = "election-receiver";

/// A signing key of the provider's, with its public JWK.
struct IdpKey {
    kid: String,
    alg: Algorithm,
    encoding: EncodingKey,
    jwk: Value,
}

fn ec_key(kid: &str) -> IdpKey {
    let rng = ring::rand::SystemRandom::new();
    let alg = &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING;
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(alg, &rng).unwrap();
    let pair = EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref(), &rng).unwrap();
    let point = pair.public_key().as_ref();
    IdpKey {
        kid: kid.into(),
        alg: Algorithm::ES256,
        encoding: EncodingKey::from_ec_der(pkcs8.as_ref()),
        jwk: json!({"kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": kid,
            "x": B64.encode(&point[1..33]), "y": B64.encode(&point[33..65])}),
    }
}

fn ed_key(kid: &str) -> IdpKey {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap();
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
    IdpKey {
        kid: kid.into(),
        alg: Algorithm::EdDSA,
        encoding: EncodingKey::from_ed_der(pkcs8.as_ref()),
        jwk: json!({"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": kid,
            "x": B64.encode(pair.public_key().as_ref())}),
    }
}

fn rsa_key(kid: &str) -> IdpKey {
    use rsa::pkcs1::EncodeRsaPrivateKey as _;
    use rsa::traits::PublicKeyParts as _;
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let der = key.to_pkcs1_der().unwrap();
    IdpKey {
        kid: kid.into(),
        alg: Algorithm::RS256,
        encoding: EncodingKey::from_rsa_der(der.as_bytes()),
        jwk: json!({"kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
            "n": B64.encode(key.n().to_bytes_be()), "e": B64.encode(key.e().to_bytes_be())}),
    }
}

/// The provider's JWKS endpoint on loopback: the keys it publishes now, how often it was
/// asked, and whether it is down.
#[derive(Clone, Default)]
struct Jwks {
    keys: Arc<Mutex<Vec<Value>>>,
    fetches: Arc<AtomicUsize>,
    down: Arc<AtomicBool>,
}

impl Jwks {
    async fn serve(&self) -> String {
        let state = self.clone();
        let app = axum::Router::new().route(
            "/jwks",
            axum::routing::get(move || {
                let state = state.clone();
                async move {
                    state.fetches.fetch_add(1, Ordering::SeqCst);
                    if state.down.load(Ordering::SeqCst) {
                        return (axum::http::StatusCode::BAD_GATEWAY, String::new());
                    }
                    let keys = state.keys.lock().unwrap().clone();
                    (
                        axum::http::StatusCode::OK,
                        json!({ "keys": keys }).to_string(),
                    )
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}/jwks")
    }

    fn publish(&self, key: &IdpKey) {
        self.keys.lock().unwrap().push(key.jwk.clone());
    }

    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Claims for `employee`, valid for an hour.
fn claims(employee: &str) -> Value {
    json!({"iss": ISSUER, "aud": AUDIENCE, "sub": format!("user-{employee}"),
        "employee_id": employee, "iat": now(), "exp": now() + 3600})
}

fn sign(key: &IdpKey, claims: &Value) -> String {
    let mut header = Header::new(key.alg);
    header.kid = Some(key.kid.clone());
    jsonwebtoken::encode(&header, claims, &key.encoding).unwrap()
}

/// A receiver that signs employees on with the provider at `jwks`.
async fn receiver(jwks: &str, refresh_min: Duration) -> Receiver {
    let mut config = test_config(Backend::Sqlite, 0).await;
    config.oidc = Some(OidcSettings {
        issuer: ISSUER.into(),
        audiences: vec![AUDIENCE.into()],
        algorithms: DEFAULT_ALGORITHMS.to_vec(),
        jwks: JwksSource::parse(jwks).unwrap(),
        employee_claim: "employee_id".into(),
        employees: Default::default(),
        hr_claim: Some("roles".into()),
        hr_role: Some("election-hr".into()),
        leeway: Duration::from_secs(60),
        timeout: Duration::from_secs(2),
        refresh_min,
        max_age: Duration::from_secs(3600),
    });
    Receiver::with(config).await
}

/// `GET /v1/elections` with `token`: the status and the body.
async fn history_with(rx: &Receiver, token: &str) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .get(rx.url("/v1/elections"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn refused(rx: &Receiver, token: &str, status: StatusCode, code: &str) {
    let (got, body) = history_with(rx, token).await;
    assert_eq!(got, status, "{code}: {body}");
    assert_eq!(body["error"]["code"], code, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_algorithm_signs_an_employee_on_and_every_bad_token_is_refused_with_its_code() {
    let jwks = Jwks::default();
    let (rsa, ec, ed) = (rsa_key("rsa-1"), ec_key("ec-1"), ed_key("ed-1"));
    for key in [&rsa, &ec, &ed] {
        jwks.publish(key);
    }
    let rx = receiver(&jwks.serve().await, Duration::from_secs(60)).await;

    for key in [&rsa, &ec, &ed] {
        let (status, body) = history_with(&rx, &sign(key, &claims("E-1001"))).await;
        assert_eq!(status, StatusCode::OK, "{:?}: {body}", key.alg);
        assert_eq!(body["employee_id"], "E-1001");
    }
    assert_eq!(jwks.fetches(), 1, "the keys are kept");

    // Within the leeway (a minute) an expired token still counts; beyond it, not.
    let mut late = claims("E-1001");
    late["exp"] = json!(now() - 30);
    assert_eq!(history_with(&rx, &sign(&ec, &late)).await.0, StatusCode::OK);
    late["exp"] = json!(now() - 3600);
    refused(
        &rx,
        &sign(&ec, &late),
        StatusCode::UNAUTHORIZED,
        "token_expired",
    )
    .await;

    let mut early = claims("E-1001");
    early["nbf"] = json!(now() + 3600);
    refused(
        &rx,
        &sign(&ec, &early),
        StatusCode::UNAUTHORIZED,
        "token_not_yet_valid",
    )
    .await;

    let mut other_audience = claims("E-1001");
    other_audience["aud"] = json!("another-app");
    refused(
        &rx,
        &sign(&ec, &other_audience),
        StatusCode::UNAUTHORIZED,
        "token_wrong_audience",
    )
    .await;

    let mut other_issuer = claims("E-1001");
    other_issuer["iss"] = json!("https://evil.example.test/");
    refused(
        &rx,
        &sign(&ec, &other_issuer),
        StatusCode::UNAUTHORIZED,
        "token_wrong_issuer",
    )
    .await;

    // Signed by a key that is not the provider's, under the provider's key id.
    let impostor = IdpKey {
        kid: "ec-1".into(),
        ..ec_key("impostor")
    };
    refused(
        &rx,
        &sign(&impostor, &claims("E-1001")),
        StatusCode::UNAUTHORIZED,
        "token_bad_signature",
    )
    .await;

    // Not signed at all.
    let unsigned = format!(
        "{}.{}.",
        B64.encode(br#"{"alg":"none","typ":"JWT"}"#),
        B64.encode(claims("E-1001").to_string())
    );
    refused(&rx, &unsigned, StatusCode::UNAUTHORIZED, "token_unsigned").await;
    let unsigned = format!(
        "{}.{}.",
        B64.encode(br#"{"alg":"NONE","kid":"ec-1"}"#),
        B64.encode(claims("E-1001").to_string())
    );
    refused(&rx, &unsigned, StatusCode::UNAUTHORIZED, "token_unsigned").await;

    // A shared secret is never a provider's signature, whatever the secret.
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("ec-1".into());
    let hmac = jsonwebtoken::encode(
        &header,
        &claims("E-1001"),
        &EncodingKey::from_secret(ec.jwk["x"].as_str().unwrap().as_bytes()),
    )
    .unwrap();
    refused(
        &rx,
        &hmac,
        StatusCode::UNAUTHORIZED,
        "token_algorithm_refused",
    )
    .await;

    // A key published for ES256 does not verify an RS256 header naming it.
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("ec-1".into());
    let confused = jsonwebtoken::encode(&header, &claims("E-1001"), &rsa.encoding).unwrap();
    refused(
        &rx,
        &confused,
        StatusCode::UNAUTHORIZED,
        "token_algorithm_refused",
    )
    .await;

    refused(
        &rx,
        "not.a-jwt",
        StatusCode::UNAUTHORIZED,
        "token_malformed",
    )
    .await;
    refused(
        &rx,
        "no-dots-and-no-known-token",
        StatusCode::UNAUTHORIZED,
        "token_malformed",
    )
    .await;

    // A valid token with no employee in it.
    let mut nobody = claims("E-1001");
    nobody.as_object_mut().unwrap().remove("employee_id");
    refused(
        &rx,
        &sign(&ec, &nobody),
        StatusCode::FORBIDDEN,
        "token_no_employee",
    )
    .await;

    // The static tokens still work beside it.
    let (status, body) = history_with(&rx, &token_for("E-1002")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["employee_id"], "E-1002");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_signs_elections_for_its_own_employee_only() {
    let jwks = Jwks::default();
    let ec = ec_key("ec-1");
    jwks.publish(&ec);
    let rx = receiver(&jwks.serve().await, Duration::from_secs(60)).await;
    let mut avery = Employee::new(&rx, "E-1001");
    avery.token = sign(&ec, &claims("E-1001"));
    assert_eq!(avery.register(&rx).await.0, StatusCode::CREATED);
    let (status, body) = avery.submit(&rx, &avery.sign(avery.payload(1, true))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // Jordan's election, sent with Avery's token.
    let jordan = Employee::new(&rx, "E-1002");
    let mut theirs = jordan.payload(1, true);
    theirs.key_id = avery.signer.key_id().to_owned();
    let (status, body) = avery.submit(&rx, &avery.signer.sign_election(theirs)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "employee_mismatch", "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_key_is_fetched_when_a_token_names_it_and_made_up_keys_cannot_hammer_the_provider() {
    let jwks = Jwks::default();
    let first = ec_key("ec-1");
    jwks.publish(&first);
    let rx = receiver(&jwks.serve().await, Duration::from_millis(300)).await;
    assert_eq!(
        history_with(&rx, &sign(&first, &claims("E-1001"))).await.0,
        StatusCode::OK
    );
    assert_eq!(jwks.fetches(), 1);

    // Made-up key ids, many at once: one fetch at most within the refresh interval.
    let made_up: Vec<_> = (0..10)
        .map(|i| {
            sign(
                &IdpKey {
                    kid: format!("nobody-{i}"),
                    ..ec_key("x")
                },
                &claims("E-1001"),
            )
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(350)).await;
    for token in &made_up {
        refused(&rx, token, StatusCode::UNAUTHORIZED, "token_unknown_key").await;
    }
    assert_eq!(jwks.fetches(), 2, "ten unknown keys, one fetch");

    // The provider rotates in a new key; the first token that names it fetches the keys.
    tokio::time::sleep(Duration::from_millis(350)).await;
    let second = rsa_key("rsa-2");
    jwks.publish(&second);
    let (status, body) = history_with(&rx, &sign(&second, &claims("E-1001"))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(jwks.fetches(), 3);

    // The provider is down: a token naming a key the receiver lacks gets a retryable 503.
    tokio::time::sleep(Duration::from_millis(350)).await;
    jwks.down.store(true, Ordering::SeqCst);
    let third = ec_key("ec-3");
    refused(
        &rx,
        &sign(&third, &claims("E-1001")),
        StatusCode::SERVICE_UNAVAILABLE,
        "identity_provider_unavailable",
    )
    .await;
    // Tokens by keys already fetched still work.
    assert_eq!(
        history_with(&rx, &sign(&first, &claims("E-1001"))).await.0,
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hr_role_comes_from_a_claim_or_an_hr_token_and_never_from_an_employees() {
    let jwks = Jwks::default();
    let ec = ec_key("ec-1");
    jwks.publish(&ec);
    let rx = receiver(&jwks.serve().await, Duration::from_secs(60)).await;
    let session = |token: String| {
        let url = rx.url("/v1/hr/session");
        async move {
            let response = reqwest::Client::new()
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            (response.status(), response.json::<Value>().await.unwrap())
        }
    };
    let mut hr = claims("E-9000");
    hr["roles"] = json!(["staff", "election-hr"]);
    let (status, body) = session(sign(&ec, &hr)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["subject"], "user-E-9000");
    let (status, _) = session(HR_TOKEN.to_owned()).await;
    assert_eq!(status, StatusCode::OK);

    let mut staff = claims("E-1001");
    staff["roles"] = json!("staff");
    for token in [
        sign(&ec, &staff),
        sign(&ec, &claims("E-1001")),
        token_for("E-1001"),
    ] {
        let (status, body) = session(token).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["error"]["code"], "hr_role_required");
    }
    let (status, body) = session("an-unknown-static-token".into()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}
