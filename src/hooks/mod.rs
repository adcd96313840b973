//! Effects, one a file. Components call these hooks; the hooks call the platform layer
//! and the client logic, and hand components plain values and callbacks.

mod use_below;
mod use_countdown;
mod use_courier;
mod use_effect_on_change;
mod use_election;
mod use_election_events;
mod use_formats;
mod use_hr_results;
mod use_hr_session;
mod use_load;
mod use_load_events;
mod use_local_time;
mod use_moved_deadline;
mod use_now;
mod use_page_ready;
mod use_phase;
mod use_reanchor;
mod use_rows_in_steps;
mod use_update_ready;

pub use use_below::{use_below, Below};
pub use use_countdown::use_countdown;
pub use use_courier::{use_courier, CourierHandle, SignRequest};
pub use use_effect_on_change::use_effect_on_change;
pub use use_election::{use_election, Election};
pub use use_election_events::use_election_events;
pub use use_formats::use_formats;
pub use use_hr_results::{use_hr_results, Download, HrResults};
pub use use_hr_session::{use_hr_session, HrSession, Session};
pub use use_load::{use_load, Load, LoadState};
pub use use_load_events::use_load_events;
pub use use_local_time::use_local_time;
pub use use_moved_deadline::use_moved_deadline;
pub use use_now::use_now;
pub use use_page_ready::use_page_ready;
pub use use_phase::use_phase;
pub use use_reanchor::use_reanchor;
pub use use_rows_in_steps::use_rows_in_steps;
pub use use_update_ready::use_update_ready;
