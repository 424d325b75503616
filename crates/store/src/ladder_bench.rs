//! The ladder benchmark's data and its SQL-alone alternative (`stegvis bench ladder`): a bench-only generator that
//! writes adults on assistance with their ladder periods straight into a fresh database, and the transition matrix
//! computed in one SQL statement, as a controller with database access would write it. Nothing here runs in the
//! product.

use sqlx::Row;

use crate::error::Result;
use crate::sql::SqlStore;

/// Rows of a table (for the benchmark's report).
pub async fn count(store: &SqlStore, table: &str) -> Result<i64> {
    Ok(sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(store.pool())
        .await?
        .try_get(0)?)
}

/// The summed transition matrix of 2025-12..2026-11 in SQL alone (SQLite): its person-months.
pub async fn sql_matrix(store: &SqlStore) -> Result<i64> {
    let rows = sqlx::query(SQL_MATRIX).fetch_all(store.pool()).await?;
    let mut total = 0;
    for r in rows {
        total += r.try_get::<i64, _>("n")?;
    }
    Ok(total)
}

/// What a controller would write: for each month of the range and each person, the step on its first day (the
/// latest assessment, when no exit lies between it and the day) and the state on its last day, counted by
/// (from, to). The same definitions as the page's matrix; nothing else of the page.
const SQL_MATRIX: &str = "WITH RECURSIVE months(first, last) AS ( \
    SELECT '2025-12-01', date('2025-12-01', '+1 month', '-1 day') \
    UNION ALL SELECT date(first, '+1 month'), date(first, '+2 month', '-1 day') FROM months \
    WHERE first < '2026-11-01'), \
  people AS (SELECT DISTINCT person_id FROM assessments WHERE assessed_on <= '2026-11-30'), \
  at_first AS (SELECT m.first, m.last, p.person_id, \
    (SELECT a.assessed_on FROM assessments a WHERE a.person_id = p.person_id AND a.assessed_on <= m.first \
     ORDER BY a.assessed_on DESC LIMIT 1) AS since \
    FROM months m CROSS JOIN people p), \
  on_first AS (SELECT f.*, (SELECT a.step FROM assessments a WHERE a.person_id = f.person_id \
     AND a.assessed_on = f.since ORDER BY a.id DESC LIMIT 1) AS from_step \
    FROM at_first f WHERE f.since IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ladder_exits e \
     WHERE e.person_id = f.person_id AND e.exited_on >= f.since AND e.exited_on <= f.first)), \
  at_last AS (SELECT o.*, (SELECT a.assessed_on FROM assessments a WHERE a.person_id = o.person_id \
     AND a.assessed_on <= o.last ORDER BY a.assessed_on DESC LIMIT 1) AS latest FROM on_first o), \
  ends AS (SELECT l.from_step, CASE WHEN NOT EXISTS (SELECT 1 FROM ladder_exits e WHERE e.person_id = l.person_id \
     AND e.exited_on >= l.latest AND e.exited_on <= l.last) \
     THEN (SELECT 'step ' || a.step FROM assessments a WHERE a.person_id = l.person_id AND a.assessed_on = l.latest \
           ORDER BY a.id DESC LIMIT 1) \
     ELSE (SELECT 'exit ' || e.reason FROM ladder_exits e WHERE e.person_id = l.person_id \
           AND e.exited_on > l.first AND e.exited_on <= l.last ORDER BY e.exited_on DESC LIMIT 1) END AS to_state \
    FROM at_last l) \
  SELECT from_step, to_state, COUNT(*) AS n FROM ends GROUP BY from_step, to_state";

/// Months of generated history: 2021-01 to 2026-11.
const MONTHS: u64 = 71;

/// xorshift64*: small and deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in 0..n.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `p` (per mille).
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
}

/// Month index (0 = 2021-01) and day to a date text.
fn day_text(month: u64, day: u64) -> String {
    format!(
        "{}-{:02}-{:02}",
        2021 + month / 12,
        month % 12 + 1,
        day.clamp(1, 28)
    )
}

const KINDS: [&str; 7] = [
    "sfi",
    "studies",
    "work_practice",
    "job_search",
    "rehabilitation",
    "subsidised_employment",
    "other",
];

/// Rows collected for multi-row inserts.
#[derive(Default)]
struct Rows {
    persons: Vec<String>,
    households: Vec<String>,
    assessments: Vec<String>,
    exits: Vec<String>,
    plans: Vec<String>,
    activities: Vec<String>,
}

