//! Organisation units and staff.

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::ids::{StaffId, UnitId};
use crate::role::Role;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgUnit {
    pub id: UnitId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staff {
    pub id: StaffId,
    pub unit: UnitId,
    pub name: String,
    pub role: Role,
}

/// A non-blank name of reasonable length (units, staff, persons).
pub fn check_name(field: &'static str, name: &str) -> Result<String, DomainError> {
    let n = crate::text::NAME
        .problem(name)
        .map_err(|_| DomainError::Invalid {
            field,
            reason: "namnet är tomt, för långt (högst 200 tecken) eller har otillåtna tecken",
        })?;
    if n.is_empty() {
        return Err(DomainError::Invalid {
            field,
            reason: "namnet är tomt eller för långt",
        });
    }
    Ok(n.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert_eq!(check_name("namn", " Team Nord ").unwrap(), "Team Nord");
        assert!(check_name("namn", "  ").is_err());
        assert!(check_name("namn", &"x".repeat(201)).is_err());
    }
}
