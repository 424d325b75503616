//! Receipts after an online application and an appeal, opened again from *Mina sidor* and refused to anyone else;
//! a decision appealed once (a second submission is an addition); the amounts and payments on *Mina sidor*; the
//! application form's messages and the amounts it accepts.

use crate::support::*;

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";

/// Another applicant, "eva", who never belonged to the fixture's household.
async fn eva(f: &Fixture) -> String {
    let a = Actor::system("test", "setup", "2026-03-02T08:00:00Z".parse().unwrap());
    let person = f
        .store
        .register_person(
            &a,
            NewPerson::parse(
                "19910202-0022",
                "Eva Annan",
                ProtectedIdentity::None,
                date(2026, 3, 2),
            )
            .unwrap(),
        )
        .await
        .unwrap();
    f.store
        .create_account(
            &a,
            NewAccount {
                username: "eva".into(),
                display_name: "Eva Annan".into(),
                role: Role::Applicant,
                staff: None,
                person: Some(person),
                password_hash: hash_password("hemligt").unwrap(),
                units: vec![],
            },
        )
        .await
        .unwrap();
    session(&f.router, "eva").await
}

fn location(r: &Reply) -> String {
    r.headers[header::LOCATION].to_str().unwrap().to_owned()
}

async fn denied(f: &Fixture) -> i64 {
    rows_where(f, "audit_log", "action = 'access.denied'").await
}

async fn rows_where(f: &Fixture, table: &str, filter: &str) -> i64 {
    let row = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table} WHERE {filter}"))
        .fetch_one(f.store.pool())
        .await
        .unwrap();
    sqlx::Row::try_get(&row, "n").unwrap()
}

