//! The words of sanction proposals under 12 kap. 5 § SoL and of the activity requirement (issue #13), in Swedish
//! and English (a missing translation is a compile error, as in `decision_texts`).

use app::domain::progression::{Absence, ActivityKind, RequirementKind, SanctionGround, SanctionOutcome};

use crate::i18n::Lang;

/// Every fixed text of the proposal pages, the household page's section, the decision form's part, the queue's
/// marker and filter, the workload's count and the letter's paragraph.
#[derive(Debug)]
pub struct SanctionTexts {
    pub lang: Lang,
    // The proposal form.
    pub new_title: &'static str,
    pub new_intro: &'static str,
    pub person: &'static str,
    pub activity: &'static str,
    pub week: &'static str,
    pub week_hours: &'static str,
    pub attended: &'static str,
    pub absent: &'static str,
    pub hours: &'static str,
    pub no_week: &'static str,
    pub ground: &'static str,
    pub reason: &'static str,
    pub reason_hint: &'static str,
    pub propose: &'static str,
    pub never_automatic: &'static str,
    // The proposal's page.
    pub proposal_title: &'static str,
    pub proposed_by: &'static str,
    pub proposed_on: &'static str,
    pub status: &'static str,
    pub open: &'static str,
    pub decided_by: &'static str,
    pub outcome_reasons: &'static str,
    pub in_decision: &'static str,
    pub decide_in_application: &'static str,
    pub dismiss_title: &'static str,
    pub dismiss_hint: &'static str,
    pub dismiss: &'static str,
    pub to_household: &'static str,
    pub already_decided: &'static str,
    // The household page.
    pub section: &'static str,
    pub none: &'static str,
    pub show: &'static str,
    pub requirement_heading: &'static str,
    pub requirement_def: &'static str,
    pub months_on_assistance: &'static str,
    pub weekly_hours: &'static str,
    pub flagged: &'static str,
    pub not_flagged: &'static str,
    pub no_rule: &'static str,
    pub rules_in_force: &'static str,
    // The decision form.
    pub form_heading: &'static str,
    pub form_intro: &'static str,
    pub carry: &'static str,
    pub how: &'static str,
    pub reduce: &'static str,
    pub refuse: &'static str,
    pub refuse_hint: &'static str,
    // The queue and the workload.
    pub queue_marker: &'static str,
    pub queue_proposals: &'static str,
    pub queue_filter: &'static str,
    pub workload_heading: &'static str,
    pub workload_def: &'static str,
    pub workload_see: &'static str,
    // The letter.
    pub letter_appeal: &'static str,
}

impl SanctionTexts {
    pub const fn of(lang: Lang) -> &'static SanctionTexts {
        match lang {
            Lang::Sv => &SV,
            Lang::En => &EN,
        }
    }

    pub fn ground(&self, g: SanctionGround) -> &'static str {
        match self.lang {
            Lang::Sv => g.label_sv(),
            Lang::En => g.label_en(),
        }
    }

    pub fn activity(&self, k: ActivityKind) -> &'static str {
        match self.lang {
            Lang::Sv => k.label_sv(),
            Lang::En => k.label_en(),
        }
    }

    pub fn absence(&self, a: Absence) -> &'static str {
        match self.lang {
            Lang::Sv => a.label_sv(),
            Lang::En => a.label_en(),
        }
    }

    pub fn rule(&self, r: RequirementKind) -> &'static str {
        match self.lang {
            Lang::Sv => r.label_sv(),
            Lang::En => r.label_en(),
        }
    }

    pub fn outcome(&self, o: Option<SanctionOutcome>) -> &'static str {
        match (o, self.lang) {
            (None, _) => self.open,
            (Some(SanctionOutcome::Reduce), Lang::Sv) => "Nedsättning beslutad",
            (Some(SanctionOutcome::Refuse), Lang::Sv) => "Vägran beslutad",
            (Some(SanctionOutcome::Dismiss), Lang::Sv) => "Avskrivet utan nedsättning",
            (Some(SanctionOutcome::Reduce), Lang::En) => "Reduction decided",
            (Some(SanctionOutcome::Refuse), Lang::En) => "Refusal decided",
            (Some(SanctionOutcome::Dismiss), Lang::En) => "Dismissed without reduction",
        }
    }
}

