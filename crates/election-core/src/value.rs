//! Decision support: what the options an employee would give up are worth at exercise
//! against the new options they would get, over a range of future stock prices.
//!
//! Value at exercise (intrinsic value) only: the stock price less the exercise price,
//! times the options, where positive. It leaves out vesting, the time value of an option,
//! taxes and the chance that the stock never gets there, and the widget says so.

use rust_decimal::Decimal;

/// One point of the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValuePoint {
    pub stock_price: Decimal,
    /// Value at exercise of the options tendered, had they been kept.
    pub kept: Decimal,
    /// Value at exercise of the new options.
    pub new: Decimal,
}

/// Which choice is worth more above the break-even price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Keep,
    Exchange,
}

/// Where the two values cross.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakEven {
    /// Above `price` (cents, rounded), `better_above` is worth more; below it, the other.
    At {
        price: Decimal,
        better_above: Better,
    },
    /// One choice is worth at least as much at every price.
    Never { better: Option<Better> },
}

/// The tendered grants against the new options, with the assumed new exercise price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// (exercise price, options) of each tendered grant.
    pub tendered: Vec<(Decimal, u64)>,
    pub new_options: u64,
    /// The new options' exercise price: the market price on the new grant date, which is
    /// not known until then, so the employee supplies an assumption.
    pub new_exercise_price: Decimal,
    /// Cash paid instead of new awards for grants that would give too few: the same at
    /// every stock price.
    pub cash: Decimal,
}

fn intrinsic(stock: Decimal, strike: Decimal, options: u64) -> Decimal {
    if stock > strike {
        (stock - strike) * Decimal::from(options)
    } else {
        Decimal::ZERO
    }
}

impl Comparison {
    /// What an election gives up against what it gets, with the employee's assumption for
    /// the new exercise price; None when nothing is tendered.
    pub fn of_election(
        holder: &crate::Holder,
        resolution: &crate::Resolution,
        new_exercise_price: Decimal,
    ) -> Option<Comparison> {
        if resolution.summary.grants == 0 {
            return None;
        }
        Some(Comparison {
            tendered: holder
                .grants
                .iter()
                .zip(&resolution.statuses)
                .filter(|(_, s)| s.exchanged)
                .map(|(g, s)| (g.exercise_price, s.tendered))
                .collect(),
            new_options: resolution.summary.new_options,
            new_exercise_price,
            cash: crate::display::from_cents(resolution.summary.cash_cents),
        })
    }

    pub fn kept_value(&self, stock: Decimal) -> Decimal {
        self.tendered
            .iter()
            .map(|&(k, n)| intrinsic(stock, k, n))
            .sum()
    }

    pub fn new_value(&self, stock: Decimal) -> Decimal {
        intrinsic(stock, self.new_exercise_price, self.new_options) + self.cash
    }

    pub fn at(&self, stock: Decimal) -> ValuePoint {
        ValuePoint {
            stock_price: stock,
            kept: self.kept_value(stock),
            new: self.new_value(stock),
        }
    }

    /// new − kept at `stock`.
    fn gap(&self, stock: Decimal) -> Decimal {
        self.new_value(stock) - self.kept_value(stock)
    }

    /// The prices where either value changes slope, ascending, with zero first.
    fn kinks(&self) -> Vec<Decimal> {
        let mut k: Vec<Decimal> = self.tendered.iter().map(|&(p, _)| p).collect();
        k.push(self.new_exercise_price);
        k.push(Decimal::ZERO);
        k.sort();
        k.dedup();
        k
    }

    /// The highest price at which the two values cross, and which is better above it.
    /// Both values are piecewise linear, so the crossing is found exactly on the segment
    /// where the difference changes sign.
    pub fn break_even(&self) -> BreakEven {
        let kinks = self.kinks();
        let options: u64 = self.tendered.iter().map(|&(_, n)| n).sum();
        // Slope of (new − kept) beyond the last kink.
        let tail = Decimal::from(self.new_options) - Decimal::from(options);
        let last = kinks.last().copied().unwrap_or(Decimal::ZERO);
        let gap_last = self.gap(last);
        let sign = |d: Decimal| d.cmp(&Decimal::ZERO);
        use std::cmp::Ordering::{Equal, Greater, Less};
        // Beyond the last kink the gap is linear: does it cross there?
        let eventual = match sign(tail) {
            Equal => sign(gap_last),
            s => s,
        };
        if sign(gap_last) != Equal && eventual != sign(gap_last) && tail != Decimal::ZERO {
            let price = last - gap_last / tail;
            return BreakEven::At {
                price: price.round_dp(2),
                better_above: if eventual == Greater {
                    Better::Exchange
                } else {
                    Better::Keep
                },
            };
        }
        // Otherwise look back through the segments for the last change of sign.
        let mut after = sign(gap_last);
        for pair in kinks.windows(2).rev() {
            let (a, b) = (pair[0], pair[1]);
            let (ga, gb) = (self.gap(a), self.gap(b));
            if sign(gb) != Equal {
                after = sign(gb);
            }
            if sign(ga) != Equal && sign(ga) != after && after != Equal {
                let price = a + ga * (b - a) / (ga - gb);
                return BreakEven::At {
                    price: price.round_dp(2),
                    better_above: if after == Greater {
                        Better::Exchange
                    } else {
                        Better::Keep
                    },
                };
            }
        }
        BreakEven::Never {
            better: match eventual {
                Greater => Some(Better::Exchange),
                Less => Some(Better::Keep),
                Equal => None,
            },
        }
    }

