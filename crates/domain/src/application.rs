//! The monthly application's lifecycle: received → under investigation → decided → paid or closed; withdrawn.
//!
//! The status is a closed enum and the only way to move it is [`ApplicationStatus::apply`], which refuses every
//! move the table below does not list. In particular an application that is not decided cannot be paid.
//!
//! | from                | event              | to                  |
//! |---------------------|--------------------|---------------------|
//! | received            | start_investigation| under_investigation |
//! | received, under_inv.| withdraw           | withdrawn           |
//! | under_investigation | decide             | decided             |
//! | decided, paid, closed | redecide (a new decision replaces the old) | decided |
//! | decided             | pay                | paid                |
//! | decided             | close              | closed              |

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Received,
    UnderInvestigation,
    Decided,
    Paid,
    Closed,
    Withdrawn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApplicationEvent {
    StartInvestigation,
    Withdraw,
    Decide,
    /// A new decision replaces the current one (reconsideration, a court's judgment, a correction).
    Redecide,
    Pay,
    Close,
}

impl ApplicationStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Received => "received",
            ApplicationStatus::UnderInvestigation => "under_investigation",
            ApplicationStatus::Decided => "decided",
            ApplicationStatus::Paid => "paid",
            ApplicationStatus::Closed => "closed",
            ApplicationStatus::Withdrawn => "withdrawn",
        }
    }

    const fn event_name(e: ApplicationEvent) -> &'static str {
        match e {
            ApplicationEvent::StartInvestigation => "under_investigation",
            ApplicationEvent::Withdraw => "withdrawn",
            ApplicationEvent::Decide | ApplicationEvent::Redecide => "decided",
            ApplicationEvent::Pay => "paid",
            ApplicationEvent::Close => "closed",
        }
    }

    /// The status after `event`, or an error naming the refused move.
    pub fn apply(self, event: ApplicationEvent) -> Result<ApplicationStatus, DomainError> {
        use ApplicationEvent as E;
        use ApplicationStatus as S;
        let next = match (self, event) {
            (S::Received, E::StartInvestigation) => S::UnderInvestigation,
            (S::Received | S::UnderInvestigation, E::Withdraw) => S::Withdrawn,
            (S::UnderInvestigation, E::Decide) => S::Decided,
            (S::Decided | S::Paid | S::Closed, E::Redecide) => S::Decided,
            (S::Decided, E::Pay) => S::Paid,
            (S::Decided, E::Close) => S::Closed,
            _ => {
                return Err(DomainError::IllegalTransition {
                    from: self.as_str(),
                    to: Self::event_name(event),
                });
            }
        };
        Ok(next)
    }

    /// Still needs work from the board (counts as live data for gallring).
    pub const fn is_open(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Received | ApplicationStatus::UnderInvestigation | ApplicationStatus::Decided
        )
    }
}

impl FromStr for ApplicationStatus {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<ApplicationStatus, DomainError> {
        use ApplicationStatus as S;
        [
            S::Received,
            S::UnderInvestigation,
            S::Decided,
            S::Paid,
            S::Closed,
            S::Withdrawn,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
        .ok_or(DomainError::Invalid {
            field: "ansökans status",
            reason: "okänd status",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApplicationEvent as E;
    use ApplicationStatus as S;

    const ALL: [S; 6] = [
        S::Received,
        S::UnderInvestigation,
        S::Decided,
        S::Paid,
        S::Closed,
        S::Withdrawn,
    ];
    const EVENTS: [E; 6] = [
        E::StartInvestigation,
        E::Withdraw,
        E::Decide,
        E::Redecide,
        E::Pay,
        E::Close,
    ];

    #[test]
    fn the_happy_path() {
        let s = S::Received.apply(E::StartInvestigation).unwrap();
        let s = s.apply(E::Decide).unwrap();
        assert_eq!(s.apply(E::Pay).unwrap(), S::Paid);
        assert_eq!(s.apply(E::Close).unwrap(), S::Closed);
        assert_eq!(S::Paid.apply(E::Redecide).unwrap(), S::Decided);
    }

    #[test]
    fn exactly_the_listed_moves_are_allowed() {
        let allowed = [
            (S::Received, E::StartInvestigation),
            (S::Received, E::Withdraw),
            (S::UnderInvestigation, E::Withdraw),
            (S::UnderInvestigation, E::Decide),
            (S::Decided, E::Redecide),
            (S::Paid, E::Redecide),
            (S::Closed, E::Redecide),
            (S::Decided, E::Pay),
            (S::Decided, E::Close),
        ];
        for s in ALL {
            for e in EVENTS {
                assert_eq!(s.apply(e).is_ok(), allowed.contains(&(s, e)), "{s:?} {e:?}");
            }
        }
        // An undecided application can never be paid.
        assert_eq!(
            S::UnderInvestigation.apply(E::Pay),
            Err(DomainError::IllegalTransition {
                from: "under_investigation",
                to: "paid"
            })
        );
        for s in ALL {
            assert_eq!(s.as_str().parse::<S>().unwrap(), s);
        }
    }
}
