//! Point-in-time recovery on the wire: UpdateContinuousBackups,
//! DescribeContinuousBackups and RestoreTableToPointInTime.

use crate::api::backups::{check_table_arn, millis, table_name_of, Overrides};
use crate::api::render;
use crate::api::tables::restored_table;
use crate::api::validate::{required, Violations};
use crate::clock::seconds;
use crate::engine::{Engine, PointInTimeRecovery, MAX_RECOVERY_PERIOD_DAYS};
use crate::error::Result;
use crate::json::json;
use serde_json::Value;

const SPECIFICATION: &str = "pointInTimeRecoverySpecification";

crate::api::reader::request! {
    pub struct UpdateContinuousBackupsRequest {
        "TableName" => table_name: String,
        "PointInTimeRecoverySpecification" => point_in_time_recovery_specification: SpecificationInput,
    }
}

crate::api::reader::request! {
    struct SpecificationInput {
        "PointInTimeRecoveryEnabled" => point_in_time_recovery_enabled: bool,
        "RecoveryPeriodInDays" => recovery_period_in_days: i64,
    }
}

crate::api::reader::request! {
    pub struct DescribeContinuousBackupsRequest {
        "TableName" => table_name: String,
    }
}

crate::api::reader::request! {
    pub struct RestoreTableToPointInTimeRequest {
        "SourceTableArn" => source_table_arn: String,
        "SourceTableName" => source_table_name: String,
        "TargetTableName" => target_table_name: String,
        "UseLatestRestorableTime" => use_latest_restorable_time: bool,
        "RestoreDateTime" => restore_date_time: f64,
        flatten overrides: Overrides,
    }
}

/// UpdateContinuousBackups: turns point-in-time recovery on (with a recovery period,
/// 35 days unless given) or off; the response describes the new state.
pub fn update_continuous_backups(engine: &mut Engine, request: UpdateContinuousBackupsRequest) -> Result<String> {
    let mut violations = Violations::default();
    check_table_arn(&mut violations, &request.table_name, "tableName");
    violations.not_null(&request.table_name, "tableName");
    violations.not_null(&request.point_in_time_recovery_specification, SPECIFICATION);
    if let Some(specification) = &request.point_in_time_recovery_specification {
        let enabled_path = format!("{SPECIFICATION}.pointInTimeRecoveryEnabled");
        violations.not_null(&specification.point_in_time_recovery_enabled, &enabled_path);
        if let Some(days) = specification.recovery_period_in_days {
            let path = format!("{SPECIFICATION}.recoveryPeriodInDays");
            crate::api::tables::check_range(&mut violations, days, &path, 1..=i64::from(MAX_RECOVERY_PERIOD_DAYS));
        }
    }
    violations.finish()?;
    let name = table_name_of(&required(request.table_name, "tableName")?);
    let specification = required(request.point_in_time_recovery_specification, SPECIFICATION)?;
    let enabled = required(specification.point_in_time_recovery_enabled, "pointInTimeRecoveryEnabled")?;
    let days = specification.recovery_period_in_days.and_then(|days| u32::try_from(days).ok());
    if days.is_some() && !enabled {
        crate::bail_validation!("RecoveryPeriodInDays can only be specified when PointInTimeRecoveryEnabled is true");
    }
    let setting = engine.update_point_in_time_recovery(&name, enabled, days)?;
    render(&json!({ "ContinuousBackupsDescription": continuous_backups(setting.as_ref(), engine.now_millis()) }))
}

/// DescribeContinuousBackups: continuous backups are always ENABLED; point-in-time
/// recovery's status, and while enabled its period and restorable window.
pub fn describe_continuous_backups(engine: &mut Engine, request: DescribeContinuousBackupsRequest) -> Result<String> {
    let mut violations = Violations::default();
    violations.not_null(&request.table_name, "tableName");
    check_table_arn(&mut violations, &request.table_name, "tableName");
    violations.finish()?;
    let name = table_name_of(&required(request.table_name, "tableName")?);
    let setting = engine.table_for_backups(&name)?.meta.point_in_time_recovery.as_ref();
    let description = continuous_backups(setting, engine.now_millis());
    render(&json!({ "ContinuousBackupsDescription": description }))
}

/// RestoreTableToPointInTime: a new table with the source's items at a moment of its
/// restorable window, and its settings (as overridden).
pub fn restore_table_to_point_in_time(
    engine: &mut Engine,
    request: RestoreTableToPointInTimeRequest,
) -> Result<String> {
    let mut violations = Violations::default();
    violations.table_name(&request.target_table_name, "targetTableName");
    if request.source_table_name.is_some() {
        violations.table_name(&request.source_table_name, "sourceTableName");
    }
    check_table_arn(&mut violations, &request.source_table_arn, "sourceTableArn");
    request.overrides.check_shape(&mut violations);
    violations.finish()?;
    request.overrides.refuse_later("RestoreTableToPointInTime")?;
    let source = match (request.source_table_name, request.source_table_arn) {
        (Some(name), None) => name,
        (None, Some(arn)) => table_name_of(&arn),
        (Some(_), Some(_)) => crate::bail_validation!("Only one of SourceTableArn or SourceTableName may be specified"),
        (None, None) => crate::bail_validation!("Either SourceTableArn or SourceTableName must be specified"),
    };
    let at = match (request.use_latest_restorable_time.unwrap_or(false), request.restore_date_time) {
        (true, Some(_)) => {
            crate::bail_validation!("Only one of RestoreDateTime or UseLatestRestorableTime may be specified")
        }
        (false, None) => {
            crate::bail_validation!("Either RestoreDateTime or UseLatestRestorableTime must be specified")
        }
        (_, at) => at.map(millis),
    };
    let target = required(request.target_table_name, "targetTableName")?;
    // The moment restored is filled in by the engine once the window is known.
    let meta = request.overrides.apply(engine.restore_source(&source)?.meta.restored_as(target, None, 0))?;
    restored_table(engine.restore_table_to_point_in_time(&source, at, meta)?)
}

/// ContinuousBackupsDescription for a table whose recovery setting is `setting`.
fn continuous_backups(setting: Option<&PointInTimeRecovery>, now: u64) -> Value {
    let recovery = match setting {
        None => json!({ "PointInTimeRecoveryStatus": "DISABLED" }),
        Some(recovery) => {
            let window = recovery.window(now);
            json!({
                "PointInTimeRecoveryStatus": "ENABLED",
                "RecoveryPeriodInDays": recovery.recovery_period_days,
                "EarliestRestorableDateTime": seconds(window.earliest_millis),
                "LatestRestorableDateTime": seconds(window.latest_millis),
            })
        }
    };
    json!({ "ContinuousBackupsStatus": "ENABLED", "PointInTimeRecoveryDescription": recovery })
}
