//! Appeals (överklagande, SoL 35:1, FL 44-46 §§): the three-week limit counted from the day the person was served
//! the decision, reconsideration by the board, forwarding to the förvaltningsrätt, and the court's outcome.

use std::str::FromStr;

use jiff::Span;
use jiff::civil::Date;
use norm::Money;
use serde::{Deserialize, Serialize};

use crate::calendar::next_working_day;
use crate::decision::DecisionItem;
use crate::error::DomainError;
use crate::text::TextField;

/// The last day an appeal may reach the board: three weeks (21 days) after the day the decision was served,
/// moved to the next working day when that day is a weekend or holiday (lag 1930:173). An appeal received on the
/// last day is in time.
pub fn appeal_deadline(served_on: Date) -> Option<Date> {
    served_on
        .checked_add(Span::new().days(21))
        .ok()
        .map(next_working_day)
}

/// How many days the board gives itself to reconsider an appeal in time or forward it to the förvaltningsrätt.
/// FL 46 § says only "skyndsamt" (promptly); a week is the board's own routine, shown in the work queue as the date to
/// act by, not a statutory limit.
pub const FORWARD_WITHIN_DAYS: i64 = 7;

/// The day by which an appeal received on `received_on` should have been reconsidered or forwarded.
pub fn forward_by(received_on: Date) -> Option<Date> {
    received_on
        .checked_add(Span::new().days(FORWARD_WITHIN_DAYS))
        .ok()
}

/// Whether an appeal received on `received_on` is in time for a decision served on `served_on`.
pub fn is_in_time(served_on: Date, received_on: Date) -> bool {
    appeal_deadline(served_on).is_some_and(|last| received_on <= last)
}

/// The förvaltningsrätt's judgment on an appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CourtOutcome {
    /// The court rejects the appeal: the decision stands.
    Avslag,
    /// The court changed the decision, recorded before bifall and delvis bifall were told apart (stored values from
    /// then stay readable; new judgments are one of the other four).
    Andrat,
    /// The court sends the case back (återförvisning): the board decides again.
    Aterforvisat,
    /// The court grants the appeal: the board carries the judgment out with a new decision.
    Bifall,
    /// The court grants the appeal in part: the board carries the judgment out with a new decision.
    DelvisBifall,
}

impl CourtOutcome {
    /// The outcomes a judgment is recorded with today, in the order the form offers them.
    pub const RECORDABLE: [CourtOutcome; 4] = [
        CourtOutcome::Bifall,
        CourtOutcome::DelvisBifall,
        CourtOutcome::Avslag,
        CourtOutcome::Aterforvisat,
    ];

    /// The form's value for the outcome.
    pub const fn as_str(self) -> &'static str {
        match self {
            CourtOutcome::Avslag => "avslag",
            CourtOutcome::Andrat => "andrat",
            CourtOutcome::Aterforvisat => "aterforvisning",
            CourtOutcome::Bifall => "bifall",
            CourtOutcome::DelvisBifall => "delvis_bifall",
        }
    }

    /// Whether the board carries the judgment out with a new decision that replaces the appealed one (bifall,
    /// delvis bifall, an older "ändrat"), or decides the case again (återförvisning); avslag leaves it as it is.
    pub const fn needs_new_decision(self) -> bool {
        !matches!(self, CourtOutcome::Avslag)
    }
}

