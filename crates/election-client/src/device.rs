//! Why an effect on this device failed, as a type: the platform classifies what the
//! browser said (IndexedDB's `QuotaExceededError`, WebCrypto refusing, a portal that does
//! not answer) and the courier keeps it; the sentence for the employee is its `Display`.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceError {
    /// The device's storage is full (`QuotaExceededError`).
    StorageFull,
    /// The browser does not let this page store data (`SecurityError`: private browsing
    /// or a policy).
    StorageNotAllowed,
    /// Storage failed otherwise (no IndexedDB, an aborted transaction): the browser's
    /// words.
    Storage(String),
    /// No signing key could be made: the browser's words.
    NoKey(String),
    /// The signing key is not ready yet (a signature was asked for before it).
    KeyNotReady,
    /// The stored signing key could not be read.
    KeyUnreadable(String),
    /// The browser could not sign: its words.
    SignFailed(String),
    /// The receiver's key could not be used to check a signature: the browser's words.
    ReceiverKeyUnusable(String),
    /// The portal did not answer a post-message delivery in time.
    HostTimeout { seconds: u32 },
    /// The election could not be handed to the portal: the browser's words.
    HostRefused(String),
}

impl DeviceError {
    /// A storage failure from the DOMException's `name` and `message`.
    pub fn storage(name: Option<&str>, message: String) -> DeviceError {
        match name {
            Some("QuotaExceededError") => DeviceError::StorageFull,
            Some("SecurityError") => DeviceError::StorageNotAllowed,
            _ => DeviceError::Storage(message),
        }
    }
}

impl fmt::Display for DeviceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviceError::StorageFull => f.write_str("this device's storage is full"),
            DeviceError::StorageNotAllowed => f.write_str(
                "this browser does not allow this page to store data (private browsing or a policy)",
            ),
            DeviceError::Storage(why) => f.write_str(why),
            DeviceError::NoKey(why) => write!(
                f,
                "this browser cannot make a signing key ({why}); use a current browser, or ask HR for a paper election form"
            ),
            DeviceError::KeyNotReady => f.write_str("the signing key is not ready"),
            DeviceError::KeyUnreadable(why) => write!(f, "the signing key could not be read: {why}"),
            DeviceError::SignFailed(why) => write!(f, "the browser could not sign: {why}"),
            DeviceError::ReceiverKeyUnusable(why) => {
                write!(f, "the receiver's key is unusable: {why}")
            }
            DeviceError::HostTimeout { seconds } => {
                write!(f, "the portal did not answer within {seconds} seconds")
            }
            DeviceError::HostRefused(why) => {
                write!(f, "the election could not be handed to the portal: {why}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_failures_by_the_browser_s_name_for_them() {
        assert_eq!(
            DeviceError::storage(Some("QuotaExceededError"), "quota".into()),
            DeviceError::StorageFull
        );
        assert_eq!(
            DeviceError::storage(Some("SecurityError"), "denied".into()),
            DeviceError::StorageNotAllowed
        );
        let other = DeviceError::storage(Some("Error"), "this browser offers no IndexedDB".into());
        assert_eq!(other.to_string(), "this browser offers no IndexedDB");
        assert_eq!(
            DeviceError::StorageFull.to_string(),
            "this device's storage is full"
        );
        assert!(DeviceError::NoKey("NotSupportedError".into())
            .to_string()
            .contains("ask HR for a paper election form"));
        assert_eq!(
            DeviceError::HostTimeout { seconds: 15 }.to_string(),
            "the portal did not answer within 15 seconds"
        );
    }
}
