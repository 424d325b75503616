//! The ladder's statistics read (issue #13): every person's compact history (assessment days and steps, exits with
//! their reason, activities with their kind) that a date range's figures need, and the ladder's versions, in ONE
//! statement (one consistent snapshot; the rows packed as JSON lists, see [`crate::packed`]). No per-person queries:
//! a town of a million inhabitants has hundreds of thousands of assessments.
//!
//! The histories carry no id, name or personnummer; the caller computes aggregates from them
//! (`domain::progression::analysis`). Still, they are personal data read: each call writes ONE `statistics.read`
//! record to the read log naming the report, the range, the units and how many persons' histories it covered, not
//! one record per person (the reader never sees a person; a record per person would make the log grow by a
//! town's ladder every time the board opens the page).

use std::collections::BTreeMap;
use std::future::Future;

use domain::progression::analysis::{ActivitySpan, History};
use domain::progression::{ActivityKind, ExitReason, Ladder, LadderStep, LadderVersion};
use domain::{Actor, UnitId};
use jiff::civil::Date;
use serde_json::json;

use crate::error::{Result, StoreError};
use crate::packed::{Columns, List, fetch_lists};
use crate::sql::{SqlStore, date_text, parse_date};

/// What the statistics read covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LadderStatsQuery {
    /// The report's name in the read record, in words (the record's page tells the page from the command line).
    pub report: &'static str,
    /// The range's first day.
    pub from: Date,
    /// The last day observed: nothing after it is read.
    pub until: Date,
    /// Only persons assessed in a household of these units; `None`: everyone.
    pub units: Option<Vec<UnitId>>,
}

/// The histories (no ids, any order) and every version of the ladder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LadderHistories {
    pub histories: Vec<History>,
    pub versions: Vec<LadderVersion>,
}

pub trait LadderStats: Send + Sync {
    /// The histories of everyone on the ladder at some time in `from..=until` or with an exit in it: all their
    /// assessments and exits up to `until`, and their activities overlapping the range. One `statistics.read`
    /// record is committed to the read log before this returns.
    fn ladder_histories(
        &self,
        actor: &Actor,
        query: &LadderStatsQuery,
    ) -> impl Future<Output = Result<LadderHistories>> + Send;
}

const ASSESSMENT_NAMES: [&str; 3] = ["person_id", "assessed_on", "step"];
const EXIT_NAMES: [&str; 3] = ["person_id", "exited_on", "reason"];
const ACTIVITY_NAMES: [&str; 4] = ["person_id", "kind", "starts_on", "ends_on"];
const STEP_NAMES: [&str; 7] = [
    "version_id",
    "valid_from",
    "step",
    "name_sv",
    "name_en",
    "description_sv",
    "description_en",
];