impl FromStr for CourtOutcome {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<CourtOutcome, DomainError> {
        CourtOutcome::RECORDABLE
            .into_iter()
            .chain([CourtOutcome::Andrat])
            .find(|o| o.as_str() == s)
            .ok_or(DomainError::Invalid {
                field: "outcome",
                reason: "välj domens utgång",
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealStatus {
    Received,
    /// Checked and in time.
    InTime,
    /// Arrived too late: dismissed (avvisat).
    DismissedLate,
    /// The board changed its decision as asked (FL 46 §): the appeal lapses, a new decision exists.
    Reconsidered,
    ForwardedToCourt,
    Judged(CourtOutcome),
}

impl AppealStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AppealStatus::Received => "received",
            AppealStatus::InTime => "in_time",
            AppealStatus::DismissedLate => "dismissed_late",
            AppealStatus::Reconsidered => "reconsidered",
            AppealStatus::ForwardedToCourt => "forwarded_to_court",
            AppealStatus::Judged(CourtOutcome::Avslag) => "judged_avslag",
            AppealStatus::Judged(CourtOutcome::Andrat) => "judged_andrat",
            AppealStatus::Judged(CourtOutcome::Aterforvisat) => "judged_aterforvisat",
            AppealStatus::Judged(CourtOutcome::Bifall) => "judged_bifall",
            AppealStatus::Judged(CourtOutcome::DelvisBifall) => "judged_delvis_bifall",
        }
    }

    /// The first step: check the time limit.
    pub fn check_time(self, served_on: Date, received_on: Date) -> Result<AppealStatus, DomainError> {
        match self {
            AppealStatus::Received if is_in_time(served_on, received_on) => Ok(AppealStatus::InTime),
            AppealStatus::Received => Ok(AppealStatus::DismissedLate),
            _ => Err(DomainError::IllegalTransition {
                from: self.as_str(),
                to: "in_time",
            }),
        }
    }

    /// The board changes its decision as the person asked; only after the time check.
    pub fn reconsider(self) -> Result<AppealStatus, DomainError> {
        match self {
            AppealStatus::InTime => Ok(AppealStatus::Reconsidered),
            _ => Err(DomainError::IllegalTransition {
                from: self.as_str(),
                to: "reconsidered",
            }),
        }
    }

    /// The board changes its decision, but only in part of what the person asked (FL 45 § second paragraph): the
    /// appeal goes on, now against the new decision, and is forwarded as before.
    pub fn reconsider_in_part(self) -> Result<AppealStatus, DomainError> {
        match self {
            AppealStatus::InTime => Ok(AppealStatus::InTime),
            _ => Err(DomainError::IllegalTransition {
                from: self.as_str(),
                to: "in_time",
            }),
        }
    }

    pub fn forward(self) -> Result<AppealStatus, DomainError> {
        match self {
            AppealStatus::InTime => Ok(AppealStatus::ForwardedToCourt),
            _ => Err(DomainError::IllegalTransition {
                from: self.as_str(),
                to: "forwarded_to_court",
            }),
        }
    }

    pub fn judge(self, outcome: CourtOutcome) -> Result<AppealStatus, DomainError> {
        match self {
            AppealStatus::ForwardedToCourt => Ok(AppealStatus::Judged(outcome)),
            _ => Err(DomainError::IllegalTransition {
                from: self.as_str(),
                to: "judged",
            }),
        }
    }

    /// Whether the outcome obliges the board to make a new decision that replaces the appealed one.
    pub const fn needs_new_decision(self) -> bool {
        match self {
            AppealStatus::Reconsidered => true,
            AppealStatus::Judged(outcome) => outcome.needs_new_decision(),
            _ => false,
        }
    }

