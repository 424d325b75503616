//! Roles, permissions and the permission table: the single answer to "may this person do this?".
//!
//! The table is data ([`Role::permissions`]) so that the route-by-role test and the documentation read the same
//! source. Unit scoping and protected identities are checked on top of the role's permissions.

use std::collections::BTreeSet;

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

    /// The permission table. Personal-data permissions are further limited to the actor's units.
    pub const fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Applicant => &[ApplyOwn],
            Role::Caseworker => &[
                ReadCase,
                EditCase,
                Decide,
                PreparePayments,
                ApprovePayments,
                EditPlan,
            ],
            Role::JobCoach => &[ReadCase, EditPlan],
            Role::UnitManager => &[ReadCase, ApprovePayments, ReadAggregates, ReadUnitCosts],
            Role::Controller => &[ReadAggregates, ReadUnitCosts],
            Role::BoardMember => &[ReadAggregates],
            Role::Auditor => &[ReadAccessLog, ReadCase],
            Role::Administrator => &[ManageUsers, ReadAggregates],
        }
    }

    pub fn may(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }
}

/// What an action needs. Kept coarse on purpose: one permission per kind of work, not per page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Apply, follow one's own applications, read one's own decisions, appeal.
    ApplyOwn,
    /// Read a household's personal data (within the actor's units).
    ReadCase,
    /// Register households, facts, journal notes, documents.
    EditCase,
    /// Calculate and decide applications.
    Decide,
    /// Put decided amounts into payment batches, stop payments.
    PreparePayments,
    /// Approve a batch as the second person.
    ApprovePayments,
    /// Ladder steps, plans, activities, attendance.
    EditPlan,
    /// Aggregated figures only: never a name or personnummer.
    ReadAggregates,
    /// Costs per unit against budget.
    ReadUnitCosts,
    /// The access log and the audit chain.
    ReadAccessLog,
    /// Users, units and grants.
    ManageUsers,
}

/// The signed-in person as the use cases see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    /// Organisation units whose households this actor may see.
    pub units: BTreeSet<i64>,
    /// Persons with protected identity this actor has an explicit grant for.
    pub protected_grants: BTreeSet<i64>,
}

/// Why access was refused; the web layer turns each into 403 with a plain message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("din roll saknar behörighet för detta")]
    Role,
    #[error("hushållet tillhör en annan enhet")]
    Unit,
    #[error("personen har skyddad identitet och du saknar särskild behörighet")]
    ProtectedIdentity,
}

impl Actor {
    pub fn require(&self, permission: Permission) -> Result<(), Denied> {
        if self.role.may(permission) {
            Ok(())
        } else {
            Err(Denied::Role)
        }
    }

    /// May this actor see the personal data of a household in `unit` whose members include the given protected
    /// persons? Auditors read across units (their job is review), everyone else only their own units.
    pub fn may_read_household(&self, unit: i64, protected_persons: &[i64]) -> Result<(), Denied> {
        self.require(Permission::ReadCase)?;
        if self.role != Role::Auditor && !self.units.contains(&unit) {
            return Err(Denied::Unit);
        }
        if protected_persons
            .iter()
            .any(|p| !self.protected_grants.contains(p))
        {
            return Err(Denied::ProtectedIdentity);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, units: &[i64]) -> Actor {
        Actor {
            user_id: 1,
            username: "x".into(),
            role,
            units: units.iter().copied().collect(),
            protected_grants: BTreeSet::new(),
        }
    }

    #[test]
    fn board_members_see_aggregates_only() {
        let p = Role::BoardMember.permissions();
        assert_eq!(p, &[Permission::ReadAggregates]);
        assert_eq!(
            actor(Role::BoardMember, &[1]).may_read_household(1, &[]),
            Err(Denied::Role)
        );
    }

    #[test]
    fn caseworkers_are_limited_to_their_units_and_grants() {
        let mut a = actor(Role::Caseworker, &[1]);
        assert_eq!(a.may_read_household(1, &[]), Ok(()));
        assert_eq!(a.may_read_household(2, &[]), Err(Denied::Unit));
        assert_eq!(a.may_read_household(1, &[42]), Err(Denied::ProtectedIdentity));
        a.protected_grants.insert(42);
        assert_eq!(a.may_read_household(1, &[42]), Ok(()));
    }

    #[test]
    fn only_personal_roles_read_cases() {
        let readers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.may(Permission::ReadCase))
            .collect();
        assert_eq!(
            readers,
            [Role::Caseworker, Role::JobCoach, Role::UnitManager, Role::Auditor]
        );
    }
}
