//! The trusted clock and the countdown's arithmetic, pure so they are tested natively.
//!
//! The device's clock can be wrong by minutes or hours, so the widget anchors its sense
//! of "now" to a server: an instant the server reported, paired with the browser's
//! monotonic clock (`performance.now()`) at the moment that instant held. From then on,
//! now = anchor + monotonic time elapsed, which no change of the device clock affects.
//! The anchor carries its uncertainty (half the round trip it was measured over), and the
//! deadline is enforced that much early.

use std::fmt;
use std::rc::Rc;

/// Where the clock's time comes from, worst last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockSource {
    /// A preview at a chosen moment: the clock runs from there, nothing is submitted.
    Preview,
    /// The time endpoint named in the configuration.
    TimeEndpoint,
    /// The `Date` header of a response from the page's server (whole seconds).
    DateHeader,
    /// The device's own clock, unchecked.
    Device,
}

/// An instant from a trusted source, tied to the monotonic clock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Anchor {
    /// Milliseconds since the Unix epoch, per the source.
    pub epoch_ms: f64,
    /// `performance.now()` when that instant held.
    pub mono_ms: f64,
    /// How far the anchor may be off, in milliseconds.
    pub uncertainty_ms: f64,
    pub source: ClockSource,
}

impl Anchor {
    /// Now, from the monotonic clock's reading `mono_now_ms`.
    pub fn now_ms(&self, mono_now_ms: f64) -> f64 {
        self.epoch_ms + (mono_now_ms - self.mono_ms)
    }
}

/// "Now", from an anchor and a monotonic clock. The monotonic clock is injected (the
/// browser's `performance.now()` in the page, a fixed value in tests), so components that
/// show time render the same way natively.
/// It also says how an instant reads on this reader's clock face (their time zone and
/// language: the browser's Intl in the page, UTC in tests).
#[derive(Clone)]
pub struct TrustedClock {
    pub anchor: Anchor,
    mono: Rc<dyn Fn() -> f64>,
    local: Rc<dyn Fn(f64) -> String>,
}

impl TrustedClock {
    pub fn new(
        anchor: Anchor,
        mono: Rc<dyn Fn() -> f64>,
        local: Rc<dyn Fn(f64) -> String>,
    ) -> Self {
        TrustedClock {
            anchor,
            mono,
            local,
        }
    }

    /// A clock stopped at `epoch_ms`, showing times in UTC (for tests and server renders).
    pub fn fixed(epoch_ms: f64, source: ClockSource) -> Self {
        TrustedClock::new(
            Anchor {
                epoch_ms,
                mono_ms: 0.0,
                uncertainty_ms: 0.0,
                source,
            },
            Rc::new(|| 0.0),
            Rc::new(TrustedClock::utc),
        )
    }

    /// How `epoch_ms` reads in UTC (RFC 3339): what a page writes until it knows the
    /// reader's zone (the browser's zone formatter is made after the first screen), and
    /// all a server render can write. Empty for an instant beyond chrono's range.
    pub fn utc(epoch_ms: f64) -> String {
        chrono::DateTime::from_timestamp_millis(epoch_ms as i64)
            .map_or_else(String::new, |t| t.to_rfc3339())
    }

    /// Milliseconds since the Unix epoch, now.
    pub fn now_ms(&self) -> f64 {
        self.anchor.now_ms((self.mono)())
    }

    /// How `epoch_ms` reads in the reader's own time zone.
    pub fn local(&self, epoch_ms: f64) -> String {
        (self.local)(epoch_ms)
    }

    /// The same clock re-anchored.
    pub fn with_anchor(&self, anchor: Anchor) -> Self {
        TrustedClock {
            anchor,
            ..self.clone()
        }
    }
}

impl PartialEq for TrustedClock {
    fn eq(&self, other: &Self) -> bool {
        self.anchor == other.anchor && Rc::ptr_eq(&self.mono, &other.mono)
    }
}

