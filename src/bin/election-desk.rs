//! HR's bundle: the preview desk (`preview.html`) and the results page (`results.html`),
//! a bundle of its own, so that HR's code never ships to employees (`src/main.rs` is
//! theirs). It mounts the desk into the page's `#election-widget-desk`, or the results
//! into its `#election-results`.

use election_widget::pages::{desk, results};
use election_widget::platform::{offline, page};

/// The same allocator as the employee's bundle (src/main.rs).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    if let Some(root) = page::element_by_id(desk::ROOT_ID) {
        // The desk works offline once opened, like the standalone page.
        offline::register("sw.js");
        desk::mount(root);
    } else if let Some(root) = page::element_by_id(results::ROOT_ID) {
        // The results need the network and HR's sign-on: no offline registration.
        results::mount(root);
    }
}
