//! Enums stored as text: a column holds the enum's serde name (`snake_case`), so the wire and
//! the table spell a value alike and one derive serves both.

use crate::error::{ApiError, ApiResult};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The text an enum is stored as: its serde name.
pub fn text_of(value: impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        _ => String::new(),
    }
}

/// The enum stored as `text`; an unknown value is a fault of the database, not of a request.
pub fn parse_text<T: DeserializeOwned>(text: &str) -> ApiResult<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| ApiError::internal(format!("unknown value {text:?} in a table")))
}
