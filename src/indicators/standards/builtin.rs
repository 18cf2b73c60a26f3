//! The standards every deployment starts with, as JSON files beside this one. They are
//! installed (as version 1, rating every community of their kind) when the database is
//! migrated; region admins may then add versions or standards of their own.
//!
//! The numbers come from the policy texts (see `../shared/DOMAIN.md` section 8): Hunan's hard
//! thresholds (facility ≥ 600 m², rural ≥ 300 m²; resident satisfaction ≥ 90%; security
//! satisfaction ≥ 95%; zero criminal cases), Ziyang's staffing and facility norms, Wuhan's six
//! indices with three stars as the pass mark. Targets the texts leave open are set where a
//! committee would aim, and are data: edit them with a new version.

use super::definition::Definition;
use crate::db::{DbConnection, now};
use crate::schema::evaluation_standards as standards;
use diesel::prelude::*;

/// Code and definition of each built-in standard.
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "hunan-2022-urban",
        include_str!("builtin/hunan-2022-urban.json"),
    ),
    (
        "hunan-2022-rural",
        include_str!("builtin/hunan-2022-rural.json"),
    ),
    (
        "ziyang-2018-urban",
        include_str!("builtin/ziyang-2018-urban.json"),
    ),
    (
        "ziyang-2018-rural",
        include_str!("builtin/ziyang-2018-rural.json"),
    ),
    (
        "wuhan-happy-community",
        include_str!("builtin/wuhan-happy-community.json"),
    ),
];

/// Inserts version 1 of every built-in standard not yet in the database.
pub fn install(conn: &mut DbConnection) -> Result<usize, String> {
    let mut installed = 0;
    for (code, json) in BUILT_IN {
        let exists: i64 = standards::table
            .filter(standards::code.eq(code))
            .count()
            .get_result(conn)
            .map_err(|e| e.to_string())?;
        if exists > 0 {
            continue;
        }
        let definition: Definition =
            serde_json::from_str(json).map_err(|e| format!("built-in standard {code}: {e}"))?;
        let canonical = serde_json::to_string(&definition).map_err(|e| e.to_string())?;
        diesel::insert_into(standards::table)
            .values((
                standards::code.eq(code),
                standards::version.eq(1),
                standards::name.eq(&definition.name),
                standards::region_id.eq(None::<i64>),
                standards::community_kind.eq(definition.community_kind.as_str()),
                standards::definition.eq(canonical),
                standards::retired.eq(false),
                standards::created_by.eq(None::<i64>),
                standards::created_at.eq(now()),
            ))
            .execute(conn)
            .map_err(|e| e.to_string())?;
        installed += 1;
    }
    Ok(installed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_standard_passes_its_own_checks() {
        for (code, json) in BUILT_IN {
            let definition: Definition = serde_json::from_str(json).unwrap();
            definition
                .check()
                .unwrap_or_else(|e| panic!("{code}: {e:?}"));
        }
    }
}
