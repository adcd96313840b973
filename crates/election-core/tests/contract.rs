//! The election contract: canonical bytes, signatures, receipts and their chain, the
//! committed test vectors (`docs/vectors/`) and the generated JSON Schemas
//! (`docs/schemas/`).
//!
//! The vectors and schemas are checked against what this code produces; after a
//! deliberate change, regenerate them with `UPDATE_CONTRACT=1 cargo test -p election-core
//! --test contract` and review the diff.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use election_core::contract::*;
use election_core::disclosure::{offer_digest, Acknowledgment, Disclosure};
use election_core::{parse_holder, parse_offer, Election, Holder, Offer};
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};

const OFFER: &str = include_str!("../../../static/offers/mpower-2001.json");
const SINGLE: &str = include_str!("../../../static/holders/e1001-avery-lindqvist.json");
const DOZENS: &str = include_str!("../../../static/holders/e1002-jordan-okafor.json");

fn offer() -> Offer {
    parse_offer(OFFER).unwrap()
}

fn holder(text: &str) -> Holder {
    parse_holder(text, Some(&offer())).unwrap()
}

/// A key made from a label: test keys anyone can re-derive, never used for real.
fn test_signer(label: &str) -> Signer {
    Signer::from_bytes(&Sha256::digest(label.as_bytes())).unwrap()
}

fn client() -> Signer {
    test_signer("election-widget contract vector: employee key")
}

fn receiver() -> Signer {
    test_signer("election-widget contract vector: receiver key")
}

fn signing(key: &Signer, sequence: u64) -> Signing {
    Signing {
        sequence,
        nonce: "AAECAwQFBgcICQoLDA0ODw".into(),
        idempotency_key: format!("vector-election-{sequence:04}"),
        client_time: "2001-09-20T10:15:30.250-04:00".into(),
        key_id: key.key_id().to_owned(),
        signed_name: "Avery Lindqvist".into(),
    }
}

fn acks(offer: &Offer) -> Vec<Acknowledgment> {
    offer
        .documents
        .iter()
        .map(|d| Acknowledgment::of(offer, d))
        .collect()
}

/// Avery exchanges their one grant.
fn vector_payload() -> ElectionPayload {
    let offer = offer();
    let holder = holder(SINGLE);
    let mut election = Election::keep_all(&offer, &holder);
    election.tendered.insert("H-2000-0417".into(), 12_000);
    ElectionPayload::build(
        &offer,
        &holder,
        &election,
        acks(&offer),
        signing(&client(), 1),
    )
}

fn receipt_for(payload: &ElectionPayload, index: u64, previous: &str) -> Receipt {
    Receipt {
        contract: RECEIPT_CONTRACT.into(),
        receipt_id: format!("R{index:010}"),
        received_by: "Mpower Holding Corporation".into(),
        offer_id: payload.offer_id.clone(),
        offer_version: payload.offer_version,
        employee_id: payload.employee_id.clone(),
        sequence: payload.sequence,
        idempotency_key: payload.idempotency_key.clone(),
        payload_hash: payload_hash(payload).hex(),
        received_at: "2001-09-20T14:15:31.004Z".into(),
        received_at_ms: 1_000_995_331_004,
        deadline: "2001-09-27T23:59:00-04:00".into(),
        timeliness: Timeliness::OnTime,
        chain_index: index,
        previous_receipt_hash: previous.to_owned(),
        key_id: receiver().key_id().to_owned(),
    }
}

fn repo_file(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative)
}

/// Compares `produced` with the committed file, or rewrites it under `UPDATE_CONTRACT=1`.
fn golden(relative: &str, produced: &str) {
    let path = repo_file(relative);
    if std::env::var_os("UPDATE_CONTRACT").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, produced).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!("{relative} is missing: run UPDATE_CONTRACT=1 cargo test -p election-core --test contract")
    });
    assert!(
        committed == produced,
        "{relative} differs from what the contract types produce; if the change is deliberate, \
         regenerate with UPDATE_CONTRACT=1 and review the diff"
    );
}

