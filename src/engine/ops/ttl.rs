//! Time to live: UpdateTimeToLive's setting, the status DescribeTimeToLive reports, and
//! the sweeper that deletes expired items as time passes on the engine clock.

use crate::engine::{Engine, Table, TableMeta, TimeToLive};
use crate::error::Result;
use crate::model::{AttributeValue, KeyCode, Number};
use crate::stream::Origin;

/// How long after a change UpdateTimeToLive refuses another one, and a disabled setting
/// reports DISABLING: one hour.
const CHANGE_INTERVAL_MILLIS: u64 = 60 * 60 * 1000;
/// Expiry times further in the past than five years are ignored, as on DynamoDB.
const IGNORED_AFTER_MILLIS: u64 = 5 * 365 * 24 * 60 * 60 * 1000;

/// A table's time to live status (TimeToLiveStatus).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeToLiveStatus {
    /// Expired items are deleted.
    Enabled,
    /// Turned off less than an hour ago.
    Disabling,
    /// Never enabled, or turned off over an hour ago.
    Disabled,
}

impl TimeToLiveStatus {
    pub fn wire_name(self) -> &'static str {
        match self {
            TimeToLiveStatus::Enabled => "ENABLED",
            TimeToLiveStatus::Disabling => "DISABLING",
            TimeToLiveStatus::Disabled => "DISABLED",
        }
    }
}

impl TableMeta {
    /// The time to live status at `now`, with the attribute it names while it has one.
    pub fn time_to_live_status(&self, now: u64) -> (TimeToLiveStatus, Option<&str>) {
        match &self.time_to_live {
            Some(ttl) if ttl.enabled => (TimeToLiveStatus::Enabled, Some(&ttl.attribute_name)),
            Some(ttl) if now < ttl.changed_millis.saturating_add(CHANGE_INTERVAL_MILLIS) => {
                (TimeToLiveStatus::Disabling, Some(&ttl.attribute_name))
            }
            _ => (TimeToLiveStatus::Disabled, None),
        }
    }
}

impl Engine {
    /// Turns time to live on (on `attribute_name`) or off, refusing a change that changes
    /// nothing and a second change within the hour.
    pub fn update_time_to_live(&mut self, name: &str, enabled: bool, attribute_name: String) -> Result<()> {
        let now = self.now_millis();
        let mut new = self.table_for_control(name)?.meta.clone();
        match (&new.time_to_live, enabled) {
            (Some(ttl), true) if ttl.enabled && ttl.attribute_name == attribute_name => {
                crate::bail_validation!("TimeToLive is already enabled")
            }
            (Some(ttl), true) if ttl.enabled => crate::bail_validation!(
                "TimeToLive is active on a different AttributeName: current AttributeName is {}",
                ttl.attribute_name
            ),
            (None, false) => crate::bail_validation!("TimeToLive is already disabled"),
            (Some(ttl), false) if !ttl.enabled => crate::bail_validation!("TimeToLive is already disabled"),
            _ => {}
        }
        if new.time_to_live.as_ref().is_some_and(|ttl| now < ttl.changed_millis.saturating_add(CHANGE_INTERVAL_MILLIS))
        {
            crate::bail_validation!("Time to live has been modified multiple times within a fixed interval");
        }
        new.time_to_live = Some(TimeToLive { attribute_name, enabled, changed_millis: now });
        self.replace_meta(new).map(|_| ())
    }

    /// Deletes the items whose time to live has passed (by the sweep delay knob), at
    /// most once per second of engine clock: each sweep reads every item of the tables
    /// with time to live enabled. The deletions consume no capacity, and their stream
    /// records name the DynamoDB service as their userIdentity.
    pub(in crate::engine) fn sweep_expired_items(&mut self) {
        let now = self.now_millis();
        if now / 1000 == self.swept_second {
            return;
        }
        self.swept_second = now / 1000;
        let due = Number::seconds_from_millis(now.saturating_sub(self.knobs.ttl_sweep_delay_millis));
        let oldest = Number::seconds_from_millis(now.saturating_sub(IGNORED_AFTER_MILLIS));
        let expired: Vec<(String, KeyCode)> = self
            .tables
            .values()
            .filter_map(|table| Some((table, enabled_attribute(table)?)))
            .flat_map(|(table, attribute)| {
                expired_keys(table, attribute, &due, &oldest).map(|key| (table.meta.name.clone(), key))
            })
            .collect();
        for (table, key) in expired {
            // A deletion cannot fail (it only shrinks item collections); should it, the
            // item simply waits for the next sweep.
            let _ = self.store_item_from(&table, key, None, Origin::TimeToLive);
        }
    }
}

/// The attribute holding a table's expiry times, while time to live is enabled; the
/// sweep walks only the items of tables that have one.
fn enabled_attribute(table: &Table) -> Option<&str> {
    table.meta.time_to_live.as_ref().filter(|ttl| ttl.enabled).map(|ttl| ttl.attribute_name.as_str())
}

/// The keys of the items of `table` whose expiry in `attribute` (epoch seconds) is by
/// `due`, skipping expiry times before `oldest`.
fn expired_keys<'a>(
    table: &'a Table,
    attribute: &'a str,
    due: &'a Number,
    oldest: &'a Number,
) -> impl Iterator<Item = KeyCode> + 'a {
    table.packed_items().filter_map(move |(key, item)| {
        // Any other type than a Number never expires.
        let AttributeValue::N(expiry) = item.attribute(attribute)? else { return None };
        (expiry <= *due && expiry >= *oldest).then(|| key.clone())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> Number {
        Number::parse(text).unwrap()
    }

    #[test]
    fn an_expiry_is_compared_exactly_with_the_clock() {
        let due = Number::seconds_from_millis(1_700_000_000_123);
        assert_eq!(due, number("1700000000.123"));
        assert!(number("1700000000.1229999999999") < due);
        assert!(number("1700000000.1230000000001") > due);
        assert!(number("1.7E9") < due);
        assert_eq!(Number::seconds_from_millis(1_700_000_000_000), number("17E8"));
        assert_eq!(Number::seconds_from_millis(0), number("0"));
        assert_eq!(Number::seconds_from_millis(u64::MAX), number("18446744073709551.615"));
    }
}
