//! The standalone page: finds the host element, reads the page URL for overrides
//! (`?offer=URL&holder=URL`) and mounts the widget.

use election_widget::{browser, mount, WidgetConfig};

fn main() {
    let Some(root) = browser::element_by_id("election-widget") else {
        browser::console_error(
            "election widget: no element with id `election-widget` to mount into",
        );
        return;
    };
    let config = WidgetConfig::from_host(&root, &browser::query_params());
    // The page lives as long as the widget, so the handle is kept for good.
    std::mem::forget(mount(root, config));
}
