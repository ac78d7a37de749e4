//! How one call is stored: rows that each input adds to or changes, never the whole call again.
//!
//! A call's Durable Object used to store its [`CallSession`] as one JSON value and its callback
//! events as another, each rewritten whole on every input: a long call's every event rewrote
//! over half a megabyte, and a call with enough events passed the 2 MB value limit and stopped
//! being driven. Now a call is rows ([`CallStore`], one SQLite database per call object):
//!
//! | rows | one per | cap |
//! |---|---|---|
//! | `setup` | call (written once: the routing decision, with its flow graph) | — |
//! | `state` | call (the session's scalars, its flow's place, participants, pending operations) | — |
//! | `timeline` | timeline entry, upserted when it changes | [`TIMELINE_CAP`], oldest `seq` deleted |
//! | `outbox` | queued command, deleted once sent | — (commands leave as they are sent) |
//! | `callbacks` | applied callback event (the admin page's event processor reads them) | [`MAX_EVENTS`] / [`MAX_BYTES`], oldest deleted |
//! | `seen` | applied event: its dedup key | none: a key is ~100 bytes, and a re-delivery must be caught however late |
//!
//! [`CallRecord`] is the pure part: it applies inputs to the session and works out the rows each
//! one changed ([`Writes`]), which the store applies all or nothing. So an input costs a bounded
//! number of row writes whatever the call's length: the event's dedup key and CloudEvent, the
//! state row, the one to three timeline entries it added or changed, the commands it queued,
//! and a delete of whatever a cap pushed out. [`MemoryStore`] is the store the tests use; the
//! worker's is the Durable Object's SQL API.

use super::callback_log::CallbackLog;
use super::command::Command;
use super::timeline::TimelineEntry;
#[cfg(doc)]
use super::{
    callback_log::{MAX_BYTES, MAX_EVENTS},
    TIMELINE_CAP,
};
use super::{CallEvent, CallSession};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A call's stored rows, as [`CallStore::read`] returns them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stored {
    /// The `setup` row (JSON of [`super::CallSetup`]), once the call was answered by a rule.
    pub setup: Option<String>,
    /// The `state` row: JSON of the session without its timeline, outbox and setup.
    pub state: String,
    /// The `timeline` rows' JSON, in `seq` order.
    pub timeline: Vec<String>,
    /// The `outbox` rows' JSON, in the order queued.
    pub outbox: Vec<String>,
    /// The `callbacks` rows: (number, CloudEvent JSON), in number order.
    pub callbacks: Vec<(u64, String)>,
}

/// The rows one input changed: applied by [`CallStore::write`] in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Writes {
    /// The `setup` row, when it is new.
    pub setup: Option<String>,
    /// The `state` row (every input changes it, if only its revision).
    pub state: String,
    /// `timeline` rows to insert or replace: (`seq`, JSON).
    pub timeline: Vec<(u64, String)>,
    /// Delete the `timeline` rows numbered up to this (the cap).
    pub timeline_upto: Option<u64>,
    /// `outbox` rows to add, in the order queued: (command id, JSON).
    pub outbox_add: Vec<(String, String)>,
    /// `outbox` rows to delete: ids of commands sent.
    pub outbox_remove: Vec<String>,
    /// `callbacks` rows to add: (number, JSON).
    pub callbacks: Vec<(u64, String)>,
    /// Delete the `callbacks` rows numbered up to this (the cap).
    pub callbacks_upto: Option<u64>,
    /// `seen` rows to add: the dedup keys of the events applied.
    pub seen: Vec<String>,
}

impl Writes {
    /// The bytes of row data written (JSON and keys, UTF-8): what an input costs the store.
    pub fn bytes(&self) -> usize {
        let pairs = |rows: &[(u64, String)]| rows.iter().map(|(_, t)| t.len() + 8).sum::<usize>();
        self.setup.as_ref().map_or(0, String::len)
            + self.state.len()
            + pairs(&self.timeline)
            + self
                .outbox_add
                .iter()
                .map(|(id, t)| id.len() + t.len())
                .sum::<usize>()
            + pairs(&self.callbacks)
            + self.seen.iter().map(String::len).sum::<usize>()
    }

    /// The rows inserted, replaced or deleted by statement (a delete past a cap counts one).
    pub fn rows(&self) -> usize {
        usize::from(self.setup.is_some())
            + 1
            + self.timeline.len()
            + usize::from(self.timeline_upto.is_some())
            + self.outbox_add.len()
            + self.outbox_remove.len()
            + self.callbacks.len()
            + usize::from(self.callbacks_upto.is_some())
            + self.seen.len()
    }
}

