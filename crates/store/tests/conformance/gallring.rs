//! Gallring that removes everything: a household is gallrad and then every table of the schema (found generically,
//! both logs and attachments' bytes included) is searched for the persons' identifiers and the free texts written
//! about them; the chains still verify, a research-sample person of the same run is kept whole, and the months
//! remain as statistics. Also: the logs' own retention, and a chain written before migration 0013.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code: a failure should panic"
)]

use std::path::{Path, PathBuf};

use domain::appeal::CourtOutcome;
use domain::decision::{DecisionItem, FrozenCalculation, NewDecision, Outcome};
use domain::document::DocumentKind;
use domain::fact::{FactValue, Validity};
use domain::follow_up::FollowUpReason;
use domain::journal::NoteKind;
use domain::role::Role as StaffRole;
use domain::{Actor, PersonId, Personnummer, ProtectedIdentity, Who};
use jiff::civil::{Date, date};
use norm::contract::{CalcRequest, CalcResponse, MemberIn, Role};
use norm::{Money, Month};
use sha2::{Digest, Sha256};
use sqlx::{Connection, Executor, Row};
use store::{
    AccountStore, AuditVerdict, Backend, ExternalSignIn, FollowUps, GallringPolicy, Intake, NewAccount,
    NewDocument, NewPerson, Progressions, SqlStore, Store, token_hash,
};

use super::support::{actor, backends, count, pnr, ts};

fn kr(n: i64) -> Money {
    Money::from_kronor(n).unwrap()
}

/// A row of `household_month_statistics`: month, unit, adults, children, type, status, granted, paid.
type StatisticsRow = (String, i64, i64, i64, String, String, i64, i64);

/// Where a needle was found: `table.column`.
type Findings = Vec<String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Bytes,
    Int,
    /// Booleans and timestamps (the migrations' own bookkeeping on PostgreSQL): nothing to search.
    Other,
}

/// Every column of every table of the schema, both logs included, read from the database's own catalogue:
/// (table as it is queried, column, kind).
async fn columns(s: &SqlStore) -> Vec<(String, String, Kind)> {
    let mut out = vec![];
    match s.backend() {
        Backend::Sqlite => {
            for (schema, prefix) in [("main", ""), ("readlog", "readlog.")] {
                let tables: Vec<String> = sqlx::query(&format!(
                    "SELECT name FROM {schema}.sqlite_master WHERE type = 'table' ORDER BY name"
                ))
                .fetch_all(s.pool())
                .await
                .unwrap()
                .iter()
                .map(|r| r.try_get("name").unwrap())
                .collect();
                for table in tables {
                    let cols = sqlx::query("SELECT name, type FROM pragma_table_info($1, $2)")
                        .bind(table.clone())
                        .bind(schema)
                        .fetch_all(s.pool())
                        .await
                        .unwrap();
                    for c in cols {
                        let ty: String = c.try_get::<String, _>("type").unwrap().to_uppercase();
                        let kind = if ty.contains("INT") {
                            Kind::Int
                        } else if ty.contains("BLOB") {
                            Kind::Bytes
                        } else {
                            Kind::Text
                        };
                        out.push((format!("{prefix}{table}"), c.try_get("name").unwrap(), kind));
                    }
                }
            }
        }
        Backend::Postgres => {
            let cols = sqlx::query(
                "SELECT CAST(table_schema AS TEXT) AS s, CAST(table_name AS TEXT) AS t, \
                 CAST(column_name AS TEXT) AS c, CAST(data_type AS TEXT) AS ty \
                 FROM information_schema.columns WHERE table_schema IN ('public', 'readlog') \
                 ORDER BY table_schema, table_name, ordinal_position",
            )
            .fetch_all(s.pool())
            .await
            .unwrap();
            for c in cols {
                let schema: String = c.try_get("s").unwrap();
                let table: String = c.try_get("t").unwrap();
                let ty: String = c.try_get("ty").unwrap();
                let kind = match ty.as_str() {
                    "bytea" => Kind::Bytes,
                    "bigint" | "integer" | "smallint" => Kind::Int,
                    "text" | "character varying" => Kind::Text,
                    _ => Kind::Other,
                };
                let table = if schema == "public" {
                    table
                } else {
                    format!("{schema}.{table}")
                };
                out.push((table, c.try_get("c").unwrap(), kind));
            }
        }
    }
    assert!(out.len() > 50, "the catalogue lists the schema: {out:?}");
    out
}

