//! The calculation's lines on the application page, the decision page and in the letter: in the reader's language,
//! members by name, never by their person id; the rule table in words; the letter from the configured board, to
//! its recipient. The fixture's household is Alva Ek alone (3 940 kr personal costs, 1 280 kr household-common
//! costs, rent 5 200 kr, electricity 300 kr, housing allowance 700 kr).

use crate::letter::{letter_path, normalised, text_pages};
use crate::support::*;

/// The person id as the engine's member id, and as a bare id: neither may reach a reader.
fn ids(f: &Fixture) -> [String; 1] {
    [format!("P{}", f.person)]
}

/// What a reader sees of a page: the text outside tags (attributes such as a CSRF token may hold anything).
fn visible(body: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// No person id as a word of the visible text.
fn assert_no_ids(f: &Fixture, text: &str, what: &str) {
    let text = visible(text);
    for id in ids(f) {
        let found = text.split(|c: char| !c.is_alphanumeric()).any(|word| word == id);
        assert!(!found, "{what}: {id} in {text}");
    }
}

#[tokio::test]
async fn the_decision_page_names_members_in_swedish_and_english_for_staff_and_the_applicant() {
    let f = fixture().await;
    let path = format!("/beslut/{}", f.decision);
    for user in ["kim", "ann"] {
        let cookie = session(&f.router, user).await;
        let sv = get(&f.router, &path, &cookie).await;
        assert_eq!(sv.status, StatusCode::OK, "{user}");
        for text in [
            "Personliga kostnader, ensamstående vuxen (Alva Ek)",
            "Hushållsgemensamma kostnader, 1 person",
            "Bostadsbidrag",
            "Riksnormen 2026 (fastställd)",
        ] {
            assert!(sv.body.contains(text), "{user}: {text} in {}", sv.body);
        }
        assert!(!sv.body.contains("(official)"), "{user}");
        assert_no_ids(&f, &sv.body, user);

        let en = get(&f.router, &path, &format!("{cookie}; stegvis_lang=en")).await;
        assert_eq!(en.status, StatusCode::OK, "{user}");
        for text in [
            "Personal costs, single adult (Alva Ek)",
            "Household-common costs, 1 person",
            "Rent",
            "Household electricity",
            "Housing allowance",
            "National norm 2026 (official)",
        ] {
            assert!(en.body.contains(text), "{user}: {text} in {}", en.body);
        }
        for swedish in ["Personliga kostnader", "Bostadsbidrag", "Hushållsel"] {
            assert!(!en.body.contains(swedish), "{user}: {swedish}");
        }
        assert_no_ids(&f, &en.body, user);
        // Recomputed from the frozen input, the totals are the frozen ones: 3 940 + 1 280 + 5 200 + 300 − 700.
        assert!(en.body.contains("10\u{202f}020 kr"), "{user}");
    }
}

#[tokio::test]
async fn the_application_page_names_members_in_swedish_and_english() {
    let f = fixture().await;
    let path = format!("/ansokan/{}", f.application);
    let kim = session(&f.router, "kim").await;
    let sv = get(&f.router, &path, &kim).await;
    assert_eq!(sv.status, StatusCode::OK);
    assert!(
        sv.body
            .contains("Personliga kostnader, ensamstående vuxen (Alva Ek)"),
        "{}",
        sv.body
    );
    assert_no_ids(&f, &sv.body, "sv");
    let en = get(&f.router, &path, &format!("{kim}; stegvis_lang=en")).await;
    assert_eq!(en.status, StatusCode::OK);
    assert!(
        en.body.contains("Personal costs, single adult (Alva Ek)") && en.body.contains("Housing allowance"),
        "{}",
        en.body
    );
    assert!(!en.body.contains("Personliga kostnader"));
    assert_no_ids(&f, &en.body, "en");
}

#[tokio::test]
async fn the_letter_is_from_the_configured_board_to_its_recipient_with_named_lines() {
    let f = fixture_with(|c| c.municipality.board_name = "Arbets- och välfärdsnämnden".to_owned()).await;
    // The register's address, as the demo's seed stores it.
    let at = "2026-03-02T08:00:00Z".parse().unwrap();
    let address = domain::person::PostalAddress::parse("Storgatan 12 B", "12345", "Västerby").unwrap();
    f.store
        .set_postal_addresses(
            &Actor::system("test", "setup", at),
            &[(domain::PersonId(f.person), address)],
        )
        .await
        .unwrap();
    let kim = session(&f.router, "kim").await;
    let r = get(&f.router, &letter_path(f.decision), &kim).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let pages = text_pages(&r);
    let first = normalised(&pages[0]);
    // The board, the unit and the recipient come first, before the title.
    let title = first.find("Beslut om ekonomiskt bistånd 2026-02").expect("title");
    let board = first.find("Arbets- och välfärdsnämnden").expect("board");
    let recipient = first
        .find("Alva Ek Storgatan 12 B 123 45 VÄSTERBY")
        .expect("recipient and address");
    assert!(board < recipient && recipient < title, "{first}");
    let text = normalised(&pages.join(" "));
    assert!(
        text.contains("Personliga kostnader, ensamstående vuxen (Alva Ek)"),
        "{text}"
    );
    // The rule table in words, in a footnote marked in the introduction.
    assert!(text.contains("Så här räknades det fram för månaden.¹"), "{text}");
    assert!(
        text.contains("¹ Regeltabell: Riksnormen 2026 (fastställd), version"),
        "{text}"
    );
    assert!(!text.contains("riksnorm 2026 (official)"), "{text}");
    assert_no_ids(&f, &text, "letter");

    // In English: the lines too.
    let r = get(
        &f.router,
        &letter_path(f.decision),
        &format!("{kim}; stegvis_lang=en"),
    )
    .await;
    let text = normalised(&text_pages(&r).join(" "));
    for expected in [
        "Arbets- och välfärdsnämnden",
        "Personal costs, single adult (Alva Ek)",
        "Household-common costs, 1 person",
        "Housing allowance",
        "¹ Rule table: National norm 2026 (official), version",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
    assert!(!text.contains("Personliga kostnader"), "{text}");
    assert_no_ids(&f, &text, "letter en");
}
