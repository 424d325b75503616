//! The roles people have in the system. What each role may do is the application core's permission table
//! (`app::access`); here is only what a role is and how it is named and stored.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Applicant,
    Caseworker,
    JobCoach,
    UnitManager,
    Controller,
    BoardMember,
    Auditor,
    Administrator,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Applicant,
        Role::Caseworker,
        Role::JobCoach,
        Role::UnitManager,
        Role::Controller,
        Role::BoardMember,
        Role::Auditor,
        Role::Administrator,
    ];

    /// The stored form (also the serde form).
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::Caseworker => "caseworker",
            Role::JobCoach => "job_coach",
            Role::UnitManager => "unit_manager",
            Role::Controller => "controller",
            Role::BoardMember => "board_member",
            Role::Auditor => "auditor",
            Role::Administrator => "administrator",
        }
    }

    /// Swedish name shown in the user interface.
    pub const fn label_sv(self) -> &'static str {
        match self {
            Role::Applicant => "Sökande",
            Role::Caseworker => "Handläggare",
            Role::JobCoach => "Jobbcoach",
            Role::UnitManager => "Enhetschef",
            Role::Controller => "Controller",
            Role::BoardMember => "Nämndledamot",
            Role::Auditor => "Granskare",
            Role::Administrator => "Administratör",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            Role::Applicant => "Applicant",
            Role::Caseworker => "Caseworker",
            Role::JobCoach => "Job coach",
            Role::UnitManager => "Unit manager",
            Role::Controller => "Controller",
            Role::BoardMember => "Board member",
            Role::Auditor => "Auditor",
            Role::Administrator => "Administrator",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("okänd roll {0:?}")]
pub struct UnknownRole(String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Role, UnknownRole> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_form_round_trips_and_matches_serde() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
        }
        assert!("boss".parse::<Role>().is_err());
    }
}
