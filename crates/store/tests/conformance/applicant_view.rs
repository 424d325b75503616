//! The applicant's view: only the months in which the person was a member of the household, only the names of that
//! month's members (protected ones masked unless it is the applicant), only their own attachments, and a read-log
//! record that lists exactly what was returned.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a failure should panic"
)]

use domain::document::DocumentKind;
use domain::fact::{FactValue, Validity};
use domain::role::Role as StaffRole;
use domain::{Actor, DecisionId, HouseholdId, PersonId, ProtectedIdentity};
use jiff::civil::{Date, date};
use norm::Month;
use norm::contract::{CalcRequest, Role};
use sqlx::Row;
use store::{
    ApplicantScope, ApplicantView, ApplicantViews, Intake, NewDocument, NewPerson, SqlStore, Store,
    StoreError,
};

use super::support::{actor, backends, decision, pnr};

fn month(m: u8) -> Month {
    Month::new(2026, m).unwrap()
}

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n";

/// The household of the scenario, month by month (membership periods run from `from` up to, not including, `to`):
///
/// | person | role  | period                   | Jan | Feb | Mar | Apr |
/// |--------|-------|--------------------------|-----|-----|-----|-----|
/// | anna   | adult | 2026-01-01 –             |  x  |  x  |  x  |  x  |
/// | cilla  | adult | 2026-01-01 – 2026-03-01  |  x  |  x  |     |     |  (left: her last day was 28 Feb)
/// | kim    | child | 2026-02-01 – 2026-04-01  |     |  x  |  x  |     |  (moved out on 1 April)
/// | vera   | adult | 2026-03-01 – (protected) |     |     |  x  |  x  |
/// | bo     | adult | 2026-03-15 –             |     |     |  x  |  x  |  (joined mid-March)
///
/// Each of the four months has a decided application; April's came online with one attachment from anna and one
/// from bo.
struct Town {
    household: HouseholdId,
    anna: PersonId,
    bo: PersonId,
    cilla: PersonId,
    kim: PersonId,
    vera: PersonId,
    /// The decisions of January to April.
    decisions: [DecisionId; 4],
    applications: [domain::ApplicationId; 4],
    /// (anna's, bo's) attachment.
    documents: (domain::DocumentId, domain::DocumentId),
    staff: domain::StaffId,
}

async fn person(s: &SqlStore, a: &Actor, name: &str, birth: Date, serial: u16, protected: bool) -> PersonId {
    s.register_person(
        a,
        NewPerson {
            pnr: pnr(birth, serial),
            name: name.into(),
            protection: if protected {
                ProtectedIdentity::SkyddadFolkbokforing
            } else {
                ProtectedIdentity::None
            },
        },
    )
    .await
    .unwrap()
}

async fn member(
    s: &SqlStore,
    a: &Actor,
    h: HouseholdId,
    p: PersonId,
    role: Role,
    from: Date,
    to: Option<Date>,
) {
    s.record_fact(
        a,
        h,
        FactValue::Member { person: p, role },
        Validity::new(from, to).unwrap(),
    )
    .await
    .unwrap();
}

fn declaration(m: Month) -> CalcRequest {
    serde_json::from_str(&format!(
        r#"{{"month": "{m}", "members": [{{"id": "a", "role": "adult", "age": 40}}], "costs": {{"rent": 5000}}}}"#
    ))
    .unwrap()
}

async fn town(s: &SqlStore) -> Town {
    let setup = actor("2026-04-20T09:00:00Z");
    let unit = s.create_unit(&setup, "Team Nord").await.unwrap();
    let staff = s
        .create_staff(&setup, unit, "Karin Handläggare", StaffRole::Caseworker)
        .await
        .unwrap();
    let a = Actor::staff(staff, "Karin Handläggare", setup.at);
    let anna = person(s, &a, "Anna Först", date(1980, 1, 6), 601, false).await;
    let cilla = person(s, &a, "Cilla Kvar", date(1982, 2, 7), 602, false).await;
    let kim = person(s, &a, "Kim Barn", date(2015, 3, 8), 603, false).await;
    let vera = person(s, &a, "Vera Dold", date(1985, 3, 12), 604, true).await;
    let bo = person(s, &a, "Bo Sen", date(1979, 4, 9), 605, false).await;
    let h = s
        .register_household(&a, unit, &[(anna, Role::Adult)], date(2026, 1, 1))
        .await
        .unwrap();
    member(
        s,
        &a,
        h,
        cilla,
        Role::Adult,
        date(2026, 1, 1),
        Some(date(2026, 3, 1)),
    )
    .await;
    member(
        s,
        &a,
        h,
        kim,
        Role::Child,
        date(2026, 2, 1),
        Some(date(2026, 4, 1)),
    )
    .await;
    member(s, &a, h, vera, Role::Adult, date(2026, 3, 1), None).await;
    member(s, &a, h, bo, Role::Adult, date(2026, 3, 15), None).await;
    let mut decisions = Vec::new();
    let mut applications = Vec::new();
    let mut documents = (domain::DocumentId(0), domain::DocumentId(0));
    for m in 1..=4 {
        let app = if m == 4 {
            let file = |p: PersonId, name: &str| NewDocument {
                person: p,
                kind: DocumentKind::Underlag,
                file_name: name.into(),
                mime: "application/pdf".into(),
                content: PDF.to_vec(),
            };
            let (app, ids) = s
                .apply_with_documents(
                    &a,
                    h,
                    date(2026, 4, 2),
                    &declaration(month(4)),
                    &[file(anna, "annas hyra.pdf"), file(bo, "bos lön.pdf")],
                )
                .await
                .unwrap();
            documents = (ids[0], ids[1]);
            app
        } else {
            s.receive_application(&a, h, month(m), date(2026, i8::try_from(m).unwrap(), 2))
                .await
                .unwrap()
        };
        let app = s.start_investigation(&a, app.id, app.version).await.unwrap();
        let d = s
            .decide(&a, app.id, app.version, decision(&[4000]))
            .await
            .unwrap();
        applications.push(app.id);
        decisions.push(d.id);
    }
    Town {
        household: h,
        anna,
        bo,
        cilla,
        kim,
        vera,
        decisions: decisions.try_into().unwrap(),
        applications: applications.try_into().unwrap(),
        documents,
        staff,
    }
}

