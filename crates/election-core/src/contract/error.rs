//! Errors: every error a receiver answers with is an [`ErrorBody`], a stable
//! [`ErrorCode`] and a sentence for people (`docs/PROTOCOL.md` §4, "Errors"). The
//! widget's own refusals on the device use the same type.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::receipt::SignedReceipt;

/// Every error the receiver returns: a stable code and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    pub error: ErrorDetail,
    /// Present with `deadline_passed`: the receipt of the late election, which is
    /// stored (it proves when it arrived) but never governs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<SignedReceipt>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ErrorDetail {
    /// The stable code (`docs/PROTOCOL.md`, "Errors"). A client keeps a code it does not
    /// know as it was sent.
    pub code: ErrorCode,
    pub message: String,
    /// Each problem found, where there are several (an invalid election, say).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

/// Declares [`ErrorCode`] from one list, so that a code's variant, string and status
/// cannot disagree: the receiver's codes with the HTTP status the contract gives each,
/// then the codes the widget makes on the device, which have none.
macro_rules! error_codes {
    (
        receiver { $( $(#[$r_doc:meta])* $r_variant:ident = $r_code:literal, $status:literal; )* }
        device { $( $(#[$d_doc:meta])* $d_variant:ident = $d_code:literal; )* }
    ) => {
        /// An error's stable code: `snake_case` text on the wire, a variant here.
        ///
        /// The receiver's codes are `docs/PROTOCOL.md`'s table (a test compares the two);
        /// the widget adds a few of its own for refusals on the device. A code this build
        /// does not know (a newer receiver's, another backend's, a portal's) is
        /// [`ErrorCode::Other`], kept exactly as sent, so it survives a round trip and
        /// can be shown. Reading a known code always gives its variant, and codes compare
        /// by their text: `Other("overloaded".into()) == ErrorCode::Overloaded`.
        #[derive(Debug, Clone)]
        pub enum ErrorCode {
            $( $(#[$r_doc])* $r_variant, )*
            $( $(#[$d_doc])* $d_variant, )*
            /// A code this build does not know, as it was sent.
            Other(String),
        }

        impl ErrorCode {
            /// Every code this build knows: the receiver's, then the device's.
            #[cfg(test)]
            const KNOWN: &'static [ErrorCode] =
                &[$( ErrorCode::$r_variant, )* $( ErrorCode::$d_variant, )*];

            /// The code as it is written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( ErrorCode::$r_variant => $r_code, )*
                    $( ErrorCode::$d_variant => $d_code, )*
                    ErrorCode::Other(code) => code,
                }
            }

            /// The HTTP status the contract answers this code with; `None` for the
            /// device's codes and for a code this build does not know.
            pub fn status(&self) -> Option<u16> {
                match self {
                    $( ErrorCode::$r_variant => Some($status), )*
                    _ => None,
                }
            }

            fn known(code: &str) -> Option<ErrorCode> {
                match code {
                    $( $r_code => Some(ErrorCode::$r_variant), )*
                    $( $d_code => Some(ErrorCode::$d_variant), )*
                    _ => None,
                }
            }
        }
    };
}

error_codes! {
    receiver {
        /// The body is not JSON.
        MalformedJson = "malformed_json", 400;
        /// Not the contract's shape, or a field out of its form; `details` names each.
        InvalidPayload = "invalid_payload", 400;
        /// The body could not be read.
        UnreadableBody = "unreadable_body", 400;
        /// The signature does not verify.
        BadSignature = "bad_signature", 400;
        /// A key offered for registration is not a P-256 point.
        InvalidKey = "invalid_key", 400;
        /// No bearer token, or an unknown one.
        Unauthorized = "unauthorized", 401;
        /// The bearer token is not a JWT the receiver can read.
        TokenMalformed = "token_malformed", 401;
        /// The token is not signed (`alg: none`).
        TokenUnsigned = "token_unsigned", 401;
        /// The token's algorithm is not one the receiver accepts.
        TokenAlgorithmRefused = "token_algorithm_refused", 401;
        /// The token names a key the identity provider does not publish.
        TokenUnknownKey = "token_unknown_key", 401;
        /// The token's signature does not verify with the key it names.
        TokenBadSignature = "token_bad_signature", 401;
        /// The token has expired.
        TokenExpired = "token_expired", 401;
        /// The token is not valid yet (`nbf`).
        TokenNotYetValid = "token_not_yet_valid", 401;
        /// The token is from another issuer.
        TokenWrongIssuer = "token_wrong_issuer", 401;
        /// The token is for another audience.
        TokenWrongAudience = "token_wrong_audience", 401;
        /// The election is another employee's.
        EmployeeMismatch = "employee_mismatch", 403;
        /// The signing key is not registered to this employee.
        UnknownKey = "unknown_key", 403;
        /// The receiver has no grants for the employee.
        UnknownEmployee = "unknown_employee", 403;
        /// A valid token that names no employee (its employee claim is missing or maps
        /// to none).
        TokenNoEmployee = "token_no_employee", 403;
        /// The endpoint is HR's, and the credentials do not carry the HR role.
        HrRoleRequired = "hr_role_required", 403;
        /// Received at or after the deadline: stored as late (the body carries its
        /// receipt) and never governs.
        DeadlinePassed = "deadline_passed", 403;
        /// The election is for another offer.
        UnknownOffer = "unknown_offer", 404;
        /// No such endpoint.
        NotFound = "not_found", 404;
        /// The endpoint does not take that method.
        MethodNotAllowed = "method_not_allowed", 405;
        /// The body did not arrive in time; nothing was stored.
        RequestTimeout = "request_timeout", 408;
        /// The offer has another version now.
        StaleOfferVersion = "stale_offer_version", 409;
        /// The employee saw other legal texts than the offer's.
        DisclosureMismatch = "disclosure_mismatch", 409;
        /// The key is registered to another employee.
        KeyInUse = "key_in_use", 409;
        /// The nonce was used by another election.
        NonceReplayed = "nonce_replayed", 409;
        /// The receiver has this sequence number or a higher one from the employee.
        SequenceNotIncreasing = "sequence_not_increasing", 409;
        /// The body is over the limit.
        BodyTooLarge = "body_too_large", 413;
        /// The body is not `application/json`.
        UnsupportedMediaType = "unsupported_media_type", 415;
        /// The idempotency key was used for a different payload.
        IdempotencyKeyReused = "idempotency_key_reused", 422;
        /// A document is unacknowledged, or acknowledged as it stood before a change.
        NotAcknowledged = "not_acknowledged", 422;
        /// A decision names a grant of the employee's that is not eligible.
        IneligibleGrantDecision = "ineligible_grant_decision", 422;
        /// The decisions break the offer's rules or do not match the employee's grants: an
        /// older receiver's code for every rule below, which a client treats alike.
        InvalidElection = "invalid_election", 422;
        /// A decision names a grant that is not one of the employee's.
        UnknownGrant = "unknown_grant", 422;
        /// An eligible grant of the employee's has no decision (exchange or keep).
        MissingDecision = "missing_decision", 422;
        /// More options tendered than the grant has outstanding.
        MoreThanOutstanding = "more_than_outstanding", 422;
        /// Part of a grant tendered where the offer takes whole grants only.
        WholeGrantsOnly = "whole_grants_only", 422;
        /// Part of a grant below the offer's smallest part.
        PartBelowMinimum = "part_below_minimum", 422;
        /// Part of a grant not a multiple of the offer's increment.
        PartNotInIncrements = "part_not_in_increments", 422;
        /// A grant the look-back rule requires (made in the months before the offer
        /// opened) left out while another is tendered.
        LookbackGrantLeftOut = "lookback_grant_left_out", 422;
        /// A grant at the same exercise price as a tendered one left out, where the offer
        /// takes all grants at a price or none.
        SamePriceGrantLeftOut = "same_price_grant_left_out", 422;
        /// A portion (vested or unvested) whose options are not the grant's.
        PortionMismatch = "portion_mismatch", 422;
        /// A stored election no longer matches its receipt; nothing is served.
        StoreIntegrity = "store_integrity", 500;
        /// The receiver could not write an answer (a bug in it); nothing was changed.
        Internal = "internal", 500;
        /// The database failed; nothing was stored.
        StorageUnavailable = "storage_unavailable", 503;
        /// Over the connection cap, or no answer within the whole-request limit.
        Overloaded = "overloaded", 503;
        /// The identity provider's keys could not be had; nothing was done.
        IdentityProviderUnavailable = "identity_provider_unavailable", 503;
    }
    device {
        /// The widget could not write the signed election as JSON; nothing was sent.
        NotSerializable = "not_serializable";
        /// The page around the widget's frame is not an origin it may hand elections to.
        HostNotAllowed = "host_not_allowed";
        /// The signing key on the device could not be made or read.
        NoKey = "no_key";
        /// The host portal refused the election without a code of its own.
        PortalRefused = "portal_refused";
    }
}

impl ErrorCode {
    /// Whether the same request is worth sending again, as the contract says
    /// (`docs/PROTOCOL.md` §4 "Errors" and §7): `Some(true)` for a receiver's code
    /// answered with 5xx, 408 or 429; `Some(false)` for its other codes (the same
    /// request gets the same answer) and for the device's, each a refusal there; `None`
    /// for a code this build does not know, when the HTTP status that came with it
    /// decides.
    pub fn retryable(&self) -> Option<bool> {
        match self {
            ErrorCode::Other(_) => None,
            code => Some(
                code.status()
                    .is_some_and(|s| s >= 500 || s == 408 || s == 429),
            ),
        }
    }
}

impl From<&str> for ErrorCode {
    fn from(code: &str) -> ErrorCode {
        ErrorCode::known(code).unwrap_or_else(|| ErrorCode::Other(code.to_owned()))
    }
}

impl From<String> for ErrorCode {
    fn from(code: String) -> ErrorCode {
        ErrorCode::known(&code).unwrap_or(ErrorCode::Other(code))
    }
}

impl std::str::FromStr for ErrorCode {
    type Err = std::convert::Infallible;

    /// Any text is a code: a known one gives its variant, any other [`ErrorCode::Other`].
    fn from_str(code: &str) -> Result<ErrorCode, Self::Err> {
        Ok(ErrorCode::from(code))
    }
}

impl PartialEq for ErrorCode {
    fn eq(&self, other: &ErrorCode) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for ErrorCode {}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// By hand, as the string: a derive would write and read a tagged enum, and cost the
// widget's bundle more than these few lines.
impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ErrorCode, D::Error> {
        String::deserialize(deserializer).map(ErrorCode::from)
    }
}

/// A string in the schema: the set of codes is open (a client keeps unknown ones).
#[cfg(feature = "schema")]
impl schemars::JsonSchema for ErrorCode {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ErrorCode".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string" })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeSet;

    use super::*;

    /// The rows of `docs/PROTOCOL.md`'s error table: (status, code).
    fn protocol_table() -> Vec<(u16, String)> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/PROTOCOL.md");
        let text = std::fs::read_to_string(path).unwrap();
        let section = text
            .split_once("\n### Errors\n")
            .expect("docs/PROTOCOL.md has an \"### Errors\" section")
            .1;
        let section = section.split("\n#").next().unwrap();
        section
            .lines()
            .filter_map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                // "| 400 | `malformed_json` | when |" splits into ["", "400", "`…`", …].
                let status = cells.get(1)?.parse().ok()?;
                let code = cells.get(2)?.strip_prefix('`')?.strip_suffix('`')?;
                Some((status, code.to_owned()))
            })
            .collect()
    }

    #[test]
    fn the_protocol_table_is_exactly_the_receivers_codes_with_their_statuses() {
        let rows = protocol_table();
        assert!(rows.len() > 20, "read {} rows: {rows:?}", rows.len());
        let table: BTreeSet<(u16, String)> = rows.iter().cloned().collect();
        assert_eq!(table.len(), rows.len(), "a row written twice");
        let ours: BTreeSet<(u16, String)> = ErrorCode::KNOWN
            .iter()
            .filter_map(|c| Some((c.status()?, c.as_str().to_owned())))
            .collect();
        assert_eq!(table, ours, "docs/PROTOCOL.md's table and ErrorCode differ");
        for code in ErrorCode::KNOWN.iter().filter(|c| c.status().is_none()) {
            assert!(
                !table.iter().any(|(_, c)| c == code.as_str()),
                "{code} is the device's, not the receiver's"
            );
        }
    }

    #[test]
    fn the_devices_codes_are_the_widgets() {
        let device: Vec<&str> = ErrorCode::KNOWN
            .iter()
            .filter(|c| c.status().is_none())
            .map(ErrorCode::as_str)
            .collect();
        assert_eq!(
            device,
            [
                "not_serializable",
                "host_not_allowed",
                "no_key",
                "portal_refused"
            ]
        );
    }

    #[test]
    fn every_code_round_trips_through_json_as_its_string() {
        for code in ErrorCode::KNOWN {
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            let back: ErrorCode = serde_json::from_str(&json).unwrap();
            assert!(!matches!(back, ErrorCode::Other(_)), "{json} read as Other");
            assert_eq!(&back, code);
            assert_eq!(code.to_string(), code.as_str());
            assert_eq!(code.as_str().parse::<ErrorCode>().unwrap(), *code);
        }
        let strings: BTreeSet<&str> = ErrorCode::KNOWN.iter().map(ErrorCode::as_str).collect();
        assert_eq!(
            strings.len(),
            ErrorCode::KNOWN.len(),
            "a code written twice"
        );
        assert_eq!(
            ErrorCode::SequenceNotIncreasing.as_str(),
            "sequence_not_increasing"
        );
    }

    #[test]
    fn an_unknown_code_survives_a_round_trip() {
        let text = r#"{"error":{"code":"backend_down","message":"Try later."}}"#;
        let body: ErrorBody = serde_json::from_str(text).unwrap();
        assert_eq!(body.error.code, ErrorCode::Other("backend_down".into()));
        assert_eq!(body.error.code.to_string(), "backend_down");
        assert_eq!(body.error.code.status(), None);
        assert_eq!(body.error.code.retryable(), None);
        assert_eq!(serde_json::to_string(&body).unwrap(), text);
        let empty: ErrorCode = serde_json::from_str(r#""""#).unwrap();
        assert_eq!(empty, ErrorCode::Other(String::new()));
        assert!(serde_json::from_str::<ErrorCode>("7").is_err());
        // Another's spelling of a known code reads as that code.
        assert_eq!(ErrorCode::Other("overloaded".into()), ErrorCode::Overloaded);
        assert!(matches!(
            ErrorCode::from(String::from("overloaded")),
            ErrorCode::Overloaded
        ));
    }

    #[test]
    fn retrying_follows_the_status() {
        assert_eq!(ErrorCode::StorageUnavailable.retryable(), Some(true));
        assert_eq!(ErrorCode::StoreIntegrity.retryable(), Some(true));
        assert_eq!(ErrorCode::Overloaded.retryable(), Some(true));
        assert_eq!(ErrorCode::RequestTimeout.retryable(), Some(true));
        assert_eq!(ErrorCode::SequenceNotIncreasing.retryable(), Some(false));
        assert_eq!(ErrorCode::DeadlinePassed.retryable(), Some(false));
        assert_eq!(ErrorCode::NoKey.retryable(), Some(false));
    }
}
