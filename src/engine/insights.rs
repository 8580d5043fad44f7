//! CloudWatch Contributor Insights for DynamoDB: the per table and per global index
//! setting UpdateContributorInsights changes (kept in [`TableMeta`]), and the most
//! accessed and most throttled partition keys it reports.
//!
//! On AWS the reports live in CloudWatch, which Dynaplay does not simulate: the engine
//! records the key events of enabled tables and indexes over the engine clock in
//! [`KeyEvents`] (memory only), and `Dynaplay.DescribeContributorInsightsReport` tells the
//! top keys of each rule (docs/capacity.md).

use crate::engine::table::TableMeta;
use crate::engine::{Engine, Table};
use crate::error::{Error, ErrorKind, Result};
use crate::index::IndexKind;
use crate::model::{sort_stable_by, AttributeValue};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// How long ENABLING lasts on the engine clock (AWS took one to sixteen seconds).
pub const ENABLING_MILLIS: u64 = 1_000;
/// How long DISABLING lasts on the engine clock (AWS took two seconds).
pub const DISABLING_MILLIS: u64 = 2_000;
/// The most key events a table keeps; older ones go first.
const MAX_EVENTS: usize = 100_000;
/// How long key events are kept: a day, the longest window a report covers.
pub const MAX_WINDOW_MILLIS: u64 = 24 * 60 * 60 * 1000;

/// What Contributor Insights reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InsightsMode {
    /// The most accessed and the most throttled keys (the default).
    AccessedAndThrottledKeys,
    /// The most throttled keys only.
    ThrottledKeys,
}

impl InsightsMode {
    pub const WIRE_NAMES: [&'static str; 2] = ["ACCESSED_AND_THROTTLED_KEYS", "THROTTLED_KEYS"];

    pub fn wire_name(self) -> &'static str {
        match self {
            InsightsMode::AccessedAndThrottledKeys => "ACCESSED_AND_THROTTLED_KEYS",
            InsightsMode::ThrottledKeys => "THROTTLED_KEYS",
        }
    }

    pub fn from_wire(name: &str) -> Option<InsightsMode> {
        [InsightsMode::AccessedAndThrottledKeys, InsightsMode::ThrottledKeys]
            .into_iter()
            .find(|mode| mode.wire_name() == name)
    }
}

/// ContributorInsightsStatus, as the engine clock makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsightsStatus {
    Enabling,
    Enabled,
    Disabling,
    Disabled,
}

impl InsightsStatus {
    pub fn wire_name(self) -> &'static str {
        match self {
            InsightsStatus::Enabling => "ENABLING",
            InsightsStatus::Enabled => "ENABLED",
            InsightsStatus::Disabling => "DISABLING",
            InsightsStatus::Disabled => "DISABLED",
        }
    }
}

/// The Contributor Insights setting of a table (`index` None) or of one global index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContributorInsights {
    pub index: Option<String>,
    pub mode: InsightsMode,
    pub enabled: bool,
    /// When the latest ENABLE or DISABLE that changed something was accepted.
    pub changed_millis: u64,
    /// When the rules were created: the suffix of their names.
    pub rules_millis: u64,
}

impl ContributorInsights {
    pub fn status(&self, now: u64) -> InsightsStatus {
        match self.enabled {
            true if now < self.changed_millis.saturating_add(ENABLING_MILLIS) => InsightsStatus::Enabling,
            true => InsightsStatus::Enabled,
            false if now < self.changed_millis.saturating_add(DISABLING_MILLIS) => InsightsStatus::Disabling,
            false => InsightsStatus::Disabled,
        }
    }

    /// The CloudWatch rules, `DynamoDBContributorInsights-<kind>-<resource>-<created>`:
    /// PKC (most accessed partition keys, unless only throttled keys are asked for), PKT
    /// (most throttled), and SKC and SKT alike when the resource has a sort key.
    pub fn rule_names(&self, table: &TableMeta) -> Vec<String> {
        let resource = match &self.index {
            Some(index) => format!("{}-{index}", table.name),
            None => table.name.clone(),
        };
        let kinds: &[&str] = match (self.mode, self.has_sort_key(table)) {
            (InsightsMode::AccessedAndThrottledKeys, false) => &["PKC", "PKT"],
            (InsightsMode::AccessedAndThrottledKeys, true) => &["PKC", "PKT", "SKC", "SKT"],
            (InsightsMode::ThrottledKeys, false) => &["PKT"],
            (InsightsMode::ThrottledKeys, true) => &["PKT", "SKT"],
        };
        kinds
            .iter()
            .map(|kind| format!("DynamoDBContributorInsights-{kind}-{resource}-{}", self.rules_millis))
            .collect()
    }

