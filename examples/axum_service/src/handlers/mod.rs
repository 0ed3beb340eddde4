//! The request handlers, one module per resource, and what they share.

pub(crate) mod accounts;
pub(crate) mod append;
pub(crate) mod notes;

use std::sync::atomic::Ordering;

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use crate::AppState;
use crate::error::ApiError;

/// The body of `GET /stats`.
#[derive(Debug, Serialize)]
pub(crate) struct StatsBody {
    append_attempts: u64,
    append_conflicts: u64,
}

/// `GET /stats`: how often `append` wrote, and how often it found the note
/// changed since it read it.
pub(crate) async fn stats(State(state): State<AppState>) -> Json<StatsBody> {
    Json(StatsBody {
        append_attempts: state.stats.append_attempts.load(Ordering::Relaxed),
        append_conflicts: state.stats.append_conflicts.load(Ordering::Relaxed),
    })
}

/// Any other path: a JSON 404.
pub(crate) async fn no_route() -> ApiError {
    ApiError::NotFound("no such route".into())
}

/// `value` trimmed, refused (422) when empty or longer than `max` characters.
pub(crate) fn required_text<'a>(
    field: &str,
    value: &'a str,
    max: usize,
) -> Result<&'a str, ApiError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ApiError::Invalid(format!("`{field}` must not be empty")));
    }
    check_length(field, value, max)?;
    Ok(value)
}

/// Refuses (422) `value` when longer than `max` characters.
pub(crate) fn check_length(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    if value.chars().count() > max {
        return Err(ApiError::Invalid(format!(
            "`{field}` is longer than {max} characters"
        )));
    }
    Ok(())
}
