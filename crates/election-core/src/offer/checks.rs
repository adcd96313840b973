//! The rules that span parts of an offer, run once its parts are read: ids that refer
//! to other ids (plans, documents, amended documents), each id once, exactly one Offer to
//! Exchange, dates in order, the deadline's wording, and tiers in order of price.

use super::model::{DocumentKind, Offer};
use crate::problem::{JsonPath, Problems};
use crate::read::duplicates;

impl Offer {
    /// Reports `id` at `path` unless it names one of the offer's plans.
    pub(crate) fn check_plan(&self, id: &str, path: &JsonPath, pr: &Problems) {
        if self.plan(id).is_none() {
            let known: Vec<String> = self.plans.iter().map(|p| format!("`{}`", p.id)).collect();
            pr.add(
                path,
                format!(
                    "unknown plan `{id}` (the offer's plans are {})",
                    known.join(", ")
                ),
            );
        }
    }

    /// Rules that span parts of the document: ids that refer to other ids, and dates that
    /// must come in order.
    pub(super) fn check_references(&self, root: &JsonPath, pr: &Problems) {
        let plans_path = root.key("plans");
        duplicates(self.plans.iter().map(|p| p.id.as_str()), |i, first| {
            pr.add(
                &plans_path.index(i).key("id"),
                format!(
                    "duplicate plan id `{}` (also at $.plans[{first}])",
                    self.plans[i].id
                ),
            )
        });
        self.check_plan(
            &self.securities.new_options_plan,
            &root.key("securities").key("new_options_plan"),
            pr,
        );
        let elig = root.key("terms").key("eligibility").key("plans");
        for (i, id) in self.terms.eligibility.plans.iter().enumerate() {
            self.check_plan(id, &elig.index(i), pr);
        }

        let docs_path = root.key("documents");
        duplicates(self.documents.iter().map(|d| d.id.as_str()), |i, first| {
            pr.add(
                &docs_path.index(i).key("id"),
                format!(
                    "duplicate document id `{}` (also at $.documents[{first}])",
                    self.documents[i].id
                ),
            )
        });
        let offers = self
            .documents
            .iter()
            .filter(|d| d.kind == DocumentKind::OfferToExchange)
            .count();
        if offers != 1 {
            pr.add(
                &docs_path,
                format!(
                    "must list exactly one document of kind `offer_to_exchange`, found {offers}"
                ),
            );
        }
        for (i, doc) in self.documents.iter().enumerate() {
            let path = docs_path.index(i);
            match (doc.kind, &doc.amends) {
                (DocumentKind::NoticeOfAmendment, None) => pr.add(
                    &path,
                    "a notice of amendment must say which document it `amends`",
                ),
                (DocumentKind::NoticeOfAmendment, Some(target)) => match self.document(target) {
                    None => pr.add(
                        &path.key("amends"),
                        format!("no document has the id `{target}`"),
                    ),
                    Some(amended) if amended.date > doc.date => pr.add(
                        &path.key("date"),
                        format!(
                            "the notice is dated {} but amends a document dated later, {}",
                            doc.date, amended.date
                        ),
                    ),
                    Some(_) => {}
                },
                (DocumentKind::OfferToExchange, Some(_)) => pr.add(
                    &path.key("amends"),
                    "only a notice of amendment amends another document",
                ),
                (DocumentKind::OfferToExchange, None) => {}
            }
            match doc.kind {
                DocumentKind::NoticeOfAmendment if doc.amendments.is_empty() => pr.add(
                    &path.key("amendments"),
                    "a notice of amendment must list its amendments",
                ),
                DocumentKind::OfferToExchange if !doc.amendments.is_empty() => pr.add(
                    &path.key("amendments"),
                    "amendments belong in a notice of amendment, not in the offer itself",
                ),
                _ => {}
            }
            duplicates(doc.amendments.iter().map(|a| a.number), |j, first| {
                pr.add(
                    &path.key("amendments").index(j).key("number"),
                    format!(
                        "duplicate amendment number {} (also at amendments[{first}])",
                        doc.amendments[j].number
                    ),
                )
            });
            if doc.date < self.opened_on && doc.kind == DocumentKind::NoticeOfAmendment {
                pr.add(
                    &path.key("date"),
                    format!(
                        "a notice of amendment dated {} comes before the offer opened on {}",
                        doc.date, self.opened_on
                    ),
                );
            }
        }

        if self.expiration.instant.date_naive() <= self.opened_on {
            pr.add(
                &root.key("expiration").key("instant"),
                format!(
                    "the offer must expire after it opens on {}, but expires {}",
                    self.opened_on,
                    self.expiration.instant.to_rfc3339()
                ),
            );
        }
        if let Some(problem) =
            crate::timing::wording_problem(&self.expiration.legal_wording, self.expiration.instant)
        {
            pr.add(&root.key("expiration").key("legal_wording"), problem);
        }
        if let Some(by_grant) = &self.terms.exchange_ratio.by_grant {
            for (i, entry) in by_grant.ratios.iter().enumerate() {
                if let Some(plan) = entry.plan.as_ref().filter(|p| self.plan(p).is_none()) {
                    pr.add(
                        &root
                            .key("terms")
                            .key("exchange_ratio")
                            .key("by_grant")
                            .key("ratios")
                            .index(i)
                            .key("plan"),
                        format!("`{plan}` is not one of the offer's `plans`"),
                    );
                }
            }
        }
        let tiers = &self.terms.exchange_ratio.tiers;
        for (i, pair) in tiers.windows(2).enumerate() {
            if pair[1].from_exercise_price <= pair[0].from_exercise_price {
                pr.add(
                    &root
                        .key("terms")
                        .key("exchange_ratio")
                        .key("tiers")
                        .index(i + 1)
                        .key("from_exercise_price"),
                    format!(
                        "tiers must go up in price: {} does not come after {}",
                        pair[1].from_exercise_price, pair[0].from_exercise_price
                    ),
                );
            }
        }
    }
}
