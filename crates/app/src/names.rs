//! Names as a staff page may show them: a person with protected identity is masked unless the actor has a grant
//! for them. The store reads the names inside the audited read; the masking rule lives here with the other
//! permission rules.

use std::collections::BTreeMap;

use domain::role::Role;
use store::{ActorName, HouseholdPerson, PersonName};

use crate::access::Actor;

/// A person's name, or that it may not be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    Name(String),
    /// Protected identity, and the actor has no grant: the page says so instead of the name.
    Protected,
}

/// Who did something, for a page: name and role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doer {
    pub name: Shown,
    pub role: Option<Role>,
}

/// The person's name if the actor may see it.
pub fn shown(actor: &Actor, person: &PersonName) -> Shown {
    if person.protected && !actor.protected_grants.contains(&person.id) {
        Shown::Protected
    } else {
        Shown::Name(person.name.clone())
    }
}

/// The names the store found, keyed by their `who` (`staff:2`), masked for the actor.
pub fn doers(actor: &Actor, names: &[ActorName]) -> BTreeMap<String, Doer> {
    names
        .iter()
        .map(|n| {
            let name = match n.person {
                Some(id) if n.protected && !actor.protected_grants.contains(&id) => Shown::Protected,
                _ => Shown::Name(n.name.clone()),
            };
            (n.who.clone(), Doer { name, role: n.role })
        })
        .collect()
}

/// A household's people as a page names the household: current members first, adults first; masked for the actor.
pub fn household_people(actor: &Actor, people: &[HouseholdPerson]) -> Vec<Shown> {
    let current: Vec<&HouseholdPerson> = people.iter().filter(|p| p.current).collect();
    // A household whose members have all left is named by everyone who was in it.
    let named = if current.is_empty() {
        people.iter().collect()
    } else {
        current
    };
    named.into_iter().map(|p| shown(actor, &p.person)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::PersonId;

    fn person(id: i64, name: &str, protected: bool, adult: bool, current: bool) -> HouseholdPerson {
        HouseholdPerson {
            person: PersonName {
                id: PersonId(id),
                name: name.to_owned(),
                protected,
            },
            adult,
            current,
        }
    }

    #[test]
    fn a_protected_person_is_masked_without_a_grant() {
        let mut actor = Actor {
            account_id: 1,
            username: "x".into(),
            display_name: "X".into(),
            role: Role::Caseworker,
            staff: None,
            person: None,
            units: Default::default(),
            protected_grants: Default::default(),
        };
        let people = [
            person(1, "Alva Ek", false, true, true),
            person(2, "Bo Ek", true, true, true),
            person(3, "Cia Ek", false, true, false),
        ];
        // The former member (Cia) is left out while there are current ones.
        assert_eq!(
            household_people(&actor, &people),
            [Shown::Name("Alva Ek".into()), Shown::Protected]
        );
        actor.protected_grants.insert(PersonId(2));
        assert_eq!(
            household_people(&actor, &people),
            [Shown::Name("Alva Ek".into()), Shown::Name("Bo Ek".into())]
        );
    }
}
