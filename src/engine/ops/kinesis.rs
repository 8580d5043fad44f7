//! Kinesis: the simulated data streams (create, delete, retention, consumers, records)
//! and a table's Kinesis streaming destination, which puts one record per item change
//! into its data stream.
//!
//! Status transitions are immediate: a stream is ACTIVE once created, a destination
//! ACTIVE once enabled (the Enable response still says ENABLING, as DynamoDB's does)
//! and DISABLED once disabled (docs/differences.md).

use crate::engine::{Change, Engine, KinesisDestination, TimestampPrecision, ACCOUNT_ID};
use crate::error::{Error, ErrorKind, Result};
use crate::json::{self, json};
use crate::kinesis::{
    parse_stream_arn, Consumer, DataRecord, DataStream, StreamMode, MAX_RETENTION_HOURS, MIN_RETENTION_HOURS,
};
use crate::model::{item_size, Item};
use crate::region;
use crate::stream::{EventName, Origin};
use crate::transfer::md5;
use serde_json::{Map, Value};
use std::rc::Rc;

/// The shards an account may have across its streams (us-east-1's default quota).
const ACCOUNT_SHARD_LIMIT: u64 = 500;
/// The consumers a stream may have registered at once.
const CONSUMER_LIMIT: usize = 20;

/// Which way a retention period may move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetentionChange {
    /// IncreaseStreamRetentionPeriod.
    Increase,
    /// DecreaseStreamRetentionPeriod.
    Decrease,
}

/// A record a user puts: its partition key, its bytes, and an explicit hash key that
/// overrides the partition key's when given.
pub struct NewRecord {
    pub partition_key: String,
    pub data: Vec<u8>,
    pub explicit_hash_key: Option<u128>,
}

impl Engine {
    /// The data stream `name`; Kinesis's not-found error otherwise.
    pub fn data_stream(&self, name: &str) -> Result<&DataStream> {
        self.kinesis.stream(name).ok_or_else(|| stream_error(ErrorKind::ResourceNotFound, name, "not found."))
    }

    /// Records a stream's new settings (a new stream's too).
    fn replace_data_stream(&mut self, stream: DataStream) {
        let old = self.kinesis.put_stream(stream.clone());
        self.changes.push(Change::DataStream { old: old.map(Box::new), new: Box::new(stream) });
    }

    /// Creates a data stream, ACTIVE at once.
    pub fn create_data_stream(&mut self, name: &str, mode: StreamMode, shard_count: u32) -> Result<()> {
        if self.kinesis.stream(name).is_some() {
            return Err(stream_error(ErrorKind::ResourceInUse, name, "already exists."));
        }
        let current: u64 = self.kinesis.streams().map(|stream| u64::from(stream.shard_count)).sum();
        let region = region::current();
        if current + u64::from(shard_count) > ACCOUNT_SHARD_LIMIT {
            return Err(Error::new(
                ErrorKind::LimitExceeded,
                format!(
                    "This request would exceed the shard limit for the account {ACCOUNT_ID} in {region}. Current limit of shards: {ACCOUNT_SHARD_LIMIT}, Current number of shards: {current}, Requested number of shards: {shard_count}."
                ),
            ));
        }
        let stream = DataStream {
            name: name.to_string(),
            created_millis: self.now_millis(),
            mode,
            shard_count,
            retention_hours: MIN_RETENTION_HOURS as u32,
            consumers: Vec::new(),
        };
        self.replace_data_stream(stream);
        Ok(())
    }

    /// Deletes a data stream and its records; one with registered consumers only when
    /// `enforce_consumer_deletion` says so.
    pub fn delete_data_stream(&mut self, name: &str, enforce_consumer_deletion: bool) -> Result<()> {
        if !self.data_stream(name)?.consumers.is_empty() && !enforce_consumer_deletion {
            return Err(stream_error(ErrorKind::ResourceInUse, name, "has registered consumers."));
        }
        if let (Some(stream), records) = self.kinesis.remove_stream(name) {
            self.changes.push(Change::DataStreamDeleted { stream: Box::new(stream), records });
        }
        Ok(())
    }

