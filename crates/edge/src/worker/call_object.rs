//! The Durable Object that owns one call: it stores a [`CallRecord`] (the call's
//! [`CallSession`] as rows, [`super::call_store`]) and sends the commands the session queues.
//!
//! Inputs (`fetch`) only change state and write the rows they changed, then schedule an alarm;
//! the alarm sends the outbox in order. So a callback is acknowledged as soon as its events are
//! durably stored, and a command that was sent but not yet marked is re-sent after a restart
//! with the same repeatability id, which the service applies once.
//!
//! Only a call this worker answered (`/setup`) or created through the admin page (`/created`)
//! takes callback events. Events for any other call are held, not applied or listed, for
//! [`HELD_MS`] (at most [`HELD_MAX`]): the service may call back before the answer that names
//! the call has returned. If the call is not this worker's by then, they are dropped and counted
//! in the log, and the object's storage is deleted.

use super::acs::{self, now_ms};
use super::app_webhook;
use super::call_store::SqlStore;
use super::config::{Config, CALLS, KV};
use super::respond::{json, EdgeError, EdgeResult};
use crate::routing::call::command::CommandKind;
use crate::routing::call::index::{index_entry, index_key, INDEX_TTL_SECONDS};
use crate::routing::call::live::{self, LiveMark};
use crate::routing::call::proxied::Proxied;
use crate::routing::call::store::{CallRecord, CallStore, EventsOutcome, StoreError};
use crate::routing::call::wire::{command_request, identifier};
use crate::routing::call::{AdminAction, CallEvent, CallSession, CallSetup};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::time::Duration;
use worker::{
    durable_object, DurableObject, Env, Method, Request, RequestInit, Response, State, WebSocket,
    WebSocketIncomingMessage, WebSocketPair,
};

/// Keys of the form an older worker stored a call in: the session as one value, and its
/// callback log as another (read once, migrated to rows, then deleted).
const LEGACY_SESSION_KEY: &str = "session";
const LEGACY_CALLBACKS_KEY: &str = "callbacks";

/// How long callback events of a call that is not (yet) this worker's are held: 2 minutes.
/// An answer's response comes back in well under that; the service retries a refused
/// delivery sooner than that too.
pub(crate) const HELD_MS: i64 = 120_000;
/// The most events held for such a call. Setting up a call takes a handful (CallConnected,
/// ParticipantsUpdated); a flood of made-up call ids costs each object at most this.
pub(crate) const HELD_MAX: usize = 20;

/// Body of `POST /setup`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SetupBody {
    pub call_connection_id: String,
    pub setup: CallSetup,
}

/// Body of `POST /created`: a call the admin page created, answered or connected through the
/// proxy.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreatedBody {
    pub call_connection_id: String,
    /// The spec's operationId (`CreateCall`, `AnswerCall`, `Connect`).
    pub operation: String,
    pub at_ms: i64,
}

/// Body of `POST /events`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EventsBody {
    pub call_connection_id: String,
    pub events: Vec<Delivered>,
}

/// One callback event of a batch: the session's view, and the CloudEvent kept for the admin
/// page (both from the one decoding at the webhook).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Delivered {
    pub event: CallEvent,
    pub cloud_event: serde_json::Value,
}

/// Body of `POST /proxied`: a request the admin page sent through the `/acs/…` proxy.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProxiedBody {
    pub call_connection_id: String,
    #[serde(flatten)]
    pub proxied: Proxied,
}

/// Body of `POST /admin`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AdminBody {
    pub call_connection_id: String,
    pub request_id: String,
    pub action: AdminAction,
}

/// What `POST /events` reports back: the record's outcome, and events of a call that is not
/// this worker's: `held` (kept a while, see [`HELD_MS`]) or `refused` (past [`HELD_MAX`]).
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Delivery {
    #[serde(flatten)]
    pub outcome: EventsOutcome,
    #[serde(default)]
    pub held: u32,
    #[serde(default)]
    pub refused: u32,
}

/// One call connection's state and outbox.
#[durable_object]
pub struct CallObject {
    state: State,
    env: Env,
    /// The call as stored (read on first use; dropped when a write fails, and read again).
    record: RefCell<Option<CallRecord>>,
    /// The tables exist (made on first use).
    created: Cell<bool>,
    /// The call list entry last written to KV: written again only when it changes.
    indexed: RefCell<Option<String>>,
    /// How far the admin pages' live streams were sent ([`live`]); set when the call is read.
    live: Cell<LiveMark>,
    /// Requests this instance served (`fetch` calls), shown in the view: what an open page
    /// costs the object.
    served: Cell<u64>,
}

