//! The auditor's and the administrator's pages.

use crate::support::*;

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
    // Events in words, not codes (see `staff_words.rs` for names and times).
    assert!(all.body.contains(">Hushållets akt läst<") && all.body.contains(">Inloggning<"));
    assert!(!all.body.contains(">household.read<"));
    assert!(all.body.contains("href=\"/granskning\""), "nav link");

    // By personnummer: the household read is there, and every row links to the person's extract.
    let by_pnr = get(
        &f.router,
        "/granskning?person=19800517-1239&action=household.",
        &rev,
    )
    .await;
    assert_eq!(by_pnr.status, StatusCode::OK);
    assert!(by_pnr.body.contains(">Hushållets akt läst<") && by_pnr.body.contains(">Hushåll registrerat<"));
    assert!(!by_pnr.body.contains(">Inloggning<"));
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
    assert!(by_user.body.contains(">Person registrerad<") && !by_user.body.contains(">Inloggning<"));
    let before = get(&f.router, "/granskning?to=2026-03-01", &rev).await;
    assert!(before.body.contains("Inga poster matchar"));

    // Bad input: the message is next to the field and nothing is searched.
    let bad = get(&f.router, "/granskning?person=abc&from=2026-13-01", &rev).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("id=\"person-error\"") && bad.body.contains("id=\"from-error\""));
    assert!(bad.body.contains("aria-invalid=\"true\"") && bad.body.contains("href=\"#person\""));

    let extract = get(&f.router, &format!("/granskning/person/{person}"), &rev).await;
    assert_eq!(extract.status, StatusCode::OK);
    assert!(extract.body.contains(">Hushåll registrerat<") && extract.body.contains(">Hushållets akt läst<"));
    // The searches were about the person, so they are in the extract too.
    assert!(extract.body.contains(">Sökning i loggen<"));
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
    // Readable columns first, the recorded codes after them.
    let first_line = csv.body.split("\r\n").next().unwrap();
    assert!(
        first_line.ends_with(",log,seq,at_utc,actor,action,subject_person,page,detail"),
        "{first_line}"
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
    let queue = get(&f.router, "/arenden?vy=alla", &new).await;
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
    assert!(
        !get(&f.router, "/arenden?vy=alla", &new)
            .await
            .body
            .contains("Alva")
    );

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
        get(&f.router, "/arenden?vy=alla", &new).await.status,
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
    // The change log is broken at record 3; the read log (the page views so far) is intact.
    let (changes, reads) = chain.body.split_once("<h2>Läsloggen</h2>").unwrap();
    assert!(
        changes.contains("<h2>Ändringsloggen</h2>") && changes.contains("Kedjan är bruten"),
        "{changes}"
    );
    assert!(changes.contains("Första brutna post: 3."), "{changes}");
    assert!(
        reads.contains("Kedjan är obruten") && !reads.contains("Kedjan är bruten"),
        "{reads}"
    );

    // A read is recorded in the read log; rewriting that record breaks the read log's chain too.
    let kim = session(&f.router, "kim").await;
    assert_eq!(
        get(&f.router, &format!("/hushall/{}", f.household), &kim)
            .await
            .status,
        StatusCode::OK
    );
    sqlx::query("DROP TRIGGER readlog.read_log_no_update")
        .execute(f.store.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE readlog.read_log SET actor = 'staff:999' WHERE seq = 1")
        .execute(f.store.pool())
        .await
        .unwrap();
    let chain = get(&f.router, "/granskning/kedja", &rev).await;
    let (_, reads) = chain.body.split_once("<h2>Läsloggen</h2>").unwrap();
    assert!(
        reads.contains("Kedjan är bruten") && reads.contains("Första brutna post: 1."),
        "{reads}"
    );
}

#[tokio::test]
async fn the_chain_page_compares_the_chains_with_the_signed_checkpoints() {
    use app::checkpoints::{CheckpointDir, create_key};
    use store::Checkpoints;
    let dir =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("chain-page-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let key_file = dir.join("checkpoint.key");
    let key = create_key(&key_file).unwrap();
    let f = fixture_with(|c| {
        c.audit_checkpoint_dir = Some(dir.clone());
        c.audit_checkpoint_key = Some(key_file.clone());
    })
    .await;
    let rev = session(&f.router, "rev").await;
    let published = CheckpointDir::new(&dir);
    let at = "2026-03-02T09:00:00Z".parse().unwrap();
    let publish_with = |key: app::checkpoints::CheckpointKey| {
        let published = published.clone();
        move |c: &app::checkpoints::Checkpoint| {
            published
                .append(&c.sign(&key).to_line())
                .map_err(|e| e.to_string())
        }
    };
    f.store
        .record_checkpoint(at, publish_with(key.clone()))
        .await
        .unwrap()
        .unwrap();
    let chain = get(&f.router, "/granskning/kedja", &rev).await;
    assert_eq!(chain.status, StatusCode::OK);
    assert!(
        chain.body.contains("Kedjorna stämmer med alla kontrollpunkter."),
        "{}",
        chain.body
    );
    assert!(
        chain
            .body
            .contains("<dt>Signerade kontrollpunkter</dt><dd>1</dd>"),
        "{}",
        chain.body
    );

    // A checkpoint signed with a key the server does not hold, after a sign-in (a change record) since the first.
    session(&f.router, "kim").await;
    let forger = app::checkpoints::CheckpointKey::from_seed(&[3; 32]);
    f.store
        .record_checkpoint(at, publish_with(forger))
        .await
        .unwrap()
        .unwrap();
    let chain = get(&f.router, "/granskning/kedja", &rev).await;
    assert!(
        chain
            .body
            .contains("Kedjorna stämmer inte med kontrollpunkterna."),
        "{}",
        chain.body
    );
    assert!(
        chain.body.contains("kontrollpunkt 2 har en ogiltig signatur"),
        "{}",
        chain.body
    );
    let english = get(&f.router, "/granskning/kedja", &format!("{rev}; stegvis_lang=en")).await;
    assert!(
        english.body.contains("checkpoint 2 has an invalid signature"),
        "{}",
        english.body
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The administrator grants a caseworker access to a person with protected identity by personnummer, sees the
/// grant by number and name (never an internal id), and revokes it. A number nobody has, or a person without
/// protected identity, gives a field error and changes nothing.
#[tokio::test]
async fn protected_identity_grants_are_given_by_personnummer_and_listed_by_name() {
    let f = fixture().await;
    let adm = session(&f.router, "adm").await;
    let kim: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE username = 'kim'")
        .fetch_one(f.store.pool())
        .await
        .unwrap();
    let path = format!("/admin/anvandare/{kim}");
    let page = get(&f.router, &path, &adm).await;
    let csrf = page.hidden("csrf_token");
    let grant = |pnr: &str| format!("csrf_token={csrf}&action=grant&person={pnr}");
    let grants = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM protected_grants")
            .fetch_one(f.store.pool())
            .await
            .unwrap()
    };
    let before = grants().await;

    // Vera is not registered yet: "Finns inte", next to the field.
    let unknown = post(&f.router, &path, &adm, &grant("19850312-2387")).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.body);
    assert!(unknown.body.contains("id=\"person-error\"") && unknown.body.contains("Finns inte"));
    // Alva has no protected identity: no grant is needed.
    let plain = post(&f.router, &path, &adm, &grant("19800517-1239")).await;
    assert_eq!(plain.status, StatusCode::BAD_REQUEST);
    assert!(plain.body.contains("har inte skyddad identitet"));
    let typo = post(&f.router, &path, &adm, &grant("19850312-2388")).await;
    assert_eq!(typo.status, StatusCode::BAD_REQUEST);
    assert_eq!(grants().await, before);

    let at = "2026-03-02T09:00:00Z".parse().unwrap();
    let vera = f
        .store
        .register_person(
            &Actor::system("test", "setup", at),
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
    let given = post(&f.router, &path, &adm, &grant("198503122387")).await;
    assert_eq!(given.status, StatusCode::SEE_OTHER, "{}", given.body);
    assert_eq!(grants().await, before + 1);
    let shown = get(&f.router, &path, &adm).await;
    assert!(shown.body.contains("19850312-2387") && shown.body.contains("Vera Dold"));
    assert!(
        !shown.body.contains(&format!(">{}<", vera.get())),
        "no internal id on the page"
    );
    assert!(shown.body.contains(">Personnummer<"));

    let revoked = post(
        &f.router,
        &path,
        &adm,
        &format!("csrf_token={csrf}&action=revoke&person=19850312-2387"),
    )
    .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(grants().await, before);
    assert!(!get(&f.router, &path, &adm).await.body.contains("Vera Dold"));
}
