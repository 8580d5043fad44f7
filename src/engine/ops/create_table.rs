//! CreateTable: a new, empty table; and the billing and capacity rules every table obeys.

use crate::engine::ops::tags::check_tag_count;
use crate::engine::{BillingMode, Change, Engine, Table, TableMeta};
use crate::error::{Error, ErrorKind, Result};
use crate::region;

/// The largest capacity a request may name at all; larger values are "out of bounds".
const MAX_REQUESTED_CAPACITY: u64 = 1_000_000_000_000;

impl Engine {
    /// The most read (and the most write) capacity units one table may provision.
    pub const TABLE_MAX_CAPACITY_UNITS: u64 = 40_000;
    /// The most read (and the most write) capacity units all tables together may provision.
    pub const ACCOUNT_MAX_CAPACITY_UNITS: u64 = 80_000;

    /// Creates a table with the settings in `meta`. The engine assigns its `id`,
    /// `created_millis` and, for an on-demand table, `last_pay_per_request_millis`,
    /// replacing whatever the caller put there. Creation takes no time here, so the table
    /// is ACTIVE as soon as this returns.
    pub fn create_table(&mut self, mut meta: TableMeta) -> Result<&Table> {
        if self.tables.contains_key(&meta.name) {
            return Err(Error::new(ErrorKind::ResourceInUse, format!("Table already exists: {}", meta.name)));
        }
        check_tag_count(meta.tags.len())?;
        self.check_capacity(&meta.name, &meta.billing)?;
        let now = self.now_millis();
        meta.id = self.ids.uuid().into();
        meta.created_millis = now;
        meta.last_pay_per_request_millis = (meta.billing == BillingMode::PayPerRequest).then_some(now);
        self.changes.push(Change::TableMeta { old: None, new: Box::new(meta.clone()) });
        let name = meta.name.clone();
        Ok(self.tables.entry(name).or_insert(Table::new(meta)))
    }

    /// Checks provisioned capacity against the per-table and the account limits. `table`
    /// is the table being created or updated: its current capacity is not counted twice.
    pub(super) fn check_capacity(&self, table: &str, billing: &BillingMode) -> Result<()> {
        let BillingMode::Provisioned { read, write } = *billing else {
            return Ok(());
        };
        let (reserved_read, reserved_write) = self
            .tables
            .values()
            .filter(|other| other.meta.name != table)
            .map(|other| provisioned_units(&other.meta.billing))
            .fold((0, 0), |(r, w), (read, write)| (r + read, w + write));
        let requests = [("ReadCapacityUnits", read, reserved_read), ("WriteCapacityUnits", write, reserved_write)];
        for (unit, requested, _) in requests {
            check_table_limit(unit, requested)?;
        }
        for (unit, requested, reserved) in requests {
            check_account_limit(unit, requested, reserved)?;
        }
        Ok(())
    }
}

impl BillingMode {
    /// CreateTable's billing: on-demand takes no throughput, while provisioned billing (the
    /// default) needs both capacities.
    pub fn for_new_table(on_demand: bool, throughput: Option<(u64, u64)>) -> Result<BillingMode> {
        match (on_demand, throughput) {
            (true, None) => Ok(BillingMode::PayPerRequest),
            (true, Some(_)) => Err(throughput_with_on_demand()),
            (false, None) => Err(crate::validation!(
                "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
            )),
            (false, Some((read, write))) => provisioned(read, write),
        }
    }
}

/// Provisioned billing with these capacities, which must not be absurdly large.
pub(super) fn provisioned(read: u64, write: u64) -> Result<BillingMode> {
    for (unit, value) in [("ReadCapacityUnits", read), ("WriteCapacityUnits", write)] {
        if value > MAX_REQUESTED_CAPACITY {
            crate::bail_validation!("Given value {value} for {unit} is out of bounds");
        }
    }
    Ok(BillingMode::Provisioned { read, write })
}

/// DynamoDB's refusal of provisioned throughput for on-demand billing.
pub(super) fn throughput_with_on_demand() -> Error {
    crate::validation!(
        "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
    )
}

/// The read and write capacity a table reserves (none when on-demand).
fn provisioned_units(billing: &BillingMode) -> (u64, u64) {
    match *billing {
        BillingMode::Provisioned { read, write } => (read, write),
        BillingMode::PayPerRequest => (0, 0),
    }
}

