//! Access over time, through HTTP: an applicant reads the months in which they belonged to the household (not
//! before they joined, not after they left; a former member keeps their own), their own letters and attachments,
//! the names of that month's members only (protected identity masked), and the read log names what the page showed.

use crate::support::*;

/// The fixture's household (Alva Ek, "ann", a member since 1 January; February decided, March received) with:
///
/// | person     | account | period                   | Jan | Feb | Mar | Apr |
/// |------------|---------|--------------------------|-----|-----|-----|-----|
/// | Alva Ek    | ann     | 2026-01-01 –             |  x  |  x  |  x  |  x  |
/// | Cilla Kvar | cilla   | 2026-01-01 – 2026-03-01  |  x  |  x  |     |     |  (left: her last day was 28 Feb)
/// | Bo Sen     | bo      | 2026-03-01 –             |     |     |  x  |  x  |  (joined in March)
/// | Vera Dold  |         | 2026-03-01 – (protected) |     |     |  x  |  x  |
///
/// January came online with an attachment of cilla's; March is decided here; April came online with one
/// attachment of ann's and one of bo's.
struct Town {
    f: Fixture,
    bo: domain::PersonId,
    march_decision: i64,
    april: i64,
    /// (cilla's in January, ann's in April, bo's in April)
    documents: (i64, i64, i64),
}

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n";

fn declared(month: &str) -> norm::contract::CalcRequest {
    serde_json::from_str(&format!(
        r#"{{"month": "{month}", "members": [{{"id": "a", "role": "adult", "age": 45}}], "costs": {{"rent": 5200}}}}"#
    ))
    .unwrap()
}

fn file(person: domain::PersonId, name: &str) -> store::NewDocument {
    store::NewDocument {
        person,
        kind: domain::document::DocumentKind::Underlag,
        file_name: name.into(),
        mime: "application/pdf".into(),
        content: PDF.to_vec(),
    }
}

async fn town() -> Town {
    let f = fixture().await;
    let a = Actor::system("test", "setup", "2026-03-02T08:00:00Z".parse().unwrap());
    let household = domain::HouseholdId(f.household);
    let ann = {
        let row = sqlx::query("SELECT person_id FROM accounts WHERE username = 'ann'")
            .fetch_one(f.store.pool())
            .await
            .unwrap();
        domain::PersonId(sqlx::Row::try_get(&row, "person_id").unwrap())
    };
    let mut people = Vec::new();
    for (pnr, name, protection) in [
        ("19900101-0017", "Cilla Kvar", ProtectedIdentity::None),
        ("19910202-0022", "Bo Sen", ProtectedIdentity::None),
        (
            "19850312-2387",
            "Vera Dold",
            ProtectedIdentity::SkyddadFolkbokforing,
        ),
    ] {
        people.push(
            f.store
                .register_person(
                    &a,
                    NewPerson::parse(pnr, name, protection, date(2026, 3, 2)).unwrap(),
                )
                .await
                .unwrap(),
        );
    }
    let (cilla, bo, vera) = (people[0], people[1], people[2]);
    for (person, from, to) in [
        (cilla, date(2026, 1, 1), Some(date(2026, 3, 1))),
        (bo, date(2026, 3, 1), None),
        (vera, date(2026, 3, 1), None),
    ] {
        f.store
            .record_fact(
                &a,
                household,
                domain::fact::FactValue::Member {
                    person,
                    role: norm::contract::Role::Adult,
                },
                domain::fact::Validity::new(from, to).unwrap(),
            )
            .await
            .unwrap();
    }
    for (username, person) in [("cilla", cilla), ("bo", bo)] {
        f.store
            .create_account(
                &a,
                NewAccount {
                    username: username.into(),
                    display_name: format!("Test {username}"),
                    role: Role::Applicant,
                    staff: None,
                    person: Some(person),
                    password_hash: hash_password("hemligt").unwrap(),
                    units: vec![],
                },
            )
            .await
            .unwrap();
    }
    let (_, cillas) = f
        .store
        .apply_with_documents(
            &a,
            household,
            date(2026, 1, 2),
            &declared("2026-01"),
            &[file(cilla, "cillas hyresavi.pdf")],
        )
        .await
        .unwrap();
    let (april, aprils) = f
        .store
        .apply_with_documents(
            &a,
            household,
            date(2026, 3, 2),
            &declared("2026-04"),
            &[file(ann, "alvas lönebesked.pdf"), file(bo, "bos intyg.pdf")],
        )
        .await
        .unwrap();
    let march = f
        .store
        .application(&a, domain::ApplicationId(f.application))
        .await
        .unwrap();
    let march = f
        .store
        .start_investigation(&a, march.id, march.version)
        .await
        .unwrap();
    let decided = f
        .store
        .decide(
            &a,
            march.id,
            march.version,
            NewDecision {
                deductions: Default::default(),
                items: vec![DecisionItem {
                    purpose: Default::default(),
                    what: "Försörjningsstöd 2026-03".into(),
                    outcome: Outcome::Bifall,
                    applied: norm::Money::from_kronor(9000).unwrap(),
                    granted: norm::Money::from_kronor(9000).unwrap(),
                    reasons: "Beräknat enligt riksnormen".into(),
                    legal_basis: "SoL 12:1".into(),
                }],
                calculation: None,
                replaces: None,
            },
        )
        .await
        .unwrap();
    Town {
        f,
        bo,
        march_decision: decided.id.get(),
        april: april.id.get(),
        documents: (cillas[0].get(), aprils[0].get(), aprils[1].get()),
    }
}

