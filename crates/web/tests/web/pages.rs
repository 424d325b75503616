//! Security headers, language, signing in and out, and the first access checks.

use crate::support::*;

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let f = fixture().await;
    for path in ["/", "/login", "/no-such-page", "/healthz"] {
        let r = get(&f.router, path, "").await;
        let csp = r
            .headers
            .get(header::CONTENT_SECURITY_POLICY)
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(r.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
        assert_eq!(r.headers.get(header::X_FRAME_OPTIONS).unwrap(), "DENY");
        assert_eq!(
            r.headers.get(header::CACHE_CONTROL).unwrap(),
            "no-store",
            "{path}"
        );
    }
}

#[tokio::test]
async fn pages_are_swedish_with_english_kept_in_a_cookie() {
    let f = fixture().await;
    let r = get(&f.router, "/", "").await;
    assert!(r.body.contains("<html lang=\"sv\">") && r.body.contains("Logga in"));
    let r = get(&f.router, "/sprak/en?next=/login", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/login");
    let lang = format!("stegvis_lang={}", r.cookies()["stegvis_lang"]);
    let r = get(&f.router, "/login", &lang).await;
    assert!(r.body.contains("<html lang=\"en\">") && r.body.contains("Sign in"));
    // An outside address is never a redirect target.
    let r = get(&f.router, "/sprak/en?next=//evil.example", "").await;
    assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/");
}

#[tokio::test]
async fn sign_in_needs_the_csrf_token_and_the_right_password() {
    let f = fixture().await;
    // No CSRF cookie: refused, no session.
    let r = post(
        &f.router,
        "/login",
        "",
        "username=kim&password=hemligt&csrf_token=x",
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.cookies().contains_key("stegvis_session"));

    let r = sign_in(&f.router, "kim", "fel").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Fel användarnamn eller lösenord") && r.body.contains("value=\"kim\""));
    assert!(!r.cookies().contains_key("stegvis_session"));

    let r = sign_in(&f.router, "", "").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Ange användarnamn") && r.body.contains("Ange lösenord"));
    assert!(r.body.contains("href=\"#username\"") && r.body.contains("aria-invalid=\"true\""));

    let r = sign_in(&f.router, "kim", "hemligt").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/hem");
    let set = r
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let session = r.cookies()["stegvis_session"].clone();
    assert!(
        r.headers.get_all(header::SET_COOKIE).iter().any(|v| {
            let v = v.to_str().unwrap();
            v.starts_with("stegvis_session=") && v.contains("HttpOnly") && v.contains("SameSite=Lax")
        }),
        "{set}"
    );
    let home = get(&f.router, "/hem", &format!("stegvis_session={session}")).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Test kim") && home.body.contains("Handläggare"));
}

#[tokio::test]
async fn sign_out_needs_the_session_csrf_token() {
    let f = fixture().await;
    let cookie = session(&f.router, "kim").await;
    let home = get(&f.router, "/hem", &cookie).await;
    let csrf = home.hidden("csrf_token");
    assert_eq!(
        post(&f.router, "/logout", &cookie, "csrf_token=wrong")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(get(&f.router, "/hem", &cookie).await.status, StatusCode::OK);
    let r = post(&f.router, "/logout", &cookie, &format!("csrf_token={csrf}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        get(&f.router, "/hem", &cookie).await.status,
        StatusCode::SEE_OTHER,
        "session ended"
    );
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in() {
    let f = fixture().await;
    for path in ["/hem", "/arenden", &format!("/hushall/{}", f.household)] {
        let r = get(&f.router, path, "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert!(
            r.headers
                .get(header::LOCATION)
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("/login?next=")
        );
    }
}

#[tokio::test]
async fn caseworkers_see_their_own_units_households_only() {
    let f = fixture().await;
    let path = format!("/hushall/{}", f.household);
    let kim = session(&f.router, "kim").await;
    let r = get(&f.router, &path, &kim).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Alva Ek") && r.body.contains("19800517-1239"));
    let q = get(&f.router, "/arenden?vy=alla", &kim).await;
    assert!(q.body.contains("Alva Ek") && q.body.contains("Inkommen"));

    let lo = session(&f.router, "lo").await;
    let r = get(&f.router, &path, &lo).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.body.contains("Alva") && !r.body.contains("19800517"));
    assert!(
        !get(&f.router, "/arenden?vy=alla", &lo)
            .await
            .body
            .contains("Alva")
    );
}

#[tokio::test]
async fn board_members_get_403_on_personal_pages_and_never_see_a_personnummer() {
    let f = fixture().await;
    let pol = session(&f.router, "pol").await;
    for path in [
        format!("/hushall/{}", f.household),
        "/hushall/999999".to_owned(),
        "/arenden".to_owned(),
    ] {
        let r = get(&f.router, &path, &pol).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
        assert!(!r.body.contains("19800517") && !r.body.contains("Alva"), "{path}");
    }
    let home = get(&f.router, "/hem", &pol).await;
    assert!(!home.body.contains("/arenden") && !home.body.contains("19800517"));
}
