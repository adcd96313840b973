//! Grants imported from an equity system's export (issue 22, the first part): a CSV with
//! one row per grant, its columns named by a small mapping, read into the employee
//! records the widget and the receiver use, with every problem named by row and column.
//!
//! Each employee's rows become the employee file's JSON and go through the same reader as
//! a file written by hand ([`crate::parse_holder`]), so an import is held to exactly the
//! same rules; a problem the reader names by JSON path (`$.grants[1].plan`) is told back
//! by the row and the column it came from.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::{parse_holder, Holder, Offer, Problem};

/// What an import's columns hold, by the name the employee file gives each.
const FIELDS: [&str; 13] = [
    "employee_id",
    "name",
    "email",
    "officer",
    "director",
    "country",
    "grant_id",
    "plan",
    "grant_date",
    "exercise_price",
    "outstanding",
    "vested",
    "expiration_date",
];

/// Fields a file may leave out (the offer then decides whether employees must say them);
/// every other field must have its column.
const OPTIONAL: [&str; 3] = ["officer", "director", "country"];

/// The header each field is read from: the field's own name unless the mapping (a JSON
/// object, field → the export's column header) names another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap(BTreeMap<&'static str, String>);

impl Default for ColumnMap {
    fn default() -> Self {
        ColumnMap(FIELDS.iter().map(|f| (*f, (*f).to_owned())).collect())
    }
}

impl ColumnMap {
    /// Reads a mapping file: `{"employee_id": "Participant ID", "exercise_price": "Price"}`.
    /// Fields it leaves out keep their own names; an unknown field is a problem.
    pub fn parse(json: &str) -> Result<ColumnMap, Vec<String>> {
        let value: Value = serde_json::from_str(json)
            .map_err(|e| vec![format!("the mapping is not JSON: {e}")])?;
        let Value::Object(map) = value else {
            return Err(vec![
                "the mapping must be an object: field name → the export's column header".to_owned(),
            ]);
        };
        let mut columns = ColumnMap::default();
        let mut problems = Vec::new();
        for (field, header) in map {
            match (FIELDS.iter().find(|f| **f == field), header) {
                (Some(f), Value::String(h)) if !h.trim().is_empty() => {
                    columns.0.insert(f, h);
                }
                (Some(_), other) => problems.push(format!(
                    "`{field}` must name a column header (a non-empty string), not {other}"
                )),
                (None, _) => problems.push(format!(
                    "`{field}` is not a field of the import (expected one of: {})",
                    FIELDS.join(", ")
                )),
            }
        }
        if problems.is_empty() {
            Ok(columns)
        } else {
            Err(problems)
        }
    }

    fn header<'a>(&'a self, field: &'a str) -> &'a str {
        self.0.get(field).map_or(field, String::as_str)
    }
}

