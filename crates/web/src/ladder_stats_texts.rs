//! The words of the ladder's statistics page (`/stegforflyttning`) and its CSV files, in Swedish and English (a
//! missing translation is a compile error). Every figure's definition is here, beside its heading.

use crate::i18n::Lang;

#[derive(Debug)]
pub struct LadderStatsTexts {
    pub heading: &'static str,
    pub intro: &'static str,
    pub associations: &'static str,
    pub suppression: &'static str,
    pub exact: &'static str,
    pub period: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub month_hint: &'static str,
    pub cohorts: &'static str,
    pub cohorts_year: &'static str,
    pub cohorts_half: &'static str,
    pub unit: &'static str,
    pub unit_all: &'static str,
    pub show: &'static str,
    pub bad_month: &'static str,
    pub bad_cohorts: &'static str,
    pub bad_unit: &'static str,
    pub bad_table: &'static str,
    pub fewer_than_5: &'static str,
    pub not_shown: &'static str,
    pub dash_note: &'static str,
    pub csv: &'static str,
    pub ladder_changed: &'static str,
    pub observed_until: &'static str,
    pub no_months: &'static str,
    pub step: &'static str,
    pub matrix_heading: &'static str,
    pub matrix_def: &'static str,
    pub from_step: &'static str,
    pub at_start: &'static str,
    pub at_end_on: &'static str,
    pub exited: &'static str,
    pub exited_total: &'static str,
    pub total: &'static str,
    pub per_month: &'static str,
    pub month: &'static str,
    pub step_rates_heading: &'static str,
    pub step_rates_def: &'static str,
    pub person_months: &'static str,
    pub step_ups: &'static str,
    pub step_up_rate: &'static str,
    pub exits: &'static str,
    pub exit_rate: &'static str,
    pub self_sufficient: &'static str,
    pub self_sufficient_rate: &'static str,
    pub chart_rates_desc: &'static str,
    pub activity_heading: &'static str,
    pub activity_def: &'static str,
    pub activity: &'static str,
    pub no_activity: &'static str,
    pub km_heading: &'static str,
    pub km_def: &'static str,
    pub cohort: &'static str,
    pub half: &'static str,
    pub periods: &'static str,
    pub events: &'static str,
    pub censored: &'static str,
    pub share_after: &'static str,
    pub at_risk_after: &'static str,
    pub months_word: &'static str,
    pub km_chart_desc: &'static str,
    pub km_axis_x: &'static str,
    pub km_axis_y: &'static str,
    pub km_no_curve: &'static str,
    pub over3_heading: &'static str,
    pub over3_def: &'static str,
    pub over3_observable: &'static str,
    pub over3_over: &'static str,
    pub over3_share: &'static str,
    pub reentry_heading: &'static str,
    pub reentry_def: &'static str,
    pub exit_reason: &'static str,
    pub all_reasons: &'static str,
    pub observable_3: &'static str,
    pub within_3: &'static str,
    pub observable_12: &'static str,
    pub within_12: &'static str,
}

impl LadderStatsTexts {
    pub fn of(lang: Lang) -> &'static LadderStatsTexts {
        match lang {
            Lang::Sv => &SV,
            Lang::En => &EN,
        }
    }
}

