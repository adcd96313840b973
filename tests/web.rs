//! The widget mounted in a real DOM in headless Chromium (`make test-wasm`).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use election_client::config::PreviewAt;
use election_widget::{mount, WidgetConfig};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

const OFFER: &str = include_str!("../static/offers/mpower-2001.json");
const DOZENS: &str = include_str!("../static/holders/e1002-jordan-okafor.json");
const SINGLE: &str = include_str!("../static/holders/e1001-avery-lindqvist.json");

/// A `data:` URL, so the widget's real fetch path runs without a server.
fn data_url(json: &str) -> String {
    let encoded: String = js_sys::encode_uri_component(json).into();
    format!("data:application/json,{encoded}")
}

fn host() -> Element {
    let document = gloo_utils_document();
    let host = document.create_element("div").expect("div");
    document
        .body()
        .expect("body")
        .append_child(&host)
        .expect("append");
    host
}

fn gloo_utils_document() -> web_sys::Document {
    web_sys::window()
        .expect("window")
        .document()
        .expect("document")
}

/// Mounts the widget on a new host element with the given data and waits for it to
/// settle; returns the host, the widget's root and the handle keeping it mounted.
async fn mounted(
    offer_url: String,
    holder_url: String,
) -> (Element, Element, yew::AppHandle<election_widget::App>) {
    let host = host();
    // Mpower's offer expired in 2001: these tests preview a moment while it was open.
    let config = WidgetConfig {
        offer_url,
        holder_url,
        preview_at: Some(PreviewAt("2001-09-20T10:00:00-04:00".into())),
        ..WidgetConfig::defaults()
    };
    let app = mount(host.clone(), config);
    let root = settled(&host).await;
    (host, root, app)
}

/// How long a test waits for the widget before failing. A debug build on a loaded CI
/// machine is slow; each wait ends as soon as its condition holds.
const PATIENCE: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(25);

/// Polls `ready` until it gives a value, for at most `PATIENCE`.
async fn eventually<T>(mut ready: impl FnMut() -> Option<T>) -> Option<T> {
    let polls = PATIENCE.as_millis() / POLL.as_millis();
    for _ in 0..polls {
        if let Some(value) = ready() {
            return Some(value);
        }
        gloo_timers::future::sleep(POLL).await;
    }
    ready()
}

