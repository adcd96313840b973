//! The receiver's clock: the one that decides whether an election was on time, and the
//! one the widget's countdown follows through `GET /v1/time`.

use std::time::Instant;

use chrono::{DateTime, FixedOffset, TimeDelta, Utc};

/// The system clock, or (for demos and tests of offers whose deadline has passed) a clock
/// that starts at a given instant and runs at the real rate from there.
#[derive(Debug, Clone)]
pub struct Clock {
    start: Option<(DateTime<Utc>, Instant)>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock { start: None }
    }

    pub fn starting_at(at: DateTime<FixedOffset>) -> Clock {
        Clock {
            start: Some((at.with_timezone(&Utc), Instant::now())),
        }
    }

    pub fn is_preview(&self) -> bool {
        self.start.is_some()
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self.start {
            None => Utc::now(),
            Some((at, since)) => {
                let elapsed = TimeDelta::from_std(since.elapsed()).unwrap_or(TimeDelta::MAX);
                at.checked_add_signed(elapsed).unwrap_or(at)
            }
        }
    }
}
