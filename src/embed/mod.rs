//! The two ways a portal embeds the widget: the `<election-widget>` custom element
//! ([`element`]) and the iframe page `embed.html` ([`frame`]).

pub mod element;
pub mod frame;
