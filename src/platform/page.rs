//! The page: its document, URL, query and deployment block, performance marks, printing,
//! visibility and in-page links. Nothing here panics on what the page gives it.

use wasm_bindgen::{JsCast, JsValue};

/// The performance mark set when the widget first shows a complete page (loaded data or
/// the error panel); `make bench` reads it.
pub const READY_MARK: &str = "election-widget:ready";

/// The page's document.
pub fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

pub fn element_by_id(id: &str) -> Option<web_sys::Element> {
    web_sys::window()?.document()?.get_element_by_id(id)
}

pub fn console_error(message: &str) {
    web_sys::console::error_1(&JsValue::from_str(message));
}

/// The page's query parameters, in order.
pub fn query_params() -> Vec<(String, String)> {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return Vec::new();
    };
    let Ok(Some(entries)) = js_sys::try_iter(&params) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pair: js_sys::Array = entry.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// The id of the page's deployment block
/// (`<script type="application/json" id="election-widget-deployment">`).
pub const DEPLOYMENT_ID: &str = "election-widget-deployment";

/// The page's deployment settings (its deployment block; none is an empty deployment).
pub fn deployment() -> election_client::config::Deployment {
    let text = element_by_id(DEPLOYMENT_ID).and_then(|e| e.text_content());
    election_client::config::Deployment::parse(text.as_deref())
}

/// The page's own origin.
pub fn page_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// The origin `url` has when the page resolves it; `None` for an opaque origin (`data:`,
/// `blob:` of another page, `javascript:`) or what is not a URL.
pub fn url_origin(url: &str) -> Option<String> {
    let parsed = web_sys::Url::new_with_base(url, &page_url()).ok()?;
    if !matches!(parsed.protocol().as_str(), "http:" | "https:") {
        return None;
    }
    Some(parsed.origin()).filter(|o| o != "null")
}

/// The standalone page's configuration: its deployment, its host element's attributes,
/// and what its link may set ([`election_client::config::WidgetConfig::standalone`]).
pub fn standalone_config(root: &web_sys::Element) -> election_client::config::WidgetConfig {
    let deployment = deployment();
    let page_origin = page_origin();
    let policy = election_client::config::LinkPolicy {
        data_origins: &deployment.data_origins,
        page_origin: &page_origin,
        link_preview: deployment.link_preview,
        origin_of: &url_origin,
    };
    election_client::config::WidgetConfig::standalone(
        &deployment,
        |name| root.get_attribute(name),
        &query_params(),
        &policy,
    )
}

/// The performance mark set when both data files have arrived, before they are checked:
/// from here to [`READY_MARK`] is the widget's own work (parse, check, rules, render).
pub const DATA_MARK: &str = "election-widget:data";

/// The measure of one countdown tick, from its timer firing to its text written.
pub const TICK_MEASURE: &str = "election-widget:tick";

#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/platform/page.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = ewMeasureBetween)]
    fn js_measure_between(name: &str, start: f64, end: f64) -> Result<(), wasm_bindgen::JsValue>;
}

thread_local! {
    /// The page's `performance`, looked up once (a countdown marks and measures every
    /// second).
    static PERFORMANCE: Option<web_sys::Performance> = web_sys::window().and_then(|w| w.performance());
    static TICKS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Tick measures kept in the performance timeline: a page open all day near its deadline
/// would otherwise add one a second for as long as it is open.
const TICKS_KEPT: u32 = 256;

/// Measures from the mark `start` to now under `name` (for `make bench`).
pub fn measure(name: &str, start: &str) {
    PERFORMANCE.with(|perf| {
        if let Some(perf) = perf {
            let _ = perf.measure_with_start_mark(name, start);
        }
    });
}

thread_local! {
    /// Whether [`mark_ready`] has run on this page, and who waits for it until then.
    static READY: std::cell::RefCell<Result<(), Vec<std::task::Waker>>> =
        const { std::cell::RefCell::new(Err(Vec::new())) };
}

/// Marks the page [`READY_MARK`] (a load settled and its page is in the DOM) and wakes
/// whatever waits in [`after_ready`]. Every settled load marks: the first mark is the
/// one the bench reads.
pub fn mark_ready() {
    mark(READY_MARK);
    let waiting = READY.with(|r| std::mem::replace(&mut *r.borrow_mut(), Ok(())));
    if let Err(wakers) = waiting {
        wakers.into_iter().for_each(std::task::Waker::wake);
    }
}

/// Resolves once the page has been marked ready ([`mark_ready`]), at once if it was.
/// What must not compete with the first screen (the signing module) waits on this: the
/// order of Yew's effects cannot promise it, since its scheduler yields to the browser
/// between them when a render runs long.
pub async fn after_ready() {
    std::future::poll_fn(|cx| {
        READY.with(|r| match &mut *r.borrow_mut() {
            Ok(()) => std::task::Poll::Ready(()),
            Err(wakers) => {
                if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
                    wakers.push(cx.waker().clone());
                }
                std::task::Poll::Pending
            }
        })
    })
    .await
}

