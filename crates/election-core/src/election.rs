//! The employee's election: which grants they tender. [`resolve`] turns the grants an
//! employee picks into the election the offer's rules allow (adding what the rules
//! require, and saying why); [`Election::check`] names every rule an election breaks.
//! Which of an employee's elections is in effect is the contract's rule
//! ([`crate::contract::governing`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::display::{Style, UsEnglish};
use crate::holder::{Grant, Holder};
use crate::offer::{AwardKind, Offer, PartProblem};
use crate::rules::{self, Ineligibility};

/// An election: the grants tendered, with how many options of each. A grant not listed is
/// kept. An election that lists no grant keeps everything (a withdrawal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Election {
    pub offer_id: String,
    pub offer_version: u64,
    pub employee_id: String,
    pub tendered: BTreeMap<String, u64>,
    /// Where the offer takes a grant's vested and unvested options separately: the
    /// portion tendered of each grant that is not tendered whole.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub portions: BTreeMap<String, Portion>,
}

/// A grant's vested or unvested options, tendered apart from the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Portion {
    Vested,
    Unvested,
}

impl Portion {
    /// How many options of `grant` the portion is.
    pub fn options(self, grant: &Grant) -> u64 {
        match self {
            Portion::Vested => grant.vested.min(grant.outstanding),
            Portion::Unvested => grant.outstanding.saturating_sub(grant.vested),
        }
    }

    /// `vested`, `unvested`.
    pub fn word(self) -> &'static str {
        match self {
            Portion::Vested => "vested",
            Portion::Unvested => "unvested",
        }
    }
}

/// What the employee chose for a grant they picked, beyond tendering it whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chosen {
    /// This many of its options (where the offer takes parts of grants).
    Options(u64),
    /// Its vested or its unvested options (where the offer takes portions).
    Portion(Portion),
}

impl Election {
    /// The election that keeps every grant: how an employee withdraws.
    pub fn keep_all(offer: &Offer, holder: &Holder) -> Election {
        Election {
            offer_id: offer.id.clone(),
            offer_version: offer.version,
            employee_id: holder.employee.id.clone(),
            tendered: BTreeMap::new(),
            portions: BTreeMap::new(),
        }
    }

    pub fn is_withdrawal(&self) -> bool {
        self.tendered.is_empty()
    }

    /// Every rule of the offer this election breaks; empty when it may be made.
    pub fn check(&self, offer: &Offer, holder: &Holder) -> Vec<RuleViolation> {
        let mut broken = Vec::new();
        if self.offer_id != offer.id || self.offer_version != offer.version {
            broken.push(RuleViolation::WrongOffer {
                offer_id: self.offer_id.clone(),
                offer_version: self.offer_version,
            });
        }
        if self.employee_id != holder.employee.id {
            broken.push(RuleViolation::WrongEmployee {
                employee_id: self.employee_id.clone(),
            });
        }
        let grants: HashMap<&str, &Grant> =
            holder.grants.iter().map(|g| (g.id.as_str(), g)).collect();
        for (id, &tendered) in &self.tendered {
            let Some(grant) = grants.get(id.as_str()) else {
                broken.push(RuleViolation::UnknownGrant { grant: id.clone() });
                continue;
            };
            if let Err(reasons) = rules::eligibility(offer, &holder.employee, grant) {
                broken.push(RuleViolation::NotEligible {
                    grant: id.clone(),
                    reasons,
                });
            }
            if tendered == 0 {
                broken.push(RuleViolation::NoOptions { grant: id.clone() });
            } else if tendered > grant.outstanding {
                broken.push(RuleViolation::MoreThanOutstanding {
                    grant: id.clone(),
                    tendered,
                    outstanding: grant.outstanding,
                });
            } else if let Some(&portion) = self.portions.get(id) {
                let expected = portion.options(grant);
                if !offer.terms.tender_rules.portions {
                    broken.push(RuleViolation::PortionsNotOffered { grant: id.clone() });
                } else if tendered != expected {
                    broken.push(RuleViolation::PortionMismatch {
                        grant: id.clone(),
                        portion,
                        tendered,
                        expected,
                    });
                }
            } else {
                let (grant, outstanding) = (id.clone(), grant.outstanding);
                match offer.terms.tender_rules.part_problem(tendered, outstanding) {
                    None => {}
                    Some(PartProblem::WholeGrantOnly) => broken.push(RuleViolation::PartOfGrant {
                        grant,
                        tendered,
                        outstanding,
                    }),
                    Some(PartProblem::BelowMinimum(minimum)) => {
                        broken.push(RuleViolation::PartBelowMinimum {
                            grant,
                            tendered,
                            minimum,
                        })
                    }
                    Some(PartProblem::NotInIncrements(increment)) => {
                        broken.push(RuleViolation::PartNotInIncrements {
                            grant,
                            tendered,
                            increment,
                        })
                    }
                }
            }
        }
        let tendering = self
            .tendered
            .keys()
            .any(|id| grants.contains_key(id.as_str()));
        if tendering {
            let eligible = holder
                .grants
                .iter()
                .filter(|g| rules::eligibility(offer, &holder.employee, g).is_ok());
            let prices: BTreeSet<Decimal> = self
                .tendered
                .keys()
                .filter_map(|id| grants.get(id.as_str()))
                .map(|g| g.exercise_price)
                .collect();
            for g in eligible {
                if self.tendered.contains_key(&g.id) {
                    continue;
                }
                if rules::in_lookback(offer, g) {
                    broken.push(RuleViolation::LookbackNotTendered {
                        grant: g.id.clone(),
                    });
                } else if offer.terms.tender_rules.all_grants_at_same_price
                    && prices.contains(&g.exercise_price)
                {
                    broken.push(RuleViolation::SamePriceNotTendered {
                        grant: g.id.clone(),
                        price: g.exercise_price,
                    });
                }
            }
        }
        broken
    }
}