fn vector_document() -> Value {
    let payload = vector_payload();
    let client = client();
    let receiver = receiver();
    let signed = client.sign_election(payload.clone());
    let canonical = String::from_utf8(canonical_bytes(&payload)).unwrap();
    let (_, signing_input) = jws_signing_input(client.key_id(), canonical.as_bytes());
    let receipt = receipt_for(&payload, 1, GENESIS_HASH);
    let signed_receipt = receiver.sign_receipt(receipt.clone());
    json!({
        "description": "Contract test vector: an election by the fictional employee E-1001 under the Mpower offer, its canonical bytes (RFC 8785), its detached ES256 JWS, and the receiver's signed receipt. The private keys are test keys (SHA-256 of a label) and must never be used for anything else. ECDSA signatures are randomised in WebCrypto: check by verifying, not by comparing signatures; these are deterministic (RFC 6979).",
        "employee_key": {
            "private_scalar_hex": hex(&client.secret_bytes()),
            "jwk": client.jwk(),
            "key_id": client.key_id(),
        },
        "receiver_key": {
            "private_scalar_hex": hex(&receiver.secret_bytes()),
            "jwk": receiver.jwk(),
            "key_id": receiver.key_id(),
        },
        "signed_election": signed,
        "canonical_payload": canonical,
        "payload_hash": payload_hash(&payload).hex(),
        "jws_signing_input": signing_input,
        "signed_receipt": signed_receipt,
        "canonical_receipt": String::from_utf8(canonical_bytes(&receipt)).unwrap(),
        "receipt_hash": receipt_hash(&receipt).hex(),
    })
}

fn example_offer() -> election_core::Offer {
    election_core::parse_offer(include_str!(
        "../../../static/example-offers/halden-2001/offer.json"
    ))
    .unwrap()
}

/// An offer's disclosure digest (`disclosure/v2`) with the canonical JSON it hashes, and
/// its component, the legal texts' digest, with theirs.
fn disclosure_vector(offer: &election_core::Offer) -> Value {
    use election_core::disclosure::{canonical_legal_texts, canonical_offer, legal_texts_digest};
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    json!({
        "legal_texts": {
            "canonical": text(canonical_legal_texts(offer)),
            "digest": legal_texts_digest(offer).hex(),
        },
        "canonical": text(canonical_offer(offer)),
        "disclosure_digest": offer_digest(offer).hex(),
    })
}

/// Every digest a client computes from the offer (docs/PROTOCOL.md section 2), with the
/// canonical JSON it hashes, and the JWK thumbprint's input.
fn digests_document() -> Value {
    use election_core::disclosure::{
        amendment_digest, canonical_amendment, canonical_document, document_digest,
    };
    let offer = offer();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    let documents: Vec<Value> = offer
        .documents
        .iter()
        .map(|d| {
            json!({
                "document_id": d.id,
                "canonical": text(canonical_document(&offer, d)),
                "digest": document_digest(&offer, d).hex(),
                "amendments": d.amendments.iter().map(|a| json!({
                    "number": a.number,
                    "canonical": text(canonical_amendment(a)),
                    "digest": amendment_digest(a).hex(),
                })).collect::<Vec<_>>(),
                "acknowledgment": Acknowledgment::of(&offer, d),
            })
        })
        .collect();
    let key = client();
    let jwk = key.jwk();
    json!({
        "description": "Contract test vector: every digest of the Mpower offer's legal texts a client computes (per document, per amendment, the legal texts together, and the disclosure digest over them and the terms that set the consideration, also for the second example offer), with the RFC 8785 canonical JSON each is the SHA-256 of, the acknowledgment an election carries for each document, and the RFC 7638 thumbprint input of the vector employee key. The offer is static/offers/mpower-2001.json.",
        "offer_file": "static/offers/mpower-2001.json",
        "documents": documents,
        "offer": disclosure_vector(&offer),
        // The second example offer: ratios set by grant, parts of grants and restricted
        // stock units in the terms the disclosure digest covers.
        "example_offer": {
            "offer_file": "static/example-offers/halden-2001/offer.json",
            "disclosure": disclosure_vector(&example_offer()),
        },
        "thumbprint": {
            "jwk": jwk,
            "canonical": format!(
                r#"{{"crv":"{}","kty":"{}","x":"{}","y":"{}"}}"#,
                jwk.crv, jwk.kty, jwk.x, jwk.y
            ),
            "key_id": key.key_id(),
        },
    })
}

