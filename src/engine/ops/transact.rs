//! TransactWriteItems and TransactGetItems: up to 100 actions across tables, all or
//! nothing, and a consistent read of up to 100 items.
//!
//! A write transaction runs in four steps, and only the last one mutates:
//!
//! 1. [`TransactionLedger::token_use`]: a ClientRequestToken seen in the last ten minutes
//!    makes the request a replay (nothing is written again) or an error.
//! 2. Each action's table, key and request-only rules (a Put's item size and index key
//!    types, an Update on a key attribute): a failure is a plain error, as for the
//!    single-item operations. Then no two actions may target one item.
//! 3. Each action against the state before the transaction: an item held by a transaction
//!    in flight, the condition ([`Precondition`]), and for an Update the result
//!    ([`plan_update`]). Every failure becomes that action's [`CancellationReason`]; one
//!    failure cancels the whole transaction with TransactionCanceledException.
//! 4. [`Engine::store_item`] for every write, and the [`TransactionLedger`] record.
//!
//! The engine is synchronous, so a read of many items is consistent by construction.

use crate::engine::ledger::{ItemRef, TokenUse};
use crate::engine::ops::put::{check_put_item_size, Precondition};
use crate::engine::ops::update::{plan_update, refuse_key_updates};
use crate::engine::{Engine, Table};
use crate::error::{CancellationReason, Error, ErrorKind, Result};
use crate::expr::{Condition, Update};
use crate::index::check_index_keys;
use crate::model::{Item, KeyCode};
use std::collections::HashSet;

/// What DynamoDB tells a write or transaction that meets a transaction in flight.
const ONGOING: &str = "Transaction is ongoing for the item";

/// One action of a TransactWriteItems.
#[derive(Debug, Clone)]
pub enum TransactAction {
    /// Put: the whole item.
    Put(Item),
    /// Update: the item's key and the UpdateExpression.
    Update { key: Item, update: Update },
    /// Delete: the item's key.
    Delete(Item),
    /// ConditionCheck: the item's key (the condition is the action's only purpose).
    ConditionCheck(Item),
}

/// One action with its table and ConditionExpression.
#[derive(Debug, Clone)]
pub struct TransactWrite {
    pub table: String,
    pub action: TransactAction,
    pub condition: Option<Condition>,
    /// ReturnValuesOnConditionCheckFailure=ALL_OLD.
    pub item_on_failure: bool,
}

/// The ClientRequestToken of a request, with the request's parameters in a canonical
/// form that tells a retry from a different request.
#[derive(Debug, Clone)]
pub struct ClientToken {
    pub token: String,
    pub fingerprint: String,
}

/// The item one action found and the item it left (the same for a ConditionCheck).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionOutcome {
    pub old: Option<Item>,
    pub new: Option<Item>,
}

/// What a TransactWriteItems did.
#[derive(Debug, Clone, PartialEq)]
pub enum TransactOutcome {
    /// The actions were applied; their outcomes, in order.
    Committed(Vec<ActionOutcome>),
    /// The same request already succeeded with this token: nothing was written. The
    /// items the actions name, as they are now, in order.
    Replayed(Vec<Option<Item>>),
}

impl TransactWrite {
    fn precondition(&self) -> Precondition<'_> {
        Precondition { condition: self.condition.as_ref(), item_on_failure: self.item_on_failure }
    }

    /// Step 2 for one action: the table exists, the key matches its schema, and what the
    /// request alone decides holds. Returns the item's key.
    fn check_request(&self, table: &Table) -> Result<KeyCode> {
        let schema = &table.meta.key_schema;
        match &self.action {
            TransactAction::Put(item) => {
                let key = schema.item_key(item)?;
                check_index_keys(&table.meta.indexes, item)?;
                check_put_item_size(item)?;
                Ok(key)
            }
            TransactAction::Update { key, update } => {
                let code = schema.request_key(key)?;
                refuse_key_updates(schema, update)?;
                Ok(code)
            }
            TransactAction::Delete(key) | TransactAction::ConditionCheck(key) => schema.request_key(key),
        }
    }

    /// Step 3 for one action: its outcome against the current item, or why it fails.
    fn evaluate(&self, table: &Table, code: &KeyCode) -> Result<ActionOutcome> {
        let old = table.get(code).cloned();
        let precondition = self.precondition();
        let new = match &self.action {
            TransactAction::Update { key, update } => {
                plan_update(table, key, code, Some(update), &precondition)?.new.into()
            }
            TransactAction::Put(item) => precondition.check(old.as_ref()).map(|_| Some(item.clone()))?,
            TransactAction::Delete(_) => precondition.check(old.as_ref()).map(|_| None)?,
            TransactAction::ConditionCheck(_) => precondition.check(old.as_ref()).map(|_| old.clone())?,
        };
        Ok(ActionOutcome { old, new })
    }

    fn writes(&self) -> bool {
        !matches!(self.action, TransactAction::ConditionCheck(_))
    }
}

