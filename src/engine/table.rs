//! A table: its settings (what CreateTable and UpdateTable say) and its items in key order.

use crate::model::{item_size, Item, KeyCode, KeySchema, ScalarType};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Bound;
use std::rc::Rc;

/// How a table pays for reads and writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BillingMode {
    /// Fixed read and write capacity units.
    Provisioned { read: u64, write: u64 },
    /// On-demand: no capacity to plan.
    PayPerRequest,
}

/// DynamoDB's storage classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TableClass {
    /// DynamoDB Standard, the default.
    Standard,
    /// DynamoDB Standard-Infrequent Access.
    StandardInfrequentAccess,
}

impl TableClass {
    pub fn wire_name(self) -> &'static str {
        match self {
            TableClass::Standard => "STANDARD",
            TableClass::StandardInfrequentAccess => "STANDARD_INFREQUENT_ACCESS",
        }
    }

    pub fn from_wire(name: &str) -> Option<TableClass> {
        match name {
            "STANDARD" => Some(TableClass::Standard),
            "STANDARD_INFREQUENT_ACCESS" => Some(TableClass::StandardInfrequentAccess),
            _ => None,
        }
    }
}

/// Everything about a table except its items; this is what storage keeps in `meta`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableMeta {
    pub name: String,
    /// The TableId, a UUID; also the storage namespace of the table's items.
    pub id: Rc<str>,
    pub key_schema: KeySchema,
    /// AttributeDefinitions in the order the creator gave them.
    pub attribute_definitions: Vec<(String, ScalarType)>,
    pub billing: BillingMode,
    /// When the table last switched to on-demand, in epoch milliseconds.
    pub last_pay_per_request_millis: Option<u64>,
    pub created_millis: u64,
    pub tags: Vec<(String, String)>,
    pub deletion_protection: bool,
    /// The table class, when one was ever given explicitly.
    pub table_class: Option<TableClass>,
}

/// A table with its items, ordered by encoded primary key.
#[derive(Debug, Clone)]
pub struct Table {
    pub meta: TableMeta,
    items: BTreeMap<KeyCode, Item>,
    size_bytes: u64,
}

impl Table {
    pub fn new(meta: TableMeta) -> Self {
        Table { meta, items: BTreeMap::new(), size_bytes: 0 }
    }

    pub fn get(&self, key: &KeyCode) -> Option<&Item> {
        self.items.get(key)
    }

    /// Stores (`Some`) or removes (`None`) the item at `key`, returning the previous one.
    pub fn set(&mut self, key: KeyCode, item: Option<Item>) -> Option<Item> {
        if let Some(new) = &item {
            self.size_bytes += item_size(new) as u64;
        }
        let old = match item {
            Some(new) => self.items.insert(key, new),
            None => self.items.remove(&key),
        };
        if let Some(old) = &old {
            self.size_bytes -= item_size(old) as u64;
        }
        old
    }

    /// Items in key order.
    pub fn items(&self) -> impl Iterator<Item = (&KeyCode, &Item)> {
        self.items.iter()
    }

    /// Items in key order whose keys come after `after` (all items when `None`): where
    /// a Scan resumes from its ExclusiveStartKey.
    pub fn items_after(&self, after: Option<&KeyCode>) -> impl Iterator<Item = &Item> {
        let lower = after.map_or(Bound::Unbounded, Bound::Excluded);
        self.items.range((lower, Bound::Unbounded)).map(|(_, item)| item)
    }

    /// The items of one partition (the keys starting with `prefix`, from
    /// [`KeySchema::partition_prefix`]) in sort key order, or reversed when `forward` is
    /// false, beginning after `after` in that direction (a Query's ExclusiveStartKey).
    pub fn partition_items<'a>(
        &'a self,
        prefix: &KeyCode,
        after: Option<&KeyCode>,
        forward: bool,
    ) -> Box<dyn Iterator<Item = &'a Item> + 'a> {
        // A partition prefix ends with the terminator `00 01`: every key of the partition
        // sorts below the same prefix ending in `00 02`, and no other key sorts between.
        let hex = prefix.to_hex();
        let end = KeyCode::from_hex(&format!("{}02", &hex[..hex.len() - 2])).unwrap_or_else(|| prefix.clone());
        // A start key outside the partition would make an inverted range, which panics;
        // nothing of the partition comes after it.
        if after.is_some_and(|after| !after.as_bytes().starts_with(prefix.as_bytes())) {
            return Box::new(std::iter::empty());
        }
        let (lower, upper) = match (after, forward) {
            (Some(after), true) => (Bound::Excluded(after.clone()), Bound::Excluded(end)),
            (Some(after), false) => (Bound::Included(prefix.clone()), Bound::Excluded(after.clone())),
            (None, _) => (Bound::Included(prefix.clone()), Bound::Excluded(end)),
        };
        let items = self.items.range((lower, upper)).map(|(_, item)| item);
        if forward {
            Box::new(items)
        } else {
            Box::new(items.rev())
        }
    }

    pub fn item_count(&self) -> usize {
        self.items.len()
    }

    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }
}
