//! Where HR opens files: a file input that also takes a drop.

use yew::prelude::*;

use election_client::desk::DeskFile;

use crate::platform::files::read_opened;

#[derive(Properties, PartialEq)]
pub struct DropZoneProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub hint: AttrValue,
    #[prop_or_default]
    pub multiple: bool,
    /// The files opened, each with its text or why it could not be read.
    pub on_files: Callback<Vec<DeskFile>>,
}

fn read(files: web_sys::FileList, done: Callback<Vec<DeskFile>>) {
    wasm_bindgen_futures::spawn_local(async move { done.emit(read_opened(files).await) });
}

#[component]
pub fn DropZone(props: &DropZoneProps) -> Html {
    let on_input = {
        let done = props.on_files.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(files) = input.files() {
                read(files, done.clone());
            }
        })
    };
    let on_drop = {
        let done = props.on_files.clone();
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
            <label for={props.id.clone()}>{ props.label.clone() }</label>
            <p class="ew-muted ew-small">{ props.hint.clone() }</p>
            <input id={props.id.clone()} type="file" accept="application/json,.json" multiple={props.multiple} onchange={on_input} />
        </div>
    }
}
