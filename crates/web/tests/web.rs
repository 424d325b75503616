//! HTTP-level tests of the web application over a real (in-memory SQLite) store: security headers, language,
//! sign-in with CSRF, and who may see which page.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a failure should panic"
)]

use std::collections::BTreeMap;
use std::sync::Arc;

use app::auth::hash_password;
use app::{App, FixedClock};
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};
use domain::decision::{DecisionItem, FrozenCalculation, NewDecision, Outcome};
use domain::role::Role;
use domain::{Actor, ProtectedIdentity};
use jiff::civil::date;
use store::{AccountStore, Intake, MonthDecision, NewAccount, NewPerson, SqlStore, Store};
use tower::ServiceExt;
use web::router::AppState;
use web::{Config, router};

struct Fixture {
    router: Router,
    store: SqlStore,
    household: i64,
    decision: i64,
    /// March: received, with the applicant's declaration attached.
    application: i64,
}

async fn fixture() -> Fixture {
    let store = SqlStore::connect("sqlite::memory:").await.unwrap();
    let at = "2026-03-02T08:00:00Z".parse().unwrap();
    let a = Actor::system("test", "setup", at);
    let north = store.create_unit(&a, "Nord").await.unwrap();
    let south = store.create_unit(&a, "Syd").await.unwrap();
    let person = store
        .register_person(
            &a,
            NewPerson::parse(
                "19800517-1239",
                "Alva Ek",
                ProtectedIdentity::None,
                date(2026, 3, 2),
            )
            .unwrap(),
        )
        .await
        .unwrap();
    let household = store
        .register_household(
            &a,
            north,
            &[(person, norm::contract::Role::Adult)],
            date(2026, 1, 1),
        )
        .await
        .unwrap();
    let march = store
        .receive_application(
            &a,
            household,
            norm::Month::new(2026, 3).unwrap(),
            date(2026, 3, 1),
        )
        .await
        .unwrap();
    let declared: norm::contract::CalcRequest = serde_json::from_str(
        r#"{"month": "2026-03", "members": [{"id": "a", "role": "adult", "age": 45}],
            "costs": {"rent": 5200, "electricity": 300}, "incomes": [{"kind": "housing_allowance", "amount": 700}]}"#,
    )
    .unwrap();
    store.attach_request(&a, march.id, &declared).await.unwrap();
    // February: calculated by the engine and decided.
    let request: norm::contract::CalcRequest = serde_json::from_str(
        r#"{"month": "2026-02", "members": [{"id": "a", "role": "adult", "age": 45}],
            "costs": {"rent": 5200, "electricity": 300}, "incomes": [{"kind": "housing_allowance", "amount": 700}]}"#,
    )
    .unwrap();
    let response = norm::calculate(&norm::RuleBook::standard(), &request).unwrap();
    let granted = norm::Money::from_kronor(response.assistance).unwrap();
    let decision = NewDecision {
        items: vec![DecisionItem {
            what: "Försörjningsstöd 2026-02".into(),
            outcome: Outcome::Bifall,
            applied: granted,
            granted,
            reasons: "Beräknat enligt riksnormen".into(),
            legal_basis: "SoL 12:1".into(),
        }],
        calculation: Some(FrozenCalculation {
            rule_table: response.rule_table.clone(),
            rule_table_version: response.rule_table_version.clone(),
            request,
            response,
        }),
        replaces: None,
    };
    let month = MonthDecision {
        household,
        received_on: date(2026, 2, 2),
        decision,
    };
    let decided = store
        .decide_month(&a, norm::Month::new(2026, 2).unwrap(), &[month])
        .await
        .unwrap();
    let hash = hash_password("hemligt").unwrap();
    for (username, role, units) in [
        ("kim", Role::Caseworker, vec![north]),
        ("lo", Role::Caseworker, vec![south]),
        ("pol", Role::BoardMember, vec![]),
        ("ann", Role::Applicant, vec![]),
        ("jo", Role::JobCoach, vec![north]),
        ("mia", Role::UnitManager, vec![north]),
        ("cid", Role::Controller, vec![]),
        ("rev", Role::Auditor, vec![]),
        ("adm", Role::Administrator, vec![]),
    ] {
        let account = NewAccount {
            username: username.into(),
            display_name: format!("Test {username}"),
            role,
            staff: None,
            // The applicant "ann" is the household's member.
            person: (username == "ann").then_some(person),
            password_hash: hash.clone(),
            units,
        };
        store.create_account(&a, account).await.unwrap();
    }
    let config = Config {
        demo_mode: true,
        secure_cookies: false,
        // Low enough that the fixture's one payment needs a second person.
        approval_threshold_kr: 5_000,
        ..Config::default()
    };
    let app = App {
        store,
        clock: Arc::new(FixedClock::new(at)),
        policy: config.policy(),
    };
    Fixture {
        store: app.store.clone(),
        router: router(Arc::new(AppState { config, app })),
        household: household.get(),
        decision: decided[0].get(),
        application: march.id.get(),
    }
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn cookies(&self) -> BTreeMap<String, String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| {
                v.to_str()
                    .ok()?
                    .split(';')
                    .next()?
                    .split_once('=')
                    .map(|(k, v)| (k.into(), v.into()))
            })
            .collect()
    }

    /// The value of a hidden input.
    fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&marker).expect(name) + marker.len();
        self.body[start..].split('"').next().unwrap().to_owned()
    }
}

async fn send(router: &Router, req: Request<Body>) -> Reply {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = String::from_utf8(to_bytes(res.into_body(), 1 << 20).await.unwrap().to_vec()).unwrap();
    Reply {
        status,
        headers,
        body,
    }
}

async fn get(router: &Router, path: &str, cookie: &str) -> Reply {
    send(
        router,
        Request::get(path)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

async fn post(router: &Router, path: &str, cookie: &str, form: &str) -> Reply {
    let req = Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))
        .unwrap();
    send(router, req).await
}

/// Signs in and returns the session cookie header value.
async fn sign_in(router: &Router, username: &str, password: &str) -> Reply {
    let form = get(router, "/login", "").await;
    let csrf = form.cookies()["stegvis_login_csrf"].clone();
    assert_eq!(form.hidden("csrf_token"), csrf);
    post(
        router,
        "/login",
        &format!("stegvis_login_csrf={csrf}"),
        &format!("username={username}&password={password}&csrf_token={csrf}&next=/"),
    )
    .await
}