impl core::fmt::Debug for CallObject {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CallObject").finish_non_exhaustive()
    }
}

impl DurableObject for CallObject {
    fn new(state: State, env: Env) -> Self {
        CallObject {
            state,
            env,
            record: RefCell::new(None),
            created: Cell::new(false),
            indexed: RefCell::new(None),
            live: Cell::new(LiveMark::default()),
            served: Cell::new(0),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        self.served.set(self.served.get() + 1);
        let result = match (req.method(), req.path().as_str()) {
            (Method::Get, "/live") => self.open_live().await,
            (Method::Post, "/setup") => self.setup(req.json().await?).await,
            (Method::Post, "/created") => self.created(req.json().await?).await,
            (Method::Post, "/events") => self.events(req.json().await?).await,
            (Method::Post, "/admin") => self.admin(req.json().await?).await,
            (Method::Post, "/proxied") => self.proxied(req.json().await?).await,
            (Method::Get, "/state") => self.view(callbacks_after(&req)).await,
            (Method::Get, "/replay") => self.replay().await,
            _ => Err(EdgeError::not_found("call object route")),
        };
        result.or_else(|e| e.to_response())
    }

    async fn alarm(&self) -> worker::Result<Response> {
        match self.on_alarm().await {
            Ok(()) => Response::ok("sent"),
            // An error here (e.g. storage) makes workerd retry the alarm with backoff.
            Err(e) => Err(worker::Error::RustError(e.message)),
        }
    }

    /// A page's message: the stream only sends, so a message is answered only for `ping`.
    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> worker::Result<()> {
        if matches!(&message, WebSocketIncomingMessage::String(m) if m == "ping") {
            ws.send_with_str("{\"event\":\"pong\",\"data\":null}")?;
        }
        Ok(())
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        _code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> worker::Result<()> {
        // Completes the close the page started (it may already be closed: nothing to do).
        let _ = ws.close(Some(1000), Some("closed"));
        Ok(())
    }

    async fn websocket_error(&self, ws: WebSocket, _error: worker::Error) -> worker::Result<()> {
        let _ = ws.close(Some(1011), Some("error"));
        Ok(())
    }
}

fn storage_error(e: &StoreError) -> EdgeError {
    EdgeError::new(500, "StorageError", e.to_string())
}

impl CallObject {
    fn store(&self) -> EdgeResult<SqlStore<'_>> {
        let store = SqlStore::new(&self.state);
        if !self.created.get() {
            store.create()?;
            self.created.set(true);
        }
        Ok(store)
    }

    /// The alarm: send what is queued, then fire the session's timer when it is due (a park's
    /// wait), and send what that queued. For a call that is not this worker's: drop the events
    /// held for it, and its storage.
    async fn on_alarm(&self) -> EdgeResult<()> {
        if !self.load().await? {
            let held = self.store()?.take_held()?.len();
            if held > 0 {
                worker::console_log!(
                    "call object: {held} callback event(s) of a call this worker did not answer, create or connect were dropped"
                );
            }
            self.state.storage().delete_all().await?;
            return Ok(());
        }
        self.flush_outbox().await?;
        let now = now_ms();
        let fired = self.change(|r| {
            let due = r.session.next_timer().is_some_and(|t| t <= now);
            if due {
                r.session.handle_timer(now);
            }
            due
        })?;
        if fired {
            self.after_change().await?;
            self.flush_outbox().await?;
        }
        Ok(())
    }

    /// Reads the call (once per object lifetime): true when it is stored and this worker's.
    /// A call stored in the older single-value form is migrated to rows here, once.
    async fn load(&self) -> EdgeResult<bool> {
        if let Some(r) = self.record.borrow().as_ref() {
            return Ok(r.session.is_known());
        }
        let mut store = self.store()?;
        let record = match CallRecord::open(&store).map_err(|e| storage_error(&e))? {
            Some(r) => Some(r),
            None => self.migrate(&mut store).await?,
        };
        let known = record.as_ref().is_some_and(|r| r.session.is_known());
        if let Some(r) = &record {
            *self.indexed.borrow_mut() = index_entry(&r.session).to_string().into();
            // Pushed before this instance started (each change is pushed as it is stored).
            self.live.set(LiveMark::of(r));
        }
        let mut slot = self.record.borrow_mut();
        if slot.is_none() {
            *slot = record;
        }
        Ok(known)
    }

    /// Moves a call stored by an older worker (one value) into rows; `None` when there is none.
    async fn migrate(&self, store: &mut SqlStore<'_>) -> EdgeResult<Option<CallRecord>> {
        let storage = self.state.storage();
        let Some(session) = storage.get::<String>(LEGACY_SESSION_KEY).await? else {
            return Ok(None);
        };
        let callbacks = storage.get::<String>(LEGACY_CALLBACKS_KEY).await?;
        let (mut record, writes) = match CallRecord::migrate(&session, callbacks.as_deref()) {
            Ok(m) => m,
            Err(e) => {
                // Refused, loudly, and left in place: nothing is deleted that was not moved.
                worker::console_error!(
                    "call object: a call stored by an older worker cannot be migrated: {e}"
                );
                return Err(storage_error(&e));
            }
        };
        let (rows, bytes) = (writes.rows(), writes.bytes());
        store.write(writes)?;
        record.mark_written();
        storage
            .delete_multiple(vec![LEGACY_SESSION_KEY, LEGACY_CALLBACKS_KEY])
            .await?;
        if let Ok(kv) = self.env.kv(KV) {
            // The old call list's entry; the new one is written with the next change.
            kv.delete(&format!("call:{}", record.session.call_connection_id))
                .await?;
        }
        worker::console_log!(
            "call object: migrated a call from the single-value form ({rows} rows, {bytes} bytes)"
        );
        Ok(Some(record))
    }

    /// Runs `f` on the loaded call and writes what it changed. A failed write drops the
    /// object's copy, so the next input reads the call as stored.
    fn change<T>(&self, f: impl FnOnce(&mut CallRecord) -> T) -> EdgeResult<T> {
        let mut store = self.store()?;
        let mut slot = self.record.borrow_mut();
        let record = slot.as_mut().ok_or_else(|| EdgeError::not_found("call"))?;
        let out = f(record);
        match record.save(&mut store) {
            Ok(_) => Ok(out),
            Err(e) => {
                *slot = None;
                Err(storage_error(&e))
            }
        }
    }

    /// After a write: schedules the alarm when commands are waiting or a timer is set, and
    /// updates the call list entry when it changed (status, server call id, end).
    async fn after_change(&self) -> EdgeResult<()> {
        self.push_live();
        let (pending, timer, key, entry) = {
            let slot = self.record.borrow();
            let Some(r) = slot.as_ref() else {
                return Ok(());
            };
            let s = &r.session;
            (
                !s.outbox().is_empty(),
                s.next_timer(),
                index_key(s),
                index_entry(s).to_string(),
            )
        };
        let storage = self.state.storage();
        if pending {
            storage.set_alarm(Duration::from_millis(1)).await?;
        } else if let Some(at) = timer {
            storage.set_alarm((at - now_ms()).max(1)).await?;
        }
        let fresh = self.indexed.borrow().as_deref() != Some(entry.as_str());
        if let (true, Some(key), Ok(kv)) = (fresh, key, self.env.kv(KV)) {
            let metadata: serde_json::Value = serde_json::from_str(&entry)?;
            kv.put(&key, "1")?
                .metadata(metadata)?
                .expiration_ttl(INDEX_TTL_SECONDS)
                .execute()
                .await?;
            *self.indexed.borrow_mut() = Some(entry);
        }
        Ok(())
    }

    /// Sends what changed since the last push to every open page, and closes their sockets
    /// once the call has ended ([`live::end`]).
    fn push_live(&self) {
        let slot = self.record.borrow();
        let Some(r) = slot.as_ref() else {
            return;
        };
        let sockets = self.state.get_websockets();
        let (messages, mark) = live::changes(r, self.live.get());
        self.live.set(mark);
        if sockets.is_empty() {
            return;
        }
        let end = live::end(&r.session);
        for ws in sockets {
            send_all(&ws, &messages, end.as_deref());
        }
    }

    /// `GET /live` (an upgrade to a WebSocket, after the worker checked the admin credential):
    /// the call so far, then each change as it is stored ([`live`]). The socket is hibernatable:
    /// an idle page costs the object nothing.
    async fn open_live(&self) -> EdgeResult<Response> {
        if !self.load().await? {
            return Err(EdgeError::not_found("call"));
        }
        let pair = WebSocketPair::new()?;
        self.state.accept_web_socket(&pair.server);
        {
            let slot = self.record.borrow();
            let r = slot.as_ref().ok_or_else(|| EdgeError::not_found("call"))?;
            let (messages, _) = live::changes(r, LiveMark::default());
            send_all(&pair.server, &messages, live::end(&r.session).as_deref());
        }
        Ok(Response::from_websocket(pair.client)?)
    }

    /// The record of a call that becomes this worker's now (a new one when nothing is stored).
    async fn adopt(&self, id: &str) -> EdgeResult<()> {
        self.load().await?;
        let mut slot = self.record.borrow_mut();
        if slot.is_none() {
            *slot = Some(CallRecord::new(id));
        }
        Ok(())
    }

    /// Applies the events held for this call before it was this worker's.
    async fn apply_held(&self) -> EdgeResult<EventsOutcome> {
        let held = self.store()?.take_held()?;
        if held.is_empty() {
            return Ok(EventsOutcome::default());
        }
        let events: Vec<Delivered> = held
            .iter()
            .filter_map(|text| serde_json::from_str(text).ok())
            .collect();
        self.apply(events).await
    }

    async fn apply(&self, events: Vec<Delivered>) -> EdgeResult<EventsOutcome> {
        let mut store = self.store()?;
        let outcome = {
            let mut slot = self.record.borrow_mut();
            let record = slot.as_mut().ok_or_else(|| EdgeError::not_found("call"))?;
            let batch = events.into_iter().map(|d| (d.event, d.cloud_event));
            match record.handle_events(&mut store, batch) {
                Ok(outcome) => outcome,
                Err(e) => {
                    *slot = None;
                    return Err(storage_error(&e));
                }
            }
        };
        self.after_change().await?;
        Ok(outcome)
    }

    async fn setup(&self, body: SetupBody) -> EdgeResult<Response> {
        self.become_ours(&body.call_connection_id, |r| {
            r.session.handle_setup(body.setup)
        })
        .await
    }

    async fn created(&self, body: CreatedBody) -> EdgeResult<Response> {
        self.become_ours(&body.call_connection_id, |r| {
            r.session.handle_created(&body.operation, body.at_ms)
        })
        .await
    }

    /// The call becomes this worker's through `f` (its setup, or its creation through the
    /// proxy); then the events held for it are applied. Answers `{applied, heldApplied}`.
    async fn become_ours(
        &self,
        id: &str,
        f: impl FnOnce(&mut CallRecord) -> bool,
    ) -> EdgeResult<Response> {
        self.adopt(id).await?;
        let applied = self.change(f)?;
        self.after_change().await?;
        let held = self.apply_held().await?;
        Ok(json(
            &serde_json::json!({ "applied": applied, "heldApplied": held.applied }),
            200,
        )?)
    }

    async fn events(&self, body: EventsBody) -> EdgeResult<Response> {
        if self.load().await? {
            let outcome = self.apply(body.events).await?;
            return Ok(json(
                &Delivery {
                    outcome,
                    ..Delivery::default()
                },
                200,
            )?);
        }
        // Not this worker's call (yet): hold a few events for a while, keep nothing else.
        let store = self.store()?;
        let mut out = Delivery::default();
        for delivered in &body.events {
            if store.hold(serde_json::to_string(delivered)?, HELD_MAX)? {
                out.held += 1;
            } else {
                out.refused += 1;
            }
        }
        if out.held > 0 && self.state.storage().get_alarm().await?.is_none() {
            self.state.storage().set_alarm(HELD_MS).await?;
        }
        Ok(json(&out, 200)?)
    }

    async fn admin(&self, body: AdminBody) -> EdgeResult<Response> {
        if !self.load().await? {
            return Err(EdgeError::not_found("call"));
        }
        let now = now_ms();
        let cmd = self.change(|r| r.session.handle_admin(body.action, &body.request_id, now))??;
        self.after_change().await?;
        Ok(json(&cmd, 202)?)
    }

    /// Puts a request the page sent through the proxy on the timeline; 404 for a call this
    /// worker never stored (nothing is created for it).
    async fn proxied(&self, body: ProxiedBody) -> EdgeResult<Response> {
        if !self.load().await? {
            return Err(EdgeError::not_found("call"));
        }
        self.change(|r| r.session.handle_proxied(body.proxied))?;
        self.after_change().await?;
        Ok(json(&serde_json::json!({ "recorded": true }), 200)?)
    }

    /// The admin view of the call; with `callbacks_after` (the live stream's last seen
    /// number), also `callbacks`: the callback events numbered after it, if any
    /// ([`crate::routing::call::callback_log::CallbackLog::after`]).
    async fn view(&self, callbacks_after: Option<u64>) -> EdgeResult<Response> {
        if !self.load().await? {
            return Err(EdgeError::not_found("call"));
        }
        let size = self.store()?.database_size();
        let slot = self.record.borrow();
        let r = slot.as_ref().ok_or_else(|| EdgeError::not_found("call"))?;
        let mut view = view_of(&r.session);
        if let Some(obj) = view.as_object_mut() {
            obj.insert(
                "stored".into(),
                serde_json::json!({
                    "bytes": size,
                    "timelineDropped": r.session.timeline_dropped(),
                    "callbacksDropped": r.callbacks.dropped(),
                }),
            );
            obj.insert("requestsServed".into(), self.served.get().into());
            if let Some(batch) = callbacks_after.and_then(|seen| r.callbacks.after(seen)) {
                obj.insert("callbacks".into(), serde_json::to_value(batch)?);
            }
        }
        Ok(json(&view, 200)?)
    }

    /// What a replay of this call needs ([`crate::routing::simulate::replay_script`]): the call
    /// and the script its applied callback events make, with the path it took and its end.
    async fn replay(&self) -> EdgeResult<Response> {
        if !self.load().await? {
            return Err(EdgeError::not_found("call"));
        }
        let slot = self.record.borrow();
        let r = slot.as_ref().ok_or_else(|| EdgeError::not_found("call"))?;
        let events: Vec<CallEvent> = r
            .callbacks
            .events()
            .filter_map(|v| {
                let body = serde_json::to_vec(&[v]).ok()?;
                let decoded = callsteer::events::decode_callback_events(&body).ok()?;
                CallEvent::from_callback(decoded.first()?).ok()
            })
            .collect();
        let s = &r.session;
        let out = crate::routing::simulate::replay_script(s, &events)
            .map(|(call, script)| {
                serde_json::json!({
                    "call": call,
                    "script": script,
                    "path": s.flow.path,
                    "end": s.flow.end.map(crate::routing::simulate::end_name),
                })
            })
            .ok_or_else(|| EdgeError::bad_request("the call has no routing setup to replay"))?;
        Ok(json(&out, 200)?)
    }

    /// The next queued command, with the call's id and callee.
    fn next_command(
        &self,
    ) -> Option<(
        crate::routing::call::command::Command,
        String,
        Option<String>,
    )> {
        let slot = self.record.borrow();
        let s = &slot.as_ref()?.session;
        let callee = s
            .setup
            .as_ref()
            .map(|x| x.callee.trim_start_matches("4:").to_owned());
        s.outbox()
            .first()
            .cloned()
            .map(|c| (c, s.call_connection_id.clone(), callee))
    }

    /// Sends queued commands in order until the outbox is empty.
    async fn flush_outbox(&self) -> EdgeResult<()> {
        let cfg = Config::from_env(&self.env)?;
        loop {
            let Some((cmd, id, callee)) = self.next_command() else {
                return Ok(());
            };
            if let CommandKind::Webhook {
                url,
                body,
                timeout_ms,
            } = &cmd.kind
            {
                self.change(|r| r.session.handle_sent(&cmd.id, Ok(())))?;
                self.after_change().await?;
                let reply = app_webhook::send(&self.env, url, body, *timeout_ms).await;
                if let Err(no) = &reply {
                    worker::console_log!("webhook step {}: {}", cmd.id, no.reason());
                }
                let now = now_ms();
                self.change(|r| r.session.handle_webhook(&cmd.id, reply, now))?;
                self.after_change().await?;
                continue;
            }
            let result = match command_request(&cmd, &id, callee.as_deref(), &cfg.api_version) {
                Err(e) => Err(e.to_string()),
                Ok(req) => self.send_with_retries(&cfg, &req, &cmd.id).await?,
            };
            let invitation = match (&cmd.kind, &result) {
                (CommandKind::AddParticipant { target, .. }, Ok(reply)) => {
                    invitation_id(&id, target, reply)
                }
                _ => None,
            };
            self.change(|r| {
                if let Some(invitation) = &invitation {
                    r.session.handle_invitation(&cmd.id, invitation);
                }
                r.session.handle_sent(&cmd.id, result.map(|_| ()));
            })?;
            self.after_change().await?;
        }
    }

    /// Sends one command through the core's send loop, recording each retry in the timeline
    /// (and storing it) before waiting.
    async fn send_with_retries(
        &self,
        cfg: &Config,
        req: &callsteer::http::Request,
        cmd_id: &str,
    ) -> EdgeResult<Result<callsteer::send::Reply, String>> {
        let transport = CommandTransport {
            object: self,
            cmd_id,
        };
        Ok(match acs::send_with(cfg, req, &transport).await {
            Ok(reply) if (200..300).contains(&reply.status) => Ok(reply),
            Ok(reply) => Err(callsteer::send::failure_reason(&reply)),
            Err(e) => Err(format!("transport: {}", e.message)),
        })
    }
}

/// The worker's transport, plus a timeline entry for each retry of one command.
struct CommandTransport<'a> {
    object: &'a CallObject,
    cmd_id: &'a str,
}

