//! Queries on manual values, and which approved value is in force for a period.

use super::EntryStatus;
use crate::db::enums::parse_text;
use crate::db::{DbConnection, now};
use crate::error::ApiError;
use crate::http::pagination::Page;
use crate::indicators::measure::Measure;
use crate::indicators::period::Period;
use crate::schema::manual_indicator_values as entries;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = entries)]
pub struct EntryRow {
    pub id: i64,
    pub community_id: i64,
    pub key: String,
    pub period: String,
    pub period_start: NaiveDateTime,
    pub period_end: NaiveDateTime,
    pub value: i64,
    pub evidence: String,
    pub note: Option<String>,
    pub status: String,
    pub entered_by: i64,
    pub entered_at: NaiveDateTime,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub rejection_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EntryView {
    pub id: i64,
    pub community_id: i64,
    pub key: String,
    pub period: String,
    pub value: Measure,
    /// Where the evidence is: a document number, file reference or link.
    pub evidence: String,
    pub note: Option<String>,
    pub status: EntryStatus,
    pub entered_by: i64,
    pub entered_at: DateTime<Utc>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
}

impl EntryRow {
    pub fn status(&self) -> Result<EntryStatus, ApiError> {
        parse_text(&self.status)
    }

    pub fn view(self) -> Result<EntryView, ApiError> {
        Ok(EntryView {
            status: self.status()?,
            id: self.id,
            community_id: self.community_id,
            key: self.key,
            period: self.period,
            value: Measure::from_raw(self.value),
            evidence: self.evidence,
            note: self.note,
            entered_by: self.entered_by,
            entered_at: self.entered_at.and_utc(),
            decided_by: self.decided_by,
            decided_at: self.decided_at.map(|d| d.and_utc()),
            rejection_reason: self.rejection_reason,
        })
    }
}

/// A value as entered, before approval.
pub struct NewEntry {
    pub key: String,
    pub period: Period,
    pub value: Measure,
    pub evidence: String,
    pub note: Option<String>,
}

pub fn insert(
    conn: &mut DbConnection,
    community_id: i64,
    entry: &NewEntry,
    by: i64,
) -> Result<EntryRow, ApiError> {
    let id = crate::db::next_id(conn, "manual_indicator_values")?;
    diesel::insert_into(entries::table)
        .values((
            entries::id.eq(id),
            entries::community_id.eq(community_id),
            entries::key.eq(&entry.key),
            entries::period.eq(entry.period.to_string()),
            entries::period_start.eq(entry.period.start()),
            entries::period_end.eq(entry.period.end()),
            entries::value.eq(entry.value.raw()),
            entries::evidence.eq(&entry.evidence),
            entries::note.eq(&entry.note),
            entries::status.eq(EntryStatus::Pending.as_str()),
            entries::entered_by.eq(by),
            entries::entered_at.eq(now()),
        ))
        .execute(conn)?;
    find(conn, community_id, id)
}

/// The entry `id` of `community_id` (404 for another community's).
pub fn find(conn: &mut DbConnection, community_id: i64, id: i64) -> Result<EntryRow, ApiError> {
    Ok(entries::table
        .filter(entries::id.eq(id))
        .filter(entries::community_id.eq(community_id))
        .select(EntryRow::as_select())
        .first(conn)?)
}

/// Decides a pending entry; `false` if it was no longer pending (someone decided first).
pub fn decide(
    conn: &mut DbConnection,
    id: i64,
    status: EntryStatus,
    by: i64,
    reason: Option<&str>,
) -> Result<bool, ApiError> {
    let changed = diesel::update(
        entries::table
            .filter(entries::id.eq(id))
            .filter(entries::status.eq(EntryStatus::Pending.as_str())),
    )
    .set((
        entries::status.eq(status.as_str()),
        entries::decided_by.eq(Some(by)),
        entries::decided_at.eq(Some(now())),
        entries::rejection_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

pub fn list(
    conn: &mut DbConnection,
    community_id: i64,
    status: Option<EntryStatus>,
    key: Option<String>,
    page: Page,
) -> Result<Vec<EntryRow>, ApiError> {
    let mut query = entries::table
        .filter(entries::community_id.eq(community_id))
        .filter(entries::id.lt(page.before_id))
        .select(EntryRow::as_select())
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(entries::status.eq(status.as_str()));
    }
    if let Some(key) = key {
        query = query.filter(entries::key.eq(key));
    }
    Ok(query
        .order(entries::id.desc())
        .limit(page.limit + 1)
        .load(conn)?)
}

/// One approved value in force, and the entry it came from (so a snapshot can cite it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub struct InForce {
    pub value: Measure,
    pub entry_id: i64,
}

/// Counts of events, which hold only for the period they were entered for: a year without
/// criminal cases says nothing of a month, nor one quiet month of the year.
pub const PER_PERIOD_KEYS: &[&str] = &["criminal_cases", "safety_accidents"];

/// For each community, the approved value of each key in force for `period`: the one entered
/// for exactly this period if there is one; else, except for [`PER_PERIOD_KEYS`], the latest
/// approved for a period that began before this one ends (a facility's area stays what it was
/// last found to be). Entries for later periods never change an earlier period's figures.
pub fn in_force(
    conn: &mut DbConnection,
    community_ids: &[i64],
    period: Period,
) -> Result<HashMap<i64, BTreeMap<String, InForce>>, ApiError> {
    let rows: Vec<EntryRow> = entries::table
        .filter(entries::community_id.eq_any(community_ids))
        .filter(entries::status.eq(EntryStatus::Approved.as_str()))
        .filter(entries::period_start.lt(period.end()))
        .order((
            entries::period_start.asc(),
            entries::decided_at.asc(),
            entries::id.asc(),
        ))
        .select(EntryRow::as_select())
        .load(conn)?;
    let exact = period.to_string();
    let mut found: HashMap<i64, BTreeMap<String, (bool, InForce)>> = HashMap::new();
    for row in rows {
        if row.period != exact && PER_PERIOD_KEYS.contains(&row.key.as_str()) {
            continue;
        }
        let candidate = (
            row.period == exact,
            InForce {
                value: Measure::from_raw(row.value),
                entry_id: row.id,
            },
        );
        let slot = found
            .entry(row.community_id)
            .or_default()
            .entry(row.key.clone());
        match slot {
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(candidate);
            }
            // Later rows are newer; an exact-period entry gives way only to a newer exact one.
            std::collections::btree_map::Entry::Occupied(mut o) if candidate.0 || !o.get().0 => {
                o.insert(candidate);
            }
            std::collections::btree_map::Entry::Occupied(_) => {}
        }
    }
    Ok(found
        .into_iter()
        .map(|(id, keys)| (id, keys.into_iter().map(|(k, (_, v))| (k, v)).collect()))
        .collect())
}
