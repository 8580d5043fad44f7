//! Applying a resolved UpdateExpression to an item.
//!
//! SET values are all computed from the item as it was, then the actions apply: SETs
//! (in path order, so appends past a list's end land in index order), REMOVEs (in
//! reverse path order, so removing list elements does not shift the ones still to
//! remove), then ADDs and DELETEs. Paths never overlap (the parser refused that), so
//! no action sees another's result.

use super::ast::{DocumentPath, PathElement, UpdateAction, UpdateOperand, UpdateValue};
use crate::model::{sort_stable_by, AttributeValue, Item};
use crate::{bail_validation, validation, Error, Result};

/// DynamoDB allows 32 levels of nesting (see `model::value`).
const NESTING_LIMIT: usize = 32;

fn invalid_path() -> Error {
    validation!("The document path provided in the update expression is invalid for update")
}

fn wrong_type() -> Error {
    validation!("An operand in the update expression has an incorrect data type")
}

/// ADD's and DELETE's type error: AttributeUpdates (`legacy`) words it differently.
fn mismatch(legacy: bool) -> Error {
    match legacy {
        true => validation!("Type mismatch for attribute to update"),
        false => wrong_type(),
    }
}

/// `item` after `actions`; `legacy` when they come from AttributeUpdates.
pub fn apply(actions: &[UpdateAction], item: Item, legacy: bool) -> Result<Item> {
    let mut sets = Vec::new();
    for action in actions {
        if let UpdateAction::Set(path, value) = action {
            sets.push((path, evaluate(value, &item)?));
        }
    }
    sort_stable_by(&mut sets, |a, b| a.0.cmp(b.0));
    let mut result = item;
    for (path, value) in sets {
        set(&mut result, path, value)?;
    }
    let mut removes: Vec<&DocumentPath> = actions
        .iter()
        .filter_map(|action| match action {
            UpdateAction::Remove(path) => Some(path),
            _ => None,
        })
        .collect();
    sort_stable_by(&mut removes, |a, b| b.cmp(a));
    for path in removes {
        remove(&mut result, path)?;
    }
    for action in actions {
        match action {
            UpdateAction::Add(path, value) => add(&mut result, path, value, legacy)?,
            UpdateAction::Delete(path, value) => delete(&mut result, path, value, legacy)?,
            UpdateAction::Set(..) | UpdateAction::Remove(_) => {}
        }
    }
    check_nesting(&result)?;
    Ok(result)
}

fn evaluate(value: &UpdateValue, item: &Item) -> Result<AttributeValue> {
    let (left, right, plus) = match value {
        UpdateValue::Operand(operand) => return operand_value(operand, item),
        UpdateValue::Plus(left, right) => (left, right, true),
        UpdateValue::Minus(left, right) => (left, right, false),
    };
    match (operand_value(left, item)?, operand_value(right, item)?) {
        (AttributeValue::N(a), AttributeValue::N(b)) => {
            Ok(AttributeValue::N(if plus { a.checked_add(&b)? } else { a.checked_sub(&b)? }))
        }
        _ => Err(wrong_type()),
    }
}

fn operand_value(operand: &UpdateOperand, item: &Item) -> Result<AttributeValue> {
    match operand {
        UpdateOperand::Path(path) => path.get(item).cloned().ok_or_else(|| {
            validation!("The provided expression refers to an attribute that does not exist in the item")
        }),
        UpdateOperand::Value(value) => Ok(value.clone()),
        UpdateOperand::IfNotExists(path, fallback) => match path.get(item) {
            Some(value) => Ok(value.clone()),
            None => operand_value(fallback, item),
        },
        UpdateOperand::ListAppend(first, second) => match (operand_value(first, item)?, operand_value(second, item)?) {
            (AttributeValue::L(mut list), AttributeValue::L(tail)) => {
                list.extend(tail);
                Ok(AttributeValue::L(list))
            }
            _ => Err(wrong_type()),
        },
    }
}

/// The container holding the path's last element; `Ok(None)` when a step is missing.
fn parent_mut<'a>(item: &'a mut Item, path: &DocumentPath) -> Result<Option<Container<'a>>> {
    let Some((PathElement::Attr(head), rest)) = path.0.split_first() else { return Err(invalid_path()) };
    let Some((_, middle)) = rest.split_last() else { return Ok(Some(Container::Item(item))) };
    let Some(mut current) = item.get_mut(head) else { return Ok(None) };
    for element in middle {
        current = match (current, element) {
            (AttributeValue::M(map), PathElement::Attr(key)) => match map.get_mut(key) {
                Some(next) => next,
                None => return Ok(None),
            },
            (AttributeValue::L(list), PathElement::Index(index)) => match list.get_mut(*index as usize) {
                Some(next) => next,
                None => return Ok(None),
            },
            _ => return Err(invalid_path()),
        };
    }
    Ok(Some(Container::Value(current)))
}