    /// Still being handled (live data for gallring).
    pub const fn is_open(self) -> bool {
        matches!(
            self,
            AppealStatus::Received | AppealStatus::InTime | AppealStatus::ForwardedToCourt
        )
    }
}

impl FromStr for AppealStatus {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<AppealStatus, DomainError> {
        use AppealStatus as A;
        [
            A::Received,
            A::InTime,
            A::DismissedLate,
            A::Reconsidered,
            A::ForwardedToCourt,
            A::Judged(CourtOutcome::Avslag),
            A::Judged(CourtOutcome::Andrat),
            A::Judged(CourtOutcome::Aterforvisat),
            A::Judged(CourtOutcome::Bifall),
            A::Judged(CourtOutcome::DelvisBifall),
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
        .ok_or(DomainError::Invalid {
            field: "överklagande",
            reason: "okänd status",
        })
    }
}

// --- omprövning and the court's judgment (FL 37-39 §§, 45-46 §§) ----------------------------------------------------

/// The reasons for changing a decision: why the board (or the court) came to a different result.
pub const CHANGE_REASONS: TextField = TextField {
    field: "change_reasons",
    max_chars: 5_000,
    multi_line: true,
    too_long: "skälen för ändringen får vara högst 5 000 tecken",
};

/// How the ground of FL 39 § applies in this case, in the caseworker's words.
pub const GROUND_STATEMENT: TextField = TextField {
    field: "ground_statement",
    max_chars: 2_000,
    multi_line: true,
    too_long: "redogörelsen för grunden får vara högst 2 000 tecken",
};

/// The court's reasons in brief, as the caseworker records them from the judgment.
pub const COURT_REASONS: TextField = TextField {
    field: "court_reasons",
    max_chars: 5_000,
    multi_line: true,
    too_long: "domskälen får vara högst 5 000 tecken",
};

/// The free-text fields of this module, for the test that each message states its limit.
pub const TEXT_FIELDS: [TextField; 3] = [CHANGE_REASONS, GROUND_STATEMENT, COURT_REASONS];

/// Why a decision was replaced: the board's own reconsideration (omprövning, FL 37-39 §§, also of an appealed
/// decision, FL 45 §), or carrying out the förvaltningsrätt's judgment (or deciding again after återförvisning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Reconsideration,
    Judgment,
}

impl ChangeKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Reconsideration => "omprovning",
            ChangeKind::Judgment => "dom",
        }
    }
}

impl FromStr for ChangeKind {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<ChangeKind, DomainError> {
        [ChangeKind::Reconsideration, ChangeKind::Judgment]
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(DomainError::Invalid {
                field: "ändring",
                reason: "okänd sorts ändring",
            })
    }
}

/// The grounds on which FL 39 § lets a decision in the person's favour be changed to their disadvantage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisadvantageGround {
    /// The decision itself says it may be revoked or changed in this situation (återkallelseförbehåll).
    Reservation,
    /// Compelling reasons of safety, health or the environment require an immediate change.
    CompellingReasons,
    /// The person obtained the decision with wrong or misleading information.
    WrongInformation,
}

impl DisadvantageGround {
    pub const ALL: [DisadvantageGround; 3] = [
        DisadvantageGround::Reservation,
        DisadvantageGround::CompellingReasons,
        DisadvantageGround::WrongInformation,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            DisadvantageGround::Reservation => "forbehall",
            DisadvantageGround::CompellingReasons => "tvingande_skal",
            DisadvantageGround::WrongInformation => "oriktiga_uppgifter",
        }
    }

    /// The paragraph and point of FL 39 § the ground is.
    pub const fn legal_basis(self) -> &'static str {
        match self {
            DisadvantageGround::Reservation => "FL 39 § första stycket 1",
            DisadvantageGround::CompellingReasons => "FL 39 § första stycket 2",
            DisadvantageGround::WrongInformation => "FL 39 § första stycket 3",
        }
    }
}

impl FromStr for DisadvantageGround {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<DisadvantageGround, DomainError> {
        DisadvantageGround::ALL
            .into_iter()
            .find(|g| g.as_str() == s)
            .ok_or(DomainError::Invalid {
                field: "ground",
                reason: "välj en grund enligt 39 § förvaltningslagen",
            })
    }
}

/// How a reconsidered appeal was met: in full (the appeal lapses, FL 45 §) or in part (it goes on against the new
/// decision).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealMet {
    Fully,
    Partly,
}

impl AppealMet {
    pub const fn as_str(self) -> &'static str {
        match self {
            AppealMet::Fully => "helt",
            AppealMet::Partly => "delvis",
        }
    }
}

impl FromStr for AppealMet {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<AppealMet, DomainError> {
        [AppealMet::Fully, AppealMet::Partly]
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or(DomainError::Invalid {
                field: "met",
                reason: "ange om ändringen tillgodoser överklagandet helt eller delvis",
            })
    }
}

