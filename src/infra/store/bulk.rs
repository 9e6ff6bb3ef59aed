//! Multi-row INSERTs built by hand, for the writes that move a whole catalog (an import, a full
//! rescore). SeaORM's `insert_many` builds each value through its query tree and gives every
//! row an `ActiveModel`; for 100k listings of 36 columns that cost more than SQLite's own work
//! (the listing rows of a 100k import took ~2.8 s through it).

use sea_orm::sea_query::Value;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbBackend, DbErr, EntityName, EntityTrait, IdenStatic,
    Iterable, Statement,
};

/// SQLite binds at most 32766 parameters a statement; PostgreSQL 65535.
const MAX_PARAMS: usize = 32_000;

/// What to do with a row whose key is taken.
#[derive(Clone, Copy)]
pub enum OnConflict<'a> {
    /// Fail, as a plain INSERT does.
    Fail,
    /// Overwrite `columns` (some of the inserted ones) of the row with the same `key`.
    Update {
        key: &'a str,
        columns: &'a [&'a str],
    },
    /// Keep the row already there with the same `key`.
    Keep { key: &'a str },
}

/// How many rows of `columns` columns one statement takes.
pub fn rows_per_statement(columns: usize) -> usize {
    (MAX_PARAMS / columns.max(1)).max(1)
}

/// Inserts `rows` (each `columns.len()` values, in that order) into `table`, as few statements
/// as the parameter limit allows. Rows are taken from the iterator a statement's worth at a
/// time, so a whole catalog is never held as values at once, and the next statement is built
/// while the database runs this one: on SQLite that work is on sqlx's worker thread, so the two
/// overlap (an import's writes took the sum of both before).
pub async fn insert<C, I>(
    db: &C,
    table: &str,
    columns: &[&str],
    rows: I,
    on_conflict: OnConflict<'_>,
) -> Result<(), DbErr>
where
    C: ConnectionTrait,
    I: IntoIterator<Item = Vec<Value>>,
    I::IntoIter: Send,
{
    let builder = Builder::new(db.get_database_backend(), table, columns, on_conflict);
    let mut rows = rows.into_iter();
    let mut next = builder.statement(&mut rows)?;
    while let Some(statement) = next {
        // `biased`: the statement goes to the database first, then this task builds the next.
        let (done, built) = tokio::join!(biased; db.execute_raw(statement), async {
            builder.statement(&mut rows)
        });
        done?;
        next = built?;
    }
    Ok(())
}

/// The text every statement of one [`insert`] shares.
struct Builder<'a> {
    backend: DbBackend,
    table: &'a str,
    columns: usize,
    head: String,
    tail: String,
}