/// Sets a performance mark (for `make bench`). Failing to mark is harmless.
pub fn mark(name: &str) {
    PERFORMANCE.with(|perf| {
        if let Some(perf) = perf {
            let _ = perf.mark(name);
        }
    });
}

/// The page's `performance.now()` (`None` without a `performance`): the monotonic clock
/// (`platform::clock::mono_now`), and when a countdown tick starts ([`measure_tick`]).
pub fn now() -> Option<f64> {
    PERFORMANCE.with(|perf| perf.as_ref().map(web_sys::Performance::now))
}

/// Measures one countdown tick, from `start` ([`now`] when it began) to now, as
/// [`TICK_MEASURE`]. Two readings of the clock and no mark: a mark's own cost (0.1–0.4 ms
/// in Chromium here) fell inside the span it opened and was most of what was measured.
/// The measures are cleared every [`TICKS_KEPT`] ticks, so the timeline stays small
/// however long the page is open.
pub fn measure_tick(start: f64) {
    PERFORMANCE.with(|perf| {
        let Some(perf) = perf else { return };
        let _ = js_measure_between(TICK_MEASURE, start, perf.now());
        let n = TICKS.with(|t| {
            t.set(t.get().wrapping_add(1));
            t.get()
        });
        if n.is_multiple_of(TICKS_KEPT) {
            perf.clear_measures_with_measure_name(TICK_MEASURE);
        }
    });
}

/// Writes `text` as the content of the element `node` refers to, keeping its text node
/// (the one Yew rendered, so that a later render still finds and updates it): how a
/// countdown's tick changes one text without a render.
pub fn set_text(node: &yew::NodeRef, text: &str) {
    let Some(element) = node.get() else { return };
    match element.first_child() {
        Some(child) if child.node_type() == web_sys::Node::TEXT_NODE => {
            child.set_node_value(Some(text));
        }
        _ => element.set_text_content(Some(text)),
    }
}

/// Opens the browser's print dialog (the print stylesheet lays the page out).
pub fn print() {
    if let Some(window) = web_sys::window() {
        if window.print().is_err() {
            console_error("election widget: the browser refused to print");
        }
    }
}

/// The page's own URL (asked again for its server's `Date` header).
pub fn page_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_else(|| "./".to_owned())
}

/// Calls `f` whenever the page becomes visible again; the listener lives as long as the
/// returned value.
pub fn on_visible(f: impl Fn() + 'static) -> Option<gloo_events::EventListener> {
    let document = web_sys::window()?.document()?;
    let target: web_sys::EventTarget = document.clone().into();
    Some(gloo_events::EventListener::new(
        &target,
        "visibilitychange",
        move |_| {
            if document.visibility_state() == web_sys::VisibilityState::Visible {
                f();
            }
        },
    ))
}

/// Calls `f` whenever the browser says it is online again; the listener lives as long as
/// the returned value.
pub fn on_online(f: impl Fn() + 'static) -> Option<gloo_events::EventListener> {
    let window = web_sys::window()?;
    Some(gloo_events::EventListener::new(
        &window,
        "online",
        move |_| f(),
    ))
}

/// Follows an in-page link (`href="#id"`) clicked inside the widget when the widget is in
/// a shadow root (the `<election-widget>` element), where the browser does not: scrolls
/// the target into view and moves focus to it. On a page of its own the browser's own
/// handling (and the URL's fragment) is left alone.
pub fn follow_in_page_link(event: web_sys::MouseEvent) {
    use wasm_bindgen::JsCast;
    let Some(target) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let Ok(Some(link)) = target.closest(r##"a[href^="#"]"##) else {
        return;
    };
    let root = link.get_root_node();
    let Some(shadow) = root.dyn_ref::<web_sys::ShadowRoot>() else {
        return;
    };
    let id = link.get_attribute("href").unwrap_or_default();
    let Some(destination) = shadow.get_element_by_id(id.trim_start_matches('#')) else {
        return;
    };
    event.prevent_default();
    destination.scroll_into_view();
    if let Some(el) = destination.dyn_ref::<web_sys::HtmlElement>() {
        if !el.has_attribute("tabindex") {
            let _ = el.set_attribute("tabindex", "-1");
        }
        let _ = el.focus();
    }
}
