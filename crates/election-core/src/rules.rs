//! The offer's rules applied to one grant: whether it may be exchanged and why not, how
//! many new options it would give, whether it falls in the look-back window, and when new
//! options are expected. Every number comes from the offer's terms.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::calendar;
use crate::display::{Style, UsEnglish};
use crate::holder::{Employee, Grant};
use crate::offer::{Offer, Ratio, RatioTier, Rounding};

/// Why a grant may not be exchanged. A grant can fail several rules at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Ineligibility {
    /// The grant's plan is not one the offer covers.
    PlanNotCovered { plan: String },
    /// The exercise price is below the offer's minimum.
    PriceBelowMinimum { minimum: Decimal },
    /// The grant was made on or after the offer's cut-off date.
    GrantedTooLate { granted_before: NaiveDate },
    /// The grant expires on or before the day the offer expires, so it would have lapsed
    /// by the time tendered options are accepted and cancelled (see [`eligibility`]).
    ExpiresFirst {
        expires: NaiveDate,
        offer_expires: NaiveDate,
    },
    /// No exchange-ratio tier covers the exercise price.
    NoRatioTier,
    /// The offer excludes executive officers, and the holder is one.
    OfficerExcluded,
    /// The offer excludes directors, and the holder is one.
    DirectorExcluded,
    /// The offer excludes holders in the holder's country.
    CountryExcluded { country: String },
    /// The grant was made in the window before the offer opened that the offer excludes
    /// (from `from` to the day before it opened).
    GrantedInExcludedWindow { months: u64, from: NaiveDate },
    /// The grant expires in the window after the offer opened that the offer excludes.
    ExpiresInExcludedWindow { months: u64, until: NaiveDate },
}

impl Ineligibility {
    /// The reason in words, for the employee.
    pub fn describe(&self, offer: &Offer) -> String {
        self.describe_in(offer, &UsEnglish)
    }

    /// [`Ineligibility::describe`] with the reader's figures.
    pub fn describe_in(&self, offer: &Offer, style: &dyn Style) -> String {
        match self {
            Ineligibility::PlanNotCovered { plan } => {
                let name = offer
                    .plan(plan)
                    .map_or(plan.as_str(), |p| p.short_name.as_str());
                format!("options under the {name} are not part of this offer")
            }
            Ineligibility::PriceBelowMinimum { minimum } => {
                match &offer.terms.eligibility.min_exercise_price_basis {
                    Some(basis) => format!(
                        "the exercise price is below {}, {}, the lowest this offer takes",
                        style.money(*minimum),
                        basis.describe_in(style)
                    ),
                    None => format!(
                        "the exercise price is below {}, the lowest this offer takes",
                        style.money(*minimum)
                    ),
                }
            }
            Ineligibility::GrantedTooLate { granted_before } => {
                format!(
                    "only grants made before {} may be exchanged",
                    style.date(*granted_before)
                )
            }
            Ineligibility::ExpiresFirst {
                expires,
                offer_expires,
            } if expires == offer_expires => format!(
                "the grant expires on {}, the day the offer expires, so it would have lapsed \
                 before tendered options are accepted and cancelled (expected on {})",
                style.date(*expires),
                style.date(calendar::next_business_day(*offer_expires))
            ),
            Ineligibility::ExpiresFirst {
                expires,
                offer_expires,
            } => format!(
                "the grant expires on {}, before the offer expires on {}",
                style.date(*expires),
                style.date(*offer_expires)
            ),
            Ineligibility::NoRatioTier if offer.terms.exchange_ratio.tiers.is_empty() => {
                "the offer sets no exchange ratio for this grant".to_owned()
            }
            Ineligibility::NoRatioTier => {
                "no exchange ratio in the offer covers this exercise price".to_owned()
            }
            Ineligibility::OfficerExcluded => {
                "executive officers may not take part in this offer".to_owned()
            }
            Ineligibility::DirectorExcluded => {
                "members of the board of directors may not take part in this offer".to_owned()
            }
            Ineligibility::CountryExcluded { country } => {
                format!(
                    "employees whose country of work is {country} may not take part in this offer"
                )
            }
            Ineligibility::GrantedInExcludedWindow { months, from } => format!(
                "grants made in the {} before the offer opened (from {}) are excluded",
                style.plural(*months, "month", "months"),
                style.date(*from)
            ),
            Ineligibility::ExpiresInExcludedWindow { months, until } => format!(
                "grants expiring in the {} after the offer opened (before {}) are excluded",
                style.plural(*months, "month", "months"),
                style.date(*until)
            ),
        }
    }
}

