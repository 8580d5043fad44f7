//! What a table would cost a month on AWS: a teaching estimate, from us-east-1 list prices.
//!
//! Learners ask "what would this table cost for real?". [`estimate`] answers for both table
//! classes and both capacity modes at once, so the trade-offs (Standard-IA's cheaper storage
//! against its dearer requests, provisioned capacity against paying per request) show side by
//! side. It is pure arithmetic over [`Usage`]: no clock, no I/O, no rounding (the display rounds).
//!
//! The AWS free tier is not subtracted: it is per account and Region, shared by all tables, so
//! one table cannot know its share. Each row says separately what the free tier would take off
//! if the table were alone ([`Estimate::free_tier_usd`]).

use crate::engine::table::TableClass;
use crate::json::json;
use serde_json::Value;

/// The day the prices below were read.
///
/// Source: the AWS Price List offer `AmazonDynamoDB` for us-east-1, publication date
/// 2026-08-15 (<https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonDynamoDB/current/region_index.json>),
/// as quoted by a third-party cost report, and the pricing pages
/// <https://aws.amazon.com/dynamodb/pricing/on-demand/> and
/// <https://aws.amazon.com/dynamodb/pricing/provisioned/>. The Standard-IA provisioned prices
/// were not in that report nor confirmed from a copy of the page: they are Standard's plus the
/// 25% the table-class guide states, to the page's precision. Check them first at the next refresh.
/// The on-demand prices are those since AWS halved them on 2024-11-01; older pages and posts
/// still show $1.25 per million writes and $0.25 per million reads (Standard) and $1.56 /
/// $0.31 (Standard-IA).
pub const PRICES_AS_OF: &str = "2026-08-15";

/// The Region whose prices these are (every Region's estimate uses them).
pub const PRICES_REGION: &str = crate::region::HOME;

/// AWS prices hourly capacity over a month of 730 hours (365 × 24 / 12).
pub const HOURS_PER_MONTH: f64 = 730.0;

/// AWS bills storage in binary gigabytes (2^30 bytes).
const BYTES_PER_GB: f64 = 1_073_741_824.0;

const MILLION: f64 = 1_000_000.0;

/// The list prices of one table class, in US dollars.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassPrices {
    pub storage_per_gb_month: f64,
    pub per_million_read_request_units: f64,
    pub per_million_write_request_units: f64,
    pub per_read_capacity_unit_hour: f64,
    pub per_write_capacity_unit_hour: f64,
}

pub const STANDARD_PRICES: ClassPrices = ClassPrices {
    storage_per_gb_month: 0.25,
    per_million_read_request_units: 0.125,
    per_million_write_request_units: 0.625,
    per_read_capacity_unit_hour: 0.00013,
    per_write_capacity_unit_hour: 0.00065,
};

/// Standard-IA: 60% cheaper storage, about 25% dearer reads and writes.
pub const STANDARD_INFREQUENT_ACCESS_PRICES: ClassPrices = ClassPrices {
    storage_per_gb_month: 0.10,
    per_million_read_request_units: 0.155,
    per_million_write_request_units: 0.78,
    per_read_capacity_unit_hour: 0.00016,
    per_write_capacity_unit_hour: 0.00081,
};

/// The always-free allowance per account and Region, for the Standard class only.
pub struct FreeTier {
    pub storage_gb: f64,
    pub read_capacity_units: f64,
    pub write_capacity_units: f64,
}

pub const FREE_TIER: FreeTier = FreeTier { storage_gb: 25.0, read_capacity_units: 25.0, write_capacity_units: 25.0 };

/// A month of a table's use. Negative, NaN and infinite figures count as none or as the
/// largest figure, so that whatever a learner types gives a finite estimate.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    /// The bytes stored, held all month (table and indexes, as DynamoDB counts them).
    pub storage_bytes: u64,
    /// Read request units: one per strongly consistent read of up to 4 KB, half for an
    /// eventually consistent one, two for a transactional one.
    pub read_request_units: f64,
    /// Write request units: one per write of up to 1 KB, two for a transactional one. Writes
    /// to global secondary indexes count only if included here.
    pub write_request_units: f64,
    /// The read capacity units a provisioned table would hold all month.
    pub provisioned_read_units: f64,
    /// The write capacity units a provisioned table would hold all month.
    pub provisioned_write_units: f64,
}

