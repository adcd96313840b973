//! What stands between the employee and signing, each in a sentence for them, and the
//! typed name that signs.

use std::collections::BTreeMap;

/// What decides whether the employee may sign now.
pub struct Readiness<'a> {
    pub offer: &'a election_core::Offer,
    pub holder: &'a election_core::Holder,
    pub disclosure: &'a election_core::disclosure::Disclosure,
    pub acknowledged: &'a BTreeMap<String, election_core::disclosure::Acknowledgment>,
    /// The election the employee's picks make.
    pub election: &'a election_core::Election,
    /// A preview: nothing can be signed from it.
    pub preview: bool,
    /// The deadline has passed (by the trusted clock).
    pub locked: bool,
    /// The outbox and the backend's record have been read (the next sequence number
    /// depends on them).
    pub outbox_loaded: bool,
    /// The code that signs and sends could not be loaded (the page loads it after its
    /// first render): said instead of "checking", which would never end.
    pub courier_unavailable: bool,
    pub style: &'a dyn election_core::display::Style,
}

/// Why the employee cannot sign now, each in a sentence for them; empty when they can.
pub fn sign_blockers(r: &Readiness) -> Vec<String> {
    let mut blockers = Vec::new();
    if r.preview {
        blockers.push("This is a preview: nothing can be signed or submitted from it.".to_owned());
    }
    if r.locked {
        blockers.push(format!(
            "The offer expired at {}.",
            r.offer.expiration.legal_wording
        ));
    }
    if !r.preview && !r.outbox_loaded && r.courier_unavailable {
        blockers
            .push("Signing could not be loaded: check your connection and try again.".to_owned());
    } else if !r.preview && !r.outbox_loaded {
        blockers.push(format!(
            "Checking your signed elections with {}…",
            r.offer.issuer.name
        ));
    }
    let unacknowledged: Vec<&str> = r
        .offer
        .documents
        .iter()
        .filter(|d| {
            r.disclosure.status(&d.id, r.acknowledged.get(&d.id))
                != election_core::disclosure::AckStatus::Current
        })
        .map(|d| d.title.as_str())
        .collect();
    if !unacknowledged.is_empty() {
        blockers.push(format!(
            "Acknowledge that you have read {} (under “Acknowledgments” above).",
            unacknowledged.join("; ")
        ));
    }
    for violation in r.election.check(r.offer, r.holder) {
        blockers.push(violation.describe_in(r.offer, r.style));
    }
    blockers
}

/// Whether a typed name is the name on record: case (ASCII) and extra spaces aside.
pub fn name_matches(typed: &str, on_record: &str) -> bool {
    let words = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    let (a, b) = (words(typed), words(on_record));
    !a.is_empty() && a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| x.eq_ignore_ascii_case(y))
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_stands_between_the_employee_and_signing() {
        use election_core::disclosure::{Acknowledgment, Disclosure};
        let offer =
            election_core::parse_offer(include_str!("../../../../static/offers/mpower-2001.json"))
                .expect("offer");
        let holder = election_core::parse_holder(
            include_str!("../../../../static/holders/e1001-avery-lindqvist.json"),
            Some(&offer),
        )
        .expect("holder");
        let disclosure = Disclosure::of(&offer);
        let none = BTreeMap::new();
        let all: BTreeMap<String, Acknowledgment> = offer
            .documents
            .iter()
            .map(|d| (d.id.clone(), Acknowledgment::of(&offer, d)))
            .collect();
        let election = election_core::Election::keep_all(&offer, &holder);
        let ready = |acknowledged, preview, locked, outbox_loaded, election| {
            sign_blockers(&Readiness {
                offer: &offer,
                holder: &holder,
                disclosure: &disclosure,
                acknowledged,
                election,
                preview,
                locked,
                outbox_loaded,
                courier_unavailable: false,
                style: &election_core::display::UsEnglish,
            })
        };
        assert!(ready(&all, false, false, true, &election).is_empty());
        let blocked = ready(&none, true, true, false, &election).join("\n");
        for expected in [
            "This is a preview",
            "The offer expired at 11:59 p.m., Eastern Daylight Time, on September 27, 2001.",
            "Acknowledge that you have read Offer to Exchange; Notice of Amendment to Offer to Exchange",
        ] {
            assert!(blocked.contains(expected), "{expected} in {blocked}");
        }
        // A preview does not wait for a backend it never talks to.
        assert!(!blocked.contains("Checking your signed elections"));
        assert!(ready(&all, false, false, false, &election)[0]
            .starts_with("Checking your signed elections with Mpower"));
        let unavailable = sign_blockers(&Readiness {
            offer: &offer,
            holder: &holder,
            disclosure: &disclosure,
            acknowledged: &all,
            election: &election,
            preview: false,
            locked: false,
            outbox_loaded: false,
            courier_unavailable: true,
            style: &election_core::display::UsEnglish,
        });
        assert_eq!(
            unavailable,
            ["Signing could not be loaded: check your connection and try again."]
        );
        let mut other = election.clone();
        other.employee_id = "E-9999".into();
        assert!(ready(&all, false, false, true, &other)[0].contains("employee E-9999"));
    }

    #[test]
    fn the_typed_name_is_the_name_on_record_case_and_spaces_aside() {
        assert!(name_matches("  jordan   OKAFOR ", "Jordan Okafor"));
        assert!(!name_matches("Jordan", "Jordan Okafor"));
        assert!(!name_matches("", ""));
        assert!(!name_matches("Jordan Okafor Jr", "Jordan Okafor"));
    }
}