/// Where a path's last element lives.
enum Container<'a> {
    Item(&'a mut Item),
    Value(&'a mut AttributeValue),
}

fn set(item: &mut Item, path: &DocumentPath, value: AttributeValue) -> Result<()> {
    let last = path.0.last();
    match (parent_mut(item, path)?.ok_or_else(invalid_path)?, last) {
        (Container::Item(item), Some(PathElement::Attr(name))) => {
            item.insert(name.clone(), value);
        }
        (Container::Value(AttributeValue::M(map)), Some(PathElement::Attr(key))) => {
            map.insert(key.clone(), value);
        }
        (Container::Value(AttributeValue::L(list)), Some(PathElement::Index(index))) => {
            match list.get_mut(*index as usize) {
                Some(slot) => *slot = value,
                None => list.push(value),
            }
        }
        _ => return Err(invalid_path()),
    }
    Ok(())
}

/// Removes the value at `path`, returning it; a missing path removes nothing.
fn remove(item: &mut Item, path: &DocumentPath) -> Result<Option<AttributeValue>> {
    let Some(parent) = parent_mut(item, path)? else { return Ok(None) };
    Ok(match (parent, path.0.last()) {
        (Container::Item(item), Some(PathElement::Attr(name))) => item.remove(name),
        (Container::Value(AttributeValue::M(map)), Some(PathElement::Attr(key))) => map.remove(key),
        (Container::Value(AttributeValue::L(list)), Some(PathElement::Index(index))) => {
            let index = *index as usize;
            (index < list.len()).then(|| list.remove(index))
        }
        _ => return Err(invalid_path()),
    })
}

/// ADD: a sum, a set union, or (only AttributeUpdates has list values) a list append.
fn add(item: &mut Item, path: &DocumentPath, value: &AttributeValue, legacy: bool) -> Result<()> {
    if parent_mut(item, path)?.is_none() {
        return Err(invalid_path());
    }
    let current = remove(item, path)?;
    let sum = match (current, value) {
        (None, _) => value.clone(),
        (Some(AttributeValue::N(a)), AttributeValue::N(b)) => AttributeValue::N(a.checked_add(b)?),
        (Some(AttributeValue::Ss(mut set)), AttributeValue::Ss(more)) => AttributeValue::Ss(union(&mut set, more)),
        (Some(AttributeValue::Ns(mut set)), AttributeValue::Ns(more)) => AttributeValue::Ns(union(&mut set, more)),
        (Some(AttributeValue::Bs(mut set)), AttributeValue::Bs(more)) => AttributeValue::Bs(union(&mut set, more)),
        (Some(AttributeValue::L(mut list)), AttributeValue::L(more)) => {
            list.extend(more.iter().cloned());
            AttributeValue::L(list)
        }
        (Some(_), _) => return Err(mismatch(legacy)),
    };
    set(item, path, sum)
}

fn union<T: PartialEq + Clone>(set: &mut Vec<T>, more: &[T]) -> Vec<T> {
    for element in more {
        if !set.contains(element) {
            set.push(element.clone());
        }
    }
    std::mem::take(set)
}

fn delete(item: &mut Item, path: &DocumentPath, value: &AttributeValue, legacy: bool) -> Result<()> {
    let Some(current) = remove(item, path)? else { return Ok(()) };
    let rest = match (current, value) {
        (AttributeValue::Ss(set), AttributeValue::Ss(gone)) => difference(set, gone).map(AttributeValue::Ss),
        (AttributeValue::Ns(set), AttributeValue::Ns(gone)) => difference(set, gone).map(AttributeValue::Ns),
        (AttributeValue::Bs(set), AttributeValue::Bs(gone)) => difference(set, gone).map(AttributeValue::Bs),
        _ => return Err(mismatch(legacy)),
    };
    // An emptied set disappears: DynamoDB has no empty sets.
    match rest {
        Some(rest) => set(item, path, rest),
        None => Ok(()),
    }
}

fn difference<T: PartialEq>(mut set: Vec<T>, gone: &[T]) -> Option<Vec<T>> {
    set.retain(|element| !gone.contains(element));
    (!set.is_empty()).then_some(set)
}

/// Refuses an item nested deeper than DynamoDB allows, walking it without recursion.
/// DynamoDB's 32 levels of nesting, for an item built outside the JSON parser.
pub(crate) fn check_nesting(item: &Item) -> Result<()> {
    let mut pending: Vec<(&AttributeValue, usize)> = item.values().map(|value| (value, 1)).collect();
    while let Some((value, depth)) = pending.pop() {
        let children: Vec<&AttributeValue> = match value {
            AttributeValue::M(map) => map.values().collect(),
            AttributeValue::L(list) => list.iter().collect(),
            _ => continue,
        };
        if depth >= NESTING_LIMIT {
            bail_validation!(
                "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"
            );
        }
        pending.extend(children.into_iter().map(|child| (child, depth + 1)));
    }
    Ok(())
}