/// The day the offer expires, in the offset its deadline is stated in.
pub fn offer_expiration_date(offer: &Offer) -> NaiveDate {
    offer.expiration.instant.date_naive()
}

/// Whether `grant`, held by `employee`, may be exchanged under the offer, with every
/// reason when it may not: who holds it first, then the grant.
pub fn eligibility(
    offer: &Offer,
    employee: &Employee,
    grant: &Grant,
) -> Result<(), Vec<Ineligibility>> {
    let rules = &offer.terms.eligibility;
    let mut reasons = Vec::new();
    let excluded = &rules.excluded_holders;
    if excluded.officers && employee.officer {
        reasons.push(Ineligibility::OfficerExcluded);
    }
    if excluded.directors && employee.director {
        reasons.push(Ineligibility::DirectorExcluded);
    }
    if let Some(country) = employee
        .country
        .as_ref()
        .filter(|c| excluded.countries.contains(c))
    {
        reasons.push(Ineligibility::CountryExcluded {
            country: country.clone(),
        });
    }
    if let Some(months) = rules.granted_within_months {
        let from = u32::try_from(months)
            .ok()
            .and_then(|m| calendar::sub_months(offer.opened_on, m));
        let in_window =
            |from: &NaiveDate| grant.grant_date >= *from && grant.grant_date < offer.opened_on;
        if let Some(from) = from.filter(in_window) {
            reasons.push(Ineligibility::GrantedInExcludedWindow { months, from });
        }
    }
    if let Some(months) = rules.expiring_within_months {
        let until = u32::try_from(months)
            .ok()
            .and_then(|m| calendar::add_months(offer.opened_on, m));
        if let Some(until) = until.filter(|&until| grant.expiration_date < until) {
            reasons.push(Ineligibility::ExpiresInExcludedWindow { months, until });
        }
    }
    if !rules.plans.contains(&grant.plan) {
        reasons.push(Ineligibility::PlanNotCovered {
            plan: grant.plan.clone(),
        });
    }
    if let Some(minimum) = rules.min_exercise_price {
        if grant.exercise_price < minimum {
            reasons.push(Ineligibility::PriceBelowMinimum { minimum });
        }
    }
    if let Some(granted_before) = rules.granted_before {
        if grant.grant_date >= granted_before {
            reasons.push(Ineligibility::GrantedTooLate { granted_before });
        }
    }
    // A tendered grant is exchanged only when the company accepts and cancels it, after
    // the offer expires (`cancellation_date`: the first business day after; Mpower's
    // amended Section 7 speaks of the time "before the acceptance and cancellation of
    // eligible options tendered", which follows expiration). So a grant must outlive the offer's
    // expiration day, not merely be exercisable at 11:59 p.m. on it. A holder's
    // `expiration_date` is a date without a time of day, and no time is needed: whatever
    // hour on the offer's expiration day a grant expires, it has lapsed by the next day.
    // The offer's day is its local date in the offset the deadline is stated in.
    let offer_expires = offer_expiration_date(offer);
    if grant.expiration_date <= offer_expires {
        reasons.push(Ineligibility::ExpiresFirst {
            expires: grant.expiration_date,
            offer_expires,
        });
    }
    if ratio(offer, grant).is_none()
        && !reasons
            .iter()
            .any(|r| matches!(r, Ineligibility::PriceBelowMinimum { .. }))
    {
        reasons.push(Ineligibility::NoRatioTier);
    }
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(reasons)
    }
}

/// Where a grant's ratio comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatioFrom {
    /// The offer's tier for the grant's exercise price.
    Tier,
    /// A ratio the offer sets for this grant (`exchange_ratio.by_grant`).
    Grant,
}

/// The ratio a grant is exchanged at, and where it comes from: the grant's own ratio
/// where the offer sets one, else its exercise price's tier; `None` when neither does.
pub fn ratio(offer: &Offer, grant: &Grant) -> Option<(Ratio, RatioFrom)> {
    let own = offer
        .terms
        .exchange_ratio
        .by_grant
        .as_ref()
        .and_then(|t| t.ratios.iter().find(|r| r.matches(grant)));
    match own {
        Some(entry) => Some((entry.ratio, RatioFrom::Grant)),
        None => ratio_tier(offer, grant.exercise_price).map(|t| (t.ratio(), RatioFrom::Tier)),
    }
}

