//! Decision support: over a range of future stock prices, the value at exercise of the
//! options the employee would give up against the new options, with the break-even price,
//! drawn as an inline SVG chart and given as a table with the same numbers.

use election_core::value::{Better, BreakEven, Comparison, ValuePoint};
use election_core::{AwardKind, Decimal};
use rust_decimal::prelude::ToPrimitive;
use yew::prelude::*;

use election_client::format::Formats;

/// The comparison section. `comparison` is None until a grant is chosen and the price
/// assumption (`new_price`, as typed) reads; `price_error` says why it does not.
pub fn decision_support(
    award: AwardKind,
    comparison: Option<&Comparison>,
    new_price: &str,
    price_error: Option<&str>,
    on_price: &Callback<String>,
    f: &Formats,
) -> Html {
    let oninput = {
        let on_price = on_price.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            on_price.emit(input.value());
        })
    };
    html! {
        <section class="ew-section ew-decision" id="ew-decision" aria-label="Keep or exchange: what each is worth">
            <h2>{ "Keep or exchange: what each is worth" }</h2>
            <p class="ew-note">
                { match award {
                    AwardKind::Options => "Value at exercise: what the options would be worth if exercised when the stock is at a given price \
                        (stock price less exercise price, times the options). It leaves out vesting, time value, taxes and \
                        whether the stock ever reaches that price. This is arithmetic, not advice.",
                    AwardKind::RestrictedStockUnits => "Value at vest against value at exercise: what the restricted stock units would be \
                        worth when they vest with the stock at a given price (a share each: the stock price times the units), \
                        against what the options you give up would be worth if exercised then (stock price less exercise price, \
                        times the options). It leaves out when each vests, time value, taxes and whether the stock ever reaches \
                        that price. This is arithmetic, not advice.",
                } }
            </p>
            if award == AwardKind::Options {
            <div class="ew-field">
                <label>
                    <span class="ew-field-label">{ "Assumed market price on the new grant date (the new options' exercise price)" }</span>
                    <span class="ew-money-input">
                        <span aria-hidden="true">{ "$" }</span>
                        <input type="text" inputmode="decimal" autocomplete="off" value={new_price.to_owned()}
                            aria-invalid={price_error.is_some().then_some("true")} {oninput} />
                    </span>
                </label>
                if let Some(error) = price_error {
                    <p class="ew-field-error" role="alert">{ error.to_owned() }</p>
                }
            </div>
            }
            {
                match comparison {
                    None if price_error.is_none() => html! {
                        <p class="ew-muted">{ "Choose at least one grant to exchange to compare what you give up with what you get." }</p>
                    },
                    None => Html::default(),
                    Some(c) => comparison_view(award, c, f),
                }
            }
        </section>
    }
}

/// What the employee gets, as a sentence's subject: `the new options`.
fn the_new(award: AwardKind) -> &'static str {
    match award {
        AwardKind::Options => "the new options",
        AwardKind::RestrictedStockUnits => "the restricted stock units",
    }
}

fn break_even_sentence(award: AwardKind, c: &Comparison, f: &Formats) -> String {
    let new = the_new(award);
    match c.break_even() {
        BreakEven::At {
            price,
            better_above,
        } => {
            let new_more = format!("{new} are worth more");
            let (below, above) = match better_above {
                Better::Keep => (
                    new_more.as_str(),
                    "the options you give up would be worth more",
                ),
                Better::Exchange => (
                    "the options you give up would be worth more",
                    new_more.as_str(),
                ),
            };
            format!(
                "Break-even stock price: {}. Below it, {below}; above it, {above}.",
                f.money(price)
            )
        }
        BreakEven::Never {
            better: Some(Better::Keep),
        } => {
            format!("At every stock price, the options you give up are worth at least as much as {new}.")
        }
        BreakEven::Never {
            better: Some(Better::Exchange),
        } => {
            format!("At every stock price, {new} are worth at least as much as the options you give up.")
        }
        BreakEven::Never { better: None } => {
            "The two are worth the same at every stock price.".to_owned()
        }
    }
}

