//! The two ways a portal embeds the widget: the `<election-widget>` custom element
//! ([`element`]) and the iframe page `embed.html` ([`frame`]), over the same [`inputs`].

pub mod element;
pub mod frame;
pub mod inputs;

/// What an embed says when its code could not be loaded.
pub const UNAVAILABLE: &str =
    "The election widget could not be loaded (the network, most often). Reload the page to try again.";
