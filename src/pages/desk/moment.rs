//! The moment to preview: a wall time in the offer's zone, the offset it is read at, and
//! quick jumps to the offer's moments.

use yew::prelude::*;

use election_client::desk;

use super::zone_of;

/// The moment field for `offer`, showing `moment` (what was typed or jumped to; empty:
/// the default moment); `on_change` has the new text. (A view: it keeps no state.)
pub fn moment_field(
    offer: &election_core::Offer,
    moment: &str,
    on_change: &Callback<String>,
) -> Html {
    let zone = zone_of(offer);
    let default = desk::quick_jumps(offer, &zone)[1].1;
    let shown = desk::in_zone(desk::read_moment(moment, &zone).unwrap_or(default), &zone);
    let on_moment = on_change.reform(|e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        input.value()
    });
    html! {
        <div class="ew-field">
            <label for="ew-desk-moment" class="ew-field-label">
                { format!("Moment to preview (date and time in {}, the offer's time zone)", offer.expiration.time_zone) }
            </label>
            <input id="ew-desk-moment" class="ew-input" type="datetime-local" step="60"
                aria-describedby="ew-desk-offset"
                value={desk::local_value(shown)}
                onchange={on_moment} />
            <p id="ew-desk-offset" class="ew-muted ew-small" data-offset={desk::offset_label(shown)}>
                { format!("Read at {}: the offset {} has at that moment.", desk::offset_label(shown), offer.expiration.time_zone) }
            </p>
            <div class="ew-actions">
                { for desk::quick_jumps(offer, &zone).into_iter().map(|(label, at)| {
                    let jump = on_change.reform(move |_: MouseEvent| at.to_rfc3339());
                    html! {
                        <button type="button" class="ew-button ew-button-secondary" onclick={jump}>{ label }</button>
                    }
                }) }
            </div>
        </div>
    }
}
