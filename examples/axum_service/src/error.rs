//! Errors as JSON responses, and extractors whose rejections are JSON too.
//!
//! Every error body is `{"error": CODE, "message": TEXT}`, with `CODE` one
//! of `bad_request`, `not_found`, `conflict`, `invalid` and `internal`.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// What a handler answers instead of its result.
#[derive(Debug)]
pub enum ApiError {
    /// The request cannot be read (a status of 4xx other than 404, 409 and 422).
    BadRequest(StatusCode, String),
    /// 404: the row named by the path does not exist.
    NotFound(String),
    /// 409: the write would break a unique name, or the row kept changing.
    Conflict(String),
    /// 422: the request is well formed but its values are not acceptable.
    Invalid(String),
    /// 500: anything else; the details go to the server's log, not the client.
    Internal(alembix::Error),
}

impl ApiError {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(status, _) => *status,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(..) => "bad_request",
            ApiError::NotFound(_) => "not_found",
            ApiError::Conflict(_) => "conflict",
            ApiError::Invalid(_) => "invalid",
            ApiError::Internal(_) => "internal",
        }
    }
}

/// The runtime's errors, each with the status a client should see.
impl From<alembix::Error> for ApiError {
    fn from(err: alembix::Error) -> Self {
        use alembix::Error;
        match err {
            Error::NotFound { model } => ApiError::NotFound(format!("{model} not found")),
            Error::StaleData { .. } => ApiError::Conflict(err.to_string()),
            Error::UniqueViolation { .. } => {
                ApiError::Conflict("a row with this value already exists".into())
            }
            Error::ForeignKeyViolation { .. } => {
                ApiError::Invalid("the request refers to a row that does not exist".into())
            }
            other => ApiError::Internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let message = match &self {
            ApiError::BadRequest(_, m)
            | ApiError::NotFound(m)
            | ApiError::Conflict(m)
            | ApiError::Invalid(m) => m.clone(),
            ApiError::Internal(err) => {
                eprintln!("error: {err}");
                "internal error".to_string()
            }
        };
        let body = serde_json::json!({ "error": self.code(), "message": message });
        (self.status(), axum::Json(body)).into_response()
    }
}

/// A JSON request body; a body that cannot be read is a JSON error with
/// axum's status (422 for wrong or missing fields, 400 for bad syntax,
/// 415 without `Content-Type: application/json`).
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<S, T> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    let status = rejection.status();
    let text = rejection.body_text();
    if status == StatusCode::UNPROCESSABLE_ENTITY {
        ApiError::Invalid(text)
    } else {
        ApiError::BadRequest(status, text)
    }
}

/// Path parameters; one that does not parse (`/notes/abc`) is a 422.
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<S, T> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|rejection: PathRejection| ApiError::Invalid(rejection.body_text()))
    }
}

/// Query-string parameters; one that does not parse is a 422.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<S, T> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Query(value))
            .map_err(|rejection: QueryRejection| ApiError::Invalid(rejection.body_text()))
    }
}
