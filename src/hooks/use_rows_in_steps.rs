use yew::prelude::*;

/// How many of `total` rows to render: `first` with the first paint, then `more` on each
/// later frame until all are shown, so a long table's first screen shows at once. Each
/// step is a timer whose drop on unmount cancels it. A server render (the native build)
/// has no later frame: it writes every row at once.
#[hook]
pub fn use_rows_in_steps(total: usize, first: usize, more: usize) -> usize {
    let first = if cfg!(target_arch = "wasm32") {
        first
    } else {
        total
    };
    let shown = use_state(|| first.min(total));
    {
        let shown = shown.clone();
        use_effect_with((*shown, total), move |&(now, total)| {
            let timer = (now < total).then(|| {
                crate::platform::clock::Timeout::new(0, move || {
                    shown.set((now + more).min(total));
                })
            });
            move || drop(timer)
        });
    }
    *shown
}
