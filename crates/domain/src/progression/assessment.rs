//! An assessment (bedömning) of an adult: the coach's or caseworker's rating of their step, the person's own rating,
//! and a structured mapping of obstacles across life areas. Our own list of areas, in the spirit of
//! Socialstyrelsen's FIA interview (domain README §10).

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::progression::ladder::{Ladder, StepNo};

/// A life area where an obstacle to work may lie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifeArea {
    Housing,
    PhysicalHealth,
    MentalHealth,
    Substances,
    Network,
    Debts,
    Language,
    Education,
    WorkExperience,
    Childcare,
    DigitalSkills,
    Transport,
}

impl LifeArea {
    pub const ALL: [LifeArea; 12] = [
        LifeArea::Housing,
        LifeArea::PhysicalHealth,
        LifeArea::MentalHealth,
        LifeArea::Substances,
        LifeArea::Network,
        LifeArea::Debts,
        LifeArea::Language,
        LifeArea::Education,
        LifeArea::WorkExperience,
        LifeArea::Childcare,
        LifeArea::DigitalSkills,
        LifeArea::Transport,
    ];

    /// The stored code (never shown on a page).
    pub const fn as_str(self) -> &'static str {
        match self {
            LifeArea::Housing => "housing",
            LifeArea::PhysicalHealth => "physical_health",
            LifeArea::MentalHealth => "mental_health",
            LifeArea::Substances => "substances",
            LifeArea::Network => "network",
            LifeArea::Debts => "debts",
            LifeArea::Language => "language",
            LifeArea::Education => "education",
            LifeArea::WorkExperience => "work_experience",
            LifeArea::Childcare => "childcare",
            LifeArea::DigitalSkills => "digital_skills",
            LifeArea::Transport => "transport",
        }
    }

    pub fn parse(code: &str) -> Option<LifeArea> {
        LifeArea::ALL.into_iter().find(|a| a.as_str() == code)
    }

    pub const fn label_sv(self) -> &'static str {
        match self {
            LifeArea::Housing => "Boende",
            LifeArea::PhysicalHealth => "Fysisk hälsa",
            LifeArea::MentalHealth => "Psykisk hälsa",
            LifeArea::Substances => "Alkohol, droger och spel",
            LifeArea::Network => "Socialt nätverk",
            LifeArea::Debts => "Skulder och ekonomi",
            LifeArea::Language => "Svenska språket",
            LifeArea::Education => "Utbildning",
            LifeArea::WorkExperience => "Arbetslivserfarenhet",
            LifeArea::Childcare => "Barnomsorg och familj",
            LifeArea::DigitalSkills => "Digital vana",
            LifeArea::Transport => "Resor och körkort",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            LifeArea::Housing => "Housing",
            LifeArea::PhysicalHealth => "Physical health",
            LifeArea::MentalHealth => "Mental health",
            LifeArea::Substances => "Alcohol, drugs and gambling",
            LifeArea::Network => "Social network",
            LifeArea::Debts => "Debts and finances",
            LifeArea::Language => "Swedish language",
            LifeArea::Education => "Education",
            LifeArea::WorkExperience => "Work experience",
            LifeArea::Childcare => "Childcare and family",
            LifeArea::DigitalSkills => "Digital skills",
            LifeArea::Transport => "Travel and driving licence",
        }
    }
}

/// How much an area stands in the way of work or studies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObstacleLevel {
    None,
    Some,
    Major,
}

impl ObstacleLevel {
    pub const ALL: [ObstacleLevel; 3] = [ObstacleLevel::None, ObstacleLevel::Some, ObstacleLevel::Major];

    pub const fn as_str(self) -> &'static str {
        match self {
            ObstacleLevel::None => "none",
            ObstacleLevel::Some => "some",
            ObstacleLevel::Major => "major",
        }
    }

    pub fn parse(code: &str) -> Option<ObstacleLevel> {
        ObstacleLevel::ALL.into_iter().find(|l| l.as_str() == code)
    }

    pub const fn label_sv(self) -> &'static str {
        match self {
            ObstacleLevel::None => "Inget hinder",
            ObstacleLevel::Some => "Visst hinder",
            ObstacleLevel::Major => "Stort hinder",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            ObstacleLevel::None => "No obstacle",
            ObstacleLevel::Some => "Some obstacle",
            ObstacleLevel::Major => "Major obstacle",
        }
    }
}