impl<'a> Builder<'a> {
    fn new(
        backend: DbBackend,
        table: &'a str,
        columns: &[&str],
        on_conflict: OnConflict<'_>,
    ) -> Self {
        let quote = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
        let head = format!(
            "INSERT INTO {} ({}) VALUES ",
            quote(table),
            columns
                .iter()
                .map(|c| quote(c))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let tail = match on_conflict {
            OnConflict::Fail => String::new(),
            OnConflict::Keep { key } => format!(" ON CONFLICT ({}) DO NOTHING", quote(key)),
            OnConflict::Update { key, columns } => {
                let set: Vec<String> = columns
                    .iter()
                    .map(|c| format!("{0} = excluded.{0}", quote(c)))
                    .collect();
                format!(
                    " ON CONFLICT ({}) DO UPDATE SET {}",
                    quote(key),
                    set.join(", ")
                )
            }
        };
        Builder {
            backend,
            table,
            columns: columns.len(),
            head,
            tail,
        }
    }

    /// The next statement's worth of `rows`, or None when they are all written.
    fn statement(
        &self,
        rows: &mut impl Iterator<Item = Vec<Value>>,
    ) -> Result<Option<Statement>, DbErr> {
        let per_statement = rows_per_statement(self.columns);
        let mut sql = self.head.clone();
        let mut values = Vec::new();
        for (r, row) in rows.take(per_statement).enumerate() {
            if row.len() != self.columns {
                return Err(DbErr::Custom(format!(
                    "{}: a row of {} values for {} columns",
                    self.table,
                    row.len(),
                    self.columns
                )));
            }
            if r == 0 {
                values.reserve(per_statement * self.columns);
            }
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..self.columns {
                if c > 0 {
                    sql.push_str(", ");
                }
                match self.backend {
                    DbBackend::Postgres => {
                        sql.push('$');
                        sql.push_str(&(values.len() + c + 1).to_string());
                    }
                    _ => sql.push('?'),
                }
            }
            sql.push(')');
            values.extend(row);
        }
        if values.is_empty() {
            return Ok(None);
        }
        sql.push_str(&self.tail);
        Ok(Some(Statement::from_sql_and_values(
            self.backend,
            sql,
            values,
        )))
    }
}

/// Inserts `models` (each setting the same columns) into their entity's table. Every model's
/// values are taken first, so a model that leaves a column unset fails before anything is
/// written.
pub async fn insert_models<C, A>(
    db: &C,
    models: Vec<A>,
    on_conflict: OnConflict<'_>,
) -> Result<(), DbErr>
where
    C: ConnectionTrait,
    A: ActiveModelTrait,
    <A::Entity as EntityTrait>::Column: Iterable,
{
    let Some(first) = models.first() else {
        return Ok(());
    };
    let columns = set_columns(first);
    let names: Vec<&str> = columns.iter().map(|c| c.as_str()).collect();
    let table = A::Entity::default().table_name().to_owned();
    let rows = models
        .into_iter()
        .map(|m| values(m, &columns))
        .collect::<Result<Vec<_>, _>>()?;
    insert(db, &table, &names, rows, on_conflict).await
}

/// The columns `model` sets, in the entity's order: what [`values`] gives for each model
/// built the same way.
fn set_columns<A: ActiveModelTrait>(model: &A) -> Vec<<A::Entity as EntityTrait>::Column>
where
    <A::Entity as EntityTrait>::Column: Iterable,
{
    <A::Entity as EntityTrait>::Column::iter()
        .filter(|&c| model.get(c).is_set())
        .collect()
}

/// The values of `columns` in `model`, taken out of it; an error names a column it left unset.
fn values<A: ActiveModelTrait>(
    mut model: A,
    columns: &[<A::Entity as EntityTrait>::Column],
) -> Result<Vec<Value>, DbErr> {
    columns
        .iter()
        .map(|&c| {
            model
                .take(c)
                .into_value()
                .ok_or_else(|| DbErr::Custom(format!("column {} left unset", c.as_str())))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Database;

    async fn count_and_sum(db: &sea_orm::DatabaseConnection) -> (i64, i64) {
        let row = db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT COUNT(*) AS n, SUM(v) AS s FROM t",
            ))
            .await
            .unwrap()
            .unwrap();
        (row.try_get("", "n").unwrap(), row.try_get("", "s").unwrap())
    }

    #[tokio::test]
    async fn many_statements_and_an_upsert_write_every_row_once() {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        db.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER, keep TEXT)")
            .await
            .unwrap();
        let n = rows_per_statement(3) as i64 * 2 + 5;
        let rows = |v: i64, keep: &str| -> Vec<Vec<Value>> {
            (1..=n)
                .map(|id| vec![id.into(), v.into(), keep.into()])
                .collect()
        };
        let columns = ["id", "v", "keep"];
        insert(&db, "t", &columns, rows(1, "first"), OnConflict::Fail)
            .await
            .unwrap();
        assert_eq!(count_and_sum(&db).await, (n, n));
        assert!(
            insert(&db, "t", &columns, rows(1, "first"), OnConflict::Fail)
                .await
                .is_err(),
            "a taken key fails without ON CONFLICT"
        );
        let update = OnConflict::Update {
            key: "id",
            columns: &["v"],
        };
        insert(&db, "t", &columns, rows(2, "second"), update)
            .await
            .unwrap();
        assert_eq!(count_and_sum(&db).await, (n, 2 * n));
        let kept = db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT COUNT(*) AS n FROM t WHERE keep = 'first'",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            kept.try_get::<i64>("", "n").unwrap(),
            n,
            "only v is overwritten"
        );

        let short = vec![vec![Value::from(1i64)]];
        assert!(
            insert(&db, "t", &columns, short, OnConflict::Fail)
                .await
                .is_err()
        );
    }
}
