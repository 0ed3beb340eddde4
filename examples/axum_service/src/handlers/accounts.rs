//! `/accounts`: list, create, get.

use alembix::Model;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::required_text;
use crate::AppState;
use crate::error::{ApiError, Json, Path};
use crate::models::{Account, NAME_MAX};

/// The body of `POST /accounts`.
#[derive(Debug, Deserialize)]
pub(crate) struct NewAccount {
    name: String,
}

/// `GET /accounts`: every account, by id.
pub(crate) async fn list(
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<Account>>, ApiError> {
    let accounts = Account::find()
        .order_by(Account::id.asc())
        .all(&state.db)
        .await?;
    Ok(axum::Json(accounts))
}

/// `POST /accounts`: 201 with the account; 409 when the name is taken.
pub(crate) async fn create(
    State(state): State<AppState>,
    Json(input): Json<NewAccount>,
) -> Result<(StatusCode, axum::Json<Account>), ApiError> {
    let name = required_text("name", &input.name, NAME_MAX)?;
    let account = Account {
        id: 0,
        name: name.to_string(),
        edits: 0,
    };
    match account.insert(&state.db).await {
        Ok(account) => Ok((StatusCode::CREATED, axum::Json(account))),
        Err(alembix::Error::UniqueViolation { .. }) => Err(ApiError::Conflict(format!(
            "an account named {name:?} already exists"
        ))),
        Err(e) => Err(e.into()),
    }
}

/// `GET /accounts/{id}`: the account, or 404.
pub(crate) async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<axum::Json<Account>, ApiError> {
    match Account::find_by_key(&state.db, id).await? {
        Some(account) => Ok(axum::Json(account)),
        None => Err(ApiError::NotFound(format!("account {id} not found"))),
    }
}