/// How the estimate pays for reads and writes, named as DynamoDB's `BillingMode` is.
/// (The engine's `BillingMode` carries a table's capacity; here the capacity is in [`Usage`].)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapacityMode {
    Provisioned,
    PayPerRequest,
}

impl CapacityMode {
    pub fn wire_name(self) -> &'static str {
        match self {
            CapacityMode::Provisioned => "PROVISIONED",
            CapacityMode::PayPerRequest => "PAY_PER_REQUEST",
        }
    }
}

/// One table class and capacity mode for a month, in US dollars.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub class: TableClass,
    pub mode: CapacityMode,
    pub storage_usd: f64,
    pub reads_usd: f64,
    pub writes_usd: f64,
    /// Storage, reads and writes at list price: the free tier is not taken off.
    pub total_usd: f64,
    /// What the free tier would take off the total if this were the account's only table in
    /// the Region.
    pub free_tier_usd: f64,
}

/// The four estimates: Standard and Standard-IA, each provisioned and on-demand.
pub fn estimate(usage: &Usage) -> Vec<Estimate> {
    let classes = [TableClass::Standard, TableClass::StandardInfrequentAccess];
    let modes = [CapacityMode::Provisioned, CapacityMode::PayPerRequest];
    classes.iter().flat_map(|&class| modes.iter().map(move |&mode| estimate_one(usage, class, mode))).collect()
}

/// The estimates as the console shows them, in DynamoDB's PascalCase.
pub fn estimate_json(usage: &Usage) -> Value {
    let rows: Vec<Value> = estimate(usage).iter().map(estimate_row_json).collect();
    json!({
        "PricesAsOf": PRICES_AS_OF,
        "Region": PRICES_REGION,
        "HoursPerMonth": HOURS_PER_MONTH,
        "Estimates": rows,
    })
}

pub fn prices(class: TableClass) -> &'static ClassPrices {
    match class {
        TableClass::Standard => &STANDARD_PRICES,
        TableClass::StandardInfrequentAccess => &STANDARD_INFREQUENT_ACCESS_PRICES,
    }
}

fn estimate_one(usage: &Usage, class: TableClass, mode: CapacityMode) -> Estimate {
    let prices = prices(class);
    let storage_usd = storage_gb(usage) * prices.storage_per_gb_month;
    let (reads_usd, writes_usd) = match mode {
        CapacityMode::Provisioned => (
            capacity_cost(usage.provisioned_read_units, prices.per_read_capacity_unit_hour),
            capacity_cost(usage.provisioned_write_units, prices.per_write_capacity_unit_hour),
        ),
        CapacityMode::PayPerRequest => (
            request_cost(usage.read_request_units, prices.per_million_read_request_units),
            request_cost(usage.write_request_units, prices.per_million_write_request_units),
        ),
    };
    Estimate {
        class,
        mode,
        storage_usd,
        reads_usd,
        writes_usd,
        total_usd: storage_usd + reads_usd + writes_usd,
        free_tier_usd: free_tier_usd(usage, class, mode),
    }
}

/// The free tier covers Standard storage in either mode, and capacity only when provisioned
/// (on-demand requests are never free).
fn free_tier_usd(usage: &Usage, class: TableClass, mode: CapacityMode) -> f64 {
    if class != TableClass::Standard {
        return 0.0;
    }
    let prices = &STANDARD_PRICES;
    let storage = storage_gb(usage).min(FREE_TIER.storage_gb) * prices.storage_per_gb_month;
    let capacity = match mode {
        CapacityMode::PayPerRequest => 0.0,
        CapacityMode::Provisioned => {
            let reads = amount(usage.provisioned_read_units).min(FREE_TIER.read_capacity_units);
            let writes = amount(usage.provisioned_write_units).min(FREE_TIER.write_capacity_units);
            capacity_cost(reads, prices.per_read_capacity_unit_hour)
                + capacity_cost(writes, prices.per_write_capacity_unit_hour)
        }
    };
    storage + capacity
}

fn storage_gb(usage: &Usage) -> f64 {
    usage.storage_bytes as f64 / BYTES_PER_GB
}

fn capacity_cost(units: f64, per_unit_hour: f64) -> f64 {
    // Price the month first: multiplying a huge figure by 730 before the price would overflow.
    amount(units) * (per_unit_hour * HOURS_PER_MONTH)
}

fn request_cost(units: f64, per_million: f64) -> f64 {
    amount(units) / MILLION * per_million
}

