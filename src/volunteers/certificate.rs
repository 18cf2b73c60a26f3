//! The service record certificate (志愿服务记录证明): a volunteer's hours in a community, by
//! kind and by year, with their star level, ready for an app to render and print. It names
//! the volunteer by display name only: no phone, ID number or address.
//!
//! Its number is a digest of what it certifies, so the same record always gets the same
//! number and any change to the record gives a new one; `issued_at` is left out of it.

use super::ServiceSummary;
use super::hours::Kind;
use crate::calendar;
use crate::db::{DbConnection, now};
use crate::error::ApiResult;
use crate::points::settings;
use crate::schema::{communities, service_hours as hours, users};
use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use utoipa::ToSchema;

/// One calendar year (Beijing time) of service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct YearOfService {
    pub year: i32,
    pub minutes: i64,
    /// Hours with one decimal, rounded down, as text.
    pub hours: String,
    /// Distinct activities served at that year (back-filled hours name none).
    pub activities: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Certificate {
    /// Stable for the same record: `ZYFW-` and a digest of everything certified below.
    pub number: String,
    pub community_id: i64,
    pub community_name: String,
    pub user_id: i64,
    pub volunteer_name: String,
    /// Totals and star level, over credit and honour hours alike.
    pub service: ServiceSummary,
    /// From verified attendance at activities.
    pub credit_minutes: i64,
    pub credit_hours: String,
    /// Back-filled by staff with evidence.
    pub honour_minutes: i64,
    pub honour_hours: String,
    /// Distinct activities served at, all years.
    pub activities: i64,
    /// Oldest year first.
    pub years: Vec<YearOfService>,
    pub star_thresholds_hours: Vec<i64>,
    pub issued_at: DateTime<Utc>,
}

#[derive(Default)]
struct Tally {
    minutes: i64,
    activities: BTreeSet<i64>,
}

impl Tally {
    fn add(&mut self, minutes: i64, activity_id: Option<i64>) {
        self.minutes += minutes;
        self.activities.extend(activity_id);
    }

    fn activity_count(&self) -> i64 {
        self.activities.len() as i64
    }
}

/// The certificate of `user_id` in the community; the caller's right to read it is checked
/// by the route. Years are counted in Rust because the Beijing-time year of a timestamp is
/// computed differently by each backend, and one person's rows are few.
pub fn issue(conn: &mut DbConnection, community_id: i64, user_id: i64) -> ApiResult<Certificate> {
    let community_name: String = communities::table
        .find(community_id)
        .select(communities::name)
        .first(conn)?;
    let volunteer_name: String = users::table
        .find(user_id)
        .select(users::display_name)
        .first(conn)?;
    let rows: Vec<(String, i32, NaiveDateTime, Option<i64>)> = hours::table
        .filter(hours::community_id.eq(community_id))
        .filter(hours::user_id.eq(user_id))
        .select((
            hours::kind,
            hours::minutes,
            hours::served_at,
            hours::activity_id,
        ))
        .load(conn)?;
    let (mut all, mut credit, mut honour) = (Tally::default(), 0, 0);
    let mut by_year: BTreeMap<i32, Tally> = BTreeMap::new();
    for (kind, minutes, served_at, activity_id) in rows {
        let minutes = i64::from(minutes);
        match Kind::parse(&kind) {
            Kind::Credit => credit += minutes,
            Kind::Honour => honour += minutes,
        }
        all.add(minutes, activity_id);
        let year = calendar::local(served_at).year();
        by_year.entry(year).or_default().add(minutes, activity_id);
    }
    let thresholds = settings::load(conn, community_id)?.star_thresholds_hours;
    let years = by_year
        .into_iter()
        .map(|(year, tally)| YearOfService {
            year,
            minutes: tally.minutes,
            hours: super::hours_text(tally.minutes),
            activities: tally.activity_count(),
        })
        .collect();
    let mut certificate = Certificate {
        number: String::new(),
        community_id,
        community_name,
        user_id,
        volunteer_name,
        service: ServiceSummary::new(all.minutes, &thresholds),
        credit_minutes: credit,
        credit_hours: super::hours_text(credit),
        honour_minutes: honour,
        honour_hours: super::hours_text(honour),
        activities: all.activity_count(),
        years,
        star_thresholds_hours: thresholds,
        issued_at: now().and_utc(),
    };
    certificate.number = number(&certificate);
    Ok(certificate)
}

/// The digest of everything the certificate states except its number and issue time.
fn number(certificate: &Certificate) -> String {
    let content = serde_json::json!({
        "community": [certificate.community_id, &certificate.community_name],
        "volunteer": [certificate.user_id, &certificate.volunteer_name],
        "minutes": [certificate.credit_minutes, certificate.honour_minutes],
        "activities": certificate.activities,
        "years": &certificate.years,
        "stars": [certificate.service.star_level],
    });
    let digest = Sha256::digest(content.to_string().as_bytes());
    format!("ZYFW-{}", hex::encode_upper(&digest[..8]))
}
