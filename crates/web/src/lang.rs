//! The page language: `?lang=` on the request, else the `stegvis_lang` cookie, else Swedish.
//! `/sprak/{code}` stores the choice in the cookie and goes back.

use std::convert::Infallible;

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;

use crate::i18n::{Lang, Texts};
use crate::session::next_target;

pub const LANG_COOKIE: &str = "stegvis_lang";

#[derive(Debug, Clone, Copy)]
pub struct PageLang(pub Lang);

impl PageLang {
    pub fn texts(self) -> &'static Texts {
        self.0.texts()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<PageLang, Infallible> {
        let from_query = parts.uri.query().and_then(|q| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("lang="))
                .and_then(Lang::from_code)
        });
        let from_cookie = || {
            CookieJar::from_headers(&parts.headers)
                .get(LANG_COOKIE)
                .and_then(|c| Lang::from_code(c.value()))
        };
        Ok(PageLang(from_query.or_else(from_cookie).unwrap_or_default()))
    }
}

#[derive(Debug, Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Stores the language choice for later pages and returns to where the user was.
pub async fn switch(Path(code): Path<String>, Query(q): Query<Next>, jar: CookieJar) -> Response {
    let lang = Lang::from_code(&code).unwrap_or_default();
    let mut cookie = Cookie::new(LANG_COOKIE, lang.code());
    cookie.set_path("/");
    cookie.set_same_site(SameSite::Lax);
    cookie.set_http_only(true);
    match next_target(q.next.as_deref()) {
        Ok(next) => (jar.add(cookie), Redirect::to(&next)).into_response(),
        Err(bad) => bad.into_response(),
    }
}
