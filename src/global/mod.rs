//! Global tables (version 2019.11.21): the engines of the Regions one database simulates,
//! the replica groups that join same-named tables across them, and the replication that
//! carries each replica's writes to the others.
//!
//! Every Region has its own [`Engine`]; all share one clock (the home engine's) and the
//! home engine's knobs. A request reaches one Region through [`Regions::serve`]:
//!
//! 1. Writes whose replication delay has passed on the engine clock arrive first
//!    ([`Regions::deliver_due`]). A write lands unless the destination holds a later
//!    write of the same item: last writer wins on the write timestamp ([`WriteStamp`]),
//!    a tie going to the greater Region name, so every replica settles on the same item.
//! 2. The request runs in its Region's engine.
//! 3. Each item change it made to a replica is queued for every other replica, due after
//!    the delay the knobs give the Region pair ([`Knobs::replication_delay`]). Deleting a
//!    replica's table takes it out of its group.
//!
//! Every engine's changes come out of [`Regions::take_changes`] tagged with their Region,
//! for storage, together with the changes to the replica groups, to the writes on their
//! way and to the write stamps. When storage fails to commit them, [`Regions::revert`]
//! undoes them all: a failed write is taken off its way, a delivery in the failed batch
//! is undone and waits to be delivered again, so memory stays what storage holds.
//!
//! [`Knobs::replication_delay`]: crate::engine::Knobs::replication_delay

use crate::engine::{Change, Engine, TableClass};
use crate::error::Result;
use crate::model::{Item, KeyCode, PackedItem};
use crate::region;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

/// The version of global tables Dynaplay simulates, as DescribeTable names it.
pub const GLOBAL_TABLE_VERSION: &str = "2019.11.21";

/// What storage keeps of what a request did.
#[derive(Debug, Clone)]
pub enum Recorded {
    /// A change the engine of this Region made.
    InRegion(&'static str, Change),
    /// A change to the replica groups or to the writes on their way.
    Global(GlobalChange),
}

/// A change to the state that joins the Regions.
#[derive(Debug, Clone)]
pub enum GlobalChange {
    /// The global table `table` now has `replicas` (none: it is a plain table again); it
    /// had `previous` (none: it was a plain table).
    Group { table: String, replicas: Vec<Replica>, previous: Vec<Replica> },
    /// A write set out for one replica, due at `at.0` (`at.1` orders writes due together).
    Sent { at: (u64, u64), write: PendingWrite },
    /// The write set out at `at` arrived, or was dropped; `write` goes back on its way
    /// when this is undone.
    Settled { at: (u64, u64), write: PendingWrite },
    /// The write stamp a replica holds of an item changed from `previous`. Stamps live in
    /// memory only: storage keeps nothing of this change, which is there to be undone.
    Stamped { slot: StampSlot, previous: Option<WriteStamp> },
}

/// The replica (its Region and table) and the item a write stamp is held for.
pub type StampSlot = (&'static str, String, KeyCode);

/// One replica of a global table.
#[derive(Debug, Clone, PartialEq)]
pub struct Replica {
    pub region: &'static str,
    /// ProvisionedThroughputOverride: the read capacity this replica provisions instead
    /// of the table's.
    pub read_capacity_override: Option<u64>,
    /// TableClassOverride: the class this replica uses instead of the table's.
    pub table_class_override: Option<TableClass>,
}

impl Replica {
    fn new(region: &'static str) -> Self {
        Replica { region, read_capacity_override: None, table_class_override: None }
    }
}

/// When and where a write was made: the order in which last writer wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct WriteStamp {
    pub millis: u64,
    pub region: &'static str,
}

/// A write on its way to one replica.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingWrite {
    pub destination: &'static str,
    pub table: String,
    pub key: KeyCode,
    /// The item as written, or None for a deletion.
    pub item: Option<Rc<Item>>,
    pub stamp: WriteStamp,
}