/// A checked assessment: the step exists on the ladder in force, the own rating too, each area rated at most once
/// (an area left out was not discussed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub assessed_on: Date,
    /// The coach's or caseworker's rating.
    pub step: StepNo,
    /// The person's own rating, when they gave one.
    pub own_step: Option<StepNo>,
    pub obstacles: BTreeMap<LifeArea, ObstacleLevel>,
}

impl Assessment {
    /// Checks an assessment made on `assessed_on` (not after `today`) against `ladder`, the version in force that
    /// day. `obstacles` may not name an area twice.
    pub fn new(
        ladder: &Ladder,
        assessed_on: Date,
        today: Date,
        step: u8,
        own_step: Option<u8>,
        obstacles: &[(LifeArea, ObstacleLevel)],
    ) -> Result<Assessment, DomainError> {
        if assessed_on > today {
            return Err(DomainError::Invalid {
                field: "datum",
                reason: "en bedömning kan inte göras i förväg",
            });
        }
        let step = ladder.check_step(step)?;
        let own_step = own_step.map(|n| ladder.check_step(n)).transpose()?;
        let mut map = BTreeMap::new();
        for (area, level) in obstacles {
            if map.insert(*area, *level).is_some() {
                return Err(DomainError::Invalid {
                    field: "hinder",
                    reason: "ett livsområde är bedömt två gånger",
                });
            }
        }
        Ok(Assessment {
            assessed_on,
            step,
            own_step,
            obstacles: map,
        })
    }

    /// The obstacles as stored: a JSON object from area code to level code.
    pub fn obstacles_json(&self) -> String {
        let map: BTreeMap<&str, &str> = self
            .obstacles
            .iter()
            .map(|(a, l)| (a.as_str(), l.as_str()))
            .collect();
        serde_json::to_string(&map).unwrap_or_else(|_| "{}".to_owned())
    }

    /// Reads [`Assessment::obstacles_json`]; an unknown code is an error (the data is corrupt).
    pub fn parse_obstacles(json: &str) -> Result<BTreeMap<LifeArea, ObstacleLevel>, DomainError> {
        let bad = DomainError::Invalid {
            field: "hinder",
            reason: "okänt livsområde eller nivå",
        };
        let raw: BTreeMap<String, String> = serde_json::from_str(json).map_err(|_| bad.clone())?;
        raw.iter()
            .map(|(a, l)| {
                Ok((
                    LifeArea::parse(a).ok_or(bad.clone())?,
                    ObstacleLevel::parse(l).ok_or(bad.clone())?,
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn an_assessment_checks_steps_dates_and_areas() {
        let l = Ladder::default_ladder();
        let today = date(2026, 12, 3);
        let ok = Assessment::new(
            &l,
            today,
            today,
            3,
            Some(4),
            &[
                (LifeArea::Language, ObstacleLevel::Major),
                (LifeArea::Debts, ObstacleLevel::Some),
            ],
        )
        .expect("valid");
        assert_eq!(ok.step.get(), 3);
        let json = ok.obstacles_json();
        assert_eq!(json, r#"{"debts":"some","language":"major"}"#);
        assert_eq!(Assessment::parse_obstacles(&json).expect("parses"), ok.obstacles);
        assert!(Assessment::new(&l, date(2026, 12, 4), today, 3, None, &[]).is_err());
        assert!(Assessment::new(&l, today, today, 7, None, &[]).is_err());
        assert!(Assessment::new(&l, today, today, 2, Some(0), &[]).is_err());
        let twice = [
            (LifeArea::Housing, ObstacleLevel::None),
            (LifeArea::Housing, ObstacleLevel::Major),
        ];
        assert!(Assessment::new(&l, today, today, 2, None, &twice).is_err());
        assert!(Assessment::parse_obstacles(r#"{"housing":"huge"}"#).is_err());
    }

    #[test]
    fn codes_round_trip() {
        for a in LifeArea::ALL {
            assert_eq!(LifeArea::parse(a.as_str()), Some(a));
        }
        for l in ObstacleLevel::ALL {
            assert_eq!(ObstacleLevel::parse(l.as_str()), Some(l));
        }
    }
}
