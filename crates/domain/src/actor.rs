//! Who does something, why, and when: the caller supplies all three, so the audit trail never reads a clock.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ids::{PersonId, StaffId};

/// The acting party.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Who {
    /// A member of staff, through the user interface or API.
    Staff(StaffId),
    /// An applicant acting on their own case through the e-service.
    Person(PersonId),
    /// A signed-in account with no staff or person record (e.g. an administrator).
    Account(i64),
    /// A scheduled or command-line job (e.g. `gallring`), named.
    System(String),
}

impl fmt::Display for Who {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Who::Staff(id) => write!(f, "staff:{id}"),
            Who::Person(id) => write!(f, "person:{id}"),
            Who::Account(id) => write!(f, "account:{id}"),
            Who::System(name) => write!(f, "system:{name}"),
        }
    }
}

/// The context of every use case that writes or reads personal data: who, on which page or for which purpose,
/// and at which instant. The audit record is written from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub who: Who,
    /// The page or purpose (e.g. `"household/overview"`), so a log review can tell why data was read.
    pub page: String,
    pub at: Timestamp,
}

impl Actor {
    pub fn staff(id: StaffId, page: impl Into<String>, at: Timestamp) -> Actor {
        Actor {
            who: Who::Staff(id),
            page: page.into(),
            at,
        }
    }

    pub fn system(name: impl Into<String>, page: impl Into<String>, at: Timestamp) -> Actor {
        Actor {
            who: Who::System(name.into()),
            page: page.into(),
            at,
        }
    }
}
