//! `POST /notes/{id}/append`: a read-modify-write under optimistic locking,
//! retried when another writer got there first.
//!
//! Each try reads the note, appends the line, and in ONE transaction saves
//! the note (`save` writes only if `version` is still the one read, else
//! [`alembix::Error::StaleData`] and the transaction rolls back) and bumps
//! the owner's `edits` counter. On `StaleData` the handler reads the note
//! again and re-applies the line, up to [`Config::append_tries`] times, then
//! answers 409.
//!
//! The read happens before the transaction and the transaction starts with
//! its write: on SQLite a transaction that read first could not take the
//! write lock after another writer committed (`SQLITE_BUSY`), while a first
//! write simply waits for the lock; on every backend the conflict then shows
//! up as `StaleData`.
//!
//! [`Config::append_tries`]: crate::Config::append_tries

use std::sync::atomic::Ordering;
use std::time::Duration;

use alembix::{Db, Model};
use axum::extract::State;
use serde::{Deserialize, Serialize};

use super::notes::find_note;
use super::required_text;
use crate::AppState;
use crate::error::{ApiError, Json, Path};
use crate::models::{Account, BODY_MAX, Note};

/// Longest line one append adds, in characters.
const TEXT_MAX: usize = 1_000;

/// The body of `POST /notes/{id}/append`.
#[derive(Debug, Deserialize)]
pub(crate) struct AppendLine {
    text: String,
}

/// The answer: the note as saved, and how many tries it took.
#[derive(Debug, Serialize)]
pub(crate) struct Appended {
    note: Note,
    attempts: u32,
}

/// `POST /notes/{id}/append`: 200 with the note; 404, 422 (empty text, or
/// a body that would grow past its limit), or 409 after
/// `append_tries` conflicts in a row.
pub(crate) async fn append(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(input): Json<AppendLine>,
) -> Result<axum::Json<Appended>, ApiError> {
    let text = required_text("text", &input.text, TEXT_MAX)?;
    let tries = state.config.append_tries.max(1);
    for attempt in 1..=tries {
        let mut note = find_note(&state.db, id).await?;
        note.body = appended(&note.body, text)?;
        state.stats.append_attempts.fetch_add(1, Ordering::Relaxed);
        match save_counted(&state.db, note).await {
            Ok(note) => {
                return Ok(axum::Json(Appended {
                    note,
                    attempts: attempt,
                }));
            }
            Err(alembix::Error::StaleData { .. }) => {
                state.stats.append_conflicts.fetch_add(1, Ordering::Relaxed);
                // Let the writer that won finish before reading again.
                tokio::time::sleep(Duration::from_millis(5 * u64::from(attempt))).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::Conflict(format!(
        "note {id} kept changing while the line was appended; gave up after {tries} tries"
    )))
}

/// `body` with `text` as a new last line; 422 past [`BODY_MAX`].
fn appended(body: &str, text: &str) -> Result<String, ApiError> {
    let joined = if body.is_empty() {
        text.to_string()
    } else {
        format!("{body}\n{text}")
    };
    if joined.chars().count() > BODY_MAX {
        return Err(ApiError::Invalid(format!(
            "the note would be longer than {BODY_MAX} characters"
        )));
    }
    Ok(joined)
}

/// Saves `note` (checking its version) and counts the edit on its account,
/// both or neither.
async fn save_counted(db: &Db, mut note: Note) -> alembix::Result<Note> {
    db.transaction(|tx| async move {
        note.save(&tx).await?;
        Account::update_many()
            .set(Account::edits, Account::edits + 1)
            .filter(Account::id.eq(note.account_id))
            .exec(&tx)
            .await?;
        Ok(note)
    })
    .await
}