static SV: SanctionTexts = SanctionTexts {
    lang: Lang::Sv,
    new_title: "Förslag om nedsättning eller vägran (12 kap. 5 § SoL)",
    new_intro: "Föreslå att fortsatt försörjningsstöd sätts ned eller vägras därför att personen utan godtagbart skäl uteblivit från eller avböjt en planerad aktivitet. Handläggaren prövar förslaget och beslutar; ingenting dras av automatiskt.",
    person: "Person",
    activity: "Aktivitet",
    week: "Vecka",
    week_hours: "Registrerad närvaro",
    attended: "närvarande",
    absent: "frånvarande",
    hours: "timmar",
    no_week: "Ingen vecka: personen har avböjt aktiviteten som helhet.",
    ground: "Grund",
    reason: "Vad har hänt, och varför godtas inte skälet?",
    reason_hint: "Beskriv vad som erbjudits, vad personen har sagt och vad ni har gjort. Högst 2 000 tecken.",
    propose: "Skicka förslaget till handläggaren",
    never_automatic: "Förslaget är inget beslut. Handläggaren beslutar om nedsättning eller vägran i månadens beslut, med motivering och besked om hur man överklagar, eller skriver av förslaget.",
    proposal_title: "Förslag enligt 12 kap. 5 § SoL",
    proposed_by: "Föreslaget av",
    proposed_on: "Föreslaget",
    status: "Status",
    open: "Väntar på handläggarens beslut",
    decided_by: "Avgjort av",
    outcome_reasons: "Handläggarens motivering",
    in_decision: "Beslutet",
    decide_in_application: "Besluta om nedsättning eller vägran i hushållets beslut för månaden: öppna ansökan och välj förslaget i beslutsformuläret.",
    dismiss_title: "Skriv av förslaget",
    dismiss_hint: "Om skälet godtas eller grunden inte håller: skriv varför. Förslaget leder då inte till någon nedsättning.",
    dismiss: "Skriv av förslaget",
    to_household: "Till hushållet",
    already_decided: "Förslaget är redan avgjort.",
    section: "Förslag om nedsättning (12 kap. 5 § SoL)",
    none: "Inga förslag.",
    show: "Visa förslaget",
    requirement_heading: "Aktivitetskrav",
    requirement_def: "Flaggas: en vuxen i ett hushåll som fått försörjningsstöd tre månader i följd (månader med beviljat belopp, t.o.m. denna eller förra månaden) och vars planerade aktiviteter som pågår i dag är under 40 timmar i veckan (utan planering räknas 0 timmar).",
    months_on_assistance: "Månader i följd med bistånd",
    weekly_hours: "Aktiviteter i dag, timmar per vecka",
    flagged: "Under heltid",
    not_flagged: "Uppfyller kravet eller omfattas inte",
    no_rule: "Inget aktivitetskrav gäller i dag enligt kommunens inställningar.",
    rules_in_force: "Gäller i dag",
    form_heading: "Förslag om nedsättning eller vägran",
    form_intro: "Jobbcoachens förslag om hushållets vuxna. Välj de förslag beslutet gäller: grunden skrivs in i beslutets motivering före din motivering nedan, och förslagen markeras som avgjorda med beslutet. Förslag du inte väljer förblir öppna.",
    carry: "Besluta om förslaget",
    how: "Beslut om förslagen",
    reduce: "Nedsättning med beloppet nedan",
    refuse: "Vägran av riksnormen för månaden",
    refuse_hint: "Vid vägran hålls hela den beviljade riksnormen inne; hyra och andra kostnader beslutas som vanligt. Beloppsfältet behövs inte.",
    queue_marker: "Aktivitetskrav",
    queue_proposals: "Förslag 12:5",
    queue_filter: "Bara hushåll med aktivitetskrav under heltid",
    workload_heading: "Aktivitetskrav under heltid",
    workload_def: "Antal vuxna i enheternas hushåll som fått försörjningsstöd tre månader i följd och vars planerade aktiviteter i dag är under 40 timmar i veckan (aktivitetsgarantin eller aktivitetskravet, enligt kommunens inställningar).",
    workload_see: "Visa hushållens ansökningar",
    letter_appeal: "Beslutet om nedsättning eller vägran enligt 12 kap. 5 § socialtjänstlagen är en egen del av beslutet. Du kan överklaga den på samma sätt som beslutet i övrigt.",
};

