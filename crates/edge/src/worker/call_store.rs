//! The call object's rows ([`CallStore`]) in its Durable Object's SQLite database.
//!
//! Every write of one input runs in `transactionSync`: all its statements commit or none do (a
//! failure rolls them back, and the object drops its copy of the call and reads it again).
//! Tables: `meta` (`setup`, `state`), `timeline`, `outbox`, `callbacks`, `seen` (see
//! [`crate::routing::call::store`]), and `held`: callback events of a call that is not this
//! worker's (yet), kept a short while in case its answer is still on the way.

use crate::routing::call::store::{CallStore, Stored, Writes};
use serde::Deserialize;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use worker::{SqlStorage, SqlStorageValue, State};

const SCHEMA: [&str; 6] = [
    "CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS timeline (seq INTEGER PRIMARY KEY, v TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS outbox (pos INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, v TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS callbacks (n INTEGER PRIMARY KEY, v TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS seen (k TEXT PRIMARY KEY) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS held (n INTEGER PRIMARY KEY, v TEXT NOT NULL)",
];

/// The call object's SQL store.
pub(crate) struct SqlStore<'a> {
    state: &'a State,
}

#[derive(Deserialize)]
struct Text {
    v: String,
}

#[derive(Deserialize)]
struct Numbered {
    n: f64,
    v: String,
}

#[derive(Deserialize)]
struct Count {
    c: f64,
}

impl<'a> SqlStore<'a> {
    /// The store of the object whose state is `state` (its tables made by [`SqlStore::create`]).
    pub(crate) fn new(state: &'a State) -> SqlStore<'a> {
        SqlStore { state }
    }

    /// Creates the tables that are missing (once per object lifetime).
    pub(crate) fn create(&self) -> worker::Result<()> {
        let sql = self.sql();
        for statement in SCHEMA {
            sql.exec(statement, None)?;
        }
        Ok(())
    }

    fn sql(&self) -> SqlStorage {
        self.state.storage().sql()
    }

    fn texts(&self, query: &str, bindings: Vec<SqlStorageValue>) -> worker::Result<Vec<String>> {
        let rows: Vec<Text> = self.sql().exec(query, bindings)?.to_array()?;
        Ok(rows.into_iter().map(|r| r.v).collect())
    }

    /// Keeps a callback event (JSON) of a call that is not this worker's yet; false when
    /// `max` are kept already (the event is not kept).
    pub(crate) fn hold(&self, event: String, max: usize) -> worker::Result<bool> {
        let held: Vec<Count> = self
            .sql()
            .exec("SELECT COUNT(*) AS c FROM held", None)?
            .to_array()?;
        if held.first().map_or(0.0, |c| c.c) >= max as f64 {
            return Ok(false);
        }
        self.sql()
            .exec("INSERT INTO held (v) VALUES (?)", vec![event.into()])?;
        Ok(true)
    }

    /// The held events, oldest first, and deletes them.
    pub(crate) fn take_held(&self) -> worker::Result<Vec<String>> {
        let held = self.texts("SELECT v FROM held ORDER BY n", Vec::new())?;
        if !held.is_empty() {
            self.sql().exec("DELETE FROM held", None)?;
        }
        Ok(held)
    }

    /// The size of the object's database, in bytes.
    pub(crate) fn database_size(&self) -> usize {
        self.sql().database_size()
    }
}

fn number(n: u64) -> worker::Result<SqlStorageValue> {
    i64::try_from(n)
        .map(SqlStorageValue::from)
        .map_err(|_| worker::Error::RustError("row number out of range".into()))
}

impl CallStore for SqlStore<'_> {
    type Error = worker::Error;

    fn read(&self) -> worker::Result<Option<Stored>> {
        let meta = |k: &str| self.texts("SELECT v FROM meta WHERE k = ?", vec![k.into()]);
        let Some(state) = meta("state")?.into_iter().next() else {
            return Ok(None);
        };
        let callbacks: Vec<Numbered> = self
            .sql()
            .exec("SELECT n, v FROM callbacks ORDER BY n", None)?
            .to_array()?;
        Ok(Some(Stored {
            setup: meta("setup")?.into_iter().next(),
            state,
            timeline: self.texts("SELECT v FROM timeline ORDER BY seq", Vec::new())?,
            outbox: self.texts("SELECT v FROM outbox ORDER BY pos", Vec::new())?,
            callbacks: callbacks.into_iter().map(|r| (r.n as u64, r.v)).collect(),
        }))
    }

