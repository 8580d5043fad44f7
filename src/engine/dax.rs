//! DAX clusters: a simulation of DynamoDB Accelerator's two caches in front of the
//! database, on the engine clock (docs/dax.md).
//!
//! - The item cache holds GetItem and BatchGetItem results by table and primary key,
//!   including "not found" (DAX's negative caching), for the item TTL.
//! - The query cache holds whole Query and Scan responses by their full request, empty
//!   ones included, for the query TTL.
//! - A write sent through a cluster is write-through: once the table applied it, the
//!   item cache takes the new image (or "not found" for a delete). The query cache is
//!   never invalidated: a cached Query keeps answering until its TTL ends.
//! - A write sent to the table directly never reaches a cluster, whose entries stay
//!   stale until their TTL ends.
//!
//! Clusters live in memory only: a reopened database has none (docs/differences.md).

use crate::engine::{Change, Engine};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{Item, KeyCode, KeyValues};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

/// The item and query TTL a cluster gets unless told otherwise: five minutes, DAX's default.
pub const DEFAULT_TTL_MILLIS: u64 = 5 * 60 * 1000;
/// Simulated latency of a request a cache answered, in microseconds.
pub const HIT_MICROS: u64 = 400;
/// Simulated latency of a request DAX forwarded to the table, in microseconds.
pub const TABLE_MICROS: u64 = 4_000;

/// How a cluster answered a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    /// A cache answered; the table was not read.
    Hit,
    /// The cache had nothing valid: the table answered and the cache kept the result.
    Miss,
    /// A strongly consistent or transactional read: the table answered, nothing was cached.
    PassThrough,
    /// A write: the table applied it, then the item cache took the new images.
    WriteThrough,
}

impl CacheOutcome {
    pub fn wire_name(self) -> &'static str {
        match self {
            CacheOutcome::Hit => "HIT",
            CacheOutcome::Miss => "MISS",
            CacheOutcome::PassThrough => "PASS_THROUGH",
            CacheOutcome::WriteThrough => "WRITE_THROUGH",
        }
    }

    /// The simulated latency of a request answered this way.
    pub fn latency_micros(self) -> u64 {
        match self {
            CacheOutcome::Hit => HIT_MICROS,
            _ => TABLE_MICROS,
        }
    }
}

/// Counters of a cluster's work since it was created.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub item_hits: u64,
    pub item_misses: u64,
    pub query_hits: u64,
    pub query_misses: u64,
    pub pass_throughs: u64,
    pub write_throughs: u64,
    /// The latest request: its operation and how it was answered.
    pub last: Option<(String, CacheOutcome)>,
}

/// One entry of a cache, valid until `expires_millis` on the engine clock.
#[derive(Debug, Clone)]
struct Entry<T> {
    value: T,
    expires_millis: u64,
}

/// The item cache's key: the table's TableId (a table deleted and created again under
/// the same name starts empty) and the item's encoded primary key.
type ItemKey = (Rc<str>, KeyCode);

/// One DAX cluster.
#[derive(Debug, Clone)]
pub struct DaxCluster {
    pub name: String,
    pub item_ttl_millis: u64,
    pub query_ttl_millis: u64,
    pub created_millis: u64,
    /// Items by table and key; `None` is a negative entry (the item did not exist).
    items: HashMap<ItemKey, Entry<Option<Rc<Item>>>>,
    /// Query and Scan responses by request.
    queries: HashMap<String, Entry<String>>,
    pub stats: CacheStats,
}

impl DaxCluster {
    pub fn new(name: String, item_ttl_millis: u64, query_ttl_millis: u64, now: u64) -> Self {
        DaxCluster {
            name,
            item_ttl_millis,
            query_ttl_millis,
            created_millis: now,
            items: HashMap::new(),
            queries: HashMap::new(),
            stats: CacheStats::default(),
        }
    }

    /// The item cache's entry for a key, if still valid: `Some(None)` is a cached "not
    /// found". Counts a hit or a miss.
    pub fn item(&mut self, table_id: &Rc<str>, key: &KeyCode, now: u64) -> Option<Option<Rc<Item>>> {
        let found = valid(&mut self.items, &(table_id.clone(), key.clone()), now);
        match found {
            Some(_) => self.stats.item_hits += 1,
            None => self.stats.item_misses += 1,
        }
        found
    }

    /// Keeps an item (or its absence) read from the table, or written through.
    pub fn put_item(&mut self, table_id: Rc<str>, key: KeyCode, item: Option<Rc<Item>>, now: u64) {
        let expires_millis = now.saturating_add(self.item_ttl_millis);
        self.items.insert((table_id, key), Entry { value: item, expires_millis });
    }

    /// The query cache's response for a request, if still valid. Counts a hit or a miss.
    pub fn query(&mut self, request: &str, now: u64) -> Option<String> {
        let found = valid(&mut self.queries, request, now);
        match found {
            Some(_) => self.stats.query_hits += 1,
            None => self.stats.query_misses += 1,
        }
        found
    }

