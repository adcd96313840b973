//! From fetched text to the data the widget shows, or to a report of what is wrong with
//! which file. Pure: the browser module fetches, this decides.

use std::rc::Rc;

use election_core::{parse_holder, parse_offer, Holder, Offer, Problem};

use crate::config::WidgetConfig;

/// Which of the widget's inputs a report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFile {
    Offer,
    Holder,
}

impl DataFile {
    pub fn label(self) -> &'static str {
        match self {
            DataFile::Offer => "Offer file",
            DataFile::Holder => "Employee file",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The file could not be fetched; the sentence says why.
    Unreachable(String),
    /// The file arrived but is not valid.
    Invalid(Vec<Problem>),
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

/// Checks what was fetched. A holder is checked against the offer when the offer is good,
/// and for its form alone otherwise, so that both files' problems show at once.
pub fn check(
    config: &WidgetConfig,
    offer_text: Result<String, String>,
    holder_text: Result<String, String>,
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

#[cfg(test)]
mod tests {
    use super::*;

    const OFFER: &str = include_str!("../static/offers/mpower-2001.json");
    const HOLDER: &str = include_str!("../static/holders/e1001-avery-lindqvist.json");

    #[test]
    fn good_files_load() {
        let loaded = check(
            &WidgetConfig::default(),
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
            &WidgetConfig::default(),
            Err("the server answered HTTP 404 Not Found".into()),
            Ok("{".into()),
        )
        .expect_err("fails");
        assert_eq!(reports.len(), 2);
        assert_eq!(reports[0].file, DataFile::Offer);
        assert_eq!(reports[0].location, WidgetConfig::default().offer_url);
        assert!(matches!(&reports[0].failure, Failure::Unreachable(m) if m.contains("404")));
        assert!(
            matches!(&reports[1].failure, Failure::Invalid(p) if p[0].message.contains("not valid JSON"))
        );
    }

    #[test]
    fn a_holder_for_another_offer_is_named() {
        let other = HOLDER.replace("mpower-2001-option-exchange", "acme-2002");
        let reports =
            check(&WidgetConfig::default(), Ok(OFFER.into()), Ok(other)).expect_err("fails");
        assert_eq!(reports.len(), 1);
        assert_eq!(reports[0].file, DataFile::Holder);
        assert!(
            matches!(&reports[0].failure, Failure::Invalid(p) if p[0].path.as_str() == "$.offer_id")
        );
    }
}