#[tokio::test]
async fn an_online_application_gets_a_receipt_that_opens_again_from_mina_sidor() {
    let f = fixture().await;
    let ann = session(&f.router, "ann").await;
    let csrf = get(&f.router, "/ansok", &ann).await.hidden("csrf_token");
    let r = post_multipart(
        &f.router,
        "/ansok",
        &ann,
        &[
            Part::Text("csrf_token", &csrf),
            Part::Text("month", "2026-04"),
            Part::Text("rent", "6 500 kr"),
            Part::Text("electricity", "300:-"),
            Part::Text("m1_salary", "1\u{a0}000,00"),
            Part::Text("housing_allowance", "700"),
            Part::File {
                field: "file_1",
                name: "hyresavi april.pdf",
                mime: "application/pdf",
                content: PDF,
            },
            Part::Text("kind_1", "underlag"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let sent = location(&r);
    let path = sent.strip_suffix("?skickad=1").unwrap().to_owned();
    assert!(path.starts_with("/mina-sidor/ansokan/"), "{sent}");

    let receipt = get(&f.router, &sent, &ann).await;
    assert_eq!(receipt.status, StatusCode::OK, "{}", receipt.body);
    for expected in [
        "Kvitto på din ansökan",
        "Din ansökan är skickad.",
        "Ekonomiskt bistånd för</dt><dd>2026-04",
        // The fixture's clock is 08:00 UTC on 2 March: 09:00 in Sweden (CET).
        "Mottagen</dt><dd>2026-03-02 09:00",
        // What was typed, as whole kronor: "6 500 kr", "300:-", "1 000,00", "700".
        "Hyra</th><td class=\"num\">6\u{202f}500 kr",
        "Hushållsel</th><td class=\"num\">300 kr",
        "Lön efter skatt (Alva Ek)</th><td class=\"num\">1\u{202f}000 kr",
        "Bostadsbidrag (Hushållet)</th><td class=\"num\">700 kr",
        "hyresavi april.pdf",
        "Vad händer nu",
        "normalt ett beslut inom 14 dagar",
    ] {
        assert!(receipt.body.contains(expected), "{expected}: {}", receipt.body);
    }
    // No id of a person on the page.
    assert!(!receipt.body.contains("\"P1\"") && !receipt.body.contains(">P1<"));

    // Opened again from Mina sidor: the same receipt, without "sent".
    let mine = get(&f.router, "/mina-sidor", &ann).await;
    assert!(mine.body.contains(&format!("href=\"{path}\"")), "{}", mine.body);
    let again = get(&f.router, &path, &ann).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.body.contains("hyresavi april.pdf") && !again.body.contains("Din ansökan är skickad."));

    // Anyone else is refused like a receipt that does not exist, and the refusal is recorded.
    let eva = eva(&f).await;
    let before = denied(&f).await;
    let refused = get(&f.router, &path, &eva).await;
    let missing = get(&f.router, "/mina-sidor/ansokan/999999", &eva).await;
    assert_eq!(
        (refused.status, missing.status),
        (StatusCode::FORBIDDEN, StatusCode::FORBIDDEN)
    );
    assert!(!refused.body.contains("hyresavi") && !refused.body.contains("6\u{202f}500"));
    assert_eq!(denied(&f).await, before + 2);
    // A caseworker has no receipts (they read the case file).
    let kim = session(&f.router, "kim").await;
    assert_eq!(get(&f.router, &path, &kim).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_second_appeal_on_a_decision_is_added_to_the_first() {
    let f = fixture().await;
    let decision = format!("/beslut/{}", f.decision);
    let ann = session(&f.router, "ann").await;
    let page = get(&f.router, &decision, &ann).await;
    assert!(
        page.body.contains("Högst 5 000 tecken.") && page.body.contains("aria-describedby=\"grounds-hint\"")
    );
    let csrf = page.hidden("csrf_token");
    let r = post(
        &f.router,
        &format!("{decision}/overklaga"),
        &ann,
        &format!("csrf_token={csrf}&grounds=Hyran+ska+godtas"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let first = location(&r);
    let path = first.strip_suffix("?skickad=1").unwrap().to_owned();
    assert!(path.starts_with("/mina-sidor/overklagande/"), "{first}");
    let receipt = get(&f.router, &first, &ann).await;
    for expected in [
        "Kvitto på ditt överklagande",
        "Ditt överklagande är skickat.",
        "Överklagandet gäller beslutet om ekonomiskt bistånd för 2026-02",
        "Mottagen</dt><dd>2026-03-02 09:00",
        "Hyran ska godtas",
        "förvaltningsrätten inom en vecka",
    ] {
        assert!(receipt.body.contains(expected), "{expected}: {}", receipt.body);
    }

    // The decision page now says that more words are added to the appeal.
    let page = get(&f.router, &decision, &ann).await;
    assert!(
        page.body.contains("Du har redan överklagat beslutet"),
        "{}",
        page.body
    );
    // Ten minutes later (within the session's idle time).
    f.clock.set("2026-03-02T08:10:00Z".parse().unwrap());
    let r = post(
        &f.router,
        &format!("{decision}/overklaga"),
        &ann,
        &format!("csrf_token={csrf}&grounds=H%C3%A4r+%C3%A4r+hyresavin"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        location(&r),
        format!("{path}?skickad=komplettering"),
        "the same appeal"
    );
    assert_eq!(rows(&f.store, "appeals").await, 1);
    assert_eq!(rows(&f.store, "appeal_additions").await, 1);
    let receipt = get(&f.router, &location(&r), &ann).await;
    for expected in [
        "Din komplettering är skickad",
        "Hyran ska godtas",
        "Kompletteringar",
        // 08:10 UTC on 2 March is 09:10 in Sweden.
        "Komplettering 2026-03-02 09:10",
        "Här är hyresavin",
    ] {
        assert!(receipt.body.contains(expected), "{expected}: {}", receipt.body);
    }
    let mine = get(&f.router, "/mina-sidor", &ann).await;
    assert!(mine.body.contains(&format!("href=\"{path}\"")), "{}", mine.body);

    // The caseworker sees the addition with the appeal.
    let kim = session(&f.router, "kim").await;
    let id = path.rsplit('/').next().unwrap();
    let case = get(&f.router, &format!("/overklagande/{id}"), &kim).await;
    assert!(
        case.body.contains("Hyran ska godtas") && case.body.contains("Här är hyresavin"),
        "{}",
        case.body
    );

    // Another applicant may not read it.
    let eva = eva(&f).await;
    let refused = get(&f.router, &path, &eva).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!refused.body.contains("hyresavin"));
}

/// A decision of `kronor` (0: avslag) on an application of `month`, through the store.
async fn decide(f: &Fixture, application: Option<i64>, month: u8, kronor: i64) -> i64 {
    let a = Actor::system("test", "setup", "2026-03-02T08:00:00Z".parse().unwrap());
    let app = match application {
        Some(id) => store::Store::application(&f.store, &a, domain::ApplicationId(id))
            .await
            .unwrap(),
        None => f
            .store
            .receive_application(
                &a,
                domain::HouseholdId(f.household),
                norm::Month::new(2026, month).unwrap(),
                date(2026, 3, 2),
            )
            .await
            .unwrap(),
    };
    let app = f
        .store
        .start_investigation(&a, app.id, app.version)
        .await
        .unwrap();
    let applied = norm::Money::from_kronor(4_000).unwrap();
    let granted = norm::Money::from_kronor(kronor).unwrap();
    let d = f
        .store
        .decide(
            &a,
            app.id,
            app.version,
            NewDecision {
                deductions: Default::default(),
                items: vec![DecisionItem {
                    purpose: Default::default(),
                    what: "Försörjningsstöd".into(),
                    outcome: if kronor == 0 {
                        Outcome::Avslag
                    } else {
                        Outcome::Bifall
                    },
                    applied,
                    granted,
                    reasons: "Prövat".into(),
                    legal_basis: "SoL 4 kap. 1 §".into(),
                }],
                calculation: None,
                replaces: None,
            },
        )
        .await
        .unwrap();
    d.id.get()
}

/// The list item of a decision on Mina sidor.
fn item(page: &str, decision: i64) -> &str {
    let start = page.find(&format!("<li><a href=\"/beslut/{decision}\"")).unwrap();
    let rest = &page[start..];
    &rest[..rest.find("</li>").unwrap()]
}

#[tokio::test]
async fn mina_sidor_shows_each_decisions_amount_and_when_it_is_paid() {
    let f = fixture().await;
    let march = decide(&f, Some(f.application), 3, 4_000).await;
    let april = decide(&f, None, 4, 0).await;
    let ann = session(&f.router, "ann").await;
    let mine = get(&f.router, "/mina-sidor", &ann).await;
    // 4 000 kr granted and not yet paid; April refused: its amount, nothing about a payment.
    let m = item(&mine.body, march);
    assert!(m.contains("4\u{202f}000 kr") && m.contains("Betalas ut"), "{m}");
    let a = item(&mine.body, april);
    assert!(
        a.contains("0 kr") && !a.contains("Betalas ut") && !a.contains("Utbetald"),
        "{a}"
    );

    // The payment run: approved or exported is not yet paid; confirmed by the bank (paid on the run's pay date) is.
    let staff = Actor::system("test", "setup", "2026-03-20T08:00:00Z".parse().unwrap());
    let run = store::PaymentRuns::create_payment_run(
        &f.store,
        &staff,
        date(2026, 3, 25),
        &[domain::DecisionId(march)],
    )
    .await
    .unwrap();
    f.store.approve_batch(&staff, run.id, None).await.unwrap();
    let mine = get(&f.router, "/mina-sidor", &ann).await;
    assert!(item(&mine.body, march).contains("Betalas ut"));
    f.store.export_batch(&staff, run.id).await.unwrap();
    let mine = get(&f.router, "/mina-sidor", &ann).await;
    assert!(
        item(&mine.body, march).contains("Betalas ut"),
        "the bank file is made, the bank has not confirmed it"
    );
    f.store.confirm_batch_paid(&staff, run.id).await.unwrap();
    let mine = get(&f.router, "/mina-sidor", &ann).await;
    let m = item(&mine.body, march);
    assert!(
        m.contains("Utbetald 2026-03-25") && !m.contains("Betalas ut"),
        "{m}"
    );
}

#[tokio::test]
async fn the_form_names_each_field_in_its_message_and_links_it_once() {
    let f = fixture().await;
    let ann = session(&f.router, "ann").await;
    let page = get(&f.router, "/ansok", &ann).await;
    assert!(
        page.body.contains("maxlength=\"20\" id=\"rent\""),
        "{}",
        page.body
    );
    let csrf = page.hidden("csrf_token");
    let before = applications(&f.store).await;
    for (field, value, message) in [
        (
            "rent",
            "6 500,50",
            "Hyra: skriv beloppet i hela kronor, utan ören",
        ),
        ("rent", "-5", "Hyra: beloppet kan inte vara negativt"),
        (
            "rent",
            "femtusen",
            "Hyra: skriv beloppet med siffror i hela kronor",
        ),
        (
            "rent",
            "1 000 000 000",
            "Hyra: beloppet kan vara högst 999 999 999 kr",
        ),
        (
            "m1_salary",
            "12,5",
            "Lön efter skatt (Alva Ek): skriv beloppet i hela kronor, utan ören",
        ),
        (
            "assets",
            "6.500",
            "Tillgångar som kan användas: skriv beloppet med siffror",
        ),
    ] {
        let r = post_form_multipart(
            &f.router,
            "/ansok",
            &ann,
            &format!("csrf_token={csrf}&month=2026-04&{field}={value}"),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{field}={value}");
        assert!(
            r.body.contains(&format!(
                "<span class=\"field-error\" id=\"{field}-error\">{message}"
            )) && r.body.contains(&format!("<a href=\"#{field}\">{message}")),
            "{field}={value}: {}",
            r.body
        );
        assert_eq!(applications(&f.store).await, before);
    }

    // Two files that belong to no slot: two problems with the attachments, one link in the summary.
    let r = post_multipart(
        &f.router,
        "/ansok",
        &ann,
        &[
            Part::Text("csrf_token", &csrf),
            Part::Text("month", "2026-04"),
            Part::File {
                field: "file_8",
                name: "a.pdf",
                mime: "application/pdf",
                content: PDF,
            },
            Part::File {
                field: "file_9",
                name: "b.pdf",
                mime: "application/pdf",
                content: PDF,
            },
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.body.matches("<a href=\"#attachments\">").count(),
        1,
        "{}",
        r.body
    );

    // Every spelling the issue names is stored as 6 500 kr. April is applied for once: each stored application is
    // removed again (no document, decision or payment refers to it) so that the next spelling can be sent.
    for rent in [
        "6 500",
        "6500 kr",
        "6 500,00",
        "6 500 kr",
        "6500:-",
        "6\u{a0}500",
        "6\u{202f}500 kr",
    ] {
        let r = post_multipart(
            &f.router,
            "/ansok",
            &ann,
            &[
                Part::Text("csrf_token", &csrf),
                Part::Text("month", "2026-04"),
                Part::Text("rent", rent),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{rent:?}: {}", r.body);
        let row = sqlx::query("SELECT request_json FROM applications WHERE month = '2026-04'")
            .fetch_one(f.store.pool())
            .await
            .unwrap();
        let json: String = sqlx::Row::try_get(&row, "request_json").unwrap();
        assert!(json.contains("\"rent\":6500"), "{rent:?}: {json}");
        sqlx::query("DELETE FROM applications WHERE month = '2026-04'")
            .execute(f.store.pool())
            .await
            .unwrap();
    }
}
