//! Errors: every error a receiver answers with is an [`ErrorBody`], a stable code and a
//! sentence for people (`docs/PROTOCOL.md` §4, "Errors").

use serde::{Deserialize, Serialize};

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
    pub code: String,
    pub message: String,
    /// Each problem found, where there are several (an invalid election, say).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}