    fn has_sort_key(&self, table: &TableMeta) -> bool {
        match &self.index {
            Some(name) => table.index(name).is_some_and(|(_, index)| index.key_schema.sort.is_some()),
            None => table.key_schema.sort.is_some(),
        }
    }
}

/// What happened to a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyEventKind {
    /// A request read or wrote the key.
    Accessed,
    /// A request for the key was throttled.
    Throttled,
}

/// One request's event on one partition key of a table or global index.
#[derive(Debug, Clone)]
struct KeyEvent {
    at_millis: u64,
    index: Option<String>,
    key: AttributeValue,
    kind: KeyEventKind,
}

/// The key events of one table's enabled resources, oldest first (not stored).
#[derive(Debug, Clone, Default)]
pub struct KeyEvents {
    events: VecDeque<KeyEvent>,
}

impl KeyEvents {
    fn record(&mut self, event: KeyEvent) {
        while self.events.front().is_some_and(|oldest| {
            self.events.len() >= MAX_EVENTS || oldest.at_millis.saturating_add(MAX_WINDOW_MILLIS) < event.at_millis
        }) {
            self.events.pop_front();
        }
        self.events.push_back(event);
    }

    /// The `limit` keys of the resource with the most events of `kind` since `since`,
    /// most first (ties in key order), with their counts.
    pub fn top(&self, index: Option<&str>, kind: KeyEventKind, since: u64, limit: usize) -> Vec<(AttributeValue, u64)> {
        let mut counts: BTreeMap<String, (AttributeValue, u64)> = BTreeMap::new();
        let matching = self
            .events
            .iter()
            .filter(|event| event.kind == kind && event.at_millis >= since && event.index.as_deref() == index);
        for event in matching {
            let text = serde_json::to_string(&event.key).unwrap_or_default();
            counts.entry(text).or_insert_with(|| (event.key.clone(), 0)).1 += 1;
        }
        let mut ranked: Vec<(AttributeValue, u64)> = counts.into_values().collect();
        sort_stable_by(&mut ranked, |(_, a), (_, b)| b.cmp(a));
        ranked.truncate(limit);
        ranked
    }
}

impl Table {
    /// Records a key event when Contributor Insights is enabled for the resource and its
    /// mode reports that kind of event.
    pub(crate) fn record_key_event(&mut self, index: Option<&str>, key: &AttributeValue, kind: KeyEventKind, now: u64) {
        let setting = self.meta.contributor_insights.iter().find(|setting| setting.index.as_deref() == index);
        let Some(setting) = setting.filter(|setting| setting.status(now) == InsightsStatus::Enabled) else { return };
        if kind == KeyEventKind::Accessed && setting.mode == InsightsMode::ThrottledKeys {
            return;
        }
        let event = KeyEvent { at_millis: now, index: index.map(str::to_string), key: key.clone(), kind };
        self.key_events.record(event);
    }
}

/// What UpdateContributorInsights asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsightsAction {
    /// ENABLE, with the mode (the default when none is given).
    Enable(InsightsMode),
    /// DISABLE.
    Disable,
}

impl Engine {
    /// Turns Contributor Insights on or off for a table or one of its global indexes, and
    /// returns the setting after the change (None: never configured, left so).
    pub fn update_contributor_insights(
        &mut self,
        table_name: &str,
        index: Option<&str>,
        action: InsightsAction,
    ) -> Result<Option<ContributorInsights>> {
        let now = self.now_millis();
        let mut meta = self.table_for_control(table_name)?.meta.clone();
        check_insights_index(&meta, index, now)?;
        let position = meta.contributor_insights.iter().position(|setting| setting.index.as_deref() == index);
        let current = position.and_then(|position| meta.contributor_insights.get(position)).cloned();
        let Some(updated) = changed_setting(current.as_ref(), index, action, now) else { return Ok(current) };
        match position.and_then(|position| meta.contributor_insights.get_mut(position)) {
            Some(setting) => *setting = updated.clone(),
            None => meta.contributor_insights.push(updated.clone()),
        }
        self.replace_meta(meta)?;
        Ok(Some(updated))
    }

