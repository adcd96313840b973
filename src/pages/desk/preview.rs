//! The widget exactly as the chosen employee would see it at the chosen moment, on a
//! clock fixed at that moment; nothing can be submitted from it.

use yew::prelude::*;

use election_client::clock::{Anchor, ClockSource};
use election_client::desk::{self, Life};
use election_client::drafts::Drafts;
use election_client::format::Formats;
use election_client::loading::Loaded;

use super::zone_of;
use crate::components::widget::Widget;
use crate::platform::clock::{mono_now, trusted_clock};

/// `loaded` (an employee of `offer`) in the widget at `moment` (empty: the default
/// moment), its drafts kept in `drafts`. (A view: the widget it shows keeps the state.)
pub fn preview(
    offer: &election_core::Offer,
    loaded: &Loaded,
    moment: &str,
    drafts: &Drafts,
    f: &Formats,
) -> Html {
    let zone = zone_of(offer);
    let at = if moment.trim().is_empty() {
        Ok(desk::quick_jumps(offer, &zone)[1].1)
    } else {
        desk::read_moment(moment, &zone)
    };
    let at = match at {
        Ok(at) => at,
        Err(why) => return html! { <p class="ew-field-error" role="alert">{ why }</p> },
    };
    let life = Life::of(offer, at, &zone);
    let anchor = Anchor {
        epoch_ms: at.timestamp_millis() as f64,
        mono_ms: mono_now(),
        uncertainty_ms: 0.0,
        source: ClockSource::Preview,
    };
    let clock = trusted_clock(anchor, f.tag());
    let key = format!("{}@{}", loaded.holder.employee.id, at.to_rfc3339());
    html! {
        <>
            <p class="ew-note" role="status">
                { format!("The widget as {} would see it at {}, {}.",
                    loaded.holder.employee.name, at.to_rfc3339(), life.label()) }
            </p>
            <div class="ew-desk-preview">
                <Widget {key} data={loaded.clone()} drafts={drafts.clone()} {clock} timing_checks={false} />
            </div>
        </>
    }
}
