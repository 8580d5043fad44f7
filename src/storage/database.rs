//! [`Database`]: the engines of its Regions plus the bookkeeping of group commit.

use crate::api::{self, RequestOptions};
use crate::clock::Clock;
use crate::engine::Engine;
use crate::error::Result;
use crate::global::{Recorded, Regions};
use crate::storage::global_records;
use crate::storage::records::{self, Batch, Snapshot, Write};
use crate::storage::StorageError;

/// What became of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The response body, to answer at once.
    Ready(String),
    /// The response body, to answer once the batch holding `ticket` has committed.
    Queued { ticket: u64 },
}

/// A request waiting for its batch to commit.
struct Waiting {
    ticket: u64,
    response: String,
    changes: Vec<Recorded>,
}

/// A batch a backend is committing now.
struct InFlight {
    id: u64,
    requests: Vec<Waiting>,
}

/// One database: tables in memory, in one engine per Region, and the requests waiting
/// for storage.
pub struct Database {
    regions: Regions,
    /// False for an ephemeral database, whose changes go nowhere.
    persistent: bool,
    /// Writes to commit before any change (the format record of a new store).
    preamble: Vec<Write>,
    queued: Vec<Waiting>,
    in_flight: Option<InFlight>,
    next_ticket: u64,
    next_batch: u64,
}

impl Database {
    /// An ephemeral database: nothing is stored, every answer is ready at once.
    pub fn ephemeral(clock: Box<dyn Clock>) -> Self {
        Self::with_regions(Regions::new(Engine::new(clock)), false, Vec::new())
    }

    /// A database restored from what a backend holds: the home Region's engine, then
    /// each other Region's.
    pub fn open(snapshot: &Snapshot, clock: Box<dyn Clock>) -> Result<Self, StorageError> {
        let mut regional = records::split_regions(snapshot)?.into_iter();
        let home = regional.next().map(|(_, records)| records).unwrap_or_default();
        let mut engine = Engine::new(clock);
        let preamble = match restore(&mut engine, &home)? {
            true => Vec::new(),
            false => vec![records::format_record()],
        };
        let mut regions = Regions::new(engine);
        global_records::restore(&mut regions, &home)?;
        for (region, records) in regional {
            restore(regions.engine_mut(region), &records)?;
        }
        Ok(Self::with_regions(regions, true, preamble))
    }

    fn with_regions(regions: Regions, persistent: bool, preamble: Vec<Write>) -> Self {
        Database { regions, persistent, preamble, queued: Vec::new(), in_flight: None, next_ticket: 1, next_batch: 1 }
    }

    /// The engine of the home Region, whose clock and knobs every Region shares.
    pub fn engine(&self) -> &Engine {
        self.regions.home()
    }

    /// The engines of every Region and the global tables joining them.
    pub fn regions(&self) -> &Regions {
        &self.regions
    }

    /// Runs one DynamoDB operation in the home Region as the account root. A failed
    /// request changes nothing.
    pub fn execute(&mut self, operation: &str, body: &str) -> Result<Outcome> {
        self.execute_with(operation, body, &RequestOptions::default())
    }

    /// Runs one DynamoDB operation with request options: the Region whose endpoint it
    /// reaches, the principal it runs as, a DAX cluster to go through. A failed request
    /// changes nothing.
    pub fn execute_with(&mut self, operation: &str, body: &str, options: &RequestOptions) -> Result<Outcome> {
        // One instant for the Regions' work around the request too (deliveries due, the
        // write stamps of its replication), not only for the engine's part.
        let clock = self.regions.home().shared_clock();
        let result = clock.at_one_instant(|| api::global::dispatch(&mut self.regions, operation, body, options));
        let changes = self.regions.take_changes();
        let response = match result {
            Ok(response) => response,
            Err(error) => {
                // A failed request changed nothing; what time did before it (an auto
                // scaling change) is stored all the same, answering no one.
                if self.persistent && !changes.is_empty() {
                    self.enqueue(String::new(), changes);
                }
                return Err(error);
            }
        };
        let must_wait = self.persistent && (!changes.is_empty() || self.is_waiting());
        if !must_wait {
            return Ok(Outcome::Ready(response));
        }
        Ok(Outcome::Queued { ticket: self.enqueue(response, changes) })
    }

