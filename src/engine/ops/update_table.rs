//! UpdateTable: change a table's billing and throughput, deletion protection or class.
//!
//! DynamoDB makes one kind of change per request (the api layer refuses combinations), so
//! each kind has its own method. Changes take no time here: the table is ACTIVE again as
//! soon as the method returns.

use crate::engine::ops::create_table::{provisioned, throughput_with_on_demand, REFER_TO_LIMITS};
use crate::engine::{table_not_found, BillingMode, Change, Engine, IndexKind, Table, TableClass, TableMeta};
use crate::error::Result;

impl Engine {
    /// Switches billing mode and/or sets provisioned throughput. `on_demand` is the
    /// request's BillingMode (`Some(true)` for PAY_PER_REQUEST, `Some(false)` for
    /// PROVISIONED, `None` when absent), `throughput` its (read, write) capacity.
    /// Returns the settings as they were, and the table as it is now.
    pub fn update_billing(
        &mut self,
        name: &str,
        on_demand: Option<bool>,
        throughput: Option<(u64, u64)>,
    ) -> Result<(TableMeta, &Table)> {
        let billing = requested_billing(on_demand, throughput)?;
        let old = self.table_for_control(name)?.meta.clone();
        check_billing_change(&old.billing, &billing, on_demand.is_some())?;
        self.check_capacity(name, &billing)?;
        let mut new = old.clone();
        if billing == BillingMode::PayPerRequest && old.billing != billing {
            new.last_pay_per_request_millis = Some(self.now_millis());
        }
        // Global indexes follow the table's billing. Switching to provisioned needs each
        // one's throughput in GlobalSecondaryIndexUpdates, which Dynaplay does not take yet.
        let global: Vec<&str> = old.indexes_of(IndexKind::Global).map(|(_, index)| index.name.as_str()).collect();
        if old.billing == BillingMode::PayPerRequest && billing != BillingMode::PayPerRequest && !global.is_empty() {
            crate::bail_validation!(
                "One or more parameter values were invalid: ProvisionedThroughput must be specified for index: {}",
                global.join(",")
            );
        }
        if billing == BillingMode::PayPerRequest {
            for index in new.indexes.iter_mut().filter(|index| index.kind == IndexKind::Global) {
                index.throughput = None;
            }
        }
        new.billing = billing;
        self.replace_meta(new)
    }

    /// Turns deletion protection on or off; returns the old settings and the table.
    pub fn update_deletion_protection(&mut self, name: &str, enabled: bool) -> Result<(TableMeta, &Table)> {
        let mut new = self.table_for_control(name)?.meta.clone();
        new.deletion_protection = enabled;
        self.replace_meta(new)
    }

    /// Switches the table's encryption to the KMS key `kms_key_arn`, or to an AWS owned
    /// key (None). The switch is immediate.
    pub fn update_encryption(&mut self, name: &str, kms_key_arn: Option<String>) -> Result<(TableMeta, &Table)> {
        let mut new = self.table_for_control(name)?.meta.clone();
        new.kms_key_arn = kms_key_arn;
        self.replace_meta(new)
    }

    /// Stores settings whose global secondary indexes UpdateTable's
    /// GlobalSecondaryIndexUpdates changed (the api layer checks them against the table).
    /// A new index is backfilled from the items at once (though with the GsiBackfillMillis
    /// knob it stays CREATING that long); a deleted one's entries go.
    pub fn update_global_indexes(&mut self, mut new: TableMeta) -> Result<(TableMeta, &Table)> {
        let old = &self.table_for_control(&new.name)?.meta;
        let backfill = self.knobs.gsi_backfill_millis;
        let until = (backfill > 0).then(|| self.now_millis().saturating_add(backfill));
        for index in new.indexes.iter_mut().filter(|index| old.index(&index.name).is_none()) {
            index.backfilling_until_millis = until;
        }
        self.replace_meta(new)
    }

    /// Global indexes whose backfill time has passed become ACTIVE.
    pub(in crate::engine) fn finish_backfills(&mut self) {
        let now = self.now_millis();
        let done = |meta: &TableMeta| {
            meta.indexes.iter().any(|index| index.backfilling_until_millis.is_some_and(|until| until <= now))
        };
        let finished: Vec<TableMeta> =
            self.tables.values().map(|table| &table.meta).filter(|meta| done(meta)).cloned().collect();
        for mut meta in finished {
            for index in &mut meta.indexes {
                index.backfilling_until_millis = index.backfilling_until_millis.filter(|until| *until > now);
            }
            // The table exists: it was just read from the same map.
            let _ = self.replace_meta(meta);
        }
    }

