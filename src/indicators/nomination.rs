//! The annual nomination list as CSV: one row per community meeting every hard threshold,
//! best first, with its composite, stars, whether it passed, and each dimension's score.

use super::snapshots::store::{SnapshotRow, positions};
use crate::error::{ApiError, ApiResult};
use crate::http::spreadsheet::text_cell;
use crate::indicators::measure::Measure;
use std::borrow::Cow;

/// `rows` are the eligible snapshots, best first, with their communities' names.
pub fn csv(rows: &[(SnapshotRow, String)]) -> ApiResult<Vec<u8>> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let dimensions = match rows.first() {
        Some((row, _)) => row.detail()?.evaluation.dimensions,
        None => Vec::new(),
    };
    let mut header: Vec<Cow<'_, str>> = [
        "rank",
        "community_id",
        "community",
        "standard",
        "version",
        "composite",
        "stars",
        "passed",
        "final",
    ]
    .map(Cow::Borrowed)
    .to_vec();
    header.extend(dimensions.iter().map(|d| text_cell(&d.name)));
    let header = header.iter().map(|cell| cell.as_bytes());
    out.write_record(header).map_err(ApiError::internal)?;
    for ((row, name), position) in rows.iter().zip(positions(rows)) {
        let mut record = vec![
            position.to_string(),
            row.community_id.to_string(),
            text_cell(name).into_owned(),
            row.code.clone(),
            row.version.to_string(),
            Measure::from_raw(row.composite).to_string(),
            row.stars.map(|s| s.to_string()).unwrap_or_default(),
            row.passed.to_string(),
            row.is_final.to_string(),
        ];
        let scores = row.detail()?.evaluation.dimensions;
        record.extend(dimensions.iter().map(|d| {
            scores
                .iter()
                .find(|s| s.key == d.key)
                .map(|s| s.score.to_string())
                .unwrap_or_default()
        }));
        out.write_record(&record).map_err(ApiError::internal)?;
    }
    out.into_inner().map_err(ApiError::internal)
}
