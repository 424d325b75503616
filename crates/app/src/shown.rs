//! The calculation as a reader sees it: its lines and findings in the page's language, members by name (masked
//! where the reader may not see a protected person), and the rule table in words. The calc contract's JSON is
//! never worded this way: it stays Swedish with the ids it was given.
//!
//! A decided decision's lines come from running the engine again on its frozen input (the invariant: a decision
//! can be recomputed from its frozen input and its rule table's version). When the recomputed totals or the table's
//! version differ from the frozen ones (the tables or the guidelines have changed since), the frozen lines are
//! shown instead, as they were written (in Swedish), with the members' ids replaced by their names.

use std::collections::BTreeMap;

use domain::PersonId;
use domain::decision::FrozenCalculation;
use domain::person::ProtectedIdentity;
use norm::contract::{CalcRequest, CalcResponse};
use norm::{Lang, Namer, Voice};

use crate::access::Actor;
use crate::service::App;

/// The engine's id of a person in a stored request (`P13111`; see `applying`). Internal: never shown.
pub fn member_id(person: PersonId) -> String {
    format!("P{person}")
}

/// What a protected person is called to a reader without the grant (as the pages already say it).
pub const fn protected_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Sv => crate::cases::PROTECTED_NAME,
        Lang::En => "Protected identity",
    }
}

/// Display names by the engine's member id. An id without a name (a protected person the reader's view masked, so
/// its id was never read) is called by the masked name: a text never falls back to an id.
#[derive(Clone, Default)]
pub struct MemberNames {
    names: BTreeMap<String, String>,
    masked: &'static str,
}

/// Never prints names.
impl std::fmt::Debug for MemberNames {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemberNames")
            .field("count", &self.names.len())
            .finish()
    }
}

impl Namer for MemberNames {
    fn name(&self, id: &str) -> Option<&str> {
        Some(self.names.get(id).map_or(self.masked, String::as_str))
    }
}

impl MemberNames {
    /// Names of the people a reader may see: see [`visible_names`].
    pub fn new<'p>(
        actor: &Actor,
        lang: Lang,
        people: impl IntoIterator<Item = (PersonId, &'p str, ProtectedIdentity)>,
    ) -> MemberNames {
        MemberNames::from_map(visible_names(actor, people), lang)
    }

    /// From names already decided on (tests, and callers that masked them themselves).
    pub fn from_map(names: BTreeMap<String, String>, lang: Lang) -> MemberNames {
        MemberNames {
            names,
            masked: protected_name(lang),
        }
    }

    /// `text` with every whole-word occurrence of a member id of `request` replaced by the member's name (for
    /// frozen lines written with ids).
    fn replace_ids(&self, text: &str, request: &CalcRequest) -> String {
        let mut out = text.to_owned();
        // Longest first, so that `P12` never eats the start of `P123`.
        let mut ids: Vec<&str> = request.members.iter().map(|m| m.id.as_str()).collect();
        ids.sort_by_key(|id| std::cmp::Reverse(id.len()));
        for id in ids {
            let name = self.name(id).unwrap_or(self.masked);
            out = replace_word(&out, id, name);
        }
        out
    }
}

/// The names a reader may see, by the engine's member id: a protected person is left out (and so masked) unless
/// it is the reader or the actor has a grant for them. An applicant's view has masked protected co-members already.
pub fn visible_names<'p>(
    actor: &Actor,
    people: impl IntoIterator<Item = (PersonId, &'p str, ProtectedIdentity)>,
) -> BTreeMap<String, String> {
    people
        .into_iter()
        .filter(|(id, _, protection)| {
            *protection == ProtectedIdentity::None
                || actor.person == Some(*id)
                || actor.protected_grants.contains(id)
        })
        .map(|(id, name, _)| (member_id(id), name.to_owned()))
        .collect()
}

/// Replaces `word` in `text` where it is not part of a longer word.
fn replace_word(text: &str, word: &str, with: &str) -> String {
    if word.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let (before, after) = rest.split_at(at);
        let tail = after.get(word.len()..).unwrap_or_default();
        let starts_word = !before.chars().next_back().is_some_and(char::is_alphanumeric);
        let ends_word = !tail.chars().next().is_some_and(char::is_alphanumeric);
        out.push_str(before);
        out.push_str(if starts_word && ends_word { with } else { word });
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// A decision's calculation worded for a reader.
#[derive(Debug, Clone)]
pub struct ShownCalculation {
    pub response: CalcResponse,
    /// The rule table in words ("Riksnormen 2026 (fastställd)").
    pub rule_table: String,
    pub rule_table_version: String,
    /// Whether the lines were recomputed (in the reader's language) rather than the frozen ones with names.
    pub recomputed: bool,
}

impl App {
    /// The engine's calculation with the configured guidelines, worded in `lang` with members by name.
    pub fn calculate_shown(
        &self,
        request: &CalcRequest,
        lang: Lang,
        names: &MemberNames,
    ) -> Result<CalcResponse, norm::InputError> {
        norm::calculate_voiced(
            crate::deciding::rules(),
            request,
            &self.guidelines,
            Voice::new(lang, Some(names)),
        )
    }

    /// A decided calculation for a reader: recomputed from the frozen input when that gives the frozen totals under
    /// the frozen table's version, otherwise the frozen lines with names for ids.
    pub fn show_frozen(
        &self,
        frozen: &FrozenCalculation,
        lang: Lang,
        names: &MemberNames,
    ) -> ShownCalculation {
        let rule_table = norm::rule_table_words(&frozen.rule_table, lang);
        let version = frozen.rule_table_version.clone();
        let f = &frozen.response;
        match self.calculate_shown(&frozen.request, lang, names) {
            Ok(r)
                if r.rule_table_version == frozen.rule_table_version
                    && (
                        r.norm,
                        r.reasonable_costs,
                        r.counted_income,
                        r.assets,
                        r.assistance,
                    ) == (
                        f.norm,
                        f.reasonable_costs,
                        f.counted_income,
                        f.assets,
                        f.assistance,
                    ) =>
            {
                ShownCalculation {
                    response: r,
                    rule_table,
                    rule_table_version: version,
                    recomputed: true,
                }
            }
            _ => {
                let mut response = f.clone();
                for line in &mut response.lines {
                    line.text = names.replace_ids(&line.text, &frozen.request);
                }
                for finding in &mut response.findings {
                    *finding = names.replace_ids(finding, &frozen.request);
                }
                ShownCalculation {
                    response,
                    rule_table,
                    rule_table_version: version,
                    recomputed: false,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_replaced_as_whole_words_only() {
        let request: CalcRequest = norm::parse_request(
            r#"{"month":"2026-03","members":[{"id":"P12","role":"adult","age":40},{"id":"P123","role":"child","age":5}]}"#,
        )
        .unwrap();
        let names = MemberNames::from_map(BTreeMap::from([("P12".to_owned(), "Sara".to_owned())]), Lang::Sv);
        // P123 has no name: it is masked, never left as an id; P12 inside "XP12" is not a member reference.
        assert_eq!(
            names.replace_ids("Barn (P123), vuxen (P12), XP12", &request),
            "Barn (Skyddad identitet), vuxen (Sara), XP12"
        );
    }
}
