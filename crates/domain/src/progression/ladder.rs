//! The ladder (stegmodell): numbered steps from far from the labour market to self-sufficient, each with a name and
//! a description in Swedish and English. The municipality may change it; every change is a new version in force
//! from a date, so an old assessment keeps the meaning it had.
//!
//! The product's own default ([`Ladder::default_ladder`]) has six steps. It is our wording, inspired by the idea of
//! distance to the labour market (Arbetsförmedlingen's profiling, Socialstyrelsen's FIA); it copies no licensed
//! instrument (domain README §10).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::text;

/// The fewest steps a ladder may have: fewer cannot show movement.
pub const MIN_STEPS: u8 = 3;
/// The most steps a ladder may have: more cannot be rated consistently.
pub const MAX_STEPS: u8 = 9;

/// A step's number, 1 (farthest from work) up to the ladder's top (self-sufficient).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StepNo(u8);

impl StepNo {
    /// A step number in 1..=[`MAX_STEPS`]; whether it exists on a given ladder is [`Ladder::check_step`].
    pub fn new(n: u8) -> Result<StepNo, DomainError> {
        if (1..=MAX_STEPS).contains(&n) {
            Ok(StepNo(n))
        } else {
            Err(DomainError::Invalid {
                field: "steg",
                reason: "steget finns inte på stegen",
            })
        }
    }

    pub const fn get(self) -> u8 {
        self.0
    }
}

/// One step: its name and what it means, in both languages of the interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LadderStep {
    pub name_sv: String,
    pub name_en: String,
    pub description_sv: String,
    pub description_en: String,
}

/// A valid ladder: [`MIN_STEPS`]..=[`MAX_STEPS`] steps, every name given and unique, every text within its limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ladder {
    steps: Vec<LadderStep>,
}

impl Ladder {
    /// Checks and trims the steps (step 1 first).
    pub fn new(steps: Vec<LadderStep>) -> Result<Ladder, DomainError> {
        let count = u8::try_from(steps.len()).unwrap_or(u8::MAX);
        if !(MIN_STEPS..=MAX_STEPS).contains(&count) {
            return Err(DomainError::Invalid {
                field: "steg",
                reason: "stegen ska ha mellan 3 och 9 steg",
            });
        }
        let mut checked = Vec::with_capacity(steps.len());
        for s in steps {
            let step = LadderStep {
                name_sv: text::STEP_NAME.check(&s.name_sv)?.to_owned(),
                name_en: text::STEP_NAME.check(&s.name_en)?.to_owned(),
                description_sv: text::STEP_DESCRIPTION.check(&s.description_sv)?.to_owned(),
                description_en: text::STEP_DESCRIPTION.check(&s.description_en)?.to_owned(),
            };
            if step.name_sv.is_empty() || step.name_en.is_empty() {
                return Err(DomainError::Invalid {
                    field: "stegnamn",
                    reason: "varje steg behöver ett namn på svenska och engelska",
                });
            }
            if checked
                .iter()
                .any(|c: &LadderStep| c.name_sv.eq_ignore_ascii_case(&step.name_sv))
            {
                return Err(DomainError::Invalid {
                    field: "stegnamn",
                    reason: "två steg har samma namn",
                });
            }
            checked.push(step);
        }
        Ok(Ladder { steps: checked })
    }

    /// The steps, step 1 first.
    pub fn steps(&self) -> &[LadderStep] {
        &self.steps
    }

    /// The number of steps (the top step's number).
    pub fn len(&self) -> u8 {
        u8::try_from(self.steps.len()).unwrap_or(MAX_STEPS)
    }

    /// Never true: a ladder has at least [`MIN_STEPS`] steps.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The top step: self-sufficient.
    pub fn top(&self) -> StepNo {
        StepNo(self.len())
    }

    /// A step of this ladder, or why not.
    pub fn check_step(&self, n: u8) -> Result<StepNo, DomainError> {
        let step = StepNo::new(n)?;
        if step.0 > self.len() {
            return Err(DomainError::Invalid {
                field: "steg",
                reason: "steget finns inte på stegen",
            });
        }
        Ok(step)
    }

    /// The step with this number.
    pub fn step(&self, n: StepNo) -> Option<&LadderStep> {
        self.steps.get(usize::from(n.0).checked_sub(1)?)
    }

