//! Attachments (bilagor) with the online application: sent with the form, listed for the caseworker and the
//! applicant, downloaded by those who may read the household (audited), refused to everyone else, and bad files
//! refused next to their field with nothing stored.

use crate::support::*;

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

async fn one(store: &SqlStore, sql: &str) -> i64 {
    let row = sqlx::query(sql).fetch_one(store.pool()).await.unwrap();
    sqlx::Row::try_get(&row, 0).unwrap()
}

/// Rows of the tables an application with attachments writes to (the audit records of both logs together).
async fn written(store: &SqlStore) -> [i64; 3] {
    [
        rows(store, "applications").await,
        rows(store, "documents").await,
        rows(store, "audit_log").await + rows(store, "readlog.read_log").await,
    ]
}

/// The applicant's April application with a bank statement (PDF) and a medical certificate (PNG).
async fn apply_with_two_files(f: &Fixture, ann: &str) -> Reply {
    let csrf = get(&f.router, "/ansok", ann).await.hidden("csrf_token");
    post_multipart(
        &f.router,
        "/ansok",
        ann,
        &[
            Part::Text("csrf_token", &csrf),
            Part::Text("month", "2026-04"),
            Part::Text("rent", "5 200"),
            Part::File {
                field: "file_1",
                name: "kontoutdrag mars.pdf",
                mime: "application/pdf",
                content: PDF,
            },
            Part::Text("kind_1", "underlag"),
            Part::File {
                field: "file_2",
                name: "läkarintyg.png",
                mime: "image/png",
                content: PNG,
            },
            Part::Text("kind_2", "intyg"),
            // The slots left empty, as a browser sends them.
            Part::File {
                field: "file_3",
                name: "",
                mime: "application/octet-stream",
                content: b"",
            },
            Part::Text("kind_3", "underlag"),
        ],
    )
    .await
}

async fn document_id(store: &SqlStore, file_name: &str) -> i64 {
    one(
        store,
        &format!("SELECT id FROM documents WHERE file_name = '{file_name}'"),
    )
    .await
}

#[tokio::test]
async fn the_applicant_sends_a_pdf_and_a_png_and_the_caseworker_downloads_one() {
    let f = fixture().await;
    let ann = session(&f.router, "ann").await;
    let form = get(&f.router, "/ansok", &ann).await;
    assert!(
        form.body.contains("enctype=\"multipart/form-data\"")
            && form.body.contains("type=\"file\" id=\"file_1\"")
            && form.body.contains("<label for=\"kind_1\">"),
        "{}",
        form.body
    );
    let [applications, documents, _] = written(&f.store).await;
    let r = apply_with_two_files(&f, &ann).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(rows(&f.store, "applications").await, applications + 1);
    assert_eq!(rows(&f.store, "documents").await, documents + 2);
    let april = one(&f.store, "SELECT MAX(id) FROM applications").await;
    assert_eq!(
        one(
            &f.store,
            &format!("SELECT COUNT(*) FROM documents WHERE application_id = {april}")
        )
        .await,
        2
    );
    let pdf = document_id(&f.store, "kontoutdrag mars.pdf").await;
    let png = document_id(&f.store, "läkarintyg.png").await;

    // The applicant sees what they sent on their own pages.
    let mine = get(&f.router, "/mina-sidor", &ann).await;
    assert!(
        mine.body.contains(&format!("href=\"/dokument/{pdf}\""))
            && mine.body.contains("kontoutdrag mars.pdf")
            && mine.body.contains("läkarintyg.png"),
        "{}",
        mine.body
    );

    // The caseworker sees both on the application page, with kind and size.
    let kim = session(&f.router, "kim").await;
    let page = get(&f.router, &format!("/ansokan/{april}"), &kim).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Bilagor",
        "kontoutdrag mars.pdf",
        "läkarintyg.png",
        "Underlag (kontoutdrag, hyresavi)",
        "Intyg (läkarintyg)",
        &format!("{} B", PNG.len()),
        &format!("href=\"/dokument/{png}\""),
    ] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
    // The application without attachments says so.
    let march = get(&f.router, &format!("/ansokan/{}", f.application), &kim).await;
    assert!(march.body.contains("Inga bilagor."));

    // Downloading is a read of the applicant's data: the same bytes, as a file, audited with the person.
    let person = one(&f.store, "SELECT person_id FROM accounts WHERE username = 'ann'").await;
    let reads = "SELECT COUNT(*) FROM audit_log WHERE action = 'document.read'";
    let before = one(&f.store, reads).await;
    let (status, headers, body) = get_bytes(&f.router, &format!("/dokument/{png}"), &kim).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, PNG);
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"l_karintyg.png\"; filename*=UTF-8''l%C3%A4karintyg.png"
    );
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(one(&f.store, reads).await, before + 1);
    assert_eq!(
        one(
            &f.store,
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'document.read' AND subject_person = {person} \
                 AND page = 'dokument/{png}'"
            )
        )
        .await,
        1
    );

    // The applicant downloads their own.
    let (status, headers, body) = get_bytes(&f.router, &format!("/dokument/{pdf}"), &ann).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, PDF);
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(one(&f.store, reads).await, before + 2);
}