/// A rule an election breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum RuleViolation {
    WrongOffer {
        offer_id: String,
        offer_version: u64,
    },
    WrongEmployee {
        employee_id: String,
    },
    UnknownGrant {
        grant: String,
    },
    NotEligible {
        grant: String,
        reasons: Vec<Ineligibility>,
    },
    NoOptions {
        grant: String,
    },
    MoreThanOutstanding {
        grant: String,
        tendered: u64,
        outstanding: u64,
    },
    PartOfGrant {
        grant: String,
        tendered: u64,
        outstanding: u64,
    },
    /// Part of a grant, smaller than the offer's smallest part.
    PartBelowMinimum {
        grant: String,
        tendered: u64,
        minimum: u64,
    },
    /// Part of a grant, not a multiple of the offer's increment.
    PartNotInIncrements {
        grant: String,
        tendered: u64,
        increment: u64,
    },
    LookbackNotTendered {
        grant: String,
    },
    SamePriceNotTendered {
        grant: String,
        price: Decimal,
    },
    /// A portion (vested or unvested) of a grant, where the offer takes whole grants.
    PortionsNotOffered {
        grant: String,
    },
    /// A portion whose options are not the grant's vested (or unvested) options.
    PortionMismatch {
        grant: String,
        portion: Portion,
        tendered: u64,
        expected: u64,
    },
}

impl RuleViolation {
    /// The contract's code for this rule (`docs/PROTOCOL.md` §4, "Errors"): each rule has
    /// its own, so that a client can tell which was broken without reading words.
    pub fn code(&self) -> crate::contract::ErrorCode {
        use crate::contract::ErrorCode;
        match self {
            RuleViolation::WrongOffer { .. } => ErrorCode::StaleOfferVersion,
            RuleViolation::WrongEmployee { .. } => ErrorCode::EmployeeMismatch,
            RuleViolation::UnknownGrant { .. } => ErrorCode::UnknownGrant,
            RuleViolation::NotEligible { .. } => ErrorCode::IneligibleGrantDecision,
            // A form problem a receiver refuses before the rules (`invalid_payload`).
            RuleViolation::NoOptions { .. } => ErrorCode::InvalidPayload,
            RuleViolation::MoreThanOutstanding { .. } => ErrorCode::MoreThanOutstanding,
            RuleViolation::PartOfGrant { .. } => ErrorCode::WholeGrantsOnly,
            RuleViolation::PartBelowMinimum { .. } => ErrorCode::PartBelowMinimum,
            RuleViolation::PartNotInIncrements { .. } => ErrorCode::PartNotInIncrements,
            RuleViolation::LookbackNotTendered { .. } => ErrorCode::LookbackGrantLeftOut,
            RuleViolation::SamePriceNotTendered { .. } => ErrorCode::SamePriceGrantLeftOut,
            RuleViolation::PortionsNotOffered { .. } => ErrorCode::WholeGrantsOnly,
            RuleViolation::PortionMismatch { .. } => ErrorCode::PortionMismatch,
        }
    }

