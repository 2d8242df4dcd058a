//! D1 helpers: binding values and the few row shapes read back.

use serde::Deserialize;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

/// A value bound to a statement parameter.
pub enum Param<'a> {
    Text(&'a str),
    OptText(Option<&'a str>),
    Int(i64),
    OptInt(Option<i64>),
}

impl Param<'_> {
    fn to_js(&self) -> JsValue {
        match self {
            Param::Text(text) => JsValue::from_str(text),
            Param::OptText(text) => text.map_or(JsValue::NULL, JsValue::from_str),
            // D1 binds JS numbers; amounts and Unix seconds fit a double exactly.
            Param::Int(n) => JsValue::from_f64(*n as f64),
            Param::OptInt(n) => n.map_or(JsValue::NULL, |n| JsValue::from_f64(n as f64)),
        }
    }
}

/// Prepares `sql` with `params` bound as ?1, ?2, …
pub fn statement(
    db: &D1Database,
    sql: &str,
    params: &[Param<'_>],
) -> worker::Result<D1PreparedStatement> {
    let values: Vec<JsValue> = params.iter().map(Param::to_js).collect();
    db.prepare(sql).bind(&values)
}

/// The first row of a query, if any.
pub async fn first<T: for<'de> Deserialize<'de>>(
    db: &D1Database,
    sql: &str,
    params: &[Param<'_>],
) -> worker::Result<Option<T>> {
    statement(db, sql, params)?.first(None).await
}

/// Every row of a query.
pub async fn all<T: for<'de> Deserialize<'de>>(
    db: &D1Database,
    sql: &str,
    params: &[Param<'_>],
) -> worker::Result<Vec<T>> {
    statement(db, sql, params)?.all().await?.results()
}

/// Runs a statement for its effect.
pub async fn run(db: &D1Database, sql: &str, params: &[Param<'_>]) -> worker::Result<()> {
    statement(db, sql, params)?.run().await?;
    Ok(())
}
