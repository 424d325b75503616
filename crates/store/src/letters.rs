//! What a decision letter needs beyond the decision itself: the name of whoever decided, as recorded.

use std::future::Future;

use sqlx::Row;

use crate::error::Result;
use crate::sql::SqlStore;

pub trait Letters: Send + Sync {
    /// The name of the member of staff (or the display name of the account) recorded as `decided_by` on a
    /// decision (`staff:12`, `account:3`); `None` for a job (`system:...`) or an id that is not there. Names of
    /// officials acting in office, not of the people the case is about: reading one is not audited.
    fn decider_name(&self, decided_by: &str) -> impl Future<Output = Result<Option<String>>> + Send;
}

impl Letters for SqlStore {
    async fn decider_name(&self, decided_by: &str) -> Result<Option<String>> {
        let (sql, id) = match decided_by.split_once(':') {
            Some(("staff", id)) => ("SELECT name FROM staff WHERE id = $1", id),
            Some(("account", id)) => ("SELECT display_name AS name FROM accounts WHERE id = $1", id),
            _ => return Ok(None),
        };
        let Ok(id) = id.parse::<i64>() else {
            return Ok(None);
        };
        let row = sqlx::query(sql).bind(id).fetch_optional(self.pool()).await?;
        Ok(row.map(|r| r.try_get::<String, _>("name")).transpose()?)
    }
}