/// Why a decision is replaced, as the caseworker states it with the new decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub kind: ChangeKind,
    /// Why the result is different (required).
    pub reasons: String,
    /// For a change to the person's disadvantage: the FL 39 § ground and how it applies.
    pub ground: Option<(DisadvantageGround, String)>,
}

impl Change {
    /// Checks the change against what it does: reasons are always required; a reconsideration to the person's
    /// disadvantage needs a ground of FL 39 § and a statement of how it applies (a court's judgment needs none: the
    /// court has decided). Returns the change with its texts trimmed and a ground dropped where none is needed.
    pub fn checked(&self, to_disadvantage: bool) -> Result<Change, DomainError> {
        let reasons = CHANGE_REASONS.check(&self.reasons)?;
        if reasons.is_empty() {
            return Err(DomainError::Invalid {
                field: "change_reasons",
                reason: "skriv skälen för ändringen",
            });
        }
        let ground = match (
            &self.ground,
            to_disadvantage && self.kind == ChangeKind::Reconsideration,
        ) {
            (_, false) => None,
            (None, true) => {
                return Err(DomainError::Invalid {
                    field: "ground",
                    reason: "en ändring till den enskildes nackdel kräver en grund enligt 39 § förvaltningslagen",
                });
            }
            (Some((ground, statement)), true) => {
                let statement = GROUND_STATEMENT.check(statement)?;
                if statement.is_empty() {
                    return Err(DomainError::Invalid {
                        field: "ground_statement",
                        reason: "beskriv hur grunden är uppfylld i ärendet",
                    });
                }
                Some((*ground, statement.to_owned()))
            }
        };
        Ok(Change {
            kind: self.kind,
            reasons: reasons.to_owned(),
            ground,
        })
    }
}

/// Whether the new items are to the person's disadvantage compared with the old ones: an item (matched by position)
/// granted less than before, an item left out, or less granted in total.
pub fn is_to_disadvantage(old: &[DecisionItem], new: &[DecisionItem]) -> bool {
    let sum = |items: &[DecisionItem]| Money::checked_sum(items.iter().map(|i| i.granted)).ok();
    new.len() < old.len()
        || old.iter().zip(new).any(|(o, n)| n.granted < o.granted)
        || matches!((sum(old), sum(new)), (Some(o), Some(n)) if n < o)
}

/// Whether the new items change anything a person would notice: an outcome or a granted amount, or the number of
/// items.
pub fn changes_anything(old: &[DecisionItem], new: &[DecisionItem]) -> bool {
    old.len() != new.len()
        || old
            .iter()
            .zip(new)
            .any(|(o, n)| o.outcome != n.outcome || o.granted != n.granted)
}

/// The judgment's date: not before the appeal was forwarded to the court, and not in the future.
pub fn check_judgment_date(judged_on: Date, forwarded_on: Date, today: Date) -> Result<(), DomainError> {
    if judged_on < forwarded_on {
        return Err(DomainError::Invalid {
            field: "judged_on",
            reason: "domen kan inte vara meddelad före överlämnandet till förvaltningsrätten",
        });
    }
    if judged_on > today {
        return Err(DomainError::Invalid {
            field: "judged_on",
            reason: "domens datum kan inte ligga i framtiden",
        });
    }
    Ok(())
}

/// A document sent to the förvaltningsrätt with a forwarded appeal ("med handlingarna", FL 46 §).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForwardedKind {
    /// The appealed decision (and, after a reconsideration in part, the new decision the appeal now is against).
    Decision,
    /// The appeal itself.
    Appeal,
    /// An attachment that came with the application.
    Attachment,
}

impl ForwardedKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            ForwardedKind::Decision => "decision",
            ForwardedKind::Appeal => "appeal",
            ForwardedKind::Attachment => "attachment",
        }
    }
}