impl fmt::Debug for TrustedClock {
    // The source only: printing the anchor's floats would bring float formatting (some
    // 20 KB) into the bundle for a debugging aid.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TrustedClock({:?})", self.anchor.source)
    }
}

/// One exchange with a time source: the monotonic clock when the request left and when
/// the answer arrived, and the server's time in the answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub sent_mono_ms: f64,
    pub received_mono_ms: f64,
    pub server_epoch_ms: f64,
}

/// The time in a time endpoint's answer, in ms since the epoch: a JSON number, or
/// `{"now_ms": …}`. `None` for anything else: not JSON, no positive finite number, or an
/// ambiguous answer (`now_ms` given twice), which the widget does not guess at (it asks
/// the page's server for its `Date` instead).
pub fn time_from_body(text: &str) -> Option<f64> {
    let (value, repeated) = election_core::json::parse(text.trim().as_bytes()).ok()?;
    if !repeated.is_empty() {
        return None;
    }
    value
        .as_f64()
        .or_else(|| value.get("now_ms").and_then(serde_json::Value::as_f64))
        .filter(|ms| ms.is_finite() && *ms > 0.0)
}

/// The anchor from a set of samples, as NTP does: the one with the smallest round trip,
/// taking the server's time to hold at the midpoint. `extra_uncertainty_ms` covers the
/// source's own resolution (1,000 for a `Date` header's whole seconds).
pub fn anchor_from_samples(
    samples: &[Sample],
    source: ClockSource,
    extra_uncertainty_ms: f64,
) -> Option<Anchor> {
    samples
        .iter()
        .filter(|s| s.received_mono_ms >= s.sent_mono_ms && s.server_epoch_ms.is_finite())
        .min_by(|a, b| {
            let rtt = |s: &Sample| s.received_mono_ms - s.sent_mono_ms;
            rtt(a).total_cmp(&rtt(b))
        })
        .map(|s| {
            let rtt = s.received_mono_ms - s.sent_mono_ms;
            Anchor {
                epoch_ms: s.server_epoch_ms,
                mono_ms: s.sent_mono_ms + rtt / 2.0,
                uncertainty_ms: rtt / 2.0 + extra_uncertainty_ms,
                source,
            }
        })
}

/// Where an offer stands in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// More than a day left.
    Open,
    /// Under 24 hours left.
    Closing,
    /// Under an hour left.
    FinalHour,
    /// The deadline has passed (by the trusted clock, less its uncertainty).
    Closed,
}

const SECOND: f64 = 1000.0;
const HOUR: f64 = 3600.0 * SECOND;
const DAY: f64 = 24.0 * HOUR;

/// The phase with `remaining_ms` to the deadline, enforcing the deadline `uncertainty_ms`
/// early so that an election is never accepted after it by a clock that runs slow.
pub fn phase(remaining_ms: f64, uncertainty_ms: f64) -> Phase {
    let remaining = remaining_ms - uncertainty_ms.max(0.0);
    if remaining <= 0.0 {
        Phase::Closed
    } else if remaining <= HOUR {
        Phase::FinalHour
    } else if remaining <= DAY {
        Phase::Closing
    } else {
        Phase::Open
    }
}

impl Phase {
    /// What a screen reader hears once when the phase begins.
    pub fn announcement(self) -> &'static str {
        match self {
            Phase::Open => "The offer is open.",
            Phase::Closing => "Less than 24 hours left to make or change your election.",
            Phase::FinalHour => "Less than one hour left to make or change your election.",
            Phase::Closed => "The offer has expired. Elections can no longer be made or changed.",
        }
    }
}

/// Time left, as read: `3 days, 4 hours, 12 minutes` with more than a day left, else
/// `03:59:12` (hours, minutes, seconds). Rounded down: never more time than there is.
pub struct Remaining(pub f64);

impl fmt::Display for Remaining {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = (self.0.max(0.0) / SECOND).floor() as u64;
        let (days, hours, minutes, seconds) = (
            total / 86_400,
            total % 86_400 / 3600,
            total % 3600 / 60,
            total % 60,
        );
        if days > 0 {
            write!(
                f,
                "{}, {}, {}",
                unit(days, "day", "days"),
                unit(hours, "hour", "hours"),
                unit(minutes, "minute", "minutes")
            )
        } else {
            write!(f, "{hours:02}:{minutes:02}:{seconds:02}")
        }
    }
}

