use yew::prelude::*;

/// Runs `on_change` whenever `deps` change, but not on the first render: the host hears
/// what the employee changes, not the draft restored on arrival.
#[hook]
pub fn use_effect_on_change<T, F>(deps: T, on_change: F)
where
    T: PartialEq + 'static,
    F: Fn(&T) + 'static,
{
    let first = use_mut_ref(|| true);
    use_effect_with(deps, move |deps| {
        if !std::mem::replace(&mut *first.borrow_mut(), false) {
            on_change(deps);
        }
    });
}