impl FromStr for ForwardedKind {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<ForwardedKind, DomainError> {
        [
            ForwardedKind::Decision,
            ForwardedKind::Appeal,
            ForwardedKind::Attachment,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or(DomainError::Invalid {
            field: "handling",
            reason: "okänd sorts handling",
        })
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn day_21_is_in_time_day_22_is_not() {
        // Served Monday 2026-03-02; day 21 is Monday 2026-03-23.
        let served = date(2026, 3, 2);
        assert_eq!(appeal_deadline(served), Some(date(2026, 3, 23)));
        assert!(is_in_time(served, date(2026, 3, 23)));
        assert!(!is_in_time(served, date(2026, 3, 24)));
        assert!(is_in_time(served, served));
    }

    #[test]
    fn a_deadline_on_a_weekend_or_holiday_moves_to_the_next_working_day() {
        // Served Saturday 2026-03-07: day 21 is Saturday 03-28, so Monday 03-30 is still in time.
        assert_eq!(appeal_deadline(date(2026, 3, 7)), Some(date(2026, 3, 30)));
        // Served 2026-12-03: day 21 is Christmas eve (Thursday); 25-27 are holidays/weekend; Monday 28th.
        assert_eq!(appeal_deadline(date(2026, 12, 3)), Some(date(2026, 12, 28)));
    }

    #[test]
    fn an_appeal_is_to_be_forwarded_within_a_week_of_arriving() {
        assert_eq!(forward_by(date(2026, 3, 10)), Some(date(2026, 3, 17)));
        assert_eq!(forward_by(date(2026, 12, 28)), Some(date(2027, 1, 4)));
    }

    #[test]
    fn the_appeal_lifecycle() {
        let served = date(2026, 3, 2);
        let late = AppealStatus::Received
            .check_time(served, date(2026, 4, 1))
            .unwrap();
        assert_eq!(late, AppealStatus::DismissedLate);
        assert!(late.forward().is_err() && !late.is_open());
        let ok = AppealStatus::Received
            .check_time(served, date(2026, 3, 10))
            .unwrap();
        assert_eq!(ok, AppealStatus::InTime);
        assert!(ok.reconsider().unwrap().needs_new_decision());
        let judged = ok.forward().unwrap().judge(CourtOutcome::Andrat).unwrap();
        assert!(judged.needs_new_decision() && !judged.is_open());
        assert!(
            !ok.forward()
                .unwrap()
                .judge(CourtOutcome::Avslag)
                .unwrap()
                .needs_new_decision()
        );
        assert!(AppealStatus::Received.forward().is_err());
        assert!(ok.check_time(served, served).is_err());
        assert_eq!("judged_andrat".parse::<AppealStatus>().unwrap(), judged);
    }

    #[test]
    fn judgments_old_and_new_read_back() {
        for o in CourtOutcome::RECORDABLE {
            let st = AppealStatus::Judged(o);
            assert_eq!(st.as_str().parse::<AppealStatus>().unwrap(), st);
            assert_eq!(o.as_str().parse::<CourtOutcome>().unwrap(), o);
        }
        // Stored before bifall and delvis bifall were told apart: still readable, still needs a new decision.
        let old = "judged_andrat".parse::<AppealStatus>().unwrap();
        assert_eq!(old, AppealStatus::Judged(CourtOutcome::Andrat));
        assert!(old.needs_new_decision());
        assert!(!AppealStatus::Judged(CourtOutcome::Avslag).needs_new_decision());
        assert!(AppealStatus::Judged(CourtOutcome::DelvisBifall).needs_new_decision());
        assert!(AppealStatus::Judged(CourtOutcome::Aterforvisat).needs_new_decision());
        assert!("".parse::<CourtOutcome>().is_err());
        // A judgment only once, and only on a forwarded appeal.
        let judged = AppealStatus::ForwardedToCourt
            .judge(CourtOutcome::Bifall)
            .unwrap();
        assert!(judged.judge(CourtOutcome::Avslag).is_err());
        assert!(AppealStatus::InTime.judge(CourtOutcome::Bifall).is_err());
        assert_eq!(
            AppealStatus::InTime.reconsider_in_part(),
            Ok(AppealStatus::InTime)
        );
        assert!(AppealStatus::ForwardedToCourt.reconsider_in_part().is_err());
    }

    fn item(granted: i64, outcome: crate::decision::Outcome) -> DecisionItem {
        DecisionItem {
            purpose: crate::decision::Purpose::Forsorjningsstod,
            what: "Försörjningsstöd".into(),
            outcome,
            applied: Money::from_kronor(6_200).unwrap(),
            granted: Money::from_kronor(granted).unwrap(),
            reasons: "Skäl".into(),
            legal_basis: "SoL 12:1".into(),
        }
    }

    #[test]
    fn a_lower_amount_is_a_change_to_the_persons_disadvantage() {
        use crate::decision::Outcome::*;
        let old = [item(5_000, DelvisBifall), item(0, Avslag)];
        assert!(!is_to_disadvantage(&old, &[item(6_200, Bifall), item(0, Avslag)]));
        assert!(is_to_disadvantage(
            &old,
            &[item(4_000, DelvisBifall), item(0, Avslag)]
        ));
        // One item up, one down by more: lower for the item that went down.
        assert!(is_to_disadvantage(
            &[item(5_000, DelvisBifall), item(1_000, DelvisBifall)],
            &[item(5_500, DelvisBifall), item(0, Avslag)]
        ));
        assert!(is_to_disadvantage(&old, &old[..1]));
        assert!(!changes_anything(&old, &old));
        assert!(changes_anything(
            &old,
            &[item(5_000, DelvisBifall), item(1, DelvisBifall)]
        ));
    }

    #[test]
    fn a_change_needs_reasons_and_to_the_persons_disadvantage_a_ground() {
        let change = |reasons: &str, ground: Option<(DisadvantageGround, &str)>| Change {
            kind: ChangeKind::Reconsideration,
            reasons: reasons.into(),
            ground: ground.map(|(g, s)| (g, s.to_owned())),
        };
        let field = |r: Result<Change, DomainError>| match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(change("  ", None).checked(false)), "change_reasons");
        assert_eq!(field(change("Ny uppgift om hyran", None).checked(true)), "ground");
        assert_eq!(
            field(change("Ny uppgift", Some((DisadvantageGround::WrongInformation, " "))).checked(true)),
            "ground_statement"
        );
        let ok = change(
            " Hyran var lägre ",
            Some((
                DisadvantageGround::WrongInformation,
                "Uppgav 7 000 kr, avtalet säger 5 000 kr",
            )),
        )
        .checked(true)
        .unwrap();
        assert_eq!(ok.reasons, "Hyran var lägre");
        assert!(ok.ground.is_some());
        // In the person's favour no ground is kept; a court's judgment needs none.
        assert!(
            change("Skäl", Some((DisadvantageGround::Reservation, "x")))
                .checked(false)
                .unwrap()
                .ground
                .is_none()
        );
        let court = Change {
            kind: ChangeKind::Judgment,
            ..change("Förvaltningsrättens dom", None)
        };
        assert!(court.checked(true).is_ok());
        for g in DisadvantageGround::ALL {
            assert_eq!(g.as_str().parse::<DisadvantageGround>().unwrap(), g);
        }
    }

    #[test]
    fn a_judgment_is_dated_between_the_forwarding_and_today() {
        let fwd = date(2026, 3, 20);
        let today = date(2026, 6, 1);
        assert!(check_judgment_date(date(2026, 3, 19), fwd, today).is_err());
        assert!(check_judgment_date(fwd, fwd, today).is_ok());
        assert!(check_judgment_date(today, fwd, today).is_ok());
        assert!(check_judgment_date(date(2026, 6, 2), fwd, today).is_err());
    }

    #[test]
    fn each_text_limit_is_stated_in_its_message() {
        for f in TEXT_FIELDS {
            let limit = f.max_chars.to_string();
            let spaced = format!("{} {:03}", f.max_chars / 1000, f.max_chars % 1000);
            assert!(
                f.too_long.contains(&limit) || f.too_long.contains(&spaced),
                "{}",
                f.field
            );
        }
    }
}