    pub fn describe(&self, offer: &Offer) -> String {
        self.describe_in(offer, &UsEnglish)
    }

    /// [`RuleViolation::describe`] with the reader's figures.
    pub fn describe_in(&self, offer: &Offer, style: &dyn Style) -> String {
        match self {
            RuleViolation::WrongOffer { offer_id, offer_version } => format!(
                "the election is for offer {offer_id} version {offer_version}, not {} version {}",
                offer.id, offer.version
            ),
            RuleViolation::WrongEmployee { employee_id } => {
                format!("the election is for employee {employee_id}, not this employee")
            }
            RuleViolation::UnknownGrant { grant } => {
                format!("grant {grant} is not one of this employee's grants")
            }
            RuleViolation::NotEligible { grant, reasons } => format!(
                "grant {grant} cannot be exchanged: {}",
                reasons
                    .iter()
                    .map(|r| r.describe_in(offer, style))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            RuleViolation::NoOptions { grant } => {
                format!("grant {grant} is listed with no options to tender")
            }
            RuleViolation::MoreThanOutstanding { grant, tendered, outstanding } => format!(
                "grant {grant}: {} options tendered, but only {} are outstanding",
                style.count(*tendered),
                style.count(*outstanding)
            ),
            RuleViolation::PartOfGrant { grant, tendered, outstanding } => format!(
                "grant {grant}: a grant is tendered in full or not at all ({} of {} options)",
                style.count(*tendered),
                style.count(*outstanding)
            ),
            RuleViolation::PartBelowMinimum { grant, tendered, minimum } => format!(
                "grant {grant}: part of a grant must be at least {} options, or the whole grant ({} tendered)",
                style.count(*minimum),
                style.count(*tendered)
            ),
            RuleViolation::PartNotInIncrements { grant, tendered, increment } => format!(
                "grant {grant}: part of a grant must be a multiple of {} options, or the whole grant ({} tendered)",
                style.count(*increment),
                style.count(*tendered)
            ),
            RuleViolation::LookbackNotTendered { grant } => format!(
                "grant {grant} was granted in the {} months before the offer opened, so it must be tendered along with any other grant",
                offer.terms.lookback.months
            ),
            RuleViolation::SamePriceNotTendered { grant, price } => format!(
                "grant {grant} has the same exercise price ({}) as a tendered grant, so it must be tendered too",
                style.money(*price)
            ),
            RuleViolation::PortionsNotOffered { grant } => format!(
                "grant {grant}: this offer takes whole grants, not their vested or unvested options apart"
            ),
            RuleViolation::PortionMismatch {
                grant,
                portion,
                tendered,
                expected,
            } => format!(
                "grant {grant}: its {} options are {}, not {}",
                portion.word(),
                style.count(*expected),
                style.count(*tendered)
            ),
        }
    }
}

/// Why the rules add a grant the employee did not pick, or keep one from being removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Requirement {
    /// Granted in the look-back window, and another grant is tendered.
    Lookback,
    /// Another tendered grant has the same exercise price.
    SamePrice,
}

impl Requirement {
    pub fn describe(self, offer: &Offer) -> String {
        match self {
            Requirement::Lookback => format!(
                "Required: granted in the {} months before the offer opened, so it is exchanged along with your other grants",
                offer.terms.lookback.months
            ),
            Requirement::SamePrice => {
                "Required: another grant you are exchanging has the same exercise price".to_owned()
            }
        }
    }
}

