//! One file per DynamoDB operation the engine implements.

pub mod backups;
pub mod batch;
pub mod create_table;
pub mod delete;
pub mod delete_table;
pub mod export;
pub mod get;
pub mod import;
pub mod kinesis;
pub mod pitr;
pub mod put;
pub mod query;
pub mod replica;
pub mod resource_policy;
pub mod scan;
pub mod streams;
pub mod tags;
pub mod throttle;
pub mod transact;
pub mod ttl;
pub mod update;
pub mod update_table;