/// The exchange-ratio tier for an exercise price: the highest tier starting at or below it.
pub fn ratio_tier(offer: &Offer, exercise_price: Decimal) -> Option<&RatioTier> {
    offer
        .terms
        .exchange_ratio
        .tiers
        .iter()
        .rev()
        .find(|t| t.from_exercise_price <= exercise_price)
}

/// New awards for `tendered` options at `ratio`, made whole by `rounding`.
pub fn new_options_for(tendered: u64, ratio: Ratio, rounding: Rounding) -> u64 {
    // u128 so that no product of two u64 overflows; ratio.old is at least 1 by validation,
    // and max(1) keeps a hand-built ratio from dividing by zero.
    let num = u128::from(tendered) * u128::from(ratio.new);
    let den = u128::from(ratio.old.max(1));
    let whole = match rounding {
        Rounding::Down => num / den,
        Rounding::Up => num.div_ceil(den),
        Rounding::Nearest => (2 * num + den) / (2 * den),
    };
    u64::try_from(whole).unwrap_or(u64::MAX)
}

/// The cash, in cents, a tendered grant pays instead of `awards` new awards, where the
/// offer pays cash below a minimum and the rule reaches `employee` (by country, where it
/// says); `None` when the grant gives its awards.
pub fn cash_instead(offer: &Offer, employee: &Employee, awards: u64) -> Option<u64> {
    let cash = offer.terms.cash_instead.as_ref()?;
    let reaches = cash.countries.is_empty()
        || employee
            .country
            .as_ref()
            .is_some_and(|c| cash.countries.contains(c));
    (reaches && awards > 0 && awards < cash.below)
        .then(|| cash.per_award_cents.saturating_mul(awards))
}

/// New awards for tendering `tendered` options of `grant`; `None` when no ratio applies.
pub fn new_options(offer: &Offer, grant: &Grant, tendered: u64) -> Option<u64> {
    let (ratio, _) = ratio(offer, grant)?;
    Some(new_options_for(
        tendered,
        ratio,
        offer.terms.exchange_ratio.rounding,
    ))
}

/// The first day of the look-back window: tendering any grant requires tendering every
/// eligible grant made from this day until the offer opened.
pub fn lookback_start(offer: &Offer) -> Option<NaiveDate> {
    let months = u32::try_from(offer.terms.lookback.months).ok()?;
    if months == 0 {
        return None;
    }
    calendar::sub_months(offer.opened_on, months)
}

/// Whether `grant` was made in the look-back window before the offer opened.
pub fn in_lookback(offer: &Offer, grant: &Grant) -> bool {
    lookback_start(offer)
        .is_some_and(|start| grant.grant_date >= start && grant.grant_date < offer.opened_on)
}

/// The day tendered options are expected to be cancelled: the first business day after
/// the offer expires.
pub fn cancellation_date(offer: &Offer) -> NaiveDate {
    calendar::next_business_day(offer_expiration_date(offer))
}

/// When the new options are expected: the first business day at least the offer's months
/// and days after cancellation. An estimate: the company decides the day.
pub fn new_grant_date(offer: &Offer) -> Option<NaiveDate> {
    let timing = &offer.terms.new_grant;
    let months = u32::try_from(timing.months_after_cancellation).ok()?;
    let day = calendar::add_months(cancellation_date(offer), months)?
        .checked_add_days(chrono::Days::new(timing.days_after))?;
    Some(calendar::business_day_on_or_after(day))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tier(old: u64, new: u64) -> Ratio {
        Ratio { old, new }
    }

    #[test]
    fn rounding_rules() {
        let t = tier(2, 1);
        assert_eq!(new_options_for(1001, t, Rounding::Down), 500);
        assert_eq!(new_options_for(1001, t, Rounding::Up), 501);
        assert_eq!(new_options_for(1001, t, Rounding::Nearest), 501);
        assert_eq!(new_options_for(1000, t, Rounding::Nearest), 500);
        let t = tier(3, 1);
        assert_eq!(new_options_for(1000, t, Rounding::Down), 333);
        assert_eq!(new_options_for(1000, t, Rounding::Nearest), 333);
        assert_eq!(new_options_for(1000, t, Rounding::Up), 334);
        assert_eq!(
            new_options_for(u64::MAX, tier(1, 2), Rounding::Down),
            u64::MAX
        );
    }
}
