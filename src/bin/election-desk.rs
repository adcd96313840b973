//! The HR preview desk's entry (`preview.html`): a bundle of its own, so that the desk's
//! code never ships to employees (`src/main.rs` is theirs). It mounts the desk into the
//! page's `#election-widget-desk`.

use election_widget::pages::desk;
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
    }
}
