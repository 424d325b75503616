//! The caseworker's queue over HTTP (issue #12): taking, handing back and assigning applications, the views with
//! their counts, filters, search, pages and refused query values; the start page of each role and the page after
//! signing out.

use crate::support::*;

async fn scalar(store: &SqlStore, sql: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(sql)
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap()
}

async fn assigned_to(store: &SqlStore, application: i64) -> Option<i64> {
    use sqlx::Row;
    sqlx::query("SELECT assigned_to FROM applications WHERE id = $1")
        .bind(application)
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get::<Option<i64>, _>(0)
        .unwrap()
}

async fn unit(store: &SqlStore, name: &str) -> domain::UnitId {
    use sqlx::Row;
    let row = sqlx::query("SELECT id FROM org_units WHERE name = $1")
        .bind(name)
        .fetch_one(store.pool())
        .await
        .unwrap();
    domain::UnitId(row.try_get(0).unwrap())
}

/// A caseworker with a staff record (the fixture's accounts have none): (staff id, username).
async fn caseworker(f: &Fixture, unit_name: &str, name: &str, username: &str) -> i64 {
    let a = Actor::system("test", "setup", "2026-03-02T08:00:00Z".parse().unwrap());
    let unit = unit(&f.store, unit_name).await;
    let staff = f
        .store
        .create_staff(&a, unit, name, Role::Caseworker)
        .await
        .unwrap();
    f.store
        .create_account(
            &a,
            NewAccount {
                username: username.into(),
                display_name: name.into(),
                role: Role::Caseworker,
                staff: Some(staff),
                person: None,
                password_hash: hash_password("hemligt").unwrap(),
                units: vec![unit],
            },
        )
        .await
        .unwrap();
    staff.get()
}

async fn csrf(f: &Fixture, cookie: &str) -> String {
    get(&f.router, "/hem", cookie).await.hidden("csrf_token")
}

const ASSIGNS: &str = "SELECT COUNT(*) FROM audit_log WHERE action = 'application.assign'";

