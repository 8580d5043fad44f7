//! The golden file format, shared by the host runner (tests/golden.rs) and the browser
//! runner (tests/web_golden.rs), and the list of golden files the browser embeds.
//!
//! Steps are separated by a line `===`:
//! ```text
//! # a comment
//! PutItem
//! {"TableName": "t", "Item": {"id": {"S": "a"}}}
//! ---
//! {}
//! ===
//! GetItem
//! {"TableName": "missing", "Key": {"id": {"S": "a"}}}
//! ---
//! ResourceNotFoundException: Requested resource not found
//! ```
//! An operation line `GetItem as alice` runs the request as the principal `alice`
//! (docs/access-control.md) instead of the account root. The operation line may name
//! the Region whose endpoint the request reaches after an `@` (`GetItem @eu-west-1`,
//! before any `as`); without one it reaches the home Region, us-east-1.
//!
//! An expected `ignore` accepts any successful response (for set-up steps); an
//! expected JSON object is compared as JSON; anything else is the exact error text
//! `ShortExceptionName: message`. A TransactionCanceledException's runner adds a second
//! line, its CancellationReasons as JSON, which an expected error's following lines
//! match as JSON.
//!
//! Streams hand out values a later request must quote (iterators, stream ARNs, sequence
//! numbers), which differ in the browser's real time. A request names the latest value
//! of such a member seen in any response as `"$Member"` (see [`Captures`]), and the
//! engine clock of the latest `Dynaplay.` response in epoch seconds, give or take some,
//! as `"$NowSeconds"`, `"$NowSeconds+100"` or `"$NowSeconds-10"` (for time to live), and
//! without the quotes as a JSON number (for timestamps such as RestoreDateTime). Shard
//! iterators are opaque: their values are never compared, only their presence, so an
//! expected response writes them as `"(opaque)"`.

use serde_json::Value;
use std::collections::BTreeMap;