/// Time left in a few words, for a summary that stays in view while the employee scrolls:
/// `3 days, 4 hours left`, `2 hours, 5 minutes left`, `14 minutes left`, `Less than a
/// minute left`; `The offer has expired` at or after the deadline. Rounded down, like
/// [`Remaining`]; it changes once a minute ([`next_minute_ms`]).
pub struct Left(pub f64);

impl fmt::Display for Left {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 <= 0.0 {
            return f.write_str("The offer has expired");
        }
        let minutes = (self.0 / (60.0 * SECOND)).floor() as u64;
        let (days, hours, minutes) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
        match (days, hours, minutes) {
            (0, 0, 0) => f.write_str("Less than a minute left"),
            (0, 0, m) => write!(f, "{} left", unit(m, "minute", "minutes")),
            (0, h, m) => write!(
                f,
                "{}, {} left",
                unit(h, "hour", "hours"),
                unit(m, "minute", "minutes")
            ),
            (d, h, _) => write!(
                f,
                "{}, {} left",
                unit(d, "day", "days"),
                unit(h, "hour", "hours")
            ),
        }
    }
}

/// How long to wait before [`Left`] can read differently: the next whole minute of the
/// time left (at least 50 ms, so a tick on the boundary does not spin).
pub fn next_minute_ms(remaining_ms: f64) -> u32 {
    until_boundary_ms(remaining_ms, 60.0 * SECOND)
}