/// Where a call's rows live. Each method is synchronous: a Durable Object's SQL API is, and so
/// one input's reads and writes run with no other input between them.
pub trait CallStore {
    /// A storage failure, shown to the operator.
    type Error: core::fmt::Display;

    /// The call's rows, or `None` for a call never stored.
    ///
    /// # Errors
    /// The store's.
    fn read(&self) -> Result<Option<Stored>, Self::Error>;

    /// True when an event with dedup key `key` was applied.
    ///
    /// # Errors
    /// The store's.
    fn seen(&self, key: &str) -> Result<bool, Self::Error>;

    /// Applies `writes`, all or nothing (taken by value: a store may hand them to the runtime).
    ///
    /// # Errors
    /// The store's; nothing was written then.
    fn write(&mut self, writes: Writes) -> Result<(), Self::Error>;
}

/// A store's failure, or a stored row that does not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl core::fmt::Display for StoreError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

fn read_error(what: &str, e: &serde_json::Error) -> StoreError {
    StoreError(format!("stored {what} does not read: {e}"))
}

/// What applying a batch of callback events did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventsOutcome {
    pub applied: u32,
    pub duplicates: u32,
    pub commands: u32,
    /// Bytes of row data the batch wrote ([`Writes::bytes`]).
    #[serde(default)]
    pub bytes_written: u64,
}

/// One call's session with what its store holds: applies inputs, then writes the rows they
/// changed.
#[derive(Debug, Clone, PartialEq)]
pub struct CallRecord {
    pub session: CallSession,
    /// The applied callback events (the newest, capped), numbered from 1.
    pub callbacks: CallbackLog,
    /// The session's revision when it was last written: timeline entries past it changed.
    saved_rev: u64,
    /// Ids of the commands in the stored outbox.
    saved_outbox: BTreeSet<String>,
    setup_saved: bool,
    /// Callback events pushed since the last write: (number, JSON).
    new_callbacks: Vec<(u64, String)>,
    new_seen: Vec<String>,
}

impl CallRecord {
    /// A call not stored yet.
    pub fn new(call_connection_id: &str) -> CallRecord {
        CallRecord {
            session: CallSession::new(call_connection_id),
            callbacks: CallbackLog::default(),
            saved_rev: 0,
            saved_outbox: BTreeSet::new(),
            setup_saved: false,
            new_callbacks: Vec::new(),
            new_seen: Vec::new(),
        }
    }

    /// Reads the call from `store`: `None` when it was never stored.
    ///
    /// # Errors
    /// The store's, or [`StoreError`] for a row that does not read.
    pub fn open<S: CallStore>(store: &S) -> Result<Option<CallRecord>, StoreError> {
        let Some(stored) = store.read().map_err(|e| StoreError(e.to_string()))? else {
            return Ok(None);
        };
        let mut state: Value =
            serde_json::from_str(&stored.state).map_err(|e| read_error("state", &e))?;
        // The state row's one field beside the session's own: the callback log's counter.
        let callbacks_dropped = state
            .as_object_mut()
            .and_then(|o| o.remove("callbacksDropped"))
            .and_then(|n| n.as_u64())
            .unwrap_or(0);
        let mut session: CallSession =
            serde_json::from_value(state).map_err(|e| read_error("state", &e))?;
        session.setup = match &stored.setup {
            Some(text) => Some(serde_json::from_str(text).map_err(|e| read_error("setup", &e))?),
            None => None,
        };
        session.timeline = stored
            .timeline
            .iter()
            .map(|t| serde_json::from_str::<TimelineEntry>(t))
            .collect::<Result<_, _>>()
            .map_err(|e| read_error("timeline entry", &e))?;
        session.timeline.sort_by_key(|e| (e.at_ms, e.seq));
        session.outbox = stored
            .outbox
            .iter()
            .map(|t| serde_json::from_str::<Command>(t))
            .collect::<Result<_, _>>()
            .map_err(|e| read_error("command", &e))?;
        let events = stored
            .callbacks
            .iter()
            .map(|(_, t)| serde_json::from_str(t))
            .collect::<Result<_, _>>()
            .map_err(|e| read_error("callback event", &e))?;
        Ok(Some(CallRecord {
            saved_rev: session.revision(),
            saved_outbox: session.outbox.iter().map(|c| c.id.clone()).collect(),
            setup_saved: session.setup.is_some(),
            callbacks: CallbackLog::restore(callbacks_dropped, events),
            session,
            new_callbacks: Vec::new(),
            new_seen: Vec::new(),
        }))
    }