    /// Raises or lowers a stream's retention period, with Kinesis's checks.
    pub fn change_retention(&mut self, name: &str, hours: i64, direction: RetentionChange) -> Result<()> {
        let stream = self.data_stream(name)?;
        let invalid = |message: String| Err(Error::new(ErrorKind::InvalidArgument, message));
        if hours < MIN_RETENTION_HOURS {
            return invalid(format!(
                "Minimum allowed retention period is {MIN_RETENTION_HOURS} hours. Requested retention period ({hours} hours) is too short."
            ));
        }
        if hours > MAX_RETENTION_HOURS {
            return invalid(format!(
                "Maximum allowed retention period is {MAX_RETENTION_HOURS} hours. Requested retention period ({hours} hours) is too long."
            ));
        }
        let current = i64::from(stream.retention_hours);
        match direction {
            RetentionChange::Increase if hours < current => {
                return invalid(format!(
                    "Requested retention period ({hours} hours) for stream {name} can not be shorter than existing retention period ({current} hours). Use DecreaseRetentionPeriod API."
                ))
            }
            RetentionChange::Decrease if hours > current => {
                return invalid(format!(
                    "Requested retention period ({hours} hours) for stream {name} can not be longer than existing retention period ({current} hours). Use IncreaseRetentionPeriod API."
                ))
            }
            _ => {}
        }
        let mut new = stream.clone();
        new.retention_hours = hours as u32;
        self.replace_data_stream(new);
        Ok(())
    }

    /// Registers a consumer of the stream `name`; returns the stream and the consumer.
    pub fn register_consumer(&mut self, name: &str, consumer_name: &str) -> Result<(DataStream, Consumer)> {
        let mut stream = self.data_stream(name)?.clone();
        if stream.consumers.iter().any(|consumer| consumer.name == consumer_name) {
            let message = format!("Consumer {consumer_name} under account {ACCOUNT_ID} already exists.");
            return Err(Error::new(ErrorKind::ResourceInUse, message));
        }
        if stream.consumers.len() >= CONSUMER_LIMIT {
            let message = format!("Consumer limit of {CONSUMER_LIMIT} for stream {} reached.", stream.arn());
            return Err(Error::new(ErrorKind::LimitExceeded, message));
        }
        let consumer = Consumer { name: consumer_name.to_string(), created_millis: self.now_millis() };
        stream.consumers.push(consumer.clone());
        self.replace_data_stream(stream.clone());
        Ok((stream, consumer))
    }

    /// The consumer `consumer_name` of the stream `name`; Kinesis's not-found error otherwise.
    pub fn consumer(&self, name: &str, consumer_name: &str) -> Result<(&DataStream, &Consumer)> {
        let stream = self.data_stream(name)?;
        let consumer = stream.consumers.iter().find(|consumer| consumer.name == consumer_name);
        let not_found = || {
            let message = format!("Consumer {consumer_name} under account {ACCOUNT_ID} not found.");
            Error::new(ErrorKind::ResourceNotFound, message)
        };
        consumer.map(|consumer| (stream, consumer)).ok_or_else(not_found)
    }

    /// Deregisters a consumer.
    pub fn deregister_consumer(&mut self, name: &str, consumer_name: &str) -> Result<()> {
        let mut stream = self.consumer(name, consumer_name)?.0.clone();
        stream.consumers.retain(|consumer| consumer.name != consumer_name);
        self.replace_data_stream(stream);
        Ok(())
    }

    /// Puts records into the stream `name`, in order; returns them as stored.
    pub fn put_data_records(&mut self, name: &str, records: Vec<NewRecord>) -> Result<Vec<Rc<DataRecord>>> {
        let stream = self.data_stream(name)?;
        let shards: Vec<u32> = records
            .iter()
            .map(|record| {
                stream.shard_for(
                    record.explicit_hash_key.unwrap_or_else(|| crate::kinesis::hash_key(&record.partition_key)),
                )
            })
            .collect();
        let name: Rc<str> = Rc::from(name);
        let now = self.now_millis();
        let mut put = Vec::with_capacity(records.len());
        for (record, shard) in records.into_iter().zip(shards) {
            let sequence = self.kinesis.next_sequence(now);
            let (partition_key, data) = (record.partition_key, record.data);
            let record = DataRecord { stream: name.clone(), shard, sequence, arrival_millis: now, partition_key, data };
            put.push(self.append_data_record(record));
        }
        Ok(put)
    }

