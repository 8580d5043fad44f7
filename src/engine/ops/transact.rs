//! TransactWriteItems and TransactGetItems: up to 100 actions across tables, all or
//! nothing, and a consistent read of up to 100 items.
//!
//! A write transaction runs in four steps, and only the last one mutates:
//!
//! 1. [`TransactionLedger::token_use`]: a ClientRequestToken seen in the last ten minutes
//!    makes the request a replay (nothing is written again) or an error.
//! 2. What the request alone decides, refused outright as the single-item operations
//!    refuse it: each table exists; no key value is empty or too long; a Put's item fits
//!    in 400 KB; an Update leaves the key attributes alone; no two actions target one
//!    item.
//! 3. Each action against the state before the transaction: its key matches the table's
//!    schema (a Put's index keys too), no transaction in flight holds the item, the
//!    condition holds ([`Precondition`]), an Update's result is valid
//!    ([`apply_update`]), the item collection stays within its limit. Every failure
//!    becomes that action's [`CancellationReason`]; one cancels the whole transaction
//!    with TransactionCanceledException. (AWS was observed drawing the line there:
//!    an empty key value is a ValidationException, a mistyped one a cancellation.)
//! 4. [`Engine::store_item`] for every write (undone should the writes together outgrow an
//!    item collection), and the [`TransactionLedger`] record.
//!
//! The engine is synchronous, so a read of many items is consistent by construction.

use crate::engine::ledger::{ItemRef, TokenUse};
use crate::engine::ops::put::{check_collection_growth, check_put_item_size, Precondition};
use crate::engine::ops::update::{apply_update, check_updated_size, refuse_key_updates};
use crate::engine::{Engine, Table};
use crate::error::{CancellationReason, Error, ErrorKind, Result};
use crate::expr::{Condition, Update};
use crate::index::{check_index_key_types, check_index_key_values, EmptyKeyWording};
use crate::model::{Item, KeyCode};
use std::collections::HashSet;
use std::rc::Rc;

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

/// An action's result in step 3: its key and outcome, or the error that becomes its
/// cancellation reason.
type Evaluation = Result<(KeyCode, ActionOutcome), Error>;