/// The applicant's rows on Mina sidor: (month, the members' names as listed).
fn rows(page: &str) -> Vec<(String, String)> {
    page.split("<tr><td>")
        .skip(1)
        .map(|row| {
            let cells: Vec<&str> = row
                .split("</td>")
                .map(|c| c.trim_start_matches("<td>").trim())
                .collect();
            (cells[0].to_owned(), cells[3].to_owned())
        })
        .collect()
}

/// A refusal of an existing record must look exactly like a refusal of a missing one: the same status and the same
/// page, but for the address it was asked at.
async fn refused_like_missing(t: &Town, cookie: &str, path: &str, missing: &str) {
    let r = get(&t.f.router, path, cookie).await;
    let m = get(&t.f.router, missing, cookie).await;
    assert_eq!(
        (r.status, m.status),
        (StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
        "{path}"
    );
    assert_eq!(
        r.body.replace(path, "PATH"),
        m.body.replace(missing, "PATH"),
        "{path}"
    );
    assert!(!r.bytes.starts_with(b"%PDF"), "{path}");
}

fn letter_text(r: &Reply) -> String {
    assert!(r.bytes.starts_with(b"%PDF-"), "not a PDF: {}", r.status);
    pdf_extract::extract_text_from_mem(&r.bytes)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test]
async fn a_new_member_reads_nothing_from_before_they_joined() {
    let t = town().await;
    let bo = session(&t.f.router, "bo").await;
    let mine = get(&t.f.router, "/mina-sidor", &bo).await;
    assert_eq!(mine.status, StatusCode::OK);
    // March and April (newest first), with who belonged to the household each month: cilla had left, vera is
    // masked. Nothing of January or February.
    assert_eq!(
        rows(&mine.body),
        [
            (
                "2026-04".to_owned(),
                "Alva Ek, Bo Sen, Skyddad identitet".to_owned()
            ),
            (
                "2026-03".to_owned(),
                "Alva Ek, Bo Sen, Skyddad identitet".to_owned()
            ),
        ]
    );
    for absent in [
        "2026-02",
        "2026-01",
        "Cilla",
        "Vera",
        "cillas hyresavi",
        "alvas lönebesked",
    ] {
        assert!(!mine.body.contains(absent), "{absent}: {}", mine.body);
    }
    assert!(mine.body.contains("bos intyg.pdf"));
    assert!(mine.body.contains(&format!("/beslut/{}", t.march_decision)));

    // February's decision and letter are refused exactly like a decision that does not exist.
    let denied = "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'access.denied'";
    let before = one(&t.f.store, denied).await;
    refused_like_missing(&t, &bo, &format!("/beslut/{}", t.f.decision), "/beslut/999999").await;
    refused_like_missing(
        &t,
        &bo,
        &format!("/beslut/{}/brev.pdf", t.f.decision),
        "/beslut/999999/brev.pdf",
    )
    .await;
    assert_eq!(
        one(&t.f.store, denied).await,
        before + 4,
        "every refusal is recorded"
    );
    // Appealing it is refused too, and writes no appeal.
    let csrf = get(&t.f.router, "/ansok", &bo).await.hidden("csrf_token");
    let r = post(
        &t.f.router,
        &format!("/beslut/{}/overklaga", t.f.decision),
        &bo,
        &format!("csrf_token={csrf}&grounds=Jag+var+inte+med"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(one(&t.f.store, "SELECT COUNT(*) AS n FROM appeals").await, 0);

    // March is his: the page and the letter, which names that month's adults but not vera (protected) or cilla.
    let page = get(&t.f.router, &format!("/beslut/{}", t.march_decision), &bo).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let letter = get(
        &t.f.router,
        &format!("/beslut/{}/brev.pdf", t.march_decision),
        &bo,
    )
    .await;
    assert_eq!(letter.status, StatusCode::OK);
    let text = letter_text(&letter);
    assert!(text.contains("Alva Ek, personnummer 19800517-1239"), "{text}");
    assert!(text.contains("Bo Sen, personnummer 19910202-0022"), "{text}");
    for absent in ["Vera", "19850312", "Cilla", "19900101"] {
        assert!(!text.contains(absent), "{absent}: {text}");
    }
}

#[tokio::test]
async fn a_former_member_keeps_their_own_months_and_nothing_after() {
    let t = town().await;
    let cilla = session(&t.f.router, "cilla").await;
    let mine = get(&t.f.router, "/mina-sidor", &cilla).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(
        rows(&mine.body),
        [
            ("2026-02".to_owned(), "Alva Ek, Cilla Kvar".to_owned()),
            ("2026-01".to_owned(), "Alva Ek, Cilla Kvar".to_owned()),
        ]
    );
    for absent in [
        "2026-03",
        "2026-04",
        "Bo Sen",
        "Skyddad",
        "bos intyg",
        "alvas lönebesked",
    ] {
        assert!(!mine.body.contains(absent), "{absent}: {}", mine.body);
    }
    // Her own attachment, which she can still download.
    assert!(mine.body.contains("cillas hyresavi.pdf"), "{}", mine.body);
    let (status, _, body) = get_bytes(&t.f.router, &format!("/dokument/{}", t.documents.0), &cilla).await;
    assert_eq!((status, body.as_slice()), (StatusCode::OK, PDF));

    // February's decision and letter are still hers; the letter names February's adults, not bo.
    let page = get(&t.f.router, &format!("/beslut/{}", t.f.decision), &cilla).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let letter = get(&t.f.router, &format!("/beslut/{}/brev.pdf", t.f.decision), &cilla).await;
    assert_eq!(letter.status, StatusCode::OK);
    let text = letter_text(&letter);
    assert!(text.contains("Alva Ek, personnummer 19800517-1239"), "{text}");
    assert!(text.contains("Cilla Kvar, personnummer 19900101-0017"), "{text}");
    assert!(!text.contains("Bo Sen") && !text.contains("Vera"), "{text}");

    // March came after she left.
    refused_like_missing(
        &t,
        &cilla,
        &format!("/beslut/{}", t.march_decision),
        "/beslut/999999",
    )
    .await;
    refused_like_missing(
        &t,
        &cilla,
        &format!("/beslut/{}/brev.pdf", t.march_decision),
        "/beslut/999999/brev.pdf",
    )
    .await;
}

#[tokio::test]
async fn attachments_another_member_sent_are_neither_listed_nor_downloadable() {
    let t = town().await;
    let (cillas, anns, bos) = t.documents;
    for (user, own, others) in [
        ("ann", anns, [cillas, bos]),
        ("bo", bos, [cillas, anns]),
        ("cilla", cillas, [anns, bos]),
    ] {
        let cookie = session(&t.f.router, user).await;
        let mine = get(&t.f.router, "/mina-sidor", &cookie).await;
        assert!(mine.body.contains(&format!("/dokument/{own}\"")), "{user}");
        assert_eq!(
            get_bytes(&t.f.router, &format!("/dokument/{own}"), &cookie)
                .await
                .0,
            StatusCode::OK,
            "{user}"
        );
        for other in others {
            assert!(
                !mine.body.contains(&format!("/dokument/{other}\"")),
                "{user} {other}"
            );
            refused_like_missing(&t, &cookie, &format!("/dokument/{other}"), "/dokument/999999").await;
        }
    }
}

#[tokio::test]
async fn the_read_log_names_only_what_the_applicants_page_showed() {
    let t = town().await;
    let bo = session(&t.f.router, "bo").await;
    assert_eq!(get(&t.f.router, "/mina-sidor", &bo).await.status, StatusCode::OK);
    let who = format!("person:{}", t.bo.get());
    let records: Vec<(String, Option<i64>, serde_json::Value)> = sqlx::query(
        "SELECT action, subject_person, detail_json FROM readlog.read_log WHERE actor = $1 ORDER BY seq",
    )
    .bind(&who)
    .fetch_all(t.f.store.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| {
        let detail: String = sqlx::Row::try_get(r, "detail_json").unwrap();
        (
            sqlx::Row::try_get(r, "action").unwrap(),
            sqlx::Row::try_get(r, "subject_person").unwrap(),
            serde_json::from_str(&detail).unwrap(),
        )
    })
    .collect();
    // The page named Alva and Bo (vera masked, cilla not shown): one record each, listing the household, March and
    // April, March's decision and bo's one attachment; no record of a household read, of cilla or of vera.
    let alva = one(
        &t.f.store,
        "SELECT person_id AS n FROM accounts WHERE username = 'ann'",
    )
    .await;
    let detail = serde_json::json!({
        "households": [t.f.household],
        "applications": [t.f.application, t.april],
        "decisions": [t.march_decision],
        "documents": [t.documents.2],
        "appeals": [],
    });
    assert_eq!(
        records,
        [
            ("applicant.read".to_owned(), Some(alva), detail.clone()),
            ("applicant.read".to_owned(), Some(t.bo.get()), detail),
        ]
    );
    // Nothing else was read for the page in the change log either (the attachments come with the view).
    let other = format!(
        "SELECT COUNT(*) AS n FROM audit_log WHERE actor = '{who}' AND page = 'mina-sidor' \
         AND action <> 'auth.login'"
    );
    assert_eq!(one(&t.f.store, &other).await, 0);
}

async fn one(store: &SqlStore, sql: &str) -> i64 {
    let row = sqlx::query(sql).fetch_one(store.pool()).await.unwrap();
    sqlx::Row::try_get(&row, "n").unwrap()
}
