use yew::prelude::*;

use crate::platform::offline;

/// Whether a new build is installed and waiting for the employee's agreement to reload.
#[hook]
pub fn use_update_ready() -> bool {
    let ready = use_state_eq(|| false);
    {
        let ready = ready.clone();
        use_effect_with((), move |_| {
            let listener = offline::on_update_ready(move || ready.set(true));
            move || drop(listener)
        });
    }
    *ready
}
