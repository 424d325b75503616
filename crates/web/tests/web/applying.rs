//! The applicant's online application.

use crate::support::*;

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
        (
            "month=2026-04&rent=femtusen",
            "Hyra: skriv beloppet med siffror i hela kronor",
        ),
        ("month=2026-04&rent=-5", "Hyra: beloppet kan inte vara negativt"),
        ("month=2026-03&rent=5000", "Det finns redan en ansökan"),
        (
            "month=2027-09&rent=5000",
            "Du kan ansöka för innevarande eller nästa månad",
        ),
        ("month=&rent=5000", "Välj en månad"),
    ] {
        let r = post_form_multipart(&f.router, "/ansok", &ann, &format!("csrf_token={csrf}&{form}")).await;
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
    let r = post_form_multipart(&f.router, "/ansok", &ann, &ok).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(applications(&f.store).await, before + 1);
    let mine = get(&f.router, "/mina-sidor", &ann).await;
    assert!(mine.body.contains("2026-04") && mine.body.contains("Inkommen"));

    // The caseworker finds it in the queue and sees the engine's calculation of what was declared.
    let kim = session(&f.router, "kim").await;
    let queue = get(&f.router, "/arenden?vy=alla", &kim).await;
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

#[tokio::test]
async fn bad_amounts_get_a_message_next_to_the_field_and_store_nothing() {
    let f = fixture().await;
    let ann = session(&f.router, "ann").await;
    let page = get(&f.router, "/ansok", &ann).await;
    // The member is listed by name, with their own income fields named by place in the list, never by an id.
    assert!(
        page.body.contains("Alva Ek (du, Vuxen)") && page.body.contains("name=\"m1_salary\""),
        "{}",
        page.body
    );
    assert!(!page.body.contains("\"P1\"") && !page.body.contains("person_id"));
    let csrf = page.hidden("csrf_token");
    let before = (applications(&f.store).await, rows(&f.store, "audit_log").await);
    let long = "1".repeat(25);
    for (field, value, message) in [
        (
            "m1_salary",
            "-100",
            "Lön efter skatt (Alva Ek): beloppet kan inte vara negativt",
        ),
        (
            "m1_salary",
            "tretusen",
            "Lön efter skatt (Alva Ek): skriv beloppet med siffror",
        ),
        (
            "m1_salary",
            "12,5",
            "Lön efter skatt (Alva Ek): skriv beloppet i hela kronor, utan ören",
        ),
        (
            "assets",
            "1234567890",
            "Tillgångar som kan användas: beloppet kan vara högst 999 999 999 kr",
        ),
        (
            "rent",
            long.as_str(),
            "Hyra: beloppet kan vara högst 999 999 999 kr",
        ),
        (
            "m1_unemployment_benefit",
            "1e5",
            "Arbetslöshetsersättning (Alva Ek): skriv beloppet med siffror",
        ),
    ] {
        let r = post_form_multipart(
            &f.router,
            "/ansok",
            &ann,
            &format!("csrf_token={csrf}&month=2026-04&rent=5000&{field}={value}"),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{field}={value}");
        // The message sits next to the field (its own span, the input pointing at it) and in the summary.
        assert!(
            r.body.contains(&format!(
                "<span class=\"field-error\" id=\"{field}-error\">{message}"
            )) && r.body.contains(&format!("aria-describedby=\"{field}-error\""))
                && r.body.contains(&format!("<a href=\"#{field}\">{message}")),
            "{field}={value}: {}",
            r.body
        );
        assert_eq!(
            (applications(&f.store).await, rows(&f.store, "audit_log").await),
            before,
            "{field}={value}"
        );
    }
}

#[tokio::test]
async fn each_members_income_reaches_the_declaration() {
    let f = fixture().await;
    let ann = session(&f.router, "ann").await;
    let csrf = get(&f.router, "/ansok", &ann).await.hidden("csrf_token");
    let r = post_form_multipart(
        &f.router,
        "/ansok",
        &ann,
        &format!(
            "csrf_token={csrf}&month=2026-04&rent=5000&home_insurance=150&work_travel=300&union_fees=200\
             &assets=1000&m1_salary=4+000&m1_exempt_grant=500&housing_allowance=700"
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let row = sqlx::query("SELECT request_json FROM applications WHERE month = '2026-04'")
        .fetch_one(f.store.pool())
        .await
        .unwrap();
    let json: String = sqlx::Row::try_get(&row, "request_json").unwrap();
    let request: app::norm::contract::CalcRequest = serde_json::from_str(&json).unwrap();
    let id = request.members[0].id.clone();
    assert_eq!(request.members.len(), 1);
    assert_eq!(
        request
            .incomes
            .iter()
            .map(|i| (i.member.clone(), i.kind, i.amount))
            .collect::<Vec<_>>(),
        [
            (Some(id.clone()), app::norm::contract::IncomeKind::Salary, 4000),
            (Some(id), app::norm::contract::IncomeKind::ExemptGrant, 500),
            (None, app::norm::contract::IncomeKind::HousingAllowance, 700),
        ]
    );
    assert_eq!(
        (
            request.costs.rent,
            request.costs.home_insurance,
            request.costs.work_travel,
            request.costs.union_fees,
            request.assets
        ),
        (5000, 150, 300, 200, 1000)
    );
}
