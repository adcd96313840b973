//! An option holder (an employee) and their option grants, as the company's records give
//! them to the widget.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use crate::offer::{schema_version, Offer};
use crate::problem::{JsonPath, Problems};
use crate::read::{array, boolean, date, ident, price, text, whole, Obj};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holder {
    /// The offer these grants were prepared for.
    pub offer_id: String,
    /// True for fictional sample data, which the widget labels as such.
    pub illustrative: bool,
    pub employee: Employee,
    pub grants: Vec<Grant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Employee {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grant {
    pub id: String,
    /// The id of the plan the grant was made under.
    pub plan: String,
    pub grant_date: NaiveDate,
    pub exercise_price: Decimal,
    /// Options under the grant not yet exercised, vested or not.
    pub outstanding: u64,
    pub vested: u64,
    pub expiration_date: NaiveDate,
}

impl Grant {
    pub fn unvested(&self) -> u64 {
        self.outstanding.saturating_sub(self.vested)
    }
}

impl Holder {
    /// Reads a holder; with the offer at hand, also checks the holder against it.
    pub(crate) fn read(value: &Value, offer: Option<&Offer>, pr: &Problems) -> Option<Holder> {
        let mut o = Obj::new(value, JsonPath::root(), pr)?;
        o.req("schema_version", schema_version);
        let offer_id = o.req("offer_id", ident);
        let illustrative = o.req("illustrative", boolean);
        let employee = o.req("employee", |v, p, pr| {
            let mut e = Obj::new(v, p, pr)?;
            let id = e.req("id", ident);
            let name = e.req("name", text);
            e.finish();
            Some(Employee {
                id: id?,
                name: name?,
            })
        });
        let grants = o.req("grants", |v, p, pr| array(v, p, pr, Grant::read));
        let root = o.path().clone();
        o.finish();

        if let (Some(offer), Some(id)) = (offer, &offer_id) {
            if *id != offer.id {
                pr.add(
                    &root.key("offer_id"),
                    format!(
                        "this holder file is for the offer `{id}`, not for `{}`",
                        offer.id
                    ),
                );
            }
        }
        let grants = grants?;
        let grants_path = root.key("grants");
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, g) in grants.iter().enumerate() {
            let path = grants_path.index(i);
            if let Some(first) = seen.insert(&g.id, i) {
                seen.insert(&g.id, first);
                pr.add(
                    &path.key("id"),
                    format!("duplicate grant id `{}` (also at $.grants[{first}])", g.id),
                );
            }
            if let Some(offer) = offer {
                if offer.plan(&g.plan).is_none() {
                    let known: Vec<String> =
                        offer.plans.iter().map(|p| format!("`{}`", p.id)).collect();
                    pr.add(
                        &path.key("plan"),
                        format!(
                            "unknown plan `{}` (the offer's plans are {})",
                            g.plan,
                            known.join(", ")
                        ),
                    );
                }
            }
        }
        Some(Holder {
            offer_id: offer_id?,
            illustrative: illustrative?,
            employee: employee?,
            grants,
        })
    }
}

impl Grant {
    fn read(value: &Value, path: JsonPath, pr: &Problems) -> Option<Self> {
        let mut o = Obj::new(value, path, pr)?;
        let id = o.req("id", ident);
        let plan = o.req("plan", ident);
        let grant_date = o.req("grant_date", date);
        let exercise_price = o.req("exercise_price", price);
        let outstanding = o.req("outstanding", whole(1));
        let vested = o.req("vested", whole(0));
        let expiration_date = o.req("expiration_date", date);
        let path = o.path().clone();
        o.finish();
        if let (Some(out), Some(v)) = (outstanding, vested) {
            if v > out {
                pr.add(
                    &path.key("vested"),
                    format!("{v} vested is more than the {out} options outstanding"),
                );
                return None;
            }
        }
        if let (Some(granted), Some(expires)) = (grant_date, expiration_date) {
            if expires <= granted {
                pr.add(
                    &path.key("expiration_date"),
                    format!(
                        "the grant expires on {expires}, not after it was granted on {granted}"
                    ),
                );
                return None;
            }
        }
        Some(Grant {
            id: id?,
            plan: plan?,
            grant_date: grant_date?,
            exercise_price: exercise_price?,
            outstanding: outstanding?,
            vested: vested?,
            expiration_date: expiration_date?,
        })
    }
}