impl callsteer::send::Transport for CommandTransport<'_> {
    async fn exchange(
        &self,
        request: &callsteer::http::Request,
        endpoint: &callsteer::http::Endpoint,
    ) -> Result<callsteer::send::Reply, String> {
        acs::EdgeTransport.exchange(request, endpoint).await
    }

    async fn sleep(&self, ms: u64) {
        acs::EdgeTransport.sleep(ms).await;
    }

    fn now_unix(&self) -> u64 {
        acs::EdgeTransport.now_unix()
    }

    async fn retrying(&self, attempt: u32, reason: &str, _after_ms: u64) {
        let cmd = self.cmd_id;
        let recorded = async {
            self.object
                .change(|r| r.session.handle_retry(cmd, attempt, reason))?;
            self.object.after_change().await
        };
        // The send goes on either way; a lost timeline entry is only logged.
        if let Err(e) = recorded.await {
            worker::console_error!("recording a retry of {cmd} failed: {}", e.message);
        }
    }
}

/// Sends `messages` on one page's socket, then `end` and a close when the call ended. A page
/// that went away is closed (the runtime drops it from the object's sockets).
fn send_all(ws: &WebSocket, messages: &[String], end: Option<&str>) {
    let sent = messages
        .iter()
        .chain(end.map(str::to_owned).as_ref())
        .try_for_each(|m| ws.send_with_str(m));
    if sent.is_err() {
        let _ = ws.close(Some(1011), Some("send failed"));
    } else if end.is_some() {
        let _ = ws.close(Some(1000), Some("call ended"));
    }
}