impl LadderStats for SqlStore {
    async fn ladder_histories(&self, actor: &Actor, q: &LadderStatsQuery) -> Result<LadderHistories> {
        // Dates we format ourselves and unit ids we hold: inlined, never user text.
        let from = format!("'{}'", date_text(q.from));
        let until = format!("'{}'", date_text(q.until));
        let unit_filter = match &q.units {
            None => String::new(),
            Some(units) => {
                let list = units
                    .iter()
                    .map(|u| u.get().to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                let list = if list.is_empty() { "NULL".to_owned() } else { list };
                format!(
                    " AND a.person_id IN (SELECT u.person_id FROM assessments u \
                     JOIN households h ON h.id = u.household_id WHERE h.unit_id IN ({list}))"
                )
            }
        };
        // `people`: assessed in the range, or assessed before it with no exit between that assessment and the
        // range's first day (a period still open when the range starts). An exit on an assessment's own day ends
        // its period (domain::progression::analysis).
        let shared = format!(
            "WITH people AS (SELECT DISTINCT a.person_id FROM assessments a \
             WHERE a.assessed_on <= {until}{unit_filter} AND (a.assessed_on >= {from} OR NOT EXISTS \
             (SELECT 1 FROM ladder_exits e WHERE e.person_id = a.person_id \
              AND e.exited_on >= a.assessed_on AND e.exited_on < {from})))"
        );
        let lists = [
            List {
                names: &ASSESSMENT_NAMES,
                select: format!(
                    "SELECT a.person_id, a.assessed_on, a.step FROM assessments a \
                     JOIN people p ON p.person_id = a.person_id WHERE a.assessed_on <= {until}"
                ),
            },
            List {
                names: &EXIT_NAMES,
                select: format!(
                    "SELECT e.person_id, e.exited_on, e.reason FROM ladder_exits e \
                     JOIN people p ON p.person_id = e.person_id WHERE e.exited_on <= {until}"
                ),
            },
            List {
                names: &ACTIVITY_NAMES,
                select: format!(
                    "SELECT pl.person_id, ac.kind, ac.starts_on, ac.ends_on FROM activities ac \
                     JOIN plans pl ON pl.id = ac.plan_id JOIN people p ON p.person_id = pl.person_id \
                     WHERE ac.starts_on <= {until} AND (ac.ends_on IS NULL OR ac.ends_on >= {from})"
                ),
            },
            List {
                names: &STEP_NAMES,
                select: "SELECT v.id AS version_id, v.valid_from, s.step, s.name_sv, s.name_en, \
                         s.description_sv, s.description_en FROM ladder_versions v \
                         JOIN ladder_steps s ON s.version_id = v.id"
                    .to_owned(),
            },
        ];
        let mut rx = self.begin_read().await?;
        let packed = fetch_lists(rx.conn(), self.backend(), &shared, &lists, &[]).await?;
        rx.finish().await?;
        let [assessments, exits, activities, steps] = packed.as_slice() else {
            return Err(StoreError::corrupt("fel antal listor"));
        };
        let mut by_person: BTreeMap<i64, History> = BTreeMap::new();
        for r in assessments {
            let step = u8::try_from(r.int("step")?).map_err(StoreError::corrupt)?;
            let step = domain::progression::StepNo::new(step).map_err(StoreError::corrupt)?;
            by_person
                .entry(r.int("person_id")?)
                .or_default()
                .assessments
                .push((parse_date(&r.text("assessed_on")?)?, step));
        }
        for r in exits {
            let reason = r.text("reason")?;
            let reason = ExitReason::parse(&reason)
                .ok_or_else(|| StoreError::corrupt(format!("okänd orsak till avslut: {reason}")))?;
            // An exit of someone not otherwise in `people` cannot happen (the join), but stays harmless.
            by_person
                .entry(r.int("person_id")?)
                .or_default()
                .exits
                .push((parse_date(&r.text("exited_on")?)?, reason));
        }
        for r in activities {
            let kind = r.text("kind")?;
            let kind = ActivityKind::parse(&kind)
                .ok_or_else(|| StoreError::corrupt(format!("okänd aktivitet: {kind}")))?;
            let ends_on = r.opt_text("ends_on")?.map(|d| parse_date(&d)).transpose()?;
            by_person
                .entry(r.int("person_id")?)
                .or_default()
                .activities
                .push(ActivitySpan {
                    kind,
                    starts_on: parse_date(&r.text("starts_on")?)?,
                    ends_on,
                });
        }
        let mut versions: BTreeMap<i64, (Date, Vec<(i64, LadderStep)>)> = BTreeMap::new();
        for r in steps {
            let entry = versions
                .entry(r.int("version_id")?)
                .or_insert((parse_date(&r.text("valid_from")?)?, Vec::new()));
            entry.1.push((
                r.int("step")?,
                LadderStep {
                    name_sv: r.text("name_sv")?,
                    name_en: r.text("name_en")?,
                    description_sv: r.text("description_sv")?,
                    description_en: r.text("description_en")?,
                },
            ));
        }
        let versions = versions
            .into_iter()
            .map(|(number, (valid_from, mut steps))| {
                steps.sort_by_key(|(n, _)| *n);
                let ladder =
                    Ladder::new(steps.into_iter().map(|(_, s)| s).collect()).map_err(StoreError::corrupt)?;
                Ok(LadderVersion {
                    number,
                    valid_from,
                    ladder,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let persons = by_person.len();
        let units: Option<Vec<i64>> = q.units.as_ref().map(|u| u.iter().map(|u| u.get()).collect());
        self.record_read(
            actor,
            "statistics.read",
            vec![(
                None,
                json!({
                    "report": q.report,
                    "from": date_text(q.from),
                    "until": date_text(q.until),
                    "units": units,
                    "histories": persons,
                }),
            )],
        )
        .await?;
        Ok(LadderHistories {
            histories: by_person.into_values().collect(),
            versions,
        })
    }
}
