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
use store::{AccountStore, MonthDecision, NewAccount, NewPerson, SqlStore, Store};
use tower::ServiceExt;
use web::router::AppState;
use web::{Config, router};

struct Fixture {
    router: Router,
    /// The same store the router uses, for counting rows.
    store: SqlStore,
    household: i64,
    decision: i64,
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
    store
        .receive_application(
            &a,
            household,
            norm::Month::new(2026, 3).unwrap(),
            date(2026, 3, 1),
        )
        .await
        .unwrap();
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
        ..Config::default()
    };
    let app = App {
        store: store.clone(),
        clock: Arc::new(FixedClock::new(at)),
        policy: config.policy(),
    };
    Fixture {
        router: router(Arc::new(AppState { config, app })),
        store,
        household: household.get(),
        decision: decided[0].get(),
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

/// Every page route for every role, as the permission table says: personal pages need `read_case` (and, for a
/// household, the household's unit; auditors read across units), everything else is open to any signed-in user.
#[tokio::test]
async fn every_route_for_every_role_is_allowed_or_refused_as_the_permission_table_says() {
    let f = fixture().await;
    let household = format!("/hushall/{}", f.household);
    let ok = StatusCode::OK;
    let no = StatusCode::FORBIDDEN;
    let table: [(&str, [StatusCode; 3]); 9] = [
        //        /hem  /arenden  /hushall/{id}
        ("kim", [ok, ok, ok]), // caseworker, own unit
        ("lo", [ok, ok, no]),  // caseworker, other unit
        ("jo", [ok, ok, ok]),  // job coach, own unit
        ("mia", [ok, ok, ok]), // unit manager, own unit
        ("rev", [ok, ok, ok]), // auditor: reads across units
        ("ann", [ok, no, ok]), // applicant: a member of this household
        ("pol", [ok, no, no]), // board member
        ("cid", [ok, no, no]), // controller
        ("adm", [ok, no, no]), // administrator
    ];
    for (user, expected) in table {
        let cookie = session(&f.router, user).await;
        for (path, want) in ["/hem", "/arenden", household.as_str()].into_iter().zip(expected) {
            let r = get(&f.router, path, &cookie).await;
            assert_eq!(r.status, want, "{user} {path}");
            if want == no {
                assert!(!r.body.contains("19800517"), "{user} {path}");
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