impl TransactWrite {
    fn precondition(&self) -> Precondition<'_> {
        Precondition { condition: self.condition.as_ref(), item_on_failure: self.item_on_failure }
    }

    /// The item or key the action names.
    pub fn named(&self) -> &Item {
        match &self.action {
            TransactAction::Put(item) => item,
            TransactAction::Update { key, .. } | TransactAction::Delete(key) | TransactAction::ConditionCheck(key) => {
                key
            }
        }
    }

    /// Step 2 for one action. Returns the item's key, unless it does not match the
    /// table's schema (step 3 reports that).
    fn check_request(&self, table: &Table) -> Result<Option<KeyCode>> {
        let schema = &table.meta.key_schema;
        schema.check_key_values(self.named())?;
        match &self.action {
            TransactAction::Put(item) => {
                check_index_key_values(&table.meta.indexes, item, EmptyKeyWording::Item)?;
                check_put_item_size(item)?;
            }
            TransactAction::Update { update, .. } => refuse_key_updates(schema, update)?,
            TransactAction::Delete(_) | TransactAction::ConditionCheck(_) => {}
        }
        Ok(self.key(table).ok())
    }

    /// The item's key: a Put's with PutItem's messages (and its index keys checked), the
    /// others' with the terse schema message.
    fn key(&self, table: &Table) -> Result<KeyCode> {
        let schema = &table.meta.key_schema;
        match &self.action {
            TransactAction::Put(item) => {
                let key = schema.item_key(item)?;
                check_index_key_types(&table.meta.indexes, item)?;
                Ok(key)
            }
            _ => schema.request_key(self.named()),
        }
    }

    /// Step 3 for one action whose key is `code`; an Update's empty index key value is
    /// refused outright.
    fn evaluate(&self, table: &Table, code: KeyCode, collection_limit: u64) -> Result<Evaluation> {
        let outcome = match self.outcome(table, &code)? {
            Ok(outcome) => outcome,
            Err(error) => return Ok(Err(error)),
        };
        let growth = match self.writes() {
            true => check_collection_growth(table, outcome.new.as_ref(), outcome.old.as_ref(), collection_limit),
            false => Ok(()),
        };
        Ok(growth.map(|_| (code, outcome)))
    }

    /// The item before and after the action, if its condition holds and, for an Update,
    /// its result is valid.
    fn outcome(&self, table: &Table, code: &KeyCode) -> Result<Result<ActionOutcome, Error>> {
        if let TransactAction::Update { key, update } = &self.action {
            let updated = match apply_update(table, key, code, Some(update), &self.precondition(), true) {
                Ok(updated) => updated,
                Err(error) => return Ok(Err(error)),
            };
            check_index_key_values(&table.meta.indexes, &updated.new, EmptyKeyWording::Update)?;
            let valid =
                check_index_key_types(&table.meta.indexes, &updated.new).and_then(|_| check_updated_size(&updated));
            return Ok(valid.map(|_| ActionOutcome {
                old: updated.old.map(Rc::unwrap_or_clone),
                new: Some(Rc::unwrap_or_clone(updated.new)),
            }));
        }
        let old = table.get(code);
        if let Err(error) = self.precondition().check(old.as_ref()) {
            return Ok(Err(error));
        }
        let new = match &self.action {
            TransactAction::Put(item) => Some(item.clone()),
            TransactAction::Delete(_) => None,
            // A ConditionCheck leaves the item as it is.
            TransactAction::ConditionCheck(_) | TransactAction::Update { .. } => old.clone(),
        };
        Ok(Ok(ActionOutcome { old, new }))
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
        self.check_transaction_request(writes)?;
        let evaluated = self.evaluate_transaction(writes)?;
        let (items, outcomes): (Vec<ItemRef>, Vec<ActionOutcome>) =
            writes.iter().zip(evaluated).map(|(write, (code, outcome))| ((write.table.clone(), code), outcome)).unzip();
        self.apply_transaction(writes, &items, &outcomes)?;
        let duration = self.knobs.transaction_duration_millis;
        self.transactions.record(items, token.map(|token| (token.token, token.fingerprint)), now, duration);
        Ok(TransactOutcome::Committed(outcomes))
    }

    /// The items at `keys` (table and key attributes) for a TransactGetItems, read at one
    /// moment. A key that does not match its table's schema, or an item held by a
    /// transaction in flight, cancels the read.
    pub fn transact_get_items<'a>(&'a self, keys: &[(String, Item)]) -> Result<Vec<Option<Item>>> {
        let mut tables = Vec::with_capacity(keys.len());
        for (table_name, key) in keys {
            let table = self.table_for_items(table_name)?;
            table.meta.key_schema.check_key_values(key)?;
            tables.push(table);
        }
        let now = self.now_millis();
        let read = |(table, (_, key)): (&'a Table, &(String, Item))| -> Result<Option<Item>> {
            let code = table.meta.key_schema.request_key(key)?;
            match self.transactions.holds(&table.meta.name, &code, now) {
                true => Err(conflict()),
                false => Ok(table.get(&code)),
            }
        };
        cancel_on_failure(tables.into_iter().zip(keys).map(read).collect())
    }

    /// A non-transactional write to an item that a transaction in flight holds fails.
    pub(in crate::engine) fn check_not_in_transaction(&self, table: &str, key: &KeyCode) -> Result<()> {
        match self.transactions.holds(table, key, self.now_millis()) {
            true => Err(conflict()),
            false => Ok(()),
        }
    }

    /// Step 2: the request-level checks of every action, then no item twice (among the
    /// keys that match their schema).
    fn check_transaction_request(&self, writes: &[TransactWrite]) -> Result<()> {
        let mut keys = Vec::with_capacity(writes.len());
        for write in writes {
            let table = self.table_for_items(&write.table)?;
            keys.push(write.check_request(table)?.map(|code| (write.table.as_str(), code)));
        }
        let mut seen = HashSet::new();
        if !keys.iter().flatten().all(|item| seen.insert(item)) {
            crate::bail_validation!("Transaction request cannot include multiple operations on one item");
        }
        Ok(())
    }

    /// Step 3: every action's key and outcome, or the cancellation with one reason per
    /// action.
    fn evaluate_transaction(&self, writes: &[TransactWrite]) -> Result<Vec<(KeyCode, ActionOutcome)>> {
        let (now, limit) = (self.now_millis(), self.knobs.item_collection_size_limit_bytes);
        let mut results = Vec::with_capacity(writes.len());
        for write in writes {
            let table = self.table_for_items(&write.table)?;
            let evaluation = match write.key(table) {
                Err(error) => Err(error),
                Ok(code) if self.transactions.holds(&write.table, &code, now) => Err(conflict()),
                Ok(code) => write.evaluate(table, code, limit)?,
            };
            results.push(evaluation);
        }
        cancel_on_failure(results)
    }

    /// Step 4: stores every write. Each action was checked alone; should several together
    /// outgrow an item collection, the writes already stored are undone and the action
    /// that failed cancels the transaction.
    fn apply_transaction(
        &mut self,
        writes: &[TransactWrite],
        items: &[ItemRef],
        outcomes: &[ActionOutcome],
    ) -> Result<()> {
        self.all_or_nothing(|engine| {
            for (position, ((write, (table, key)), outcome)) in writes.iter().zip(items).zip(outcomes).enumerate() {
                if !write.writes() {
                    continue;
                }
                if let Err(error) = engine.store_item(table, key.clone(), outcome.new.clone()) {
                    let mut reasons = vec![CancellationReason::none(); writes.len()];
                    if let Some(reason) = reasons.get_mut(position) {
                        *reason = reason_for(error);
                    }
                    return Err(cancelled(reasons));
                }
            }
            Ok(())
        })
    }

    /// The items a replayed request's actions name, as they are now (`None` where the
    /// item, its table or a valid key is missing).
    fn current_items(&self, writes: &[TransactWrite]) -> Vec<Option<Item>> {
        let current = |write: &TransactWrite| {
            let table = self.table(&write.table)?;
            table.get(&write.key(table).ok()?)
        };
        writes.iter().map(current).collect()
    }
}

