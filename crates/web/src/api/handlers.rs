//! API handlers: parse input, call the use case with the signed-in actor, answer JSON. Errors are JSON too.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use app::AppError;
use app::domain::{DecisionId, HouseholdId};

use super::dto::{self, ErrorBody};
use crate::router::AppState;
use crate::session::Signed;

/// Calculates one household and month with the calc contract (the rule set in force for the month). Changes nothing
/// and reads no personal data, so any signed-in user may call it.
#[utoipa::path(
    post,
    path = "/api/v1/calc",
    tag = "calc",
    request_body = dto::CalcRequestDto,
    responses(
        (status = 200, description = "The calculation with every explanation line", body = dto::CalcResponseDto),
        (status = 400, description = "Bad input: one line naming the field, e.g. `members[0].age must be 0-120`", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("session" = []))
)]
pub async fn calc(State(state): State<Arc<AppState>>, signed: Signed, body: Bytes) -> Response {
    let Ok(json) = std::str::from_utf8(&body) else {
        return error(StatusCode::BAD_REQUEST, "input is invalid: not UTF-8");
    };
    // Parsed here (the contract's wire format, errors naming the field); calculated by the use case.
    match app::norm::parse_request(json).and_then(|req| state.app.calculate(&signed.signed_in.actor, &req)) {
        Ok(response) => Json(dto::CalcResponseDto::from(response)).into_response(),
        Err(e) => error(StatusCode::BAD_REQUEST, &e.to_string()),
    }
}

/// Who is signed in: username, role and the role's permissions.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "session",
    responses(
        (status = 200, description = "The signed-in user", body = dto::Me),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("session" = []))
)]
pub async fn me(signed: Signed) -> Response {
    Json(dto::Me::from(&signed.signed_in.actor)).into_response()
}

/// The work queue: open applications in the caller's units, oldest first (needs `read_case`). Names of persons
/// with protected identity are masked unless the caller has a grant.
#[utoipa::path(
    get,
    path = "/api/v1/queue",
    tag = "cases",
    responses(
        (status = 200, description = "Open applications", body = [dto::QueueEntry]),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "The role may not read cases", body = ErrorBody),
        (status = 500, description = "Server error, with an operation id", body = ErrorBody),
    ),
    security(("session" = []))
)]
pub async fn queue(State(state): State<Arc<AppState>>, signed: Signed) -> Response {
    match state.app.work_queue(&signed.signed_in.actor).await {
        // The open applications; follow-ups and appeals are on the queue page only so far.
        Ok(queue) => Json(
            queue
                .applications
                .into_iter()
                .map(dto::QueueEntry::from)
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(e) => app_error(e),
    }
}

/// A household: members and applications month by month. Staff read households in their units (auditors across
/// units; protected identities need a grant). The case file is staff-only: an applicant reads their own
/// applications and decisions in the e-service.
#[utoipa::path(
    get,
    path = "/api/v1/households/{id}",
    tag = "cases",
    params(("id" = i64, Path, description = "Household id")),
    responses(
        (status = 200, description = "The household", body = dto::Household),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Refused; says nothing about whether the household exists", body = ErrorBody),
        (status = 404, description = "No such household (only told to those who may read cases)", body = ErrorBody),
        (status = 500, description = "Server error, with an operation id", body = ErrorBody),
    ),
    security(("session" = []))
)]
pub async fn household(State(state): State<Arc<AppState>>, signed: Signed, Path(id): Path<i64>) -> Response {
    match state
        .app
        .household(&signed.signed_in.actor, HouseholdId(id))
        .await
    {
        Ok(h) => Json(dto::Household::from(h)).into_response(),
        Err(e) => app_error(e),
    }
}

/// A decision with its items and the calculation frozen when it was made; same access as the household.
#[utoipa::path(
    get,
    path = "/api/v1/decisions/{id}",
    tag = "cases",
    params(("id" = i64, Path, description = "Decision id")),
    responses(
        (status = 200, description = "The decision", body = dto::Decision),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Refused; says nothing about whether the decision exists", body = ErrorBody),
        (status = 404, description = "No such decision (only told to those who may read cases)", body = ErrorBody),
        (status = 500, description = "Server error, with an operation id", body = ErrorBody),
    ),
    security(("session" = []))
)]
pub async fn decision(State(state): State<Arc<AppState>>, signed: Signed, Path(id): Path<i64>) -> Response {
    match state.app.decision(&signed.signed_in.actor, DecisionId(id)).await {
        Ok(d) => Json(dto::Decision::from(d)).into_response(),
        Err(e) => app_error(e),
    }
}

pub async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "finns inte")
}

/// Refusals are 403 with one fixed message (the reason could tell that a record exists), unknown records 404,
/// anything else 500 with an operation id.
fn app_error(e: AppError) -> Response {
    match e {
        AppError::Denied(_) => error(StatusCode::FORBIDDEN, "du saknar behörighet för detta"),
        AppError::NotFound { .. } => error(StatusCode::NOT_FOUND, "finns inte"),
        other => internal_error(&other),
    }
}

/// 500 with an operation id; the log gets the id and the error, never the request's data.
pub(crate) fn internal_error(err: &dyn std::fmt::Display) -> Response {
    let operation_id = crate::security::random_token()
        .chars()
        .take(12)
        .collect::<String>();
    tracing::error!(%operation_id, error = %err, "api request failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(ErrorBody {
            error: "internt fel".to_owned(),
            operation_id: Some(operation_id),
        }),
    )
        .into_response()
}

fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(ErrorBody {
            error: message.to_owned(),
            operation_id: None,
        }),
    )
        .into_response()
}