/// One grant under the rules, as the employee's picks leave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantStatus {
    pub eligibility: Result<(), Vec<Ineligibility>>,
    /// Granted in the look-back window (whether or not that matters yet).
    pub in_lookback: bool,
    pub exchanged: bool,
    /// Set when a rule makes this grant's exchange mandatory given the others.
    pub required: Option<Requirement>,
    /// The employee picked this grant (an eligible one), whether or not a rule requires it.
    pub picked: bool,
    /// Options tendered: all the grant's, or the part the employee chose; 0 when kept.
    pub tendered: u64,
    /// The portion tendered, where the employee chose the vested or the unvested options.
    pub portion: Option<Portion>,
    /// New options this grant gives: for the options tendered when exchanged, for the
    /// whole grant when kept (what exchanging it would give); 0 when not eligible.
    pub new_options: u64,
    /// Where the offer pays cash instead of so few new awards: the cash in cents, which
    /// the grant gives in place of `new_options`.
    pub cash_cents: Option<u64>,
}

impl GrantStatus {
    pub fn eligible(&self) -> bool {
        self.eligibility.is_ok()
    }
}

/// The totals of an election, for the sentence the employee reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub grants: u64,
    pub options: u64,
    /// New awards: new options, or restricted stock units (`award`).
    pub new_options: u64,
    pub new_grant_date: Option<NaiveDate>,
    /// What the new awards are.
    pub award: AwardKind,
    /// Cash paid instead of new awards, for grants that would give too few, in cents.
    pub cash_cents: u64,
}

impl Summary {
    /// "Exchange 3 grants, 12,500 options, for 6,250 new options; new grant expected on or
    /// about March 29, 2002."
    pub fn sentence(&self) -> String {
        self.sentence_in(&UsEnglish)
    }

    /// [`Summary::sentence`] with the reader's figures.
    pub fn sentence_in(&self, style: &dyn Style) -> String {
        if self.grants == 0 {
            return "You are keeping all your options: no grant is chosen for exchange.".to_owned();
        }
        let when = self
            .new_grant_date
            .map(|d| format!("; new grant expected on or about {}", style.date(d)))
            .unwrap_or_default();
        let awards = style.plural(self.new_options, self.award.nouns().0, self.award.nouns().1);
        let cash = style.money(crate::display::from_cents(self.cash_cents));
        let what = match (self.cash_cents, self.new_options) {
            (0, _) => awards,
            (_, 0) => format!("{cash} in cash"),
            _ => format!("{awards} and {cash} in cash"),
        };
        format!(
            "Exchange {}, {}, for {what}{when}.",
            style.plural(self.grants, "grant", "grants"),
            style.plural(self.options, "option", "options"),
        )
    }
}

/// The employee's picks under the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// One per grant, in the holder's order.
    pub statuses: Vec<GrantStatus>,
    pub election: Election,
    /// Picks that cannot be honoured (not eligible, or no longer among the grants), as
    /// when a draft was saved against other data.
    pub ignored_picks: Vec<String>,
    pub summary: Summary,
}

/// Applies the offer's rules to the grants an employee picked: every whole grant picked
/// that is eligible, plus what the look-back and same-price rules require. Linear in the
/// number of grants.
pub fn resolve(offer: &Offer, holder: &Holder, picks: &BTreeSet<String>) -> Resolution {
    resolve_with_parts(offer, holder, picks, &|_| None)
}

/// [`resolve`], where the employee may also have chosen how many options of a picked
/// grant to tender (`part`, given a grant's id). A part counts where the offer takes parts
/// of grants and the employee picked the grant, whether or not a rule would also require
/// it; a grant the rules alone add is tendered whole. A part is taken as chosen, whatever
/// it is: one the offer does not take stays in the election, where [`Election::check`]
/// names it and signing waits for it to be changed, rather than being silently replaced.
pub fn resolve_with_parts(
    offer: &Offer,
    holder: &Holder,
    picks: &BTreeSet<String>,
    part: &dyn Fn(&str) -> Option<u64>,
) -> Resolution {
    resolve_with(offer, holder, picks, &|id| part(id).map(Chosen::Options))
}