/// The engines of every Region of one database, and the replication between them.
pub struct Regions {
    /// The engine of the home Region, whose clock and knobs every Region uses.
    home: Engine,
    /// The engines of the other Regions a request has reached. Boxed: maps whose values are
    /// one pointer share their compiled code (docs/size.md).
    others: BTreeMap<&'static str, Box<Engine>>,
    /// The replicas of each global table, by table name, in the order they joined.
    groups: BTreeMap<String, Vec<Replica>>,
    /// Writes on their way, by the engine-clock time they arrive and the order they were
    /// made.
    pending: BTreeMap<(u64, u64), PendingWrite>,
    next_write: u64,
    /// The stamp of the write each replica holds of each item it got by replication or
    /// wrote since it joined its group.
    stamps: HashMap<StampSlot, WriteStamp>,
    /// The changes made since the last [`Regions::take_changes`].
    changes: Vec<Recorded>,
}

impl Regions {
    /// The Regions of a database whose home Region's engine is `home`.
    pub fn new(home: Engine) -> Self {
        Regions {
            home,
            others: BTreeMap::new(),
            groups: BTreeMap::new(),
            pending: BTreeMap::new(),
            next_write: 0,
            stamps: HashMap::new(),
            changes: Vec::new(),
        }
    }

    /// The engine of the home Region, whose clock and knobs every Region uses.
    pub fn home(&self) -> &Engine {
        &self.home
    }

    /// The engine of `region`, once a request has reached it.
    pub fn engine(&self, region: &str) -> Option<&Engine> {
        match region == self.home.region() {
            true => Some(&self.home),
            false => self.others.get(region).map(|engine| &**engine),
        }
    }

    /// The engines of every Region reached so far, home first.
    pub fn engines(&self) -> impl Iterator<Item = &Engine> {
        std::iter::once(&self.home).chain(self.others.values().map(|engine| &**engine))
    }

    /// The engine of `region`, made on first use, with the home engine's knobs.
    pub fn engine_mut(&mut self, region: &'static str) -> &mut Engine {
        if region == self.home.region() {
            return &mut self.home;
        }
        let home = &self.home;
        self.others.entry(region).or_insert_with(|| {
            let mut engine = Engine::in_region(region, home.shared_clock());
            engine.knobs = home.knobs.clone();
            Box::new(engine)
        })
    }

    /// Gives every other Region's engine the home engine's knobs, after a request that may
    /// have changed them (the knobs change only through the home engine).
    pub fn share_knobs(&mut self) {
        for engine in self.others.values_mut() {
            engine.knobs.clone_from(&self.home.knobs);
        }
    }

    /// Every global table's name and replicas.
    pub fn groups(&self) -> impl Iterator<Item = (&str, &[Replica])> {
        self.groups.iter().map(|(table, replicas)| (table.as_str(), replicas.as_slice()))
    }

    /// The writes on their way, in the order they arrive.
    pub fn pending(&self) -> impl Iterator<Item = &PendingWrite> {
        self.pending.values()
    }

    /// The replicas of the global table `table`, when it is one.
    pub fn replicas(&self, table: &str) -> Option<&[Replica]> {
        self.groups.get(table).map(Vec::as_slice)
    }

    /// Records the settings of the replica of `table` in `region` that differ from the
    /// table's (None leaves one as it is).
    pub fn set_overrides(&mut self, table: &str, region: &str, read: Option<u64>, class: Option<TableClass>) {
        let Some(replicas) = self.groups.get_mut(table) else { return };
        let previous = replicas.clone();
        let Some(replica) = replicas.iter_mut().find(|replica| replica.region == region) else { return };
        replica.read_capacity_override = read.or(replica.read_capacity_override);
        replica.table_class_override = class.or(replica.table_class_override);
        self.record_group(table, previous);
    }

    /// Records the replicas `table` has now, and had before (`previous`), for storage.
    fn record_group(&mut self, table: &str, previous: Vec<Replica>) {
        let replicas = self.groups.get(table).cloned().unwrap_or_default();
        self.changes.push(Recorded::Global(GlobalChange::Group { table: table.to_string(), replicas, previous }));
    }

    /// Sets (or with None forgets) the stamp `slot` holds, recording the change.
    fn set_stamp(&mut self, slot: StampSlot, stamp: Option<WriteStamp>) {
        let previous = match stamp {
            Some(stamp) => self.stamps.insert(slot.clone(), stamp),
            None => self.stamps.remove(&slot),
        };
        self.changes.push(Recorded::Global(GlobalChange::Stamped { slot, previous }));
    }

