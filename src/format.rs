//! How numbers, money and dates read on screen: the core's wording, re-exported so that
//! components and the core's reasons read alike.

pub use election_core::display::{count, date, money, parse_money, plural, short_date};
