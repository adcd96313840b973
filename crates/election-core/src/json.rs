//! JSON text to `serde_json::Value` in one pass, noting every key written twice in an
//! object.
//!
//! `serde_json::Value` keeps the last of two equal keys without a word, and other JSON
//! readers keep the first or refuse the file; legal data must not depend on which reader
//! reads it. The visitor below builds the same `Value` serde_json would and reports each
//! duplicated key with its path. Paths are built only for a duplicate: while parsing, a
//! value knows its place as a chain of borrowed steps up to the root. serde_json's own
//! recursion limit still bounds the depth, so deep input cannot overflow the stack.

use std::cell::RefCell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::problem::{JsonPath, Problem};
use crate::read::clip;

/// Where a value sits: the root, or a step (member or element) from its parent.
#[derive(Clone, Copy)]
enum Place<'a> {
    Root,
    Key(&'a Place<'a>, &'a str),
    Index(&'a Place<'a>, usize),
}

impl Place<'_> {
    fn path(&self) -> JsonPath {
        match self {
            Place::Root => JsonPath::root(),
            Place::Key(parent, key) => parent.path().key(key),
            Place::Index(parent, i) => parent.path().index(*i),
        }
    }
}

/// Parses `bytes` as one JSON document: the value and a problem for each duplicated key,
/// or serde_json's error (which says the line and column) for text that is not JSON.
/// Every JSON text the widget reads goes through here (data files, the deployment's and
/// an element's settings, a time endpoint's answer): one parser in the bundle, and no
/// reader that silently keeps one of two equal keys.
pub fn parse(bytes: &[u8]) -> Result<(Value, Vec<Problem>), serde_json::Error> {
    let problems = RefCell::new(Vec::new());
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Node {
        place: Place::Root,
        problems: &problems,
    }
    .deserialize(&mut de)?;
    de.end()?;
    Ok((value, problems.into_inner()))
}

/// The seed and visitor for one value at `place`.
struct Node<'a> {
    place: Place<'a>,
    problems: &'a RefCell<Vec<Problem>>,
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(Number::from_f64(n).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Node {
            place: Place::Index(&self.place, items.len()),
            problems: self.problems,
        })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        // Each key met more than once, with how many times, in the order first repeated.
        let mut repeated: Vec<(String, usize)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Node {
                place: Place::Key(&self.place, &key),
                problems: self.problems,
            })?;
            if members.insert(key.clone(), value).is_some() {
                match repeated.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, times)) => *times += 1,
                    None => repeated.push((key, 2)),
                }
            }
        }
        if !repeated.is_empty() {
            let path = self.place.path();
            let mut problems = self.problems.borrow_mut();
            for (key, times) in repeated {
                problems.push(Problem {
                    path: path.key(&key),
                    message: format!(
                        "`{}` is given {times} times in this object: keep exactly one, since legal data must not be ambiguous (JSON readers differ on which one they take)",
                        clip(&key)
                    ),
                });
            }
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_value_serde_json_builds() {
        let text = r#"{"a": [1, -2, 3.5, 1e300, -0.0, 18446744073709551615, true, null, "x\u00e9\"",
            {"b": {}, "c": []}], "d": {"e": "\ud83d\ude00"}, "": 0}"#;
        let (value, problems) = parse(text.as_bytes()).expect("JSON");
        assert!(problems.is_empty(), "{problems:?}");
        let expected: Value = serde_json::from_str(text).expect("JSON");
        assert_eq!(value, expected);
    }

    #[test]
    fn duplicates_are_found_at_any_depth_once_per_key() {
        let text =
            r#"{"a": [{}, {"b": 1, "b": 2, "c": 0, "b": 3, "c": 1}], "odd key": 1, "odd key": 2}"#;
        let (value, problems) = parse(text.as_bytes()).expect("JSON");
        assert_eq!(value["a"][1]["b"], 3, "the last value, as serde_json keeps");
        let found: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(
            found[0].starts_with("$.a[1].b: `b` is given 3 times"),
            "{found:#?}"
        );
        assert!(
            found[1].starts_with("$.a[1].c: `c` is given 2 times"),
            "{found:#?}"
        );
        assert!(
            found[2].starts_with("$[\"odd key\"]: `odd key` is given 2 times"),
            "{found:#?}"
        );
    }

    #[test]
    fn errors_are_serde_jsons_with_line_and_column() {
        for (text, words) in [
            ("{\n\"a\": 1,\n}", "line 3"),
            ("{} x", "trailing characters"),
            ("{\"a\": 1", "EOF"),
            ("", "EOF"),
        ] {
            let e = parse(text.as_bytes()).expect_err("not JSON").to_string();
            assert!(e.contains(words), "{text:?}: {e}");
        }
        let deep = "[".repeat(10_000);
        let e = parse(deep.as_bytes()).expect_err("too deep").to_string();
        assert!(e.contains("recursion limit"), "{e}");
    }
}