/// The months of a view, and each month's members: a name, or `None` for a masked one.
fn months(view: &ApplicantView) -> Vec<(Month, Vec<Option<String>>)> {
    view.months
        .iter()
        .map(|m| {
            (
                m.application.month,
                m.members
                    .iter()
                    .map(|p| p.person.as_ref().map(|p| p.name.clone()))
                    .collect(),
            )
        })
        .collect()
}

/// An applicant reading their own pages.
fn applicant(p: PersonId, page: &str) -> Actor {
    Actor {
        who: domain::Who::Person(p),
        page: page.into(),
        at: "2026-04-20T10:00:00Z".parse().unwrap(),
    }
}

fn named(name: &str) -> Option<String> {
    Some(name.to_owned())
}

/// The applicant-view records in the read log, oldest first: (subject, detail).
async fn records(s: &SqlStore) -> Vec<(Option<i64>, serde_json::Value)> {
    sqlx::query(
        "SELECT subject_person, detail_json FROM readlog.read_log WHERE action = 'applicant.read' ORDER BY seq, \
         subject_person",
    )
    .fetch_all(s.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| {
        let detail: String = r.try_get("detail_json").unwrap();
        (
            r.try_get("subject_person").unwrap(),
            serde_json::from_str(&detail).unwrap(),
        )
    })
    .collect()
}

async fn only_the_months_of_membership_with_that_months_members(s: &SqlStore) {
    let t = town(s).await;
    let reader = |p: PersonId| applicant(p, "mina-sidor");

    // Bo joined on 15 March: March and April, not January or February. In March kim (until 1 April) and vera were
    // members too, cilla (until 1 March) no longer; in April kim had moved out. Vera is protected: masked, last.
    let bo = s
        .applicant_view(&reader(t.bo), t.bo, ApplicantScope::Everything)
        .await
        .unwrap();
    assert_eq!(
        months(&bo),
        [
            (
                month(3),
                vec![named("Anna Först"), named("Kim Barn"), named("Bo Sen"), None]
            ),
            (month(4), vec![named("Anna Först"), named("Bo Sen"), None]),
        ]
    );
    let decided: Vec<DecisionId> = bo
        .months
        .iter()
        .flat_map(|m| m.decisions.iter().map(|d| d.id))
        .collect();
    assert_eq!(decided, [t.decisions[2], t.decisions[3]]);
    // Nothing of vera at all: no id, name or number, only that an adult was a member.
    let masked = bo.months[0].members.last().unwrap();
    assert_eq!((masked.role, masked.person.as_ref()), (Role::Adult, None));
    // His own attachment, not anna's from the same application.
    assert_eq!(
        bo.documents.iter().map(|d| d.id).collect::<Vec<_>>(),
        [t.documents.1]
    );
    // Letters' facts are not part of the pages' view.
    assert!(bo.units.is_empty() && bo.names.is_empty());
    // The read is recorded: one record per person named (anna, kim, bo; never vera), each listing exactly the
    // household, the two applications, their two decisions and bo's one document.
    let expected = serde_json::json!({
        "households": [t.household],
        "applications": [t.applications[2], t.applications[3]],
        "decisions": [t.decisions[2], t.decisions[3]],
        "documents": [t.documents.1],
        "appeals": [],
    });
    let mut subjects = [t.anna.get(), t.kim.get(), t.bo.get()];
    subjects.sort_unstable();
    assert_eq!(
        records(s).await,
        subjects
            .iter()
            .map(|p| (Some(*p), expected.clone()))
            .collect::<Vec<_>>()
    );

    // Cilla left on 1 March: she keeps January and February (kim from February), and nothing after.
    let cilla = s
        .applicant_view(&reader(t.cilla), t.cilla, ApplicantScope::Everything)
        .await
        .unwrap();
    assert_eq!(
        months(&cilla),
        [
            (month(1), vec![named("Anna Först"), named("Cilla Kvar")]),
            (
                month(2),
                vec![named("Anna Först"), named("Cilla Kvar"), named("Kim Barn")]
            ),
        ]
    );
    assert!(cilla.documents.is_empty());

    // Vera reads herself by name: the mask is for others.
    let vera = s
        .applicant_view(&reader(t.vera), t.vera, ApplicantScope::Everything)
        .await
        .unwrap();
    assert_eq!(
        months(&vera),
        [
            (
                month(3),
                vec![
                    named("Anna Först"),
                    named("Kim Barn"),
                    named("Vera Dold"),
                    named("Bo Sen")
                ]
            ),
            (
                month(4),
                vec![named("Anna Först"), named("Vera Dold"), named("Bo Sen")]
            ),
        ]
    );

    // Anna has been a member all along: every month, and her own attachment.
    let anna = s
        .applicant_view(&reader(t.anna), t.anna, ApplicantScope::Everything)
        .await
        .unwrap();
    assert_eq!(
        anna.months
            .iter()
            .map(|m| m.application.month)
            .collect::<Vec<_>>(),
        [month(1), month(2), month(3), month(4)]
    );
    assert_eq!(
        anna.documents.iter().map(|d| d.id).collect::<Vec<_>>(),
        [t.documents.0]
    );
}

