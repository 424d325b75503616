//! The decision letter (beslutsbrev): the decision as `App::decision` gives it, plus whom it is addressed to, the
//! unit and who decided. For exactly the people who may read the decision; every read is audited. Staff's letter is
//! read from the case file; an applicant's from the applicant's view (`store::ApplicantViews`), which holds only the
//! decision's month.

use domain::DecisionId;
use domain::person::{PostalAddress, ProtectedIdentity};
use norm::Month;
use norm::contract::Role;
use store::{DecisionView, PersonView, Store, Worklists};

use crate::access::{Actor, Permission};
use crate::service::{App, AppError};

/// Everything the letter shows. Holds names and personnummer: never log it.
#[derive(Clone)]
pub struct DecisionLetter {
    pub decision: DecisionView,
    /// The month the application was for.
    pub month: Option<Month>,
    /// The unit of the household (the part of the board's administration that decided).
    pub unit: String,
    /// The name of the person who decided, when the decision was a person's (`None` for a job, e.g. the demo's
    /// seeded history).
    pub decided_by: Option<String>,
    /// Those the decision is addressed to: the household's adults on the day of the decision in staff's letter; in
    /// an applicant's, the adults who were members during its month, less a protected person other than the
    /// applicant.
    pub addressees: Vec<PersonView>,
    /// The names of the month's members the reader may see, by the engine's member id (a protected person the
    /// reader may not see is left out, and so masked in the lines; see [`crate::shown::MemberNames`]).
    pub member_names: std::collections::BTreeMap<String, String>,
    /// The address lines under the recipient's name (the first addressee, the household's applicant): the postal
    /// address from the register, Skatteverket's forwarding for skyddad folkbokföring (never the address), or none
    /// when none is stored. Empty on the decision page, which does not read it.
    pub recipient_address: Vec<String>,
}

/// Never prints names or personnummer.
impl std::fmt::Debug for DecisionLetter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecisionLetter")
            .field("decision", &self.decision.id)
            .field("month", &self.month)
            .finish_non_exhaustive()
    }
}

impl App {
    /// The decision letter. Goes through [`App::decision`] first, so the same people may read it, a refusal is
    /// audited the same way, and an applicant opening their letter is served the decision just as by opening the
    /// page (it is the same decision, with the same appeal instructions). The addressees' names are read as an
    /// audited household read (one record per member) for the letter's page.
    pub async fn decision_letter(&self, actor: &Actor, id: DecisionId) -> Result<DecisionLetter, AppError> {
        let page = format!("beslut/{id}/brev");
        let mut letter = self.decision_with_names(actor, id, &page).await?;
        if let Some(recipient) = letter.addressees.first() {
            let protection = recipient.protection;
            // A hidden address is not even read: the letter goes through Skatteverket.
            let address = match protection {
                ProtectedIdentity::SkyddadFolkbokforing | ProtectedIdentity::FingeradePersonuppgifter => None,
                ProtectedIdentity::None | ProtectedIdentity::Sekretessmarkering => {
                    let ctx = self.audit_ctx(actor, &page);
                    self.store.postal_address(&ctx, recipient.id).await?
                }
            };
            letter.recipient_address = PostalAddress::letter_lines(address.as_ref(), protection);
        }
        Ok(letter)
    }

    /// The decision page's read: the same as the letter's (the page shows the same calculation with the same
    /// names), recorded as the page's.
    pub async fn decision_page(&self, actor: &Actor, id: DecisionId) -> Result<DecisionLetter, AppError> {
        self.decision_with_names(actor, id, &format!("beslut/{id}")).await
    }

    /// The calculation of the decision as the letter or page shows it: in `lang`, members by name.
    pub fn letter_calculation(
        &self,
        letter: &DecisionLetter,
        lang: norm::Lang,
    ) -> Option<crate::shown::ShownCalculation> {
        let names = crate::shown::MemberNames::from_map(letter.member_names.clone(), lang);
        letter
            .decision
            .calculation
            .as_ref()
            .map(|c| self.show_frozen(c, lang, &names))
    }

    async fn decision_with_names(
        &self,
        actor: &Actor,
        id: DecisionId,
        page: &str,
    ) -> Result<DecisionLetter, AppError> {
        let decision = self.decision(actor, id).await?;
        if actor.require(Permission::ApplyOwn).is_ok() {
            return self.applicants_letter(actor, decision, page).await;
        }
        let ctx = self.audit_ctx(actor, page);
        let access = self.store.decision_access(id).await?;
        let decided_on = decision.decided_at.to_zoned(jiff::tz::TimeZone::UTC).date();
        let household = self
            .store
            .household_overview(&ctx, access.household, decided_on)
            .await?;
        let month = household
            .applications
            .iter()
            .find(|a| a.id == decision.application)
            .map(|a| a.month)
            .or_else(|| decision.calculation.as_ref().map(|c| c.response.month));
        let unit = household.unit_name.clone();
        // The case file names everyone who decided on the household, this decision's decider among them.
        let decided_by = household.names.get(&decision.decided_by).cloned();
        // Everyone who has been a member: the month's members are among them, whatever the day of the decision.
        let member_names = crate::shown::visible_names(
            actor,
            household
                .membership
                .iter()
                .map(|m| (m.person.id, m.person.name.as_str(), m.person.protection)),
        );
        let addressees = household
            .members
            .into_iter()
            .filter(|m| m.role == Role::Adult)
            .map(|m| m.person)
            .collect();
        Ok(DecisionLetter {
            decision,
            month,
            unit,
            decided_by,
            addressees,
            member_names,
            recipient_address: Vec::new(),
        })
    }

    /// The applicant's letter, from the applicant's view rather than the case file: it names the adults who were
    /// members of the household during the decision's month, leaving out anyone with protected identity other than
    /// the applicant (their name and personnummer are not the applicant's to read).
    async fn applicants_letter(
        &self,
        actor: &Actor,
        decision: DecisionView,
        page: &str,
    ) -> Result<DecisionLetter, AppError> {
        let view = self.applicant_letter_view(actor, decision.id, page).await?;
        // `App::decision` has checked that the decision's month is one of the applicant's, so the view holds it.
        let month = view
            .months
            .iter()
            .find(|m| m.application.id == decision.application)
            .ok_or(AppError::Denied(crate::access::Denied::Role))?;
        let unit = view
            .units
            .get(&month.application.household)
            .cloned()
            .unwrap_or_default();
        let decided_by = view.names.get(&decision.decided_by).cloned();
        let addressees = month
            .members
            .iter()
            .filter(|m| m.role == Role::Adult)
            .filter_map(|m| m.person.clone())
            .collect();
        // The view names the month's members the applicant may see (a protected co-member is `None`: masked).
        let member_names = crate::shown::visible_names(
            actor,
            month
                .members
                .iter()
                .filter_map(|m| m.person.as_ref())
                .map(|p| (p.id, p.name.as_str(), p.protection)),
        );
        Ok(DecisionLetter {
            month: Some(month.application.month),
            decision,
            unit,
            decided_by,
            addressees,
            member_names,
            recipient_address: Vec::new(),
        })
    }
}
