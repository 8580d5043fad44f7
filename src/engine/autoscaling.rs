//! Auto scaling: target tracking of a provisioned table's (or global index's) read or
//! write capacity, on the engine clock, as Application Auto Scaling does it for DynamoDB.
//!
//! A scalable target (min and max units for one dimension) with a target tracking
//! policy raises the provisioned units when consumption stayed above the target
//! utilisation for 2 consecutive minutes, to what the last minute's consumption needs at
//! the target, and lowers them when it stayed 20 points or more below it for 15
//! consecutive minutes (the Developer Guide's and AWS's stated alarm rules). Targets and
//! policies are part of the table's settings, so they are stored with it; each change
//! of capacity is an ordinary settings change, visible in DescribeTable.

use crate::bail_validation;
use crate::engine::throughput::Access;
use crate::engine::{BillingMode, Engine, IndexKind, TableMeta};
use crate::error::Result;
use serde::{Deserialize, Serialize};

/// Consecutive minutes above the target before scaling out.
const MINUTES_ABOVE: u64 = 2;
/// Consecutive minutes well below the target before scaling in.
const MINUTES_BELOW: u64 = 15;
/// How far below the target (in utilisation points) scaling in starts.
const SCALE_IN_MARGIN: f64 = 20.0;
/// Scaling activities each table keeps for DescribeScalingActivities.
const MAX_ACTIVITIES: usize = 50;

/// One scalable dimension of a table or of one of its global indexes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScalableTarget {
    /// The global index, or `None` for the table.
    pub index: Option<String>,
    pub access: Access,
    pub min: u64,
    pub max: u64,
    pub created_millis: u64,
    pub policy: Option<TargetTracking>,
    /// When capacity last changed by this target, in epoch milliseconds.
    #[serde(default)]
    pub last_scaled_millis: Option<u64>,
}

/// A target tracking policy on DynamoDBReadCapacityUtilization or ...Write....
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetTracking {
    pub name: String,
    /// Utilisation to keep, in percent.
    pub target_value: f64,
    pub disable_scale_in: bool,
    pub scale_in_cooldown_seconds: u64,
    pub scale_out_cooldown_seconds: u64,
    pub created_millis: u64,
}

/// A capacity change auto scaling made, for DescribeScalingActivities.
#[derive(Debug, Clone, PartialEq)]
pub struct ScalingActivity {
    pub at_millis: u64,
    pub index: Option<String>,
    pub access: Access,
    pub from: u64,
    pub to: u64,
    pub cause: String,
}

impl ScalableTarget {
    /// The units this target's policy wants now, if they differ from `current`: the
    /// decision of the policy's two alarms over the finished minutes of `per_minute`
    /// (units consumed in each minute, oldest first, ending with the last full minute).
    fn wanted(&self, current: u64, per_minute: &[f64], now: u64) -> Option<(u64, String)> {
        let policy = self.policy.as_ref()?;
        let since = self.last_scaled_millis.unwrap_or(self.created_millis).max(policy.created_millis);
        let usable_minutes = (now.saturating_sub(since) / 60_000) as usize;
        let utilisation = |units: f64| units / 60.0 / current.max(1) as f64 * 100.0;
        let recent = |count: u64| per_minute.iter().rev().take(count as usize).copied().collect::<Vec<f64>>();
        let needed = |units: f64| ((units / 60.0) / (policy.target_value / 100.0)).ceil() as u64;
        let last = per_minute.last().copied().unwrap_or(0.0);
        let cooled = |seconds: u64| self.last_scaled_millis.is_none_or(|at| now >= at + seconds * 1000);
        let above = recent(MINUTES_ABOVE);
        if usable_minutes >= MINUTES_ABOVE as usize
            && above.len() == MINUTES_ABOVE as usize
            && above.iter().all(|units| utilisation(*units) > policy.target_value)
            && cooled(policy.scale_out_cooldown_seconds)
        {
            let to = needed(last).clamp(self.min, self.max);
            let cause = format!("utilisation above {}% for {MINUTES_ABOVE} consecutive minutes", policy.target_value);
            return (to > current).then_some((to, cause));
        }
        let below = recent(MINUTES_BELOW);
        let threshold = policy.target_value - SCALE_IN_MARGIN;
        if !policy.disable_scale_in
            && usable_minutes >= MINUTES_BELOW as usize
            && below.len() == MINUTES_BELOW as usize
            && below.iter().all(|units| utilisation(*units) < threshold)
            && cooled(policy.scale_in_cooldown_seconds)
        {
            let to = needed(last).clamp(self.min, self.max);
            let cause = format!("utilisation below {threshold}% for {MINUTES_BELOW} consecutive minutes");
            return (to < current).then_some((to, cause));
        }
        None
    }
}

