//! Validation problems: what is wrong with a data file, and where.
//!
//! A problem names a place by a JSON path (`$.grants[3].exercise_price`) so that the
//! person who wrote the file can find it, and says what is wrong in plain words. Loading
//! collects every problem in a file instead of stopping at the first, because the people
//! who fix offer files (HR and legal) should see the whole list in one pass.

use std::cell::RefCell;
use std::fmt;

use serde::Serialize;

/// A place in a JSON document, written the way JSONPath writes it: `$`, `$.issuer.cusip`,
/// `$.grants[2].plan`, `$["odd key"]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct JsonPath(String);

impl JsonPath {
    /// The document itself.
    pub fn root() -> Self {
        JsonPath("$".to_owned())
    }

    /// A document known by a name rather than as `$`: the widget's `config`, whose
    /// problems read `config.delivery.url` as its documentation names the setting.
    /// `name` is written as given, so it is a name the caller chose, never outside data.
    pub fn named(name: &'static str) -> Self {
        JsonPath(name.to_owned())
    }

    /// The member `key` of the object at this path.
    pub fn key(&self, key: &str) -> Self {
        let plain = !key.is_empty()
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !key.starts_with(|c: char| c.is_ascii_digit());
        if plain {
            JsonPath(format!("{}.{key}", self.0))
        } else {
            // A JSON string literal is a valid bracketed key and escapes whatever the key holds.
            let quoted = serde_json::to_string(key).unwrap_or_else(|_| "\"?\"".to_owned());
            JsonPath(format!("{}[{quoted}]", self.0))
        }
    }

    /// The element `index` of the array at this path.
    pub fn index(&self, index: usize) -> Self {
        JsonPath(format!("{}[{index}]", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One thing wrong with a data file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub path: JsonPath,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Collects problems while a document is read. Shared by reference between the small
/// readers of each part of a document, hence the interior mutability.
#[derive(Debug, Default)]
pub(crate) struct Problems(RefCell<Vec<Problem>>);

/// Starts the list with problems already found (the duplicated keys met while parsing).
impl From<Vec<Problem>> for Problems {
    fn from(problems: Vec<Problem>) -> Self {
        Problems(RefCell::new(problems))
    }
}

impl Problems {
    pub(crate) fn add(&self, path: &JsonPath, message: impl Into<String>) {
        self.0.borrow_mut().push(Problem {
            path: path.clone(),
            message: message.into(),
        });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.borrow().is_empty()
    }

    pub(crate) fn into_vec(self) -> Vec<Problem> {
        self.0.into_inner()
    }

    /// `Ok(value)` when nothing was found wrong, else every problem found.
    pub(crate) fn finish<T>(self, value: Option<T>) -> Result<T, Vec<Problem>> {
        match value {
            Some(value) if self.is_empty() => Ok(value),
            _ => {
                let mut problems = self.into_vec();
                if problems.is_empty() {
                    // A reader returned nothing without saying why: a bug, but never a panic.
                    problems.push(Problem {
                        path: JsonPath::root(),
                        message: "the document could not be read".to_owned(),
                    });
                }
                Err(problems)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_like_jsonpath() {
        let p = JsonPath::root()
            .key("grants")
            .index(3)
            .key("exercise_price");
        assert_eq!(p.as_str(), "$.grants[3].exercise_price");
        assert_eq!(JsonPath::root().key("odd key").as_str(), "$[\"odd key\"]");
        assert_eq!(JsonPath::root().key("1st").as_str(), "$[\"1st\"]");
        assert_eq!(JsonPath::root().key("").as_str(), "$[\"\"]");
        assert_eq!(JsonPath::root().key("a\"b").as_str(), "$[\"a\\\"b\"]");
        let config = JsonPath::named("config").key("delivery");
        assert_eq!(config.key("url").as_str(), "config.delivery.url");
        assert_eq!(
            config.key("headers").key("X-Bad\n").as_str(),
            "config.delivery.headers[\"X-Bad\\n\"]"
        );
    }

    #[test]
    fn finish_without_problems_or_value_still_reports_something() {
        let problems = Problems::default();
        let result: Result<(), _> = problems.finish(None);
        assert_eq!(result.unwrap_err().len(), 1);
    }
}