    /// Keeps a Query or Scan response.
    pub fn put_query(&mut self, request: String, response: String, now: u64) {
        let expires_millis = now.saturating_add(self.query_ttl_millis);
        self.queries.insert(request, Entry { value: response, expires_millis });
    }

    /// How many valid entries each cache holds: (items, queries).
    pub fn entries(&self, now: u64) -> (usize, usize) {
        let live = |expires: u64| now < expires;
        let items = self.items.values().filter(|entry| live(entry.expires_millis)).count();
        let queries = self.queries.values().filter(|entry| live(entry.expires_millis)).count();
        (items, queries)
    }

    /// Records how the latest request was answered.
    pub fn record(&mut self, operation: &str, outcome: CacheOutcome) {
        match outcome {
            CacheOutcome::PassThrough => self.stats.pass_throughs += 1,
            CacheOutcome::WriteThrough => self.stats.write_throughs += 1,
            CacheOutcome::Hit | CacheOutcome::Miss => {}
        }
        self.stats.last = Some((operation.to_string(), outcome));
    }
}

/// The value of `key` while its entry is valid; an expired entry is dropped.
fn valid<K, Q, T>(entries: &mut HashMap<K, Entry<T>>, key: &Q, now: u64) -> Option<T>
where
    K: std::borrow::Borrow<Q> + std::hash::Hash + Eq,
    Q: std::hash::Hash + Eq + ?Sized,
    T: Clone,
{
    match entries.get(key) {
        Some(entry) if now < entry.expires_millis => Some(entry.value.clone()),
        Some(_) => {
            entries.remove(key);
            None
        }
        None => None,
    }
}

/// The clusters of a database, by name; boxed, as maps whose values are one pointer share
/// their compiled code (docs/size.md).
pub type DaxClusters = BTreeMap<String, Box<DaxCluster>>;

/// The error for a cluster that does not exist.
pub fn cluster_not_found(name: &str) -> Error {
    Error::new(ErrorKind::ResourceNotFound, format!("DAX cluster not found: {name}"))
}

impl Engine {
    /// The DAX clusters.
    pub fn dax_clusters(&self) -> &DaxClusters {
        &self.dax
    }

    /// The DAX clusters, to create, delete or use one.
    pub(crate) fn dax_clusters_mut(&mut self) -> &mut DaxClusters {
        &mut self.dax
    }

    /// The cluster `name`, or DAX's not-found error.
    pub(crate) fn dax_cluster(&mut self, name: &str) -> Result<&mut DaxCluster> {
        self.dax.get_mut(name).map(Box::as_mut).ok_or_else(|| cluster_not_found(name))
    }

    /// The table's TableId and the encoded key of `key` (checked against the schema as
    /// a read checks it), for the item cache.
    pub(crate) fn dax_item_key(&self, table_name: &str, key: &dyn KeyValues) -> Result<ItemKey> {
        let table = self.table_for_items(table_name)?;
        Ok((table.meta.id.clone(), table.meta.key_schema.request_key(key)?))
    }

    /// How many changes have been recorded and not yet taken, to find later the ones
    /// an operation made.
    pub(crate) fn change_mark(&self) -> usize {
        self.changes.len()
    }

    /// Writes through the cluster every item change made since `mark`.
    pub(crate) fn dax_write_through(&mut self, cluster: &str, mark: usize) {
        let now = self.now_millis();
        let written: Vec<(Rc<str>, KeyCode, Option<Rc<Item>>)> = self
            .changes
            .get(mark..)
            .unwrap_or_default()
            .iter()
            .filter_map(|change| match change {
                Change::Item { table_id, key, new, .. } => {
                    Some((table_id.clone(), key.clone(), new.as_ref().map(|item| Rc::new(item.unpack()))))
                }
                _ => None,
            })
            .collect();
        if let Some(cluster) = self.dax.get_mut(cluster) {
            for (table_id, key, item) in written {
                cluster.put_item(table_id, key, item, now);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_with_their_ttl() {
        let table: Rc<str> = Rc::from("id");
        let mut cluster = DaxCluster::new("c".into(), 1000, 500, 0);
        cluster.put_item(table.clone(), KeyCode::default(), None, 0);
        cluster.put_query("q".into(), "{}".into(), 0);
        assert_eq!(cluster.entries(0), (1, 1));
        assert_eq!(cluster.item(&table, &KeyCode::default(), 999), Some(None));
        assert_eq!(cluster.query("q", 499).as_deref(), Some("{}"));
        assert_eq!(cluster.query("q", 500), None);
        assert_eq!(cluster.item(&table, &KeyCode::default(), 1000), None);
        assert_eq!(cluster.entries(1000), (0, 0));
        let stats = &cluster.stats;
        assert_eq!((stats.item_hits, stats.item_misses, stats.query_hits, stats.query_misses), (1, 1, 1, 1));
    }
}