/// `n one` or `n many`.
fn unit(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// How long to wait before the next tick: on the next whole second in the last day (so
/// the seconds change together with the device's), on the next whole minute before it.
pub fn next_tick_ms(remaining_ms: f64) -> u32 {
    let period = if remaining_ms <= DAY {
        SECOND
    } else {
        60.0 * SECOND
    };
    until_boundary_ms(remaining_ms, period)
}

/// The wait until the time left next crosses a whole `period`: at least 50 ms, so a tick
/// landing on a boundary does not spin.
fn until_boundary_ms(remaining_ms: f64, period: f64) -> u32 {
    let into = remaining_ms.rem_euclid(period);
    // `max`/`min`, not `clamp`: f64::clamp's assertion formats floats, which would bring
    // float formatting (some 20 KB) into the bundle.
    (if into < 50.0 { into + period } else { into })
        .max(50.0)
        .min(period + 50.0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_endpoint_answers_a_number_or_now_ms_once() {
        assert_eq!(
            time_from_body(" 1000994400000\n"),
            Some(1_000_994_400_000.0)
        );
        assert_eq!(
            time_from_body(r#"{"now_ms": 1000994400000.5}"#),
            Some(1_000_994_400_000.5)
        );
        for unusable in [
            "",
            "soon",
            "0",
            "-5",
            r#"{"now": 1000994400000}"#,
            r#"{"now_ms": "1000994400000"}"#,
            // Which of the two a reader keeps differs between readers: no answer.
            r#"{"now_ms": 1, "now_ms": 1000994400000}"#,
        ] {
            assert_eq!(time_from_body(unusable), None, "{unusable}");
        }
    }

    #[test]
    fn the_sample_with_the_smallest_round_trip_wins() {
        let samples = [
            Sample {
                sent_mono_ms: 0.0,
                received_mono_ms: 300.0,
                server_epoch_ms: 10_000.0,
            },
            Sample {
                sent_mono_ms: 1000.0,
                received_mono_ms: 1040.0,
                server_epoch_ms: 11_100.0,
            },
            Sample {
                sent_mono_ms: 2000.0,
                received_mono_ms: 2100.0,
                server_epoch_ms: 12_000.0,
            },
        ];
        let a = anchor_from_samples(&samples, ClockSource::TimeEndpoint, 0.0).expect("anchor");
        assert_eq!(a.mono_ms, 1020.0);
        assert_eq!(a.epoch_ms, 11_100.0);
        assert_eq!(a.uncertainty_ms, 20.0);
        assert_eq!(a.now_ms(2020.0), 12_100.0);
        assert!(anchor_from_samples(&[], ClockSource::DateHeader, 1000.0).is_none());
        let backwards = [Sample {
            sent_mono_ms: 5.0,
            received_mono_ms: 1.0,
            server_epoch_ms: 0.0,
        }];
        assert!(anchor_from_samples(&backwards, ClockSource::TimeEndpoint, 0.0).is_none());
    }

    #[test]
    fn phases_and_the_uncertainty_margin() {
        assert_eq!(phase(2.0 * DAY, 0.0), Phase::Open);
        assert_eq!(phase(DAY, 0.0), Phase::Closing);
        assert_eq!(phase(HOUR, 0.0), Phase::FinalHour);
        assert_eq!(phase(1.0, 0.0), Phase::FinalHour);
        assert_eq!(phase(0.0, 0.0), Phase::Closed);
        assert_eq!(phase(-5.0, 0.0), Phase::Closed);
        // 400 ms left by a clock that may be 500 ms off: closed.
        assert_eq!(phase(400.0, 500.0), Phase::Closed);
    }

    #[test]
    fn time_left_in_a_few_words_rounds_down_and_ends_at_the_deadline() {
        let m = 60.0 * SECOND;
        assert_eq!(
            Left(3.0 * DAY + 4.0 * HOUR + 59.0 * m).to_string(),
            "3 days, 4 hours left"
        );
        assert_eq!(Left(DAY).to_string(), "1 day, 0 hours left");
        assert_eq!(Left(DAY - 1.0).to_string(), "23 hours, 59 minutes left");
        assert_eq!(Left(HOUR + m).to_string(), "1 hour, 1 minute left");
        assert_eq!(Left(14.0 * m + 59_999.0).to_string(), "14 minutes left");
        assert_eq!(Left(m).to_string(), "1 minute left");
        assert_eq!(Left(59_999.0).to_string(), "Less than a minute left");
        assert_eq!(Left(0.0).to_string(), "The offer has expired");
        assert_eq!(Left(-5.0).to_string(), "The offer has expired");
    }

    #[test]
    fn the_words_change_on_the_minute_of_the_time_left() {
        let m = 60.0 * SECOND;
        // 14 min 20 s left: the words change in 20 s, when 14 min are left.
        assert_eq!(next_minute_ms(14.0 * m + 20_000.0), 20_000);
        // On the boundary itself: the next one, not a spin.
        assert_eq!(next_minute_ms(14.0 * m + 10.0), 60_010);
        assert_eq!(next_minute_ms(14.0 * m), 60_000);
        // Just past the deadline: at least 50 ms.
        assert!(next_minute_ms(-1.0) >= 50);
    }

    #[test]
    fn remaining_time_reads_plainly_and_rounds_down() {
        assert_eq!(
            Remaining(3.0 * DAY + 4.0 * HOUR + 12.5 * 60.0 * SECOND).to_string(),
            "3 days, 4 hours, 12 minutes"
        );
        assert_eq!(
            Remaining(DAY + 60.0 * SECOND).to_string(),
            "1 day, 0 hours, 1 minute"
        );
        assert_eq!(
            Remaining(3.0 * HOUR + 59.0 * 60.0 * SECOND + 12_999.0).to_string(),
            "03:59:12"
        );
        assert_eq!(Remaining(999.0).to_string(), "00:00:00");
        assert_eq!(Remaining(-5.0).to_string(), "00:00:00");
    }

    #[test]
    fn ticks_follow_the_second_in_the_last_day_and_the_minute_before() {
        assert_eq!(next_tick_ms(10_250.0), 250);
        assert_eq!(next_tick_ms(10_020.0), 1020);
        assert_eq!(next_tick_ms(2.0 * DAY + 30_000.0), 30_000);
    }
}
