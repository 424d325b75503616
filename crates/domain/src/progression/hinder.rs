//! Försörjningshinder: the reason an adult cannot support the household, coded per adult and month as
//! Socialstyrelsen's register of economic assistance asks for it (domain README §10). Recorded beside the ladder:
//! the register code says why assistance is needed, the step says how far the person is from work.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Forsorjningshinder {
    UnemployedNoBenefit,
    UnemployedInsufficientBenefit,
    UnemployedAwaitingBenefit,
    UnemployedEstablishmentBenefit,
    SocialReasons,
    SickListedWithCertificate,
    InsufficientSicknessCompensation,
    WorkingInsufficientIncome,
    ParentalLeave,
    Other,
}

impl Forsorjningshinder {
    pub const ALL: [Forsorjningshinder; 10] = [
        Forsorjningshinder::UnemployedNoBenefit,
        Forsorjningshinder::UnemployedInsufficientBenefit,
        Forsorjningshinder::UnemployedAwaitingBenefit,
        Forsorjningshinder::UnemployedEstablishmentBenefit,
        Forsorjningshinder::SocialReasons,
        Forsorjningshinder::SickListedWithCertificate,
        Forsorjningshinder::InsufficientSicknessCompensation,
        Forsorjningshinder::WorkingInsufficientIncome,
        Forsorjningshinder::ParentalLeave,
        Forsorjningshinder::Other,
    ];

    /// The stored code (never shown on a page).
    pub const fn as_str(self) -> &'static str {
        match self {
            Forsorjningshinder::UnemployedNoBenefit => "unemployed_no_benefit",
            Forsorjningshinder::UnemployedInsufficientBenefit => "unemployed_insufficient_benefit",
            Forsorjningshinder::UnemployedAwaitingBenefit => "unemployed_awaiting_benefit",
            Forsorjningshinder::UnemployedEstablishmentBenefit => "unemployed_establishment_benefit",
            Forsorjningshinder::SocialReasons => "social_reasons",
            Forsorjningshinder::SickListedWithCertificate => "sick_listed_with_certificate",
            Forsorjningshinder::InsufficientSicknessCompensation => "insufficient_sickness_compensation",
            Forsorjningshinder::WorkingInsufficientIncome => "working_insufficient_income",
            Forsorjningshinder::ParentalLeave => "parental_leave",
            Forsorjningshinder::Other => "other",
        }
    }

    pub fn parse(code: &str) -> Option<Forsorjningshinder> {
        Forsorjningshinder::ALL.into_iter().find(|h| h.as_str() == code)
    }

    pub const fn label_sv(self) -> &'static str {
        match self {
            Forsorjningshinder::UnemployedNoBenefit => "Arbetslös, ingen ersättning",
            Forsorjningshinder::UnemployedInsufficientBenefit => "Arbetslös, otillräcklig ersättning",
            Forsorjningshinder::UnemployedAwaitingBenefit => "Arbetslös, väntar på ersättning",
            Forsorjningshinder::UnemployedEstablishmentBenefit => "Arbetslös med etableringsersättning",
            Forsorjningshinder::SocialReasons => "Sociala skäl, nedsatt eller oklar arbetsförmåga",
            Forsorjningshinder::SickListedWithCertificate => "Sjukskriven med läkarintyg",
            Forsorjningshinder::InsufficientSicknessCompensation => {
                "Otillräcklig sjuk- eller aktivitetsersättning"
            }
            Forsorjningshinder::WorkingInsufficientIncome => "Arbetar, otillräcklig inkomst",
            Forsorjningshinder::ParentalLeave => "Föräldraledig, otillräcklig föräldrapenning",
            Forsorjningshinder::Other => "Annat försörjningshinder",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            Forsorjningshinder::UnemployedNoBenefit => "Unemployed, no benefit",
            Forsorjningshinder::UnemployedInsufficientBenefit => "Unemployed, insufficient benefit",
            Forsorjningshinder::UnemployedAwaitingBenefit => "Unemployed, awaiting benefit",
            Forsorjningshinder::UnemployedEstablishmentBenefit => "Unemployed with establishment benefit",
            Forsorjningshinder::SocialReasons => "Social reasons, reduced or unclear capacity to work",
            Forsorjningshinder::SickListedWithCertificate => "Sick-listed with a medical certificate",
            Forsorjningshinder::InsufficientSicknessCompensation => {
                "Insufficient sickness or activity compensation"
            }
            Forsorjningshinder::WorkingInsufficientIncome => "Working, insufficient income",
            Forsorjningshinder::ParentalLeave => "Parental leave, insufficient parental benefit",
            Forsorjningshinder::Other => "Other reason",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for h in Forsorjningshinder::ALL {
            assert_eq!(Forsorjningshinder::parse(h.as_str()), Some(h));
        }
    }
}
