//! Which of an employee's elections is in effect: one rule ([`governing`]) for the
//! receiver and the widget, each telling it through [`Governs`] what it knows of an
//! election.

/// What [`governing`] needs to know of an election, from whoever holds it.
///
/// It is not implemented for [`ElectionEntry`](super::ElectionEntry): whether one counts
/// depends on who holds it. The receiver that issued its receipt can take the receipt's
/// word; a client must first verify that receipt with the receiver's key.
pub trait Governs {
    /// The election's sequence number (`payload.sequence`).
    fn sequence(&self) -> u64;

    /// Whether the election counts: it was received on time. For the receiver, its own
    /// receipt says so; on the widget's side, only a receipt that verified with the
    /// receiver's key does (one that does not verify proves nothing, and one not yet
    /// received proves nothing either).
    fn counts(&self) -> bool;
}

impl<T: Governs + ?Sized> Governs for &T {
    fn sequence(&self) -> u64 {
        (**self).sequence()
    }

    fn counts(&self) -> bool {
        (**self).counts()
    }
}

/// The election in effect: the highest sequence among the elections that count; `None`
/// when none does.
///
/// A later election replaces an earlier one whatever it decides: a withdrawal (every
/// grant kept) governs like any election. A late one never counts, so after the deadline
/// the last election received on time stays in effect. (Two that count never share a
/// sequence, since a receiver accepts only a higher one; if they did, the last listed
/// would win.)
///
/// Takes anything iterable: `governing(&entries)` for a slice or `Vec` of a type that
/// implements [`Governs`] gives a reference into it.
pub fn governing<I>(elections: I) -> Option<I::Item>
where
    I: IntoIterator,
    I::Item: Governs,
{
    elections
        .into_iter()
        .filter(|e| e.counts())
        .max_by_key(|e| e.sequence())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An election as the widget knows it: on time or late by its receipt, and whether
    /// that receipt verified.
    #[derive(Debug, PartialEq)]
    struct Known {
        sequence: u64,
        on_time: bool,
        verified: bool,
    }

    impl Governs for Known {
        fn sequence(&self) -> u64 {
            self.sequence
        }

        fn counts(&self) -> bool {
            self.on_time && self.verified
        }
    }

    fn known(sequence: u64, on_time: bool, verified: bool) -> Known {
        Known {
            sequence,
            on_time,
            verified,
        }
    }

    #[test]
    fn none_governs_an_empty_history() {
        assert_eq!(governing(&Vec::<Known>::new()), None);
        assert_eq!(
            governing(&[known(1, false, true), known(2, true, false)]),
            None
        );
    }

    #[test]
    fn the_highest_sequence_that_counts_governs_in_any_order() {
        let history = [
            known(2, true, true),
            known(5, true, true),
            known(1, true, true),
            known(3, true, true),
        ];
        assert_eq!(governing(&history), Some(&history[1]));
    }

    #[test]
    fn a_late_election_never_governs() {
        let history = [
            known(1, true, true),
            known(2, true, true),
            known(3, false, true),
        ];
        assert_eq!(governing(&history).map(|e| e.sequence), Some(2));
    }

    #[test]
    fn an_unverified_receipt_does_not_count() {
        let history = [known(1, true, true), known(2, true, false)];
        assert_eq!(governing(&history).map(|e| e.sequence), Some(1));
    }

    #[test]
    fn it_takes_references_and_iterators() {
        let history = vec![known(1, true, true), known(4, true, true)];
        let refs: Vec<&Known> = history.iter().collect();
        assert_eq!(governing(&refs), Some(&&history[1]));
        assert_eq!(
            governing(history.iter().filter(|e| e.sequence < 4)),
            Some(&history[0])
        );
        assert_eq!(governing(history.as_slice()).map(|e| e.sequence), Some(4));
    }
}