/// Another applicant: a person of their own, in a household of their own.
async fn other_applicant(f: &Fixture) {
    let a = Actor::system("test", "setup", "2026-03-02T08:00:00Z".parse().unwrap());
    let person = f
        .store
        .register_person(
            &a,
            NewPerson::parse(
                "19900101-0017",
                "Bo Gran",
                ProtectedIdentity::None,
                date(2026, 3, 2),
            )
            .unwrap(),
        )
        .await
        .unwrap();
    let unit = domain::UnitId(one(&f.store, "SELECT MIN(id) FROM org_units").await);
    f.store
        .register_household(
            &a,
            unit,
            &[(person, norm::contract::Role::Adult)],
            date(2026, 1, 1),
        )
        .await
        .unwrap();
    f.store
        .create_account(
            &a,
            NewAccount {
                username: "bo".into(),
                display_name: "Test bo".into(),
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

#[tokio::test]
async fn others_are_refused_and_learn_nothing_about_the_document() {
    let f = fixture().await;
    let ann = session(&f.router, "ann").await;
    assert_eq!(apply_with_two_files(&f, &ann).await.status, StatusCode::SEE_OTHER);
    let pdf = document_id(&f.store, "kontoutdrag mars.pdf").await;
    other_applicant(&f).await;
    let reads = "SELECT COUNT(*) FROM audit_log WHERE action = 'document.read'";
    let denials = "SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied'";
    let before = (one(&f.store, reads).await, one(&f.store, denials).await);
    let mut refusals = 0;
    for (user, path) in [
        ("lo", format!("/dokument/{pdf}")),  // caseworker of another unit
        ("pol", format!("/dokument/{pdf}")), // board member
        ("bo", format!("/dokument/{pdf}")),  // another applicant
        ("adm", format!("/dokument/{pdf}")), // administrator: no personal data
        // A document that does not exist is refused like one that may not be read, even to a caseworker of the unit.
        ("kim", "/dokument/999999".to_owned()),
        ("bo", "/dokument/999999".to_owned()),
    ] {
        let cookie = session(&f.router, user).await;
        let r = get(&f.router, &path, &cookie).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user} {path}");
        assert!(
            !r.body.contains("kontoutdrag") && !r.body.contains("Alva") && !r.body.contains("%PDF"),
            "{user} {path}: {}",
            r.body
        );
        assert!(r.headers.get(header::CONTENT_DISPOSITION).is_none());
        refusals += 1;
    }
    let bo = session(&f.router, "bo").await;
    let mine = get(&f.router, "/mina-sidor", &bo).await;
    assert!(!mine.body.contains("kontoutdrag"), "{}", mine.body);
    assert_eq!(
        (one(&f.store, reads).await, one(&f.store, denials).await),
        (before.0, before.1 + refusals),
        "no read, every refusal recorded"
    );
}

#[tokio::test]
async fn bad_attachments_are_refused_next_to_the_field_and_nothing_is_stored() {
    let f = fixture().await;
    let ann = session(&f.router, "ann").await;
    let csrf = get(&f.router, "/ansok", &ann).await.hidden("csrf_token");
    // Showing the form is itself an audited read of the household: the page shown again with the errors reads it
    // once more, and writes nothing else.
    let before = written(&f.store).await;
    get(&f.router, "/ansok", &ann).await;
    let form_reads = written(&f.store).await[2] - before[2];
    assert!(form_reads > 0);

    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    fn file<'a>(field: &'a str, name: &'a str, mime: &'a str, content: &'a [u8]) -> Part<'a> {
        Part::File {
            field,
            name,
            mime,
            content,
        }
    }
    let cases: Vec<(&str, Vec<Part>, &str, &str)> = vec![
        (
            "wrong type",
            vec![file(
                "file_1",
                "program.exe",
                "application/x-msdownload",
                b"MZ\x90\0",
            )],
            "file_1",
            "Filen måste vara en PDF, PNG eller JPEG",
        ),
        (
            "fake PDF",
            vec![file(
                "file_2",
                "falsk.pdf",
                "application/pdf",
                b"MZ\x90\0 not a pdf",
            )],
            "file_2",
            "Filens innehåll är inte en riktig PDF, PNG eller JPEG",
        ),
        (
            "too big",
            vec![file("file_1", "stor.pdf", "application/pdf", &big)],
            "file_1",
            "Filen är större än 10 MB",
        ),
        (
            "empty file name",
            vec![file("file_1", "", "application/pdf", PDF)],
            "file_1",
            "Filen måste ha ett namn",
        ),
        (
            "empty file",
            vec![file("file_3", "tom.pdf", "application/pdf", b"")],
            "file_3",
            "Filen är tom",
        ),
        (
            "too many files",
            ["file_1", "file_2", "file_3", "file_4", "file_5", "file_6"]
                .into_iter()
                .map(|field| file(field, "a.pdf", "application/pdf", PDF))
                .collect(),
            "attachments",
            "Du kan skicka högst 5 filer",
        ),
        (
            "a letter is not the applicant's to send",
            vec![
                file("file_1", "brev.pdf", "application/pdf", PDF),
                Part::Text("kind_1", "skrivelse"),
            ],
            "file_1",
            "Välj om bilagan är underlag eller intyg",
        ),
    ];
    for (what, files, field, message) in cases {
        let before = written(&f.store).await;
        let mut parts = vec![
            Part::Text("csrf_token", &csrf),
            Part::Text("month", "2026-04"),
            Part::Text("rent", "5000"),
        ];
        // A good file first: it is not stored either.
        parts.push(file("file_5", "hyresavi.pdf", "application/pdf", PDF));
        parts.extend(files);
        for kind in ["kind_1", "kind_2", "kind_3", "kind_4", "kind_5"] {
            if !parts.iter().any(|p| matches!(p, Part::Text(k, _) if *k == kind)) {
                parts.push(Part::Text(kind, "underlag"));
            }
        }
        let r = post_multipart(&f.router, "/ansok", &ann, &parts).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{what}: {}", r.body);
        assert!(
            r.body.contains("error-summary") && r.body.contains(&format!("href=\"#{field}\"")),
            "{what}: {}",
            r.body
        );
        assert!(r.body.contains(message), "{what}: {}", r.body);
        if field != "attachments" {
            assert!(
                r.body.contains(&format!("id=\"{field}-error\"")),
                "{what}: the message is next to the field: {}",
                r.body
            );
        }
        // What was typed stays; the files must be chosen again.
        assert!(
            r.body.contains("value=\"5000\"") && r.body.contains("Välj filerna igen"),
            "{what}"
        );
        let after = written(&f.store).await;
        assert_eq!(
            after,
            [before[0], before[1], before[2] + form_reads],
            "{what}: no application, no document, no record but the form's own read"
        );
    }
    assert_eq!(
        one(
            &f.store,
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('application.receive', 'document.attach') \
             AND page = 'ansok'"
        )
        .await,
        0
    );
}

/// Sends a request over a real connection the way a browser uploads it, in chunks, reading the answer while still
/// writing (a server that answers early stops reading). Returns the status line and the body.
fn upload_over_tcp(address: std::net::SocketAddr, cookie: &str, body: &[u8]) -> (String, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    let mut reader = stream.try_clone().unwrap();
    let answer = std::thread::spawn(move || {
        let mut response = Vec::new();
        let _ = reader.read_to_end(&mut response);
        String::from_utf8_lossy(&response).into_owned()
    });
    let head = format!(
        "POST /ansok HTTP/1.1\r\nHost: {address}\r\nCookie: {cookie}\r\n\
         Content-Type: multipart/form-data; boundary={}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        multipart_boundary(),
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    for chunk in body.chunks(64 * 1024) {
        if stream.write_all(chunk).is_err() {
            break;
        }
    }
    let response = answer.join().unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (
        head.lines().next().unwrap_or_default().to_owned(),
        body.to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_larger_than_the_limit_gets_the_form_back_with_a_message() {
    let f = fixture().await;
    let ann = session(&f.router, "ann").await;
    let csrf = get(&f.router, "/ansok", &ann).await.hidden("csrf_token");
    let mut huge = b"%PDF-1.7\n".to_vec();
    huge.resize(web::apply_pages::BODY_LIMIT + 1, b' ');
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(axum::serve(listener, f.router.clone()).into_future());
    let before = written(&f.store).await;
    let body = multipart_body(&[
        Part::Text("csrf_token", &csrf),
        Part::Text("month", "2026-04"),
        Part::Text("rent", "5000"),
        Part::File {
            field: "file_1",
            name: "enorm.pdf",
            mime: "application/pdf",
            content: &huge,
        },
    ]);
    let cookie = ann.clone();
    let (status, page) = tokio::task::spawn_blocking(move || upload_over_tcp(address, &cookie, &body))
        .await
        .unwrap();
    assert!(status.contains("413"), "{status}: {page}");
    assert!(
        page.contains("error-summary")
            && page.contains("Filerna är för stora")
            && page.contains("value=\"5000\""),
        "{page}"
    );
    assert_eq!(
        &written(&f.store).await[..2],
        &before[..2],
        "no application, no document"
    );

    // The same size without the session's token is refused as any forged form is.
    let body = multipart_body(&[
        Part::Text("csrf_token", "fel"),
        Part::File {
            field: "file_1",
            name: "enorm.pdf",
            mime: "application/pdf",
            content: &huge,
        },
    ]);
    let cookie = ann.clone();
    let (status, _) = tokio::task::spawn_blocking(move || upload_over_tcp(address, &cookie, &body))
        .await
        .unwrap();
    assert!(status.contains("403"), "{status}");
    assert_eq!(&written(&f.store).await[..2], &before[..2]);
    server.abort();
}

fn letter_for(person: domain::PersonId, name: &str) -> store::NewDocument {
    store::NewDocument {
        person,
        kind: domain::document::DocumentKind::Intyg,
        file_name: name.into(),
        mime: "application/pdf".into(),
        content: PDF.to_vec(),
    }
}

fn april() -> norm::contract::CalcRequest {
    serde_json::from_str(
        r#"{"month": "2026-04", "members": [{"id": "a", "role": "adult", "age": 41}], "costs": {"rent": 5000}}"#,
    )
    .unwrap()
}

#[tokio::test]
async fn a_protected_persons_attachment_needs_a_grant() {
    let (router, household, store, hidden) = protected_fixture().await;
    let a = Actor::system("test", "setup", "2026-03-02T08:00:00Z".parse().unwrap());
    let (_, ids) = store
        .apply_with_documents(
            &a,
            domain::HouseholdId(household),
            date(2026, 3, 2),
            &april(),
            &[letter_for(hidden, "intyg.pdf")],
        )
        .await
        .unwrap();
    let path = format!("/dokument/{}", ids[0].get());
    let kim = session(&router, "kim").await;
    assert_eq!(get(&router, &path, &kim).await.status, StatusCode::FORBIDDEN);
    let gun = session(&router, "gun").await;
    let (status, _, body) = get_bytes(&router, &path, &gun).await;
    assert_eq!((status, body.as_slice()), (StatusCode::OK, PDF));
}

/// Two adults of one household, each with an account: what one sent is theirs, not the other's to read (a partner's
/// medical certificate may be secret even within the family).
#[tokio::test]
async fn an_applicant_reads_their_own_attachments_not_their_partners() {
    let f = fixture().await;
    let a = Actor::system("test", "setup", "2026-03-02T08:00:00Z".parse().unwrap());
    let unit = domain::UnitId(one(&f.store, "SELECT MIN(id) FROM org_units").await);
    let mut people = Vec::new();
    for pnr in ["19900101-0017", "19910202-0022"] {
        people.push(
            f.store
                .register_person(
                    &a,
                    NewPerson::parse(pnr, "Sambo", ProtectedIdentity::None, date(2026, 3, 2)).unwrap(),
                )
                .await
                .unwrap(),
        );
    }
    let household = f
        .store
        .register_household(
            &a,
            unit,
            &[
                (people[0], norm::contract::Role::Adult),
                (people[1], norm::contract::Role::Adult),
            ],
            date(2026, 1, 1),
        )
        .await
        .unwrap();
    for (username, person) in [("bo", people[0]), ("li", people[1])] {
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
    let (_, ids) = f
        .store
        .apply_with_documents(
            &a,
            household,
            date(2026, 3, 2),
            &april(),
            &[letter_for(people[0], "bos intyg.pdf")],
        )
        .await
        .unwrap();
    let path = format!("/dokument/{}", ids[0].get());
    let bo = session(&f.router, "bo").await;
    assert_eq!(get_bytes(&f.router, &path, &bo).await.0, StatusCode::OK);
    assert!(
        get(&f.router, "/mina-sidor", &bo)
            .await
            .body
            .contains("bos intyg.pdf")
    );
    let li = session(&f.router, "li").await;
    let mine = get(&f.router, "/mina-sidor", &li).await;
    assert!(
        mine.body.contains("2026-04"),
        "li sees the household's application"
    );
    assert!(
        !mine.body.contains("bos intyg.pdf"),
        "but not what bo sent with it"
    );
    assert_eq!(get(&f.router, &path, &li).await.status, StatusCode::FORBIDDEN);
}
