//! DynamoDB's expression language: ConditionExpression, FilterExpression,
//! KeyConditionExpression, ProjectionExpression and UpdateExpression.
//!
//! Text goes through lexer -> parser -> AST, placeholders (`#name`, `:value`) are
//! resolved against the request's ExpressionAttributeNames/Values, and the resolved
//! expressions are evaluated against items.
//!
//! The public contract, used by the operations:
//! - [`Placeholders::new`] validates a request's ExpressionAttributeNames/Values once;
//!   every `parse_*` call resolves against it and marks what it used; then
//!   [`Placeholders::check_all_used`] reports placeholders no expression used.
//! - `parse_*` return resolved expressions, or DynamoDB's ValidationException.

pub mod ast;
mod placeholders;

pub use ast::{Condition, KeyCondition, Projection, SortKeyCondition, Update};
pub use placeholders::Placeholders;

use crate::model::KeySchema;
use crate::Result;

/// Which request parameter an expression came from; errors name it
/// (`Invalid ConditionExpression: ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpressionKind {
    /// ConditionExpression (PutItem, UpdateItem, DeleteItem, transactions).
    Condition,
    /// FilterExpression (Query, Scan).
    Filter,
    /// KeyConditionExpression (Query).
    KeyCondition,
    /// ProjectionExpression.
    Projection,
    /// UpdateExpression (UpdateItem).
    Update,
}

impl ExpressionKind {
    /// The request parameter's name, as DynamoDB's messages spell it.
    pub fn parameter_name(self) -> &'static str {
        match self {
            ExpressionKind::Condition => "ConditionExpression",
            ExpressionKind::Filter => "FilterExpression",
            ExpressionKind::KeyCondition => "KeyConditionExpression",
            ExpressionKind::Projection => "ProjectionExpression",
            ExpressionKind::Update => "UpdateExpression",
        }
    }
}

/// Parses a ConditionExpression or FilterExpression (`kind` says which).
pub fn parse_condition(text: &str, kind: ExpressionKind, placeholders: &Placeholders) -> Result<Condition> {
    todo!("{text} {kind:?} {placeholders:?}")
}

/// Parses a KeyConditionExpression for a table or index with this key schema, with
/// DynamoDB's errors for conditions a key lookup cannot serve.
pub fn parse_key_condition(text: &str, placeholders: &Placeholders, schema: &KeySchema) -> Result<KeyCondition> {
    todo!("{text} {placeholders:?} {schema:?}")
}

/// Parses a ProjectionExpression.
pub fn parse_projection(text: &str, placeholders: &Placeholders) -> Result<Projection> {
    todo!("{text} {placeholders:?}")
}

/// Parses an UpdateExpression.
pub fn parse_update(text: &str, placeholders: &Placeholders) -> Result<Update> {
    todo!("{text} {placeholders:?}")
}