    fn seen(&self, key: &str) -> worker::Result<bool> {
        let rows: Vec<Count> = self
            .sql()
            .exec(
                "SELECT COUNT(*) AS c FROM seen WHERE k = ?",
                vec![key.into()],
            )?
            .to_array()?;
        Ok(rows.first().is_some_and(|r| r.c > 0.0))
    }

    fn write(&mut self, w: Writes) -> worker::Result<()> {
        let state = self.state.storage().sql();
        transaction_sync(self.state, move || write_rows(&state, &w))
    }
}

fn write_rows(sql: &SqlStorage, w: &Writes) -> worker::Result<()> {
    let put_meta = "INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)";
    if let Some(setup) = &w.setup {
        sql.exec(put_meta, vec!["setup".into(), setup.clone().into()])?;
    }
    sql.exec(put_meta, vec!["state".into(), w.state.clone().into()])?;
    for (seq, v) in &w.timeline {
        sql.exec(
            "INSERT OR REPLACE INTO timeline (seq, v) VALUES (?, ?)",
            vec![number(*seq)?, v.clone().into()],
        )?;
    }
    if let Some(upto) = w.timeline_upto {
        sql.exec("DELETE FROM timeline WHERE seq <= ?", vec![number(upto)?])?;
    }
    for (id, v) in &w.outbox_add {
        sql.exec(
            "INSERT OR REPLACE INTO outbox (id, v) VALUES (?, ?)",
            vec![id.clone().into(), v.clone().into()],
        )?;
    }
    for id in &w.outbox_remove {
        sql.exec("DELETE FROM outbox WHERE id = ?", vec![id.clone().into()])?;
    }
    for (n, v) in &w.callbacks {
        sql.exec(
            "INSERT OR REPLACE INTO callbacks (n, v) VALUES (?, ?)",
            vec![number(*n)?, v.clone().into()],
        )?;
    }
    if let Some(upto) = w.callbacks_upto {
        sql.exec("DELETE FROM callbacks WHERE n <= ?", vec![number(upto)?])?;
    }
    for key in &w.seen {
        sql.exec(
            "INSERT OR IGNORE INTO seen (k) VALUES (?)",
            vec![key.clone().into()],
        )?;
    }
    Ok(())
}

/// Runs `f` in `ctx.storage.transactionSync` (not bound by workers-rs): an error from `f` is
/// thrown inside it, so every statement `f` ran is rolled back.
fn transaction_sync(
    state: &State,
    f: impl FnOnce() -> worker::Result<()> + 'static,
) -> worker::Result<()> {
    let failure = |what: &str| worker::Error::RustError(format!("transactionSync: {what}"));
    let storage = js_sys::Reflect::get(state.as_raw(), &"storage".into())
        .map_err(|_| failure("no storage"))?;
    let run: js_sys::Function = js_sys::Reflect::get(&storage, &"transactionSync".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| failure("not available (is the class SQLite-backed?)"))?;
    let error: Rc<RefCell<Option<worker::Error>>> = Rc::default();
    let slot = Rc::clone(&error);
    let body = Closure::once(move || -> Result<(), JsValue> {
        f().map_err(|e| {
            let message = e.to_string();
            *slot.borrow_mut() = Some(e);
            JsValue::from(js_sys::Error::new(&message))
        })
    });
    let outcome = run.call1(&storage, body.as_ref().unchecked_ref());
    if let Some(e) = error.borrow_mut().take() {
        return Err(e);
    }
    outcome.map(|_| ()).map_err(|e| {
        worker::Error::RustError(format!(
            "transactionSync: {}",
            e.as_string().unwrap_or_else(|| "failed".into())
        ))
    })
}