async fn session(router: &Router, username: &str) -> String {
    let reply = sign_in(router, username, "hemligt").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    format!("stegvis_session={}", reply.cookies()["stegvis_session"])
}

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
    let q = get(&f.router, "/arenden", &kim).await;
    assert!(q.body.contains("Alva Ek") && q.body.contains("Inkommen"));

    let lo = session(&f.router, "lo").await;
    let r = get(&f.router, &path, &lo).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.body.contains("Alva") && !r.body.contains("19800517"));
    assert!(!get(&f.router, "/arenden", &lo).await.body.contains("Alva"));
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

/// Every page route (GET) for every role, as the permission table in `app::access` says: personal pages need
/// `read_case` and the household's unit (auditors read across units) or, for an applicant, membership; payment runs
/// need `prepare_payments` or `approve_payments`; the e-service needs `apply_own`; review pages `read_access_log`;
/// administration `manage_users`. Refusals never show a personnummer or a name.
#[tokio::test]
async fn every_route_for_every_role_is_allowed_or_refused_as_the_permission_table_says() {
    let f = fixture().await;
    let routes = [
        "/hem".to_owned(),
        "/arenden".to_owned(),
        format!("/hushall/{}", f.household),
        format!("/ansokan/{}", f.application),
        format!("/beslut/{}", f.decision),
        "/utbetalningar".to_owned(),
        "/mina-sidor".to_owned(),
        "/ansok".to_owned(),
        "/granskning".to_owned(),
        "/granskning/kedja".to_owned(),
        "/admin/anvandare".to_owned(),
        "/admin/enheter".to_owned(),
    ];
    let y = StatusCode::OK;
    let n = StatusCode::FORBIDDEN;
    #[rustfmt::skip]
    let table: [(&str, [StatusCode; 12]); 9] = [
        //       hem arenden hushall ansokan beslut utbet mina ansok grans kedja anvand enheter
        ("kim", [y,  y,      y,      y,      y,     y,    n,   n,    n,    n,    n,     n]), // caseworker, own unit
        ("lo",  [y,  y,      n,      n,      n,     y,    n,   n,    n,    n,    n,     n]), // caseworker, other unit
        ("jo",  [y,  y,      y,      y,      y,     n,    n,   n,    n,    n,    n,     n]), // job coach, own unit
        ("mia", [y,  y,      y,      y,      y,     y,    n,   n,    n,    n,    n,     n]), // unit manager, own unit
        ("rev", [y,  y,      y,      y,      y,     n,    n,   n,    y,    y,    n,     n]), // auditor
        ("ann", [y,  n,      y,      n,      y,     n,    y,   y,    n,    n,    n,     n]), // applicant, member
        ("pol", [y,  n,      n,      n,      n,     n,    n,   n,    n,    n,    n,     n]), // board member
        ("cid", [y,  n,      n,      n,      n,     n,    n,   n,    n,    n,    n,     n]), // controller
        ("adm", [y,  n,      n,      n,      n,     n,    n,   n,    n,    n,    y,     y]), // administrator
    ];
    for (user, expected) in table {
        let cookie = session(&f.router, user).await;
        for (path, want) in routes.iter().zip(expected) {
            let r = get(&f.router, path, &cookie).await;
            assert_eq!(r.status, want, "{user} {path}");
            if want == n {
                assert!(
                    !r.body.contains("19800517") && !r.body.contains("Alva"),
                    "{user} {path}"
                );
            }
        }
    }
}

#[tokio::test]
async fn a_decision_shows_every_line_of_the_calculation_and_how_to_appeal() {
    let f = fixture().await;
    let path = format!("/beslut/{}", f.decision);
    let kim = session(&f.router, "kim").await;
    let r = get(&f.router, &path, &kim).await;
    assert_eq!(r.status, StatusCode::OK);
    for text in [
        "Så räknades beloppet fram",
        "Personliga kostnader",
        "Hushållsgemensamma kostnader, 1 person",
        "Hyra",
        "Bostadsbidrag",
        "Bifall",
        "SoL 12:1",
        "riksnorm 2026 (official)",
        "Så överklagar du",
        "inom tre veckor",
    ] {
        assert!(r.body.contains(text), "{text}");
    }
    // 3,940 + 1,280 + 5,200 + 300 − 700 = 10,020 kr.
    assert!(r.body.contains("10\u{202f}020 kr"), "{}", r.body);

    // The applicant reads their own decision from their own pages; others are refused.
    let ann = session(&f.router, "ann").await;
    let mine = get(&f.router, "/mina-sidor", &ann).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.body.contains(&format!("href=\"{path}\"")) && mine.body.contains("2026-03"));
    assert_eq!(get(&f.router, &path, &ann).await.status, StatusCode::OK);
    for user in ["pol", "lo", "cid"] {
        let cookie = session(&f.router, user).await;
        let r = get(&f.router, &path, &cookie).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
        assert!(!r.body.contains("10\u{202f}020"), "{user}");
    }
    assert_eq!(
        get(&f.router, "/mina-sidor", &kim).await.status,
        StatusCode::FORBIDDEN
    );
}

async fn decisions(store: &SqlStore) -> i64 {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM decisions")
        .fetch_one(store.pool())
        .await
        .unwrap();
    sqlx::Row::try_get(&row, "n").unwrap()
}