    /// Puts a global table's replicas back as storage held them.
    pub fn restore_group(&mut self, table: String, replicas: Vec<Replica>) {
        self.groups.insert(table, replicas);
    }

    /// Puts a write on its way back as storage held it.
    pub fn restore_pending(&mut self, at: (u64, u64), write: PendingWrite) {
        self.next_write = self.next_write.max(at.1 + 1);
        self.pending.insert(at, write);
    }

    /// Whether the table `table` of `region` is a replica of a global table.
    pub fn is_replica(&self, table: &str, region: &str) -> bool {
        self.replicas(table).is_some_and(|replicas| replicas.iter().any(|replica| replica.region == region))
    }

    /// The changes every Region made since the last call, in order.
    pub fn take_changes(&mut self) -> Vec<Recorded> {
        std::mem::take(&mut self.changes)
    }

    /// Undoes changes that storage failed to commit, newest first: each engine change in
    /// its Region, and the changes to the groups, the writes on their way (a write set
    /// out is taken back, a delivered one is on its way again) and the stamps.
    pub fn revert(&mut self, changes: Vec<Recorded>) {
        for change in changes.into_iter().rev() {
            match change {
                Recorded::InRegion(region, change) => self.engine_mut(region).revert(vec![change]),
                Recorded::Global(change) => self.revert_global(change),
            }
        }
    }

    fn revert_global(&mut self, change: GlobalChange) {
        match change {
            GlobalChange::Group { table, previous, .. } if previous.is_empty() => {
                self.groups.remove(&table);
            }
            GlobalChange::Group { table, previous, .. } => {
                self.groups.insert(table, previous);
            }
            GlobalChange::Sent { at, .. } => {
                self.pending.remove(&at);
            }
            GlobalChange::Settled { at, write } => {
                self.pending.insert(at, write);
            }
            GlobalChange::Stamped { slot, previous: Some(stamp) } => {
                self.stamps.insert(slot, stamp);
            }
            GlobalChange::Stamped { slot, previous: None } => {
                self.stamps.remove(&slot);
            }
        }
    }

    /// Serves a request that reached `region`: writes due by now arrive first, then
    /// `work` runs on the Region's engine, and what it wrote to a replica goes to the
    /// other replicas.
    pub fn serve<T>(&mut self, region: &'static str, work: impl FnOnce(&mut Engine) -> T) -> T {
        self.deliver_due();
        self.in_engine(region, Replicate::Yes, work)
    }

    /// Runs `work` in the engine of `region` as a request that reached it, and collects
    /// its changes; `replicate` tells whether its item writes go to the other replicas.
    pub fn in_engine<T>(
        &mut self,
        region: &'static str,
        replicate: Replicate,
        work: impl FnOnce(&mut Engine) -> T,
    ) -> T {
        let engine = self.engine_mut(region);
        let result = region::within(region, || work(engine));
        let changes = engine.take_changes();
        let now = engine.now_millis();
        for change in &changes {
            match change {
                Change::Item { table, key, new, .. } if replicate == Replicate::Yes => {
                    self.send(table, key, new.as_ref(), WriteStamp { millis: now, region })
                }
                Change::TableDeleted { table, .. } => self.leave_group(&table.meta.name, region),
                _ => {}
            }
        }
        self.changes.extend(changes.into_iter().map(|change| Recorded::InRegion(region, change)));
        result
    }

    /// Queues a write made to `table` in `stamp`'s Region for the table's other replicas.
    fn send(&mut self, table: &str, key: &KeyCode, item: Option<&PackedItem>, stamp: WriteStamp) {
        let Some(replicas) = self.groups.get(table) else { return };
        if !replicas.iter().any(|replica| replica.region == stamp.region) {
            return;
        }
        let item = item.map(|item| Rc::new(item.unpack()));
        let knobs = &self.home().knobs;
        let destinations: Vec<(&'static str, u64)> = replicas
            .iter()
            .filter(|replica| replica.region != stamp.region)
            .map(|replica| (replica.region, knobs.replication_delay(stamp.region, replica.region)))
            .collect();
        self.set_stamp((stamp.region, table.to_string(), key.clone()), Some(stamp));
        for (destination, delay) in destinations {
            let write =
                PendingWrite { destination, table: table.to_string(), key: key.clone(), item: item.clone(), stamp };
            let at = (stamp.millis.saturating_add(delay), self.next_write);
            self.next_write += 1;
            self.pending.insert(at, write.clone());
            self.changes.push(Recorded::Global(GlobalChange::Sent { at, write }));
        }
    }

    /// Delivers every write whose replication delay has passed on the engine clock.
    pub fn deliver_due(&mut self) {
        let now = self.home().now_millis();
        while let Some(entry) = self.pending.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let (at, write) = entry.remove_entry();
            self.changes.push(Recorded::Global(GlobalChange::Settled { at, write: write.clone() }));
            self.deliver(write);
        }
    }