/// The checkpoint after the vector election's receipt (count 1), and the empty chain's.
fn vector_checkpoint(count: u64) -> Checkpoint {
    let receipt = receipt_for(&vector_payload(), 1, GENESIS_HASH);
    Checkpoint {
        contract: CHECKPOINT_CONTRACT.into(),
        received_by: "Mpower Holding Corporation".into(),
        offer_id: receipt.offer_id.clone(),
        key_id: receiver().key_id().to_owned(),
        count,
        head: if count == 0 {
            GENESIS_HASH.into()
        } else {
            receipt_hash(&receipt).hex()
        },
        at_ms: 1_000_995_331_004 + count as i64,
        at: format!("2001-09-20T14:15:31.00{}Z", 4 + count),
    }
}

fn checkpoint_document() -> Value {
    let receiver = receiver();
    let signed: Vec<Value> = [0, 1]
        .into_iter()
        .map(|count| {
            let checkpoint = vector_checkpoint(count);
            let canonical = String::from_utf8(canonical_bytes(&checkpoint)).unwrap();
            let (_, input) = jws_signing_input(receiver.key_id(), canonical.as_bytes());
            json!({
                "signed_checkpoint": receiver.sign_checkpoint(checkpoint.clone()),
                "canonical_checkpoint": canonical,
                "checkpoint_hash": checkpoint_hash(&checkpoint).hex(),
                "jws_signing_input": input,
            })
        })
        .collect();
    json!({
        "description": "Contract test vector: the receiver's signed checkpoints of its receipt chain, before (count 0, head = 64 zeros) and after (count 1, head = the receipt_hash of election-v1.json's receipt) the vector election, signed by election-v1.json's receiver key. Deterministic signatures (RFC 6979); verify, do not compare.",
        "receiver_key": { "jwk": receiver.jwk(), "key_id": receiver.key_id() },
        "receipt_hash": receipt_hash(&receipt_for(&vector_payload(), 1, GENESIS_HASH)).hex(),
        "checkpoints": signed,
    })
}

#[test]
fn the_committed_digest_and_checkpoint_vectors_are_what_the_contract_produces() {
    let text = serde_json::to_string_pretty(&digests_document()).unwrap() + "\n";
    golden("docs/vectors/digests-v1.json", &text);
    let text = serde_json::to_string_pretty(&checkpoint_document()).unwrap() + "\n";
    golden("docs/vectors/checkpoint-v1.json", &text);
}

#[test]
fn the_digest_vector_matches_the_election_vector() {
    let v = digests_document();
    let payload = vector_payload();
    assert_eq!(v["offer"]["disclosure_digest"], payload.disclosure_digest);
    let mut acks: Vec<Acknowledgment> = v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| serde_json::from_value(d["acknowledgment"].clone()).unwrap())
        .collect();
    // The payload lists them sorted by document id.
    acks.sort_by(|a, b| a.document_id.cmp(&b.document_id));
    assert_eq!(acks, payload.acknowledgments);
    for d in v["documents"].as_array().unwrap() {
        let canonical = d["canonical"].as_str().unwrap();
        assert_eq!(hex(&Sha256::digest(canonical)), d["digest"]);
        assert_eq!(d["acknowledgment"]["digest"], d["digest"]);
    }
    assert_eq!(
        hex(&Sha256::digest(v["offer"]["canonical"].as_str().unwrap())),
        v["offer"]["disclosure_digest"]
    );
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    assert_eq!(
        b64.encode(Sha256::digest(
            v["thumbprint"]["canonical"].as_str().unwrap()
        )),
        v["thumbprint"]["key_id"]
    );
}

