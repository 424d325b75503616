//! Sign-in with e-legitimation for applicants, through the municipality's e-identification broker (OpenID
//! Connect): `GET /login/eid` starts it exactly as staff sign-in does (state, nonce and PKCE verifier kept on the
//! server, the state also in a short-lived cookie of its own that binds the sign-in to this browser) and sends the
//! browser to the broker; `GET /login/eid/callback` takes the started sign-in once, exchanges the code, has the ID
//! token verified (`oidc`) and reads the configured personnummer claim, which signs in the person with that number
//! in the register as an applicant (`app::citizen_auth`), to *Mina sidor*. A person who is not in the register gets
//! a page saying so; every other refusal shows the sign-in page with its reason. Every attempt is audited; the
//! personnummer is never logged or shown.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use serde::Deserialize;

use app::citizen_auth::{CitizenRefusal, CitizenSignInError};
use app::external_auth::StartedSignIn;

use crate::auth_pages::login_response;
use crate::i18n::Texts;
use crate::lang::PageLang;
use crate::oidc::OidcError;
use crate::pages::{EidUnknownPage, error_page, internal_error, render};
use crate::router::AppState;
use crate::security::{random_token, tokens_match};
use crate::session::{LOGIN_CSRF_COOKIE, SESSION_COOKIE, cookie, removal, safe_next};

pub const START_PATH: &str = "/login/eid";
pub const CALLBACK_PATH: &str = "/login/eid/callback";
/// Holds the started sign-in's state, for the callback only (not the staff sign-in's cookie: the two never mix).
pub const STATE_COOKIE: &str = "stegvis_eid_state";
/// Where an applicant lands after signing in, unless the sign-in page was asked for from another page.
const LANDING: &str = "/mina-sidor";

fn state_cookie(value: String, secure: bool) -> Cookie<'static> {
    let mut c = cookie(STATE_COOKIE, value, secure);
    // Lax: sent on the broker's top-level redirect back; only to these paths.
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
    let Some(broker) = &state.eid else {
        return error_page(StatusCode::NOT_FOUND, lang.0, None, START_PATH);
    };
    let next = safe_next(q.next.as_deref()).to_owned();
    let auth = match broker.authorize(state.app.clock.now()).await {
        Ok(auth) => auth,
        Err(e) => {
            tracing::warn!(error = %e, "e-identification broker unavailable");
            return login_response(
                &state,
                lang,
                jar,
                StatusCode::SERVICE_UNAVAILABLE,
                &next,
                vec![("eid", lang.texts().error_eid_unavailable)],
            );
        }
    };
    let started = StartedSignIn {
        issuer: broker.issuer().to_owned(),
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

/// What the broker sends back: a code and the state, or an error (`access_denied`, ...) and the state.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// A refused callback: audited with its reason, then the sign-in page with the message.
async fn refuse(
    state: &AppState,
    lang: PageLang,
    jar: CookieJar,
    status: StatusCode,
    why: CitizenRefusal,
    message: fn(&Texts) -> &'static str,
) -> Response {
    if let Err(e) = state.app.record_citizen_refusal(why).await {
        return internal_error(&e);
    }
    login_response(
        state,
        lang,
        jar,
        status,
        "/",
        vec![("eid", message(lang.texts()))],
    )
}

pub async fn callback(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    jar: CookieJar,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let Some(broker) = &state.eid else {
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
        // Taken even if the broker reports an error: a state is used once.
        match state.app.take_external_sign_in(&given).await {
            Ok(p) => p,
            Err(e) => return internal_error(&e),
        }
    } else {
        None
    };
    if let Some(error) = q.error {
        tracing::info!(error = %error.chars().take(64).collect::<String>(), "e-identification broker returned an error");
        return if error == "access_denied" {
            refuse(
                &state,
                lang,
                jar,
                StatusCode::UNAUTHORIZED,
                CitizenRefusal::Cancelled,
                |t| t.error_eid_denied,
            )
            .await
        } else {
            refuse(
                &state,
                lang,
                jar,
                StatusCode::UNAUTHORIZED,
                CitizenRefusal::ProviderError,
                |t| t.error_eid_failed,
            )
            .await
        };
    }
    // A sign-in started for another provider (the staff's, say) is not finished here.
    let Some(pending) = pending.filter(|p| p.issuer == broker.issuer()) else {
        return refuse(
            &state,
            lang,
            jar,
            StatusCode::BAD_REQUEST,
            CitizenRefusal::Expired,
            |t| t.error_oidc_expired,
        )
        .await;
    };
    let Some(code) = q.code.filter(|c| !c.is_empty()) else {
        return refuse(
            &state,
            lang,
            jar,
            StatusCode::BAD_REQUEST,
            CitizenRefusal::ProviderError,
            |t| t.error_eid_failed,
        )
        .await;
    };
    let claim = match broker
        .subject(
            state.app.clock.now(),
            &code,
            &pending.pkce_verifier,
            &pending.nonce,
        )
        .await
    {
        Ok(claim) => claim,
        Err(e @ (OidcError::Unreachable(_) | OidcError::Setup(_))) => {
            tracing::warn!(error = %e, "e-identification broker unavailable during sign-in");
            return refuse(
                &state,
                lang,
                jar,
                StatusCode::SERVICE_UNAVAILABLE,
                CitizenRefusal::Unavailable,
                |t| t.error_eid_unavailable,
            )
            .await;
        }
        Err(e @ OidcError::NoSubject(_)) => {
            // The claim's name only: its value is never in a message.
            tracing::warn!(error = %e, "e-identification sign-in refused: no personnummer claim");
            return refuse(
                &state,
                lang,
                jar,
                StatusCode::UNAUTHORIZED,
                CitizenRefusal::MissingClaim,
                |t| t.error_eid_bad_personnummer,
            )
            .await;
        }
        Err(e) => {
            tracing::warn!(error = %e, "e-identification sign-in refused");
            return refuse(
                &state,
                lang,
                jar,
                StatusCode::UNAUTHORIZED,
                CitizenRefusal::TokenRefused,
                |t| t.error_eid_failed,
            )
            .await;
        }
    };
    let t = lang.texts();
    match state.app.sign_in_citizen(&claim, &random_token).await {
        Ok(session) => {
            let jar = jar.remove(removal(LOGIN_CSRF_COOKIE)).add(cookie(
                SESSION_COOKIE,
                session.token,
                state.config.secure_cookies,
            ));
            let next = safe_next(Some(&pending.next));
            let target = if next == "/" { LANDING.to_owned() } else { next };
            (jar, Redirect::to(&target)).into_response()
        }
        Err(CitizenSignInError::UnknownPerson) => {
            let page = EidUnknownPage {
                lang: lang.0,
                t,
                user: None,
                here: "/login".to_owned(),
            };
            (jar, render(StatusCode::FORBIDDEN, &page)).into_response()
        }
        Err(CitizenSignInError::BadPersonnummer) => {
            tracing::warn!(
                "e-identification sign-in refused: the personnummer claim is not a valid personnummer"
            );
            login_response(
                &state,
                lang,
                jar,
                StatusCode::UNAUTHORIZED,
                "/",
                vec![("eid", t.error_eid_bad_personnummer)],
            )
        }
        Err(CitizenSignInError::Inactive) => login_response(
            &state,
            lang,
            jar,
            StatusCode::FORBIDDEN,
            "/",
            vec![("eid", t.error_eid_inactive)],
        ),
        Err(CitizenSignInError::App(e)) => internal_error(&e),
    }
}