pub static SV: LadderStatsTexts = LadderStatsTexts {
    heading: "Stegförflyttning",
    intro: "Hur personer på stegen rör sig mellan stegen och ut ur försörjningsstödet, månad för månad. Sidan visar \
            bara summor, aldrig en person.",
    associations: "Siffrorna visar samband, inte effekter: vem som får en viss aktivitet eller står på ett visst steg \
                   är inte slumpat, så en högre andel avslut med en aktivitet betyder inte att aktiviteten orsakade \
                   dem.",
    suppression: "Antal under 5 personer visas som ”färre än 5”, och en andel visas inte när den vilar på färre än 5 \
                  personer (i nämnaren, eller 1–4 i täljaren), så att ingen enskild kan pekas ut.",
    exact: "Alla antal visas exakt.",
    period: "Period",
    from: "Första månaden",
    to: "Sista månaden",
    month_hint: "ÅÅÅÅ-MM. Den sista månaden ska vara slut.",
    cohorts: "Kohorter i kurvorna",
    cohorts_year: "Startår",
    cohorts_half: "Starthalvår",
    unit: "Enhet",
    unit_all: "Hela kommunen",
    show: "Visa",
    bad_month: "Skriv månaden som ÅÅÅÅ-MM, till exempel 2026-01.",
    bad_cohorts: "Välj startår eller starthalvår.",
    bad_unit: "Välj en av dina enheter eller hela kommunen.",
    bad_table: "Det finns ingen sådan tabell att ladda ner.",
    fewer_than_5: "färre än 5",
    not_shown: "–",
    dash_note: "– betyder att andelen inte visas: den vilar på färre än 5 personer, eller ingen fanns att räkna på.",
    csv: "Ladda ner tabellen som CSV",
    ladder_changed: "Stegen ändrades under perioden. Stegen räknas med sina nummer; namnen är den senaste versionens.",
    observed_until: "Uppgifter till och med",
    no_months: "Ingen hel månad i perioden har passerat än.",
    step: "Steg",
    matrix_heading: "Övergångar mellan stegen",
    matrix_def: "För varje månad: personer på stegen den första dagen i månaden, efter sitt steg då (den senaste \
                 bedömningen den dagen eller tidigare), och var de var den sista dagen: på ett steg, eller avslutade \
                 (orsaken till det sista avslutet i månaden). En person är på stegen från en bedömning till nästa \
                 avslut. Tabellen är summan av periodens månader, så en person räknas en gång per månad \
                 (personmånader).",
    from_step: "Steg vid månadens början",
    at_start: "Personer vid månadens början",
    at_end_on: "Vid månadens slut på",
    exited: "Avslutade",
    exited_total: "Avslutade, alla orsaker",
    total: "Summa",
    per_month: "Månad för månad",
    month: "Månad",
    step_rates_heading: "Steg uppåt och avslut per steg",
    step_rates_def: "Av personmånaderna som började på ett steg: andelen som slutade på ett högre steg (steg uppåt), \
                     andelen som slutade med ett avslut, och andelen med avslut till arbete eller studier. \
                     Personmånader: en person på stegen den första dagen i en månad räknas en gång för den månaden.",
    person_months: "Personmånader",
    step_ups: "Steg uppåt",
    step_up_rate: "Andel steg uppåt",
    exits: "Avslut",
    exit_rate: "Andel avslut",
    self_sufficient: "Avslut till arbete eller studier",
    self_sufficient_rate: "Andel avslut till arbete eller studier",
    chart_rates_desc: "Liggande staplar: andel steg uppåt och andel avslut per månad. Samma siffror finns i tabellen.",
    activity_heading: "Steg uppåt och avslut per aktivitet",
    activity_def: "Av personmånaderna där en aktivitet av slaget pågick den första dagen i månaden: andelen som slutade \
                   på ett högre steg, och andelen som slutade med ett avslut. En person med två aktiviteter räknas \
                   under båda. ”Ingen aktivitet” är personmånaderna utan någon pågående aktivitet.",
    activity: "Aktivitet",
    no_activity: "Ingen aktivitet",
    km_heading: "Tid till egen försörjning",
    km_def: "Kaplan–Meier-kurvor för perioderna på stegen som började under perioden, efter startår eller \
             starthalvår. Händelsen är ett avslut till arbete eller studier. Ett avslut av annat skäl, eller en \
             period som pågår den sista dagen med uppgifter, räknas som censurerad: personen följs så länge vi vet. \
             Kurvan visar andelen som har blivit självförsörjande efter så lång tid, och slutar där färre än 5 \
             personer fortfarande följs. Tiden räknas i dagar; 3 månader är 91 dagar, 6 är 183, 12 är 365 och 24 \
             är 730.",
    cohort: "Kohort",
    half: "halvår",
    periods: "Perioder",
    events: "Avslut till arbete eller studier",
    censored: "Censurerade",
    share_after: "Andel självförsörjande efter",
    at_risk_after: "Följs fortfarande efter",
    months_word: "mån",
    km_chart_desc: "Trappstegskurvor: andel självförsörjande (lodrätt) mot tid sedan periodens start (vågrätt), en \
                    kurva per kohort. Samma siffror finns i tabellen.",
    km_axis_x: "Månader sedan periodens start",
    km_axis_y: "Andel självförsörjande",
    km_no_curve: "Ingen kurva att visa: för få personer.",
    over3_heading: "Perioder längre än tre månader",
    over3_def: "Av perioderna på stegen som började under perioden och vars tre första kalendermånader har passerat: \
                andelen som inte hade avslutats inom tre månader. Kommunens mål är att ingen ska behöva \
                försörjningsstöd längre än tre månader.",
    over3_observable: "Perioder med tre månader att följa",
    over3_over: "Längre än tre månader",
    over3_share: "Andel längre än tre månader",
    reentry_heading: "Återkomst efter avslut",
    reentry_def: "Av avsluten under perioden: andelen som bedömdes på nytt (en ny period på stegen) inom 3 respektive \
                  12 kalendermånader. Bara avslut där hela tiden efteråt har passerat räknas i varje andel.",
    exit_reason: "Orsak till avslut",
    all_reasons: "Alla orsaker",
    observable_3: "Avslut med 3 månader att följa",
    within_3: "Tillbaka inom 3 månader",
    observable_12: "Avslut med 12 månader att följa",
    within_12: "Tillbaka inom 12 månader",
};

