//! Where HR opens files: a file input that also takes a drop.

use yew::prelude::*;

use election_client::desk::DeskFile;

use crate::platform::files::read_opened_then;

/// What a drop zone is for: its input's id, its label and hint, whether it takes more
/// than one file.
pub struct DropZone {
    pub id: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub multiple: bool,
    /// The input's `accept`: the file types offered.
    pub accept: &'static str,
}

fn read(files: web_sys::FileList, done: Callback<Vec<DeskFile>>) {
    read_opened_then(files, move |read| done.emit(read));
}

/// A file input that also takes a drop; `on_files` has each file opened, with its text or
/// why it could not be read. (A view, not a component: it keeps no state.)
pub fn drop_zone(zone: DropZone, on_files: &Callback<Vec<DeskFile>>) -> Html {
    let on_input = {
        let done = on_files.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(files) = input.files() {
                read(files, done.clone());
            }
        })
    };
    let on_drop = {
        let done = on_files.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(files) = e.data_transfer().and_then(|d| d.files()) {
                read(files, done.clone());
            }
        })
    };
    let on_drag_over = Callback::from(|e: DragEvent| e.prevent_default());
    html! {
        <div class="ew-drop" ondrop={on_drop} ondragover={on_drag_over}>
            <label for={zone.id}>{ zone.label }</label>
            <p class="ew-muted ew-small">{ zone.hint }</p>
            <input id={zone.id} type="file" accept={zone.accept} multiple={zone.multiple} onchange={on_input} />
        </div>
    }
}
