//! The JSON API: permissions, shapes, masking and the OpenAPI document.

use crate::support::*;

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
        ("ann", [ok, ok, no, no, ok]), // applicant: own decision; the case file is staff-only
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
