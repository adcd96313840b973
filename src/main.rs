//! The employee's bundle's entry: registers the `<election-widget>` element for any page
//! that uses it, and mounts the widget into the standalone page's host element
//! (`#election-widget`) when there is one, reading the page URL for overrides
//! (`?offer=URL&holder=URL`); or, on `embed.html`, runs the iframe embed. The HR preview
//! desk is a bundle of its own (`src/bin/election-desk.rs`), so none of it ships here.

use election_widget::embed::{element as embed, frame};
use election_widget::mount_with_events;
use election_widget::platform::{lazy, offline, page};

/// Talc, made for wasm, instead of Rust's default dlmalloc (about 7 KB of code).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    embed::define();
    if let Some(root) = page::element_by_id(frame::FRAME_ROOT_ID) {
        offline::register("sw.js");
        // The embed's code is a module of its own in the release build (fetched here; the
        // embed page preloads it), so the standalone page never loads it.
        wasm_bindgen_futures::spawn_local(async move {
            if lazy::run_frame(root.clone()).await.is_err() {
                let _ = root.set_attribute("role", "alert");
                root.set_text_content(Some(election_widget::embed::UNAVAILABLE));
            }
        });
        return;
    }
    let Some(root) = page::element_by_id("election-widget") else {
        // A portal page with only <election-widget> elements: nothing more to do.
        return;
    };
    // The standalone page works offline once opened (portals keep their own caching).
    offline::register("sw.js");
    let config = page::standalone_config(&root);
    let events = embed::events_on(&root);
    // The page lives as long as the widget, so the handle is kept for good.
    std::mem::forget(mount_with_events(root, config, events));
}
