//! An option holder (an employee) and their option grants, as the company's records give
//! them to the widget.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use crate::offer::{schema_version, Offer};
use crate::problem::{JsonPath, Problems};
use crate::read::{
    boolean, country, date, duplicates, ident, indexed_array, price, text, whole_between, Obj,
    MAX_OPTIONS,
};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holder {
    /// The offer these grants were prepared for.
    pub offer_id: String,
    /// True for fictional sample data, which the widget labels as such.
    pub illustrative: bool,
    pub employee: Employee,
    pub grants: Vec<Grant>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Employee {
    pub id: String,
    pub name: String,
    /// An executive officer (a Section 16 officer), whom an offer may exclude.
    pub officer: bool,
    /// A member of the board of directors, whom an offer may exclude.
    pub director: bool,
    /// Where the employee works (ISO 3166-1 alpha-2), where an offer excludes countries.
    pub country: Option<String>,
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

impl Holder {
    /// The record as a holder file (`schema_version` 1), which [`crate::parse_holder`]
    /// reads back as the same holder: how an export carries the grants it rests on.
    pub fn file_json(&self) -> serde_json::Value {
        let mut employee = serde_json::json!({
            "id": self.employee.id,
            "name": self.employee.name,
            "officer": self.employee.officer,
            "director": self.employee.director,
        });
        if let (Some(country), Some(map)) = (&self.employee.country, employee.as_object_mut()) {
            map.insert("country".into(), country.clone().into());
        }
        let grants: Vec<serde_json::Value> = self
            .grants
            .iter()
            .map(|g| {
                serde_json::json!({
                    "id": g.id,
                    "plan": g.plan,
                    "grant_date": g.grant_date.to_string(),
                    "exercise_price": g.exercise_price.to_string(),
                    "outstanding": g.outstanding,
                    "vested": g.vested,
                    "expiration_date": g.expiration_date.to_string(),
                })
            })
            .collect();
        serde_json::json!({
            "schema_version": 1,
            "offer_id": self.offer_id,
            "illustrative": self.illustrative,
            "employee": employee,
            "grants": grants,
        })
    }

    /// Reads a holder; with the offer at hand, also checks the holder against it.
    pub(crate) fn read(value: &Value, offer: Option<&Offer>, pr: &Problems) -> Option<Holder> {
        let mut o = Obj::new(value, JsonPath::root(), pr)?;
        o.req("schema_version", schema_version);
        let offer_id = o.req("offer_id", ident);
        let illustrative = o.req("illustrative", boolean);
        // Whether the employee's record says what an offer's exclusions ask of it.
        let mut says = [false; 3];
        let employee = o.req("employee", |v, p, pr| {
            let mut e = Obj::new(v, p, pr)?;
            says = ["officer", "director", "country"].map(|key| e.has(key));
            let id = e.req("id", ident);
            let name = e.req("name", text);
            let officer = e.opt("officer", boolean);
            let director = e.opt("director", boolean);
            let country = e.opt("country", country);
            let ok = e.all_read(&[
                ("officer", officer.is_some()),
                ("director", director.is_some()),
                ("country", country.is_some()),
            ]);
            e.finish();
            ok.then_some(())?;
            Some(Employee {
                id: id?,
                name: name?,
                officer: officer.unwrap_or(false),
                director: director.unwrap_or(false),
                country,
            })
        });
        let grants = o.req("grants", |v, p, pr| indexed_array(v, p, pr, Grant::read));
        let root = o.path().clone();
        o.finish();

        if let (Some(offer), true) = (offer, employee.is_some()) {
            // An offer that excludes holders by what the records say needs every record to
            // say it: a file without it would let in the very people excluded.
            let excluded = &offer.terms.eligibility.excluded_holders;
            for ((key, who), (asked, said)) in [
                ("officer", "executive officers"),
                ("director", "directors"),
                ("country", "employees by country (or pays cash by country)"),
            ]
            .iter()
            .zip(
                [
                    excluded.officers,
                    excluded.directors,
                    !excluded.countries.is_empty()
                        || offer
                            .terms
                            .cash_instead
                            .as_ref()
                            .is_some_and(|c| !c.countries.is_empty()),
                ]
                .into_iter()
                .zip(says),
            ) {
                if asked && !said {
                    pr.add(
                        &root.key("employee"),
                        format!("missing field `{key}`: the offer excludes {who}, so each employee file must say it"),
                    );
                }
            }
        }
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
        // Rules across grants run over every grant that could be read, so that one bad
        // grant does not hide another's duplicate id or unknown plan.
        let grants = grants?;
        let grants_path = root.key("grants");
        duplicates(grants.iter().map(|(_, g)| g.id.as_str()), |i, first| {
            let (at, g) = &grants[i];
            pr.add(
                &grants_path.index(*at).key("id"),
                format!(
                    "duplicate grant id `{}` (also at $.grants[{}])",
                    g.id, grants[first].0
                ),
            )
        });
        if let Some(offer) = offer {
            for (at, g) in &grants {
                offer.check_plan(&g.plan, &grants_path.index(*at).key("plan"), pr);
            }
        }
        let grants = grants.into_iter().map(|(_, g)| g).collect();
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
        let outstanding = o.req("outstanding", whole_between(1, MAX_OPTIONS));
        let vested = o.req("vested", whole_between(0, MAX_OPTIONS));
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