/// The invitation id of an accepted add-participant (what cancelling it needs), read by the
/// core's decoder of the operation's response.
fn invitation_id(call_id: &str, target: &str, reply: &callsteer::send::Reply) -> Option<String> {
    use callsteer::api::Operation;
    let op = callsteer::api::AddParticipant::new(call_id, identifier(target));
    op.decode(&reply.as_response()).ok()?.invitation_id
}

/// `?callbacksAfter=<n>` of a `/state` request.
fn callbacks_after(req: &Request) -> Option<u64> {
    let url = req.url().ok()?;
    let n = url.query_pairs().find(|(k, _)| k == "callbacksAfter")?.1;
    n.parse().ok()
}

/// The admin view of a call: the session, plus the derived status and its outbox.
pub(crate) fn view_of(s: &CallSession) -> serde_json::Value {
    let mut v = serde_json::to_value(s).unwrap_or_default();
    if let Some(obj) = v.as_object_mut() {
        obj.insert("status".into(), s.status().into());
        obj.insert(
            "outbox".into(),
            serde_json::to_value(s.outbox()).unwrap_or_default(),
        );
    }
    v
}

/// Sends `body` to the object of call `id` at `path`.
///
/// # Errors
/// Worker errors from the binding or the stub.
pub(crate) async fn call(
    env: &Env,
    id: &str,
    method: Method,
    path: &str,
    body: Option<String>,
) -> EdgeResult<Response> {
    super::objects::send(env, CALLS, id, method, path, body).await
}

/// Opens a WebSocket to the object of call `id` at `path` (the live stream): the object's 101
/// answer, with its socket, is the answer to pass on.
///
/// # Errors
/// Worker errors from the binding or the stub; the object's own (404 for an unknown call).
pub(crate) async fn upgrade(env: &Env, id: &str, path: &str) -> EdgeResult<Response> {
    let stub = env.durable_object(CALLS)?.id_from_name(id)?.get_stub()?;
    let mut init = RequestInit::new();
    init.with_method(Method::Get);
    let headers = worker::Headers::new();
    headers.set("upgrade", "websocket")?;
    init.with_headers(headers);
    let req = Request::new_with_init(&format!("https://call.internal{path}"), &init)?;
    Ok(stub.fetch_with_request(req).await?)
}
