//! A request's ExpressionAttributeNames and ExpressionAttributeValues: validated once,
//! resolved by every expression of the request, and checked for unused entries.
//! (Stub: the expression module's owner replaces the bodies; signatures are the contract.)

use crate::Result;
use serde_json::{Map, Value};

#[derive(Debug, Default)]
pub struct Placeholders {}

impl Placeholders {
    /// Validates the request's maps (empty maps, malformed names, invalid values) with
    /// DynamoDB's messages.
    pub fn new(names: Option<&Map<String, Value>>, values: Option<&Map<String, Value>>) -> Result<Placeholders> {
        todo!("{names:?} {values:?}")
    }

    /// Fails with DynamoDB's message when a name or value was used by no expression.
    pub fn check_all_used(&self) -> Result<()> {
        todo!()
    }
}
