//! UpdateContributorInsights, DescribeContributorInsights and ListContributorInsights on
//! the wire, and `Dynaplay.DescribeContributorInsightsReport`, which tells the top keys
//! that CloudWatch would show (src/engine/insights.rs; docs/capacity.md).

use crate::api::render;
use crate::api::validate::{required, Violations};
use crate::clock::seconds;
use crate::engine::insights::{
    ContributorInsights, InsightsAction, InsightsMode, InsightsStatus, KeyEventKind, MAX_WINDOW_MILLIS,
};
use crate::engine::{table_not_found, Engine, TableMeta};
use crate::error::{Error, Result};
use crate::json::{self, json};
use crate::model::AttributeValue;
use serde::Serialize;
use serde_json::Value;

const ACTIONS: [&str; 2] = ["ENABLE", "DISABLE"];
/// ListContributorInsights' largest page.
const MAX_RESULTS: i64 = 100;
/// How many keys a report lists per rule unless told otherwise.
const DEFAULT_REPORT_KEYS: usize = 10;
/// The most keys a report lists per rule.
const MAX_REPORT_KEYS: usize = 100;

crate::api::reader::request! {
    pub struct UpdateRequest {
        "TableName" => table_name: String,
        "IndexName" => index_name: String,
        "ContributorInsightsAction" => contributor_insights_action: String,
        "ContributorInsightsMode" => contributor_insights_mode: String,
    }
}

crate::api::reader::request! {
    pub struct DescribeRequest {
        "TableName" => table_name: String,
        "IndexName" => index_name: String,
    }
}

crate::api::reader::request! {
    pub struct ListRequest {
        "TableName" => table_name: String,
        "MaxResults" => max_results: i64,
        "NextToken" => next_token: String,
    }
}

/// One table's or index's entry in UpdateContributorInsights' response and
/// ListContributorInsights' summaries.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Summary<'a> {
    table_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    index_name: Option<&'a str>,
    contributor_insights_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    contributor_insights_mode: Option<&'static str>,
}

impl<'a> Summary<'a> {
    fn new(table_name: &'a str, index_name: Option<&'a str>, setting: Option<&ContributorInsights>, now: u64) -> Self {
        Summary {
            table_name,
            index_name,
            contributor_insights_status: setting.map_or(InsightsStatus::Disabled, |s| s.status(now)).wire_name(),
            contributor_insights_mode: setting.map(|setting| setting.mode.wire_name()),
        }
    }
}

/// The request shape's rules for a table name and an optional index name.
fn check_names(violations: &mut Violations, table_name: &Option<String>, index_name: &Option<String>) {
    violations.table_name(table_name, "tableName");
    if index_name.is_some() {
        violations.table_name(index_name, "indexName");
    }
}

pub fn update_contributor_insights(engine: &mut Engine, request: UpdateRequest) -> Result<String> {
    let mut violations = Violations::default();
    check_names(&mut violations, &request.table_name, &request.index_name);
    violations.not_null(&request.contributor_insights_action, "contributorInsightsAction");
    violations.one_of(&request.contributor_insights_action, "contributorInsightsAction", &ACTIONS);
    violations.one_of(&request.contributor_insights_mode, "contributorInsightsMode", &InsightsMode::WIRE_NAMES);
    violations.finish()?;
    let table_name = required(request.table_name, "tableName")?;
    let mode = request.contributor_insights_mode.as_deref().and_then(InsightsMode::from_wire);
    let action = match request.contributor_insights_action.as_deref() {
        Some("ENABLE") => InsightsAction::Enable(mode.unwrap_or(InsightsMode::AccessedAndThrottledKeys)),
        _ => InsightsAction::Disable,
    };
    let index = request.index_name.as_deref();
    let setting = engine.update_contributor_insights(&table_name, index, action)?;
    render(&Summary::new(&table_name, index, setting.as_ref(), engine.now_millis()))
}

pub fn describe_contributor_insights(engine: &mut Engine, request: DescribeRequest) -> Result<String> {
    let mut violations = Violations::default();
    check_names(&mut violations, &request.table_name, &request.index_name);
    violations.finish()?;
    let table_name = required(request.table_name, "tableName")?;
    let index = request.index_name.as_deref();
    let now = engine.now_millis();
    let setting = engine.contributor_insights(&table_name, index)?.cloned();
    let mut body = json!(Summary::new(&table_name, index, setting.as_ref(), now));
    if let Some(setting) = setting {
        let status = setting.status(now);
        if matches!(status, InsightsStatus::Enabling | InsightsStatus::Enabled) {
            let meta = &engine.table(&table_name).ok_or_else(|| table_not_found(&table_name))?.meta;
            body["ContributorInsightsRuleList"] = json!(setting.rule_names(meta));
        }
        body["LastUpdateDateTime"] = json!(seconds(setting.changed_millis));
    }
    Ok(json::text(&body))
}

