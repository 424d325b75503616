//! Roles, permissions and the permission table: the single answer to "may this person do this?".
//!
//! The table is data ([`Role::permissions`]) so that the route-by-role test and the documentation read the same
//! source. Unit scoping and protected identities are checked on top of the role's permissions.

use std::collections::BTreeSet;

use domain::{PersonId, StaffId, UnitId, Who};
use serde::{Deserialize, Serialize};

pub use domain::role::Role;

/// The permission table. Personal-data permissions are further limited to the actor's units.
pub const fn permissions(role: Role) -> &'static [Permission] {
    use Permission::*;
    match role {
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

pub fn may(role: Role, permission: Permission) -> bool {
    permissions(role).contains(&permission)
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
    pub account_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The staff record of a member of staff.
    pub staff: Option<StaffId>,
    /// The person an applicant is.
    pub person: Option<PersonId>,
    /// Organisation units whose households this actor may see.
    pub units: BTreeSet<UnitId>,
    /// Persons with protected identity this actor has an explicit grant for.
    pub protected_grants: BTreeSet<PersonId>,
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
        if may(self.role, permission) {
            Ok(())
        } else {
            Err(Denied::Role)
        }
    }

    /// Who this is in the audit log.
    pub fn who(&self) -> Who {
        match (self.staff, self.person) {
            (Some(staff), _) => Who::Staff(staff),
            (None, Some(person)) => Who::Person(person),
            (None, None) => Who::Account(self.account_id),
        }
    }

    /// May this actor see the personal data of a household in `unit` whose members include the given protected
    /// persons? Auditors read across units (their job is review), everyone else only their own units.
    pub fn may_read_household(&self, unit: UnitId, protected_persons: &[PersonId]) -> Result<(), Denied> {
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
            account_id: 1,
            username: "x".into(),
            display_name: "X".into(),
            role,
            staff: Some(StaffId(1)),
            person: None,
            units: units.iter().copied().map(UnitId).collect(),
            protected_grants: BTreeSet::new(),
        }
    }

    #[test]
    fn board_members_see_aggregates_only() {
        let p = permissions(Role::BoardMember);
        assert_eq!(p, &[Permission::ReadAggregates]);
        assert_eq!(
            actor(Role::BoardMember, &[1]).may_read_household(UnitId(1), &[]),
            Err(Denied::Role)
        );
    }

    #[test]
    fn caseworkers_are_limited_to_their_units_and_grants() {
        let mut a = actor(Role::Caseworker, &[1]);
        assert_eq!(a.may_read_household(UnitId(1), &[]), Ok(()));
        assert_eq!(a.may_read_household(UnitId(2), &[]), Err(Denied::Unit));
        assert_eq!(
            a.may_read_household(UnitId(1), &[PersonId(42)]),
            Err(Denied::ProtectedIdentity)
        );
        a.protected_grants.insert(PersonId(42));
        assert_eq!(a.may_read_household(UnitId(1), &[PersonId(42)]), Ok(()));
    }

    #[test]
    fn only_personal_roles_read_cases() {
        let readers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| may(*r, Permission::ReadCase))
            .collect();
        assert_eq!(
            readers,
            [Role::Caseworker, Role::JobCoach, Role::UnitManager, Role::Auditor]
        );
    }
}
