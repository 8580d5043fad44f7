//! StreamSpecification: a table's stream enabled at CreateTable, and enabled or disabled
//! by UpdateTable. Enabling always creates a new stream; a disabled one stays readable
//! (DISABLED) for 24 hours.

use crate::engine::{Change, Engine, Table, TableMeta};
use crate::error::Result;
use crate::stream::{iso_millis, sequence_text, stream_arn, StreamInfo, ViewType, SHARD_LIFETIME_MILLIS};

impl Engine {
    /// Creates a table whose stream, when `stream` names a view type, is enabled from
    /// the start.
    pub fn create_table_with_stream(&mut self, mut meta: TableMeta, stream: Option<ViewType>) -> Result<&Table> {
        if let Some(view_type) = stream {
            let info = self.new_stream(&meta, view_type);
            meta.streams.push(info);
        }
        self.create_table(meta)
    }

    /// Enables a new stream with `view_type` (`Some`) or disables the enabled one
    /// (`None`); returns the old settings and the table.
    pub fn update_stream(&mut self, name: &str, view_type: Option<ViewType>) -> Result<(TableMeta, &Table)> {
        let mut new = self.table_for_control(name)?.meta.clone();
        match (view_type, new.enabled_stream().is_some()) {
            (Some(_), true) => crate::bail_validation!("Table already has an enabled stream: TableName: {name}"),
            (None, false) => crate::bail_validation!("Table has no stream to disable: TableName: {name}"),
            (Some(view_type), false) => {
                let info = self.new_stream(&new, view_type);
                new.streams.push(info);
            }
            (None, true) => {
                let now = self.now_millis();
                let end = sequence_text(self.streams.next_sequence(now));
                if let Some(stream) = new.streams.last_mut() {
                    stream.disabled = Some((now, end));
                }
            }
        }
        self.replace_meta(new)
    }

    /// A stream created now for the table `meta` describes. A label names its stream,
    /// so a stream created in the same millisecond as the table's previous one (or as a
    /// deleted table's of the same name, whose records may still be kept) is dated a
    /// millisecond later.
    fn new_stream(&mut self, meta: &TableMeta, view_type: ViewType) -> StreamInfo {
        let now = self.now_millis();
        let mut created_millis =
            meta.streams.last().map_or(now, |previous| now.max(previous.created_millis.saturating_add(1)));
        while created_millis < u64::MAX && self.stream_exists(&meta.name, &iso_millis(created_millis)) {
            created_millis += 1;
        }
        StreamInfo {
            label: iso_millis(created_millis),
            view_type,
            created_millis,
            first_sequence: sequence_text(self.streams.next_sequence(now)),
            child_shards: Vec::new(),
            disabled: None,
        }
    }

    /// Whether a stream with `label` on a table named `table_name` has records or is
    /// still listed (a deleted table's).
    fn stream_exists(&self, table_name: &str, label: &str) -> bool {
        let retired = self.retired.iter().filter(|meta| meta.name == table_name);
        self.streams.knows(&stream_arn(table_name, label))
            || retired.flat_map(|meta| &meta.streams).any(|stream| stream.label == label)
    }

    /// Closes the open shard of every enabled stream that has been open for 4 hours and
    /// opens its child shard. The table's settings change without an UpdateTable: the
    /// change is recorded directly, leaving the rest of the table (its index delays) be.
    pub(in crate::engine) fn roll_over_shards(&mut self) {
        let now = self.now_millis();
        let due = |stream: &StreamInfo| now >= stream.last_shard_opened().saturating_add(SHARD_LIFETIME_MILLIS);
        let tables: Vec<String> = self
            .tables
            .values()
            .filter(|table| table.meta.enabled_stream().is_some_and(due))
            .map(|table| table.meta.name.clone())
            .collect();
        for name in tables {
            let first = sequence_text(self.streams.next_sequence(now));
            let Some(table) = self.tables.get_mut(&name) else { continue };
            let old = Box::new(table.meta.clone());
            if let Some(stream) = table.meta.streams.last_mut() {
                stream.child_shards.push((now, first));
            }
            self.changes.push(Change::TableMeta { old: Some(old), new: Box::new(table.meta.clone()) });
        }
    }

    /// Forgets the deleted tables whose streams are all past their 24 hours.
    pub(in crate::engine) fn expire_retired_streams(&mut self) {
        let now = self.now_millis();
        let expired = |meta: &TableMeta| !meta.streams.iter().any(|stream| stream.is_visible(now));
        if !self.retired.iter().any(expired) {
            return;
        }
        let (metas, kept) = std::mem::take(&mut self.retired).into_iter().partition(expired);
        self.retired = kept;
        self.changes.push(Change::RetiredExpired { metas });
    }
}
