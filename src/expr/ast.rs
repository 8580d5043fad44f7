//! The resolved expression trees and their evaluation against items.
//! (Stubs: the expression module's owner replaces the bodies; signatures are the contract.)

use crate::model::{AttributeValue, Item};
use crate::Result;

/// A resolved ConditionExpression or FilterExpression.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {}

impl Condition {
    /// Whether the item satisfies the condition; a missing item is the empty item.
    pub fn matches(&self, item: &Item) -> bool {
        todo!("{item:?}")
    }
}

/// A resolved KeyConditionExpression: the partition key value, and optionally a
/// condition on the sort key.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyCondition {
    pub partition_value: AttributeValue,
    pub sort: Option<SortKeyCondition>,
}

/// The conditions DynamoDB allows on a sort key.
#[derive(Debug, Clone, PartialEq)]
pub enum SortKeyCondition {
    /// `sk = :v`
    Equal(AttributeValue),
    /// `sk < :v`
    Less(AttributeValue),
    /// `sk <= :v`
    LessOrEqual(AttributeValue),
    /// `sk > :v`
    Greater(AttributeValue),
    /// `sk >= :v`
    GreaterOrEqual(AttributeValue),
    /// `sk BETWEEN :low AND :high`
    Between(AttributeValue, AttributeValue),
    /// `begins_with(sk, :prefix)`
    BeginsWith(AttributeValue),
}

impl SortKeyCondition {
    /// Whether a sort key value satisfies the condition.
    pub fn matches(&self, value: &AttributeValue) -> bool {
        todo!("{value:?}")
    }
}

/// A resolved ProjectionExpression: the document paths to keep.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {}

impl Projection {
    /// The item with only the projected paths (nested maps and list elements kept
    /// as DynamoDB keeps them).
    pub fn apply(&self, item: &Item) -> Item {
        todo!("{item:?}")
    }
}

/// A resolved UpdateExpression.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {}

impl Update {
    /// The item after the update (`item` is empty when none existed), or DynamoDB's
    /// error for an action that cannot apply (type mismatch, overflow, ...).
    pub fn apply(&self, item: &Item) -> Result<Item> {
        todo!("{item:?}")
    }

    /// The top-level attribute names the update writes or removes (key attributes
    /// may not be among them).
    pub fn top_level_names(&self) -> Vec<&str> {
        todo!()
    }

    /// The paths the update writes or removes, as a projection: what UPDATED_OLD and
    /// UPDATED_NEW return.
    pub fn updated_paths(&self) -> Projection {
        todo!()
    }
}