/// Every action's result, or, when any failed, the cancellation whose reasons say which
/// and why.
fn cancel_on_failure<T>(results: Vec<Result<T>>) -> Result<Vec<T>> {
    if results.iter().all(Result::is_ok) {
        return Ok(results.into_iter().flatten().collect());
    }
    let reasons = results.into_iter().map(|result| result.err().map_or_else(CancellationReason::none, reason_for));
    Err(cancelled(reasons.collect()))
}

/// The TransactionCanceledException for these reasons, whose message lists their codes.
pub(crate) fn cancelled(reasons: Vec<CancellationReason>) -> Error {
    let codes: Vec<&str> = reasons.iter().map(|reason| reason.code).collect();
    let message =
        format!("Transaction cancelled, please refer cancellation reasons for specific reasons [{}]", codes.join(", "));
    Error { cancellation_reasons: reasons, ..Error::new(ErrorKind::TransactionCanceled, message) }
}

/// What a write or transaction meets at an item a transaction in flight holds.
fn conflict() -> Error {
    Error::new(ErrorKind::TransactionConflict, "Transaction is ongoing for the item")
}

/// An action's failure as its cancellation reason: a failed condition (with the item
/// when asked), a validation error found while evaluating it, an outgrown item
/// collection, or a transaction in flight.
fn reason_for(error: Error) -> CancellationReason {
    let code = match error.kind {
        ErrorKind::ConditionalCheckFailed => "ConditionalCheckFailed",
        ErrorKind::Validation => "ValidationError",
        ErrorKind::ItemCollectionSizeLimitExceeded => "ItemCollectionSizeLimitExceeded",
        ErrorKind::TransactionConflict => "TransactionConflict",
        _ => "InternalError",
    };
    CancellationReason { code, message: Some(error.message), item: error.item }
}