/// A usage figure made safe to price: NaN and negatives are none, infinity the largest f64.
/// A unit costs well under a dollar a month and a row's read and write prices together too,
/// so no product or total overflows.
fn amount(figure: f64) -> f64 {
    if figure > 0.0 {
        figure.min(f64::MAX)
    } else {
        0.0
    }
}

fn estimate_row_json(row: &Estimate) -> Value {
    json!({
        "TableClass": row.class.wire_name(),
        "BillingMode": row.mode.wire_name(),
        "StorageUsd": row.storage_usd,
        "ReadsUsd": row.reads_usd,
        "WritesUsd": row.writes_usd,
        "TotalUsd": row.total_usd,
        "FreeTierUsd": row.free_tier_usd,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GB: u64 = 1 << 30;

    fn row(usage: &Usage, class: TableClass, mode: CapacityMode) -> Estimate {
        *estimate(usage).iter().find(|e| e.class == class && e.mode == mode).unwrap()
    }

    fn assert_close(actual: f64, expected: f64) {
        assert!((actual - expected).abs() < 1e-9, "{actual} is not {expected}");
    }

    #[test]
    fn four_rows_one_per_class_and_mode() {
        let rows = estimate(&Usage::default());
        let pairs: Vec<_> = rows.iter().map(|e| (e.class.wire_name(), e.mode.wire_name())).collect();
        assert_eq!(
            pairs,
            [
                ("STANDARD", "PROVISIONED"),
                ("STANDARD", "PAY_PER_REQUEST"),
                ("STANDARD_INFREQUENT_ACCESS", "PROVISIONED"),
                ("STANDARD_INFREQUENT_ACCESS", "PAY_PER_REQUEST"),
            ]
        );
    }

    #[test]
    fn one_gb_a_million_reads_and_a_million_writes_on_demand() {
        let usage = Usage { storage_bytes: GB, read_request_units: 1e6, write_request_units: 1e6, ..Usage::default() };
        let standard = row(&usage, TableClass::Standard, CapacityMode::PayPerRequest);
        assert_close(standard.storage_usd, 0.25);
        assert_close(standard.reads_usd, 0.125);
        assert_close(standard.writes_usd, 0.625);
        assert_close(standard.total_usd, 1.0);
        assert_close(standard.free_tier_usd, 0.25);

        let infrequent = row(&usage, TableClass::StandardInfrequentAccess, CapacityMode::PayPerRequest);
        assert_close(infrequent.storage_usd, 0.10);
        assert_close(infrequent.reads_usd, 0.155);
        assert_close(infrequent.writes_usd, 0.78);
        assert_close(infrequent.total_usd, 1.035);
        assert_close(infrequent.free_tier_usd, 0.0);
    }

    #[test]
    fn provisioned_five_and_five_for_a_month() {
        let usage = Usage { provisioned_read_units: 5.0, provisioned_write_units: 5.0, ..Usage::default() };
        let standard = row(&usage, TableClass::Standard, CapacityMode::Provisioned);
        assert_close(standard.reads_usd, 5.0 * 730.0 * 0.00013); // 0.4745
        assert_close(standard.writes_usd, 5.0 * 730.0 * 0.00065); // 2.3725
        assert_close(standard.total_usd, 2.847);
        // 5/5 is inside the free tier: all of it would be free.
        assert_close(standard.free_tier_usd, standard.total_usd);

        let infrequent = row(&usage, TableClass::StandardInfrequentAccess, CapacityMode::Provisioned);
        assert_close(infrequent.total_usd, 5.0 * 730.0 * (0.00016 + 0.00081)); // 3.5405
        assert_close(infrequent.free_tier_usd, 0.0);
    }

    #[test]
    fn provisioned_rows_ignore_requests_and_on_demand_rows_ignore_capacity() {
        let usage = Usage {
            read_request_units: 1e9,
            write_request_units: 1e9,
            provisioned_read_units: 1.0,
            provisioned_write_units: 1.0,
            ..Usage::default()
        };
        let provisioned = row(&usage, TableClass::Standard, CapacityMode::Provisioned);
        assert_close(provisioned.total_usd, 730.0 * (0.00013 + 0.00065));
        let on_demand = row(&usage, TableClass::Standard, CapacityMode::PayPerRequest);
        assert_close(on_demand.total_usd, 1000.0 * (0.125 + 0.625));
    }

    #[test]
    fn free_tier_stops_at_its_allowance() {
        let usage = Usage {
            storage_bytes: 100 * GB,
            provisioned_read_units: 100.0,
            provisioned_write_units: 100.0,
            ..Usage::default()
        };
        let standard = row(&usage, TableClass::Standard, CapacityMode::Provisioned);
        assert_close(standard.free_tier_usd, 25.0 * 0.25 + 25.0 * 730.0 * (0.00013 + 0.00065));
        assert!(standard.free_tier_usd < standard.total_usd);
    }

    #[test]
    fn standard_ia_stores_cheaper_but_reads_and_writes_dearer() {
        let usage = Usage {
            storage_bytes: GB,
            read_request_units: 1e6,
            write_request_units: 1e6,
            provisioned_read_units: 1.0,
            provisioned_write_units: 1.0,
        };
        for mode in [CapacityMode::Provisioned, CapacityMode::PayPerRequest] {
            let standard = row(&usage, TableClass::Standard, mode);
            let infrequent = row(&usage, TableClass::StandardInfrequentAccess, mode);
            assert!(infrequent.storage_usd < standard.storage_usd);
            assert!(infrequent.reads_usd > standard.reads_usd);
            assert!(infrequent.writes_usd > standard.writes_usd);
        }
    }

    #[test]
    fn standard_ia_is_cheaper_overall_when_storage_dominates() {
        // 100 GB read rarely: $25.625 on Standard against $10.935 on Standard-IA.
        let usage =
            Usage { storage_bytes: 100 * GB, read_request_units: 1e6, write_request_units: 1e6, ..Usage::default() };
        let standard = row(&usage, TableClass::Standard, CapacityMode::PayPerRequest);
        let infrequent = row(&usage, TableClass::StandardInfrequentAccess, CapacityMode::PayPerRequest);
        assert_close(standard.total_usd, 25.0 + 0.125 + 0.625);
        assert_close(infrequent.total_usd, 10.0 + 0.155 + 0.78);
        assert!(infrequent.total_usd < standard.total_usd);
    }

    #[test]
    fn standard_is_cheaper_overall_when_requests_dominate() {
        let usage = Usage { storage_bytes: GB, write_request_units: 100e6, ..Usage::default() };
        let standard = row(&usage, TableClass::Standard, CapacityMode::PayPerRequest);
        let infrequent = row(&usage, TableClass::StandardInfrequentAccess, CapacityMode::PayPerRequest);
        assert!(standard.total_usd < infrequent.total_usd);
    }

    fn assert_all_finite_and_non_negative(usage: &Usage) {
        for e in estimate(usage) {
            for figure in [e.storage_usd, e.reads_usd, e.writes_usd, e.total_usd, e.free_tier_usd] {
                assert!(figure.is_finite() && figure >= 0.0, "{e:?} for {usage:?}");
            }
        }
    }

    #[test]
    fn zero_usage_costs_nothing() {
        for e in estimate(&Usage::default()) {
            assert_eq!(e.total_usd, 0.0);
            assert_eq!(e.free_tier_usd, 0.0);
        }
    }

    #[test]
    fn huge_and_nonsense_figures_stay_finite_and_non_negative() {
        let huge = f64::MAX;
        let usages = [
            Usage {
                storage_bytes: u64::MAX,
                read_request_units: huge,
                write_request_units: huge,
                provisioned_read_units: huge,
                provisioned_write_units: huge,
            },
            Usage {
                storage_bytes: 0,
                read_request_units: f64::INFINITY,
                write_request_units: f64::NAN,
                provisioned_read_units: -1.0,
                provisioned_write_units: f64::NEG_INFINITY,
            },
        ];
        for usage in &usages {
            assert_all_finite_and_non_negative(usage);
        }
    }

    #[test]
    fn json_names_the_date_region_and_rows_in_pascal_case() {
        let usage = Usage { storage_bytes: GB, ..Usage::default() };
        let value = estimate_json(&usage);
        assert_eq!(value["PricesAsOf"], PRICES_AS_OF);
        assert_eq!(value["Region"], "us-east-1");
        assert_eq!(value["HoursPerMonth"], 730.0);
        let first = &value["Estimates"][0];
        assert_eq!(first["TableClass"], "STANDARD");
        assert_eq!(first["BillingMode"], "PROVISIONED");
        assert_eq!(first["StorageUsd"], 0.25);
        assert_eq!(first["TotalUsd"], 0.25);
        assert_eq!(first["FreeTierUsd"], 0.25);
        assert_eq!(value["Estimates"].as_array().unwrap().len(), 4);
    }
}
