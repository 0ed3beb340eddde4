//! `/notes`: list, create, get, update (optimistic locking), delete.

use alembix::{Db, Model};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::{check_length, required_text};
use crate::AppState;
use crate::error::{ApiError, Json, Path, Query};
use crate::models::{Account, BODY_MAX, Note, TITLE_MAX};

/// Most notes one `GET /notes` returns.
const PAGE_MAX: u64 = 100;

/// The query string of `GET /notes`.
#[derive(Debug, Deserialize)]
pub(crate) struct ListParams {
    account_id: Option<i64>,
    limit: Option<u64>,
    offset: Option<i64>,
}

/// The body of `POST /notes`.
#[derive(Debug, Deserialize)]
pub(crate) struct NewNote {
    account_id: i64,
    title: String,
    #[serde(default)]
    body: String,
}

/// The body of `PUT /notes/{id}`: the new text and the version it replaces.
#[derive(Debug, Deserialize)]
pub(crate) struct NoteUpdate {
    title: String,
    body: String,
    version: i32,
}

/// `GET /notes`: notes oldest first, of one account when `account_id` is
/// given; `limit` (1 to 100, default 50) and `offset` page through them.
pub(crate) async fn list(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<axum::Json<Vec<Note>>, ApiError> {
    let limit = params.limit.unwrap_or(50);
    if !(1..=PAGE_MAX).contains(&limit) {
        return Err(ApiError::Invalid(format!(
            "`limit` must be between 1 and {PAGE_MAX}"
        )));
    }
    let offset = u64::try_from(params.offset.unwrap_or(0))
        .map_err(|_| ApiError::Invalid("`offset` must not be negative".into()))?;
    let mut query = Note::find()
        .order_by(Note::id.asc())
        .limit(limit)
        .offset(offset);
    if let Some(account_id) = params.account_id {
        query = query.filter(Note::account_id.eq(account_id));
    }
    Ok(axum::Json(query.all(&state.db).await?))
}

/// `POST /notes`: 201 with the note; 422 when the account does not exist or
/// a field is empty or too long.
pub(crate) async fn create(
    State(state): State<AppState>,
    Json(input): Json<NewNote>,
) -> Result<(StatusCode, axum::Json<Note>), ApiError> {
    let title = required_text("title", &input.title, TITLE_MAX)?;
    check_length("body", &input.body, BODY_MAX)?;
    if !Account::find()
        .filter(Account::id.eq(input.account_id))
        .exists(&state.db)
        .await?
    {
        return Err(ApiError::Invalid(format!(
            "account {} does not exist",
            input.account_id
        )));
    }
    let note = Note {
        id: 0,
        account_id: input.account_id,
        title: title.to_string(),
        body: input.body,
        version: 1,
    };
    // An account deleted since the check is a foreign-key error: 422 too.
    let note = note.insert(&state.db).await?;
    Ok((StatusCode::CREATED, axum::Json(note)))
}

/// `GET /notes/{id}`: the note, or 404.
pub(crate) async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<Note>, ApiError> {
    Ok(axum::Json(find_note(&state.db, id).await?))
}

/// `PUT /notes/{id}`: replaces title and body when the stored version is
/// the one the client read (200 with the new version); 409 when someone
/// saved the note since, without retrying: the client must see the other
/// change before deciding.
pub(crate) async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(input): Json<NoteUpdate>,
) -> Result<axum::Json<Note>, ApiError> {
    let title = required_text("title", &input.title, TITLE_MAX)?;
    check_length("body", &input.body, BODY_MAX)?;
    let mut note = find_note(&state.db, id).await?;
    note.title = title.to_string();
    note.body = input.body;
    // `save` checks the version in its UPDATE, so the check and the write
    // are one statement: no other write can slip in between.
    note.version = input.version;
    match note.save(&state.db).await {
        Ok(()) => Ok(axum::Json(note)),
        Err(alembix::Error::StaleData { .. }) => Err(ApiError::Conflict(format!(
            "note {id} is no longer at version {}; fetch it and apply the change again",
            input.version
        ))),
        Err(e) => Err(e.into()),
    }
}

/// `DELETE /notes/{id}`: 204, or 404 when there is no such note.
pub(crate) async fn remove(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    match Note::delete_by_key(&state.db, id).await? {
        0 => Err(not_found(id)),
        _ => Ok(StatusCode::NO_CONTENT),
    }
}

/// The note with key `id`, or a 404 naming it.
pub(crate) async fn find_note(db: &Db, id: i64) -> Result<Note, ApiError> {
    Note::find_by_key(db, id)
        .await?
        .ok_or_else(|| not_found(id))
}

fn not_found(id: i64) -> ApiError {
    ApiError::NotFound(format!("note {id} not found"))
}