    /// Lands one write in its destination, unless the destination left the group or
    /// holds a later write of the item.
    fn deliver(&mut self, write: PendingWrite) {
        if !self.is_replica(&write.table, write.destination) {
            return;
        }
        let slot = (write.destination, write.table.clone(), write.key.clone());
        if self.stamps.get(&slot).is_some_and(|held| *held > write.stamp) {
            return;
        }
        let item = write.item.map(Rc::unwrap_or_clone);
        let applied = self.in_engine(write.destination, Replicate::No, |engine| {
            engine.apply_replicated_write(&write.table, write.key, item)
        });
        if applied.is_ok() {
            self.set_stamp(slot, Some(write.stamp));
        }
    }

    /// Makes the table `table` of `destination` a replica of the one in `source`: the
    /// table, created there with `source`'s items, joins (or with `source` forms) its
    /// group. `source` gets a stream of both images when it has none enabled.
    pub fn add_replica(&mut self, table: &str, source: &'static str, destination: &'static str) -> Result<()> {
        let source_engine = self.engine_mut(source);
        let source_table = source_engine.table(table).ok_or_else(|| crate::engine::table_not_found(table))?;
        let meta = source_table.meta.clone();
        let items: Vec<(KeyCode, Item)> = source_table.items().map(|(key, item)| (key.clone(), item)).collect();
        self.in_engine(destination, Replicate::No, |engine| engine.create_replica_table(&meta, items))?;
        if meta.enabled_stream().is_none() {
            self.in_engine(source, Replicate::No, |engine| {
                engine.update_stream(table, Some(crate::stream::ViewType::NewAndOldImages)).map(drop)
            })?;
        }
        let copied: Vec<(KeyCode, WriteStamp)> = self
            .stamps
            .iter()
            .filter(|((region, name, _), _)| *region == source && name == table)
            .map(|((_, _, key), stamp)| (key.clone(), *stamp))
            .collect();
        for (key, stamp) in copied {
            self.set_stamp((destination, table.to_string(), key), Some(stamp));
        }
        let previous = self.groups.get(table).cloned().unwrap_or_default();
        let replicas = self.groups.entry(table.to_string()).or_insert_with(|| vec![Replica::new(source)]);
        replicas.push(Replica::new(destination));
        self.record_group(table, previous);
        Ok(())
    }

    /// Takes the replica in `region` out of the group of `table`, whose table there was
    /// deleted; a group left with one replica is a plain table again.
    fn leave_group(&mut self, table: &str, region: &'static str) {
        let Some(replicas) = self.groups.get_mut(table) else { return };
        let previous = replicas.clone();
        replicas.retain(|replica| replica.region != region);
        let mut gone = vec![region];
        if replicas.len() < 2 {
            gone.extend(replicas.iter().map(|replica| replica.region));
            self.groups.remove(table);
        }
        let forgotten: Vec<StampSlot> =
            self.stamps.keys().filter(|(held_by, name, _)| name == table && gone.contains(held_by)).cloned().collect();
        for slot in forgotten {
            self.set_stamp(slot, None);
        }
        let dropped: Vec<(u64, u64)> = self
            .pending
            .iter()
            .filter(|(_, write)| write.table == table && gone.contains(&write.destination))
            .map(|(at, _)| *at)
            .collect();
        for at in dropped {
            if let Some(write) = self.pending.remove(&at) {
                self.changes.push(Recorded::Global(GlobalChange::Settled { at, write }));
            }
        }
        self.record_group(table, previous);
    }
}

/// Whether the item writes of an engine call go to the other replicas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replicate {
    /// A request's writes: they replicate.
    Yes,
    /// Writes replication delivered, or a new replica's copy: they came from a replica.
    No,
}