    /// The setting of a table or one of its global indexes (None: never configured).
    pub fn contributor_insights(&self, table_name: &str, index: Option<&str>) -> Result<Option<&ContributorInsights>> {
        let table = self.table_for_control(table_name)?;
        find_index(&table.meta, index)?;
        Ok(table.meta.contributor_insights.iter().find(|setting| setting.index.as_deref() == index))
    }
}

/// The setting after `action`, or None when the action changes nothing: enabling in the
/// same mode, or disabling what is (being) disabled. A mode change re-enables with the
/// same rules; enabling after a disable creates new ones.
fn changed_setting(
    current: Option<&ContributorInsights>,
    index: Option<&str>,
    action: InsightsAction,
    now: u64,
) -> Option<ContributorInsights> {
    match (current, action) {
        (Some(setting), InsightsAction::Enable(mode)) if setting.enabled && setting.mode == mode => None,
        (Some(setting), InsightsAction::Enable(mode)) if setting.enabled => {
            Some(ContributorInsights { mode, changed_millis: now, ..setting.clone() })
        }
        (_, InsightsAction::Enable(mode)) => Some(ContributorInsights {
            index: index.map(str::to_string),
            mode,
            enabled: true,
            changed_millis: now,
            rules_millis: now,
        }),
        (Some(setting), InsightsAction::Disable) if setting.enabled => {
            Some(ContributorInsights { enabled: false, changed_millis: now, ..setting.clone() })
        }
        (_, InsightsAction::Disable) => None,
    }
}

/// Contributor Insights applies to a table or a global index that is ACTIVE.
fn check_insights_index(meta: &TableMeta, index: Option<&str>, now: u64) -> Result<()> {
    let Some(index) = find_index(meta, index)? else { return Ok(()) };
    if index.backfilling_until_millis.is_some_and(|until| now < until) {
        crate::bail_validation!(
            "Table or Index is not in a valid state to update Key Access Insights: IndexStatus must be ACTIVE to enable ContributorInsights."
        );
    }
    Ok(())
}

/// The global index named, if any; a local or unknown one is not found.
fn find_index<'a>(meta: &'a TableMeta, index: Option<&str>) -> Result<Option<&'a crate::index::SecondaryIndex>> {
    let Some(name) = index else { return Ok(None) };
    match meta.index(name) {
        Some((_, index)) if index.kind == IndexKind::Global => Ok(Some(index)),
        _ => Err(Error::new(
            ErrorKind::ResourceNotFound,
            format!("Requested resource not found: Index: {name} not found for table: {}", meta.name),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(at_millis: u64, key: &str, kind: KeyEventKind) -> KeyEvent {
        KeyEvent { at_millis, index: None, key: AttributeValue::S(key.into()), kind }
    }

    #[test]
    fn the_top_keys_are_the_most_counted_in_the_window() {
        let mut events = KeyEvents::default();
        for (at, key) in [(0, "old"), (0, "old"), (0, "old"), (10, "b"), (11, "a"), (12, "b"), (13, "c"), (14, "b")] {
            events.record(event(at, key, KeyEventKind::Accessed));
        }
        events.record(event(15, "a", KeyEventKind::Throttled));
        let top = events.top(None, KeyEventKind::Accessed, 10, 2);
        assert_eq!(top, vec![(AttributeValue::S("b".into()), 3), (AttributeValue::S("a".into()), 1)]);
        assert_eq!(events.top(None, KeyEventKind::Throttled, 0, 10), vec![(AttributeValue::S("a".into()), 1)]);
        assert_eq!(events.top(Some("gsi"), KeyEventKind::Accessed, 0, 10), vec![]);
        // Over the whole history "old" ties with "b"; ties go in key order.
        let all = events.top(None, KeyEventKind::Accessed, 0, 3);
        let expected = [("b", 3), ("old", 3), ("a", 1)].map(|(key, count)| (AttributeValue::S(key.into()), count));
        assert_eq!(all, expected);
    }

    #[test]
    fn events_older_than_a_day_go() {
        let mut events = KeyEvents::default();
        events.record(event(0, "a", KeyEventKind::Accessed));
        events.record(event(MAX_WINDOW_MILLIS + 1, "b", KeyEventKind::Accessed));
        assert_eq!(events.top(None, KeyEventKind::Accessed, 0, 10), vec![(AttributeValue::S("b".into()), 1)]);
    }
}