pub static EN: LadderStatsTexts = LadderStatsTexts {
    heading: "Step progression",
    intro: "How people on the ladder move between its steps and off assistance, month by month. The page shows \
            totals only, never a person.",
    associations: "The figures show associations, not effects: who gets an activity or stands on a step is not \
                   random, so a higher share of exits with an activity does not mean the activity caused them.",
    suppression: "Counts under 5 persons are shown as “fewer than 5”, and a share is not shown when it rests on fewer \
                  than 5 persons (in its denominator, or 1–4 in its numerator), so that nobody can be singled out.",
    exact: "All counts are shown exactly.",
    period: "Period",
    from: "First month",
    to: "Last month",
    month_hint: "YYYY-MM. The last month must be over.",
    cohorts: "Cohorts in the curves",
    cohorts_year: "Year of start",
    cohorts_half: "Half-year of start",
    unit: "Unit",
    unit_all: "The whole municipality",
    show: "Show",
    bad_month: "Write the month as YYYY-MM, for example 2026-01.",
    bad_cohorts: "Choose year or half-year of start.",
    bad_unit: "Choose one of your units or the whole municipality.",
    bad_table: "There is no such table to download.",
    fewer_than_5: "fewer than 5",
    not_shown: "–",
    dash_note: "– means the share is not shown: it rests on fewer than 5 persons, or there was nobody to count.",
    csv: "Download the table as CSV",
    ladder_changed: "The ladder changed during the period. Steps are counted by their numbers; the names are the \
                     latest version's.",
    observed_until: "Data up to and including",
    no_months: "No whole month of the period has passed yet.",
    step: "Step",
    matrix_heading: "Transitions between steps",
    matrix_def: "For each month: persons on the ladder on its first day, by their step then (the latest assessment on \
                 or before that day), and where they were on its last day: on a step, or exited (the reason of their \
                 last exit in the month). A person is on the ladder from an assessment until their next exit. The \
                 table is the sum of the period's months, so a person counts once per month (person-months).",
    from_step: "Step at the start of the month",
    at_start: "Persons at the start of the month",
    at_end_on: "At the end of the month on",
    exited: "Exited",
    exited_total: "Exited, any reason",
    total: "Total",
    per_month: "Month by month",
    month: "Month",
    step_rates_heading: "Step-ups and exits by step",
    step_rates_def: "Of the person-months that started on a step: the share that ended on a higher step (step-up), \
                     the share that ended with an exit, and the share with an exit to work or studies. Person-months: \
                     a person on the ladder on a month's first day counts once for that month.",
    person_months: "Person-months",
    step_ups: "Step-ups",
    step_up_rate: "Share stepping up",
    exits: "Exits",
    exit_rate: "Share exiting",
    self_sufficient: "Exits to work or studies",
    self_sufficient_rate: "Share exiting to work or studies",
    chart_rates_desc: "Horizontal bars: share stepping up and share exiting per month. The table has the same figures.",
    activity_heading: "Step-ups and exits by activity",
    activity_def: "Of the person-months in which an activity of the kind was running on the month's first day: the \
                   share that ended on a higher step, and the share that ended with an exit. A person with two \
                   activities counts under both. “No activity” is the person-months with no activity running.",
    activity: "Activity",
    no_activity: "No activity",
    km_heading: "Time to self-sufficiency",
    km_def: "Kaplan–Meier curves of the ladder periods that started in the period, by year or half-year of start. The \
             event is an exit to work or studies. An exit for another reason, or a period still open on the last day \
             with data, is censored: the person is followed as long as we know. The curve shows the share who have \
             become self-sufficient after that long, and ends where fewer than 5 persons are still followed. Time is \
             counted in days; 3 months is 91 days, 6 is 183, 12 is 365 and 24 is 730.",
    cohort: "Cohort",
    half: "half",
    periods: "Periods",
    events: "Exits to work or studies",
    censored: "Censored",
    share_after: "Share self-sufficient after",
    at_risk_after: "Still followed after",
    months_word: "mo",
    km_chart_desc: "Step curves: share self-sufficient (vertical) against time since the period's start (horizontal), \
                    one curve per cohort. The table has the same figures.",
    km_axis_x: "Months since the period's start",
    km_axis_y: "Share self-sufficient",
    km_no_curve: "No curve to show: too few persons.",
    over3_heading: "Periods longer than three months",
    over3_def: "Of the ladder periods that started in the period and whose first three calendar months have passed: \
                the share not ended within three months. The municipality's goal is that nobody should need \
                assistance for more than three months.",
    over3_observable: "Periods with three months to follow",
    over3_over: "Longer than three months",
    over3_share: "Share longer than three months",
    reentry_heading: "Return after an exit",
    reentry_def: "Of the exits in the period: the share assessed again (a new ladder period) within 3 and within 12 \
                  calendar months. Only exits whose whole time after has passed count in each share.",
    exit_reason: "Reason for the exit",
    all_reasons: "All reasons",
    observable_3: "Exits with 3 months to follow",
    within_3: "Back within 3 months",
    observable_12: "Exits with 12 months to follow",
    within_12: "Back within 12 months",
};
