//! Validation rules for free text, used with validator's `custom(function = ...)`.

use validator::ValidationError;

/// A name or title: not blank, no control characters (including newlines).
pub fn single_line(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::new("blank"));
    }
    if value.chars().any(char::is_control) {
        return Err(ValidationError::new("control_characters"));
    }
    Ok(())
}

/// A reason or story: not blank; newlines and tabs allowed, other control characters not.
pub fn multi_line(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::new("blank"));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(ValidationError::new("control_characters"));
    }
    Ok(())
}

/// A body that only gives a reason: for rejecting, cancelling and the like.
#[derive(Debug, serde::Serialize, serde::Deserialize, validator::Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    #[validate(length(min = 2, max = 500), custom(function = "multi_line"))]
    pub reason: String,
}