/// The tables' and global indexes' settings that are not DISABLED, tables in name
/// order, each before its indexes; NextToken names the next entry.
pub fn list_contributor_insights(engine: &mut Engine, request: ListRequest) -> Result<String> {
    let mut violations = Violations::default();
    if request.table_name.is_some() {
        violations.table_name(&request.table_name, "tableName");
    }
    if let Some(max) = request.max_results.filter(|max| *max > MAX_RESULTS) {
        let constraint = format!("Member must have value less than or equal to {MAX_RESULTS}");
        violations.add(format!("'{max}'"), "maxResults", &constraint);
    }
    violations.finish()?;
    let now = engine.now_millis();
    let metas: Vec<&TableMeta> = match &request.table_name {
        Some(name) => vec![&engine.table(name).ok_or_else(|| table_not_found(name))?.meta],
        None => engine.tables().map(|table| &table.meta).collect(),
    };
    let listed: Vec<(String, Summary)> = metas.iter().flat_map(|meta| listed_settings(meta, now)).collect();
    let start = match &request.next_token {
        Some(token) => listed.iter().position(|(position, _)| position == token).ok_or_else(|| invalid_token(token))?,
        None => 0,
    };
    let page_size = request.max_results.map_or(MAX_RESULTS, |max| max.max(1)) as usize;
    let page: Vec<&Summary> = listed.iter().skip(start).take(page_size).map(|(_, summary)| summary).collect();
    let next = listed.get(start + page_size).map(|(position, _)| position.clone());
    let mut body = json!({ "ContributorInsightsSummaries": page });
    if let Some(next) = next {
        body["NextToken"] = json!(next);
    }
    Ok(json::text(&body))
}

/// A table's listed settings with their list positions: the table's, then its indexes'
/// in the order the table declares them.
fn listed_settings(meta: &TableMeta, now: u64) -> Vec<(String, Summary<'_>)> {
    let setting = |index: Option<&str>| meta.contributor_insights.iter().find(|s| s.index.as_deref() == index);
    let resources = std::iter::once(None).chain(meta.indexes.iter().map(|index| Some(index.name.as_str())));
    resources
        .filter_map(|index| {
            let summary = Summary::new(&meta.name, index, Some(setting(index)?), now);
            let listed = summary.contributor_insights_status != InsightsStatus::Disabled.wire_name();
            let position = format!("{}/{}", meta.name, index.unwrap_or_default());
            listed.then_some((position, summary))
        })
        .collect()
}

fn invalid_token(token: &str) -> Error {
    Error::validation(format!("Invalid NextToken: {token}"))
}

crate::api::reader::request! {
    pub struct ReportRequest deny_unknown_fields {
        "TableName" => table_name: String,
        "IndexName" => index_name: String,
        "WindowMillis" => window_millis: u64,
        "MaxContributors" => max_contributors: usize,
    }
}

/// Dynaplay.DescribeContributorInsightsReport: for each partition key rule of an enabled
/// table or index, the keys with the most events in the window (an hour unless given),
/// as CloudWatch's GetInsightRuleReport lists contributors.
pub fn describe_report(engine: &mut Engine, request: ReportRequest) -> Result<String> {
    let table_name = required(request.table_name, "TableName")?;
    let index = request.index_name.as_deref();
    let window = request.window_millis.unwrap_or(60 * 60 * 1000);
    if !(1..=MAX_WINDOW_MILLIS).contains(&window) {
        return Err(Error::validation(format!("WindowMillis must be between 1 and {MAX_WINDOW_MILLIS}, not {window}")));
    }
    let limit = request.max_contributors.unwrap_or(DEFAULT_REPORT_KEYS);
    if !(1..=MAX_REPORT_KEYS).contains(&limit) {
        return Err(Error::validation(format!("MaxContributors must be between 1 and {MAX_REPORT_KEYS}, not {limit}")));
    }
    let now = engine.now_millis();
    let setting = engine.contributor_insights(&table_name, index)?.cloned();
    let table = engine.table(&table_name).ok_or_else(|| table_not_found(&table_name))?;
    let since = now.saturating_sub(window);
    let rules: Vec<Value> = match setting.filter(|setting| setting.status(now) == InsightsStatus::Enabled) {
        Some(setting) => setting
            .rule_names(&table.meta)
            .into_iter()
            .filter_map(|rule| {
                let kind = match rule.split('-').nth(1) {
                    Some("PKC") => KeyEventKind::Accessed,
                    Some("PKT") => KeyEventKind::Throttled,
                    _ => return None,
                };
                let top = table.key_events.top(index, kind, since, limit);
                let contributors: Vec<Value> = top
                    .into_iter()
                    .map(|(key, count)| json!({"Keys": [key_text(&key)], "ApproximateAggregateValue": count}))
                    .collect();
                Some(json!({"RuleName": rule, "Contributors": contributors}))
            })
            .collect(),
        None => Vec::new(),
    };
    let mut body = json!({"TableName": table_name, "NowMillis": now, "WindowMillis": window, "Rules": rules});
    if let Some(index) = index {
        body["IndexName"] = json!(index);
    }
    Ok(json::text(&body))
}

/// A key value as CloudWatch shows a contributor: the text of a string or number, the
/// base64 of a binary value.
fn key_text(value: &AttributeValue) -> String {
    match serde_json::to_value(value) {
        Ok(Value::Object(members)) => match members.into_iter().next() {
            Some((_, Value::String(text))) => text,
            Some((_, other)) => json::text(&other),
            None => String::new(),
        },
        _ => String::new(),
    }
}