/// Every golden file, embedded so that the browser runner (which has no file system)
/// can run them too. `every_golden_file_is_listed` in tests/golden.rs keeps it complete.
pub const FILES: &[(&str, &str)] = &[
    ("access_evaluation.txt", include_str!("../golden/access_evaluation.txt")),
    ("access_principals.txt", include_str!("../golden/access_principals.txt")),
    ("access_resource_policy.txt", include_str!("../golden/access_resource_policy.txt")),
    ("backups_basic.txt", include_str!("../golden/backups_basic.txt")),
    ("backups_errors.txt", include_str!("../golden/backups_errors.txt")),
    ("batch_get.txt", include_str!("../golden/batch_get.txt")),
    ("batch_get_errors.txt", include_str!("../golden/batch_get_errors.txt")),
    ("batch_projection.txt", include_str!("../golden/batch_projection.txt")),
    ("batch_write.txt", include_str!("../golden/batch_write.txt")),
    ("batch_write_errors.txt", include_str!("../golden/batch_write_errors.txt")),
    ("conditions_parameters.txt", include_str!("../golden/conditions_parameters.txt")),
    ("conditions_writes.txt", include_str!("../golden/conditions_writes.txt")),
    ("dax_clusters.txt", include_str!("../golden/dax_clusters.txt")),
    ("export_basic.txt", include_str!("../golden/export_basic.txt")),
    ("export_errors.txt", include_str!("../golden/export_errors.txt")),
    ("expr_between_in_logic.txt", include_str!("../golden/expr_between_in_logic.txt")),
    ("expr_comparisons.txt", include_str!("../golden/expr_comparisons.txt")),
    ("expr_conditions_writes.txt", include_str!("../golden/expr_conditions_writes.txt")),
    ("expr_functions.txt", include_str!("../golden/expr_functions.txt")),
    ("expr_pagination.txt", include_str!("../golden/expr_pagination.txt")),
    ("expr_paths_placeholders.txt", include_str!("../golden/expr_paths_placeholders.txt")),
    ("expr_update_actions.txt", include_str!("../golden/expr_update_actions.txt")),
    ("expr_update_errors.txt", include_str!("../golden/expr_update_errors.txt")),
    ("global_tables_autoscaling.txt", include_str!("../golden/global_tables_autoscaling.txt")),
    ("global_tables_basic.txt", include_str!("../golden/global_tables_basic.txt")),
    ("global_tables_errors.txt", include_str!("../golden/global_tables_errors.txt")),
    ("global_tables_settings.txt", include_str!("../golden/global_tables_settings.txt")),
    ("import_basic.txt", include_str!("../golden/import_basic.txt")),
    ("import_errors.txt", include_str!("../golden/import_errors.txt")),
    ("index_backfill.txt", include_str!("../golden/index_backfill.txt")),
    ("index_capacity_batch.txt", include_str!("../golden/index_capacity_batch.txt")),
    ("index_capacity_metrics.txt", include_str!("../golden/index_capacity_metrics.txt")),
    ("index_capacity_reads.txt", include_str!("../golden/index_capacity_reads.txt")),
    ("index_capacity_writes.txt", include_str!("../golden/index_capacity_writes.txt")),
    ("index_collection_limit.txt", include_str!("../golden/index_collection_limit.txt")),
    ("index_create.txt", include_str!("../golden/index_create.txt")),
    ("index_create_errors.txt", include_str!("../golden/index_create_errors.txt")),
    ("index_propagation.txt", include_str!("../golden/index_propagation.txt")),
    ("index_query.txt", include_str!("../golden/index_query.txt")),
    ("index_update.txt", include_str!("../golden/index_update.txt")),
    ("index_update_errors.txt", include_str!("../golden/index_update_errors.txt")),
    ("index_writes.txt", include_str!("../golden/index_writes.txt")),
    ("insights_basic.txt", include_str!("../golden/insights_basic.txt")),
    ("items_attributes_to_get.txt", include_str!("../golden/items_attributes_to_get.txt")),
    ("items_basic.txt", include_str!("../golden/items_basic.txt")),
    ("items_errors.txt", include_str!("../golden/items_errors.txt")),
    ("items_projection.txt", include_str!("../golden/items_projection.txt")),
    ("kinesis_consumers.txt", include_str!("../golden/kinesis_consumers.txt")),
    ("kinesis_destination.txt", include_str!("../golden/kinesis_destination.txt")),
    ("kinesis_destination_errors.txt", include_str!("../golden/kinesis_destination_errors.txt")),
    ("kinesis_errors.txt", include_str!("../golden/kinesis_errors.txt")),
    ("kinesis_retention.txt", include_str!("../golden/kinesis_retention.txt")),
    ("kinesis_streams.txt", include_str!("../golden/kinesis_streams.txt")),
    ("legacy_attribute_updates.txt", include_str!("../golden/legacy_attribute_updates.txt")),
    ("legacy_expected.txt", include_str!("../golden/legacy_expected.txt")),
    ("legacy_query_scan.txt", include_str!("../golden/legacy_query_scan.txt")),
    ("limits_account.txt", include_str!("../golden/limits_account.txt")),
    ("partiql_batch.txt", include_str!("../golden/partiql_batch.txt")),
    ("partiql_errors.txt", include_str!("../golden/partiql_errors.txt")),
    ("partiql_select.txt", include_str!("../golden/partiql_select.txt")),
    ("partiql_transaction.txt", include_str!("../golden/partiql_transaction.txt")),
    ("partiql_writes.txt", include_str!("../golden/partiql_writes.txt")),
    ("pitr_basic.txt", include_str!("../golden/pitr_basic.txt")),
    ("query_basic.txt", include_str!("../golden/query_basic.txt")),
    ("query_errors.txt", include_str!("../golden/query_errors.txt")),
    ("request_shapes.txt", include_str!("../golden/request_shapes.txt")),
    ("scan_basic.txt", include_str!("../golden/scan_basic.txt")),
    ("scan_errors.txt", include_str!("../golden/scan_errors.txt")),
    ("simulation_knobs.txt", include_str!("../golden/simulation_knobs.txt")),
    ("streams_basic.txt", include_str!("../golden/streams_basic.txt")),
    ("streams_deleted_table.txt", include_str!("../golden/streams_deleted_table.txt")),
    ("streams_errors.txt", include_str!("../golden/streams_errors.txt")),
    ("tables_create.txt", include_str!("../golden/tables_create.txt")),
    ("tables_create_errors.txt", include_str!("../golden/tables_create_errors.txt")),
    ("tables_delete.txt", include_str!("../golden/tables_delete.txt")),
    ("tables_describe.txt", include_str!("../golden/tables_describe.txt")),
    ("tables_encryption.txt", include_str!("../golden/tables_encryption.txt")),
    ("tables_list.txt", include_str!("../golden/tables_list.txt")),
    ("tables_update.txt", include_str!("../golden/tables_update.txt")),
    ("tags_basic.txt", include_str!("../golden/tags_basic.txt")),
    ("tags_errors.txt", include_str!("../golden/tags_errors.txt")),
    ("transact_conflicts.txt", include_str!("../golden/transact_conflicts.txt")),
    ("transact_get.txt", include_str!("../golden/transact_get.txt")),
    ("transact_indexes.txt", include_str!("../golden/transact_indexes.txt")),
    ("transact_write.txt", include_str!("../golden/transact_write.txt")),
    ("transact_write_errors.txt", include_str!("../golden/transact_write_errors.txt")),
    ("ttl_basic.txt", include_str!("../golden/ttl_basic.txt")),
    ("update_basic.txt", include_str!("../golden/update_basic.txt")),
    ("update_expressions.txt", include_str!("../golden/update_expressions.txt")),
];

