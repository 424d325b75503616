//! Many rows as one: a list query whose rows come back packed into a single JSON array.
//!
//! sqlx's SQLite driver runs each connection on a thread of its own and hands every row across to the async side
//! separately, a thread wake-up per row. The household page lists a few hundred rows (every month's application,
//! decision and payment); packed, they cross once. The packing is the databases' own JSON aggregate, and the row
//! decoders read a packed row and a plain one through the same [`Columns`] trait, so nothing is decoded twice.

use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::error::{Result, StoreError};
use crate::sql::Backend;

/// Named column access, the same for a plain row and a packed one.
pub(crate) trait Columns {
    fn opt_int(&self, column: &str) -> Result<Option<i64>>;
    fn opt_text(&self, column: &str) -> Result<Option<String>>;

    fn int(&self, column: &str) -> Result<i64> {
        self.opt_int(column)?
            .ok_or_else(|| StoreError::corrupt(format!("{column} saknas")))
    }

    fn text(&self, column: &str) -> Result<String> {
        self.opt_text(column)?
            .ok_or_else(|| StoreError::corrupt(format!("{column} saknas")))
    }
}

impl Columns for AnyRow {
    fn opt_int(&self, column: &str) -> Result<Option<i64>> {
        Ok(self.try_get(column)?)
    }

    fn opt_text(&self, column: &str) -> Result<Option<String>> {
        Ok(self.try_get(column)?)
    }
}

/// One row of a packed result: its values, in the order of the query's column names.
pub(crate) struct PackedRow<'a> {
    names: &'a [&'a str],
    values: Vec<Value>,
}

impl PackedRow<'_> {
    fn value(&self, column: &str) -> Result<&Value> {
        self.names
            .iter()
            .position(|n| *n == column)
            .and_then(|i| self.values.get(i))
            .ok_or_else(|| StoreError::corrupt(format!("kolumnen {column} saknas")))
    }
}

impl Columns for PackedRow<'_> {
    fn opt_int(&self, column: &str) -> Result<Option<i64>> {
        match self.value(column)? {
            Value::Null => Ok(None),
            v => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| StoreError::corrupt(format!("{column} är inte ett heltal"))),
        }
    }

    fn opt_text(&self, column: &str) -> Result<Option<String>> {
        match self.value(column)? {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s.clone())),
            _ => Err(StoreError::corrupt(format!("{column} är inte text"))),
        }
    }
}

/// One list of a packed query: the column names of its rows, and the `SELECT` that yields exactly those columns.
pub(crate) struct List<'a> {
    pub names: &'a [&'a str],
    pub select: String,
}

/// Runs every list's `SELECT` (integers and text only) in ONE statement, one packed column per list, and returns
/// each list's rows. One statement is also one consistent snapshot, on both databases, without a transaction.
/// Row order is not kept: callers sort what they need sorted. `shared` is a `WITH` clause (or nothing) naming row
/// sets several lists use. `binds` are integer parameters `$1`, `$2`, ... shared by all lists.
pub(crate) async fn fetch_lists<'a>(
    conn: &mut AnyConnection,
    backend: Backend,
    shared: &str,
    lists: &[List<'a>],
    binds: &[i64],
) -> Result<Vec<Vec<PackedRow<'a>>>> {
    let packed_columns: Vec<String> = lists
        .iter()
        .enumerate()
        .map(|(i, list)| {
            let columns = list
                .names
                .iter()
                .map(|n| format!("t.{n}"))
                .collect::<Vec<_>>()
                .join(", ");
            let select = &list.select;
            match backend {
                Backend::Sqlite => {
                    format!("(SELECT json_group_array(json_array({columns})) FROM ({select}) AS t) AS p{i}")
                }
                Backend::Postgres => format!(
                    "(SELECT COALESCE(json_agg(json_build_array({columns})), '[]'::json)::text FROM ({select}) AS t) \
                     AS p{i}"
                ),
            }
        })
        .collect();
    let sql = format!("{shared} SELECT {}", packed_columns.join(", "));
    let mut query = sqlx::query(&sql);
    for b in binds {
        query = query.bind(*b);
    }
    let row = query.fetch_one(conn).await?;
    lists
        .iter()
        .enumerate()
        .map(|(i, list)| {
            let packed: String = row.try_get(i)?;
            let rows: Vec<Vec<Value>> = serde_json::from_str(&packed).map_err(StoreError::corrupt)?;
            Ok(rows
                .into_iter()
                .map(|values| PackedRow {
                    names: list.names,
                    values,
                })
                .collect())
        })
        .collect()
}