/// Generates the bench town into a fresh database: `inhabitants` × 7 % adults on assistance over 2021-2026.
pub async fn generate(store: &SqlStore, inhabitants: u32, seed: u64) -> Result<()> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let adults = u64::from(inhabitants) * 7 / 100;
    let mut rows = Rows::default();
    let mut plan_id = 0_u64;
    for person in 1..=adults {
        rows.persons
            .push(format!("({person}, 'B{person:011}', 'Bench', 'none', 0)"));
        rows.households.push(format!("({person}, 1, 0)"));
        let mut month = rng.below(MONTHS);
        while month < MONTHS {
            // A period: a first assessment, then month by month a change of step or an exit.
            let mut step: u8 = 1 + [0, 0, 0, 1, 1, 2, 2, 3, 4, 5]
                .get(usize::try_from(rng.below(10)).unwrap_or(0))
                .copied()
                .unwrap_or(0);
            let start_day = 1 + rng.below(28);
            rows.assessments.push(format!(
                "({person}, {person}, '{}', 1, {step}, NULL, '{{}}', 'bench', 0)",
                day_text(month, start_day)
            ));
            plan_id += 1;
            let kind = usize::try_from(rng.below(10)).unwrap_or(0);
            let activity = KINDS.get(kind).copied();
            let activity_end = month + 2 + rng.below(8);
            let mut exited = None;
            let mut m = month + 1;
            while m < MONTHS {
                // Higher steps exit faster; subsidised employment and work practice go with more exits.
                let mut exit = [15, 25, 40, 60, 90, 140]
                    .get(usize::from(step - 1))
                    .copied()
                    .unwrap_or(140);
                if m <= activity_end {
                    exit = match activity {
                        Some("subsidised_employment") => exit * 18 / 10,
                        Some("work_practice") => exit * 14 / 10,
                        Some("rehabilitation" | "sfi") => exit * 8 / 10,
                        _ => exit,
                    };
                }
                let day = 1 + rng.below(28);
                if rng.chance(exit) {
                    // Higher steps leave for work more often.
                    let work = match step {
                        5 | 6 => 7,
                        4 => 5,
                        _ => 2,
                    };
                    let reason = if rng.below(10) < work {
                        "work"
                    } else {
                        ["studies", "studies", "other_benefit", "moved", "other"]
                            .get(usize::try_from(rng.below(5)).unwrap_or(0))
                            .copied()
                            .unwrap_or("other")
                    };
                    rows.exits.push(format!(
                        "({person}, {person}, '{}', '{reason}', 'bench', 0)",
                        day_text(m, day)
                    ));
                    exited = Some(m);
                    break;
                }
                let changed = if step < 6 && rng.chance(80) {
                    step += 1;
                    true
                } else if step > 1 && rng.chance(20) {
                    step -= 1;
                    true
                } else {
                    false
                };
                if changed || (m - month).is_multiple_of(3) {
                    rows.assessments.push(format!(
                        "({person}, {person}, '{}', 1, {step}, NULL, '{{}}', 'bench', 0)",
                        day_text(m, day)
                    ));
                }
                m += 1;
            }
            let closed = exited.map_or("NULL".to_owned(), |e| format!("'{}'", day_text(e, 28)));
            rows.plans.push(format!(
                "({plan_id}, {person}, {person}, 'Arbete', '{}', NULL, {closed}, 'bench', 0)",
                day_text(month, start_day)
            ));
            if let Some(kind) = activity {
                rows.activities.push(format!(
                    "({plan_id}, '{kind}', 'Kommunen', '{}', '{}', 20, 'bench', 0)",
                    day_text(month, start_day),
                    day_text(activity_end.min(MONTHS + 12), 28)
                ));
            }
            match exited {
                // A quarter come back, after one to eighteen months.
                Some(e) if rng.chance(250) => month = e + 1 + rng.below(18),
                _ => break,
            }
        }
    }
    let mut conn = store.pool().acquire().await?;
    sqlx::query("BEGIN").execute(&mut *conn).await?;
    sqlx::query("INSERT INTO org_units (id, name) VALUES (1, 'Bench')")
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO ladder_versions (id, valid_from, created_by, created_at) VALUES (1, '2020-01-01', 'bench', 0)")
        .execute(&mut *conn)
        .await?;
    let ladder = domain::progression::Ladder::default_ladder();
    for (i, s) in ladder.steps().iter().enumerate() {
        sqlx::query(
            "INSERT INTO ladder_steps (version_id, step, name_sv, name_en, description_sv, description_en) \
             VALUES (1, $1, $2, $3, $4, $5)",
        )
        .bind(i64::try_from(i).unwrap_or(0) + 1)
        .bind(s.name_sv.clone())
        .bind(s.name_en.clone())
        .bind(s.description_sv.clone())
        .bind(s.description_en.clone())
        .execute(&mut *conn)
        .await?;
    }
    for (table, columns, values) in [
        (
            "persons",
            "id, pnr, name, protection, registered_at",
            &rows.persons,
        ),
        ("households", "id, unit_id, registered_at", &rows.households),
        (
            "assessments",
            "person_id, household_id, assessed_on, ladder_version, step, own_step, obstacles, assessed_by, recorded_at",
            &rows.assessments,
        ),
        (
            "ladder_exits",
            "person_id, household_id, exited_on, reason, recorded_by, recorded_at",
            &rows.exits,
        ),
        (
            "plans",
            "id, person_id, household_id, goal, made_on, job_coach_id, closed_on, created_by, created_at",
            &rows.plans,
        ),
        (
            "activities",
            "plan_id, kind, provider, starts_on, ends_on, hours_per_week, created_by, created_at",
            &rows.activities,
        ),
    ] {
        for chunk in values.chunks(500) {
            sqlx::query(&format!(
                "INSERT INTO {table} ({columns}) VALUES {}",
                chunk.join(", ")
            ))
            .execute(&mut *conn)
            .await?;
        }
    }
    sqlx::query("COMMIT").execute(&mut *conn).await?;
    sqlx::query("ANALYZE").execute(&mut *conn).await?;
    Ok(())
}