    /// Applies a batch of callback events in order (each with the CloudEvent kept for the admin
    /// page), once per dedup key, and writes what they changed.
    ///
    /// # Errors
    /// The store's; nothing of the batch was written then, and this record no longer matches
    /// the store (drop it and [`CallRecord::open`] again).
    pub fn handle_events<S: CallStore>(
        &mut self,
        store: &mut S,
        events: impl IntoIterator<Item = (CallEvent, Value)>,
    ) -> Result<EventsOutcome, StoreError> {
        let mut out = EventsOutcome::default();
        let mut batch = BTreeSet::new();
        for (event, cloud_event) in events {
            let repeated = !batch.insert(event.key.clone())
                || store
                    .seen(&event.key)
                    .map_err(|e| StoreError(e.to_string()))?;
            if repeated {
                self.session.note_duplicate();
                out.duplicates += 1;
                continue;
            }
            let commands = self.session.apply_event(&event);
            out.applied += 1;
            out.commands += u32::try_from(commands).unwrap_or(u32::MAX);
            self.push_callback(&cloud_event);
            self.new_seen.push(event.key);
        }
        out.bytes_written = self.save(store)? as u64;
        Ok(out)
    }

    fn push_callback(&mut self, event: &Value) {
        self.callbacks.push(event.clone());
        self.new_callbacks
            .push((self.callbacks.total(), event.to_string()));
    }

    /// Writes what changed since the last write (after any input: setup, an admin action, a
    /// command sent, a timer); returns the bytes written.
    ///
    /// # Errors
    /// As [`CallRecord::handle_events`].
    pub fn save<S: CallStore>(&mut self, store: &mut S) -> Result<usize, StoreError> {
        let writes = self.writes(false)?;
        let bytes = writes.bytes();
        store.write(writes).map_err(|e| StoreError(e.to_string()))?;
        self.mark_written();
        Ok(bytes)
    }

