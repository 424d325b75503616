//! Sign-in and sign-out pages.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use app::AppError;

use crate::lang::PageLang;
use crate::pages::{LoginPage, internal_error, render};
use crate::router::AppState;
use crate::security::{ClientAddr, random_token, tokens_match};
use crate::session::{LOGIN_CSRF_COOKIE, SESSION_COOKIE, Signed, cookie, next_target, removal, urlencode};

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// Missing fields become empty strings so that they get a message next to the field, not a bare 422.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    username: String,
    password: String,
    csrf_token: String,
    next: String,
}

/// The form, with a fresh login CSRF token (double-submit: the same value in a cookie and a hidden field).
pub async fn form(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    jar: CookieJar,
    Query(q): Query<LoginQuery>,
) -> Response {
    let next = match next_target(q.next.as_deref()) {
        Ok(next) => next,
        Err(bad) => return bad.into_response(),
    };
    let token = random_token();
    let page = login_page(&state, lang, token.clone(), next, String::new());
    let jar = jar.add(cookie(LOGIN_CSRF_COOKIE, token, state.config.secure_cookies));
    (jar, render(StatusCode::OK, &page)).into_response()
}

pub async fn submit(
    State(state): State<Arc<AppState>>,
    lang: PageLang,
    jar: CookieJar,
    client: ClientAddr,
    Form(f): Form<LoginForm>,
) -> Response {
    let t = lang.texts();
    let next = match next_target(Some(&f.next)) {
        Ok(next) => next,
        Err(bad) => return bad.into_response(),
    };
    let username = f.username.trim().chars().take(64).collect::<String>();
    let expected = jar
        .get(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    // A fresh token for the re-rendered form either way.
    let token = random_token();
    let jar = jar.add(cookie(
        LOGIN_CSRF_COOKIE,
        token.clone(),
        state.config.secure_cookies,
    ));
    let mut page = login_page(&state, lang, token, next.clone(), username.clone());

    if !tokens_match(&expected, &f.csrf_token) {
        page.errors.push(("username", t.error_form_expired));
        return (jar, render(StatusCode::FORBIDDEN, &page)).into_response();
    }
    if username.is_empty() {
        page.username_error = Some(t.error_username_missing);
        page.errors.push(("username", t.error_username_missing));
    }
    if f.password.is_empty() {
        page.password_error = Some(t.error_password_missing);
        page.errors.push(("password", t.error_password_missing));
    }
    if !page.errors.is_empty() {
        return (jar, render(StatusCode::BAD_REQUEST, &page)).into_response();
    }
    let client = client.text();
    match state
        .app
        .sign_in_from(&username, &f.password, client.as_deref(), &random_token)
        .await
    {
        Ok(session) => {
            // A plain `/` means the role's start page (`start_pages::start_path`).
            let target = if next == "/" {
                match state.app.session(&session.token).await {
                    Ok(Some(s)) => crate::start_pages::start_path(s.actor.role).to_owned(),
                    _ => "/hem".to_owned(),
                }
            } else {
                next
            };
            let jar = jar.remove(removal(LOGIN_CSRF_COOKIE)).add(cookie(
                SESSION_COOKIE,
                session.token,
                state.config.secure_cookies,
            ));
            (jar, Redirect::to(&target)).into_response()
        }
        Err(AppError::BadCredentials) => {
            page.errors.push(("username", t.error_bad_credentials));
            (jar, render(StatusCode::UNAUTHORIZED, &page)).into_response()
        }
        Err(AppError::ApplicantPasswordRefused) => {
            // Points at the e-legitimation button when there is one.
            let field = if page.eid.is_some() { "eid" } else { "username" };
            page.errors.push((field, t.error_applicant_password));
            (jar, render(StatusCode::FORBIDDEN, &page)).into_response()
        }
        Err(AppError::Throttled { retry_after }) => {
            page.errors.push(("username", t.error_throttled));
            // Whole seconds, rounded up, so that a client that waits as told is not refused again.
            let secs = retry_after.as_secs() + i64::from(retry_after.subsec_nanos() > 0);
            let retry = [(axum::http::header::RETRY_AFTER, secs.max(1).to_string())];
            (jar, retry, render(StatusCode::TOO_MANY_REQUESTS, &page)).into_response()
        }
        Err(e) => internal_error(&e),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfForm {
    csrf_token: String,
}

pub async fn logout(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    jar: CookieJar,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&f.csrf_token) {
        return refused.into_response();
    }
    if let Err(e) = state.app.sign_out(&signed.signed_in.actor, &signed.token).await {
        return internal_error(&e);
    }
    // A page that says so (`/utloggad`), not a silent return to the sign-in form.
    (jar.remove(removal(SESSION_COOKIE)), Redirect::to("/utloggad")).into_response()
}

/// The sign-in page with a fresh login CSRF token (cookie and field) and the given problems: for the external
/// sign-in's refusals, so that local sign-in is right there.
pub(crate) fn login_response(
    state: &AppState,
    lang: PageLang,
    jar: CookieJar,
    status: StatusCode,
    next: &str,
    errors: Vec<(&'static str, &'static str)>,
) -> Response {
    let token = random_token();
    let mut page = login_page(state, lang, token.clone(), next.to_owned(), String::new());
    page.errors = errors;
    let jar = jar.add(cookie(LOGIN_CSRF_COOKIE, token, state.config.secure_cookies));
    (jar, render(status, &page)).into_response()
}

fn login_page(
    state: &AppState,
    lang: PageLang,
    csrf_token: String,
    next: String,
    username: String,
) -> LoginPage {
    let t = lang.texts();
    let oidc = state.config.oidc.as_ref().map(|o| {
        let label = o
            .button_label
            .clone()
            .unwrap_or_else(|| t.sign_in_oidc.to_owned());
        let href = if next == "/" {
            crate::oidc_pages::START_PATH.to_owned()
        } else {
            format!("{}?next={}", crate::oidc_pages::START_PATH, urlencode(&next))
        };
        (label, href)
    });
    let eid = state.config.eid.as_ref().map(|_| {
        if next == "/" {
            crate::eid_pages::START_PATH.to_owned()
        } else {
            format!("{}?next={}", crate::eid_pages::START_PATH, urlencode(&next))
        }
    });
    LoginPage {
        oidc,
        eid,
        lang: lang.0,
        t: lang.texts(),
        user: None,
        here: "/login".to_owned(),
        demo_mode: state.config.demo_mode,
        csrf_token,
        next,
        username,
        username_error: None,
        password_error: None,
        errors: Vec::new(),
    }
}
