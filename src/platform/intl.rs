//! Figures in the employee's locale through the browser's Intl: numbers, US-dollar
//! amounts (exact: Intl formats decimal strings without going through floating point)
//! and dates. US English stays on the core's Rust path (`format::Formats::us`), which is
//! faster in a 1,000-row table and needs no browser.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use chrono::NaiveDate;
use election_core::display::Style;
use election_core::Decimal;
use js_sys::{Array, Function, Intl, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use election_client::format::{is_us_english, plausible_locale, Formats};

fn options(pairs: &[(&str, &str)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    o
}

fn call(format: &Function, this: &JsValue, value: &JsValue) -> String {
    format
        .call1(this, value)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

/// `tag` as Intl canonicalizes it, or None when Intl refuses it (the call is made through
/// `Function::call1`, which turns a thrown RangeError into an `Err`).
pub fn canonical_locale(tag: &str) -> Option<String> {
    if !plausible_locale(tag) {
        return None;
    }
    let intl = Reflect::get(&js_sys::global(), &JsValue::from_str("Intl")).ok()?;
    let canonical: Function = Reflect::get(&intl, &JsValue::from_str("getCanonicalLocales"))
        .ok()?
        .dyn_into()
        .ok()?;
    let list = canonical.call1(&intl, &JsValue::from_str(tag)).ok()?;
    Array::from(&list).get(0).as_string()
}

/// The reader's locale: the configured one, else the browser's language.
pub fn reader_locale(configured: Option<&str>) -> String {
    configured
        .and_then(canonical_locale)
        .or_else(|| {
            web_sys::window()
                .and_then(|w| w.navigator().language())
                .and_then(|l| canonical_locale(&l))
        })
        .unwrap_or_else(|| "en-US".to_owned())
}

/// The formats for `locale` (already canonical).
pub fn formats(locale: &str) -> Formats {
    if is_us_english(locale) {
        return Formats::us();
    }
    Formats::new(locale, Rc::new(IntlStyle::new(locale)))
}

struct IntlStyle {
    count: Intl::NumberFormat,
    money: Intl::NumberFormat,
    whole_dollars: Intl::NumberFormat,
    date: Intl::DateTimeFormat,
    short_date: Intl::DateTimeFormat,
    separators: (char, char),
}

impl IntlStyle {
    fn new(locale: &str) -> Self {
        let locales = Array::of1(&JsValue::from_str(locale));
        let count = Intl::NumberFormat::new(&locales, &options(&[("maximumFractionDigits", "0")]));
        let money = Intl::NumberFormat::new(
            &locales,
            &options(&[
                ("style", "currency"),
                ("currency", "USD"),
                ("minimumFractionDigits", "2"),
                // Every digit of the price (the most Intl allows, far beyond any price): a price
                // on a tier boundary must not round onto it.
                ("maximumFractionDigits", "20"),
            ]),
        );
        let whole_dollars = Intl::NumberFormat::new(
            &locales,
            &options(&[
                ("style", "currency"),
                ("currency", "USD"),
                ("maximumFractionDigits", "0"),
            ]),
        );
        let date = Intl::DateTimeFormat::new(
            &locales,
            &options(&[("dateStyle", "long"), ("timeZone", "UTC")]),
        );
        let short_date = Intl::DateTimeFormat::new(
            &locales,
            &options(&[("dateStyle", "medium"), ("timeZone", "UTC")]),
        );
        // The separators, from how the locale writes 12,345.6.
        let mut separators = ('.', ',');
        for part in count_parts(locale).iter() {
            let kind = Reflect::get(&part, &JsValue::from_str("type"))
                .ok()
                .and_then(|v| v.as_string());
            let value = Reflect::get(&part, &JsValue::from_str("value"))
                .ok()
                .and_then(|v| v.as_string())
                .and_then(|v| v.chars().next());
            match (kind.as_deref(), value) {
                (Some("decimal"), Some(c)) => separators.0 = c,
                (Some("group"), Some(c)) => separators.1 = c,
                _ => {}
            }
        }
        IntlStyle {
            count,
            money,
            whole_dollars,
            date,
            short_date,
            separators,
        }
    }

    fn day(d: NaiveDate) -> JsValue {
        let ms = d
            .and_hms_opt(12, 0, 0)
            .map_or(0, |t| t.and_utc().timestamp_millis());
        js_sys::Date::new(&JsValue::from_f64(ms as f64)).into()
    }
}

fn count_parts(locale: &str) -> Array {
    let locales = Array::of1(&JsValue::from_str(locale));
    Intl::NumberFormat::new(&locales, &Object::new()).format_to_parts(12345.6)
}

impl Style for IntlStyle {
    fn count(&self, n: u64) -> String {
        call(
            &self.count.format(),
            &self.count,
            &JsValue::from_f64(n as f64),
        )
    }
    fn money(&self, amount: Decimal) -> String {
        // A decimal string: formatted exactly (Intl.NumberFormat v3).
        call(
            &self.money.format(),
            &self.money,
            &JsValue::from_str(&amount.normalize().to_string()),
        )
    }
    fn whole_dollars(&self, n: u64) -> String {
        call(
            &self.whole_dollars.format(),
            &self.whole_dollars,
            &JsValue::from_f64(n as f64),
        )
    }
    fn date(&self, d: NaiveDate) -> String {
        call(&self.date.format(), &self.date, &Self::day(d))
    }
    fn short_date(&self, d: NaiveDate) -> String {
        call(&self.short_date.format(), &self.short_date, &Self::day(d))
    }
    fn separators(&self) -> (char, char) {
        self.separators
    }
}

thread_local! {
    /// One formatter per locale for instants on the reader's clock: building one loads
    /// locale data and is far too slow to do on every countdown tick.
    static LOCAL_FORMATS: RefCell<HashMap<String, Intl::DateTimeFormat>> = RefCell::new(HashMap::new());
}

/// The instant `epoch_ms` in the reader's own time zone, written in `locale`:
/// "Thursday, September 27, 2001 at 8:59:00 PM PDT".
pub fn local_date_time(locale: &str, epoch_ms: f64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(epoch_ms));
    LOCAL_FORMATS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let format = cache.entry(locale.to_owned()).or_insert_with(|| {
            Intl::DateTimeFormat::new(
                &Array::of1(&JsValue::from_str(locale)),
                &options(&[("dateStyle", "full"), ("timeStyle", "long")]),
            )
        });
        call(&format.format(), format, &date)
    })
}