#[tokio::test]
async fn caseworkers_take_and_hand_back_and_unit_managers_assign() {
    let f = fixture().await;
    let app = f.application;
    let eva_id = caseworker(&f, "Nord", "Eva Ek", "eva").await;
    let olle_id = caseworker(&f, "Nord", "Olle Ås", "olle").await;
    let sune_id = caseworker(&f, "Syd", "Sune Syd", "sune").await;
    let eva = session(&f.router, "eva").await;

    // Alva's March is nobody's yet: listed under "Ej tilldelade" with a button to take it; Eva's own list is empty.
    let free = get(&f.router, "/arenden?vy=ej-tilldelade", &eva).await;
    assert_eq!(free.status, StatusCode::OK);
    assert!(
        free.body.contains("Ej tilldelade (1)") && free.body.contains("Mina ärenden (0)"),
        "{}",
        free.body
    );
    assert!(free.body.contains("Alva Ek") && free.body.contains(&format!("/ansokan/{app}/ta")));
    let token = csrf(&f, &eva).await;
    let r = post(
        &f.router,
        &format!("/ansokan/{app}/ta"),
        &eva,
        &format!("csrf_token={token}&tillbaka=vy%3Dej-tilldelade"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], "/arenden?vy=ej-tilldelade");
    assert_eq!(assigned_to(&f.store, app).await, Some(eva_id));
    assert_eq!(scalar(&f.store, ASSIGNS).await, 1);
    // Every view's tab counts her own, whichever view is shown.
    let after = get(&f.router, "/arenden?vy=ej-tilldelade", &eva).await;
    assert!(after.body.contains("Mina ärenden (1)") && after.body.contains("Ej tilldelade (0)"));
    // Her start page is her queue: the application with a button to hand it back.
    let home = get(&f.router, "/hem", &eva).await;
    assert!(
        home.body.contains("Mina ärenden (1)") && home.body.contains("Alva Ek"),
        "{}",
        home.body
    );
    assert!(home.body.contains(&format!("/ansokan/{app}/lamna")));

    // Olle can neither take it over (it is Eva's now) nor hand it back for her: refused, nothing written.
    let olle = session(&f.router, "olle").await;
    let olle_token = csrf(&f, &olle).await;
    let r = post(
        &f.router,
        &format!("/ansokan/{app}/ta"),
        &olle,
        &format!("csrf_token={olle_token}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post(
        &f.router,
        &format!("/ansokan/{app}/lamna"),
        &olle,
        &format!("csrf_token={olle_token}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(assigned_to(&f.store, app).await, Some(eva_id));
    assert_eq!(scalar(&f.store, ASSIGNS).await, 1);

    // Eva hands it back.
    let r = post(
        &f.router,
        &format!("/ansokan/{app}/lamna"),
        &eva,
        &format!("csrf_token={token}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(assigned_to(&f.store, app).await, None);

    // The unit manager chooses among the unit's caseworkers (not Syd's) and assigns it to Olle.
    let mia = session(&f.router, "mia").await;
    let all = get(&f.router, "/arenden?vy=alla", &mia).await;
    assert!(all.body.contains(&format!("<option value=\"{olle_id}\"")) && !all.body.contains("Sune Syd"));
    let mia_token = csrf(&f, &mia).await;
    let r = post(
        &f.router,
        &format!("/ansokan/{app}/tilldela"),
        &mia,
        &format!("csrf_token={mia_token}&handlaggare={olle_id}&tillbaka=vy%3Dalla"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(assigned_to(&f.store, app).await, Some(olle_id));
    // A caseworker of another unit: refused next to the list, nothing changed.
    let r = post(
        &f.router,
        &format!("/ansokan/{app}/tilldela"),
        &mia,
        &format!("csrf_token={mia_token}&handlaggare={sune_id}&tillbaka=vy%3Dalla"),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Välj en handläggare i listan"));
    assert_eq!(assigned_to(&f.store, app).await, Some(olle_id));
    assert_eq!(scalar(&f.store, ASSIGNS).await, 3);

    // Sune (Syd) may not take Nord's application, nor may a caseworker assign like a manager; refusals are audited.
    let denied_before = scalar(
        &f.store,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied'",
    )
    .await;
    let sune = session(&f.router, "sune").await;
    let sune_token = csrf(&f, &sune).await;
    let r = post(
        &f.router,
        &format!("/ansokan/{app}/ta"),
        &sune,
        &format!("csrf_token={sune_token}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.body.contains("Alva"));
    let r = post(
        &f.router,
        &format!("/ansokan/{app}/tilldela"),
        &eva,
        &format!("csrf_token={token}&handlaggare={eva_id}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        scalar(
            &f.store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied'"
        )
        .await,
        denied_before + 2
    );
    assert_eq!(assigned_to(&f.store, app).await, Some(olle_id));

    // The manager's start page: the workload with its definitions, and who has what.
    let home = get(&f.router, "/hem", &mia).await;
    assert_eq!(home.status, StatusCode::OK);
    for shown in [
        "Enhetens arbetsläge",
        "Vem har vad",
        "Olle Ås",
        "Eva Ek",
        "mer än 14 dagar",
    ] {
        assert!(home.body.contains(shown), "{shown}: {}", home.body);
    }
    // Olle: 1 assigned, 0 late (received 1 March, today is 2 March).
    assert!(
        home.body
            .contains("<tr><td>Olle Ås</td><td class=\"num\">1</td><td class=\"num\">0</td></tr>")
    );
    assert!(!home.body.contains("read_case"), "no permission codes");
}

/// 30 more households in Nord, each with an April received on 1 February + i days (i = 0..29), named
/// "Person Aa", "Person Ab", ... "Person Bd"; and Vera, with protected identity, received on 2 March.
async fn crowd(f: &Fixture) {
    let a = Actor::system("test", "setup", "2026-03-02T08:00:00Z".parse().unwrap());
    let north = unit(&f.store, "Nord").await;
    for i in 0..31u16 {
        let birth = format!("19700101{:03}", 100 + i);
        let digits: Vec<u32> = birth[2..].chars().map(|c| c.to_digit(10).unwrap()).collect();
        let sum: u32 = digits
            .iter()
            .enumerate()
            .map(|(k, d)| {
                let p = d * if k % 2 == 0 { 2 } else { 1 };
                p / 10 + p % 10
            })
            .sum();
        let pnr = format!("{birth}{}", (10 - sum % 10) % 10);
        let (name, protection) = if i == 30 {
            ("Vera Dold".to_owned(), ProtectedIdentity::SkyddadFolkbokforing)
        } else {
            let i = u8::try_from(i).unwrap();
            let name = format!(
                "Person {}{}",
                char::from(b'A' + i / 26),
                char::from(b'a' + i % 26)
            );
            (name, ProtectedIdentity::None)
        };
        let person = f
            .store
            .register_person(
                &a,
                NewPerson::parse(&pnr, &name, protection, date(2026, 3, 2)).unwrap(),
            )
            .await
            .unwrap();
        let h = f
            .store
            .register_household(
                &a,
                north,
                &[(person, norm::contract::Role::Adult)],
                date(2026, 1, 1),
            )
            .await
            .unwrap();
        let received = date(2026, 2, 1)
            .checked_add(jiff::Span::new().days(i64::from(i.min(29))))
            .unwrap();
        f.store
            .receive_application(&a, h, norm::Month::new(2026, 4).unwrap(), received)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn the_queue_filters_searches_and_pages_with_counts() {
    let f = fixture().await;
    crowd(&f).await;
    let kim = session(&f.router, "kim").await;
    let rows = |body: &str| body.matches("<tr>").count() - 1;

    // All in Nord: Alva's March, 30 Aprils and Vera's: 32, 25 on the first page, 7 on the second.
    let first = get(&f.router, "/arenden?vy=alla", &kim).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("Alla i mina enheter (32)"), "{}", first.body);
    assert_eq!(rows(&first.body), 25);
    let pager = first
        .body
        .find("class=\"pagenav pager\"")
        .map(|i| &first.body[i..])
        .unwrap_or("");
    assert!(
        pager.contains("Sida 1 av 2") && pager.contains("href=\"/arenden?vy=alla&#38;sida=2\""),
        "{pager}"
    );
    let second = get(&f.router, "/arenden?vy=alla&sida=2", &kim).await;
    assert_eq!(rows(&second.body), 7);
    // Households are named by their people, never by a number; Vera is masked for Kim, who has no grant.
    assert!(!first.body.contains("Hushåll "));
    assert!(second.body.contains("Skyddad identitet") && !second.body.contains("Vera"));

    // Late: received before 16 February (today 2 March less 14 days): the Aprils of 1-15 February.
    let late = get(&f.router, "/arenden?vy=alla&sen=1", &kim).await;
    assert!(late.body.contains("Alla i mina enheter (15)"), "{}", late.body);
    // By month: only Alva applied for March.
    let march = get(&f.router, "/arenden?vy=alla&manad=2026-03", &kim).await;
    assert!(march.body.contains("Alla i mina enheter (1)") && march.body.contains("Alva Ek"));
    // A status no application has.
    let none = get(&f.router, "/arenden?vy=alla&status=under-utredning", &kim).await;
    assert!(none.body.contains("Alla i mina enheter (0)") && none.body.contains("Inget att visa"));
    // Newest first: 2 March's Person Bd (i = 29) before 1 March's Person Bc (i = 28), and Person Aa (1 February)
    // not on the first page at all; longest waiting first is the other way round.
    let newest = get(&f.router, "/arenden?vy=alla&sortera=inkommen", &kim).await;
    let at = |s: &str| newest.body.find(s).unwrap();
    assert!(at("Person Bd") < at("Person Bc") && !newest.body.contains("Person Aa"));
    let oldest = get(&f.router, "/arenden?vy=alla", &kim).await;
    assert!(oldest.body.find("Person Aa").unwrap() < oldest.body.find("Person Ab").unwrap());

    // Search: a name prefix in lower case, a personnummer in any written form.
    let by_name = get(&f.router, "/arenden?vy=alla&sok=alv", &kim).await;
    assert!(by_name.body.contains("Alla i mina enheter (1)") && by_name.body.contains("Alva Ek"));
    let by_pnr = get(&f.router, "/arenden?vy=alla&sok=198005171239", &kim).await;
    assert!(by_pnr.body.contains("Alla i mina enheter (1)") && by_pnr.body.contains("Alva Ek"));
    // Vera is not found by her name without a grant (nor is her name shown).
    let vera = get(&f.router, "/arenden?vy=alla&sok=Vera", &kim).await;
    assert!(vera.body.contains("Alla i mina enheter (0)") && !vera.body.contains("Vera D"));

    // Follow-ups and appeals are views of their own.
    let follow_ups = get(&f.router, "/arenden?vy=alla&typ=bevakningar", &kim).await;
    assert_eq!(follow_ups.status, StatusCode::OK);
    assert!(
        follow_ups.body.contains("Alla i mina enheter: bevakningar (0)"),
        "{}",
        follow_ups.body
    );
}

#[tokio::test]
async fn bad_query_values_get_a_clear_message_and_list_nothing() {
    let f = fixture().await;
    let kim = session(&f.router, "kim").await;
    for (query, message) in [
        ("vy=nagon", "Okänd vy"),
        ("typ=brev", "Okänd typ"),
        ("status=klar", "Okänd status"),
        ("manad=2026-13", "ÅÅÅÅ-MM"),
        ("manad=mars", "ÅÅÅÅ-MM"),
        ("sortera=namn", "Okänd sortering"),
        ("sida=0", "heltal från 1"),
        ("sida=abc", "heltal från 1"),
        ("sen=ja", "bara försenade"),
        ("sok=12345", "personnumret är inte giltigt"),
        ("sok=A", "minst två bokstäver"),
    ] {
        let r = get(&f.router, &format!("/arenden?{query}"), &kim).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(r.body.contains(message), "{query}: {}", r.body);
        assert!(r.body.contains("role=\"alert\""), "{query}");
        assert!(!r.body.contains("Alva"), "{query}: nothing listed");
    }
    // Someone who may not read cases learns nothing from a bad address either.
    let pol = session(&f.router, "pol").await;
    assert_eq!(
        get(&f.router, "/arenden?vy=nagon", &pol).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_start_page_follows_the_role() {
    let f = fixture().await;
    // Signed out: the public start page.
    assert_eq!(get(&f.router, "/", "").await.status, StatusCode::OK);
    for (user, start) in [
        ("kim", "/hem"),
        ("mia", "/hem"),
        ("jo", "/hem"),
        ("pol", "/hem"),
        ("cid", "/hem"),
        ("rev", "/granskning"),
        ("adm", "/admin/anvandare"),
        ("ann", "/mina-sidor"),
    ] {
        let cookie = session(&f.router, user).await;
        let r = get(&f.router, "/", &cookie).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{user}");
        assert_eq!(r.headers[header::LOCATION], start, "{user}");
        // Signing in with nothing asked for leads there too.
        let signed = sign_in(&f.router, user, "hemligt").await;
        assert_eq!(signed.headers[header::LOCATION], start, "{user}");
        // No start page lists permission codes.
        let home = get(&f.router, "/hem", &cookie).await;
        assert_eq!(home.status, StatusCode::OK, "{user}");
        assert!(
            !home.body.contains("read_case") && !home.body.contains("<code>"),
            "{user}"
        );
    }
    // The job coach gets a page of their own, not the caseworker's queue: their working view (`coach_pages`).
    let jo = session(&f.router, "jo").await;
    let home = get(&f.router, "/hem", &jo).await;
    assert!(home.body.contains("Jobbcoach") && home.body.contains("Mina deltagare"));
    assert!(
        !home.body.contains("Mina ärenden") && !home.body.contains("href=\"/arenden"),
        "{}",
        home.body
    );
}

#[tokio::test]
async fn signing_out_shows_a_page_that_says_so() {
    let f = fixture().await;
    let kim = session(&f.router, "kim").await;
    let token = csrf(&f, &kim).await;
    let r = post(&f.router, "/logout", &kim, &format!("csrf_token={token}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], "/utloggad");
    let page = get(&f.router, "/utloggad", "").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Du är utloggad") && page.body.contains("href=\"/login\""));
    // The session is over.
    assert_eq!(get(&f.router, "/hem", &kim).await.status, StatusCode::SEE_OTHER);
}
