//! Dynaplay's own operations, for the playground's simulation controls: the knobs
//! (docs/differences.md) and the clock. Their names start with `Dynaplay.`, which no
//! DynamoDB operation can, and their members are PascalCase like DynamoDB's.

use crate::api::{parse, render};
use crate::clock::MAX_CLOCK_RATE;
use crate::engine::knobs::TEN_GB;
use crate::engine::{Engine, Knobs};
use crate::error::{Error, ErrorKind, Result};
use serde::{Deserialize, Serialize};

/// Runs the Dynaplay operation `name` (the part after `Dynaplay.`).
pub fn dispatch(engine: &mut Engine, name: &str, body: &str) -> Result<String> {
    match name {
        "Configure" => configure(engine, parse(body)?),
        "DescribeConfiguration" => describe(engine),
        "SetClock" => set_clock(engine, parse(body)?),
        _ => Err(Error::new(ErrorKind::UnknownOperation, format!("Unknown operation: Dynaplay.{name}"))),
    }
}

/// The knobs a Configure request changes; absent members stay as they are.
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ConfigureRequest {
    gsi_propagation_delay_millis: Option<u64>,
    item_collection_size_limit_bytes: Option<u64>,
    transaction_duration_millis: Option<u64>,
    partition_size_limit_bytes: Option<u64>,
    adaptive_capacity: Option<bool>,
    throttling: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SetClockRequest {
    /// Simulated milliseconds per real millisecond; 0 pauses.
    rate: Option<u32>,
    advance_millis: Option<u64>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Configuration {
    gsi_propagation_delay_millis: u64,
    item_collection_size_limit_bytes: u64,
    transaction_duration_millis: u64,
    partition_size_limit_bytes: u64,
    adaptive_capacity: bool,
    throttling: bool,
    clock: ClockState,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ClockState {
    now_millis: u64,
    rate: u32,
}

/// The smallest size limit the knobs accept: smaller would split a table into more
/// partitions than a page can show, or refuse every item.
const MIN_SIZE_LIMIT: u64 = 1024;
/// The longest delay a knob accepts: one day.
const MAX_DELAY_MILLIS: u64 = 24 * 60 * 60 * 1000;

fn configure(engine: &mut Engine, request: ConfigureRequest) -> Result<String> {
    let mut knobs = engine.knobs.clone();
    set(
        &mut knobs.gsi_propagation_delay_millis,
        request.gsi_propagation_delay_millis,
        "GsiPropagationDelayMillis",
        0,
        MAX_DELAY_MILLIS,
    )?;
    set(
        &mut knobs.transaction_duration_millis,
        request.transaction_duration_millis,
        "TransactionDurationMillis",
        0,
        MAX_DELAY_MILLIS,
    )?;
    let sizes = [
        (
            &mut knobs.item_collection_size_limit_bytes,
            request.item_collection_size_limit_bytes,
            "ItemCollectionSizeLimitBytes",
        ),
        (&mut knobs.partition_size_limit_bytes, request.partition_size_limit_bytes, "PartitionSizeLimitBytes"),
    ];
    for (knob, value, name) in sizes {
        set(knob, value, name, MIN_SIZE_LIMIT, TEN_GB)?;
    }
    knobs.adaptive_capacity = request.adaptive_capacity.unwrap_or(knobs.adaptive_capacity);
    knobs.throttling = request.throttling.unwrap_or(knobs.throttling);
    engine.knobs = knobs;
    describe(engine)
}

/// Sets `knob` to `value` when given, refusing values outside `min..=max`.
fn set(knob: &mut u64, value: Option<u64>, name: &str, min: u64, max: u64) -> Result<()> {
    match value {
        Some(value) if !(min..=max).contains(&value) => {
            Err(Error::validation(format!("{name} must be between {min} and {max}, not {value}")))
        }
        Some(value) => {
            *knob = value;
            Ok(())
        }
        None => Ok(()),
    }
}

fn set_clock(engine: &mut Engine, request: SetClockRequest) -> Result<String> {
    if let Some(rate) = request.rate.filter(|rate| *rate > MAX_CLOCK_RATE) {
        return Err(Error::validation(format!("Rate must be between 0 and {MAX_CLOCK_RATE}, not {rate}")));
    }
    if let Some(millis) = request.advance_millis {
        engine.clock().advance(millis);
    }
    if let Some(rate) = request.rate {
        engine.clock().set_rate(rate);
    }
    describe(engine)
}

fn describe(engine: &Engine) -> Result<String> {
    let Knobs {
        gsi_propagation_delay_millis,
        item_collection_size_limit_bytes,
        transaction_duration_millis,
        partition_size_limit_bytes,
        adaptive_capacity,
        throttling,
    } = engine.knobs;
    let clock = ClockState { now_millis: engine.now_millis(), rate: engine.clock().rate() };
    render(&Configuration {
        gsi_propagation_delay_millis,
        item_collection_size_limit_bytes,
        transaction_duration_millis,
        partition_size_limit_bytes,
        adaptive_capacity,
        throttling,
        clock,
    })
}