    /// The rows changed since the last write (`all`: every timeline entry, for a migration:
    /// entries stored before revisions were counted have none).
    fn writes(&mut self, all: bool) -> Result<Writes, StoreError> {
        let s = &self.session;
        let setup = match (&s.setup, self.setup_saved) {
            (Some(setup), false) => Some(json(setup)?),
            _ => None,
        };
        let timeline = s
            .timeline
            .iter()
            .filter(|e| all || e.rev > self.saved_rev)
            .map(|e| Ok((e.seq, json(e)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let timeline_upto = Some(s.timeline_dropped()).filter(|n| *n > 0 && !timeline.is_empty());
        let queued: BTreeMap<&str, &Command> =
            s.outbox.iter().map(|c| (c.id.as_str(), c)).collect();
        let outbox_add = s
            .outbox
            .iter()
            .filter(|c| !self.saved_outbox.contains(&c.id))
            .map(|c| Ok((c.id.clone(), json(c)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let outbox_remove = self
            .saved_outbox
            .iter()
            .filter(|id| !queued.contains_key(id.as_str()))
            .cloned()
            .collect();
        let callbacks_upto =
            Some(self.callbacks.dropped()).filter(|n| *n > 0 && !self.new_callbacks.is_empty());
        Ok(Writes {
            setup,
            state: self.state_row()?,
            timeline,
            timeline_upto,
            outbox_add,
            outbox_remove,
            callbacks: self.new_callbacks.clone(),
            callbacks_upto,
            seen: self.new_seen.clone(),
        })
    }

    /// The `state` row: the session without the parts that have rows of their own.
    fn state_row(&mut self) -> Result<String, StoreError> {
        let s = &mut self.session;
        let timeline = std::mem::take(&mut s.timeline);
        let outbox = std::mem::take(&mut s.outbox);
        let setup = s.setup.take();
        let state = serde_json::to_value(&*s);
        s.timeline = timeline;
        s.outbox = outbox;
        s.setup = setup;
        let mut state = state.map_err(|e| StoreError(format!("state: {e}")))?;
        if let Some(obj) = state.as_object_mut() {
            obj.remove("timeline");
            obj.remove("outbox");
            obj.remove("setup");
            obj.insert("callbacksDropped".into(), self.callbacks.dropped().into());
        }
        Ok(state.to_string())
    }

    /// A call stored by an older worker as one value (`session`, with its dedup set, and the
    /// callback log `callbacks`), read into a record and the rows that store it now. Nothing is
    /// lost: the dedup keys become `seen` rows, every timeline entry and queued command a row.
    ///
    /// # Errors
    /// [`StoreError`] naming the value that does not read.
    pub fn migrate(
        session: &str,
        callbacks: Option<&str>,
    ) -> Result<(CallRecord, Writes), StoreError> {
        let mut value: Value =
            serde_json::from_str(session).map_err(|e| read_error("session", &e))?;
        let seen: Vec<String> = value
            .as_object_mut()
            .and_then(|o| o.remove("seen"))
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| read_error("session's seen", &e))?
            .unwrap_or_default();
        let mut session: CallSession =
            serde_json::from_value(value).map_err(|e| read_error("session", &e))?;
        session.trim_timeline();
        let log: CallbackLog = match callbacks {
            Some(text) => serde_json::from_str(text).map_err(|e| read_error("callbacks", &e))?,
            None => CallbackLog::default(),
        };
        let first = log.dropped() + 1;
        let new_callbacks = log
            .events()
            .enumerate()
            .map(|(i, e)| (first + i as u64, e.to_string()))
            .collect();
        let mut record = CallRecord {
            session,
            callbacks: log,
            saved_rev: 0,
            saved_outbox: BTreeSet::new(),
            setup_saved: false,
            new_callbacks,
            new_seen: seen,
        };
        let writes = record.writes(true)?;
        Ok((record, writes))
    }

    /// Marks everything the record holds as written: after [`CallRecord::save`], and after the
    /// caller wrote the rows [`CallRecord::migrate`] returned.
    pub fn mark_written(&mut self) {
        self.saved_rev = self.session.revision();
        self.saved_outbox = self.session.outbox.iter().map(|c| c.id.clone()).collect();
        self.setup_saved = self.session.setup.is_some();
        self.new_callbacks.clear();
        self.new_seen.clear();
    }
}

/// A row's JSON.
fn json<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError(format!("a row does not serialize: {e}")))
}

/// A store in memory, with the same rules as the Durable Object's SQL (the tests' store, and a
/// simulated call's).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemoryStore {
    pub setup: Option<String>,
    pub state: Option<String>,
    pub timeline: BTreeMap<u64, String>,
    /// (id, JSON) in the order added.
    pub outbox: Vec<(String, String)>,
    pub callbacks: BTreeMap<u64, String>,
    pub seen: BTreeSet<String>,
    /// Every write, for the tests: its rows and bytes.
    pub log: Vec<(usize, usize)>,
    /// When set, the next write fails (and writes nothing).
    pub fail_next: bool,
}

impl CallStore for MemoryStore {
    type Error = StoreError;

    fn read(&self) -> Result<Option<Stored>, StoreError> {
        let Some(state) = &self.state else {
            return Ok(None);
        };
        Ok(Some(Stored {
            setup: self.setup.clone(),
            state: state.clone(),
            timeline: self.timeline.values().cloned().collect(),
            outbox: self.outbox.iter().map(|(_, t)| t.clone()).collect(),
            callbacks: self
                .callbacks
                .iter()
                .map(|(n, t)| (*n, t.clone()))
                .collect(),
        }))
    }

    fn seen(&self, key: &str) -> Result<bool, StoreError> {
        Ok(self.seen.contains(key))
    }

    fn write(&mut self, w: Writes) -> Result<(), StoreError> {
        if std::mem::take(&mut self.fail_next) {
            return Err(StoreError("storage unavailable".into()));
        }
        if let Some(setup) = &w.setup {
            self.setup = Some(setup.clone());
        }
        self.state = Some(w.state.clone());
        for (seq, text) in &w.timeline {
            self.timeline.insert(*seq, text.clone());
        }
        if let Some(upto) = w.timeline_upto {
            self.timeline.retain(|seq, _| *seq > upto);
        }
        self.outbox.extend(w.outbox_add.iter().cloned());
        self.outbox.retain(|(id, _)| !w.outbox_remove.contains(id));
        for (n, text) in &w.callbacks {
            self.callbacks.insert(*n, text.clone());
        }
        if let Some(upto) = w.callbacks_upto {
            self.callbacks.retain(|n, _| *n > upto);
        }
        self.seen.extend(w.seen.iter().cloned());
        self.log.push((w.rows(), w.bytes()));
        Ok(())
    }
}
