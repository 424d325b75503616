//! Every page route for every role, as the permission table says.

use crate::support::*;

/// Every page route (GET) for every role, as the permission table in `app::access` says: personal pages need
/// `read_case` and the household's unit (auditors read across units) or, for an applicant, membership; payment runs
/// need `prepare_payments` or `approve_payments`; the e-service needs `apply_own`; review pages `read_access_log`;
/// administration `manage_users`; an attachment is read as its household is (an applicant: their own). Refusals
/// never show a personnummer or a name.
#[tokio::test]
async fn every_route_for_every_role_is_allowed_or_refused_as_the_permission_table_says() {
    let f = fixture().await;
    let document = applicants_document(&f).await;
    let routes = [
        "/hem".to_owned(),
        "/arenden".to_owned(),
        format!("/hushall/{}", f.household),
        format!("/ansokan/{}", f.application),
        format!("/beslut/{}", f.decision),
        format!("/beslut/{}/brev.pdf", f.decision),
        "/utbetalningar".to_owned(),
        "/mina-sidor".to_owned(),
        "/ansok".to_owned(),
        "/granskning".to_owned(),
        "/granskning/kedja".to_owned(),
        "/admin/anvandare".to_owned(),
        "/admin/enheter".to_owned(),
        format!("/dokument/{document}"),
    ];
    let y = StatusCode::OK;
    let n = StatusCode::FORBIDDEN;
    #[rustfmt::skip]
    let table: [(&str, [StatusCode; 14]); 9] = [
        //       hem arenden hushall ansokan beslut brev utbet mina ansok grans kedja anvand enheter dokument
        ("kim", [y,  y,      y,      y,      y,     y,   y,    n,   n,    n,    n,    n,     n,      y]), // caseworker, own unit
        ("lo",  [y,  y,      n,      n,      n,     n,   y,    n,   n,    n,    n,    n,     n,      n]), // caseworker, other unit
        ("jo",  [y,  y,      y,      y,      y,     y,   n,    n,   n,    n,    n,    n,     n,      y]), // job coach, own unit
        ("mia", [y,  y,      y,      y,      y,     y,   y,    n,   n,    n,    n,    n,     n,      y]), // unit manager, own unit
        ("rev", [y,  y,      y,      y,      y,     y,   n,    n,   n,    y,    y,    n,     n,      y]), // auditor
        ("ann", [y,  n,      n,      n,      y,     y,   n,    y,   y,    n,    n,    n,     n,      y]), // applicant, member (case file is staff-only)
        ("pol", [y,  n,      n,      n,      n,     n,   n,    n,   n,    n,    n,    n,     n,      n]), // board member
        ("cid", [y,  n,      n,      n,      n,     n,   n,    n,   n,    n,    n,    n,     n,      n]), // controller
        ("adm", [y,  n,      n,      n,      n,     n,   n,    n,   n,    n,    n,    y,     y,      n]), // administrator
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

/// An attachment the applicant "ann" sent with an April application (stored directly: the form has tests of its own).
async fn applicants_document(f: &Fixture) -> i64 {
    let a = Actor::system("test", "setup", "2026-03-02T08:00:00Z".parse().unwrap());
    let row = sqlx::query("SELECT person_id FROM accounts WHERE username = 'ann'")
        .fetch_one(f.store.pool())
        .await
        .unwrap();
    let person = domain::PersonId(sqlx::Row::try_get(&row, 0).unwrap());
    let request: norm::contract::CalcRequest = serde_json::from_str(
        r#"{"month": "2026-04", "members": [{"id": "a", "role": "adult", "age": 45}], "costs": {"rent": 5200}}"#,
    )
    .unwrap();
    let document = store::NewDocument {
        person,
        kind: domain::document::DocumentKind::Underlag,
        file_name: "hyresavi.pdf".into(),
        mime: "application/pdf".into(),
        content: b"%PDF-1.7\n".to_vec(),
    };
    let (_, ids) = f
        .store
        .apply_with_documents(
            &a,
            domain::HouseholdId(f.household),
            date(2026, 3, 2),
            &request,
            &[document],
        )
        .await
        .unwrap();
    ids[0].get()
}

/// The sign-in routes of the municipality's OpenID provider are public: for every role, and for nobody signed in,
/// `GET /login/oidc` sends the browser to the provider and a callback without this browser's state is refused. Linking
/// an external subject to an account (`POST /admin/anvandare/{id}`, `action=link`) needs `manage_users`.
#[tokio::test]
async fn the_external_sign_in_routes_for_every_role() {
    let provider = crate::oidc::FakeProvider::start().await;
    let f = crate::oidc::oidc_fixture(&provider).await;
    let kim = f.store.account_by_username("kim").await.unwrap().unwrap().id;
    let target = format!("/admin/anvandare/{}", kim.0);
    let y = StatusCode::SEE_OTHER;
    let n = StatusCode::FORBIDDEN;
    #[rustfmt::skip]
    let table: [(&str, StatusCode); 10] = [
        ("", n), ("kim", n), ("lo", n), ("jo", n), ("mia", n), ("rev", n), ("ann", n), ("pol", n), ("cid", n),
        ("adm", y),
    ];
    for (i, (user, link)) in table.into_iter().enumerate() {
        let cookie = if user.is_empty() {
            String::new()
        } else {
            session(&f.router, user).await
        };
        let start = get(&f.router, "/login/oidc", &cookie).await;
        assert_eq!(start.status, StatusCode::SEE_OTHER, "{user}");
        let location = start.headers[header::LOCATION].to_str().unwrap();
        assert!(
            location.starts_with(&format!("{}/authorize?", provider.issuer)),
            "{user}"
        );
        let callback = get(&f.router, "/login/oidc/callback?code=c&state=s", &cookie).await;
        assert_eq!(callback.status, StatusCode::BAD_REQUEST, "{user}");
        if user.is_empty() {
            continue;
        }
        let csrf = get(&f.router, "/hem", &cookie).await.hidden("csrf_token");
        let r = post(
            &f.router,
            &target,
            &cookie,
            &format!("csrf_token={csrf}&action=link&subject=anst-{i}"),
        )
        .await;
        assert_eq!(r.status, link, "{user}");
    }
    assert_eq!(rows(&f.store, "external_identities").await, 1);
}
