//! Applying a ProjectionExpression: the requested paths gathered into a tree, then the
//! item copied along it. A projected list element comes back inside a list holding
//! only the projected elements, in index order (`a[2]` of `[x, y, z]` is `[z]`).

use super::ast::{DocumentPath, PathElement};
use crate::model::{AttributeValue, CompactCollect, Item};
use std::collections::BTreeMap;

/// No item is nested deeper than 32 levels, so longer paths can never match; skipping
/// them keeps the tree (and its recursive drop) shallow.
const LONGEST_MATCHING_PATH: usize = 33;

/// The requested paths below one point of the item.
#[derive(Default)]
struct Node {
    /// The whole value here is wanted.
    whole: bool,
    fields: BTreeMap<String, Node>,
    indexes: BTreeMap<u32, Node>,
}

/// The item with only `paths` kept.
pub fn project(paths: &[DocumentPath], item: &Item) -> Item {
    let mut root = Node::default();
    for path in paths.iter().filter(|path| path.0.len() <= LONGEST_MATCHING_PATH) {
        let node = path.0.iter().fold(&mut root, |node, element| match element {
            PathElement::Attr(name) => node.fields.entry(name.clone()).or_default(),
            PathElement::Index(index) => node.indexes.entry(*index).or_default(),
        });
        node.whole = true;
    }
    root.fields.iter().filter_map(|(name, node)| Some((name.clone(), keep(item.get(name)?, node)?))).collect_map()
}

/// The parts of `value` that `node` asks for; recursion follows the value, so its
/// depth is bounded by the item's nesting.
fn keep(value: &AttributeValue, node: &Node) -> Option<AttributeValue> {
    if node.whole {
        return Some(value.clone());
    }
    match value {
        AttributeValue::M(map) => {
            let kept: Item = node
                .fields
                .iter()
                .filter_map(|(key, child)| Some((key.clone(), keep(map.get(key)?, child)?)))
                .collect_map();
            (!kept.is_empty()).then_some(AttributeValue::M(kept))
        }
        AttributeValue::L(list) => {
            let kept: Vec<AttributeValue> =
                node.indexes.iter().filter_map(|(index, child)| keep(list.get(*index as usize)?, child)).collect();
            (!kept.is_empty()).then_some(AttributeValue::L(kept))
        }
        _ => None,
    }
}