/// Whether `hay` holds `prefix` followed by `id` as a whole number (not the start of a longer one).
fn holds_id(hay: &[u8], prefix: &str, id: i64) -> bool {
    let needle = format!("{prefix}{id}");
    let n = needle.as_bytes();
    (0..hay.len().saturating_sub(n.len() - 1))
        .any(|i| hay[i..].starts_with(n) && !hay.get(i + n.len()).is_some_and(u8::is_ascii_digit))
}

/// The ways a person id appears in text: an actor, a fact key, a JSON field, a page path.
const ID_PREFIXES: [&str; 7] = [
    "person:",
    "member:",
    "income:",
    "\"person\":",
    "\"subject\":",
    "person/",
    "personer/",
];

/// Searches every text and binary column of every table for the needles and the ids (as they appear in text), and
/// every integer column naming a person for the ids. Returns where each was found.
async fn search(s: &SqlStore, needles: &[&str], ids: &[i64]) -> Findings {
    let mut found = vec![];
    for (table, column, kind) in columns(s).await {
        if kind == Kind::Other {
            continue;
        }
        let select = match (s.backend(), kind) {
            (Backend::Sqlite, Kind::Text) => format!("SELECT CAST({column} AS TEXT) AS v FROM {table}"),
            _ => format!("SELECT {column} AS v FROM {table}"),
        };
        let rows = sqlx::query(&select).fetch_all(s.pool()).await.unwrap();
        for row in rows {
            let bytes: Vec<u8> = match kind {
                Kind::Text => row
                    .try_get::<Option<String>, _>("v")
                    .unwrap()
                    .unwrap_or_default()
                    .into_bytes(),
                Kind::Bytes => row
                    .try_get::<Option<Vec<u8>>, _>("v")
                    .unwrap()
                    .unwrap_or_default(),
                Kind::Int => {
                    let v: Option<i64> = row.try_get("v").unwrap_or(None);
                    let names_person = column.contains("person") || column == "subject";
                    if let Some(v) = v.filter(|v| names_person && ids.contains(v)) {
                        found.push(format!("{table}.{column} = {v}"));
                    }
                    continue;
                }
                Kind::Other => continue,
            };
            for needle in needles {
                if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                    found.push(format!("{table}.{column}: {needle}"));
                }
            }
            for &id in ids {
                for prefix in ID_PREFIXES {
                    if holds_id(&bytes, prefix, id) {
                        found.push(format!("{table}.{column}: {prefix}{id}"));
                    }
                }
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// The 10-digit forms of a personnummer (with and without the dash), which the 12-digit one also contains.
fn pnr_forms(p: &Personnummer) -> [String; 2] {
    let canonical = p.to_string().replace('-', "");
    let digits: String = canonical.chars().filter(char::is_ascii_digit).collect();
    let ten = digits[digits.len() - 10..].to_owned();
    let dashed = format!("{}-{}", &ten[..6], &ten[6..]);
    [ten, dashed]
}

fn member(id: &str, role: Role, age: i64) -> MemberIn {
    MemberIn {
        id: id.into(),
        role,
        age,
        lunch_outside_home: false,
        months_with_assistance: 0,
        jobbstimulans_from: None,
    }
}

fn request(month: Month, members: Vec<MemberIn>) -> CalcRequest {
    CalcRequest {
        month,
        members,
        couple: None,
        shared_household_size: None,
        costs: Default::default(),
        incomes: vec![],
        assets: 0,
        decided_on: None,
        norm_adjustments: Vec::new(),
    }
}

fn frozen(request: CalcRequest, assistance: i64) -> FrozenCalculation {
    FrozenCalculation {
        changes: Default::default(),
        response: CalcResponse {
            month: request.month,
            rule_table: "riksnorm 2019".into(),
            rule_table_version: "2019.1".into(),
            rule_set: "sol-2001-453".into(),
            norm: assistance,
            reasonable_costs: 0,
            counted_income: 0,
            assets: 0,
            assistance,
            lines: vec![],
            findings: vec![],
        },
        request,
        rule_table: "riksnorm 2019".into(),
        rule_table_version: "2019.1".into(),
    }
}

fn item(what: &str, amount: i64, reasons: &str) -> DecisionItem {
    DecisionItem {
        purpose: Default::default(),
        what: what.into(),
        outcome: Outcome::Bifall,
        applied: kr(amount),
        granted: kr(amount),
        reasons: reasons.into(),
        legal_basis: "SoL 4:1".into(),
    }
}

fn applicant(person: PersonId, page: &str, at: &str) -> Actor {
    Actor {
        who: Who::Person(person),
        page: page.into(),
        at: ts(at),
    }
}

async fn person(s: &SqlStore, a: &Actor, birth: Date, serial: u16, name: &str) -> (PersonId, Personnummer) {
    let p = pnr(birth, serial);
    let id = s
        .register_person(
            a,
            NewPerson {
                pnr: p,
                name: name.into(),
                protection: ProtectedIdentity::None,
            },
        )
        .await
        .unwrap();
    (id, p)
}

/// Applies online, is decided with a frozen calculation and paid, all in June 2019; returns the decision.
async fn paid_month(
    s: &SqlStore,
    staff: &Actor,
    applicant: &Actor,
    household: domain::HouseholdId,
    req: CalcRequest,
    documents: &[NewDocument],
    reasons: &str,
) -> domain::DecisionId {
    let (app, _) = s
        .apply_with_documents(applicant, household, date(2019, 6, 3), &req, documents)
        .await
        .unwrap();
    let app = s.start_investigation(staff, app.id, app.version).await.unwrap();
    let decision = NewDecision {
        deductions: Default::default(),
        items: vec![
            item("Försörjningsstöd 2019-06", 4000, reasons),
            item("Hyra 2019-06", 1500, reasons),
        ],
        calculation: Some(frozen(req, 5500)),
        replaces: None,
    };
    let d = s.decide(staff, app.id, app.version, decision).await.unwrap();
    let batch = s.create_payment_batch(staff, date(2019, 6, 10)).await.unwrap();
    s.add_to_batch(staff, batch, d.id).await.unwrap();
    s.approve_batch(staff, batch, None).await.unwrap();
    s.export_batch(staff, batch).await.unwrap();
    s.confirm_batch_paid(staff, batch).await.unwrap();
    d.id
}

async fn intact(s: &SqlStore) {
    assert!(
        matches!(s.verify_audit_chain().await.unwrap(), AuditVerdict::Intact { .. }),
        "{:?}",
        s.verify_audit_chain().await
    );
    assert!(
        matches!(s.verify_read_chain().await.unwrap(), AuditVerdict::Intact { .. }),
        "{:?}",
        s.verify_read_chain().await
    );
}

/// Records with content about `p` in both logs (subject or acting in the e-service).
async fn records_about(s: &SqlStore, p: PersonId) -> i64 {
    let mut n = 0;
    for table in ["audit_log", "readlog.read_log"] {
        n += count(
            s,
            &format!(
                "SELECT COUNT(*) FROM {table} WHERE detail_json IS NOT NULL \
                 AND (subject_person = {0} OR actor = 'person:{0}')",
                p.get()
            ),
        )
        .await;
    }
    n
}

async fn nothing_of_a_gallrad_household_is_left_anywhere(s: &SqlStore) {
    let staff = actor("2019-06-03T10:00:00Z");
    let unit = s.create_unit(&staff, "Team Öst").await.unwrap();
    // Gallras: an adult and her child. Kept: a research-sample person (born on the 15th), in the same run.
    let (g, g_pnr) = person(s, &staff, date(1970, 1, 6), 11, "Gunnel Gallrasdotter").await;
    let (c, c_pnr) = person(s, &staff, date(2012, 3, 7), 12, "Gustav Gallrasson").await;
    let (r, r_pnr) = person(s, &staff, date(1975, 4, 15), 13, "Rut Forskningsdotter").await;
    let hg = s
        .register_household(
            &staff,
            unit,
            &[(g, Role::Adult), (c, Role::Child)],
            date(2019, 6, 1),
        )
        .await
        .unwrap();
    let hr = s
        .register_household(&staff, unit, &[(r, Role::Adult)], date(2019, 6, 1))
        .await
        .unwrap();
    s.record_fact(
        &staff,
        hg,
        FactValue::Rent { amount: kr(6200) },
        Validity::open(date(2019, 6, 1)),
    )
    .await
    .unwrap();

    // June: applied online with a medical certificate, decided with a frozen calculation, paid, appealed in the
    // e-service (in time), judged by the court. July: applied on paper and withdrawn (no declaration).
    let june = Month::new(2019, 6).unwrap();
    let g_online = applicant(g, &format!("ansok/person/{}", g.get()), "2019-06-03T09:00:00Z");
    let certificate = NewDocument {
        person: g,
        kind: DocumentKind::Intyg,
        file_name: "lakarintyg-gunnel.pdf".into(),
        mime: "application/pdf".into(),
        content: format!("%PDF-1.7\n% Läkarintyg Gunnel Gallrasdotter {g_pnr} depression\n%%EOF\n")
            .into_bytes(),
    };
    let dg = paid_month(
        s,
        &staff,
        &g_online,
        hg,
        request(
            june,
            vec![
                member("Gunnel", Role::Adult, 49),
                member("Gustav", Role::Child, 7),
            ],
        ),
        &[certificate],
        "Gunnel har hyresskuld hos Bostadsbolaget",
    )
    .await;
    s.serve_decision(&staff, dg, date(2019, 6, 12)).await.unwrap();
    let appeal = s
        .appeal_online(
            &applicant(g, "overklaga", "2019-06-20T09:00:00Z"),
            dg,
            date(2019, 6, 20),
            "Jag behöver pengar till tandläkaren",
        )
        .await
        .unwrap();
    s.forward_appeal(&staff, appeal.id).await.unwrap();
    s.record_court_outcome(&staff, appeal.id, CourtOutcome::Avslag, None)
        .await
        .unwrap();
    let july = s
        .receive_application(&staff, hg, Month::new(2019, 7).unwrap(), date(2019, 7, 1))
        .await
        .unwrap();
    s.withdraw_application(&staff, july.id, july.version)
        .await
        .unwrap();
    let claim = s
        .create_claim(&staff, hg, Some(dg), kr(500), "Gunnel fick dubbel hyra utbetald")
        .await
        .unwrap();
    s.record_repayment(&staff, claim.id, kr(500)).await.unwrap();
    s.create_follow_up(
        &staff,
        hg,
        date(2019, 9, 1),
        &FollowUpReason::new("Ring Gunnel om Kronofogden").unwrap(),
    )
    .await
    .unwrap();
    // Her ladder work (issue #13): an assessment, a plan with an activity and a week's attendance, an exit and the
    // register's reason for June, and a read of it all. Everything goes with her.
    let ladder = domain::progression::Ladder::default_ladder();
    let assessment = domain::progression::Assessment::new(
        &ladder,
        date(2019, 6, 3),
        date(2019, 6, 3),
        2,
        Some(3),
        &[(
            domain::progression::LifeArea::MentalHealth,
            domain::progression::ObstacleLevel::Major,
        )],
    )
    .unwrap();
    s.record_assessment(&staff, g, hg, domain::LadderVersionId(1), &assessment)
        .await
        .unwrap();
    let plan = s
        .create_plan(
            &staff,
            g,
            hg,
            "Gunnel vill bli undersköterska",
            date(2019, 6, 3),
            None,
        )
        .await
        .unwrap();
    let rehab = domain::progression::ActivityPlan::new(
        domain::progression::ActivityKind::Rehabilitation,
        "Vårdcentralen Gunnelsborg",
        date(2019, 6, 3),
        None,
        10,
    )
    .unwrap();
    let activity = s.add_activity(&staff, plan, &rehab).await.unwrap();
    let week = domain::progression::AttendanceWeek::new(
        date(2019, 6, 3),
        date(2019, 6, 3),
        8,
        2,
        Some(domain::progression::Absence::Sick),
        10,
    )
    .unwrap();
    s.record_attendance(&staff, activity, &week).await.unwrap();
    s.record_exit(
        &staff,
        g,
        hg,
        date(2019, 6, 3),
        domain::progression::ExitReason::Work,
    )
    .await
    .unwrap();
    s.record_reason(
        &staff,
        g,
        hg,
        june,
        domain::progression::Forsorjningshinder::SocialReasons,
    )
    .await
    .unwrap();
    s.person_path(&staff, g, false).await.unwrap();
    s.append_journal(&staff, g, NoteKind::Note, "Gunnel berättar om sin depression")
        .await
        .unwrap();
    s.append_journal(&staff, c, NoteKind::Note, "Gustav byter skola till Vallaskolan")
        .await
        .unwrap();
    // Her e-service account: a session, a failed sign-in, a link to the municipality's provider (whose subject is
    // her personnummer), and a caseworker's account with a protected-identity grant for her.
    let account = s
        .create_account(
            &staff,
            NewAccount {
                username: "gunnel70".into(),
                display_name: "Gunnel Gallrasdotter".into(),
                role: StaffRole::Applicant,
                staff: None,
                person: Some(g),
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
                units: vec![],
            },
        )
        .await
        .unwrap();
    let token = token_hash("t");
    s.record_login(&staff, "gunnel70", Some((token.as_str(), "csrf", account)))
        .await
        .unwrap();
    s.record_login(&staff, "gunnel70", None).await.unwrap();
    s.link_external(&staff, account, "https://idp.example", &g_pnr.to_string())
        .await
        .unwrap();
    let caseworker = s
        .create_account(
            &staff,
            NewAccount {
                username: "handl".into(),
                display_name: "Handläggare".into(),
                role: StaffRole::Caseworker,
                staff: None,
                person: None,
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
                units: vec![unit],
            },
        )
        .await
        .unwrap();
    s.set_protected_grant(&staff, caseworker, g, true).await.unwrap();
    // Reads, into both logs.
    s.household_overview(&staff, hg, date(2019, 7, 1)).await.unwrap();
    s.find_person(&staff, &g_pnr).await.unwrap();
    s.journal(&staff, g).await.unwrap();

    // The research-sample person: the same kind of history.
    let r_online = applicant(r, "ansok", "2019-06-03T09:00:00Z");
    paid_month(
        s,
        &staff,
        &r_online,
        hr,
        request(june, vec![member("Rut", Role::Adult, 44)]),
        &[],
        "Rut har en skuld till hyresvärden",
    )
    .await;
    s.append_journal(&staff, r, NoteKind::Note, "Rut söker arbete inom vården")
        .await
        .unwrap();
    s.household_overview(&staff, hr, date(2019, 7, 1)).await.unwrap();

    let mut needles: Vec<String> = vec![
        "Gunnel".into(),
        "Gallrasdotter".into(),
        "Gustav".into(),
        "Gallrasson".into(),
        "depression".into(),
        "Vallaskolan".into(),
        "hyresskuld".into(),
        "tandläkaren".into(),
        "dubbel hyra".into(),
        "Kronofogden".into(),
        "lakarintyg".into(),
        "gunnel70".into(),
        "undersköterska".into(),
        "Gunnelsborg".into(),
    ];
    needles.extend(pnr_forms(&g_pnr));
    needles.extend(pnr_forms(&c_pnr));
    let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
    let ids = [g.get(), c.get()];
    // Before: every needle and every id is somewhere (else the search below would prove nothing).
    let before = search(s, &needles, &ids).await;
    // (The dashed form of a personnummer is searched for too, but the store never writes it.)
    for needle in needles.iter().filter(|n| !n.contains('-')) {
        assert!(
            before.iter().any(|f| f.ends_with(needle)),
            "{needle} not stored: {before:?}"
        );
    }
    for id in ids {
        assert!(
            before
                .iter()
                .any(|f| f.ends_with(&format!(":{id}")) || f.ends_with(&format!("= {id}")))
        );
    }
    let r_records = records_about(s, r).await;
    assert!(r_records >= 3, "{r_records}");

    let run = actor("2026-03-15T09:00:00Z");
    let report = s
        .gallring_report(&run, date(2026, 3, 15), GallringPolicy::default())
        .await
        .unwrap();
    assert_eq!(report.due, [g, c]);
    assert_eq!(report.kept_for_research, [r]);
    assert_eq!(report.households, [hg]);
    let outcome = s.gallring_execute(&run, &report).await.unwrap();
    // Two persons; notes: one each; documents: the certificate; facts: her and his membership (the rent goes with
    // the household, not counted here); one account; one household of two months.
    assert_eq!(
        (
            outcome.persons,
            outcome.notes,
            outcome.documents,
            outcome.facts,
            outcome.accounts
        ),
        (2, 2, 1, 2, 1)
    );
    assert_eq!((outcome.households, outcome.statistics), (1, 2));
    assert_eq!(
        (outcome.change_records, outcome.read_records),
        (report.change_records, report.read_records)
    );
    assert!(
        outcome.change_records > 0 && outcome.read_records > 0,
        "{outcome:?}"
    );

    // Nothing of them is left, anywhere.
    let after = search(s, &needles, &ids).await;
    assert!(after.is_empty(), "left after gallring: {after:?}");
    for table in [
        "assessments",
        "plans",
        "activities",
        "attendance",
        "ladder_exits",
        "adult_month_reasons",
    ] {
        assert_eq!(
            count(s, &format!("SELECT COUNT(*) FROM {table}")).await,
            0,
            "{table} after gallring"
        );
    }
    intact(s).await;

    // The research-sample person is kept whole: her data, her household's declaration and every log record.
    let mut r_needles = vec![
        "Rut Forskningsdotter",
        "Rut söker arbete",
        "skuld till hyresvärden",
    ];
    let r_forms = pnr_forms(&r_pnr);
    r_needles.push(&r_forms[0]);
    let kept = search(s, &r_needles, &[]).await;
    for needle in &r_needles {
        assert!(
            kept.iter().any(|f| f.ends_with(needle)),
            "{needle} lost: {kept:?}"
        );
    }
    assert_eq!(records_about(s, r).await, r_records);
    assert_eq!(
        count(
            s,
            &format!(
                "SELECT COUNT(*) FROM applications WHERE household_id = {} AND request_json IS NOT NULL",
                hr.get()
            )
        )
        .await,
        1
    );

    // The months remain as statistics: June from the frozen calculation (one adult, one child), decided 4,000 +
    // 1,500 kr and paid in full (550,000 öre); July from the membership facts (the same two), withdrawn, nothing.
    let rows = sqlx::query(
        "SELECT month, unit_id, adults, children, household_type, status, granted, paid \
         FROM household_month_statistics WHERE household_id = $1 ORDER BY month",
    )
    .bind(hg.get())
    .fetch_all(s.pool())
    .await
    .unwrap();
    let got: Vec<StatisticsRow> = rows
        .iter()
        .map(|r| {
            (
                r.try_get("month").unwrap(),
                r.try_get("unit_id").unwrap(),
                r.try_get("adults").unwrap(),
                r.try_get("children").unwrap(),
                r.try_get("household_type").unwrap(),
                r.try_get("status").unwrap(),
                r.try_get("granted").unwrap(),
                r.try_get("paid").unwrap(),
            )
        })
        .collect();
    let t = "one_adult_with_children".to_owned();
    assert_eq!(
        got,
        [
            (
                "2019-06".into(),
                unit.get(),
                1,
                1,
                t.clone(),
                "paid".into(),
                550_000,
                550_000
            ),
            ("2019-07".into(), unit.get(), 1, 1, t, "withdrawn".into(), 0, 0),
        ]
    );
    // The board's accounts stay: the payments, by purpose.
    assert_eq!(
        count(
            s,
            &format!(
                "SELECT CAST(SUM(p.amount) AS BIGINT) FROM payments p JOIN decision_items i \
                 ON i.decision_id = p.decision_id AND i.item_no = p.item_no \
                 WHERE p.decision_id = {} AND i.what = 'Hyra 2019-06'",
                dg.get()
            )
        )
        .await,
        150_000
    );
    // A second run finds nothing more to do.
    let again = s
        .gallring_report(&run, date(2026, 3, 15), GallringPolicy::default())
        .await
        .unwrap();
    assert!(again.due.is_empty() && again.households.is_empty(), "{again:?}");
    assert_eq!((again.change_records, again.read_records), (0, 0));
}

/// The logs keep their own retention: a read of a gallrad person younger than it keeps its content until a later
/// run, which then removes it and forgets the person's id.
async fn log_records_wait_for_their_own_retention(s: &SqlStore) {
    let old = actor("2019-06-03T10:00:00Z");
    let unit = s.create_unit(&old, "Team Syd").await.unwrap();
    let (p, _) = person(s, &old, date(1966, 2, 8), 21, "Per Loggsson").await;
    let h = s
        .register_household(&old, unit, &[(p, Role::Adult)], date(2019, 6, 1))
        .await
        .unwrap();
    s.household_overview(&old, h, date(2019, 6, 3)).await.unwrap();
    // A read in 2023 is no activity of his, but a log record about him.
    s.household_overview(&actor("2023-05-02T10:00:00Z"), h, date(2023, 5, 2))
        .await
        .unwrap();
    let three = GallringPolicy {
        log_retention_years: 3,
    };
    let run = actor("2025-01-10T09:00:00Z");
    let report = s.gallring_report(&run, date(2025, 1, 10), three).await.unwrap();
    assert_eq!(report.due, [p]);
    s.gallring_execute(&run, &report).await.unwrap();
    // Cutoff 2022-01-10: the 2019 records lost their content, the 2023 read keeps it (one record, one member).
    assert_eq!(records_about(s, p).await, 1);
    assert_eq!(count(s, "SELECT COUNT(*) FROM gallring_log_pending").await, 1);
    intact(s).await;
    // Three years on from 2023-05-02 the read is old enough.
    let later = actor("2026-06-01T09:00:00Z");
    let report = s.gallring_report(&later, date(2026, 6, 1), three).await.unwrap();
    assert!(report.due.is_empty());
    assert_eq!((report.change_records, report.read_records), (0, 1));
    let outcome = s.gallring_execute(&later, &report).await.unwrap();
    assert_eq!(outcome.read_records, 1);
    assert_eq!(records_about(s, p).await, 0);
    assert_eq!(count(s, "SELECT COUNT(*) FROM gallring_log_pending").await, 0);
    intact(s).await;
    // Only gallring's removal is allowed: any other change to a log record is refused by the database.
    assert!(
        sqlx::query("UPDATE audit_log SET page = 'x' WHERE seq = 1")
            .execute(s.pool())
            .await
            .is_err()
    );
    assert!(
        sqlx::query(
            "UPDATE audit_log SET hash = 'x', actor = NULL, action = NULL, subject_person = NULL, \
                     page = NULL, detail_json = NULL WHERE seq = 1"
        )
        .execute(s.pool())
        .await
        .is_err()
    );
    assert!(
        sqlx::query("DELETE FROM readlog.read_log WHERE seq = 1")
            .execute(s.pool())
            .await
            .is_err()
    );
}

/// Lets a test change the change log behind the database's back, as someone with access to its files could.
async fn triggers_off(s: &SqlStore) {
    let off = match s.backend() {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_update",
        Backend::Postgres => "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update",
    };
    s.pool().execute(off).await.unwrap();
}

/// A gallrad record is checked by its kept digest: changing the digest (or the content of one that still has it)
/// breaks the chain there.
async fn a_gallrad_record_is_checked_by_its_digest(s: &SqlStore) {
    let a = actor("2026-03-15T09:00:00Z");
    for i in 0..4 {
        s.create_unit(&a, &format!("Enhet {i}")).await.unwrap();
    }
    sqlx::query(
        "UPDATE audit_log SET actor = NULL, action = NULL, subject_person = NULL, page = NULL, \
         detail_json = NULL WHERE seq = 2",
    )
    .execute(s.pool())
    .await
    .unwrap();
    intact(s).await;
    triggers_off(s).await;
    sqlx::query("UPDATE audit_log SET content_digest = $1 WHERE seq = 2")
        .bind("0".repeat(64))
        .execute(s.pool())
        .await
        .unwrap();
    match s.verify_audit_chain().await.unwrap() {
        AuditVerdict::Broken { seq, .. } => assert_eq!(seq, 2),
        v => panic!("a changed digest was not detected: {v:?}"),
    }
}

// --- a chain written before migration 0013 ---------------------------------------------------------------------

fn sha(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The migrations before 0013, copied to a directory of their own, to build a database as it was.
fn migrations_before_0013(backend: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let dir = std::env::temp_dir().join(format!("stegvis-mig-{backend}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.as_str() < "0013" {
            std::fs::copy(&path, dir.join(name)).unwrap();
        }
    }
    dir
}

/// Appends `n` records to a log with the formula used before 0013: sha256(prev_hash || canonical JSON).
async fn legacy_records(conn: &mut sqlx::AnyConnection, table: &str, head: &str, n: i64) {
    let mut prev = "0".repeat(64);
    for seq in 1..=n {
        let at = ts("2020-01-01T10:00:00Z").as_microsecond() + seq;
        let detail = format!("{{\"household\":{seq}}}");
        let canonical =
            serde_json::json!([seq, at, "staff:1", "household.read", 7, "hushall", detail]).to_string();
        let hash = sha(&[&prev, &canonical]);
        sqlx::query(&format!(
            "INSERT INTO {table} (seq, at, actor, action, subject_person, page, detail_json, prev_hash, hash) \
             VALUES ($1, $2, 'staff:1', 'household.read', 7, 'hushall', $3, $4, $5)"
        ))
        .bind(seq)
        .bind(at)
        .bind(detail)
        .bind(prev.clone())
        .bind(hash.clone())
        .execute(&mut *conn)
        .await
        .unwrap();
        prev = hash;
    }
    sqlx::query(&format!("UPDATE {head} SET seq = $1, hash = $2 WHERE id = 1"))
        .bind(n)
        .bind(prev)
        .execute(&mut *conn)
        .await
        .unwrap();
}

/// After migration 0013 a chain written before it still verifies; new records follow the digest formula; a
/// legacy record and a new one can both lose their content and the chains still verify; a changed legacy record is
/// still caught.
async fn a_chain_from_before_the_migration_still_verifies(url: &str, backend: Backend) {
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let dir = match backend {
        Backend::Sqlite => {
            let path = url.trim_start_matches("sqlite://").split('?').next().unwrap();
            conn.execute(format!("ATTACH DATABASE '{path}-readlog' AS readlog").as_str())
                .await
                .unwrap();
            migrations_before_0013("sqlite")
        }
        Backend::Postgres => migrations_before_0013("postgres"),
    };
    sqlx::migrate::Migrator::new(dir.as_path())
        .await
        .unwrap()
        .run(&mut conn)
        .await
        .unwrap();
    legacy_records(&mut conn, "audit_log", "audit_head", 3).await;
    legacy_records(&mut conn, "readlog.read_log", "readlog.read_head", 2).await;
    conn.close().await.unwrap();
    std::fs::remove_dir_all(dir).unwrap();

    let s = SqlStore::connect(url).await.unwrap();
    assert_eq!(
        s.verify_audit_chain().await.unwrap(),
        AuditVerdict::Intact { records: 3 }
    );
    assert_eq!(
        s.verify_read_chain().await.unwrap(),
        AuditVerdict::Intact { records: 2 }
    );
    let a = actor("2026-03-15T09:00:00Z");
    s.create_unit(&a, "Enhet").await.unwrap();
    assert_eq!(
        s.verify_audit_chain().await.unwrap(),
        AuditVerdict::Intact { records: 4 }
    );
    // The new record's hash is sha256(prev_hash || content_digest), the digest kept beside it.
    let row = sqlx::query("SELECT prev_hash, content_digest, hash FROM audit_log WHERE seq = 4")
        .fetch_one(s.pool())
        .await
        .unwrap();
    let (prev, digest, hash): (String, String, String) = (
        row.try_get("prev_hash").unwrap(),
        row.try_get("content_digest").unwrap(),
        row.try_get("hash").unwrap(),
    );
    assert_eq!(sha(&[&prev, &digest]), hash);
    for seq in [2, 4] {
        sqlx::query(
            "UPDATE audit_log SET actor = NULL, action = NULL, subject_person = NULL, page = NULL, \
             detail_json = NULL WHERE seq = $1",
        )
        .bind(seq)
        .execute(s.pool())
        .await
        .unwrap();
    }
    sqlx::query(
        "UPDATE readlog.read_log SET actor = NULL, action = NULL, subject_person = NULL, page = NULL, \
         detail_json = NULL WHERE seq = 1",
    )
    .execute(s.pool())
    .await
    .unwrap();
    intact(&s).await;
    // A legacy record changed behind the triggers' back is still caught.
    triggers_off(&s).await;
    sqlx::query("UPDATE audit_log SET page = 'annat' WHERE seq = 3")
        .execute(s.pool())
        .await
        .unwrap();
    match s.verify_audit_chain().await.unwrap() {
        AuditVerdict::Broken { seq, .. } => assert_eq!(seq, 3),
        v => panic!("a changed legacy record was not detected: {v:?}"),
    }
    s.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gallring() {
    for db in backends().await {
        nothing_of_a_gallrad_household_is_left_anywhere(&db.store).await;
        db.finish().await;
    }
    for db in backends().await {
        log_records_wait_for_their_own_retention(&db.store).await;
        db.finish().await;
    }
    for db in backends().await {
        a_gallrad_record_is_checked_by_its_digest(&db.store).await;
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gallring_legacy_chain() {
    let path = std::env::temp_dir().join(format!("stegvis-legacy-{}.db", uuid::Uuid::new_v4().simple()));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    a_chain_from_before_the_migration_still_verifies(&url, Backend::Sqlite).await;
    for suffix in ["", "-wal", "-shm", "-readlog", "-readlog-wal", "-readlog-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    if let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") {
        sqlx::any::install_default_drivers();
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::AnyConnection::connect(&admin_url).await.unwrap();
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
        let (base, _) = admin_url.rsplit_once('/').unwrap();
        a_chain_from_before_the_migration_still_verifies(&format!("{base}/{name}"), Backend::Postgres).await;
        admin
            .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await
            .unwrap();
        admin.close().await.unwrap();
    }
}
