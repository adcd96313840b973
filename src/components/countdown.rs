//! The deadline countdown, and the offer's timing checks that HR sees in previews.
//!
//! The countdown computes the time left from the trusted clock on each tick (never by
//! counting down, so a throttled background tab is right the moment it wakes), ticks once
//! a second in the last day and once a minute before, and tells the widget when the phase
//! changes. A tick writes the time left into its one text node and renders nothing
//! (`hooks::use_countdown`); only a change of phase renders. A screen reader hears each
//! phase once, not every second.

use chrono::{DateTime, FixedOffset};
use election_core::Offer;
use yew::prelude::*;

use crate::hooks::{use_countdown, use_local_time, use_now};
use election_client::clock::{ClockSource, Left, Phase, Remaining, TrustedClock};
use election_client::format::Formats;

#[derive(Debug, Clone, PartialEq, Properties)]
pub struct CountdownProps {
    pub deadline: DateTime<FixedOffset>,
    /// The deadline in the documents' words.
    pub wording: AttrValue,
    pub clock: TrustedClock,
    /// The phase as the time left last reported it.
    pub phase: Phase,
    pub on_phase: Callback<Phase>,
}

/// The countdown's frame: the deadline in the documents' words and in the reader's zone,
/// the clock's source and the phase, re-rendered when the phase changes; the time left
/// inside it ([`TimeLeft`]) is all that a tick changes, and it changes only its text.
#[component]
pub fn Countdown(props: &CountdownProps) -> Html {
    let deadline_ms = props.deadline.timestamp_millis() as f64;
    // The deadline in the reader's zone: just after the first render, then kept.
    let local = use_local_time(&props.clock, Some(deadline_ms));
    let source_note = match props.clock.anchor.source {
        ClockSource::Device => Some(
            "The time could not be checked with the company's server, so this device's clock is used: if it is wrong, so is this countdown.",
        ),
        _ => None,
    };
    let name = match props.phase {
        Phase::Open => "open",
        Phase::Closing => "closing",
        Phase::FinalHour => "finalhour",
        Phase::Closed => "closed",
    };
    let class = classes!("ew-countdown", format!("ew-phase-{name}"));
    html! {
        <section {class} aria-label="Time left to make your election" data-phase={name}>
            <TimeLeft deadline_ms={deadline_ms} clock={props.clock.clone()} on_phase={props.on_phase.clone()} />
            <p class="ew-countdown-deadline">
                { format!("Deadline: {}.", props.wording) }
                if let Some(local) = local {
                    <span class="ew-muted">{ format!(" In your time zone: {local}.") }</span>
                }
            </p>
            if let Some(note) = source_note {
                <p class="ew-muted ew-small">{ note }</p>
            }
            <p class="ew-sr-only" role="status">{ props.phase.announcement() }</p>
        </section>
    }
}

#[derive(Debug, Clone, PartialEq, Properties)]
struct TimeLeftProps {
    deadline_ms: f64,
    clock: TrustedClock,
    on_phase: Callback<Phase>,
}

/// The time left, computed from the trusted clock on each tick; tells the countdown when
/// the phase changes.
#[component]
fn TimeLeft(props: &TimeLeftProps) -> Html {
    // Its ticks write the time into this span's text themselves (`use_countdown`): only
    // a change of phase renders.
    let time = use_node_ref();
    let current = use_countdown(&time, &props.clock, props.deadline_ms);
    {
        let on_phase = props.on_phase.clone();
        use_effect_with(current, move |&p| on_phase.emit(p));
    }
    if current == Phase::Closed {
        html! { <p class="ew-countdown-value">{ "The offer has expired." }</p> }
    } else {
        let remaining = props.deadline_ms - props.clock.now_ms();
        html! {
            <p class="ew-countdown-value">
                <span class="ew-countdown-label">{ "Time left: " }</span>
                <span ref={time} class="ew-countdown-time" aria-live="off">{ Remaining(remaining).to_string() }</span>
            </p>
        }
    }
}

#[derive(Debug, Clone, PartialEq, Properties)]
pub struct TimeLeftInWordsProps {
    pub deadline: DateTime<FixedOffset>,
    pub clock: TrustedClock,
    /// The widget is locked (the countdown's phase is closed, which the clock's
    /// uncertainty can make a little before the deadline itself).
    pub locked: bool,
}

/// The time left in a few words (`3 days, 4 hours left`), changing once a minute: for
/// the summary that stays in view while the employee scrolls their grants. Not a live
/// region: the countdown announces the phases.
#[component]
pub fn TimeLeftInWords(props: &TimeLeftInWordsProps) -> Html {
    let deadline_ms = props.deadline.timestamp_millis() as f64;
    let now = use_now(&props.clock, deadline_ms);
    let left = if props.locked {
        Left(0.0)
    } else {
        Left(deadline_ms - now)
    };
    html! { <span class="ew-time-left">{ left.to_string() }</span> }
}

/// The Rule 13e-4 timing checks, for HR previewing an offer: each check passed or failed,
/// with its dates, and a warning when any fails.
pub fn timing_checks(offer: &Offer, f: &Formats) -> Html {
    let checks = election_core::timing::timing_checks(offer);
    let failed = checks.iter().filter(|c| !c.passed).count();
    html! {
        <section class="ew-section ew-timing" aria-label="Offer timing checks">
            <h2>{ "Offer timing checks" }</h2>
            <p class="ew-muted ew-small">{ "Shown in previews only: how the offer's dates meet Rule 13e-4, counted in US business days." }</p>
            if failed > 0 {
                <p class="ew-note ew-warning" role="status">
                    { format!("Warning: {} failed. Check the offer's dates before it goes to employees.",
                        f.plural(failed as u64, "timing check", "timing checks")) }
                </p>
            }
            <ul class="ew-checks">
                { for checks.iter().map(|c| html! {
                    <li class={if c.passed { "ew-check-pass" } else { "ew-check-fail" }}>
                        <strong>{ if c.passed { "Pass: " } else { "Fail: " } }</strong>
                        { format!("{}: {}.", c.name, c.detail) }
                    </li>
                }) }
            </ul>
        </section>
    }
}
