//! How numbers, money and dates read on screen, in the employee's locale. Components get
//! the [`Formats`] of their widget from context (`use_formats`); plain view functions are
//! given it. US English is the core's own wording, in Rust; any other locale goes through
//! the browser's Intl (`platform::intl` in the widget). Only figures change with the locale: the
//! sentences around them, the legal texts and the deadline's wording do not.

use std::rc::Rc;

use chrono::NaiveDate;
use election_core::display::{Style, UsEnglish};
use election_core::Decimal;

/// The locale's writing of figures, shared by a widget's components. Compared by locale
/// tag, so a re-render with the same locale changes nothing.
#[derive(Clone)]
pub struct Formats {
    tag: Rc<str>,
    style: Rc<dyn Style>,
}

impl Formats {
    /// The offer documents' own style (and the default).
    pub fn us() -> Self {
        Formats {
            tag: Rc::from("en-US"),
            style: Rc::new(UsEnglish),
        }
    }

    /// `style` for the BCP 47 locale `tag`.
    pub fn new(tag: &str, style: Rc<dyn Style>) -> Self {
        Formats {
            tag: Rc::from(tag),
            style,
        }
    }

    /// The locale tag (the widget's `lang`).
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The style, for the core's sentences (`describe_in`, `sentence_in`).
    pub fn style(&self) -> &dyn Style {
        &*self.style
    }

    pub fn count(&self, n: u64) -> String {
        self.style.count(n)
    }

    pub fn money(&self, amount: Decimal) -> String {
        self.style.money(amount)
    }

    pub fn date(&self, d: NaiveDate) -> String {
        self.style.date(d)
    }

    pub fn short_date(&self, d: NaiveDate) -> String {
        self.style.short_date(d)
    }

    pub fn whole_dollars(&self, n: u64) -> String {
        self.style.whole_dollars(n)
    }

    pub fn plural(&self, n: u64, one: &str, many: &str) -> String {
        self.style.plural(n, one, many)
    }

    pub fn parse_money(&self, input: &str) -> Result<Decimal, String> {
        self.style.parse_money(input)
    }
}

impl Default for Formats {
    fn default() -> Self {
        Formats::us()
    }
}

impl PartialEq for Formats {
    fn eq(&self, other: &Self) -> bool {
        self.tag == other.tag
    }
}

impl std::fmt::Debug for Formats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Formats({})", self.tag)
    }
}

/// Whether a locale tag is well formed enough to hand to Intl (`en`, `fr-CA`,
/// `zh-Hant-TW`, `de-DE-u-nu-latn`): letters, digits and hyphens, starting with a 2–3
/// letter language. Intl itself is the final judge in the browser.
pub fn plausible_locale(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or_default();
    (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Whether a locale writes figures exactly as the core's US English does, so the fast
/// Rust path serves it.
pub fn is_us_english(tag: &str) -> bool {
    tag.eq_ignore_ascii_case("en-US") || tag.eq_ignore_ascii_case("en")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_tags() {
        for ok in [
            "en",
            "en-US",
            "fr-CA",
            "zh-Hant-TW",
            "de-DE-u-nu-latn",
            "es-419",
        ] {
            assert!(plausible_locale(ok), "{ok}");
        }
        for bad in [
            "",
            "e",
            "english",
            "en_US",
            "fr-",
            "<script>",
            "en-US-toolongsubtag",
        ] {
            assert!(!plausible_locale(bad), "{bad}");
        }
        assert!(is_us_english("en-us") && is_us_english("en") && !is_us_english("en-GB"));
        assert_eq!(Formats::us(), Formats::default());
        assert_eq!(
            Formats::us().plural(1200, "option", "options"),
            "1,200 options"
        );
    }
}

/// Reads Intl's `longOffset` zone name: `GMT` is 0, `GMT-07:00` is −25 200 seconds,
/// `GMT+05:30` is 19 800; anything else is `None`.
pub fn gmt_offset_seconds(name: &str) -> Option<i32> {
    let rest = name.strip_prefix("GMT")?;
    if rest.is_empty() {
        return Some(0);
    }
    let (sign, hm) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        // Intl writes U+2212 in some locales; en-US writes '-'.
        b'-' => (-1, &rest[1..]),
        _ => (-1, rest.strip_prefix('\u{2212}')?),
    };
    let (h, m) = hm.split_once(':').unwrap_or((hm, "0"));
    let (h, m) = (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?);
    (h <= 18 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod gmt_tests {
    #[test]
    fn intl_long_offsets() {
        use super::gmt_offset_seconds as g;
        assert_eq!(g("GMT"), Some(0));
        assert_eq!(g("GMT-07:00"), Some(-25_200));
        assert_eq!(g("GMT+05:30"), Some(19_800));
        assert_eq!(g("GMT\u{2212}08:00"), Some(-28_800));
        assert_eq!(g("PDT"), None);
        assert_eq!(g("GMT+25:00"), None);
    }
}
