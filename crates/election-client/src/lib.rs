//! The election widget's client logic: everything the widget decides, with nothing that
//! touches a browser or Yew. The compiler keeps that boundary (this crate has no web
//! dependency), so every rule here is tested natively; the widget crate runs it in the
//! browser and executes what it asks for.
//!
//! - [`config`]: the one value a host page gives the widget, and who may set what
//!   (the deployment, the portal, a link).
//! - [`loading`]: fetched text in, checked data or a report of what is wrong out.
//! - [`fetch`]: why a request got nowhere ([`fetch::NetError`], [`fetch::FetchError`]).
//! - [`device`]: why an effect on the device failed ([`device::DeviceError`]).
//! - [`clock`]: the trusted clock (anchors, uncertainty, the deadline's phase).
//! - [`drafts`]: the employee's draft and where it is kept, behind a small trait.
//! - [`election_state`]: the employee's picks, as a reducer.
//! - [`format`]: how figures read in the employee's locale (a `Style` the page supplies).
//! - [`delivery`]: transports, the outbox's entries and states, backend answers,
//!   retries, receipts and checkpoints, as rules.
//! - [`courier`]: signing and exactly-once delivery as a state machine: events in,
//!   commands out; the widget's platform layer executes the commands.
//! - [`host`]: what the widget tells the page that embeds it.
//! - [`frame`]: the iframe embed's rules (allowed parents, `configure`, its messages).
//! - [`desk`]: the HR preview desk's rules.
//! - [`hr`]: HR's results page: its settings, sign-on (OpenID Connect with PKCE), figures.

pub mod clock;
pub mod config;
pub mod courier;
pub mod delivery;
pub mod desk;
pub mod device;
pub mod drafts;
pub mod election_state;
pub mod fetch;
pub mod format;
pub mod frame;
pub mod host;
pub mod hr;
pub mod loading;

pub use config::WidgetConfig;
