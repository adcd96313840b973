//! From fetched text to the data the widget shows, or to a report of what is wrong with
//! which file. Pure: the platform layer fetches, this decides.

use std::rc::Rc;

use election_core::{parse_holder, parse_offer, Holder, Offer, Problem};

use chrono::{DateTime, FixedOffset};

use crate::config::{PreviewAt, WidgetConfig};
use crate::fetch::FetchError;

/// Which of the widget's inputs a report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFile {
    Offer,
    Holder,
    /// The page's settings (its URL parameters and the element's attributes).
    Settings,
}

impl DataFile {
    pub fn label(self) -> &'static str {
        match self {
            DataFile::Offer => "Offer file",
            DataFile::Holder => "Employee file",
            DataFile::Settings => "Page setting",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The file could not be fetched.
    Unreachable(FetchError),
    /// A file opened on the HR desk could not be read (too large, not text); the
    /// sentence says why.
    Unread(String),
    /// The file arrived but is not valid.
    Invalid(Vec<Problem>),
    /// A page setting is not usable; the sentence says why.
    Setting(String),
}

/// What is wrong with one input file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileReport {
    pub file: DataFile,
    /// Where the file was loaded from, as configured.
    pub location: String,
    pub failure: Failure,
}

/// An offer and a holder that were checked against each other. Compared by identity, so
/// that re-rendering with the same data costs nothing however many grants there are.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub offer: Rc<Offer>,
    pub holder: Rc<Holder>,
}

impl PartialEq for Loaded {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.offer, &other.offer) && Rc::ptr_eq(&self.holder, &other.holder)
    }
}

/// The preview moment, if the page asks for one. A moment that cannot be read is an
/// error, never a silent fall-back to the live clock (a preview must not become real).
pub fn preview_instant(config: &WidgetConfig) -> Result<Option<DateTime<FixedOffset>>, FileReport> {
    let Some(PreviewAt(text)) = &config.preview_at else {
        return Ok(None);
    };
    DateTime::parse_from_rfc3339(text)
        .or_else(|e| {
            // A `+` typed in a link reads as a space (`?at=…T13:59:00+09:00` arrives as
            // `…T13:59:00 09:00`): an offset after a space is a `+` offset.
            match text.rsplit_once(' ') {
                Some((moment, offset)) if offset.len() == 5 && offset.as_bytes()[2] == b':' => {
                    DateTime::parse_from_rfc3339(&format!("{moment}+{offset}"))
                }
                _ => Err(e),
            }
        })
        .map(Some)
        .map_err(|_| FileReport {
        file: DataFile::Settings,
        location: format!("at={text}"),
        failure: Failure::Setting(format!(
            "the preview moment `{text}` is not an RFC 3339 instant with an offset, such as 2001-09-20T10:00:00-04:00 (or `live` for the real clock)"
        )),
    })
}

/// Checks what was fetched. A holder is checked against the offer when the offer is good,
/// and for its form alone otherwise, so that both files' problems show at once.
pub fn check(
    config: &WidgetConfig,
    offer_text: Result<String, FetchError>,
    holder_text: Result<String, FetchError>,
) -> Result<Loaded, Vec<FileReport>> {
    let offer = offer_text
        .map_err(Failure::Unreachable)
        .and_then(|t| parse_offer(&t).map_err(Failure::Invalid));
    let holder = holder_text
        .map_err(Failure::Unreachable)
        .and_then(|t| parse_holder(&t, offer.as_ref().ok()).map_err(Failure::Invalid));
    match (offer, holder) {
        (Ok(offer), Ok(holder)) => Ok(Loaded {
            offer: Rc::new(offer),
            holder: Rc::new(holder),
        }),
        (offer, holder) => {
            let mut reports = Vec::new();
            if let Err(failure) = offer {
                reports.push(FileReport {
                    file: DataFile::Offer,
                    location: config.offer_url.clone(),
                    failure,
                });
            }
            if let Err(failure) = holder {
                reports.push(FileReport {
                    file: DataFile::Holder,
                    location: config.holder_url.clone(),
                    failure,
                });
            }
            Err(reports)
        }
    }
}