#[test]
fn a_checkpoint_verifies_and_any_change_breaks_it() {
    let receiver = receiver();
    let signed = receiver.sign_checkpoint(vector_checkpoint(1));
    verify_checkpoint(&signed, receiver.jwk()).unwrap();
    let mut shorter = signed.clone();
    shorter.checkpoint.count = 0;
    assert_eq!(
        verify_checkpoint(&shorter, receiver.jwk()),
        Err(SignatureError::Invalid)
    );
    assert!(matches!(
        verify_checkpoint(&signed, client().jwk()),
        Err(SignatureError::KeyId { .. })
    ));
    // A checkpoint is a contract value like the others: unknown fields are refused.
    let mut value = serde_json::to_value(&signed).unwrap();
    value["checkpoint"]["note"] = json!("x");
    assert!(serde_json::from_value::<SignedCheckpoint>(value).is_err());
    // The signing input a WebCrypto verifier needs.
    let bytes = canonical_bytes(&signed.checkpoint);
    let (input, raw) =
        detached_signing_input(&signed.signature, receiver.key_id(), &bytes).unwrap();
    assert_eq!(
        input,
        jws_signing_input(receiver.key_id(), &bytes).1.into_bytes()
    );
    assert_eq!(raw.len(), 64);
}

#[test]
fn checkpoint_extends_accepts_growth_and_names_each_problem() {
    let empty = vector_checkpoint(0);
    let one = vector_checkpoint(1);
    checkpoint_extends(&empty, &one).unwrap();
    checkpoint_extends(&one, &one).unwrap();
    checkpoint_extends(&empty, &empty).unwrap();
    assert_eq!(
        checkpoint_extends(&one, &empty),
        Err(CheckpointProblem::Shorter { older: 1, newer: 0 })
    );
    let mut rewritten = one.clone();
    rewritten.head = "ab".repeat(32);
    rewritten.at_ms += 10;
    assert_eq!(
        checkpoint_extends(&one, &rewritten),
        Err(CheckpointProblem::OtherHead { count: 1 })
    );
    let mut earlier = one.clone();
    earlier.count = 2;
    earlier.head = "cd".repeat(32);
    earlier.at_ms = empty.at_ms - 1;
    assert!(matches!(
        checkpoint_extends(&empty, &earlier),
        Err(CheckpointProblem::Earlier { .. })
    ));
    for field in ["received_by", "offer_id", "key_id"] {
        let mut other = one.clone();
        match field {
            "received_by" => other.received_by = "Someone Else".into(),
            "offer_id" => other.offer_id = "acme-2030".into(),
            _ => other.key_id = client().key_id().to_owned(),
        }
        let err = checkpoint_extends(&empty, &other).unwrap_err();
        assert!(
            matches!(&err, CheckpointProblem::OtherChain { field: f, .. } if *f == field),
            "{field}: {err:?}"
        );
        assert!(err.to_string().contains("different chains"));
    }
}

#[test]
fn a_checkpoint_is_covered_only_by_the_chain_it_was_taken_of() {
    let payload = vector_payload();
    let first = receipt_for(&payload, 1, GENESIS_HASH);
    let second = receipt_for(&payload, 2, &receipt_hash(&first).hex());
    let one = vector_checkpoint(1);
    check_covers(&one, std::slice::from_ref(&first)).unwrap();
    check_covers(&one, &[first.clone(), second.clone()]).unwrap();
    check_covers(&vector_checkpoint(0), &[]).unwrap();
    let truncated = check_covers(&one, &[]).unwrap_err();
    assert!(truncated.contains("removed"), "{truncated}");
    let mut rewritten = first.clone();
    rewritten.timeliness = Timeliness::Late;
    let err = check_covers(&one, &[rewritten]).unwrap_err();
    assert!(err.contains("rewritten"), "{err}");
    let err = check_covers(&one, &[second]).unwrap_err();
    assert!(err.contains("breaks at chain index 2"), "{err}");
}