/// [`resolve_with_parts`] with every choice an offer may give beyond the whole grant: a
/// number of options where it takes parts, the vested or the unvested options where it
/// takes portions. A choice the offer does not give is ignored (the grant is whole).
pub fn resolve_with(
    offer: &Offer,
    holder: &Holder,
    picks: &BTreeSet<String>,
    chosen: &dyn Fn(&str) -> Option<Chosen>,
) -> Resolution {
    let same_price_rule = offer.terms.tender_rules.all_grants_at_same_price;
    let mut statuses: Vec<GrantStatus> = holder
        .grants
        .iter()
        .map(|g| {
            let eligibility = rules::eligibility(offer, &holder.employee, g);
            let new_options = if eligibility.is_ok() {
                rules::new_options(offer, g, g.outstanding).unwrap_or(0)
            } else {
                0
            };
            GrantStatus {
                in_lookback: rules::in_lookback(offer, g),
                eligibility,
                exchanged: false,
                required: None,
                picked: false,
                tendered: 0,
                portion: None,
                new_options,
                cash_cents: rules::cash_instead(offer, &holder.employee, new_options),
            }
        })
        .collect();

    let index: HashMap<&str, usize> = holder
        .grants
        .iter()
        .enumerate()
        .map(|(i, g)| (g.id.as_str(), i))
        .collect();
    let picked = |i: usize| statuses[i].eligible() && picks.contains(&holder.grants[i].id);
    let picked_count = (0..statuses.len()).filter(|&i| picked(i)).count();
    // The look-back grants that any tender pulls in.
    let lookback = |i: usize| statuses[i].eligible() && statuses[i].in_lookback;
    // How many grants in picks ∪ look-back carry each price (for the same-price rule).
    let mut per_price: HashMap<Decimal, usize> = HashMap::new();
    if same_price_rule {
        for (i, g) in holder.grants.iter().enumerate() {
            if picked(i) || (picked_count > 0 && lookback(i)) {
                *per_price.entry(g.exercise_price).or_default() += 1;
            }
        }
    }

    let mut required = Vec::with_capacity(statuses.len());
    let mut exchanged = Vec::with_capacity(statuses.len());
    for (i, g) in holder.grants.iter().enumerate() {
        let me = picked(i);
        // Would a rule still force this grant if the employee unpicked it?
        let others_picked = picked_count - usize::from(me);
        let req = if !statuses[i].eligible() || others_picked == 0 {
            None
        } else if lookback(i) {
            Some(Requirement::Lookback)
        } else if same_price_rule {
            let mine_counted = usize::from(me || lookback(i));
            let same = per_price.get(&g.exercise_price).copied().unwrap_or(0);
            (same > mine_counted).then_some(Requirement::SamePrice)
        } else {
            None
        };
        exchanged.push(me || req.is_some());
        required.push(req);
    }

    let mut election = Election::keep_all(offer, holder);
    let mut summary = Summary {
        award: offer.award(),
        ..Summary::default()
    };
    let takes_parts = !offer.terms.tender_rules.whole_grant;
    let takes_portions = offer.terms.tender_rules.portions;
    for (i, status) in statuses.iter_mut().enumerate() {
        status.exchanged = exchanged[i];
        status.required = required[i];
        status.picked = status.eligible() && picks.contains(&holder.grants[i].id);
        if status.exchanged {
            let g = &holder.grants[i];
            let choice = if status.picked { chosen(&g.id) } else { None };
            let part = match choice {
                Some(Chosen::Options(n)) if takes_parts => Some(n),
                Some(Chosen::Portion(p)) if takes_portions => {
                    status.portion = Some(p);
                    election.portions.insert(g.id.clone(), p);
                    Some(p.options(g))
                }
                _ => None,
            };
            if let Some(part) = part.filter(|&n| n != g.outstanding) {
                status.new_options = rules::new_options(offer, g, part).unwrap_or(0);
                status.cash_cents =
                    rules::cash_instead(offer, &holder.employee, status.new_options);
            }
            status.tendered = part.unwrap_or(g.outstanding);
            election.tendered.insert(g.id.clone(), status.tendered);
            summary.grants += 1;
            summary.options = summary.options.saturating_add(status.tendered);
            match status.cash_cents {
                Some(cents) => summary.cash_cents = summary.cash_cents.saturating_add(cents),
                None => {
                    summary.new_options = summary.new_options.saturating_add(status.new_options)
                }
            }
        }
    }
    if summary.grants > 0 {
        summary.new_grant_date = rules::new_grant_date(offer);
    }
    let ignored_picks = picks
        .iter()
        .filter(|id| {
            index
                .get(id.as_str())
                .is_none_or(|&i| !statuses[i].eligible())
        })
        .cloned()
        .collect();
    Resolution {
        statuses,
        election,
        ignored_picks,
        summary,
    }
}