/// The host's setting problems as reports for the error panel (nothing is loaded while
/// there are any); `None` when the settings are usable.
pub fn setting_reports(config: &WidgetConfig) -> Option<Vec<FileReport>> {
    (!config.problems.is_empty()).then(|| {
        config
            .problems
            .iter()
            .map(|why| FileReport {
                file: DataFile::Settings,
                location: "the element's settings".to_owned(),
                failure: Failure::Setting(why.clone()),
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFER: &str = include_str!("../../../static/offers/mpower-2001.json");
    const HOLDER: &str = include_str!("../../../static/holders/e1001-avery-lindqvist.json");

    #[test]
    fn good_files_load() {
        let loaded = check(
            &WidgetConfig::defaults(),
            Ok(OFFER.into()),
            Ok(HOLDER.into()),
        )
        .expect("loads");
        assert_eq!(loaded.holder.grants.len(), 1);
        assert_eq!(loaded, loaded.clone());
    }

    #[test]
    fn both_files_are_reported_when_both_are_bad() {
        let reports = check(
            &WidgetConfig::defaults(),
            Err(FetchError::Status {
                status: 404,
                text: "Not Found".into(),
            }),
            Ok("{".into()),
        )
        .expect_err("fails");
        assert_eq!(reports.len(), 2);
        assert_eq!(reports[0].file, DataFile::Offer);
        assert_eq!(reports[0].location, WidgetConfig::defaults().offer_url);
        assert!(matches!(
            &reports[0].failure,
            Failure::Unreachable(FetchError::Status { status: 404, .. })
        ));
        assert!(
            matches!(&reports[1].failure, Failure::Invalid(p) if p[0].message.contains("not valid JSON"))
        );
    }

    #[test]
    fn preview_moments() {
        let mut config = WidgetConfig::defaults();
        assert_eq!(preview_instant(&config), Ok(None));
        config.preview_at = Some(PreviewAt("2001-09-20T10:00:00-04:00".into()));
        assert_eq!(
            preview_instant(&config).map(|t| t.map(|t| t.timestamp())),
            Ok(Some(1_000_994_400))
        );
        // A `+` offset typed in a link arrives as a space.
        config.preview_at = Some(PreviewAt("2025-11-19T13:59:00 09:00".into()));
        assert_eq!(
            preview_instant(&config).map(|t| t.map(|t| t.to_rfc3339())),
            Ok(Some("2025-11-19T13:59:00+09:00".to_owned()))
        );
        config.preview_at = Some(PreviewAt("2025-11-19T13:59:00 9:00".into()));
        assert!(preview_instant(&config).is_err());
        config.preview_at = Some(PreviewAt("tomorrow".into()));
        let report = preview_instant(&config).expect_err("unreadable");
        assert_eq!(report.file, DataFile::Settings);
        assert!(
            matches!(report.failure, Failure::Setting(m) if m.contains("`tomorrow` is not an RFC 3339 instant"))
        );
    }

    #[test]
    fn a_holder_for_another_offer_is_named() {
        let other = HOLDER.replace("mpower-2001-option-exchange", "acme-2002");
        let reports =
            check(&WidgetConfig::defaults(), Ok(OFFER.into()), Ok(other)).expect_err("fails");
        assert_eq!(reports.len(), 1);
        assert_eq!(reports[0].file, DataFile::Holder);
        assert!(
            matches!(&reports[0].failure, Failure::Invalid(p) if p[0].path.as_str() == "$.offer_id")
        );
    }

    #[test]
    fn setting_problems_become_one_report_each() {
        assert_eq!(setting_reports(&WidgetConfig::defaults()), None);
        let config = WidgetConfig {
            problems: vec![
                "No offer is given".into(),
                "config.x is not a setting".into(),
            ],
            ..WidgetConfig::defaults()
        };
        let reports = setting_reports(&config).expect("reports");
        assert_eq!(reports.len(), 2);
        assert_eq!(reports[1].file, DataFile::Settings);
        assert_eq!(
            reports[1].failure,
            Failure::Setting("config.x is not a setting".into())
        );
    }
}
