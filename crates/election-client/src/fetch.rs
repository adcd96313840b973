//! Why a request got nowhere, as types: the platform's one `fetch` reports a [`NetError`]
//! and a data file a [`FetchError`]; callers match on these, and the sentences for a
//! person are their `Display`.

use std::fmt;

/// Why no answer came to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetError {
    /// None within the time allowed.
    Timeout { seconds: u32 },
    /// No connection, a wrong address, or a server that does not allow this page (CORS).
    Unreachable,
}

impl NetError {
    /// The time-out of a request allowed `timeout_ms`, in whole seconds as a person
    /// would say it.
    pub fn timeout(timeout_ms: u32) -> NetError {
        NetError::Timeout {
            seconds: timeout_ms.saturating_add(500) / 1000,
        }
    }
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetError::Timeout { seconds } => write!(f, "no answer within {seconds} seconds"),
            NetError::Unreachable => f.write_str(
                "the request failed: the network is down, the address is wrong, or the server does not allow this page to read it (CORS)",
            ),
        }
    }
}

/// Why a data file (an offer, a holder, a configuration) could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// No answer came.
    Net(NetError),
    /// The server answered, but not with the file: its status and status text.
    Status { status: u16, text: String },
    /// The answer's body could not be read.
    Unreadable,
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Net(e) => e.fmt(f),
            FetchError::Status { status, text } if text.is_empty() => {
                write!(f, "the server answered HTTP {status}")
            }
            FetchError::Status { status, text } => {
                write!(f, "the server answered HTTP {status} {text}")
            }
            FetchError::Unreadable => f.write_str("the response body could not be read"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_reads_as_a_sentence() {
        assert_eq!(NetError::timeout(15_000), NetError::Timeout { seconds: 15 });
        assert_eq!(NetError::timeout(1_499), NetError::Timeout { seconds: 1 });
        assert_eq!(
            NetError::timeout(u32::MAX),
            NetError::Timeout { seconds: 4_294_967 }
        );
        assert_eq!(
            FetchError::Net(NetError::Timeout { seconds: 15 }).to_string(),
            "no answer within 15 seconds"
        );
        assert!(FetchError::Net(NetError::Unreachable)
            .to_string()
            .starts_with("the request failed"));
        let not_found = FetchError::Status {
            status: 404,
            text: "Not Found".into(),
        };
        assert_eq!(
            not_found.to_string(),
            "the server answered HTTP 404 Not Found"
        );
        let bare = FetchError::Status {
            status: 500,
            text: String::new(),
        };
        assert_eq!(bare.to_string(), "the server answered HTTP 500");
        assert_eq!(
            FetchError::Unreadable.to_string(),
            "the response body could not be read"
        );
    }
}
