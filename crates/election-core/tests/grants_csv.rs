//! Grants imported from an equity system's CSV export (`election_core::grants_csv`): the
//! employee records they make, the mapping of the export's headers, and every problem
//! named by row and column.

use election_core::grants_csv::{read_grants_csv, ColumnMap, CsvProblem};
use election_core::{parse_offer, Offer};

const OFFER: &str = include_str!("../../../static/offers/mpower-2001.json");
const OFFER_ID: &str = "mpower-2001-option-exchange";

fn offer() -> Offer {
    parse_offer(OFFER).expect("valid offer")
}

const HEADER: &str = "employee_id,name,email,grant_id,plan,grant_date,exercise_price,outstanding,vested,expiration_date";

fn import(body: &str) -> Result<Vec<election_core::grants_csv::ImportedEmployee>, Vec<CsvProblem>> {
    read_grants_csv(
        &format!("{HEADER}\n{body}"),
        &ColumnMap::default(),
        OFFER_ID,
        true,
        Some(&offer()),
    )
}

fn said(problems: &[CsvProblem]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}

#[test]
fn rows_become_employee_records_grouped_by_employee() {
    let employees = import(
        "E-1,Avery Lindqvist,avery@example.com,H-1,holding,2000-03-10,42.50,\"12,000\",6000,2010-03-10\n\
         E-2,\"Okafor, Jordan\",,H-2,pnh,1999-06-01,12.00,500,500,2009-06-01\n\
         E-1,Avery Lindqvist,avery@example.com,H-3,holding,1999-01-04,8.00,300,300,2009-01-04\n",
    )
    .expect("imports");
    assert_eq!(employees.len(), 2);
    let avery = &employees[0];
    assert_eq!(avery.holder.employee.id, "E-1");
    assert_eq!(avery.holder.offer_id, OFFER_ID);
    assert!(avery.holder.illustrative);
    assert_eq!(avery.email.as_deref(), Some("avery@example.com"));
    assert_eq!(avery.rows, [2, 4]);
    let ids: Vec<&str> = avery.holder.grants.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids, ["H-1", "H-3"]);
    assert_eq!(avery.holder.grants[0].outstanding, 12_000);
    assert_eq!(employees[1].holder.employee.name, "Okafor, Jordan");
    assert_eq!(employees[1].email, None);
}

#[test]
fn an_export_s_own_headers_are_read_through_a_mapping() {
    let columns = ColumnMap::parse(
        r#"{"employee_id": "Participant ID", "name": "Participant", "email": "E-mail",
            "grant_id": "Grant Number", "exercise_price": "Price", "expiration_date": "Expires"}"#,
    )
    .expect("mapping");
    let text = "\u{feff}Participant ID,Participant,E-mail,Grant Number,plan,grant_date,Price,outstanding,vested,Expires\r\n\
                E-1,Avery Lindqvist,a@example.com,H-1,holding,2000-03-10,42.50,12000,6000,2010-03-10\r\n";
    let employees =
        read_grants_csv(text, &columns, OFFER_ID, false, Some(&offer())).expect("imports");
    assert_eq!(employees[0].holder.grants[0].id, "H-1");
    assert!(!employees[0].holder.illustrative);
    // A mapping that names no field of the import is refused, saying which.
    let problems = ColumnMap::parse(r#"{"strike": "Price"}"#).expect_err("unknown field");
    assert!(
        problems[0].contains("`strike` is not a field"),
        "{problems:?}"
    );
    assert!(ColumnMap::parse("[1]").is_err());
}

#[test]
fn every_problem_is_named_by_row_and_column() {
    let problems = import(
        "E-1,Avery Lindqvist,,H-1,holding,2000-03-10,42.5x,12000,6000,2010-03-10\n\
         E-1,Avery Lindkvist,,H-2,holding,2000-02-30,10.00,100,200,2010-03-10\n\
         E-2,Jordan Okafor,,H-3,pnh,1999-06-01,12.00,lots,500,2009-06-01\n\
         E-3,Priya Raman,,H-4,nowhere,1999-06-01,12.00,500,500,2009-06-01\n",
    )
    .expect_err("refused");
    let said = said(&problems);
    let has = |row: usize, column: &str, words: &str| {
        assert!(
            said.iter().any(
                |p| p.starts_with(&format!("row {row}, column `{column}`: ")) && p.contains(words)
            ),
            "no problem at row {row}, column {column} saying {words:?} in {said:#?}"
        );
    };
    has(2, "exercise_price", "not a decimal amount");
    has(3, "name", "one employee, one name");
    has(3, "grant_date", "`2000-02-30` is not a date");
    has(
        3,
        "vested",
        "200 vested is more than the 100 options outstanding",
    );
    has(4, "outstanding", "expected a whole number");
    has(5, "plan", "nowhere");
    // Grouping commas are read only in thousands: `1,20` is refused, not taken as 120.
    let problems =
        import("E-1,Avery Lindqvist,,H-1,holding,2000-03-10,42.50,\"1,20\",0,2010-03-10\n")
            .expect_err("refused");
    assert_eq!(
        problems[0].to_string(),
        "row 2, column `outstanding`: expected a whole number, found a string"
    );
}

#[test]
fn a_missing_column_an_empty_file_and_a_ragged_row_are_named() {
    let problems = read_grants_csv(
        "employee_id,name\nE-1,Avery\n",
        &ColumnMap::default(),
        OFFER_ID,
        true,
        None,
    )
    .expect_err("columns missing");
    let listed = said(&problems);
    assert!(
        listed
            .iter()
            .any(|p| p.starts_with("row 1: no column `grant_id`")),
        "{listed:?}"
    );
    let problems = import("").expect_err("no rows");
    assert_eq!(said_first(&problems), "the file has no rows of grants");
    let problems =
        import("E-1,Avery Lindqvist,,H-1,holding,2000-03-10,42.50,12000\n").expect_err("ragged");
    assert!(
        said(&problems)[0].starts_with("row 2: cannot be read"),
        "{problems:?}"
    );
}

fn said_first(problems: &[CsvProblem]) -> String {
    problems[0].to_string()
}

#[test]
fn markup_in_a_cell_is_kept_as_text() {
    let employees = import(
        "E-1,<img src=x onerror=alert(1)>,,H-1,holding,2000-03-10,42.50,12000,6000,2010-03-10\n",
    )
    .expect("imports");
    assert_eq!(
        employees[0].holder.employee.name,
        "<img src=x onerror=alert(1)>"
    );
}
