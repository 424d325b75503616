//! Hardening (issue #10): where `next` may lead, over-long and control-character input, sign-in throttling per
//! client address, and the demo's conveniences outside demo mode.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;

use crate::support::*;

/// Signs in through the form as a browser at `addr` would (the address reaches the handler as axum's
/// `ConnectInfo`, as `stegvis serve` starts the server), with extra headers.
async fn sign_in_at(
    router: &Router,
    addr: &str,
    username: &str,
    password: &str,
    forwarded: Option<&str>,
) -> Reply {
    let form = get(router, "/login", "").await;
    let csrf = form.cookies()["stegvis_login_csrf"].clone();
    let mut req = Request::post("/login")
        .header(header::COOKIE, format!("stegvis_login_csrf={csrf}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    let mut req = req
        .body(Body::from(format!(
            "username={username}&password={password}&csrf_token={csrf}&next=/"
        )))
        .unwrap();
    let peer: SocketAddr = format!("{addr}:50000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(peer));
    send(router, req).await
}

/// Every form of `next` that a browser would take off the site is refused, with a control character as 400 (the
/// value is given percent-encoded, as it stands in a query string or form body).
#[tokio::test]
async fn next_never_leads_off_the_site() {
    let f = fixture().await;
    // (next as sent, where the sign-in then goes: Some(path), or None for 400)
    let cases: &[(&str, Option<&str>)] = &[
        ("%2Fhushall%2F1", Some("/hushall/1")),
        ("/granskning%3Faction%3Dauth", Some("/granskning?action=auth")),
        // /<TAB>/host: browsers delete the tab (WHATWG), leaving //host.
        ("%2F%09%2Fevil.example", None),
        ("%2F%0A%2Fevil.example", None),
        ("%2F%0D%0A%2Fevil.example", None),
        ("%2Fhem%00", None),
        ("%2Fhem%7F", None),
        ("%2F%2Fevil.example", Some("/")),
        ("%2F%5Cevil.example", Some("/")),
        ("%5C%5Cevil.example", Some("/")),
        ("%5C%2Fevil.example", Some("/")),
        ("https%3Aevil.example", Some("/")),
        ("https%3A%2F%2Fevil.example", Some("/")),
        ("%20%2F%2Fevil.example", Some("/")),
        // Encoded once more: what a later decoding would turn into one of the above.
        ("%2F%252F%2Fevil.example", Some("/")),
        ("%2F%2509%2Fevil.example", Some("/")),
        ("%2F%255Cevil.example", Some("/")),
    ];
    for (next, expected) in cases {
        // The form keeps `next` in a hidden field ...
        let form = get(&f.router, &format!("/login?next={next}"), "").await;
        // ... and the sign-in goes there (a plain `/` means the start page, /hem).
        let csrf = form
            .cookies()
            .get("stegvis_login_csrf")
            .cloned()
            .unwrap_or_default();
        let signed = post(
            &f.router,
            "/login",
            &format!("stegvis_login_csrf={csrf}"),
            &format!("username=kim&password=hemligt&csrf_token={csrf}&next={next}"),
        )
        .await;
        let lang = get(&f.router, &format!("/sprak/en?next={next}"), "").await;
        match expected {
            None => {
                assert_eq!(form.status, StatusCode::BAD_REQUEST, "{next}");
                assert!(form.body.contains("styrtecken"), "{next}: {}", form.body);
                assert_eq!(signed.status, StatusCode::BAD_REQUEST, "{next}");
                assert!(!signed.cookies().contains_key("stegvis_session"), "{next}");
                assert_eq!(lang.status, StatusCode::BAD_REQUEST, "{next}");
            }
            Some(path) => {
                assert_eq!(form.status, StatusCode::OK, "{next}");
                assert_eq!(form.hidden("next"), path.replace('&', "&amp;"), "{next}");
                let location = |r: &Reply| r.headers[header::LOCATION].to_str().unwrap().to_owned();
                assert_eq!(signed.status, StatusCode::SEE_OTHER, "{next}");
                let to = if *path == "/" { "/hem" } else { path };
                assert_eq!(location(&signed), to, "{next}");
                assert_eq!(location(&lang), *path, "{next}");
            }
        }
    }
}

/// The auditor's search fields: over the limit or with a control character, 400 with the message next to the
/// field, and no search (so no `audit.search` record); an absurd address is 400 before any handler.
#[tokio::test]
async fn over_long_search_values_are_refused_with_a_message() {
    let f = fixture().await;
    let rev = session(&f.router, "rev").await;
    let searches = || rows(&f.store, "audit_log");
    let before = searches().await;
    let long = "x".repeat(201);
    for (query, field, message) in [
        (format!("action={long}"), "action", "Högst 200 tecken"),
        (format!("actor={long}"), "actor", "Högst 200 tecken"),
        (format!("person={long}"), "person", "Högst 200 tecken"),
        ("actor=account%3A3%00".to_owned(), "actor", "styrtecken"),
        ("action=auth%0A".to_owned(), "action", "Högst 200 tecken"),
    ] {
        let r = get(&f.router, &format!("/granskning?{query}"), &rev).await;
        if query.ends_with("%0A") {
            // A trailing newline is trimmed like a space: an ordinary search.
            assert_eq!(r.status, StatusCode::OK, "{query}");
            continue;
        }
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(r.body.contains(message), "{query}");
        assert!(r.body.contains(&format!("id=\"{field}-error\"")), "{query}");
        assert_eq!(searches().await, before, "{query}");
    }
    // Exactly 200 characters is a search.
    let r = get(
        &f.router,
        &format!("/granskning?action={}", "x".repeat(200)),
        &rev,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    // Far beyond any field: refused by the router with a message (the page would otherwise reach the database with a
    // pattern SQLite calls too complex, a 500).
    let before = searches().await;
    let r = get(
        &f.router,
        &format!("/granskning?action={}", "x".repeat(60_000)),
        &rev,
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Adressen är för lång"), "{}", r.body);
    assert_eq!(searches().await, before);
    // The paging offset cannot overflow the page's arithmetic.
    let r = get(&f.router, "/granskning?offset=9223372036854775807", &rev).await;
    assert_eq!(r.status, StatusCode::OK);
}

/// Free text over its limit or with a control character: 400, the message states the limit, nothing stored.
#[tokio::test]
async fn over_long_and_control_character_text_is_refused_and_nothing_is_stored() {
    let f = fixture().await;
    let kim = session(&f.router, "kim").await;
    let household = format!("/hushall/{}", f.household);
    let csrf = get(&f.router, &household, &kim).await.hidden("csrf_token");
    let member = {
        use sqlx::Row;
        sqlx::query("SELECT id FROM persons WHERE name = 'Alva Ek'")
            .fetch_one(f.store.pool())
            .await
            .unwrap()
            .try_get::<i64, _>("id")
            .unwrap()
    };
    // Journal notes: 20 000 characters is the limit (a line break counts once, as the browser counts it).
    let notes = rows(&f.store, "journal_notes").await;
    for (text, message) in [
        ("x".repeat(20_001), "högst 20 000 tecken"),
        ("Samtal%00med+Alva".to_owned(), "styrtecken"),
        ("Samtal%1B%5B31m".to_owned(), "styrtecken"),
    ] {
        let r = post(
            &f.router,
            &format!("{household}/journal"),
            &kim,
            &format!("csrf_token={csrf}&person={member}&text={text}"),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{message}");
        assert!(r.body.contains(message), "{message}");
        assert_eq!(rows(&f.store, "journal_notes").await, notes);
    }
    // Lines and tabs are fine in a note.
    let r = post(
        &f.router,
        &format!("{household}/journal"),
        &kim,
        &format!("csrf_token={csrf}&person={member}&text=Rad+ett%0D%0A%09Rad+tv%C3%A5"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(rows(&f.store, "journal_notes").await, notes + 1);

    // A follow-up's reason is one line.
    let r = post(
        &f.router,
        &format!("{household}/bevakning"),
        &kim,
        &format!("csrf_token={csrf}&due=2026-03-10&reason=Hyra%0AAvi"),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("styrtecken"));
    assert_eq!(rows(&f.store, "follow_ups").await, 0);

    // The applicant's appeal: at most 5 000 characters, said so.
    let ann = session(&f.router, "ann").await;
    let decision = format!("/beslut/{}", f.decision);
    let ann_csrf = get(&f.router, &decision, &ann).await.hidden("csrf_token");
    let appeals = rows(&f.store, "appeals").await;
    for grounds in ["x".repeat(5_001), "Hyran%00".to_owned()] {
        let r = post(
            &f.router,
            &format!("{decision}/overklaga"),
            &ann,
            &format!("csrf_token={ann_csrf}&grounds={grounds}"),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.body.contains("högst 5 000 tecken") || r.body.contains("styrtecken"),
            "{}",
            r.body
        );
        assert_eq!(rows(&f.store, "appeals").await, appeals);
    }

    // A decision's reasons: at most 5 000 characters.
    let application = format!("/ansokan/{}", f.application);
    let page = get(&f.router, &application, &kim).await;
    let (csrf, version) = (page.hidden("csrf_token"), page.hidden("version"));
    let r = post(
        &f.router,
        &format!("{application}/utred"),
        &kim,
        &format!("csrf_token={csrf}&version={version}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let version = get(&f.router, &application, &kim).await.hidden("version");
    let before = decisions(&f.store).await;
    let r = post(
        &f.router,
        &format!("{application}/beslut"),
        &kim,
        &format!(
            "csrf_token={csrf}&version={version}&outcome=avslag&granted=&reasons={}",
            "x".repeat(5_001)
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("högst 5 000 tecken"), "{}", r.body);
    assert_eq!(decisions(&f.store).await, before);
}

/// Five wrong passwords for a known user from another address do not stop the user at their usual address;
/// guessing from one address slows down (429 with Retry-After); `X-Forwarded-For` changes nothing unless the
/// proxy is configured as trusted.
#[tokio::test]
async fn failures_elsewhere_do_not_lock_out_a_user_and_guessing_slows_down() {
    let f = fixture().await;
    let desk = "192.0.2.10";
    let stranger = "198.51.100.66";
    assert_eq!(
        sign_in_at(&f.router, desk, "kim", "hemligt", None).await.status,
        StatusCode::SEE_OTHER
    );
    // Five free failures (max_failed_logins = 5 by default) ...
    for _ in 0..5 {
        let r = sign_in_at(&f.router, stranger, "kim", "gissning", None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // ... and the sixth try from there waits 2^(5-5) = 1 s; a made-up X-Forwarded-For is not believed.
    let r = sign_in_at(&f.router, stranger, "kim", "gissning", Some("203.0.113.99")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers[header::RETRY_AFTER], "1");
    // Kim at the desk, the same second: in.
    assert_eq!(
        sign_in_at(&f.router, desk, "kim", "hemligt", None).await.status,
        StatusCode::SEE_OTHER
    );
    // A second later the stranger may try again, and fails: now 2 s.
    f.clock.set("2026-03-02T08:00:01Z".parse().unwrap());
    assert_eq!(
        sign_in_at(&f.router, stranger, "lo", "gissning", None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let r = sign_in_at(&f.router, stranger, "lo", "gissning", None).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers[header::RETRY_AFTER], "2");
    // Every attempt is audited.
    let attempts = rows(&f.store, "login_attempts").await;
    assert_eq!(attempts, 10);
}

/// Behind a trusted proxy, the address in `X-Forwarded-For` is the client's: two clients of one proxy do not
/// share a throttle.
#[tokio::test]
async fn a_trusted_proxy_names_the_client() {
    let f = fixture_with(|c| c.trusted_proxies = vec!["10.0.0.1".parse().unwrap()]).await;
    for _ in 0..5 {
        let r = sign_in_at(&f.router, "10.0.0.1", "kim", "gissning", Some("198.51.100.66")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = sign_in_at(&f.router, "10.0.0.1", "lo", "gissning", Some("198.51.100.66")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let r = sign_in_at(&f.router, "10.0.0.1", "lo", "hemligt", Some("192.0.2.10")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

/// Outside demo mode a demo account cannot sign in, even with its password, and no page lists them.
#[tokio::test]
async fn demo_accounts_need_demo_mode() {
    for demo_mode in [false, true] {
        let f = fixture_with(|c| {
            c.demo_mode = demo_mode;
            c.secure_cookies = !demo_mode;
        })
        .await;
        let a = Actor::system("demo", "seed", "2026-03-02T08:00:00Z".parse().unwrap());
        let id = f
            .store
            .create_account(
                &a,
                NewAccount {
                    username: "handlaggare".into(),
                    display_name: "Demo".into(),
                    role: Role::Caseworker,
                    staff: None,
                    person: None,
                    password_hash: hash_password("demo").unwrap(),
                    units: vec![],
                },
            )
            .await
            .unwrap();
        f.store.mark_demo_account(&a, id).await.unwrap();
        let r = sign_in(&f.router, "handlaggare", "demo").await;
        let expected = if demo_mode {
            StatusCode::SEE_OTHER
        } else {
            StatusCode::UNAUTHORIZED
        };
        assert_eq!(r.status, expected, "demo_mode = {demo_mode}");
        for page in ["/", "/login"] {
            let shown = get(&f.router, page, "").await.body.contains("Demokonton");
            assert_eq!(shown, demo_mode, "{page}");
        }
        // Outside demo mode every cookie is Secure.
        let cookie = get(&f.router, "/login", "").await.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(cookie.contains("Secure"), !demo_mode, "{cookie}");
    }
}