impl Engine {
    /// Applies every action of a TransactWriteItems, or none (see the module doc).
    pub fn transact_write_items(
        &mut self,
        writes: &[TransactWrite],
        token: Option<ClientToken>,
    ) -> Result<TransactOutcome> {
        let now = self.now_millis();
        if let Some(token) = &token {
            if self.transactions.token_use(&token.token, &token.fingerprint, now)? == TokenUse::Replay {
                return Ok(TransactOutcome::Replayed(self.current_items(writes)));
            }
        }
        let items = self.transaction_items(writes)?;
        let outcomes = self.evaluate_transaction(writes, &items)?;
        for ((write, (table, key)), outcome) in writes.iter().zip(&items).zip(&outcomes) {
            if write.writes() {
                self.store_item(table, key.clone(), outcome.new.clone())?;
            }
        }
        let duration = self.knobs.transaction_duration_millis;
        self.transactions.record(items, token.map(|token| (token.token, token.fingerprint)), now, duration);
        Ok(TransactOutcome::Committed(outcomes))
    }

    /// The items at `keys` (table and key attributes) for a TransactGetItems, read at one
    /// moment. A key held by a transaction in flight cancels the read.
    pub fn transact_get_items(&self, keys: &[(String, Item)]) -> Result<Vec<Option<&Item>>> {
        let mut codes = Vec::with_capacity(keys.len());
        for (table_name, key) in keys {
            let table = self.table_for_items(table_name)?;
            codes.push((table, table.meta.key_schema.request_key(key)?));
        }
        let now = self.now_millis();
        let held =
            |(table, code): &(&Table, KeyCode)| self.transactions.holds(&(table.meta.name.clone(), code.clone()), now);
        if codes.iter().any(held) {
            let reasons =
                codes.iter().map(|item| if held(item) { conflict_reason() } else { CancellationReason::none() });
            return Err(cancelled(reasons.collect()));
        }
        Ok(codes.iter().map(|(table, code)| table.get(code)).collect())
    }

    /// A non-transactional write to an item that a transaction in flight holds fails.
    pub(in crate::engine) fn check_not_in_transaction(&self, table: &str, key: &KeyCode) -> Result<()> {
        match self.transactions.holds(&(table.to_string(), key.clone()), self.now_millis()) {
            true => Err(Error::new(ErrorKind::TransactionConflict, ONGOING)),
            false => Ok(()),
        }
    }

    /// Step 2: every action's table and key, checked; no item twice.
    fn transaction_items(&self, writes: &[TransactWrite]) -> Result<Vec<ItemRef>> {
        let mut items = Vec::with_capacity(writes.len());
        for write in writes {
            let table = self.table_for_items(&write.table)?;
            items.push((write.table.clone(), write.check_request(table)?));
        }
        let mut seen = HashSet::new();
        if !items.iter().all(|item| seen.insert(item)) {
            crate::bail_validation!("Transaction request cannot include multiple operations on one item");
        }
        Ok(items)
    }

    /// Step 3: every action's outcome, or the cancellation with one reason per action.
    fn evaluate_transaction(&self, writes: &[TransactWrite], items: &[ItemRef]) -> Result<Vec<ActionOutcome>> {
        let now = self.now_millis();
        let results: Vec<Result<ActionOutcome, CancellationReason>> = writes
            .iter()
            .zip(items)
            .map(|(write, item)| match self.transactions.holds(item, now) {
                true => Err(conflict_reason()),
                false => self.evaluate_one(write, &item.1).map_err(reason_for),
            })
            .collect();
        if results.iter().all(Result::is_ok) {
            return Ok(results.into_iter().flatten().collect());
        }
        let reasons = results.into_iter().map(|result| result.err().unwrap_or_else(CancellationReason::none));
        Err(cancelled(reasons.collect()))
    }

    fn evaluate_one(&self, write: &TransactWrite, code: &KeyCode) -> Result<ActionOutcome> {
        write.evaluate(self.table_for_items(&write.table)?, code)
    }

    /// The items a replayed request's actions name, as they are now (`None` where the
    /// item, its table or a valid key is missing).
    fn current_items(&self, writes: &[TransactWrite]) -> Vec<Option<Item>> {
        let current = |write: &TransactWrite| {
            let table = self.table(&write.table)?;
            let code = write.check_request(table).ok()?;
            table.get(&code).cloned()
        };
        writes.iter().map(current).collect()
    }
}

/// The TransactionCanceledException for these reasons, whose message lists their codes.
pub(crate) fn cancelled(reasons: Vec<CancellationReason>) -> Error {
    let codes: Vec<&str> = reasons.iter().map(|reason| reason.code).collect();
    let message =
        format!("Transaction cancelled, please refer cancellation reasons for specific reasons [{}]", codes.join(", "));
    Error { cancellation_reasons: reasons, ..Error::new(ErrorKind::TransactionCanceled, message) }
}

fn conflict_reason() -> CancellationReason {
    CancellationReason { code: "TransactionConflict", message: Some(ONGOING.to_string()), item: None }
}

/// An action's failure as its cancellation reason: a failed condition (with the item
/// when asked), or a validation error found while evaluating it.
fn reason_for(error: Error) -> CancellationReason {
    let code = match error.kind {
        ErrorKind::ConditionalCheckFailed => "ConditionalCheckFailed",
        ErrorKind::Validation => "ValidationError",
        _ => "InternalError",
    };
    CancellationReason { code, message: Some(error.message), item: error.item }
}
