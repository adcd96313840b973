//! The JSON Schemas of the offer and holder files (`docs/schemas/offer.schema.json`,
//! `holder.schema.json`), kept in step with the reader: for every object the schemas
//! describe, the members the reader knows are the schema's `properties` (read off the
//! reader's own "unknown field" message), a member the schema requires is one whose
//! absence the reader names, one it does not require is one the reader does without, and
//! a value outside an `enum` is refused with the schema's values. The sample files are
//! checked against the schemas' types and patterns by the reader itself (they load).

use election_core::{parse_holder, parse_offer, Problem};
use serde_json::Value;

fn repo(path: &str) -> String {
    std::fs::read_to_string(format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn json(path: &str) -> Value {
    serde_json::from_str(&repo(path)).expect("JSON")
}

type Reader = fn(&str) -> Vec<Problem>;

fn offer_problems(text: &str) -> Vec<Problem> {
    parse_offer(text).err().unwrap_or_default()
}

fn holder_problems(text: &str) -> Vec<Problem> {
    // Checked alone: the offer it belongs to is a separate file.
    parse_holder(text, None).err().unwrap_or_default()
}

/// The value at `path` (member names and array indexes) in `doc`.
fn at<'a>(doc: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    let mut v = doc;
    for step in path {
        v = match step {
            Step::Key(k) => v.get_mut(k.as_str())?,
            Step::Index(i) => v.get_mut(*i)?,
        };
    }
    Some(v)
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn json_path(path: &[Step]) -> String {
    let mut s = "$".to_owned();
    for step in path {
        match step {
            Step::Key(k) => s += &format!(".{k}"),
            Step::Index(i) => s += &format!("[{i}]"),
        }
    }
    s
}

/// Every object schema in `schema`, with where it is in a document (arrays at index 0).
fn objects(schema: &Value, path: Vec<Step>, out: &mut Vec<(Vec<Step>, Value)>) {
    match schema["type"].as_str() {
        Some("object") => {
            out.push((path.clone(), schema.clone()));
            for (key, member) in schema["properties"].as_object().expect("properties") {
                let mut p = path.clone();
                p.push(Step::Key(key.clone()));
                objects(member, p, out);
            }
        }
        Some("array") => {
            let mut p = path;
            p.push(Step::Index(0));
            objects(&schema["items"], p, out);
        }
        _ => {}
    }
}

fn problems_after(doc: &Value, read: Reader, change: impl FnOnce(&mut Value)) -> Vec<Problem> {
    let mut doc = doc.clone();
    change(&mut doc);
    read(&doc.to_string())
}

/// Checks every object of `schema` found in `sample`; returns the paths checked.
fn check(schema_file: &str, sample_file: &str, read: Reader) -> Vec<String> {
    check_value(schema_file, sample_file, json(sample_file), read)
}

fn check_value(schema_file: &str, sample_file: &str, sample: Value, read: Reader) -> Vec<String> {
    let schema = json(schema_file);
    assert_eq!(read(&sample.to_string()), vec![], "{sample_file} loads");
    let mut found = Vec::new();
    objects(&schema, Vec::new(), &mut found);
    let mut checked = Vec::new();
    for (path, object) in found {
        let here = json_path(&path);
        let Some(Value::Object(present)) = at(&mut sample.clone(), &path).cloned() else {
            continue;
        };
        let properties: Vec<String> = object["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .cloned()
            .collect();
        // The reader's own list of the members it knows here.
        let problems = problems_after(&sample, read, |d| {
            at(d, &path).expect("present")["zz_unknown"] = Value::Bool(true);
        });
        let unknown = problems
            .iter()
            .find(|p| p.path.to_string() == format!("{here}.zz_unknown"))
            .unwrap_or_else(|| {
                panic!("{sample_file}: no unknown-field problem at {here}: {problems:#?}")
            });
        let list = unknown
            .message
            .split("expected one of: ")
            .nth(1)
            .expect("the expected members")
            .trim_end_matches(')');
        let mut known: Vec<String> = list.split(", ").map(str::to_owned).collect();
        known.sort();
        let mut listed = properties.clone();
        listed.sort();
        assert_eq!(known, listed, "{schema_file}: the members of {here}");

        let mut required: Vec<&str> = object["required"]
            .as_array()
            .expect("required")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        // `anyOf` alternatives of required members (`tiers` or `by_grant`): a member is
        // required where no other alternative is present.
        let alternatives: Vec<Vec<&str>> = object["anyOf"]
            .as_array()
            .map(|alts| {
                alts.iter()
                    .map(|a| {
                        a["required"]
                            .as_array()
                            .expect("required")
                            .iter()
                            .filter_map(Value::as_str)
                            .collect()
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (i, alt) in alternatives.iter().enumerate() {
            let others_present = alternatives
                .iter()
                .enumerate()
                .any(|(j, other)| j != i && other.iter().all(|k| present.contains_key(*k)));
            if !others_present {
                required.extend(alt.iter().copied());
            }
        }
        // Members required by another member's value (a per-grant ratio's keys, by the
        // table's `keyed_by`): the sample gives them only where required.
        for (key, member) in object["properties"].as_object().expect("properties") {
            if member.get("x-required-when").is_some() && present.contains_key(key) {
                required.push(key.as_str());
            }
        }
        for key in present.keys() {
            let problems = problems_after(&sample, read, |d| {
                at(d, &path)
                    .expect("present")
                    .as_object_mut()
                    .expect("object")
                    .remove(key);
            });
            let named = problems.iter().any(|p| {
                p.path.to_string() == here && p.message == format!("missing required field `{key}`")
            });
            assert_eq!(
                named,
                required.contains(&key.as_str()),
                "{schema_file}: {here}.{key} is {}required in the schema; without it the reader said {problems:#?}",
                if required.contains(&key.as_str()) { "" } else { "not " }
            );
        }
        for (key, member) in object["properties"].as_object().expect("properties") {
            let Some(choices) = member["enum"].as_array() else {
                continue;
            };
            if !present.contains_key(key) {
                continue;
            }
            let problems = problems_after(&sample, read, |d| {
                at(d, &path).expect("present")[key.as_str()] = Value::from("zz");
            });
            let words: Vec<String> = choices
                .iter()
                .map(|c| format!("`{}`", c.as_str().expect("a string")))
                .collect();
            assert!(
                problems
                    .iter()
                    .any(|p| p.path.to_string() == format!("{here}.{key}")
                        && p.message.contains(&words.join(", "))),
                "{schema_file}: {here}.{key} should take only {words:?}: {problems:#?}"
            );
        }
        checked.push(here);
    }
    checked
}

/// Every object path of a schema, for the coverage check.
fn all_objects(schema_file: &str) -> Vec<String> {
    let mut found = Vec::new();
    objects(&json(schema_file), Vec::new(), &mut found);
    found.iter().map(|(p, _)| json_path(p)).collect()
}

#[test]
fn the_offer_schema_is_the_reader() {
    let mut checked = check(
        "docs/schemas/offer.schema.json",
        "static/offers/mpower-2001.json",
        offer_problems,
    );
    checked.extend(check(
        "docs/schemas/offer.schema.json",
        "static/example-offers/halden-2001/offer.json",
        offer_problems,
    ));
    // Between them, the two offers have every object the schema describes (the
    // amendments are in a notice, Mpower's second document).
    let mut mpower_notice = json("static/offers/mpower-2001.json");
    mpower_notice["documents"] = Value::Array(vec![
        mpower_notice["documents"][1].clone(),
        mpower_notice["documents"][0].clone(),
    ]);
    checked.extend(check_value(
        "docs/schemas/offer.schema.json",
        "Mpower's offer, its notice first",
        mpower_notice,
        offer_problems,
    ));
    for path in all_objects("docs/schemas/offer.schema.json") {
        assert!(checked.contains(&path), "no sample has {path}");
    }
}

#[test]
fn the_holder_schema_is_the_reader() {
    let mut checked = Vec::new();
    for sample in [
        "static/holders/e1001-avery-lindqvist.json",
        "static/example-offers/halden-2001/holders/e2102-tomasz-wierzbicki.json",
    ] {
        checked.extend(check(
            "docs/schemas/holder.schema.json",
            sample,
            holder_problems,
        ));
    }
    for path in all_objects("docs/schemas/holder.schema.json") {
        assert!(checked.contains(&path), "no sample has {path}");
    }
}

/// The JSON blocks of `docs/OFFER-TEMPLATE.md`, in order.
fn template_blocks() -> Vec<Value> {
    let text = repo("docs/OFFER-TEMPLATE.md");
    text.split("```json")
        .skip(1)
        .map(|block| {
            let json = block.split("```").next().expect("a closed block");
            serde_json::from_str(json).expect("the template's JSON")
        })
        .collect()
}

#[test]
fn the_annotated_template_loads_and_is_the_schema() {
    let blocks = template_blocks();
    assert_eq!(blocks.len(), 2, "an offer and an employee");
    let offer = parse_offer(&blocks[0].to_string()).expect("the template offer loads");
    assert_eq!(
        parse_holder(&blocks[1].to_string(), Some(&offer)).err(),
        None,
        "the template employee loads against it"
    );
    // Every member the offer schema knows is in the template (or documented as a notice's).
    let checked = check_value(
        "docs/schemas/offer.schema.json",
        "docs/OFFER-TEMPLATE.md",
        blocks[0].clone(),
        offer_problems,
    );
    for path in all_objects("docs/schemas/offer.schema.json") {
        assert!(
            checked.contains(&path) || path.starts_with("$.documents[0].amendments"),
            "the template lacks {path}"
        );
    }
    check_value(
        "docs/schemas/holder.schema.json",
        "docs/OFFER-TEMPLATE.md",
        blocks[1].clone(),
        holder_problems,
    );
    for timing in election_core::timing::timing_checks(&offer) {
        assert!(timing.passed, "{}: {}", timing.name, timing.detail);
    }
}
