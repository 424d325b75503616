//! The decision letter as a PDF: who gets it, what is audited, and what a reader finds in it (the text is read back
//! out of the PDF, as a screen reader or a copy-paste would see it).

use crate::support::*;

pub(crate) fn letter_path(decision: i64) -> String {
    format!("/beslut/{decision}/brev.pdf")
}

/// The letter's text, page by page.
pub(crate) fn text_pages(r: &Reply) -> Vec<String> {
    assert!(
        r.bytes.starts_with(b"%PDF-"),
        "not a PDF: {}",
        r.body.chars().take(200).collect::<String>()
    );
    pdf_extract::extract_text_from_mem_by_pages(&r.bytes).expect("the letter's text can be read back")
}

/// One space wherever the text has line breaks or runs of spaces (how the PDF placed the words does not matter);
/// the narrow no-break space inside amounts (`10 020 kr`) is kept.
pub(crate) fn normalised(text: &str) -> String {
    text.split(|c: char| c.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

async fn audit_rows(store: &SqlStore, action: &str, page: &str) -> i64 {
    // Changes and refusals are in the change log, reads of personal data in the read log: count both.
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM audit_log WHERE action = $1 AND page = $2) \
         + (SELECT COUNT(*) FROM readlog.read_log WHERE action = $1 AND page = $2) AS n",
    )
    .bind(action)
    .bind(page)
    .fetch_one(store.pool())
    .await
    .unwrap();
    sqlx::Row::try_get(&row, "n").unwrap()
}

async fn served_on(store: &SqlStore, decision: i64) -> Option<String> {
    let row = sqlx::query("SELECT served_on FROM decisions WHERE id = $1")
        .bind(decision)
        .fetch_one(store.pool())
        .await
        .unwrap();
    sqlx::Row::try_get(&row, "served_on").unwrap()
}