    /// The stock prices to tabulate: from zero in even, round steps to a little past the
    /// highest exercise price involved (and past the break-even), `steps` steps.
    pub fn price_grid(&self, steps: u32) -> Vec<Decimal> {
        let highest = self.kinks().last().copied().unwrap_or(Decimal::ZERO);
        let mut top = highest * Decimal::new(15, 1);
        if let BreakEven::At { price, .. } = self.break_even() {
            top = top.max(price * Decimal::new(12, 1));
        }
        if top <= Decimal::ZERO {
            top = Decimal::TEN;
        }
        let step = nice_step(top / Decimal::from(steps.max(1)));
        (0..=steps).map(|i| step * Decimal::from(i)).collect()
    }

    /// The exact curves for a chart over `[0, top]`: the kinks inside the range, and its
    /// ends.
    pub fn curve(&self, top: Decimal) -> Vec<ValuePoint> {
        let mut xs: Vec<Decimal> = self.kinks().into_iter().filter(|&x| x < top).collect();
        if let BreakEven::At { price, .. } = self.break_even() {
            if price > Decimal::ZERO && price < top {
                xs.push(price);
            }
        }
        xs.push(top);
        xs.sort();
        xs.dedup();
        xs.into_iter().map(|x| self.at(x)).collect()
    }
}

/// The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least `raw`: a round
/// step for a scale.
pub fn nice_step(raw: Decimal) -> Decimal {
    let mut magnitude = Decimal::new(1, 2); // one cent
    while magnitude * Decimal::TEN <= raw {
        magnitude *= Decimal::TEN;
    }
    for m in [
        Decimal::ONE,
        Decimal::TWO,
        Decimal::new(25, 1),
        Decimal::new(5, 0),
        Decimal::TEN,
    ] {
        if magnitude * m >= raw {
            return (magnitude * m).normalize();
        }
    }
    magnitude * Decimal::TEN
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    #[test]
    fn cash_instead_of_awards_is_worth_the_same_at_every_price() {
        // 300 options at $10 given up for $200 in cash: equal where 300(S - 10) = 200.
        let c = Comparison {
            tendered: vec![(d("10"), 300)],
            new_options: 0,
            new_exercise_price: d("0"),
            cash: d("200"),
        };
        assert_eq!(c.at(d("5")).new, d("200"));
        assert_eq!(c.at(d("40")).new, d("200"));
        assert_eq!(
            c.break_even(),
            BreakEven::At {
                price: d("10.67"),
                better_above: Better::Keep
            }
        );
    }

    #[test]
    fn two_for_one_at_a_lower_price_breaks_even_where_kept_catches_up() {
        // 1,000 options at $10 against 500 new at $2: equal where 500(S-2) = 1000(S-10),
        // S = 18.
        let c = Comparison {
            tendered: vec![(d("10"), 1000)],
            new_options: 500,
            new_exercise_price: d("2"),
            cash: Decimal::ZERO,
        };
        assert_eq!(
            c.break_even(),
            BreakEven::At {
                price: d("18"),
                better_above: Better::Keep
            }
        );
        assert_eq!(c.at(d("18")).kept, c.at(d("18")).new);
        assert_eq!(c.at(d("6")).new, d("2000"));
        assert_eq!(c.at(d("6")).kept, d("0"));
    }

    #[test]
    fn crossing_inside_a_segment_between_strikes() {
        // 100 at $5 and 100 at $50 against 100 new at $1. Gap at 50 is 4900 - 4500 = 400,
        // so the crossing is beyond $50 where the slope is 100 - 200: S = 54.
        let c = Comparison {
            tendered: vec![(d("5"), 100), (d("50"), 100)],
            new_options: 100,
            new_exercise_price: d("1"),
            cash: Decimal::ZERO,
        };
        assert_eq!(
            c.break_even(),
            BreakEven::At {
                price: d("54"),
                better_above: Better::Keep
            }
        );
    }

    #[test]
    fn when_one_side_always_wins() {
        // New options at a higher price and fewer of them: keeping is never worse.
        let c = Comparison {
            tendered: vec![(d("3"), 100)],
            new_options: 50,
            new_exercise_price: d("4"),
            cash: Decimal::ZERO,
        };
        assert_eq!(
            c.break_even(),
            BreakEven::Never {
                better: Some(Better::Keep)
            }
        );
        // As many new options at a lower price: exchanging is never worse.
        let c = Comparison {
            tendered: vec![(d("30"), 100)],
            new_options: 100,
            new_exercise_price: d("1"),
            cash: Decimal::ZERO,
        };
        assert_eq!(
            c.break_even(),
            BreakEven::Never {
                better: Some(Better::Exchange)
            }
        );
    }

    #[test]
    fn grid_and_curve() {
        let c = Comparison {
            tendered: vec![(d("10"), 1000)],
            new_options: 500,
            new_exercise_price: d("2"),
            cash: Decimal::ZERO,
        };
        let grid = c.price_grid(10);
        assert_eq!(grid.len(), 11);
        assert_eq!(grid[0], Decimal::ZERO);
        assert!(*grid.last().expect("grid") >= d("18"));
        let curve = c.curve(d("30"));
        let xs: Vec<String> = curve.iter().map(|p| p.stock_price.to_string()).collect();
        assert_eq!(xs, ["0", "2", "10", "18", "30"]);
        assert_eq!(nice_step(d("3.3")), d("5"));
        assert_eq!(nice_step(d("0.7")), d("1"));
        assert_eq!(nice_step(d("21")), d("25"));
    }
}