async fn a_letters_view_holds_its_decision_and_that_months_members(s: &SqlStore) {
    let t = town(s).await;
    let reader = applicant(t.bo, "beslut/brev");
    let march = s
        .applicant_view(&reader, t.bo, ApplicantScope::Decision(t.decisions[2]))
        .await
        .unwrap();
    // March only, its decision only; its members (kim too: the calculation names the children), vera masked; the
    // unit and who decided.
    assert_eq!(
        months(&march),
        [(
            month(3),
            vec![named("Anna Först"), named("Kim Barn"), named("Bo Sen"), None]
        )]
    );
    assert_eq!(march.months[0].decisions.len(), 1);
    assert_eq!(march.months[0].decisions[0].id, t.decisions[2]);
    assert!(march.documents.is_empty());
    assert_eq!(
        march.units.get(&t.household).map(String::as_str),
        Some("Team Nord")
    );
    assert_eq!(
        march
            .names
            .get(&format!("staff:{}", t.staff.get()))
            .map(String::as_str),
        Some("Karin Handläggare")
    );
    // February's letter is not bo's: nothing is returned, and the record says so.
    let february = s
        .applicant_view(&reader, t.bo, ApplicantScope::Decision(t.decisions[1]))
        .await
        .unwrap();
    assert!(february.months.is_empty() && february.units.is_empty() && february.names.is_empty());
    let last = records(s).await.pop().unwrap();
    assert_eq!(
        last,
        (
            Some(t.bo.get()),
            serde_json::json!({
                "households": [], "applications": [], "decisions": [], "documents": [], "appeals": []
            })
        )
    );
}

async fn access_to_a_decision_follows_membership_during_its_month(s: &SqlStore) {
    let t = town(s).await;
    // (reader, decision of the month) -> member during the month, worked out from the table above.
    let cases = [
        (t.bo, 0, false),
        (t.bo, 1, false),
        (t.bo, 2, true),
        (t.bo, 3, true),
        (t.cilla, 1, true),
        (t.cilla, 2, false),
        (t.kim, 0, false),
        (t.kim, 2, true),
        (t.kim, 3, false),
        (t.anna, 0, true),
    ];
    for (person, m, expected) in cases {
        let access = s.decision_membership(person, t.decisions[m]).await.unwrap();
        assert_eq!(access.household, t.household);
        assert_eq!(access.month, month(u8::try_from(m).unwrap() + 1));
        assert_eq!(access.member(), expected, "{person:?} month {}", m + 1);
    }
    assert!(matches!(
        s.decision_membership(t.bo, DecisionId(t.decisions[3].get() + 100))
            .await,
        Err(StoreError::NotFound { .. })
    ));
    // Checking access reads ids and dates only: nothing is recorded.
    assert!(records(s).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_applicants_view_holds_only_the_months_of_membership() {
    for db in backends().await {
        only_the_months_of_membership_with_that_months_members(&db.store).await;
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_letters_view_holds_its_decision_and_its_months_members() {
    for db in backends().await {
        a_letters_view_holds_its_decision_and_that_months_members(&db.store).await;
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_to_a_decision_follows_membership_during_its_month_on_every_backend() {
    for db in backends().await {
        access_to_a_decision_follows_membership_during_its_month(&db.store).await;
        db.finish().await;
    }
}
