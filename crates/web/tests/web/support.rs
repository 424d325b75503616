//! Shared fixture and request helpers of the web tests.

pub(crate) use std::collections::BTreeMap;
pub(crate) use std::sync::Arc;

pub(crate) use app::auth::hash_password;
pub(crate) use app::{App, FixedClock};
pub(crate) use axum::Router;
pub(crate) use axum::body::{Body, to_bytes};
pub(crate) use axum::http::{HeaderMap, Request, StatusCode, header};
pub(crate) use domain::decision::{DecisionItem, FrozenCalculation, NewDecision, Outcome};
pub(crate) use domain::role::Role;
pub(crate) use domain::{Actor, ProtectedIdentity};
pub(crate) use jiff::civil::date;
pub(crate) use store::{AccountStore, Intake, MonthDecision, NewAccount, NewPerson, SqlStore, Store};
pub(crate) use tower::ServiceExt;
pub(crate) use web::router::AppState;
pub(crate) use web::{Config, router};

pub(crate) struct Fixture {
    pub(crate) router: Router,
    pub(crate) store: SqlStore,
    pub(crate) household: i64,
    /// Alva Ek, the household's one member (the applicant "ann").
    pub(crate) person: i64,
    pub(crate) decision: i64,
    /// March: received, with the applicant's declaration attached.
    pub(crate) application: i64,
    /// The application's clock (2026-03-02T08:00:00Z until a test moves it).
    pub(crate) clock: Arc<FixedClock>,
}

pub(crate) async fn fixture() -> Fixture {
    fixture_with(|_| {}).await
}

/// The fixture with a changed configuration (e.g. an `[oidc]` section).
pub(crate) async fn fixture_with(configure: impl FnOnce(&mut Config)) -> Fixture {
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
    // Members carry the engine id the application writes for a person (`P` and the person's id).
    let declared: norm::contract::CalcRequest = serde_json::from_str(&format!(
        r#"{{"month": "2026-03", "members": [{{"id": "P{person}", "role": "adult", "age": 45}}],
            "costs": {{"rent": 5200, "electricity": 300}}, "incomes": [{{"kind": "housing_allowance", "amount": 700}}]}}"#
    ))
    .unwrap();
    store.attach_request(&a, march.id, &declared).await.unwrap();
    // February: calculated by the engine and decided.
    let request: norm::contract::CalcRequest = serde_json::from_str(&format!(
        r#"{{"month": "2026-02", "members": [{{"id": "P{person}", "role": "adult", "age": 45}}],
            "costs": {{"rent": 5200, "electricity": 300}}, "incomes": [{{"kind": "housing_allowance", "amount": 700}}]}}"#
    ))
    .unwrap();
    let response = norm::calculate(&norm::RuleBook::standard(), &request).unwrap();
    let granted = norm::Money::from_kronor(response.assistance).unwrap();
    let decision = NewDecision {
        deductions: Default::default(),
        items: vec![DecisionItem {
            purpose: Default::default(),
            what: "Försörjningsstöd 2026-02".into(),
            outcome: Outcome::Bifall,
            applied: granted,
            granted,
            reasons: "Beräknat enligt riksnormen".into(),
            legal_basis: "SoL 12:1".into(),
        }],
        calculation: Some(FrozenCalculation {
            changes: Default::default(),
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
    let mut config = Config {
        demo_mode: true,
        secure_cookies: false,
        // Low enough that the fixture's one payment needs a second person.
        approval_threshold_kr: 5_000,
        ..Config::default()
    };
    configure(&mut config);
    let clock = Arc::new(FixedClock::new(at));
    let app = App::new(store.clone(), clock.clone(), config.policy());
    Fixture {
        clock,
        store,
        router: router(Arc::new(AppState::new(config, app).unwrap())),
        household: household.get(),
        person: person.get(),
        decision: decided[0].get(),
        application: march.id.get(),
    }
}

pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
    /// The body as sent (a PDF is not text; `body` is its lossy reading).
    pub(crate) bytes: Vec<u8>,
}

impl Reply {
    pub(crate) fn cookies(&self) -> BTreeMap<String, String> {
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
    pub(crate) fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&marker).expect(name) + marker.len();
        self.body[start..].split('"').next().unwrap().to_owned()
    }
}

pub(crate) async fn send(router: &Router, req: Request<Body>) -> Reply {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = to_bytes(res.into_body(), 1 << 22).await.unwrap().to_vec();
    let body = String::from_utf8_lossy(&bytes).into_owned();
    Reply {
        status,
        headers,
        body,
        bytes,
    }
}