fn check_table_limit(unit: &str, requested: u64) -> Result<()> {
    let (limit, region) = (Engine::TABLE_MAX_CAPACITY_UNITS, region::current());
    if requested <= limit {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::LimitExceeded,
        format!(
            "The requested {unit}, {requested}, is above the per table maximum for the account in {region}. Per table maximum: {limit}. {REFER_TO_LIMITS}"
        ),
    ))
}

fn check_account_limit(unit: &str, requested: u64, reserved: u64) -> Result<()> {
    let (limit, region) = (Engine::ACCOUNT_MAX_CAPACITY_UNITS, region::current());
    if reserved + requested <= limit {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::LimitExceeded,
        format!(
            "This request would have caused the {unit} limit to be exceeded for the account in {region}. Current {unit} reserved by the account: {reserved}. Limit: {limit}. Requested: {requested}. {REFER_TO_LIMITS}"
        ),
    ))
}

/// The sentence DynamoDB ends its capacity errors with.
pub(super) const REFER_TO_LIMITS: &str =
    "Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.";

/// Settings for a table with a string partition key `id`, for tests of the engine and the indexes.
#[cfg(test)]
pub(crate) fn sample_meta(name: &str, billing: BillingMode) -> TableMeta {
    use crate::model::{KeyAttribute, KeySchema, ScalarType};
    let partition = KeyAttribute { name: "id".into(), scalar: ScalarType::S };
    TableMeta {
        name: name.into(),
        id: "".into(),
        key_schema: KeySchema { partition, sort: None },
        attribute_definitions: vec![("id".into(), ScalarType::S)],
        billing,
        last_pay_per_request_millis: None,
        created_millis: 0,
        tags: Vec::new(),
        deletion_protection: false,
        table_class: None,
        indexes: Vec::new(),
        auto_scaling: Vec::new(),
        streams: Vec::new(),
        time_to_live: None,
        kinesis_destinations: Vec::new(),
        point_in_time_recovery: None,
        restore_summary: None,
        kms_key_arn: None,
        resource_policy: None,
        contributor_insights: Vec::new(),
    }
}

/// An engine on a manual clock, for tests of the engine and the indexes.
#[cfg(test)]
pub(crate) fn sample_engine() -> Engine {
    Engine::new(Box::new(crate::clock::ManualClock::new(1_700_000_000_000)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creation_assigns_id_and_times_and_a_failed_commit_undoes_it() {
        let mut engine = sample_engine();
        let table = engine.create_table(sample_meta("t1", BillingMode::PayPerRequest)).unwrap();
        assert_eq!(table.meta.id.len(), 36);
        assert_eq!(table.meta.last_pay_per_request_millis, Some(1_700_000_000_000));
        let changes = engine.take_changes();
        assert!(matches!(&changes[..], [Change::TableMeta { old: None, .. }]));
        engine.revert(changes);
        assert!(engine.table("t1").is_none());
    }

    #[test]
    fn account_capacity_counts_the_other_tables() {
        let mut engine = sample_engine();
        let big = BillingMode::Provisioned { read: 40_000, write: 1 };
        engine.create_table(sample_meta("t1", big.clone())).unwrap();
        engine.create_table(sample_meta("t2", big.clone())).unwrap();
        assert!(engine.check_capacity("t1", &big).is_ok());
        let error = engine.create_table(sample_meta("t3", big)).unwrap_err();
        assert_eq!(error.kind, ErrorKind::LimitExceeded);
        assert!(
            error.message.contains("reserved by the account: 80000. Limit: 80000. Requested: 40000."),
            "{}",
            error.message
        );
    }

    #[test]
    fn new_tables_default_to_provisioned_billing_which_needs_throughput() {
        assert_eq!(BillingMode::for_new_table(false, Some((1, 2))), Ok(BillingMode::Provisioned { read: 1, write: 2 }));
        assert!(BillingMode::for_new_table(false, None).unwrap_err().message.contains("must both be specified"));
        assert!(BillingMode::for_new_table(true, Some((1, 1))).unwrap_err().message.contains("Neither"));
    }

    #[test]
    fn absurd_capacities_are_out_of_bounds() {
        let error = provisioned(1, 1_000_000_000_001).unwrap_err();
        assert_eq!(error.message, "Given value 1000000000001 for WriteCapacityUnits is out of bounds");
    }
}