#[tokio::test]
async fn the_letter_is_a_pdf_for_the_caseworker_and_the_applicant_and_nobody_else() {
    let f = fixture().await;
    let path = letter_path(f.decision);
    for user in ["kim", "ann"] {
        let cookie = session(&f.router, user).await;
        let r = get(&f.router, &path, &cookie).await;
        assert_eq!(r.status, StatusCode::OK, "{user}: {}", r.body);
        assert_eq!(r.headers[header::CONTENT_TYPE], "application/pdf", "{user}");
        assert_eq!(r.headers[header::CACHE_CONTROL], "no-store", "{user}");
        let disposition = r.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert_eq!(
            disposition,
            format!("inline; filename=\"beslut-{}-2026-02.pdf\"", f.decision),
            "{user}"
        );
        assert!(r.bytes.starts_with(b"%PDF-"), "{user}");
    }
    for user in ["lo", "pol", "cid", "adm"] {
        let cookie = session(&f.router, user).await;
        let r = get(&f.router, &path, &cookie).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
        assert!(!r.bytes.starts_with(b"%PDF"), "{user}");
        assert!(
            r.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{user}"
        );
        assert!(!r.body.contains("Alva") && !r.body.contains("19800517"), "{user}");
    }
    // Signed out: to the sign-in page, no letter.
    let r = get(&f.router, &path, "").await;
    assert!(!r.bytes.starts_with(b"%PDF"));
    assert_ne!(r.status, StatusCode::OK);
    // A decision that does not exist is "not found" for staff, a refusal for an applicant (who must not learn
    // which decisions exist).
    let kim = session(&f.router, "kim").await;
    assert_eq!(
        get(&f.router, &letter_path(9999), &kim).await.status,
        StatusCode::NOT_FOUND
    );
    let ann = session(&f.router, "ann").await;
    assert_eq!(
        get(&f.router, &letter_path(9999), &ann).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_decision_page_links_to_the_letter() {
    let f = fixture().await;
    let kim = session(&f.router, "kim").await;
    let page = get(&f.router, &format!("/beslut/{}", f.decision), &kim).await;
    assert!(
        page.body.contains(&format!(
            "<a href=\"{}\" type=\"application/pdf\">Beslutet som PDF</a>",
            letter_path(f.decision)
        )),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn reading_the_letter_is_audited_and_serves_the_decision_on_the_applicant_like_the_page() {
    let f = fixture().await;
    let path = letter_path(f.decision);
    let page = format!("beslut/{}", f.decision);
    let letter_page = format!("beslut/{}/brev", f.decision);

    let kim = session(&f.router, "kim").await;
    assert_eq!(get(&f.router, &path, &kim).await.status, StatusCode::OK);
    assert_eq!(audit_rows(&f.store, "decision.read", &page).await, 1);
    // The addressees' names are a read of the household: one record per member (the fixture has one).
    assert_eq!(audit_rows(&f.store, "household.read", &letter_page).await, 1);
    // Staff reading the letter do not serve it.
    assert_eq!(served_on(&f.store, f.decision).await, None);

    let ann = session(&f.router, "ann").await;
    let r = get(&f.router, &path, &ann).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(audit_rows(&f.store, "decision.read", &page).await, 2);
    // The applicant's letter reads the applicant's view, not the case file: one record per person it names.
    assert_eq!(audit_rows(&f.store, "household.read", &letter_page).await, 1);
    assert_eq!(audit_rows(&f.store, "applicant.read", &letter_page).await, 1);
    // The applicant opened it: served today (the fixture's clock), and the letter names the last day to appeal.
    assert_eq!(
        served_on(&f.store, f.decision).await.as_deref(),
        Some("2026-03-02")
    );
    let text = normalised(&text_pages(&r).join(" "));
    assert!(text.contains("Du fick del av beslutet den 2026-03-02."), "{text}");
    assert!(text.contains("senast 2026-03-23."), "{text}");

    // A refusal writes no read, only the refusal.
    let lo = session(&f.router, "lo").await;
    let denied_before = audit_rows(&f.store, "access.denied", &page).await;
    assert_eq!(get(&f.router, &path, &lo).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        audit_rows(&f.store, "access.denied", &page).await,
        denied_before + 1
    );
    assert_eq!(audit_rows(&f.store, "decision.read", &page).await, 2);
    assert_eq!(audit_rows(&f.store, "household.read", &letter_page).await, 1);
    assert_eq!(audit_rows(&f.store, "applicant.read", &letter_page).await, 1);
}

#[tokio::test]
async fn the_letter_holds_the_decision_the_calculation_and_how_to_appeal() {
    let f = fixture().await;
    let kim = session(&f.router, "kim").await;
    let r = get(&f.router, &letter_path(f.decision), &kim).await;
    let pages = text_pages(&r);
    let text = normalised(&pages.join(" "));
    for expected in [
        // Who decides (the configured board; the fixture's is the default), when, about whom.
        "Socialnämnden",
        "Enhet: Nord",
        "Beslut om ekonomiskt bistånd 2026-02",
        &format!("Beslut nr {}", f.decision),
        "Beslutsdatum: 2026-03-02",
        "Beslutsfattare: system:test",
        "Alva Ek, personnummer 19800517-1239",
        // The item, its outcome, amounts and legal basis; the reasons; the total.
        "Försörjningsstöd 2026-02 Bifall 10\u{202f}020 kr 10\u{202f}020 kr SoL 12:1",
        "Beräknat enligt riksnormen",
        "Beviljat belopp totalt: 10\u{202f}020 kr",
        // The calculation, line by line, with the rule table it was made with.
        "Så räknades beloppet fram",
        "¹ Regeltabell: Riksnormen 2026 (fastställd), version",
        "Hushållsgemensamma kostnader, 1 person",
        "Hyra",
        "Bostadsbidrag",
        "Försörjningsstöd: 10\u{202f}020 kr",
        // How to appeal.
        "Så överklagar du",
        "förvaltningsrätten",
        "inom tre veckor från den dag du fick del av beslutet",
        "hur du vill att beslutet ska ändras och varför",
        "35 kap. 1 § socialtjänstlagen (2025:400)",
        &format!("Sida 1 av {}", pages.len()),
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
    // Not served yet (staff opened it): no date is invented.
    assert!(!text.contains("Du fick del av beslutet den"), "{text}");

    // The fixed texts follow the page's language.
    let r = get(
        &f.router,
        &letter_path(f.decision),
        &format!("{kim}; stegvis_lang=en"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("decision-")
    );
    let text = normalised(&text_pages(&r).join(" "));
    for expected in [
        "Decision on economic assistance 2026-02",
        "How to appeal",
        "three weeks",
        "Page 1 of",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
}

#[tokio::test]
async fn a_long_decision_flows_onto_numbered_pages_and_loses_nothing() {
    let f = fixture().await;
    let at = "2026-03-02T08:00:00Z".parse().unwrap();
    let a = Actor::system("test", "setup", at);
    let items: Vec<DecisionItem> = (1..=45)
        .map(|i| DecisionItem {
            purpose: Default::default(),
            what: format!("Kostnad nummer {i}"),
            outcome: Outcome::Avslag,
            applied: norm::Money::from_kronor(100 * i).unwrap(),
            granted: norm::Money::from_kronor(0).unwrap(),
            reasons: format!(
                "Skäl {i}: kostnaden är inte en sådan skälig kostnad som ingår i försörjningsstödet, och det har inte \
                 kommit fram något särskilt skäl att bevilja den. Åtgärden kan sökas på nytt om förhållandena ändras."
            ),
            legal_basis: "SoL 12:1".into(),
        })
        .collect();
    let month = MonthDecision {
        household: domain::HouseholdId(f.household),
        received_on: date(2026, 1, 2),
        decision: NewDecision {
            deductions: Default::default(),
            items,
            calculation: None,
            replaces: None,
        },
    };
    let ids = f
        .store
        .decide_month(&a, norm::Month::new(2026, 1).unwrap(), &[month])
        .await
        .unwrap();
    let kim = session(&f.router, "kim").await;
    let r = get(&f.router, &letter_path(ids[0].get()), &kim).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let pages = text_pages(&r);
    let n = pages.len();
    assert!(n >= 3, "{n} pages");
    for (i, page) in pages.iter().enumerate() {
        let label = format!("Sida {} av {n}", i + 1);
        assert!(
            normalised(page).contains(&label),
            "page {}: {label} missing in {page}",
            i + 1
        );
    }
    let text = normalised(&pages.join(" "));
    for i in 1..=45 {
        assert!(text.contains(&format!("Kostnad nummer {i} Avslag")), "item {i}");
        assert!(text.contains(&format!("Skäl {i}: kostnaden")), "reasons {i}");
    }
    // The appeal instructions come last, after everything else, on the last page.
    let last = normalised(&pages[n - 1]);
    assert!(last.contains("Så överklagar du"), "{last}");
}

#[tokio::test]
async fn the_letter_names_the_caseworker_who_decided() {
    let f = fixture().await;
    let path = format!("/ansokan/{}", f.application);
    let kim = session(&f.router, "kim").await;
    let page = get(&f.router, &path, &kim).await;
    let (csrf, version) = (page.hidden("csrf_token"), page.hidden("version"));
    let r = post(
        &f.router,
        &format!("{path}/utred"),
        &kim,
        &format!("csrf_token={csrf}&version={version}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let version = get(&f.router, &path, &kim).await.hidden("version");
    let form = format!("csrf_token={csrf}&version={version}&outcome=bifall&granted=&reasons=");
    let r = post(&f.router, &format!("{path}/beslut"), &kim, &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let decision = r.headers[header::LOCATION].to_str().unwrap().to_owned();
    let r = get(&f.router, &format!("{decision}/brev.pdf"), &kim).await;
    assert_eq!(r.status, StatusCode::OK);
    let text = normalised(&text_pages(&r).join(" "));
    // The account's name, not its id.
    assert!(text.contains("Beslutsfattare: Test kim"), "{text}");
    assert!(text.contains("Beslut om ekonomiskt bistånd 2026-03"), "{text}");
}
