//! Calculation on request: the engine's contract for any signed-in user. It reads and stores no personal data,
//! so it needs no permission beyond being signed in, and leaves no audit record.

use std::sync::LazyLock;

use norm::contract::{CalcRequest, CalcResponse};
use norm::{InputError, RuleBook};

use crate::access::Actor;
use crate::service::App;

/// The engine's tables, built once for the process: read-only and the same for every caller.
static RULE_BOOK: LazyLock<RuleBook> = LazyLock::new(RuleBook::standard);

impl App {
    /// The contract calculation with every explanation line, under the rule set in force for the request's month.
    /// The actor is taken (like every use case) so that only signed-in callers reach it; any role may calculate.
    pub fn calculate(&self, _actor: &Actor, request: &CalcRequest) -> Result<CalcResponse, InputError> {
        norm::calculate(&RULE_BOOK, request)
    }
}
