//! The two ways a portal embeds the widget: the `<election-widget>` custom element
//! ([`element`]) and the iframe page `embed.html` ([`frame`]), over the same [`inputs`].

pub mod element;
pub mod frame;
pub mod inputs;