#[tokio::test]
async fn a_caseworker_investigates_and_decides_with_the_engines_calculation() {
    let f = fixture().await;
    let path = format!("/ansokan/{}", f.application);
    let kim = session(&f.router, "kim").await;
    let page = get(&f.router, &path, &kim).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Uppgifter i ansökan") && page.body.contains("10\u{202f}020 kr"));
    assert!(page.body.contains("Påbörja utredning") && !page.body.contains("name=\"outcome\""));
    let csrf = page.hidden("csrf_token");
    let version = page.hidden("version");

    // Without the CSRF token nothing moves.
    let r = post(
        &f.router,
        &format!("{path}/utred"),
        &kim,
        &format!("csrf_token=x&version={version}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post(
        &f.router,
        &format!("{path}/utred"),
        &kim,
        &format!("csrf_token={csrf}&version={version}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    let page = get(&f.router, &path, &kim).await;
    assert!(
        page.body.contains("name=\"outcome\""),
        "the decision form is shown under investigation"
    );
    let version = page.hidden("version");
    let before = decisions(&f.store).await;
    // Bad input: a message next to the field, and nothing stored.
    for (form, field_message) in [
        ("outcome=delvis_bifall&granted=&reasons=x", "ange beviljat belopp"),
        (
            "outcome=delvis_bifall&granted=20000&reasons=x",
            "mindre än beräknade",
        ),
        ("outcome=delvis_bifall&granted=tio&reasons=x", "hela kronor"),
        ("outcome=avslag&granted=&reasons=", "motivera"),
        ("outcome=&granted=&reasons=", "välj bifall"),
    ] {
        let body = format!("csrf_token={csrf}&version={version}&{form}");
        let r = post(&f.router, &format!("{path}/beslut"), &kim, &body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{form}");
        assert!(
            r.body.contains(field_message) && r.body.contains("error-summary"),
            "{form}: {}",
            r.body
        );
        assert_eq!(decisions(&f.store).await, before, "{form}");
    }
    // A stale version (someone else acted since) is refused without overwriting.
    let stale = format!("csrf_token={csrf}&version=0&outcome=bifall&granted=&reasons=");
    let r = post(&f.router, &format!("{path}/beslut"), &kim, &stale).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(decisions(&f.store).await, before);

    let ok = format!(
        "csrf_token={csrf}&version={version}&outcome=delvis_bifall&granted=9000&reasons=Hyran+över+riktvärdet"
    );
    let r = post(&f.router, &format!("{path}/beslut"), &kim, &ok).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r
        .headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(decisions(&f.store).await, before + 1);
    let d = get(&f.router, &location, &kim).await;
    assert!(
        d.body.contains("Delvis bifall")
            && d.body.contains("9\u{202f}000 kr")
            && d.body.contains("Hyran över riktvärdet")
    );

    // Deciding again with the old version is a conflict, not a second decision.
    let r = post(&f.router, &format!("{path}/beslut"), &kim, &ok).await;
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(decisions(&f.store).await, before + 1);

    for user in ["lo", "pol", "ann"] {
        let cookie = session(&f.router, user).await;
        assert_eq!(
            get(&f.router, &path, &cookie).await.status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
    }
}

#[tokio::test]
async fn a_payment_run_is_prepared_by_one_person_and_approved_by_another() {
    let f = fixture().await;
    let kim = session(&f.router, "kim").await;
    let page = get(&f.router, "/utbetalningar", &kim).await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = page.hidden("csrf_token");
    let batches = |store: SqlStore| async move {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM payment_batches")
            .fetch_one(store.pool())
            .await
            .unwrap();
        sqlx::Row::try_get::<i64, _>(&row, "n").unwrap()
    };
    for (date, message) in [("25/3", "ÅÅÅÅ-MM-DD"), ("2026-02-25", "redan passerat")] {
        let r = post(
            &f.router,
            "/utbetalningar",
            &kim,
            &format!("csrf_token={csrf}&pay_date={date}"),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{date}");
        assert!(
            r.body.contains(message) && r.body.contains("aria-invalid"),
            "{date}"
        );
        assert_eq!(batches(f.store.clone()).await, 0);
    }
    let r = post(
        &f.router,
        "/utbetalningar",
        &kim,
        &format!("csrf_token={csrf}&pay_date=2026-03-25"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let run = r
        .headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let page = get(&f.router, &run, &kim).await;
    assert!(page.body.contains("10\u{202f}020 kr") && page.body.contains(&format!("/beslut/{}", f.decision)));
    // Nothing more to pay: a second run is refused.
    let r = post(
        &f.router,
        "/utbetalningar",
        &kim,
        &format!("csrf_token={csrf}&pay_date=2026-03-25"),
    )
    .await;
    assert!(r.body.contains("inga beslut att betala ut"));

    // 10,020 kr is above the 5,000 kr limit: the one who prepared may not approve.
    let r = post(
        &f.router,
        &format!("{run}/attest"),
        &kim,
        &format!("csrf_token={csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("annan person"));
    let mia = session(&f.router, "mia").await;
    let mia_csrf = get(&f.router, &run, &mia).await.hidden("csrf_token");
    let r = post(
        &f.router,
        &format!("{run}/attest"),
        &mia,
        &format!("csrf_token={mia_csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = post(
        &f.router,
        &format!("{run}/export"),
        &mia,
        &format!("csrf_token={mia_csrf}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = get(&f.router, &run, &kim).await;
    assert!(page.body.contains("Exporterad") && !page.body.contains("stoppa"));

    for user in ["pol", "ann", "cid"] {
        let cookie = session(&f.router, user).await;
        assert_eq!(
            get(&f.router, "/utbetalningar", &cookie).await.status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
        assert_eq!(
            get(&f.router, &run, &cookie).await.status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
    }
}

async fn applications(store: &SqlStore) -> i64 {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM applications")
        .fetch_one(store.pool())
        .await
        .unwrap();
    sqlx::Row::try_get(&row, "n").unwrap()
}

#[tokio::test]
async fn an_applicant_applies_online_and_the_caseworker_sees_the_declaration() {
    let f = fixture().await;
    let ann = session(&f.router, "ann").await;
    let page = get(&f.router, "/ansok", &ann).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Alva Ek") && page.body.contains("<option value=\"2026-04\""));
    let csrf = page.hidden("csrf_token");
    let before = applications(&f.store).await;
    for (form, message) in [
        ("month=2026-04&rent=femtusen", "Ange beloppet i hela kronor"),
        ("month=2026-04&rent=-5", "Ange beloppet i hela kronor"),
        ("month=2026-03&rent=5000", "redan en ansökan"),
        ("month=2027-09&rent=5000", "innevarande eller nästa månad"),
        ("month=&rent=5000", "Välj en månad"),
    ] {
        let r = post(&f.router, "/ansok", &ann, &format!("csrf_token={csrf}&{form}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{form}");
        assert!(
            r.body.contains(message) && r.body.contains("error-summary"),
            "{form}: {}",
            r.body
        );
        assert_eq!(applications(&f.store).await, before, "{form}");
    }
    let ok =
        format!("csrf_token={csrf}&month=2026-04&rent=5+200&electricity=300&housing_allowance=700&salary=");
    let r = post(&f.router, "/ansok", &ann, &ok).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(applications(&f.store).await, before + 1);
    let mine = get(&f.router, "/mina-sidor", &ann).await;
    assert!(mine.body.contains("2026-04") && mine.body.contains("Inkommen"));

    // The caseworker finds it in the queue and sees the engine's calculation of what was declared.
    let kim = session(&f.router, "kim").await;
    let queue = get(&f.router, "/arenden", &kim).await;
    let marker = "<a href=\"/ansokan/";
    let ids: Vec<&str> = queue
        .body
        .match_indices(marker)
        .map(|(i, _)| &queue.body[i + marker.len()..])
        .collect();
    let newest = ids
        .iter()
        .map(|s| s.split('"').next().unwrap().parse::<i64>().unwrap())
        .max()
        .unwrap();
    let page = get(&f.router, &format!("/ansokan/{newest}"), &kim).await;
    assert!(
        page.body.contains("2026-04") && page.body.contains("10\u{202f}020 kr"),
        "{}",
        page.body
    );
}

// --- The JSON API (`/api/v1`) and its OpenAPI document. ---

async fn post_json(router: &Router, path: &str, cookie: &str, body: &str) -> Reply {
    let req = Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap();
    send(router, req).await
}

impl Reply {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .map_err(|e| format!("not JSON ({e}): {}", self.body))
            .unwrap()
    }
}

const API_CALC_INPUT: &str = r#"{"month": "2026-03", "members": [{"id": "a", "role": "adult", "age": 34},
    {"id": "c", "role": "child", "age": 4, "lunch_outside_home": true}],
    "costs": {"rent": 6100, "electricity": 250}, "incomes": [{"member": "a", "kind": "salary", "amount": 9000},
    {"kind": "child_allowance", "amount": 1250}]}"#;

/// Every API route for every role: `me` and `calc` for anyone signed in, the personal routes as the pages.
#[tokio::test]
async fn api_routes_for_every_role_follow_the_permission_table() {
    let f = fixture().await;
    let household = format!("/api/v1/households/{}", f.household);
    let decision = format!("/api/v1/decisions/{}", f.decision);
    let ok = StatusCode::OK;
    let no = StatusCode::FORBIDDEN;
    let table: [(&str, [StatusCode; 5]); 9] = [
        //        me  calc  queue  household  decision
        ("kim", [ok, ok, ok, ok, ok]), // caseworker, own unit
        ("lo", [ok, ok, ok, no, no]),  // caseworker, other unit
        ("jo", [ok, ok, ok, ok, ok]),  // job coach, own unit
        ("mia", [ok, ok, ok, ok, ok]), // unit manager, own unit
        ("rev", [ok, ok, ok, ok, ok]), // auditor: reads across units
        ("ann", [ok, ok, no, ok, ok]), // applicant: a member of this household
        ("pol", [ok, ok, no, no, no]), // board member
        ("cid", [ok, ok, no, no, no]), // controller
        ("adm", [ok, ok, no, no, no]), // administrator
    ];
    for (user, expected) in table {
        let cookie = session(&f.router, user).await;
        let replies = [
            get(&f.router, "/api/v1/me", &cookie).await,
            post_json(&f.router, "/api/v1/calc", &cookie, API_CALC_INPUT).await,
            get(&f.router, "/api/v1/queue", &cookie).await,
            get(&f.router, &household, &cookie).await,
            get(&f.router, &decision, &cookie).await,
        ];
        for (i, (r, want)) in replies.iter().zip(expected).enumerate() {
            assert_eq!(r.status, want, "{user} route {i}: {}", r.body);
            assert_eq!(
                r.headers[header::CONTENT_TYPE],
                "application/json",
                "{user} route {i}"
            );
            assert_eq!(r.headers[header::CACHE_CONTROL], "no-store", "{user} route {i}");
            let body = r.json();
            if want == no {
                assert_eq!(
                    body["error"], "du saknar behörighet för detta",
                    "{user} route {i}"
                );
                assert!(
                    !r.body.contains("19800517") && !r.body.contains("Alva"),
                    "{user} route {i}"
                );
            }
        }
    }
    // Without a session every API route answers 401 JSON, never the sign-in page.
    for r in [
        get(&f.router, "/api/v1/me", "").await,
        post_json(&f.router, "/api/v1/calc", "", API_CALC_INPUT).await,
        get(&f.router, "/api/v1/queue", "").await,
        get(&f.router, &household, "").await,
        get(&f.router, &decision, "").await,
    ] {
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.json()["error"], "inte inloggad");
    }
}

#[tokio::test]
async fn api_answers_in_the_documented_shapes() {
    let f = fixture().await;
    let kim = session(&f.router, "kim").await;

    let me = get(&f.router, "/api/v1/me", &kim).await.json();
    assert_eq!(me["username"], "kim");
    assert_eq!(me["display_name"], "Test kim");
    assert_eq!(me["role"], "caseworker");
    assert_eq!(
        me["permissions"],
        serde_json::json!([
            "read_case",
            "edit_case",
            "decide",
            "prepare_payments",
            "approve_payments",
            "edit_plan"
        ])
    );

    let queue = get(&f.router, "/api/v1/queue", &kim).await.json();
    let queue = queue.as_array().unwrap();
    assert_eq!(queue.len(), 1, "{queue:?}");
    assert_eq!(queue[0]["household"], f.household);
    assert_eq!(queue[0]["month"], "2026-03");
    assert_eq!(queue[0]["received_on"], "2026-03-01");
    assert_eq!(queue[0]["members"], serde_json::json!(["Alva Ek"]));
    assert!(queue[0]["application"].is_i64() && queue[0]["status"].is_string());

    let h = get(&f.router, &format!("/api/v1/households/{}", f.household), &kim)
        .await
        .json();
    assert_eq!(h["id"], f.household);
    assert_eq!(
        h["members"],
        serde_json::json!([{"name": "Alva Ek", "personnummer": "19800517-1239", "role": "adult",
            "protected_identity": false}])
    );
    let months: Vec<&str> = h["applications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["month"].as_str().unwrap())
        .collect();
    assert_eq!(months, ["2026-02", "2026-03"]);
    assert_eq!(h["applications"][0]["decision"], f.decision);
    assert_eq!(h["applications"][1]["decision"], serde_json::Value::Null);

    // The decision carries the frozen calculation: the engine's own output for the stored request.
    let d = get(&f.router, &format!("/api/v1/decisions/{}", f.decision), &kim)
        .await
        .json();
    assert_eq!(d["id"], f.decision);
    assert_eq!(d["items"][0]["outcome"], "bifall");
    assert_eq!(d["items"][0]["legal_basis"], "SoL 12:1");
    // 3,940 + 1,280 + 5,200 + 300 − 700 = 10,020 kr.
    assert_eq!(d["items"][0]["granted_ore"], 1_002_000);
    assert_eq!(d["total_granted_ore"], 1_002_000);
    let request: norm::contract::CalcRequest =
        serde_json::from_value(d["calculation"]["request"].clone()).unwrap();
    let expected = norm::calculate(&norm::RuleBook::standard(), &request).unwrap();
    assert_eq!(
        d["calculation"]["response"],
        serde_json::to_value(&expected).unwrap()
    );
    assert_eq!(d["calculation"]["rule_table"], expected.rule_table);
    assert_eq!(d["calculation"]["response"]["assistance"], 10_020);

    // Unknown records: 404 to someone who may read cases, 403 (no hint) to someone who may not.
    for path in ["/api/v1/households/999999", "/api/v1/decisions/999999"] {
        let r = get(&f.router, path, &kim).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(r.json()["error"].is_string());
    }
    let pol = session(&f.router, "pol").await;
    for path in ["/api/v1/households/999999", "/api/v1/decisions/999999"] {
        let r = get(&f.router, path, &pol).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    // Unknown API paths answer JSON too.
    let r = get(&f.router, "/api/v1/nothing-here", &kim).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.json()["error"].is_string());
}

#[tokio::test]
async fn a_board_member_never_gets_a_personnummer_or_a_name_from_the_api() {
    let f = fixture().await;
    let pol = session(&f.router, "pol").await;
    let paths = [
        "/api/v1/me".to_owned(),
        "/api/v1/queue".to_owned(),
        format!("/api/v1/households/{}", f.household),
        format!("/api/v1/decisions/{}", f.decision),
        "/api/v1/households/999999".to_owned(),
        "/api/v1/decisions/999999".to_owned(),
    ];
    for path in &paths {
        let r = get(&f.router, path, &pol).await;
        assert!(
            !r.body.contains("19800517") && !r.body.contains("Alva") && !r.body.contains(" Ek"),
            "{path}: {}",
            r.body
        );
    }
    let calc = post_json(&f.router, "/api/v1/calc", &pol, API_CALC_INPUT).await;
    assert_eq!(calc.status, StatusCode::OK);
    assert!(!calc.body.contains("19800517") && !calc.body.contains("Alva"));
}

#[tokio::test]
async fn api_calc_equals_the_engine_and_names_the_field_of_bad_input() {
    let f = fixture().await;
    let cookie = session(&f.router, "cid").await;
    let book = norm::RuleBook::standard();

    let r = post_json(&f.router, "/api/v1/calc", &cookie, API_CALC_INPUT).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let expected = norm::calculate(&book, &norm::parse_request(API_CALC_INPUT).unwrap()).unwrap();
    assert_eq!(r.json(), serde_json::to_value(&expected).unwrap());
    assert!(!expected.lines.is_empty() && expected.assistance > 0);

    // A type error in the JSON: reported as `norm::parse_request` reports it.
    let wrong_type = r#"{"month": "2026-03", "members": [{"id": "a", "role": "adult", "age": "old"}]}"#;
    let r = post_json(&f.router, "/api/v1/calc", &cookie, wrong_type).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let want = norm::parse_request(wrong_type).unwrap_err().to_string();
    assert!(want.starts_with("members[0].age "), "{want}");
    assert_eq!(r.json(), serde_json::json!({ "error": want }));

    // A value the engine refuses: the engine's own line.
    let too_old = r#"{"month": "2026-03", "members": [{"id": "a", "role": "adult", "age": 200}]}"#;
    let r = post_json(&f.router, "/api/v1/calc", &cookie, too_old).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let want = norm::calculate(&book, &norm::parse_request(too_old).unwrap())
        .unwrap_err()
        .to_string();
    assert!(want.starts_with("members[0].age"), "{want}");
    assert_eq!(r.json()["error"], want);

    // An unknown field and a body that is not JSON at all.
    let unknown = r#"{"month": "2026-03", "members": [], "pets": 2}"#;
    let r = post_json(&f.router, "/api/v1/calc", &cookie, unknown).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.json()["error"],
        norm::parse_request(unknown).unwrap_err().to_string()
    );
    let r = post_json(&f.router, "/api/v1/calc", &cookie, "not json").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["error"].as_str().unwrap().starts_with("input "));
}

#[tokio::test]
async fn the_openapi_document_lists_exactly_the_api_routes_of_the_router() {
    let f = fixture().await;
    // Open without signing in.
    let r = get(&f.router, "/api/openapi.json", "").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert!(doc["info"]["description"].as_str().unwrap().contains("CSRF"));
    assert!(doc["components"]["securitySchemes"]["session"].is_object());

    let mut documented = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                documented.insert((method.clone(), path.clone()));
            }
        }
    }
    let routed: std::collections::BTreeSet<(String, String)> = web::api::v1_routes()
        .into_iter()
        .map(|(m, p)| (m.to_owned(), p.to_owned()))
        .collect();
    assert_eq!(documented, routed);
    assert_eq!(routed.len(), 5);

    // Each documented operation is really served: with the path's id filled in, an unsigned call reaches the
    // handler's session check (401), where an unrouted path would be 404 and a wrong method 405.
    for (method, template) in &documented {
        let path = template.replace("{id}", "1");
        let req = Request::builder()
            .method(method.to_uppercase().as_str())
            .uri(&path)
            .body(Body::from("{}"))
            .unwrap();
        let r = send(&f.router, req).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        // Every operation documents its 401 and says it needs the session cookie.
        let op = &doc["paths"][template.as_str()][method.as_str()];
        assert!(op["responses"]["401"].is_object(), "{method} {path}");
        assert!(op["security"][0]["session"].is_array(), "{method} {path}");
    }
    // The schemas the operations refer to are all in the document.
    for schema in [
        "CalcRequestDto",
        "CalcResponseDto",
        "ErrorBody",
        "Me",
        "QueueEntry",
        "Household",
        "Decision",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
}

/// A household with a protected member, a caseworker with a grant and one without.
async fn protected_fixture() -> (Router, i64, SqlStore, domain::PersonId) {
    let store = SqlStore::connect("sqlite::memory:").await.unwrap();
    let at = "2026-03-02T08:00:00Z".parse().unwrap();
    let a = Actor::system("test", "setup", at);
    let north = store.create_unit(&a, "Nord").await.unwrap();
    let hidden = store
        .register_person(
            &a,
            NewPerson::parse(
                "19850312-2387",
                "Vera Dold",
                ProtectedIdentity::SkyddadFolkbokforing,
                date(2026, 3, 2),
            )
            .unwrap(),
        )
        .await
        .unwrap();
    let household = store
        .register_household(
            &a,
            north,
            &[(hidden, norm::contract::Role::Adult)],
            date(2026, 1, 1),
        )
        .await
        .unwrap();
    store
        .receive_application(
            &a,
            household,
            norm::Month::new(2026, 3).unwrap(),
            date(2026, 3, 1),
        )
        .await
        .unwrap();
    let hash = hash_password("hemligt").unwrap();
    for username in ["kim", "gun"] {
        let id = store
            .create_account(
                &a,
                NewAccount {
                    username: username.into(),
                    display_name: format!("Test {username}"),
                    role: Role::Caseworker,
                    staff: None,
                    person: None,
                    password_hash: hash.clone(),
                    units: vec![north],
                },
            )
            .await
            .unwrap();
        if username == "gun" {
            store.set_protected_grant(&a, id, hidden, true).await.unwrap();
        }
    }
    let config = Config {
        demo_mode: true,
        secure_cookies: false,
        ..Config::default()
    };
    let app = App {
        store: store.clone(),
        clock: Arc::new(FixedClock::new(at)),
        policy: config.policy(),
    };
    (
        router(Arc::new(AppState { config, app })),
        household.get(),
        store,
        hidden,
    )
}

#[tokio::test]
async fn the_api_masks_protected_names_as_the_pages_do() {
    let (router, household, store, hidden) = protected_fixture().await;
    let path = format!("/api/v1/households/{household}");

    let kim = session(&router, "kim").await;
    let queue = get(&router, "/api/v1/queue", &kim).await;
    assert_eq!(queue.status, StatusCode::OK);
    assert_eq!(
        queue.json()[0]["members"],
        serde_json::json!(["Skyddad identitet"])
    );
    assert!(!queue.body.contains("Vera") && !queue.body.contains("19850312"));
    let r = get(&router, &path, &kim).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.body.contains("Vera") && !r.body.contains("19850312"));

    let gun = session(&router, "gun").await;
    let queue = get(&router, "/api/v1/queue", &gun).await;
    assert_eq!(queue.json()[0]["members"], serde_json::json!(["Vera Dold"]));
    let h = get(&router, &path, &gun).await;
    assert_eq!(h.status, StatusCode::OK);
    assert_eq!(h.json()["members"][0]["protected_identity"], true);
    assert_eq!(h.json()["members"][0]["personnummer"], "19850312-2387");

    // The API read is audited like the page: a record for the protected person, naming the household read.
    let auditor = Actor::system("test", "review", "2026-03-03T08:00:00Z".parse().unwrap());
    let trail = store.audit_trail(&auditor, hidden).await.unwrap();
    let page = format!("hushall/{household}");
    assert!(trail.iter().any(|r| r.page == page), "{trail:?}");
}

// --- auditor and administrator pages (review_pages) -----------------------------------------------------------------

async fn rows(store: &SqlStore, table: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

/// Rows in every table an administrator's form writes to.
async fn admin_rows(store: &SqlStore) -> Vec<i64> {
    let mut out = Vec::new();
    for table in [
        "accounts",
        "account_units",
        "org_units",
        "protected_grants",
        "audit_log",
    ] {
        out.push(rows(store, table).await);
    }
    out
}

const REVIEW_PAGES: [&str; 4] = [
    "/granskning",
    "/granskning/person/1",
    "/granskning/person/1?format=csv",
    "/granskning/kedja",
];
const ADMIN_PAGES: [&str; 3] = ["/admin/anvandare", "/admin/anvandare/1", "/admin/enheter"];

#[tokio::test]
async fn the_auditor_searches_the_log_reads_an_extract_and_checks_the_chain() {
    let f = fixture().await;
    let rev = session(&f.router, "rev").await;
    // A caseworker reads the household, so the log has a read to find.
    let kim = session(&f.router, "kim").await;
    let household = format!("/hushall/{}", f.household);
    assert_eq!(get(&f.router, &household, &kim).await.status, StatusCode::OK);

    let all = get(&f.router, "/granskning", &rev).await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("household.read") && all.body.contains("auth.login"));
    assert!(all.body.contains("href=\"/granskning\""), "nav link");

    // By personnummer: the household read is there, and every row links to the person's extract.
    let by_pnr = get(
        &f.router,
        "/granskning?person=19800517-1239&action=household.",
        &rev,
    )
    .await;
    assert_eq!(by_pnr.status, StatusCode::OK);
    assert!(by_pnr.body.contains("household.read") && by_pnr.body.contains("household.register"));
    assert!(!by_pnr.body.contains("auth.login"));
    let marker = "href=\"/granskning/person/";
    let start = by_pnr.body.find(marker).unwrap() + marker.len();
    let person: i64 = by_pnr.body[start..].split('"').next().unwrap().parse().unwrap();

    // By user and period.
    let by_user = get(
        &f.router,
        "/granskning?actor=system%3Atest&from=2026-03-02&to=2026-03-02",
        &rev,
    )
    .await;
    assert!(by_user.body.contains("person.register") && !by_user.body.contains("auth.login"));
    let before = get(&f.router, "/granskning?to=2026-03-01", &rev).await;
    assert!(before.body.contains("Inga poster matchar"));

    // Bad input: the message is next to the field and nothing is searched.
    let bad = get(&f.router, "/granskning?person=abc&from=2026-13-01", &rev).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("id=\"person-error\"") && bad.body.contains("id=\"from-error\""));
    assert!(bad.body.contains("aria-invalid=\"true\"") && bad.body.contains("href=\"#person\""));

    let extract = get(&f.router, &format!("/granskning/person/{person}"), &rev).await;
    assert_eq!(extract.status, StatusCode::OK);
    assert!(extract.body.contains("household.register") && extract.body.contains("household.read"));
    // The searches were about the person, so they are in the extract too.
    assert!(extract.body.contains("audit.search"));
    let csv = get(
        &f.router,
        &format!("/granskning/person/{person}?format=csv"),
        &rev,
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        csv.body
            .starts_with("seq,at,actor,action,subject_person,page,detail\r\n")
    );
    assert!(csv.body.contains("\"household.read\""));
    assert_eq!(
        get(&f.router, "/granskning/person/999999", &rev).await.status,
        StatusCode::NOT_FOUND
    );

    let chain = get(&f.router, "/granskning/kedja", &rev).await;
    assert_eq!(chain.status, StatusCode::OK);
    assert!(chain.body.contains("Kedjan är obruten"), "{}", chain.body);
    let records = rows(&f.store, "audit_log").await;
    assert!(chain.body.contains(&format!("Antal poster: {records}")));
    // Every search and extract is itself in the log.
    let logged = sqlx::query("SELECT action FROM audit_log WHERE action LIKE 'audit.%'")
        .fetch_all(f.store.pool())
        .await
        .unwrap()
        .len();
    // Four searches and two extracts (page and CSV); the bad search and the unknown person wrote nothing.
    assert_eq!(logged, 6);
}

#[tokio::test]
async fn only_auditors_use_the_review_pages_and_only_administrators_the_admin_pages() {
    let f = fixture().await;
    for user in ["kim", "lo", "pol", "ann", "jo", "mia", "cid", "rev", "adm"] {
        let cookie = session(&f.router, user).await;
        let home = get(&f.router, "/hem", &cookie).await;
        let csrf = home.hidden("csrf_token");
        for path in REVIEW_PAGES {
            let r = get(&f.router, path, &cookie).await;
            let want = if user == "rev" {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(r.status, want, "{user} {path}");
            assert_eq!(
                home.body.contains("href=\"/granskning\""),
                user == "rev",
                "{user}"
            );
            if user != "rev" {
                assert!(
                    !r.body.contains("19800517") && !r.body.contains("Alva"),
                    "{user} {path}"
                );
            }
        }
        for path in ADMIN_PAGES {
            let r = get(&f.router, path, &cookie).await;
            let want = if user == "adm" {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(r.status, want, "{user} {path}");
            assert_eq!(
                home.body.contains("href=\"/admin/anvandare\""),
                user == "adm",
                "{user}"
            );
            assert!(!r.body.contains("19800517"), "{user} {path}");
        }
        if user != "adm" {
            // A valid form from someone who may not manage users stores nothing.
            let before = admin_rows(&f.store).await;
            let posts = [
                (
                    "/admin/anvandare",
                    format!(
                        "csrf_token={csrf}&username=x{user}&display_name=X&role=caseworker&password=langtlosenord"
                    ),
                ),
                (
                    "/admin/anvandare/1",
                    format!("csrf_token={csrf}&action=deactivate"),
                ),
                ("/admin/enheter", format!("csrf_token={csrf}&name=Ny")),
            ];
            for (path, form) in posts {
                assert_eq!(
                    post(&f.router, path, &cookie, &form).await.status,
                    StatusCode::FORBIDDEN,
                    "{user} {path}"
                );
            }
            let after = admin_rows(&f.store).await;
            // Refusals are audited (three `access.denied` records), nothing else changes.
            assert_eq!(before[..4], after[..4], "{user}");
            assert_eq!(after[4], before[4] + 3, "{user}");
        }
    }
}

#[tokio::test]
async fn an_administrator_creates_a_user_who_can_then_sign_in() {
    let f = fixture().await;
    let adm = session(&f.router, "adm").await;
    let page = get(&f.router, "/admin/anvandare", &adm).await;
    assert!(page.body.contains("Test kim") && page.body.contains("name=\"units\""));
    // The applicant's account is listed, but not the person's name.
    assert!(page.body.contains(">ann<") && !page.body.contains("Test ann"));
    let csrf = page.hidden("csrf_token");
    let created = post(
        &f.router,
        "/admin/anvandare",
        &adm,
        &format!(
            "csrf_token={csrf}&username=Nyhandl&display_name=Ny+Handl%C3%A4ggare&role=caseworker&units=1&password=ett-langt-losenord"
        ),
    )
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let location = created.headers[header::LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with("/admin/anvandare/"));
    let shown = get(&f.router, &location, &adm).await;
    assert!(shown.body.contains("nyhandl") && shown.body.contains("Ny Handläggare"));
    assert!(shown.body.contains("Ändringen är sparad"));

    // The new caseworker signs in and sees the queue of unit 1.
    let new = session_with(&f.router, "nyhandl", "ett-langt-losenord").await;
    let queue = get(&f.router, "/arenden", &new).await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("Alva"));

    // Units moved to the other unit: the household is no longer theirs.
    let id = location
        .trim_start_matches("/admin/anvandare/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let path = format!("/admin/anvandare/{id}");
    let r = post(
        &f.router,
        &path,
        &adm,
        &format!("csrf_token={csrf}&action=units&units=2"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let new = session_with(&f.router, "nyhandl", "ett-langt-losenord").await;
    assert!(!get(&f.router, "/arenden", &new).await.body.contains("Alva"));

    // A grant, shown by person id only, and revoked again.
    let r = post(
        &f.router,
        &path,
        &adm,
        &format!("csrf_token={csrf}&action=grant&person=1"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(rows(&f.store, "protected_grants").await, 1);
    let shown = get(&f.router, &path, &adm).await;
    assert!(shown.body.contains("Ta bort 1") && !shown.body.contains("Alva"));
    post(
        &f.router,
        &path,
        &adm,
        &format!("csrf_token={csrf}&action=revoke&person=1"),
    )
    .await;
    assert_eq!(rows(&f.store, "protected_grants").await, 0);

    // Deactivated: the session ends and sign-in is refused.
    let r = post(
        &f.router,
        &path,
        &adm,
        &format!("csrf_token={csrf}&action=deactivate"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        get(&f.router, "/arenden", &new).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        sign_in(&f.router, "nyhandl", "ett-langt-losenord").await.status,
        StatusCode::UNAUTHORIZED
    );

    // A new unit.
    let r = post(
        &f.router,
        "/admin/enheter",
        &adm,
        &format!("csrf_token={csrf}&name=V%C3%A4st"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(get(&f.router, "/admin/enheter", &adm).await.body.contains("Väst"));
}

async fn session_with(router: &Router, username: &str, password: &str) -> String {
    let reply = sign_in(router, username, password).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    format!("stegvis_session={}", reply.cookies()["stegvis_session"])
}

/// (field, message shown next to it)
type Expected = &'static [(&'static str, &'static str)];

#[tokio::test]
async fn bad_input_on_each_admin_form_is_shown_next_to_the_field_and_stores_nothing() {
    let f = fixture().await;
    let adm = session(&f.router, "adm").await;
    let csrf = get(&f.router, "/admin/anvandare", &adm)
        .await
        .hidden("csrf_token");
    let cases: [(&str, String, Expected); 9] = [
        (
            "/admin/anvandare",
            format!("csrf_token={csrf}"),
            &[
                ("username", "Fältet måste fyllas i"),
                ("display_name", "Fältet måste fyllas i"),
                ("role", "Fältet måste fyllas i"),
                ("password", "Fältet måste fyllas i"),
            ],
        ),
        (
            "/admin/anvandare",
            format!("csrf_token={csrf}&username=kim&display_name=K&role=caseworker&password=kort"),
            &[
                ("username", "Användarnamnet är upptaget"),
                ("password", "Lösenordet måste ha minst 10 tecken"),
            ],
        ),
        (
            "/admin/anvandare",
            format!(
                "csrf_token={csrf}&username=har+mellanslag&display_name=K&role=chef&units=999&password=langtlosenord"
            ),
            &[
                ("username", "Uppgiften har fel form"),
                ("role", "Uppgiften har fel form"),
                ("units", "Finns inte"),
            ],
        ),
        (
            "/admin/anvandare",
            format!("csrf_token={csrf}&username=ny&display_name=K&role=applicant&password=langtlosenord"),
            &[("role", "Uppgiften har fel form")],
        ),
        (
            "/admin/anvandare/1",
            format!("csrf_token={csrf}&action=units&units=999"),
            &[("units", "Finns inte")],
        ),
        (
            "/admin/anvandare/1",
            format!("csrf_token={csrf}&action=grant&person="),
            &[("person", "Fältet måste fyllas i")],
        ),
        (
            "/admin/anvandare/1",
            format!("csrf_token={csrf}&action=grant&person=abc"),
            &[("person", "Uppgiften har fel form")],
        ),
        (
            "/admin/anvandare/1",
            format!("csrf_token={csrf}&action=grant&person=99999"),
            &[("person", "Finns inte")],
        ),
        (
            "/admin/enheter",
            format!("csrf_token={csrf}&name=+++"),
            &[("name", "Fältet måste fyllas i")],
        ),
    ];
    for (path, form, expected) in cases {
        let before = admin_rows(&f.store).await;
        let r = post(&f.router, path, &adm, &form).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path} {form}");
        assert!(r.body.contains("error-summary"), "{path} {form}");
        for (field, message) in expected {
            let next_to_field = format!("id=\"{field}-error\">");
            let at = r
                .body
                .find(&next_to_field)
                .unwrap_or_else(|| panic!("{field}: {}", r.body));
            assert!(
                r.body[at..].starts_with(&format!("{next_to_field}{message}<")),
                "{field}: {message}"
            );
            assert!(r.body.contains(&format!("href=\"#{field}\"")), "{field}");
            assert!(
                r.body.contains(&format!("aria-describedby=\"{field}-error\"")),
                "{field}"
            );
        }
        assert_eq!(admin_rows(&f.store).await, before, "{path} {form}");
    }
    // A form without the session's CSRF token changes nothing either.
    let before = admin_rows(&f.store).await;
    let r = post(&f.router, "/admin/enheter", &adm, "csrf_token=wrong&name=Ny").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(admin_rows(&f.store).await, before);
}

#[tokio::test]
async fn the_chain_page_names_the_first_broken_link() {
    let f = fixture().await;
    let rev = session(&f.router, "rev").await;
    // Someone with database access rewrites record 3 (the trigger that forbids it has to go first).
    sqlx::query("DROP TRIGGER audit_log_no_update")
        .execute(f.store.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET action = 'nothing.happened' WHERE seq = 3")
        .execute(f.store.pool())
        .await
        .unwrap();
    let chain = get(&f.router, "/granskning/kedja", &rev).await;
    assert_eq!(chain.status, StatusCode::OK);
    assert!(chain.body.contains("Kedjan är bruten"), "{}", chain.body);
    assert!(chain.body.contains("Första brutna post: 3."), "{}", chain.body);
    assert!(!chain.body.contains("Kedjan är obruten"));
}

#[tokio::test]
async fn an_applicant_appeals_a_decision_served_in_the_e_service() {
    let f = fixture().await;
    let path = format!("/beslut/{}", f.decision);
    let ann = session(&f.router, "ann").await;
    let page = get(&f.router, &path, &ann).await;
    // Opening it in the e-service serves it: the three weeks run from today (the fixture's clock, 2026-03-02).
    assert!(page.body.contains("Delgivet 2026-03-02") && page.body.contains("Överklaga beslutet"));
    let csrf = page.hidden("csrf_token");
    let before = rows(&f.store, "appeals").await;
    let r = post(
        &f.router,
        &format!("{path}/overklaga"),
        &ann,
        &format!("csrf_token={csrf}&grounds=++"),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("skriv varför du överklagar") && r.body.contains("aria-invalid"));
    assert_eq!(rows(&f.store, "appeals").await, before);
    let r = post(
        &f.router,
        &format!("{path}/overklaga"),
        &ann,
        "csrf_token=fel&grounds=Hyran",
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let ok = format!("csrf_token={csrf}&grounds=Hyran+ska+godtas+i+sin+helhet");
    let r = post(&f.router, &format!("{path}/overklaga"), &ann, &ok).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(rows(&f.store, "appeals").await, before + 1);
    let page = get(&f.router, &path, &ann).await;
    assert!(
        page.body.contains("Överklaganden") && page.body.contains("Inkommet i tid"),
        "{}",
        page.body
    );

    // The caseworker sees the appeal on the decision but cannot appeal on the applicant's behalf here.
    let kim = session(&f.router, "kim").await;
    let page = get(&f.router, &path, &kim).await;
    assert!(page.body.contains("Inkommet i tid") && !page.body.contains("Skicka överklagandet"));
    let kim_csrf = page.hidden("csrf_token");
    let r = post(
        &f.router,
        &format!("{path}/overklaga"),
        &kim,
        &format!("csrf_token={kim_csrf}&grounds=x"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(rows(&f.store, "appeals").await, before + 1);
}