/// The provisioned units of `access` on the table or one of its global indexes.
pub fn provisioned_units(meta: &TableMeta, index: Option<&str>, access: Access) -> Option<u64> {
    let pair = match index {
        None => match meta.billing {
            BillingMode::Provisioned { read, write } => (read, write),
            BillingMode::PayPerRequest => return None,
        },
        Some(name) => meta.index(name).filter(|(_, index)| index.kind == IndexKind::Global)?.1.throughput?,
    };
    Some(match access {
        Access::Read => pair.0,
        Access::Write => pair.1,
    })
}

/// Sets the provisioned units of `access` on the table or one of its global indexes.
fn set_provisioned_units(meta: &mut TableMeta, index: Option<&str>, access: Access, units: u64) {
    let pair = match index {
        None => match &mut meta.billing {
            BillingMode::Provisioned { read, write } => (read, write),
            BillingMode::PayPerRequest => return,
        },
        Some(name) => {
            let Some((read, write)) =
                meta.indexes.iter_mut().find(|index| index.name == name).and_then(|index| index.throughput.as_mut())
            else {
                return;
            };
            (read, write)
        }
    };
    match access {
        Access::Read => *pair.0 = units,
        Access::Write => *pair.1 = units,
    }
}

impl Engine {
    /// Lets every scaling policy act on the minutes that have passed: changes capacity
    /// where a policy's alarm fired, as an ordinary (stored) settings change.
    pub fn auto_scale(&mut self) {
        let now = self.now_millis();
        let names: Vec<String> = self
            .tables
            .values()
            .filter(|table| !table.meta.auto_scaling.is_empty())
            .map(|t| t.meta.name.clone())
            .collect();
        for name in names {
            self.auto_scale_table(&name, now);
        }
    }

    fn auto_scale_table(&mut self, name: &str, now: u64) {
        let Some(table) = self.tables.get(name) else { return };
        let mut meta = table.meta.clone();
        let mut activities = Vec::new();
        for target in &mut meta.auto_scaling {
            let throughput = match &target.index {
                Some(index) => table.traffic.indexes.get(index).map(Box::as_ref),
                None => Some(&table.traffic.table),
            };
            let (Some(throughput), Some(current)) =
                (throughput, provisioned_units(&table.meta, target.index.as_deref(), target.access))
            else {
                continue;
            };
            let per_minute = throughput.finished_minutes(target.access, now, MINUTES_BELOW as usize);
            if let Some((to, cause)) = target.wanted(current, &per_minute, now) {
                target.last_scaled_millis = Some(now);
                let access = target.access;
                activities.push(ScalingActivity {
                    at_millis: now,
                    index: target.index.clone(),
                    access,
                    from: current,
                    to,
                    cause,
                });
            }
        }
        if activities.is_empty() {
            return;
        }
        for activity in &activities {
            set_provisioned_units(&mut meta, activity.index.as_deref(), activity.access, activity.to);
        }
        if self.replace_meta(meta).is_ok() {
            if let Some(table) = self.tables.get_mut(name) {
                for activity in activities {
                    if table.traffic.activities.len() == MAX_ACTIVITIES {
                        table.traffic.activities.pop_front();
                    }
                    table.traffic.activities.push_back(activity);
                }
            }
        }
    }
}