/// Response members that depend on the clock or the TableId generator: the browser
/// runner uses real time, so it compares everything but these. It also compares
/// numbers by value, since JavaScript's JSON turns `1.0` into `1`.
const VOLATILE: [&str; 45] = [
    "ExportFromTime",
    "ExportToTime",
    "CreationDateTime",
    "LastUpdateToPayPerRequestDateTime",
    "LastIncreaseDateTime",
    "LastDecreaseDateTime",
    "TableId",
    "NowMillis",
    "LatestStreamLabel",
    "LatestStreamArn",
    "StreamLabel",
    "StreamArn",
    "CreationRequestDateTime",
    "ShardId",
    "StartingSequenceNumber",
    "EndingSequenceNumber",
    "SequenceNumber",
    "ApproximateCreationDateTime",
    "eventID",
    "LastEvaluatedStreamArn",
    "LastEvaluatedShardId",
    "ParentShardId",
    "StreamCreationTimestamp",
    "ApproximateArrivalTimestamp",
    "ConsumerCreationTimestamp",
    "ConsumerARN",
    "Data",
    "BackupArn",
    "SourceBackupArn",
    "LastEvaluatedBackupArn",
    "BackupCreationDateTime",
    "BackupExpiryDateTime",
    "TableCreationDateTime",
    "EarliestRestorableDateTime",
    "LatestRestorableDateTime",
    "RestoreDateTime",
    "ExportArn",
    "ImportArn",
    "ExportManifest",
    "StartTime",
    "EndTime",
    "ExportTime",
    "LastUpdateDateTime",
    "ContributorInsightsRuleList",
    "RuleName",
];

/// Response members whose latest values a request can quote as `"$Member"`.
const CAPTURED: [&str; 13] = [
    "ShardIterator",
    "NextShardIterator",
    "LatestStreamArn",
    "StreamArn",
    "StreamARN",
    "ConsumerARN",
    "ShardId",
    "SequenceNumber",
    "NowMillis",
    "BackupArn",
    "LastEvaluatedBackupArn",
    "ExportArn",
    "ImportArn",
];

/// Members whose values are opaque tokens: compared by presence alone.
const OPAQUE: [&str; 2] = ["ShardIterator", "NextShardIterator"];

/// The latest value of each [`CAPTURED`] member seen in a response of one golden file.
#[derive(Default)]
pub struct Captures(BTreeMap<String, String>);

impl Captures {
    /// Replaces each `"$Member"` in `request` with the latest value of that member, each
    /// `"$NowSeconds"` (with an optional `+n` or `-n`) with that time as a string, and each
    /// unquoted `$NowSeconds` likewise as a number.
    pub fn substitute(&self, request: &str) -> String {
        let request = self.0.iter().fold(request.to_string(), |request, (name, value)| {
            request.replace(&format!("\"${name}\""), &Value::String(value.clone()).to_string())
        });
        let now_seconds = self.0.get("NowMillis").and_then(|millis| millis.parse::<i64>().ok()).map(|ms| ms / 1000);
        let mut parts = request.split("$NowSeconds");
        let mut substituted = parts.next().unwrap_or_default().to_string();
        for part in parts {
            let offset_length = part.find(|c: char| !matches!(c, '+' | '-' | '0'..='9')).unwrap_or(part.len());
            let (offset, rest) = part.split_at(offset_length);
            let offset: i64 = offset.trim_start_matches('+').parse().unwrap_or(0);
            let now = now_seconds.expect("$NowSeconds follows a Dynaplay. response");
            substituted.push_str(&format!("{}{rest}", now + offset));
        }
        substituted
    }

    /// Remembers the captured members of a successful response (the last one wins).
    pub fn record(&mut self, response: &str) {
        if let Ok(value) = serde_json::from_str::<Value>(response) {
            self.walk(&value);
        }
    }

    fn walk(&mut self, value: &Value) {
        match value {
            Value::Object(members) => {
                for (name, member) in members {
                    match (CAPTURED.contains(&name.as_str()), member) {
                        (true, Value::String(text)) => {
                            self.0.insert(name.clone(), text.clone());
                        }
                        (true, Value::Number(number)) => {
                            self.0.insert(name.clone(), number.to_string());
                        }
                        _ => self.walk(member),
                    }
                }
            }
            Value::Array(elements) => elements.iter().for_each(|element| self.walk(element)),
            _ => {}
        }
    }
}

