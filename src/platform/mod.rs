//! The platform layer: the only code that touches the browser. Everything else in the
//! widget reaches the browser through these modules, and the client logic
//! (`election-client`) cannot reach it at all. JavaScript lives beside its module as a
//! real `.js` file (`vault.js`, `offline.js`).

pub mod courier;
pub mod intl;
pub mod offline;
pub mod page;
pub mod vault;