    /// Enables the table's Kinesis streaming destination to the data stream `stream_arn`.
    pub fn enable_kinesis_destination(
        &mut self,
        table_name: &str,
        stream_arn: &str,
        precision: TimestampPrecision,
    ) -> Result<()> {
        let mut meta = self.table_for_control(table_name)?.meta.clone();
        if parse_stream_arn(stream_arn).and_then(|name| self.kinesis.stream(name)).is_none() {
            crate::bail_validation!("Kinesis stream {stream_arn} does not exist");
        }
        if let Some(active) = meta.active_kinesis_destination() {
            match active.stream_arn == stream_arn {
                true => crate::bail_validation!("Table {table_name} is already streaming to {stream_arn}"),
                false => crate::bail_validation!(
                    "Table {table_name} already has an active Kinesis streaming destination: {}",
                    active.stream_arn
                ),
            }
        }
        meta.kinesis_destinations.retain(|destination| destination.stream_arn != stream_arn);
        meta.kinesis_destinations.push(KinesisDestination {
            stream_arn: stream_arn.to_string(),
            active: true,
            precision,
        });
        self.replace_meta(meta).map(|_| ())
    }

    /// Disables the table's active destination to `stream_arn`; it stays listed as DISABLED.
    pub fn disable_kinesis_destination(&mut self, table_name: &str, stream_arn: &str) -> Result<()> {
        let mut meta = self.table_for_control(table_name)?.meta.clone();
        active_destination(&mut meta.kinesis_destinations, table_name, stream_arn)?.active = false;
        self.replace_meta(meta).map(|_| ())
    }

    /// Changes the timestamp precision of the table's active destination to `stream_arn`.
    pub fn update_kinesis_destination(
        &mut self,
        table_name: &str,
        stream_arn: &str,
        precision: TimestampPrecision,
    ) -> Result<()> {
        let mut meta = self.table_for_control(table_name)?.meta.clone();
        let destination = active_destination(&mut meta.kinesis_destinations, table_name, stream_arn)?;
        if destination.precision == precision {
            crate::bail_validation!(
                "Invalid Request: Precision is already set to the desired value of {}",
                precision.wire_name()
            );
        }
        destination.precision = precision;
        self.replace_meta(meta).map(|_| ())
    }

    /// Puts the record of one item change into the table's active Kinesis destination,
    /// when it has one whose data stream exists: the JSON document DynamoDB writes, with
    /// both images whatever the table's stream view type. `event_id` is the DynamoDB
    /// stream record's, when the change made one.
    pub(in crate::engine) fn publish_to_kinesis(
        &mut self,
        table_name: &str,
        old: Option<&Item>,
        new: Option<&Item>,
        origin: Origin,
        event_id: Option<String>,
    ) {
        let Some(table) = self.tables.get(table_name) else { return };
        let Some(destination) = table.meta.active_kinesis_destination() else { return };
        let Some(stream) = parse_stream_arn(&destination.stream_arn).and_then(|name| self.kinesis.stream(name)) else {
            return;
        };
        let item = new.or(old).cloned().unwrap_or_default();
        let keys = table.meta.key_schema.key_attributes(&item);
        let key_code = table.meta.key_schema.item_key(&item).unwrap_or_default();
        let partition_key: String =
            md5::digest(key_code.partition_bytes()).iter().map(|b| format!("{b:02X}")).collect();
        let shard = stream.shard_for(crate::kinesis::hash_key(&partition_key));
        let now = self.now_millis();
        let timestamp = match destination.precision {
            TimestampPrecision::Millisecond => u128::from(now),
            TimestampPrecision::Microsecond => u128::from(now) * 1000,
        };
        let mut change = Map::new();
        change.insert("ApproximateCreationDateTime".into(), json!(timestamp));
        change.insert("ApproximateCreationDateTimePrecision".into(), json!(destination.precision.wire_name()));
        change.insert("Keys".into(), json!(keys));
        if let Some(new) = new {
            change.insert("NewImage".into(), json!(new));
        }
        if let Some(old) = old {
            change.insert("OldImage".into(), json!(old));
        }
        let size = item_size(&keys) + new.map_or(0, item_size) + old.map_or(0, item_size);
        change.insert("SizeBytes".into(), json!(size));
        let identity = match origin {
            Origin::Request => Value::Null,
            Origin::TimeToLive => json!({ "type": "Service", "principalId": "dynamodb.amazonaws.com" }),
        };
        let stream_name = Rc::from(stream.name.as_str());
        let document = json!({
            "awsRegion": region::current(),
            "eventID": event_id.unwrap_or_else(|| self.ids.hex128()),
            "eventName": EventName::of(old, new).wire_name(),
            "userIdentity": identity,
            "recordFormat": "application/json",
            "tableName": table_name,
            "dynamodb": change,
            "eventSource": "aws:dynamodb",
        });
        let record = DataRecord {
            stream: stream_name,
            shard,
            sequence: self.kinesis.next_sequence(now),
            arrival_millis: now,
            partition_key,
            data: json::text(&document).into_bytes(),
        };
        self.append_data_record(record);
    }