/// Where a scalable target lives: a table, or one of its global indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalableResource {
    pub table: String,
    pub index: Option<String>,
}

impl Engine {
    /// Registers (or updates the limits of) the scalable target of `access` units on
    /// `resource`, which must be provisioned.
    pub fn register_scalable_target(
        &mut self,
        resource: &ScalableResource,
        access: Access,
        min: u64,
        max: u64,
    ) -> Result<()> {
        let now = self.now_millis();
        let mut meta = self.scalable_meta(resource)?;
        match meta.auto_scaling.iter_mut().find(|target| target.index == resource.index && target.access == access) {
            Some(target) => (target.min, target.max) = (min, max),
            None => meta.auto_scaling.push(ScalableTarget {
                index: resource.index.clone(),
                access,
                min,
                max,
                created_millis: now,
                policy: None,
                last_scaled_millis: None,
            }),
        }
        self.replace_meta(meta).map(drop)
    }

    /// Removes a scalable target and its policy; false when there was none.
    pub fn deregister_scalable_target(&mut self, resource: &ScalableResource, access: Access) -> Result<bool> {
        let Some(mut meta) = self.tables.get(&resource.table).map(|table| table.meta.clone()) else { return Ok(false) };
        let before = meta.auto_scaling.len();
        meta.auto_scaling.retain(|target| !(target.index == resource.index && target.access == access));
        if meta.auto_scaling.len() == before {
            return Ok(false);
        }
        self.replace_meta(meta).map(|_| true)
    }

    /// Sets the target tracking policy of a registered target; false when the target is
    /// not registered.
    pub fn put_scaling_policy(
        &mut self,
        resource: &ScalableResource,
        access: Access,
        mut policy: TargetTracking,
    ) -> Result<bool> {
        policy.created_millis = self.now_millis();
        let Some(mut meta) = self.tables.get(&resource.table).map(|table| table.meta.clone()) else { return Ok(false) };
        let Some(target) = meta.auto_scaling.iter_mut().find(|t| t.index == resource.index && t.access == access)
        else {
            return Ok(false);
        };
        target.policy = Some(policy);
        self.replace_meta(meta).map(|_| true)
    }

    /// Removes the policy named `name` from a target; false when there is none.
    pub fn delete_scaling_policy(&mut self, resource: &ScalableResource, access: Access, name: &str) -> Result<bool> {
        let Some(mut meta) = self.tables.get(&resource.table).map(|table| table.meta.clone()) else { return Ok(false) };
        let found = meta.auto_scaling.iter_mut().find(|target| {
            target.index == resource.index
                && target.access == access
                && target.policy.as_ref().is_some_and(|p| p.name == name)
        });
        let Some(target) = found else { return Ok(false) };
        target.policy = None;
        self.replace_meta(meta).map(|_| true)
    }

    /// The settings of the table a target names, which must exist and be provisioned
    /// (the index too, when named).
    fn scalable_meta(&self, resource: &ScalableResource) -> Result<TableMeta> {
        let Some(table) = self.tables.get(&resource.table) else {
            bail_validation!("Unable to register scalable target: table/{} does not exist", resource.table);
        };
        let provisioned = match &resource.index {
            None => matches!(table.meta.billing, BillingMode::Provisioned { .. }),
            Some(name) => match table.meta.index(name) {
                Some((_, index)) if index.kind == IndexKind::Global => index.throughput.is_some(),
                _ => bail_validation!(
                    "Unable to register scalable target: index {name} of table/{} does not exist",
                    resource.table
                ),
            },
        };
        if !provisioned {
            bail_validation!("Unable to register scalable target: table/{} uses on-demand capacity", resource.table);
        }
        Ok(table.meta.clone())
    }
}
