use yew::prelude::*;

use crate::platform::page;

/// Marks the page ready after its first render, for a page that loads nothing before its
/// first screen (the preview desk). What waits for the mark ([`page::after_ready`]: the
/// deadline in the reader's zone, the signing module) then runs there too. The
/// employee's pages mark it when their load settles (`use_load_events`).
#[hook]
pub fn use_page_ready() {
    use_effect_with((), |_| page::mark_ready());
}