/// Where a problem of an import is: the file's row (the header is row 1) and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CsvProblem {
    /// 1-based, the header row being 1; `None` for the file as a whole.
    pub row: Option<usize>,
    /// The column's header as the file writes it.
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for CsvProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.row, &self.column) {
            (Some(r), Some(c)) => write!(f, "row {r}, column `{c}`: {}", self.message),
            (Some(r), None) => write!(f, "row {r}: {}", self.message),
            (None, Some(c)) => write!(f, "column `{c}`: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

/// One employee of an import: the record, with what the export says besides.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedEmployee {
    pub holder: Holder,
    /// For reminders; not part of the employee file.
    pub email: Option<String>,
    /// The rows their grants came from, in the file's order.
    pub rows: Vec<usize>,
}

/// Reads an export of grants for the offer `offer_id` (`illustrative` as the import says),
/// checked against `offer` where given: every employee's record, or every problem, each
/// by row and column.
pub fn read_grants_csv(
    text: &str,
    columns: &ColumnMap,
    offer_id: &str,
    illustrative: bool,
    offer: Option<&Offer>,
) -> Result<Vec<ImportedEmployee>, Vec<CsvProblem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let whole = |message: String| CsvProblem {
        row: None,
        column: None,
        message,
    };
    let headers = reader
        .headers()
        .map_err(|e| vec![whole(format!("the header row cannot be read: {e}"))])?
        .clone();
    let at: BTreeMap<&str, usize> = FIELDS
        .iter()
        .filter_map(|f| {
            let h = columns.header(f);
            headers.iter().position(|x| x.trim() == h).map(|i| (*f, i))
        })
        .collect();
    let mut problems: Vec<CsvProblem> = FIELDS
        .iter()
        .filter(|f| !OPTIONAL.contains(f) && !at.contains_key(**f))
        .map(|f| CsvProblem {
            row: Some(1),
            column: None,
            message: format!(
                "no column `{}` (the {f}); the headers are: {}",
                columns.header(f),
                headers.iter().collect::<Vec<_>>().join(", ")
            ),
        })
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    // Each employee's rows, in the order the file first names them.
    let mut order: Vec<String> = Vec::new();
    let mut rows: BTreeMap<String, Vec<(usize, csv::StringRecord)>> = BTreeMap::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        match record {
            Err(e) => problems.push(CsvProblem {
                row: Some(row),
                column: None,
                message: format!("cannot be read: {e}"),
            }),
            Ok(r) => {
                let id = at
                    .get("employee_id")
                    .and_then(|&c| r.get(c))
                    .unwrap_or("")
                    .trim()
                    .to_owned();
                if !rows.contains_key(&id) {
                    order.push(id.clone());
                }
                rows.entry(id).or_default().push((row, r));
            }
        }
    }
    if order.is_empty() && problems.is_empty() {
        problems.push(whole("the file has no rows of grants".to_owned()));
    }
    fn cell<'r>(at: &BTreeMap<&str, usize>, r: &'r csv::StringRecord, f: &str) -> Option<&'r str> {
        at.get(f).and_then(|&c| r.get(c)).map(str::trim)
    }
    let cell = |r, f| cell(&at, r, f);
    let mut employees = Vec::new();
    for id in order {
        let group = &rows[&id];
        let (first_row, first) = &group[0];
        // What names the employee must say the same on every row.
        for field in ["name", "email", "officer", "director", "country"] {
            for (row, r) in &group[1..] {
                if cell(r, field) != cell(first, field) {
                    problems.push(CsvProblem {
                        row: Some(*row),
                        column: Some(columns.header(field).to_owned()),
                        message: format!(
                            "employee {id} has {:?} here but {:?} in row {first_row}: one employee, one {field}",
                            cell(r, field).unwrap_or(""),
                            cell(first, field).unwrap_or("")
                        ),
                    });
                }
            }
        }
        let mut employee = Map::new();
        employee.insert("id".into(), json!(id));
        employee.insert("name".into(), json!(cell(first, "name").unwrap_or("")));
        for flag in ["officer", "director"] {
            if let Some(v) = cell(first, flag).filter(|v| !v.is_empty()) {
                employee.insert(flag.into(), yes_no(v));
            }
        }
        if let Some(c) = cell(first, "country").filter(|v| !v.is_empty()) {
            employee.insert("country".into(), json!(c));
        }
        let grants: Vec<Value> = group
            .iter()
            .map(|(_, r)| {
                json!({
                    "id": cell(r, "grant_id").unwrap_or(""),
                    "plan": cell(r, "plan").unwrap_or(""),
                    "grant_date": cell(r, "grant_date").unwrap_or(""),
                    "exercise_price": cell(r, "exercise_price").unwrap_or(""),
                    "outstanding": whole_number(cell(r, "outstanding").unwrap_or("")),
                    "vested": whole_number(cell(r, "vested").unwrap_or("")),
                    "expiration_date": cell(r, "expiration_date").unwrap_or(""),
                })
            })
            .collect();
        let file = json!({
            "schema_version": 1,
            "offer_id": offer_id,
            "illustrative": illustrative,
            "employee": employee,
            "grants": grants,
        });
        match parse_holder(&file.to_string(), offer) {
            Ok(holder) => employees.push(ImportedEmployee {
                holder,
                email: cell(first, "email")
                    .filter(|e| !e.is_empty())
                    .map(str::to_owned),
                rows: group.iter().map(|(row, _)| *row).collect(),
            }),
            Err(found) => {
                problems.extend(found.iter().map(|p| located(p, group, *first_row, columns)))
            }
        }
    }
    if problems.is_empty() {
        Ok(employees)
    } else {
        Err(problems)
    }
}

/// `true`/`false`, `yes`/`no`, `y`/`n`, `1`/`0`, as exports write them; anything else is
/// kept as text, which the reader refuses by name.
fn yes_no(v: &str) -> Value {
    match v.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Value::Bool(true),
        "false" | "no" | "n" | "0" => Value::Bool(false),
        _ => Value::String(v.to_owned()),
    }
}

/// A count as a JSON number where it is one (`1200`, or `1,200` grouped in thousands);
/// anything else (`1,20`, which a decimal comma may have meant as 1.2) as text, which the
/// reader refuses by name rather than reading it as another number.
fn whole_number(v: &str) -> Value {
    let mut groups = v.split(',');
    let first = groups.next().unwrap_or("");
    let grouped = (1..=3).contains(&first.len()) && groups.clone().all(|g| g.len() == 3);
    let digits: String = v.chars().filter(|c| *c != ',').collect();
    let well_formed = !digits.is_empty() && (!v.contains(',') || grouped);
    match digits.parse::<u64>() {
        Ok(n) if well_formed => json!(n),
        _ => Value::String(v.to_owned()),
    }
}

/// A problem of the employee file made from `group`'s rows, told by row and column.
fn located(
    p: &Problem,
    group: &[(usize, csv::StringRecord)],
    first_row: usize,
    columns: &ColumnMap,
) -> CsvProblem {
    let path = p.path.as_str();
    // `$.grants[i].field`, `$.grants[i]`, `$.employee.field`, `$.employee`, `$`.
    if let Some(rest) = path.strip_prefix("$.grants[") {
        let (index, field) = rest.split_once(']').unwrap_or((rest, ""));
        let row = index
            .parse::<usize>()
            .ok()
            .and_then(|i| group.get(i))
            .map_or(first_row, |(row, _)| *row);
        let field = match field.trim_start_matches('.') {
            "id" => "grant_id",
            f => f,
        };
        return CsvProblem {
            row: Some(row),
            column: (!field.is_empty()).then(|| columns.header(field).to_owned()),
            message: p.message.clone(),
        };
    }
    let field = path
        .strip_prefix("$.employee.")
        .map(|f| if f == "id" { "employee_id" } else { f });
    CsvProblem {
        row: Some(first_row),
        column: field.map(|f| columns.header(f).to_owned()),
        message: p.message.clone(),
    }
}
