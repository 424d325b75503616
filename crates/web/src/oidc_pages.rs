//! Sign-in through the municipality's OpenID Connect provider: `GET /login/oidc` starts it (state, nonce and PKCE
//! verifier kept on the server, the state also in a short-lived cookie that binds the sign-in to this browser) and
//! sends the browser to the provider; `GET /login/oidc/callback` takes the started sign-in once, exchanges the code,
//! has the ID token verified (`oidc`) and signs in the linked account (`app::external_auth`). Every refusal shows the
//! sign-in page with its reason, local sign-in included, and is recorded as a failed sign-in.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use serde::Deserialize;

use app::external_auth::{ExternalSignInError, StartedSignIn};

use crate::auth_pages::login_response;
use crate::i18n::Texts;
use crate::lang::PageLang;
use crate::oidc::OidcError;
use crate::pages::{error_page, internal_error};
use crate::router::AppState;
use crate::security::{random_token, tokens_match};
use crate::session::{LOGIN_CSRF_COOKIE, SESSION_COOKIE, cookie, next_target, removal, safe_next};

pub const START_PATH: &str = "/login/oidc";
pub const CALLBACK_PATH: &str = "/login/oidc/callback";
/// Holds the started sign-in's state, for the callback only.
pub const STATE_COOKIE: &str = "stegvis_oidc_state";

fn state_cookie(value: String, secure: bool) -> Cookie<'static> {
    let mut c = cookie(STATE_COOKIE, value, secure);
    // Lax: sent on the provider's top-level redirect back; only to the sign-in paths.
    c.set_path(START_PATH);
    c
}

fn state_cookie_removal() -> Cookie<'static> {
    let mut c = removal(STATE_COOKIE);
    c.set_path(START_PATH);
    c
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StartQuery {
    next: Option<String>,
}

pub async fn start(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    jar: CookieJar,
    Query(q): Query<StartQuery>,
) -> Response {
    let Some(provider) = &state.oidc else {
        return error_page(StatusCode::NOT_FOUND, lang.0, None, START_PATH);
    };
    let next = match next_target(q.next.as_deref()) {
        Ok(next) => next,
        Err(bad) => return bad.into_response(),
    };
    let auth = match provider.authorize(state.app.clock.now()).await {
        Ok(auth) => auth,
        Err(e) => {
            tracing::warn!(error = %e, "OpenID provider unavailable; local sign-in still works");
            let t = lang.texts();
            return login_response(
                &state,
                lang,
                jar,
                StatusCode::SERVICE_UNAVAILABLE,
                &next,
                vec![("oidc", t.error_oidc_unavailable)],
            );
        }
    };
    let started = StartedSignIn {
        issuer: provider.issuer().to_owned(),
        state: auth.state.clone(),
        nonce: auth.nonce,
        pkce_verifier: auth.pkce_verifier,
        next,
    };
    if let Err(e) = state.app.begin_external_sign_in(started).await {
        return internal_error(&e);
    }
    let jar = jar.add(state_cookie(auth.state, state.config.secure_cookies));
    (jar, Redirect::to(&auth.url)).into_response()
}

/// What the provider sends back: a code and the state, or an error (`access_denied`, ...) and the state.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// A refused callback: recorded as a failed sign-in, then the sign-in page with the reason.
async fn refuse(
    state: &AppState,
    lang: PageLang,
    jar: CookieJar,
    status: StatusCode,
    message: fn(&Texts) -> &'static str,
) -> Response {
    if let Err(e) = state.app.record_external_refusal(None).await {
        return internal_error(&e);
    }
    login_response(
        state,
        lang,
        jar,
        status,
        "/",
        vec![("oidc", message(lang.texts()))],
    )
}

pub async fn callback(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    jar: CookieJar,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let Some(provider) = &state.oidc else {
        return error_page(StatusCode::NOT_FOUND, lang.0, None, CALLBACK_PATH);
    };
    let bound = jar
        .get(STATE_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    // Whatever happens now, the cookie has done its work.
    let jar = jar.remove(state_cookie_removal());
    let given = q.state.unwrap_or_default();
    // The state must be the one this browser started with: a sign-in started elsewhere (login CSRF) is refused.
    let same_browser = !bound.is_empty() && tokens_match(&bound, &given);
    let pending = if same_browser {
        // Taken even if the provider reports an error: a state is used once.
        match state.app.take_external_sign_in(&given).await {
            Ok(p) => p,
            Err(e) => return internal_error(&e),
        }
    } else {
        None
    };
    if let Some(error) = q.error {
        tracing::info!(error = %error.chars().take(64).collect::<String>(), "OpenID provider returned an error");
        let message: fn(&Texts) -> &'static str = if error == "access_denied" {
            |t| t.error_oidc_denied
        } else {
            |t| t.error_oidc_failed
        };
        return refuse(&state, lang, jar, StatusCode::UNAUTHORIZED, message).await;
    }
    let Some(pending) = pending.filter(|p| p.issuer == provider.issuer()) else {
        return refuse(&state, lang, jar, StatusCode::BAD_REQUEST, |t| {
            t.error_oidc_expired
        })
        .await;
    };
    let Some(code) = q.code.filter(|c| !c.is_empty()) else {
        return refuse(&state, lang, jar, StatusCode::BAD_REQUEST, |t| {
            t.error_oidc_failed
        })
        .await;
    };
    let now = state.app.clock.now();
    let subject = match provider
        .subject(now, &code, &pending.pkce_verifier, &pending.nonce)
        .await
    {
        Ok(subject) => subject,
        Err(e @ (OidcError::Unreachable(_) | OidcError::Setup(_))) => {
            tracing::warn!(error = %e, "OpenID provider unavailable during sign-in");
            return refuse(&state, lang, jar, StatusCode::SERVICE_UNAVAILABLE, |t| {
                t.error_oidc_unavailable
            })
            .await;
        }
        Err(e) => {
            tracing::warn!(error = %e, "OpenID sign-in refused");
            return refuse(&state, lang, jar, StatusCode::UNAUTHORIZED, |t| {
                t.error_oidc_failed
            })
            .await;
        }
    };
    let t = lang.texts();
    match state
        .app
        .sign_in_external(provider.issuer(), &subject, &random_token)
        .await
    {
        Ok(session) => {
            let jar = jar.remove(removal(LOGIN_CSRF_COOKIE)).add(cookie(
                SESSION_COOKIE,
                session.token,
                state.config.secure_cookies,
            ));
            let next = safe_next(Some(&pending.next));
            let target = if next == "/" { "/hem" } else { &next };
            (jar, Redirect::to(target)).into_response()
        }
        Err(ExternalSignInError::NotLinked) => login_response(
            &state,
            lang,
            jar,
            StatusCode::FORBIDDEN,
            "/",
            vec![("oidc", t.error_oidc_not_linked)],
        ),
        Err(ExternalSignInError::Inactive) => login_response(
            &state,
            lang,
            jar,
            StatusCode::FORBIDDEN,
            "/",
            vec![("oidc", t.error_oidc_inactive)],
        ),
        Err(ExternalSignInError::App(e)) => internal_error(&e),
    }
}
