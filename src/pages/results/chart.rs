//! The elections-by-day chart, as SVG: bars of elections received each day (late ones
//! stacked in another pattern) and the line of employees who had responded. The layout
//! is the client's (`election_client::hr::chart`); the table beside it has every figure.

use yew::prelude::*;

use election_client::hr::{chart, thousands};
use election_core::results::Day;

pub fn by_day(days: &[Day]) -> Html {
    if days.is_empty() {
        return html! { <p class="ew-muted">{ "No elections yet." }</p> };
    }
    let c = chart(days);
    let (left, _, right, bottom) = c.area;
    let total: u64 = days.iter().map(|d| d.elections).sum();
    let late: u64 = days.iter().map(|d| d.late).sum();
    let responded = days.last().map_or(0, |d| d.responded);
    let desc = format!(
        "{} elections on time and {} late over {} days, from {} to {}; {} employees had responded by the last day. The table below gives each day.",
        thousands(total),
        thousands(late),
        days.len(),
        days.first().map_or("", |d| d.date.as_str()),
        days.last().map_or("", |d| d.date.as_str()),
        thousands(responded),
    );
    html! {
        <figure class="ew-chart">
            <svg viewBox={format!("0 0 {} {}", c.width, c.height)} role="img"
                aria-labelledby="ew-chart-title ew-chart-desc" preserveAspectRatio="xMidYMid meet">
                <title id="ew-chart-title">{ "Elections received each day, and employees who had responded" }</title>
                <desc id="ew-chart-desc">{ desc.clone() }</desc>
                { for c.ticks.iter().map(|(y, v)| html! {
                    <g class="ew-chart-grid">
                        <line x1={left.to_string()} x2={right.to_string()} y1={y.to_string()} y2={y.to_string()} />
                        <text x={(left - 6).to_string()} y={(y + 4).to_string()} text-anchor="end">{ thousands(*v) }</text>
                    </g>
                }) }
                { for c.bars.iter().map(|b| html! {
                    <g>
                        <rect class="ew-chart-bar" x={b.x.to_string()} y={b.y.to_string()}
                            width={b.width.to_string()} height={b.height.to_string()} />
                        if b.late_height > 0 {
                            <rect class="ew-chart-late" x={b.x.to_string()} y={b.late_y.to_string()}
                                width={b.width.to_string()} height={b.late_height.to_string()} />
                        }
                        if let Some(label) = &b.label {
                            <text x={(b.x + b.width / 2).to_string()} y={(bottom + 16).to_string()}
                                text-anchor="middle">{ label }</text>
                        }
                    </g>
                }) }
                <polyline class="ew-chart-line" points={c.line.clone()} />
                <line class="ew-chart-axis" x1={left.to_string()} x2={right.to_string()}
                    y1={bottom.to_string()} y2={bottom.to_string()} />
            </svg>
            <figcaption>
                <span class="ew-key ew-key-bar" aria-hidden="true"></span>{ " Elections on time " }
                <span class="ew-key ew-key-late" aria-hidden="true"></span>{ " Late elections " }
                <span class="ew-key ew-key-line" aria-hidden="true"></span>{ " Employees who had responded" }
            </figcaption>
        </figure>
    }
}
