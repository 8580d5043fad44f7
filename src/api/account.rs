//! DescribeLimits and DescribeEndpoints: facts about the (local) account and Region.

use crate::api::render;
use crate::engine::Engine;
use crate::error::Result;
use crate::region;
use serde::Serialize;

/// How long clients may cache the endpoint list, as DynamoDB answers.
const ENDPOINT_CACHE_MINUTES: u64 = 1440;

crate::api::reader::request! {
    /// DescribeLimits takes no parameters.
    pub struct DescribeLimitsRequest {}
}

crate::api::reader::request! {
    /// DescribeEndpoints takes no parameters.
    pub struct DescribeEndpointsRequest {}
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeLimitsResponse {
    account_max_read_capacity_units: u64,
    account_max_write_capacity_units: u64,
    table_max_read_capacity_units: u64,
    table_max_write_capacity_units: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeEndpointsResponse {
    endpoints: Vec<Endpoint>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Endpoint {
    address: String,
    cache_period_in_minutes: u64,
}

/// The capacity limits CreateTable and UpdateTable enforce.
pub fn describe_limits(_request: DescribeLimitsRequest) -> Result<String> {
    render(&DescribeLimitsResponse {
        account_max_read_capacity_units: Engine::ACCOUNT_MAX_CAPACITY_UNITS,
        account_max_write_capacity_units: Engine::ACCOUNT_MAX_CAPACITY_UNITS,
        table_max_read_capacity_units: Engine::TABLE_MAX_CAPACITY_UNITS,
        table_max_write_capacity_units: Engine::TABLE_MAX_CAPACITY_UNITS,
    })
}

/// The Regional endpoint, as the real service names it.
pub fn describe_endpoints(_request: DescribeEndpointsRequest) -> Result<String> {
    let endpoint = Endpoint {
        address: format!("dynamodb.{}.amazonaws.com", region::current()),
        cache_period_in_minutes: ENDPOINT_CACHE_MINUTES,
    };
    render(&DescribeEndpointsResponse { endpoints: vec![endpoint] })
}