/// Waits until the widget inside `host` settles (ready or error).
async fn settled(host: &Element) -> Element {
    let found = eventually(|| {
        host.query_selector(r#"[data-state="ready"], [data-state="error"]"#)
            .ok()
            .flatten()
    })
    .await;
    match found {
        Some(root) => root,
        None => panic!("the widget did not settle: {}", host.inner_html()),
    }
}

fn texts(root: &Element, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).expect("selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .map(|e| e.inner_text())
        .collect()
}

#[wasm_bindgen_test]
async fn mounts_and_shows_the_grants_table() {
    let (host, root, _app) = mounted(data_url(OFFER), data_url(DOZENS)).await;
    assert_eq!(root.get_attribute("data-state").as_deref(), Some("ready"));
    let holder = election_core::parse_holder(DOZENS, None).expect("valid");

    let caption = texts(&root, "table caption");
    assert_eq!(
        caption,
        [format!(
            "{} option grants held by Jordan Okafor",
            holder.grants.len()
        )]
    );
    // The rows the table shows come with the first paint, the rest in the next frames.
    let first_paint = texts(&root, "tbody th[scope=row]").len();
    assert!(
        (1..=holder.grants.len()).contains(&first_paint),
        "{first_paint} rows at first"
    );
    let row_headers = eventually(|| {
        let rows = texts(&root, "tbody th[scope=row]");
        (rows.len() == holder.grants.len()).then_some(rows)
    })
    .await
    .expect("every grant's row");
    for (header, grant) in row_headers.iter().zip(&holder.grants) {
        assert!(header.starts_with(&grant.id), "{header}");
    }
    let first_row = texts(&root, "tbody tr:first-child td");
    assert_eq!(first_row[1], "Holding Plan");
    assert_eq!(first_row[3], "$6.25");
    assert_eq!(texts(&root, "h1"), ["Option Exchange Program"]);
    host.remove();
}

#[wasm_bindgen_test]
async fn a_broken_offer_shows_the_error_panel_in_the_dom() {
    let broken = OFFER.replace("\"62473L101\"", "\"62473L109\"");
    let (host, root, _app) = mounted(data_url(&broken), data_url(SINGLE)).await;
    assert_eq!(root.get_attribute("data-state").as_deref(), Some("error"));
    assert_eq!(root.get_attribute("role").as_deref(), Some("alert"));
    assert_eq!(texts(&root, ".ew-path"), ["$.issuer.cusip"]);
    host.remove();
}

#[wasm_bindgen_test]
async fn an_unreachable_file_is_named_with_the_reason() {
    // An address that cannot be fetched: the scheme is not one fetch serves.
    let unreachable = "unknown-scheme://nowhere/holder.json".to_owned();
    let (host, root, _app) = mounted(data_url(OFFER), unreachable).await;
    let text = root.dyn_ref::<HtmlElement>().expect("html").inner_text();
    assert!(
        text.contains("Employee file unknown-scheme://nowhere/holder.json: could not be loaded"),
        "{text}"
    );
    assert!(text.contains("the request failed"), "{text}");
    host.remove();
}

/// Clicking a grant's checkbox in the real DOM exchanges it, pulls in the look-back
/// grants (checked and locked), and updates the totals the screen reader hears.
#[wasm_bindgen_test]
async fn choosing_a_grant_in_the_dom_applies_the_rules() {
    let (host, root, _app) = mounted(data_url(OFFER), data_url(DOZENS)).await;
    let summary = || texts(&root, ".ew-summary").join("");
    assert!(
        summary().starts_with("You are keeping all your options"),
        "{}",
        summary()
    );
    let checkbox: HtmlElement = root
        .query_selector("input[type=checkbox]")
        .expect("selector")
        .expect("a checkbox")
        .dyn_into()
        .expect("input");
    checkbox.click();
    let changed = eventually(|| (!summary().starts_with("You are keeping")).then_some(())).await;
    assert!(
        changed.is_some(),
        "the summary never changed: {}",
        summary()
    );
    // The rows and the summary need not change in the same frame: wait for the rows too.
    let locked_now = || {
        root.query_selector_all("input[type=checkbox]:checked:disabled")
            .expect("selector")
            .length()
    };
    let locked = eventually(|| (locked_now() >= 2).then(locked_now))
        .await
        .unwrap_or_else(locked_now);
    assert!(locked >= 2, "look-back grants locked in: {locked}");
    let now = summary();
    assert!(
        now.starts_with(&format!("Exchange {} grants", locked + 1)),
        "{now}"
    );
    assert!(
        now.contains("new grant expected on or about March 29, 2002"),
        "{now}"
    );
    // Unchecking the employee's own pick releases the look-back grants again.
    checkbox.click();
    let kept = eventually(|| {
        summary()
            .starts_with("You are keeping all your options")
            .then_some(())
    })
    .await;
    assert!(kept.is_some(), "{}", summary());
    host.remove();
}

/// The `<election-widget>` element: inputs by attribute, property (a URL string or a
/// JSON object) and child script, each change re-rendering inside the shadow root.
#[wasm_bindgen_test]
async fn the_custom_element_reads_attributes_properties_and_child_scripts() {
    election_widget::embed::element::define();
    election_widget::embed::element::define(); // twice is harmless
    let document = gloo_utils_document();
    let el = document.create_element("election-widget").expect("element");
    el.set_attribute("offer", &data_url(OFFER)).expect("attr");
    el.set_attribute("holder", &data_url(SINGLE)).expect("attr");
    el.set_inner_html(
        r#"<script type="application/json" data-input="config">{"preview_at": "2001-09-20T10:00:00-04:00"}</script>"#,
    );
    document
        .body()
        .expect("body")
        .append_child(&el)
        .expect("append");
    // The element connects asynchronously (its code may be a module of its own): until
    // its mount point is there, it shows no text.
    let text = || {
        el.shadow_root()
            .expect("shadow root")
            .query_selector(".ew-root")
            .expect("selector")
            .and_then(|root| root.dyn_into::<HtmlElement>().ok())
            .map(|root| root.inner_text())
            .unwrap_or_default()
    };
    let until = |needle: &'static str| async move {
        if eventually(|| text().contains(needle).then_some(()))
            .await
            .is_none()
        {
            panic!("never showed {needle:?}: {}", text());
        }
    };
    until("1 option grant held by Avery Lindqvist").await;
    // Nothing of the widget is in the light DOM: only the host's own child script.
    assert_eq!(el.children().length(), 1);

    // A property wins over the attribute: a URL string …
    let set = |name: &str, value: &wasm_bindgen::JsValue| {
        js_sys::Reflect::set(&el, &name.into(), value).expect("property");
    };
    set("holder", &data_url(DOZENS).into());
    until("option grants held by Jordan Okafor").await;
    // … or the data itself, as an object.
    let object = js_sys::JSON::parse(SINGLE).expect("json");
    set("holder", &object);
    until("1 option grant held by Avery Lindqvist").await;
    // Removing the property falls back to the attribute, which re-renders when it changes.
    set("holder", &data_url(DOZENS).into());
    until("option grants held by Jordan Okafor").await;
    set("holder", &wasm_bindgen::JsValue::NULL);
    until("1 option grant held by Avery Lindqvist").await;
    el.set_attribute("holder", &data_url(DOZENS)).expect("attr");
    until("option grants held by Jordan Okafor").await;
    // A setting the element does not know is named in its error panel.
    set(
        "config",
        &js_sys::JSON::parse(r#"{"colour": "red"}"#).expect("json"),
    );
    until("config.colour is not a setting").await;
    // So is an attribute it does not know (here a typo), once the inputs are read again.
    el.set_attribute("ofer", "offers/x.json").expect("attr");
    set("config", &wasm_bindgen::JsValue::NULL);
    until("The attribute `ofer` is not one of the element's").await;
    el.remove();
}

/// The browser's key and signatures, checked by the contract's own (RustCrypto) verifier:
/// what the widget signs is what a receiver accepts, and a receipt the receiver signs is
/// one the browser verifies.
#[wasm_bindgen_test]
async fn webcrypto_signatures_and_the_contracts_verifier_agree() {
    use election_core::contract::*;
    use election_widget::platform::crypto::{self, SigningKey};

    let offer = election_core::parse_offer(OFFER).expect("offer");
    let holder = election_core::parse_holder(SINGLE, Some(&offer)).expect("holder");
    let key = SigningKey::for_id("web-test\u{1f}E-1001")
        .await
        .expect("a key");
    assert_eq!(key.session_only, None, "IndexedDB keeps the key");
    let again = SigningKey::for_id("web-test\u{1f}E-1001")
        .await
        .expect("the same key");
    assert_eq!(again.key_id, key.key_id);

    let election = election_core::Election::keep_all(&offer, &holder);
    let payload = ElectionPayload::build(
        &offer,
        &holder,
        &election,
        Vec::new(),
        Signing {
            sequence: 1,
            nonce: crypto::random_b64(32),
            idempotency_key: crypto::random_b64(24),
            client_time: "2001-09-20T14:00:00.000Z".into(),
            key_id: key.key_id.clone(),
            signed_name: "Avery Lindqvist".into(),
        },
    );
    assert!(
        payload_problems(&payload).is_empty(),
        "{:?}",
        payload_problems(&payload)
    );
    let bytes = canonical_bytes(&payload);
    let (header, input) = jws_signing_input(&key.key_id, &bytes);
    let signature = key.sign(input.as_bytes()).await.expect("signed");
    let mut signed = SignedElection {
        payload,
        signature: detached_jws(&header, &signature),
    };
    verify_election(&signed, &key.jwk).expect("the receiver's verifier accepts it");
    signed.payload.signed_name = "Someone Else".into();
    assert_eq!(
        verify_election(&signed, &key.jwk),
        Err(SignatureError::Invalid)
    );

    // A receipt signed by the receiver's code verifies with WebCrypto; altered, it does not.
    let receiver = Signer::from_bytes(&[7; 32]).expect("a test key");
    let receipt = Receipt {
        contract: RECEIPT_CONTRACT.into(),
        receipt_id: "R0000000001".into(),
        received_by: "Mpower Holding Corporation".into(),
        offer_id: offer.id.clone(),
        offer_version: offer.version,
        employee_id: "E-1001".into(),
        sequence: 1,
        idempotency_key: "k".repeat(22),
        payload_hash: "0".repeat(64),
        received_at: "2001-09-20T14:00:01.000Z".into(),
        received_at_ms: 1_000_994_401_000,
        deadline: "2001-09-27T23:59:00-04:00".into(),
        timeliness: Timeliness::OnTime,
        chain_index: 1,
        previous_receipt_hash: GENESIS_HASH.into(),
        key_id: receiver.key_id().to_owned(),
    };
    let mut signed = receiver.sign_receipt(receipt);
    let check = |r: &SignedReceipt| {
        let (input, signature) = detached_signing_input(
            &r.signature,
            &r.receipt.key_id,
            &canonical_bytes(&r.receipt),
        )
        .expect("a well-formed JWS");
        (input, signature)
    };
    let (input, sig) = check(&signed);
    assert_eq!(crypto::verify(receiver.jwk(), &sig, &input).await, Ok(true));
    signed.receipt.received_at_ms -= 3_600_000;
    let (input, sig) = check(&signed);
    assert_eq!(
        crypto::verify(receiver.jwk(), &sig, &input).await,
        Ok(false)
    );
}

/// Money is exact in every locale: a price just under a tier boundary never reads as the
/// boundary (Intl would round at its default fraction digits).
#[wasm_bindgen_test]
fn money_is_exact_in_every_locale() {
    use rust_decimal::Decimal;
    use std::str::FromStr;
    let price = |s: &str| Decimal::from_str(s).expect("a decimal");
    for (locale, near, boundary) in [
        ("fr-CA", "19,99995", "20,00"),
        ("en-GB", "19.99995", "20.00"),
        ("de-DE", "19,99995", "20,00"),
        ("en-US", "19.99995", "20.00"),
    ] {
        let f = election_widget::platform::intl::formats(locale);
        let a = f.money(price("19.99995"));
        let b = f.money(price("20.00"));
        assert!(a.contains(near), "{locale}: {a}");
        assert!(b.contains(boundary), "{locale}: {b}");
        assert_ne!(a, b, "{locale}");
        assert!(f.money(price("0.0625")).contains("0625"), "{locale}");
    }
}

/// The page's URL parser decides a link's origins: opaque URLs have none.
#[wasm_bindgen_test]
fn a_links_urls_resolve_to_the_origins_the_trust_rule_compares() {
    use election_widget::platform::page::{page_origin, url_origin};
    let page = page_origin();
    assert_eq!(url_origin("offers/o.json").as_deref(), Some(page.as_str()));
    assert_eq!(
        url_origin("/holders/h.json").as_deref(),
        Some(page.as_str())
    );
    assert_eq!(
        url_origin("https://evil.test/o.json").as_deref(),
        Some("https://evil.test")
    );
    assert_eq!(
        url_origin("//evil.test/o.json").map(|o| o.ends_with("//evil.test")),
        Some(true)
    );
    for opaque in [
        "data:application/json,{}",
        "javascript:alert(1)",
        "blob:null/1",
        "about:blank",
    ] {
        assert_eq!(url_origin(opaque), None, "{opaque}");
    }
}

/// An unknown IANA zone is `None`, never a trap; a known one gives its offset at the moment.
#[wasm_bindgen_test]
fn zone_offsets_come_from_intl_at_each_moment() {
    use election_widget::platform::intl::zone_offset;
    // 2025-10-20 (PDT) and 2025-11-18 (PST).
    assert_eq!(
        zone_offset("America/Los_Angeles", 1_760_976_000_000),
        Some(-7 * 3600)
    );
    assert_eq!(
        zone_offset("America/Los_Angeles", 1_763_510_400_000),
        Some(-8 * 3600)
    );
    assert_eq!(zone_offset("Asia/Kolkata", 1_763_510_400_000), Some(19_800));
    assert_eq!(zone_offset("Not/AZone", 0), None);
}

/// A countdown measures every tick for `make bench`, from the time it began, with no
/// mark; a page open all day keeps only the last few hundred measures, not one a second.
#[wasm_bindgen_test]
fn tick_measures_stay_few_however_long_the_page_is_open() {
    use election_widget::platform::page;
    let perf = web_sys::window()
        .and_then(|w| w.performance())
        .expect("performance");
    let marks = perf.get_entries_by_type("mark").length();
    for _ in 0..600 {
        let start = page::now().expect("performance.now");
        page::measure_tick(start);
    }
    let measures = perf.get_entries_by_name(page::TICK_MEASURE);
    assert!(
        measures.length() > 0 && measures.length() <= 256,
        "{} measures",
        measures.length()
    );
    assert_eq!(perf.get_entries_by_type("mark").length(), marks);
    // Each spans from its start to when it was measured.
    let last = measures.get(measures.length() - 1);
    let field = |name: &str| {
        js_sys::Reflect::get(&last, &name.into())
            .ok()
            .and_then(|v| v.as_f64())
            .expect(name)
    };
    assert!(field("startTime") > 0.0 && field("duration") >= 0.0);
}
