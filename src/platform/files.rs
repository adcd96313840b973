//! Files: downloads (`files.js`), files HR opens on the preview desk, and a word when
//! one cannot be made.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/platform/files.js")]
extern "C" {
    #[wasm_bindgen(js_name = ewDownload)]
    fn js_download(name: &str, text: &str, mime: &str);
}

/// Offers `text` (JSON) to the employee as a file named `name`.
pub fn download(name: &str, text: &str) {
    js_download(name, text, "application/json");
}

/// Offers `text` of type `mime` as a file named `name`.
pub fn download_as(name: &str, text: &str, mime: &str) {
    js_download(name, text, mime);
}

/// Offers plain `text` as a file named `name`.
pub fn download_text(name: &str, text: &str) {
    js_download(name, text, "text/plain;charset=utf-8");
}

/// Tells the employee something went wrong where the page has no place for it (a file
/// that could not be written).
pub fn alert(message: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.alert_with_message(message);
    }
}

/// Reads the files HR opened (a file input or a drop) and gives `done` each one's text or
/// why not; nothing leaves the computer.
pub fn read_opened_then(
    files: web_sys::FileList,
    done: impl FnOnce(Vec<election_client::desk::DeskFile>) + 'static,
) {
    wasm_bindgen_futures::spawn_local(async move { done(read_opened(files).await) });
}

/// The text of each file HR opened (a file input or a drop), or why not: nothing leaves
/// the computer.
async fn read_opened(files: web_sys::FileList) -> Vec<election_client::desk::DeskFile> {
    use election_client::desk::DeskFile;
    let files: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
    let mut read = Vec::new();
    for file in files {
        let name = file.name();
        if let Some(refused) = DeskFile::too_large(&name, file.size()) {
            read.push(refused);
            continue;
        }
        let text = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|t| t.as_string())
            .map(|t| std::rc::Rc::from(t.as_str()))
            .ok_or_else(|| "the browser could not read it as text".to_owned());
        read.push(DeskFile { name, text });
    }
    read
}