pub(crate) async fn get(router: &Router, path: &str, cookie: &str) -> Reply {
    send(
        router,
        Request::get(path)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

pub(crate) async fn post(router: &Router, path: &str, cookie: &str, form: &str) -> Reply {
    let req = Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))
        .unwrap();
    send(router, req).await
}

/// Signs in and returns the session cookie header value.
pub(crate) async fn sign_in(router: &Router, username: &str, password: &str) -> Reply {
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

pub(crate) async fn session(router: &Router, username: &str) -> String {
    let reply = sign_in(router, username, "hemligt").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    format!("stegvis_session={}", reply.cookies()["stegvis_session"])
}

pub(crate) async fn decisions(store: &SqlStore) -> i64 {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM decisions")
        .fetch_one(store.pool())
        .await
        .unwrap();
    sqlx::Row::try_get(&row, "n").unwrap()
}

pub(crate) async fn applications(store: &SqlStore) -> i64 {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM applications")
        .fetch_one(store.pool())
        .await
        .unwrap();
    sqlx::Row::try_get(&row, "n").unwrap()
}

// --- The JSON API (`/api/v1`) and its OpenAPI document. ---

pub(crate) async fn post_json(router: &Router, path: &str, cookie: &str, body: &str) -> Reply {
    let req = Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap();
    send(router, req).await
}

impl Reply {
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .map_err(|e| format!("not JSON ({e}): {}", self.body))
            .unwrap()
    }
}

/// A household with a protected member, a caseworker with a grant and one without.
pub(crate) async fn protected_fixture() -> (Router, i64, SqlStore, domain::PersonId) {
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
    let app = App::new(store.clone(), Arc::new(FixedClock::new(at)), config.policy());
    (
        router(Arc::new(AppState::new(config, app).unwrap())),
        household.get(),
        store,
        hidden,
    )
}

// --- auditor and administrator pages (review_pages) -----------------------------------------------------------------

pub(crate) async fn rows(store: &SqlStore, table: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

/// Rows in every table an administrator's form writes to.
pub(crate) async fn admin_rows(store: &SqlStore) -> Vec<i64> {
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

pub(crate) const REVIEW_PAGES: [&str; 4] = [
    "/granskning",
    "/granskning/person/1",
    "/granskning/person/1?format=csv",
    "/granskning/kedja",
];
pub(crate) const ADMIN_PAGES: [&str; 3] = ["/admin/anvandare", "/admin/anvandare/1", "/admin/enheter"];

pub(crate) async fn session_with(router: &Router, username: &str, password: &str) -> String {
    let reply = sign_in(router, username, password).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    format!("stegvis_session={}", reply.cookies()["stegvis_session"])
}

/// (field, message shown next to it)
pub(crate) type Expected = &'static [(&'static str, &'static str)];

// --- multipart forms: the online application with its attachments -----------------------------------------------

/// One part of a `multipart/form-data` body: a text field, or a file with its name, type and content.
pub(crate) enum Part<'a> {
    Text(&'a str, &'a str),
    File {
        field: &'a str,
        name: &'a str,
        mime: &'a str,
        content: &'a [u8],
    },
}

const BOUNDARY: &str = "----stegvis-test-7d1f0c";

pub(crate) fn multipart_boundary() -> &'static str {
    BOUNDARY
}

pub(crate) fn multipart_body(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
                );
            }
            Part::File {
                field,
                name,
                mime,
                content,
            } => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n\
                         Content-Type: {mime}\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(content);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

pub(crate) async fn post_multipart(router: &Router, path: &str, cookie: &str, parts: &[Part<'_>]) -> Reply {
    let req = Request::post(path)
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(multipart_body(parts)))
        .unwrap();
    send(router, req).await
}

/// Posts `a=1&b=2` (`+` for a space) as the browser posts the application form: multipart, no files chosen.
pub(crate) async fn post_form_multipart(router: &Router, path: &str, cookie: &str, form: &str) -> Reply {
    let pairs: Vec<(String, String)> = form
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.replace('+', " ")))
        .collect();
    let mut parts: Vec<Part> = pairs.iter().map(|(k, v)| Part::Text(k, v)).collect();
    // An empty file input is still sent: a part with no file name and no content.
    parts.push(Part::File {
        field: "file_1",
        name: "",
        mime: "application/octet-stream",
        content: b"",
    });
    post_multipart(router, path, cookie, &parts).await
}

/// A response whose body is bytes (a downloaded file).
pub(crate) async fn get_bytes(router: &Router, path: &str, cookie: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let req = Request::get(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = to_bytes(res.into_body(), 64 << 20).await.unwrap().to_vec();
    (status, headers, body)
}