    fn enqueue(&mut self, response: String, changes: Vec<Recorded>) -> u64 {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        self.queued.push(Waiting { ticket, response, changes });
        ticket
    }

    /// How many requests wait for a batch.
    pub fn queued_requests(&self) -> usize {
        self.queued.len()
    }

    /// Whether any request waits for storage.
    pub fn is_waiting(&self) -> bool {
        !self.queued.is_empty() || self.in_flight.is_some()
    }

    /// The next batch to commit: every queued request's writes. None while a batch is
    /// in flight or when nothing is queued.
    pub fn take_batch(&mut self) -> Option<Batch> {
        if self.in_flight.is_some() || self.queued.is_empty() {
            return None;
        }
        let requests = std::mem::take(&mut self.queued);
        let mut writes = std::mem::take(&mut self.preamble);
        writes_of(&requests, &mut writes);
        let id = self.next_batch;
        self.next_batch += 1;
        self.in_flight = Some(InFlight { id, requests });
        Some(Batch { id, writes })
    }

    /// Moves the requests queued since batch `batch_id` was taken into it, for a backend
    /// whose transaction still takes writes: their writes, to add to that transaction.
    /// Nothing when that batch is not in flight.
    pub fn extend_batch(&mut self, batch_id: u64) -> Vec<Write> {
        let Some(batch) = self.in_flight.as_mut().filter(|batch| batch.id == batch_id) else {
            return Vec::new();
        };
        let mut writes = Vec::new();
        writes_of(&self.queued, &mut writes);
        batch.requests.append(&mut self.queued);
        writes
    }

    /// The batch committed: its requests' `(ticket, response)` pairs, to answer now.
    pub fn commit_succeeded(&mut self, batch_id: u64) -> Vec<(u64, String)> {
        match self.in_flight.take_if(|batch| batch.id == batch_id) {
            Some(batch) => batch.requests.into_iter().map(|request| (request.ticket, request.response)).collect(),
            None => Vec::new(),
        }
    }

    /// The batch failed: memory goes back to what storage holds, and every waiting
    /// request (the batch's and those queued after it) is returned to be rejected.
    pub fn commit_failed(&mut self, batch_id: u64) -> Vec<u64> {
        let Some(batch) = self.in_flight.take_if(|batch| batch.id == batch_id) else {
            return Vec::new();
        };
        let failed: Vec<Waiting> = batch.requests.into_iter().chain(self.queued.drain(..)).collect();
        let tickets = failed.iter().map(|request| request.ticket).collect();
        self.regions.revert(failed.into_iter().flat_map(|request| request.changes).collect());
        tickets
    }
}

/// Appends the writes that persist the changes of `requests`, in order.
fn writes_of(requests: &[Waiting], out: &mut Vec<Write>) {
    for change in requests.iter().flat_map(|request| &request.changes) {
        match change {
            Recorded::InRegion(region, change) => records::region_writes_for(region, change, out),
            Recorded::Global(change) => global_records::writes_for(change, out),
        }
    }
}

/// Puts what one Region's records hold back into its engine; false when they hold
/// nothing (a new database).
fn restore(engine: &mut Engine, snapshot: &Snapshot) -> Result<bool, StorageError> {
    let Some(decoded) = records::decode(snapshot)? else { return Ok(false) };
    decoded.tables.into_iter().for_each(|table| engine.restore_table(table));
    decoded.stream_records.into_iter().for_each(|record| engine.restore_stream_record(record));
    decoded.data_streams.into_iter().for_each(|stream| engine.restore_data_stream(stream));
    decoded.data_records.into_iter().for_each(|record| engine.restore_data_record(record));
    decoded.retired.into_iter().for_each(|meta| engine.restore_retired(meta));
    decoded.history.into_iter().for_each(|entry| engine.restore_history_entry(entry));
    decoded.backups.into_iter().for_each(|backup| engine.restore_backup(backup));
    engine.restore_transfers(decoded.transfers);
    decoded.principals.into_iter().for_each(|principal| engine.restore_principal(principal));
    Ok(true)
}