pub struct Step {
    pub operation: String,
    /// The principal the request runs as (`Operation as name`); None: the account root.
    pub principal: Option<String>,
    /// The Region whose endpoint the request reaches, when the operation line names one
    /// after `@` (`GetItem @eu-west-1`); the home Region otherwise.
    pub region: Option<String>,
    pub request: String,
    expected: String,
    line: usize,
}

/// The steps of one golden file.
pub fn parse_steps(text: &str) -> Vec<Step> {
    let text = text.replace("\r\n", "\n");
    let mut steps = Vec::new();
    let mut line = 1;
    for chunk in text.split("\n===\n") {
        let body: Vec<&str> = chunk.lines().filter(|line| !line.starts_with('#')).collect();
        let body = body.join("\n");
        let (request_part, expected) =
            body.split_once("\n---\n").unwrap_or_else(|| panic!("step at line {line} has no ---"));
        let request_part = request_part.trim();
        let (operation, request) = request_part.split_once('\n').unwrap_or((request_part, "{}"));
        let (operation, principal) = match operation.split_once(" as ") {
            Some((operation, principal)) => (operation, Some(principal.trim().to_string())),
            None => (operation, None),
        };
        let (operation, region) = match operation.split_once(" @") {
            Some((operation, region)) => (operation, Some(region.trim().to_string())),
            None => (operation, None),
        };
        steps.push(Step {
            operation: operation.trim().into(),
            principal,
            region,
            request: request.into(),
            expected: expected.trim().into(),
            line,
        });
        line += chunk.lines().count() + 1;
    }
    steps
}

/// Checks one step's outcome: the response body, or the error as `Name: message`.
/// In the `browser`, clock- and id-dependent members are not compared, and numbers
/// only by value.
pub fn check(step: &Step, file: &str, outcome: Result<String, String>, browser: bool) {
    let place = format!("{file}:{} ({})", step.line, step.operation);
    let actual = match &outcome {
        Ok(response) | Err(response) => response.clone(),
    };
    if step.expected == "ignore" {
        assert!(outcome.is_ok(), "{place}: {actual}");
    } else if step.expected.starts_with('{') {
        let mut expected: Value =
            serde_json::from_str(&step.expected).unwrap_or_else(|e| panic!("{place}: bad expected JSON: {e}"));
        let mut actual_json: Value = match &outcome {
            Ok(response) => serde_json::from_str(response).unwrap_or_else(|e| panic!("{place}: {e}: {response}")),
            Err(error) => panic!("{place}: expected a response, got {error}"),
        };
        blank_opaque(&mut expected);
        blank_opaque(&mut actual_json);
        if browser {
            loosen(&mut expected);
            loosen(&mut actual_json);
        }
        assert_eq!(actual_json, expected, "{place}\nactual: {actual}");
    } else {
        let (actual_error, actual_members) = actual.split_once('\n').unwrap_or((&actual, ""));
        let (expected_error, expected_members) = step.expected.split_once('\n').unwrap_or((&step.expected, ""));
        assert_eq!(actual_error, expected_error, "{place}");
        let as_json = |text: &str| match text.trim() {
            "" => Value::Null,
            text => serde_json::from_str(text).unwrap_or_else(|e| panic!("{place}: bad error members JSON: {e}")),
        };
        assert_eq!(as_json(actual_members), as_json(expected_members), "{place}\nactual: {actual}");
    }
}

/// Replaces each opaque member's value with `"(opaque)"`.
fn blank_opaque(value: &mut Value) {
    match value {
        Value::Object(members) => {
            for (name, member) in members.iter_mut() {
                match OPAQUE.contains(&name.as_str()) {
                    true => *member = Value::String("(opaque)".into()),
                    false => blank_opaque(member),
                }
            }
        }
        Value::Array(elements) => elements.iter_mut().for_each(blank_opaque),
        _ => {}
    }
}

/// Blanks the volatile members and turns every number into a float.
fn loosen(value: &mut Value) {
    match value {
        Value::Object(members) => {
            for (name, member) in members.iter_mut() {
                match VOLATILE.contains(&name.as_str()) {
                    true => *member = Value::Null,
                    false => loosen(member),
                }
            }
        }
        Value::Array(elements) => elements.iter_mut().for_each(loosen),
        Value::Number(number) => *value = number.as_f64().map_or(Value::Null, Value::from),
        _ => {}
    }
}
