//! The change log's record: what one committed operation did, with old and new images.
//!
//! Storage persists it, a failed commit reverts memory with it, and later streams,
//! TTL, backups and replication read it.

use crate::engine::history::HistoryEntry;
use crate::engine::ops::backups::Backup;
use crate::engine::principals::Principal;
use crate::engine::table::{Table, TableMeta};
use crate::engine::transfers::TransferChange;
use crate::kinesis::{DataRecord, DataStream};
use crate::model::{KeyCode, PackedItem};
use crate::stream::StreamRecord;
use std::rc::Rc;

/// One mutation made by an operation.
#[derive(Debug, Clone)]
pub enum Change {
    /// A table was created (`old` is None) or its settings changed.
    TableMeta { old: Option<Box<TableMeta>>, new: Box<TableMeta> },
    /// A table was deleted; it is kept whole so that a failed commit can restore it.
    /// `retired` is its settings with its stream disabled, kept for 24 hours while the
    /// stream stays readable (None: it had no stream).
    TableDeleted { table: Box<Table>, retired: Option<Box<TableMeta>> },
    /// The streams of deleted tables reached the end of their 24 hours.
    RetiredExpired { metas: Vec<TableMeta> },
    /// An item was written (`new` is Some) or deleted (`new` is None); `old` is the item
    /// replaced, as the table kept it, for a revert, and `new` the item as the table keeps
    /// it now, for the store to write as it is. `record` is what the table's stream (when
    /// enabled) published about it, and leaves with a revert; `history` is the entry
    /// point-in-time recovery (when enabled) keeps of the change.
    Item {
        table: String,
        table_id: Rc<str>,
        key: KeyCode,
        old: Option<PackedItem>,
        new: Option<PackedItem>,
        record: Option<Rc<StreamRecord>>,
        history: Option<Rc<HistoryEntry>>,
    },
    /// Stream records reached the end of their 24 hours, oldest first.
    StreamTrimmed { records: Vec<Rc<StreamRecord>> },
    /// A Kinesis data stream was created (`old` is None) or its settings changed.
    DataStream { old: Option<Box<DataStream>>, new: Box<DataStream> },
    /// A Kinesis data stream was deleted with its records, kept so that a failed commit
    /// can restore them.
    DataStreamDeleted { stream: Box<DataStream>, records: Vec<Rc<DataRecord>> },
    /// A record was put into a Kinesis data stream (by a user or a table's destination).
    DataRecordPut { record: Rc<DataRecord> },
    /// Kinesis records passed their stream's retention period.
    DataRecordsTrimmed { records: Vec<Rc<DataRecord>> },
    /// Point-in-time recovery history left: older than the recovery period, or all of a
    /// table's when recovery was disabled or the table deleted. Oldest first.
    HistoryTrimmed { entries: Vec<Rc<HistoryEntry>> },
    /// A backup was created (`old` is None) or deleted (`new` is None).
    Backup { old: Option<Rc<Backup>>, new: Option<Rc<Backup>> },
    /// An S3 object, an export or an import changed.
    Transfer(TransferChange),
    /// A principal was created (`old` is None), replaced, or deleted (`new` is None).
    Principal { old: Option<Rc<Principal>>, new: Option<Rc<Principal>> },
}
