//! Cursor pagination: lists are newest first, and the cursor is the last id seen.

use crate::error::{ApiError, FieldError};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
}

/// A validated page request: rows with ids below `before_id`, at most `limit` of them.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub before_id: i64,
    pub limit: i64,
}

impl PageQuery {
    pub fn page(&self) -> Result<Page, ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::invalid(vec![
                FieldError::new("limit", "range").with_bounds(Some(1), Some(MAX_LIMIT)),
            ]));
        }
        let before_id = match &self.cursor {
            None => i64::MAX,
            Some(cursor) => {
                decode(cursor).ok_or_else(|| ApiError::invalid_field("cursor", "invalid_cursor"))?
            }
        };
        Ok(Page { before_id, limit })
    }
}

fn decode(cursor: &str) -> Option<i64> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    std::str::from_utf8(&bytes)
        .ok()?
        .strip_prefix("id:")?
        .parse()
        .ok()
        .filter(|id| *id > 0)
}

fn encode(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("id:{id}"))
}

/// One page of a list, with the cursor of the next page when there is one.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T: ToSchema> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T: ToSchema> Paged<T> {
    /// Builds a page from rows fetched with `limit + 1`, so a next page is known to exist.
    pub fn from_rows(mut rows: Vec<T>, page: Page, id_of: impl Fn(&T) -> i64) -> Self {
        let has_more = rows.len() as i64 > page.limit;
        rows.truncate(page.limit as usize);
        let next_cursor = if has_more {
            rows.last().map(|r| encode(id_of(r)))
        } else {
            None
        };
        Self {
            items: rows,
            next_cursor,
        }
    }
}