thread_local! {
    /// One `longOffset` formatter per IANA zone, for the desk's moments.
    static ZONE_FORMATS: RefCell<HashMap<String, Option<JsValue>>> = RefCell::new(HashMap::new());
}

/// The UTC offset (seconds east) of the IANA time zone `zone` at the instant `epoch_ms`,
/// as the browser's Intl knows it; `None` where there is no Intl (a server render) or
/// the zone is unknown to it.
pub fn zone_offset(zone: &str, epoch_ms: i64) -> Option<i32> {
    if !cfg!(target_arch = "wasm32") {
        return None;
    }
    let format = ZONE_FORMATS.with(|cache| {
        cache
            .borrow_mut()
            .entry(zone.to_owned())
            .or_insert_with(|| {
                // Built by reflection: Intl throws a RangeError for a zone it does not
                // know, which a direct binding would turn into a trap.
                let intl = js_sys::Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
                let ctor: Function = js_sys::Reflect::get(&intl, &"DateTimeFormat".into())
                    .ok()?
                    .dyn_into()
                    .ok()?;
                let args = Array::of2(
                    &JsValue::from_str("en-US"),
                    &options(&[("timeZone", zone), ("timeZoneName", "longOffset")]),
                );
                js_sys::Reflect::construct(&ctor, &args).ok()
            })
            .clone()
    })?;
    let to_parts: Function = js_sys::Reflect::get(&format, &"formatToParts".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let parts: Array = to_parts
        .call1(
            &format,
            &js_sys::Date::new(&JsValue::from_f64(epoch_ms as f64)),
        )
        .ok()?
        .dyn_into()
        .ok()?;
    let name = parts.iter().find_map(|part| {
        let kind = js_sys::Reflect::get(&part, &"type".into())
            .ok()?
            .as_string()?;
        (kind == "timeZoneName")
            .then(|| {
                js_sys::Reflect::get(&part, &"value".into())
                    .ok()?
                    .as_string()
            })
            .flatten()
    })?;
    election_client::format::gmt_offset_seconds(&name)
}
