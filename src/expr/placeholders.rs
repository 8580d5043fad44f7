//! A request's ExpressionAttributeNames and ExpressionAttributeValues: validated once,
//! resolved by every expression of the request, and checked for unused entries.
//!
//! Messages follow dynalite's AWS-recorded tests (validations/index.js there).

use crate::model::AttributeValue;
use crate::{bail_validation, validation, Result};
use serde_json::{Map, Value};
use std::cell::Cell;
use std::collections::BTreeMap;

/// The placeholders of one request, each with a flag set once an expression used it.
#[derive(Debug, Default)]
pub struct Placeholders {
    names: BTreeMap<String, (String, Cell<bool>)>,
    values: BTreeMap<String, (AttributeValue, Cell<bool>)>,
}

impl Placeholders {
    /// Validates the request's maps (empty maps, malformed names, invalid values) with
    /// DynamoDB's messages.
    pub fn new(names: Option<&Map<String, Value>>, values: Option<&Map<String, Value>>) -> Result<Placeholders> {
        let mut placeholders = Placeholders::default();
        if let Some(names) = names {
            check_keys("ExpressionAttributeNames", names, '#')?;
            for (key, name) in names {
                let Some(name) = name.as_str() else {
                    return Err(crate::Error::serialization("Unexpected value type in payload"));
                };
                placeholders.names.insert(key.clone(), (name.to_owned(), Cell::new(false)));
            }
        }
        if let Some(values) = values {
            check_keys("ExpressionAttributeValues", values, ':')?;
            for (key, json) in values {
                let value = AttributeValue::from_json(json).map_err(|mut error| {
                    if error.kind == crate::ErrorKind::Validation {
                        error.message = format!(
                            "ExpressionAttributeValues contains invalid value: {} for key {key}",
                            error.message
                        );
                    }
                    error
                })?;
                placeholders.values.insert(key.clone(), (value, Cell::new(false)));
            }
        }
        Ok(placeholders)
    }

    /// Fails with DynamoDB's message when a name or value was used by no expression.
    pub fn check_all_used(&self) -> Result<()> {
        let unused_names = unused(&self.names);
        if !unused_names.is_empty() {
            bail_validation!(
                "Value provided in ExpressionAttributeNames unused in expressions: keys: {{{unused_names}}}"
            );
        }
        let unused_values = unused(&self.values);
        if !unused_values.is_empty() {
            bail_validation!(
                "Value provided in ExpressionAttributeValues unused in expressions: keys: {{{unused_values}}}"
            );
        }
        Ok(())
    }

    /// Adds a name another front end (PartiQL) generated, already valid.
    pub(crate) fn add_name(&mut self, key: String, name: String) {
        self.names.insert(key, (name, Cell::new(false)));
    }

    /// Adds a value another front end (PartiQL) generated, already valid.
    pub(crate) fn add_value(&mut self, key: String, value: AttributeValue) {
        self.values.insert(key, (value, Cell::new(false)));
    }

    /// The attribute name `#key` stands for, marking it used.
    pub(crate) fn name(&self, key: &str) -> Option<&str> {
        self.names.get(key).map(|(name, used)| {
            used.set(true);
            name.as_str()
        })
    }

    /// The value `:key` stands for, marking it used.
    pub(crate) fn value(&self, key: &str) -> Option<&AttributeValue> {
        self.values.get(key).map(|(value, used)| {
            used.set(true);
            value
        })
    }
}

/// Refuses an empty map and keys that are not `mark` followed by word characters.
fn check_keys(parameter: &str, map: &Map<String, Value>, mark: char) -> Result<()> {
    if map.is_empty() {
        bail_validation!("{parameter} must not be empty");
    }
    for key in map.keys() {
        let rest = key.strip_prefix(mark).unwrap_or("");
        if rest.is_empty() || !rest.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'_') {
            return Err(validation!("{parameter} contains invalid key: Syntax error; key: \"{key}\""));
        }
    }
    Ok(())
}

/// The unused keys, comma-separated, in key order.
fn unused<T>(map: &BTreeMap<String, (T, Cell<bool>)>) -> String {
    let keys: Vec<&str> = map.iter().filter(|(_, (_, used))| !used.get()).map(|(key, _)| key.as_str()).collect();
    keys.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    fn error(names: Option<Value>, values: Option<Value>) -> String {
        let names = names.map(map);
        let values = values.map(map);
        Placeholders::new(names.as_ref(), values.as_ref()).unwrap_err().message
    }

    #[test]
    fn empty_maps() {
        assert_eq!(error(Some(json!({})), Some(json!({}))), "ExpressionAttributeNames must not be empty");
        assert_eq!(error(None, Some(json!({}))), "ExpressionAttributeValues must not be empty");
    }

    #[test]
    fn malformed_keys() {
        assert_eq!(
            error(Some(json!({"a": "a"})), None),
            "ExpressionAttributeNames contains invalid key: Syntax error; key: \"a\""
        );
        assert_eq!(
            error(Some(json!({"#": "a"})), None),
            "ExpressionAttributeNames contains invalid key: Syntax error; key: \"#\""
        );
        assert_eq!(
            error(None, Some(json!({"a": {"S": "b"}}))),
            "ExpressionAttributeValues contains invalid key: Syntax error; key: \"a\""
        );
        assert_eq!(
            error(None, Some(json!({":a-b": {"S": "b"}}))),
            "ExpressionAttributeValues contains invalid key: Syntax error; key: \":a-b\""
        );
    }

    #[test]
    fn invalid_values() {
        assert_eq!(
            error(None, Some(json!({":a": {"SS": []}}))),
            "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: \
             An string set  may not be empty for key :a"
        );
    }

    #[test]
    fn usage_is_tracked() {
        let names = map(json!({"#a": "x", "#b": "y"}));
        let values = map(json!({":v": {"S": "s"}, ":w": {"N": "1"}}));
        let placeholders = Placeholders::new(Some(&names), Some(&values)).unwrap();
        assert_eq!(
            placeholders.check_all_used().unwrap_err().message,
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}"
        );
        assert_eq!(placeholders.name("#a"), Some("x"));
        assert_eq!(placeholders.name("#b"), Some("y"));
        assert_eq!(placeholders.name("#c"), None);
        assert_eq!(
            placeholders.check_all_used().unwrap_err().message,
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:v, :w}"
        );
        placeholders.value(":v");
        placeholders.value(":w");
        assert!(placeholders.check_all_used().is_ok());
    }
}