    /// The product's default: six steps, our own wording.
    pub fn default_ladder() -> Ladder {
        let step = |sv: &str, en: &str, dsv: &str, den: &str| LadderStep {
            name_sv: sv.to_owned(),
            name_en: en.to_owned(),
            description_sv: dsv.to_owned(),
            description_en: den.to_owned(),
        };
        Ladder {
            steps: vec![
                step(
                    "Långt från arbetsmarknaden",
                    "Far from the labour market",
                    "Hinder som hälsa, boende, skulder eller språk behöver lösas innan arbete eller studier är \
                     möjliga. Insatserna handlar om att kartlägga och stabilisera.",
                    "Obstacles such as health, housing, debts or language must be resolved before work or studies \
                     are possible. Support maps and stabilises the situation.",
                ),
                step(
                    "Stabiliserar sin situation",
                    "Stabilising",
                    "De största hindren är kända och en plan finns. Personen deltar i insatser för hälsa, språk eller \
                     vardag några timmar i veckan.",
                    "The main obstacles are known and a plan exists. The person takes part in support for health, \
                     language or daily life a few hours a week.",
                ),
                step(
                    "Förbereder sig",
                    "Preparing",
                    "Personen deltar regelbundet i arbetsförberedande insatser, till exempel sfi, studier eller \
                     arbetsträning, och kan öka sin tid.",
                    "The person takes part regularly in preparatory activities such as sfi, studies or work \
                     training, and can increase their hours.",
                ),
                step(
                    "Nära arbetsmarknaden",
                    "Close to the labour market",
                    "Personen kan arbeta eller studera på heltid och söker aktivt arbete, gör praktik eller har en \
                     anställning med stöd.",
                    "The person can work or study full time and searches actively for work, does a work practice \
                     or has subsidised employment.",
                ),
                step(
                    "Delvis egen försörjning",
                    "Partly self-supporting",
                    "Personen har arbete eller studiemedel men inkomsten räcker ännu inte hela vägen.",
                    "The person works or has student finance, but the income does not yet cover the household's \
                     needs.",
                ),
                step(
                    "Självförsörjande",
                    "Self-sufficient",
                    "Hushållet klarar sig på egen inkomst och behöver inte försörjningsstöd.",
                    "The household lives on its own income and needs no försörjningsstöd.",
                ),
            ],
        }
    }
}

/// A ladder version as stored: its steps, in force from a day until the next version's first day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LadderVersion {
    pub number: i64,
    pub valid_from: Date,
    pub ladder: Ladder,
}

/// The version in force on `day` among `versions` (any order): the one with the latest `valid_from` on or before
/// it. `None` before the first version.
pub fn version_on(versions: &[LadderVersion], day: Date) -> Option<&LadderVersion> {
    versions
        .iter()
        .filter(|v| v.valid_from <= day)
        .max_by_key(|v| (v.valid_from, v.number))
}

/// The step on `day` from dated ratings (any order): the latest rating on or before the day. `None` before the
/// first.
pub fn step_on(ratings: &[(Date, StepNo)], day: Date) -> Option<StepNo> {
    ratings
        .iter()
        .filter(|(d, _)| *d <= day)
        .max_by_key(|(d, _)| *d)
        .map(|(_, s)| *s)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn the_default_ladder_is_valid_and_has_six_steps() {
        let l = Ladder::default_ladder();
        let again = Ladder::new(l.steps().to_vec()).expect("valid");
        assert_eq!(again, l);
        assert_eq!(l.len(), 6);
        assert_eq!(l.top().get(), 6);
        assert_eq!(
            l.step(StepNo::new(1).expect("1")).map(|s| s.name_en.as_str()),
            Some("Far from the labour market")
        );
    }

    #[test]
    fn a_ladder_refuses_too_few_steps_blank_and_duplicate_names() {
        let s = |n: &str| LadderStep {
            name_sv: n.to_owned(),
            name_en: n.to_owned(),
            description_sv: String::new(),
            description_en: String::new(),
        };
        assert!(Ladder::new(vec![s("a"), s("b")]).is_err());
        assert!(Ladder::new(vec![s("a"), s("b"), s(" ")]).is_err());
        assert!(Ladder::new(vec![s("a"), s("b"), s("A")]).is_err());
        assert!(Ladder::new((0..10).map(|i| s(&i.to_string())).collect()).is_err());
        let l = Ladder::new(vec![s("a"), s("b"), s("c")]).expect("three");
        assert!(l.check_step(3).is_ok());
        assert!(l.check_step(4).is_err());
        assert!(l.check_step(0).is_err());
    }

    #[test]
    fn the_step_on_a_day_is_the_latest_rating_on_or_before_it() {
        let two = StepNo::new(2).expect("2");
        let three = StepNo::new(3).expect("3");
        let r = [(date(2026, 3, 10), three), (date(2026, 1, 5), two)];
        assert_eq!(step_on(&r, date(2026, 1, 4)), None);
        assert_eq!(step_on(&r, date(2026, 1, 5)), Some(two));
        assert_eq!(step_on(&r, date(2026, 3, 9)), Some(two));
        assert_eq!(step_on(&r, date(2026, 3, 10)), Some(three));
    }

    #[test]
    fn the_version_in_force_is_the_latest_started() {
        let v = |n, d| LadderVersion {
            number: n,
            valid_from: d,
            ladder: Ladder::default_ladder(),
        };
        let vs = [v(2, date(2026, 6, 1)), v(1, date(2025, 1, 1))];
        assert_eq!(version_on(&vs, date(2024, 12, 31)).map(|v| v.number), None);
        assert_eq!(version_on(&vs, date(2026, 5, 31)).map(|v| v.number), Some(1));
        assert_eq!(version_on(&vs, date(2026, 6, 1)).map(|v| v.number), Some(2));
    }
}