static EN: SanctionTexts = SanctionTexts {
    lang: Lang::En,
    new_title: "Proposal to reduce or refuse (ch. 12 s. 5 SoL)",
    new_intro: "Propose that continued living allowance be reduced or refused because the person, without an acceptable reason, stayed away from or refused a planned activity. The caseworker considers the proposal and decides; nothing is deducted automatically.",
    person: "Person",
    activity: "Activity",
    week: "Week",
    week_hours: "Recorded attendance",
    attended: "attended",
    absent: "absent",
    hours: "hours",
    no_week: "No week: the person refused the activity as a whole.",
    ground: "Ground",
    reason: "What happened, and why is the reason not accepted?",
    reason_hint: "Describe what was offered, what the person said and what you did. At most 2,000 characters.",
    propose: "Send the proposal to the caseworker",
    never_automatic: "A proposal is not a decision. The caseworker decides on a reduction or refusal in the month's decision, with reasons and how to appeal, or dismisses the proposal.",
    proposal_title: "Proposal under ch. 12 s. 5 SoL",
    proposed_by: "Proposed by",
    proposed_on: "Proposed",
    status: "Status",
    open: "Waiting for the caseworker's decision",
    decided_by: "Decided by",
    outcome_reasons: "The caseworker's reasons",
    in_decision: "The decision",
    decide_in_application: "Decide on a reduction or refusal in the household's decision for the month: open the application and choose the proposal in the decision form.",
    dismiss_title: "Dismiss the proposal",
    dismiss_hint: "If the reason is accepted or the ground does not hold: say why. The proposal then leads to no reduction.",
    dismiss: "Dismiss the proposal",
    to_household: "To the household",
    already_decided: "The proposal has already been decided.",
    section: "Proposals to reduce (ch. 12 s. 5 SoL)",
    none: "No proposals.",
    show: "Show the proposal",
    requirement_heading: "Activity requirement",
    requirement_def: "Flagged: an adult of a household that has had living allowance three months in a row (months with an amount granted, up to this or last month) whose planned activities running today add up to less than 40 hours a week (no plan counts as 0 hours).",
    months_on_assistance: "Months in a row with assistance",
    weekly_hours: "Activities today, hours a week",
    flagged: "Below full time",
    not_flagged: "Meets the requirement or not covered",
    no_rule: "No activity requirement applies today under the municipality's settings.",
    rules_in_force: "In force today",
    form_heading: "Proposals to reduce or refuse",
    form_intro: "The job coach's proposals about the household's adults. Choose the proposals this decision is about: their ground is written into the decision's reasons before your reasons below, and they are marked decided with the decision. Proposals you do not choose stay open.",
    carry: "Decide on the proposal",
    how: "Decision on the proposals",
    reduce: "Reduction by the amount below",
    refuse: "Refusal of the national standard for the month",
    refuse_hint: "A refusal withholds the whole national standard granted; rent and other costs are decided as usual. The amount field is not needed.",
    queue_marker: "Activity requirement",
    queue_proposals: "Proposals 12:5",
    queue_filter: "Only households below full time under the activity requirement",
    workload_heading: "Activity requirement below full time",
    workload_def: "Adults of the units' households who have had living allowance three months in a row and whose planned activities today add up to less than 40 hours a week (the activity guarantee or the activity requirement, as the municipality has set).",
    workload_see: "Show the households' applications",
    letter_appeal: "The decision to reduce or refuse under chapter 12 section 5 of the Social Services Act is a part of the decision of its own. You can appeal it in the same way as the rest of the decision.",
};