fn comparison_view(award: AwardKind, c: &Comparison, f: &Formats) -> Html {
    let grid = c.price_grid(10);
    let points: Vec<ValuePoint> = grid.iter().map(|&p| c.at(p)).collect();
    let sentence = break_even_sentence(award, c, f);
    let caption = match award {
        AwardKind::Options => "Value at exercise by stock price",
        AwardKind::RestrictedStockUnits => "Value at vest and at exercise by stock price",
    };
    html! {
        <>
            <p class="ew-break-even"><strong>{ sentence.clone() }</strong></p>
            { chart(award, c, &grid, &sentence, f) }
            <div class="ew-table-scroll" role="region" aria-label={caption} tabindex="0">
                <table class="ew-table ew-value-table">
                    <caption>{ caption }</caption>
                    <thead>
                        <tr>
                            <th scope="col" class="ew-num">{ "Stock price" }</th>
                            <th scope="col" class="ew-num">{ "Options you give up" }</th>
                            <th scope="col" class="ew-num">{ award.heading() }</th>
                            <th scope="col" class="ew-num">{ "Difference" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for points.iter().map(|p| {
                            let diff = p.new - p.kept;
                            let diff_text = match diff.cmp(&Decimal::ZERO) {
                                std::cmp::Ordering::Greater => format!("+{} for exchanging", f.money(diff)),
                                std::cmp::Ordering::Less => format!("−{} for exchanging", f.money(-diff)),
                                std::cmp::Ordering::Equal => "no difference".to_owned(),
                            };
                            html! {
                                <tr>
                                    <th scope="row" class="ew-num">{ f.money(p.stock_price) }</th>
                                    <td class="ew-num">{ f.money(p.kept) }</td>
                                    <td class="ew-num">{ f.money(p.new) }</td>
                                    <td class="ew-num">{ diff_text }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
        </>
    }
}

/// The chart: both values as lines over the price range, solid for what is given up and
/// dashed for the new options (told apart without colour), and the break-even marked.
/// Coordinates are whole numbers computed in decimals: no floating point, which would
/// also bring float formatting into the bundle.
fn chart(award: AwardKind, c: &Comparison, grid: &[Decimal], summary: &str, f: &Formats) -> Html {
    const W: i64 = 640;
    const H: i64 = 300;
    const LEFT: i64 = 84;
    const RIGHT: i64 = 40;
    const TOP: i64 = 16;
    const BOTTOM: i64 = 44;
    let top_price = grid
        .last()
        .copied()
        .unwrap_or(Decimal::TEN)
        .max(Decimal::ONE);
    let curve = c.curve(top_price);
    // The value axis runs to a round number: four round steps above the highest value.
    let highest = curve
        .iter()
        .map(|p| p.kept.max(p.new))
        .max()
        .unwrap_or(Decimal::ZERO);
    let y_step = election_core::value::nice_step(highest / Decimal::from(4)).max(Decimal::ONE);
    let max_value = y_step * Decimal::from(4);
    let whole = |d: Decimal| d.round().to_i64().unwrap_or(0);
    let x = |price: Decimal| LEFT + whole(price * Decimal::from(W - LEFT - RIGHT) / top_price);
    let y =
        |value: Decimal| H - BOTTOM - whole(value * Decimal::from(H - TOP - BOTTOM) / max_value);
    let line = |pick: fn(&ValuePoint) -> Decimal| {
        curve
            .iter()
            .map(|p| format!("{},{}", x(p.stock_price), y(pick(p))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let x_ticks: Vec<Decimal> = grid.iter().step_by(2).copied().collect();
    let y_ticks: Vec<Decimal> = (0..=4).map(|i| y_step * Decimal::from(i)).collect();
    let break_even = match c.break_even() {
        BreakEven::At { price, .. } if price < top_price => Some(price),
        _ => None,
    };
    let n = |v: i64| v.to_string();
    html! {
        <figure class="ew-chart">
            <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label={format!("Chart of value at exercise by stock price. {summary} The same numbers are in the table below.")}>
                <g class="ew-axis" aria-hidden="true">
                    <line x1={n(LEFT)} y1={n(H - BOTTOM)} x2={n(W - RIGHT)} y2={n(H - BOTTOM)} />
                    <line x1={n(LEFT)} y1={n(TOP)} x2={n(LEFT)} y2={n(H - BOTTOM)} />
                    { for x_ticks.iter().map(|&p| html! {
                        <text x={n(x(p))} y={n(H - BOTTOM + 18)} text-anchor="middle">{ f.money(p) }</text>
                    }) }
                    { for y_ticks.iter().map(|&v| html! {
                        <text x={n(LEFT - 6)} y={n(y(v) + 4)} text-anchor="end">{ f.whole_dollars(whole(v).unsigned_abs()) }</text>
                    }) }
                    <text x={n((LEFT + W - RIGHT) / 2)} y={n(H - 6)} text-anchor="middle">{ "Stock price" }</text>
                </g>
                if let Some(p) = break_even {
                    <g class="ew-break-even-mark" aria-hidden="true">
                        <line x1={n(x(p))} y1={n(TOP)} x2={n(x(p))} y2={n(H - BOTTOM)} />
                        <text x={n(x(p) + 4)} y={n(TOP + 12)}>{ format!("break-even {}", f.money(p)) }</text>
                    </g>
                }
                <polyline class="ew-line-kept" points={line(|p| p.kept)} aria-hidden="true" />
                <polyline class="ew-line-new" points={line(|p| p.new)} aria-hidden="true" />
            </svg>
            <figcaption class="ew-legend">
                <span class="ew-legend-kept">{ "Options you give up (solid)" }</span>
                <span class="ew-legend-new">{ format!("{} (dashed)", award.heading()) }</span>
            </figcaption>
        </figure>
    }
}