    /// Sets the table class; returns the old settings and the table.
    pub fn update_table_class(&mut self, name: &str, class: TableClass) -> Result<(TableMeta, &Table)> {
        let mut new = self.table_for_control(name)?.meta.clone();
        new.table_class = Some(class);
        self.replace_meta(new)
    }

    /// Stores new settings for an existing table, recording the change only when there is
    /// one; returns the settings as they were, and the table.
    pub(in crate::engine) fn replace_meta(&mut self, new: TableMeta) -> Result<(TableMeta, &Table)> {
        let now = self.now_millis();
        let table = self.tables.get_mut(&new.name).ok_or_else(|| table_not_found(&new.name))?;
        let old = table.replace_meta(new);
        if table.traffic.reconfigure(&table.meta, now) {
            table.recount_partitions();
        }
        if old != table.meta {
            let new = Box::new(table.meta.clone());
            self.changes.push(Change::TableMeta { old: Some(Box::new(old.clone())), new });
        }
        Ok((old, table))
    }
}

/// The billing an UpdateTable request asks for, from its BillingMode and throughput alone.
fn requested_billing(on_demand: Option<bool>, throughput: Option<(u64, u64)>) -> Result<BillingMode> {
    match (on_demand, throughput) {
        (Some(true), Some(_)) => Err(throughput_with_on_demand()),
        (Some(true), None) => Ok(BillingMode::PayPerRequest),
        (_, Some((read, write))) => provisioned(read, write),
        (_, None) => Err(crate::validation!(
            "One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is PROVISIONED"
        )),
    }
}

/// Refuses throughput alone for an on-demand table, and throughput that would not change.
fn check_billing_change(old: &BillingMode, new: &BillingMode, mode_named: bool) -> Result<()> {
    match (old, new) {
        (BillingMode::PayPerRequest, BillingMode::Provisioned { .. }) if !mode_named => Err(throughput_with_on_demand()),
        (BillingMode::Provisioned { read, write }, BillingMode::Provisioned { read: new_read, write: new_write })
            if (read, write) == (new_read, new_write) =>
        {
            Err(crate::validation!(
                "The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: {read}. Requested ReadCapacityUnits: {new_read}. Current WriteCapacityUnits provisioned for the table: {write}. Requested WriteCapacityUnits: {new_write}. {REFER_TO_LIMITS}"
            ))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ops::create_table::{sample_engine, sample_meta};

    #[test]
    fn a_switch_to_on_demand_is_recorded_and_a_failed_commit_undoes_it() {
        let mut engine = sample_engine();
        engine.create_table(sample_meta("t1", BillingMode::Provisioned { read: 1, write: 1 })).unwrap();
        engine.take_changes();
        let (old, table) = engine.update_billing("t1", Some(true), None).unwrap();
        assert_eq!(old.billing, BillingMode::Provisioned { read: 1, write: 1 });
        assert_eq!(table.meta.last_pay_per_request_millis, Some(1_700_000_000_000));
        let changes = engine.take_changes();
        assert!(matches!(&changes[..], [Change::TableMeta { old: Some(_), .. }]));
        engine.revert(changes);
        assert_eq!(engine.table("t1").map(|table| &table.meta), Some(&old));
    }

    #[test]
    fn an_update_that_changes_nothing_records_nothing() {
        let mut engine = sample_engine();
        engine.create_table(sample_meta("t1", BillingMode::PayPerRequest)).unwrap();
        engine.take_changes();
        engine.update_billing("t1", Some(true), None).unwrap();
        engine.update_deletion_protection("t1", false).unwrap();
        assert!(engine.take_changes().is_empty());
    }

    #[test]
    fn provisioned_mode_without_throughput_is_refused() {
        let error = requested_billing(Some(false), None).unwrap_err();
        assert!(error.message.ends_with("ProvisionedThroughput must be specified when BillingMode is PROVISIONED"));
    }

    #[test]
    fn switching_to_provisioned_needs_the_mode_named() {
        let provisioned = BillingMode::Provisioned { read: 1, write: 1 };
        assert!(check_billing_change(&BillingMode::PayPerRequest, &provisioned, false).is_err());
        assert!(check_billing_change(&BillingMode::PayPerRequest, &provisioned, true).is_ok());
    }
}
