//! Every page route for every role, as the permission table says.

use crate::support::*;

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
        format!("/beslut/{}/brev.pdf", f.decision),
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
    let table: [(&str, [StatusCode; 13]); 9] = [
        //       hem arenden hushall ansokan beslut brev utbet mina ansok grans kedja anvand enheter
        ("kim", [y,  y,      y,      y,      y,     y,   y,    n,   n,    n,    n,    n,     n]), // caseworker, own unit
        ("lo",  [y,  y,      n,      n,      n,     n,   y,    n,   n,    n,    n,    n,     n]), // caseworker, other unit
        ("jo",  [y,  y,      y,      y,      y,     y,   n,    n,   n,    n,    n,    n,     n]), // job coach, own unit
        ("mia", [y,  y,      y,      y,      y,     y,   y,    n,   n,    n,    n,    n,     n]), // unit manager, own unit
        ("rev", [y,  y,      y,      y,      y,     y,   n,    n,   n,    y,    y,    n,     n]), // auditor
        ("ann", [y,  n,      n,      n,      y,     y,   n,    y,   y,    n,    n,    n,     n]), // applicant, member (case file is staff-only)
        ("pol", [y,  n,      n,      n,      n,     n,   n,    n,   n,    n,    n,    n,     n]), // board member
        ("cid", [y,  n,      n,      n,      n,     n,   n,    n,   n,    n,    n,    n,     n]), // controller
        ("adm", [y,  n,      n,      n,      n,     n,   n,    n,   n,    n,    n,    y,     y]), // administrator
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