    /// Drops the Kinesis records older than their stream's retention period.
    pub(in crate::engine) fn trim_data_streams(&mut self) {
        let records = self.kinesis.trim(self.now_millis());
        if !records.is_empty() {
            self.changes.push(Change::DataRecordsTrimmed { records });
        }
    }

    fn append_data_record(&mut self, record: DataRecord) -> Rc<DataRecord> {
        let record = Rc::new(record);
        self.kinesis.insert(record.clone());
        self.changes.push(Change::DataRecordPut { record: record.clone() });
        record
    }
}

/// The active destination to `stream_arn` among a table's; DynamoDB's refusal otherwise.
fn active_destination<'a>(
    destinations: &'a mut [KinesisDestination],
    table_name: &str,
    stream_arn: &str,
) -> Result<&'a mut KinesisDestination> {
    let found = destinations.iter_mut().find(|destination| destination.active && destination.stream_arn == stream_arn);
    found.ok_or_else(|| Error::validation(format!("Table {table_name} is not streaming to {stream_arn}")))
}

/// A Kinesis error about the stream `name`: `Stream NAME under account ID <what>`.
fn stream_error(kind: ErrorKind, name: &str, what: &str) -> Error {
    Error::new(kind, format!("Stream {name} under account {ACCOUNT_ID} {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ops::create_table::{sample_engine, sample_meta};
    use crate::engine::BillingMode;
    use crate::model::AttributeValue;

    fn item(id: &str) -> Item {
        Item::from([("id".to_string(), AttributeValue::S(id.to_string()))])
    }

    /// An engine with table `t` streaming to the one-shard Kinesis stream `s`.
    fn streaming_engine() -> Engine {
        let mut engine = sample_engine();
        engine.create_table(sample_meta("t", BillingMode::PayPerRequest)).unwrap();
        engine.create_data_stream("s", StreamMode::Provisioned, 1).unwrap();
        let arn = crate::kinesis::stream_arn("s");
        engine.enable_kinesis_destination("t", &arn, TimestampPrecision::Millisecond).unwrap();
        engine.take_changes();
        engine
    }

    #[test]
    fn a_request_that_fails_part_way_takes_its_records_back() {
        let mut engine = streaming_engine();
        engine.put_item("t", item("kept")).unwrap();
        let failed = engine.all_or_nothing(|engine| {
            engine.put_item("t", item("lost"))?;
            let user_record = NewRecord { partition_key: "k".into(), data: b"lost".to_vec(), explicit_hash_key: None };
            engine.put_data_records("s", vec![user_record])?;
            Err::<(), _>(Error::validation("a later write broke a limit"))
        });
        assert!(failed.is_err());
        let records: Vec<_> = engine.kinesis().all_records().collect();
        assert_eq!(records.len(), 1);
        assert!(String::from_utf8_lossy(&records[0].data).contains("\"kept\""));
        assert_eq!(engine.table("t").map(|table| table.item_count()), Some(1));
    }

    #[test]
    fn a_deleted_stream_comes_back_with_its_records_when_the_commit_fails() {
        let mut engine = streaming_engine();
        engine.put_item("t", item("a")).unwrap();
        engine.take_changes();
        engine.delete_data_stream("s", false).unwrap();
        assert!(engine.kinesis().stream("s").is_none());
        let changes = engine.take_changes();
        engine.revert(changes);
        assert!(engine.kinesis().stream("s").is_some());
        assert_eq!(engine.kinesis().all_records().count(), 1);
    }
}