#[test]
fn a_decision_for_an_ineligible_grant_is_refused_with_its_grant() {
    let offer = offer();
    let jordan = holder(DOZENS);
    let ineligible = jordan
        .grants
        .iter()
        .find(|g| {
            election_core::rules::eligibility(&offer, &election_core::Employee::default(), g)
                .is_err()
        })
        .expect("Jordan has an ineligible grant");
    let mut payload = ElectionPayload::build(
        &offer,
        &jordan,
        &Election::keep_all(&offer, &jordan),
        acks(&offer),
        signing(&client(), 1),
    );
    check_against(&offer, &Disclosure::of(&offer), &jordan, &payload).unwrap();
    payload.decisions.push(GrantDecision {
        grant_id: ineligible.id.clone(),
        decision: Decision::Keep,
        options: 0,
        portion: None,
    });
    payload
        .decisions
        .sort_by(|a, b| a.grant_id.cmp(&b.grant_id));
    let Err(Mismatch::IneligibleGrantDecision { grants, reasons }) =
        check_against(&offer, &Disclosure::of(&offer), &jordan, &payload)
    else {
        panic!("a kept ineligible grant must be refused");
    };
    assert_eq!(grants, vec![ineligible.id.clone()]);
    assert!(reasons[0].contains(&ineligible.id), "{reasons:?}");
    assert!(reasons[0].contains("not eligible"), "{reasons:?}");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_committed_vector_is_what_the_contract_produces() {
    let text = serde_json::to_string_pretty(&vector_document()).unwrap() + "\n";
    golden("docs/vectors/election-v1.json", &text);
}

/// Reads the committed vector as an implementer in another language would: only the
/// file, checked by verification.
#[test]
fn the_committed_vector_verifies_from_the_file_alone() {
    let text = std::fs::read_to_string(repo_file("docs/vectors/election-v1.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let signed: SignedElection = serde_json::from_value(v["signed_election"].clone()).unwrap();
    let employee: PublicJwk = serde_json::from_value(v["employee_key"]["jwk"].clone()).unwrap();
    let receiver_jwk: PublicJwk = serde_json::from_value(v["receiver_key"]["jwk"].clone()).unwrap();
    assert_eq!(
        String::from_utf8(canonical_bytes(&signed.payload)).unwrap(),
        v["canonical_payload"].as_str().unwrap()
    );
    assert_eq!(
        hex(&Sha256::digest(v["canonical_payload"].as_str().unwrap())),
        v["payload_hash"].as_str().unwrap()
    );
    assert_eq!(employee.thumbprint(), v["employee_key"]["key_id"]);
    assert_eq!(
        verify_election(&signed, &employee).unwrap().hex(),
        v["payload_hash"].as_str().unwrap()
    );
    let receipt: SignedReceipt = serde_json::from_value(v["signed_receipt"].clone()).unwrap();
    verify_receipt(&receipt, &receiver_jwk).unwrap();
    assert_eq!(receipt.receipt.payload_hash, v["payload_hash"]);
    assert_eq!(receipt_hash(&receipt.receipt).hex(), v["receipt_hash"]);
    check_chain(std::slice::from_ref(&receipt.receipt)).unwrap();
}

#[test]
fn rfc7638_thumbprint_example() {
    // RFC 7638 section 3.1's example is an RSA key; for P-256 the thumbprint is SHA-256
    // over exactly this member string, written out by hand here (and checked again by
    // e2e/contract with WebCrypto).
    let jwk = PublicJwk {
        kty: "EC".into(),
        crv: "P-256".into(),
        x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU".into(),
        y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0".into(),
    };
    let members = r#"{"crv":"P-256","kty":"EC","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#;
    use base64::Engine as _;
    let expected = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(members));
    assert_eq!(jwk.thumbprint(), expected);
    assert_eq!(jwk.thumbprint().len(), 43);
}

#[test]
fn canonical_bytes_do_not_depend_on_key_order_or_whitespace() {
    let payload = vector_payload();
    let value = serde_json::to_value(&payload).unwrap();
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    let reparsed: ElectionPayload = serde_json::from_str(&pretty).unwrap();
    assert_eq!(canonical_bytes(&reparsed), canonical_bytes(&payload));
    let canonical = String::from_utf8(canonical_bytes(&payload)).unwrap();
    assert!(canonical.starts_with(r#"{"acknowledgments":[{"amendments":{"#));
    assert!(!canonical.contains(' ') || canonical.contains("Avery Lindqvist"));
}

#[test]
fn any_change_to_a_signed_election_breaks_its_signature() {
    let key = client();
    let signed = key.sign_election(vector_payload());
    verify_election(&signed, key.jwk()).unwrap();

    let mut tampered = signed.clone();
    tampered.payload.decisions[0].options = 11_999;
    assert_eq!(
        verify_election(&tampered, key.jwk()),
        Err(SignatureError::Invalid)
    );

    let mut tampered = signed.clone();
    tampered.payload.sequence = 2;
    assert_eq!(
        verify_election(&tampered, key.jwk()),
        Err(SignatureError::Invalid)
    );

    let mut tampered = signed.clone();
    tampered.payload.signed_name = "Avery Lindqvist ".into();
    assert_eq!(
        verify_election(&tampered, key.jwk()),
        Err(SignatureError::Invalid)
    );
}

#[test]
fn a_signature_by_another_key_or_in_another_form_is_refused() {
    let key = client();
    let other = test_signer("someone else");
    let signed = key.sign_election(vector_payload());
    // Checked against another employee's key: the payload names a different key.
    assert!(matches!(
        verify_election(&signed, other.jwk()),
        Err(SignatureError::KeyId { .. })
    ));
    // Signed by another key that claims to be this one.
    let mut forged = other.sign_election(signed.payload.clone());
    let (header, _) = jws_signing_input(key.key_id(), b"");
    let raw = forged.signature.rsplit('.').next().unwrap().to_owned();
    forged.signature = format!("{header}..{raw}");
    assert_eq!(
        verify_election(&forged, key.jwk()),
        Err(SignatureError::Invalid)
    );
    // Attached (non-detached) form, another algorithm, garbage.
    let mut attached = signed.clone();
    attached.signature = attached.signature.replacen("..", ".e30.", 1);
    assert!(matches!(
        verify_election(&attached, key.jwk()),
        Err(SignatureError::Malformed(_))
    ));
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let hs = b64.encode(format!(r#"{{"alg":"HS256","kid":"{}"}}"#, key.key_id()));
    let mut hmac = signed.clone();
    hmac.signature = format!("{hs}..{raw}");
    assert_eq!(
        verify_election(&hmac, key.jwk()),
        Err(SignatureError::Algorithm("HS256".into()))
    );
    let mut garbage = signed;
    garbage.signature = "not a jws".into();
    assert!(matches!(
        verify_election(&garbage, key.jwk()),
        Err(SignatureError::Malformed(_))
    ));
}

#[test]
fn a_key_off_the_curve_is_refused() {
    let mut jwk = client().jwk().clone();
    jwk.y = jwk.x.clone();
    assert!(matches!(
        verifying_key(&jwk),
        Err(SignatureError::BadKey(_))
    ));
    jwk.crv = "P-384".into();
    assert!(!jwk.problems().is_empty());
}

#[test]
fn a_tampered_receipt_fails_offline_verification() {
    let receiver = receiver();
    let signed = receiver.sign_receipt(receipt_for(&vector_payload(), 1, GENESIS_HASH));
    verify_receipt(&signed, receiver.jwk()).unwrap();
    let mut late = signed.clone();
    late.receipt.received_at = "2001-09-20T14:15:30.004Z".into();
    assert_eq!(
        verify_receipt(&late, receiver.jwk()),
        Err(SignatureError::Invalid)
    );
    let mut other = signed;
    other.receipt.timeliness = Timeliness::Late;
    assert_eq!(
        verify_receipt(&other, receiver.jwk()),
        Err(SignatureError::Invalid)
    );
}

#[test]
fn a_verifier_with_its_own_ecdsa_gets_the_signed_bytes_and_signature() {
    let receiver = receiver();
    let signed = receiver.sign_receipt(receipt_for(&vector_payload(), 1, GENESIS_HASH));
    let bytes = canonical_bytes(&signed.receipt);
    let (input, signature) =
        detached_signing_input(&signed.signature, receiver.key_id(), &bytes).unwrap();
    let (_, expected) = jws_signing_input(receiver.key_id(), &bytes);
    assert_eq!(input, expected.into_bytes());
    assert_eq!(signature.len(), 64);
    assert!(matches!(
        detached_signing_input(&signed.signature, "another-key", &bytes),
        Err(SignatureError::KeyId { .. })
    ));
    assert!(matches!(
        detached_signing_input("x.y.z", receiver.key_id(), &bytes),
        Err(SignatureError::Malformed(_))
    ));
}

#[test]
fn the_receipt_chain_catches_a_dropped_or_altered_receipt() {
    let payload = vector_payload();
    let first = receipt_for(&payload, 1, GENESIS_HASH);
    let second = receipt_for(&payload, 2, &receipt_hash(&first).hex());
    let third = receipt_for(&payload, 3, &receipt_hash(&second).hex());
    check_chain(&[first.clone(), second.clone(), third.clone()]).unwrap();
    let dropped = check_chain(&[first.clone(), third.clone()]).unwrap_err();
    assert_eq!(dropped.chain_index, 3);
    let mut altered = second.clone();
    altered.timeliness = Timeliness::Late;
    let err = check_chain(&[first, altered, third]).unwrap_err();
    assert_eq!(err.chain_index, 3);
    assert!(err.why.contains("previous receipt's hash"));
}

#[test]
fn payload_problems_name_each_field() {
    let mut payload = vector_payload();
    assert_eq!(payload_problems(&payload), Vec::<String>::new());
    payload.contract = "election/v0".into();
    payload.sequence = 0;
    payload.nonce = "short".into();
    payload.idempotency_key = "has spaces in it!".into();
    payload.client_time = "yesterday".into();
    payload.disclosure_digest = "ABC".into();
    payload.signed_name = "  ".into();
    payload.decisions[0].options = 0;
    let problems = payload_problems(&payload).join("\n");
    for field in [
        "payload.contract",
        "payload.sequence",
        "payload.nonce",
        "payload.idempotency_key",
        "payload.client_time",
        "payload.disclosure_digest",
        "payload.signed_name",
        "payload.decisions[0]",
    ] {
        assert!(
            problems.contains(field),
            "{field} missing from:\n{problems}"
        );
    }
}

#[test]
fn unknown_fields_are_refused() {
    let mut value = serde_json::to_value(vector_payload()).unwrap();
    value["is_admin"] = json!(true);
    let err = serde_json::from_value::<ElectionPayload>(value).unwrap_err();
    assert!(err.to_string().contains("is_admin"), "{err}");
}

#[test]
fn a_payload_is_checked_against_the_offer_and_grants() {
    let offer = offer();
    let avery = holder(SINGLE);
    let payload = vector_payload();
    check_against(&offer, &Disclosure::of(&offer), &avery, &payload).unwrap();
    assert!(!payload.is_withdrawal());

    let mut stale = payload.clone();
    stale.offer_version -= 1;
    assert!(matches!(
        check_against(&offer, &Disclosure::of(&offer), &avery, &stale),
        Err(Mismatch::StaleVersion { .. })
    ));
    let mut other = payload.clone();
    other.offer_id = "acme-2030".into();
    assert!(matches!(
        check_against(&offer, &Disclosure::of(&offer), &avery, &other),
        Err(Mismatch::UnknownOffer(_))
    ));
    let mut unseen = payload.clone();
    unseen.disclosure_digest = "0".repeat(64);
    assert!(matches!(
        check_against(&offer, &Disclosure::of(&offer), &avery, &unseen),
        Err(Mismatch::Disclosure { .. })
    ));
    let mut unacknowledged = payload.clone();
    unacknowledged.acknowledgments.pop();
    assert!(matches!(
        check_against(&offer, &Disclosure::of(&offer), &avery, &unacknowledged),
        Err(Mismatch::NotAcknowledged(_))
    ));
    let mut partial = payload.clone();
    partial.decisions[0].options = 5_000;
    let Err(Mismatch::Rules { code, problems }) =
        check_against(&offer, &Disclosure::of(&offer), &avery, &partial)
    else {
        panic!("a partial tender of a whole-grant offer must break the rules");
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(code, ErrorCode::WholeGrantsOnly);
    let mut missing = payload.clone();
    missing.decisions.clear();
    let Err(Mismatch::Rules { code, problems }) =
        check_against(&offer, &Disclosure::of(&offer), &avery, &missing)
    else {
        panic!("every eligible grant needs a decision");
    };
    assert!(problems[0].contains("H-2000-0417"), "{problems:?}");
    assert_eq!(code, ErrorCode::MissingDecision);
    // More options than the grant holds.
    let mut more = payload.clone();
    more.decisions[0].options = 12_001;
    assert!(matches!(
        check_against(&offer, &Disclosure::of(&offer), &avery, &more),
        Err(Mismatch::Rules {
            code: ErrorCode::MoreThanOutstanding,
            ..
        })
    ));
    // Another employee's grants.
    let jordan = holder(DOZENS);
    assert!(matches!(
        check_against(&offer, &Disclosure::of(&offer), &jordan, &payload),
        Err(Mismatch::Rules { .. })
    ));
}

#[test]
fn build_lists_every_eligible_grant_once_in_order() {
    let offer = offer();
    let jordan = holder(DOZENS);
    let withdrawal = Election::keep_all(&offer, &jordan);
    let payload = ElectionPayload::build(
        &offer,
        &jordan,
        &withdrawal,
        acks(&offer),
        signing(&client(), 3),
    );
    assert!(payload.is_withdrawal());
    assert_eq!(payload_problems(&payload), Vec::<String>::new());
    check_against(&offer, &Disclosure::of(&offer), &jordan, &payload).unwrap();
    assert_eq!(payload.disclosure_digest, offer_digest(&offer).hex());
    let eligible = jordan
        .grants
        .iter()
        .filter(|g| {
            election_core::rules::eligibility(&offer, &election_core::Employee::default(), g)
                .is_ok()
        })
        .count();
    assert_eq!(payload.decisions.len(), eligible);
}

#[test]
fn the_committed_schemas_are_generated_from_the_types() {
    fn schema<T: schemars::JsonSchema>() -> String {
        serde_json::to_string_pretty(&schemars::schema_for!(T)).unwrap() + "\n"
    }
    for (name, text) in [
        ("signed-election", schema::<SignedElection>()),
        ("signed-receipt", schema::<SignedReceipt>()),
        ("submit-response", schema::<SubmitResponse>()),
        ("error", schema::<ErrorBody>()),
        ("key-registration", schema::<KeyRegistration>()),
        ("registered-key", schema::<RegisteredKey>()),
        ("election-history", schema::<ElectionHistory>()),
        ("offer-info", schema::<OfferInfo>()),
        ("receipt-verification", schema::<ReceiptVerification>()),
        ("server-time", schema::<ServerTime>()),
        ("signed-checkpoint", schema::<SignedCheckpoint>()),
    ] {
        golden(&format!("docs/schemas/{name}.schema.json"), &text);
    }
}

#[test]
fn a_webcrypto_signature_verifies() {
    let text = std::fs::read_to_string(repo_file(
        "docs/vectors/election-v1-webcrypto-signature.json",
    ))
    .unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let signed: SignedElection = serde_json::from_value(v["signed_election"].clone()).unwrap();
    assert_eq!(signed.payload, vector_payload());
    verify_election(&signed, client().jwk()).unwrap();
    assert_ne!(
        signed.signature,
        client().sign_election(vector_payload()).signature
    );
}
