//! The OpenAPI 3.1 document of the JSON API, generated from the handlers' annotations and the DTOs.

use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{dto, handlers};

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "stegvis API",
        description = "JSON API for the same use cases as the pages, with the same permission checks and audit \
records.\n\nAuthentication: the session cookie `stegvis_session` set by signing in at `/login`. Requests without a \
live session get 401. Refusals are 403 and never tell whether a record exists.\n\nCSRF: no API call changes \
anything (`POST /api/v1/calc` only calculates), so the API takes no CSRF token; the cookie is SameSite=Lax.\n\n\
Errors: `{\"error\": \"...\"}`; a 500 also carries `operation_id`. Amounts in the calc contract are whole kronor; \
decision amounts are öre (`*_ore`)."
    ),
    paths(handlers::calc, handlers::me, handlers::queue, handlers::household, handlers::decision),
    components(schemas(dto::ErrorBody)),
    modifiers(&SessionCookie),
    tags(
        (name = "calc", description = "The calculation engine (no personal data)"),
        (name = "session", description = "The signed-in user"),
        (name = "cases", description = "Households, applications and decisions (personal data)"),
    )
)]
pub struct ApiDoc;

/// Declares the session cookie as the `session` security scheme the operations refer to.
#[derive(Debug)]
struct SessionCookie;

impl Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::session::SESSION_COOKIE))),
        );
    }
}

/// `GET /api/openapi.json`: open to everyone (it describes the API, it holds no data).
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
